"""The Money column stores exact cents: any amount with at most two decimals comes back
unchanged (SQLite and PostgreSQL); fractions of a cent are refused, never rounded."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from pactum.core.db import Money
from pactum.models import Invoice
from tests.conftest import World

AMOUNTS = st.decimals(
    min_value=Decimal("-9999999999999.99"),
    max_value=Decimal("9999999999999.99"),
    places=2,
    allow_nan=False,
    allow_infinity=False,
)


@given(AMOUNTS)
def test_bind_and_result_round_trip(amount: Decimal) -> None:
    """Decimal → integer cents → Decimal is the identity on both dialects."""
    column = Money()
    for dialect in (sqlite.dialect(), postgresql.dialect()):
        cents = column.process_bind_param(amount, dialect)
        assert isinstance(cents, int)
        assert column.process_result_value(cents, dialect) == amount


@given(st.decimals(min_value=Decimal("-1000"), max_value=Decimal("1000"), places=4))
def test_fractions_of_a_cent_are_refused(amount: Decimal) -> None:
    """A sub-cent amount never reaches the database silently rounded."""
    column = Money()
    if amount == amount.quantize(Decimal("0.01")):
        assert column.process_bind_param(amount, sqlite.dialect()) == int(amount * 100)
    else:
        with pytest.raises(ValueError, match="fractions of a cent"):
            column.process_bind_param(amount, sqlite.dialect())


def test_large_amounts_survive_the_database(db: Session, world: World) -> None:
    """13-digit amounts with cents are exact after a real round trip."""
    big = Decimal("9876543210987.65")
    invoice = Invoice(
        alliance_id=world.alliance_id,
        owner_org_id=world.orgs["A"],
        visibility="shared",
        number="INV-T-1",
        source_type="milestone",
        source_id=world.alliance_id,
        description="t",
        payer_org_id=world.orgs["B"],
        payee_org_id=world.orgs["A"],
        amount=big,
        paid=Decimal("0.01"),
        currency="USD",
        issued_on=date(2026, 1, 1),
        due_on=date(2026, 2, 1),
        issued_by_id=world["a_manager"].user_id,
    )
    db.add(invoice)
    db.flush()
    db.expire(invoice)
    assert invoice.amount == big
    assert invoice.paid == Decimal("0.01")
