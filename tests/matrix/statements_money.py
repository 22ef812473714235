"""Route-matrix records for the FX table, royalty statements and P&L-share statements
(shared records, so they live in the alliance A shares with nobody yet). A is the
licensee there, so A's people reach the statements' own rules (not only the 404)."""

from __future__ import annotations

import uuid
from datetime import date
from decimal import Decimal
from typing import Any

from sqlalchemy.orm import Session

from pactum.models import Agreement, AgreementVersion, FxRate, PnlStatement, RoyaltyStatement
from pactum.statements.pnl import calc as pnl_calc
from pactum.statements.royalty import calc as royalty_calc
from tests.conftest import World

ROYALTIES: dict[str, Any] = {"tiers": [{"from": 0, "rate": 0.05}]}


def a_only(db: Session, world: World, alliance_id: uuid.UUID) -> dict[str, uuid.UUID]:
    """An agreed FX rate, a submitted royalty statement and a draft P&L statement."""
    a, c = world.orgs["A"], world.orgs["C"]
    user = world["a_finance"].user_id
    common = {"alliance_id": alliance_id, "owner_org_id": a, "visibility": "shared"}
    agreement = Agreement(
        **common,
        title="A-only royalty licence",
        status="in_force",
        licensor_org_id=c,
        licensee_org_id=a,
        currency="USD",
        effective_date=date(2027, 1, 1),
        created_by_id=user,
    )
    db.add(agreement)
    db.flush()
    db.add(
        AgreementVersion(
            **common,
            agreement_id=agreement.id,
            number=1,
            effective_date=date(2027, 1, 1),
            terms={"royalties": ROYALTIES, "profit_split": 0.5},
            created_by_id=user,
        )
    )
    rate = FxRate(
        **common,
        year=2027,
        quarter=1,
        currency="EUR",
        target="USD",
        rate="1.1",
        status="agreed",
        proposed_by_id=user,
    )
    quarter = {"currency": "USD", "year": 2027, "quarter": 1, "terms_version": 1}
    royalty_inputs: dict[str, Any] = {
        **quarter,
        "payment_days": 45,
        "royalties": ROYALTIES,
        "fx": {"EUR": "1.1"},
        "lines": [{"country": "DE", "product": "X", "net_sales": "100.00", "currency": "EUR"}],
        "third_party_royalties": "0.00",
        "third_party_currency": "USD",
        "term_ended": [],
        "exclusivity_lost": [],
        "ytd_before": "0",
        "credit_before": "0",
    }
    royalty_result = royalty_calc.compute(royalty_inputs)
    royalty = RoyaltyStatement(
        **common,
        agreement_id=agreement.id,
        year=2027,
        quarter=1,
        currency="USD",
        status="submitted",
        inputs=royalty_inputs,
        result=royalty_result,
        total=Decimal(royalty_result["royalty"]),
        created_by_id=user,
    )
    pnl_inputs: dict[str, Any] = {
        **quarter,
        "payment_days": 45,
        "booking": "licensee",
        "input_currency": "USD",
        "fx": {},
        "net_sales": "100.00",
        "cogs": "10.00",
        "expenses": {"licensor": "0.00", "licensee": "5.00"},
        "split": {"licensor": "0.5", "licensee": "0.5"},
        "split_source": "terms",
    }
    pnl_result = pnl_calc.compute(pnl_inputs)
    pnl = PnlStatement(
        **common,
        agreement_id=agreement.id,
        year=2027,
        quarter=1,
        currency="USD",
        status="draft",
        inputs=pnl_inputs,
        result=pnl_result,
        total=Decimal(pnl_result["balance"]),
        created_by_id=user,
    )
    db.add_all([rate, royalty, pnl])
    db.commit()
    return {"fx_rate_id": rate.id, "royalty_statement_id": royalty.id, "pnl_statement_id": pnl.id}
