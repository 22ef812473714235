"""Fresh records for the concurrency trials, made through the API (or, where the API
would take many steps, the services), each in the state its route acts on."""

from __future__ import annotations

import uuid
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from pactum.access import open_alliance, system_scope
from pactum.agreements import service as agreements
from pactum.agreements.schemas import AgreementCreate, AgreementUpdate
from pactum.core.time import utcnow
from pactum.models import Decision
from pactum.statements.fx import service as fx_service
from pactum.statements.fx.schemas import FxRateCreate
from tests.concurrency.harness import Harness
from tests.conftest import PASSWORD
from tests.statements.money_support import PROFIT_TERMS, ROYALTY_TERMS
from tests.statements.trueup_setup import TERMS as COST_TERMS

YEAR = 2027
MILESTONE_TERMS = {"milestones": [{"gate": "phase1", "amount": 1000000}]}


def alliance(h: Harness, partner: str = "B") -> dict[str, Any]:
    """A fresh alliance proposed by A's manager to ``partner`` (not yet answered)."""
    body = {
        "name": h.unique("Race alliance"),
        "types": ["licensing"],
        "my_role": "licensor",
        "partners": [{"org_id": str(h.world.orgs[partner]), "role": "licensee"}],
    }
    made: dict[str, Any] = h.call("POST", "/api/v1/alliances", "a_manager", body)
    return made


def party_of(h: Harness, alliance_id: str, org: str) -> str:
    """The party (invitation) id of an organisation in an alliance, as its admin sees it."""
    for item in h.call("GET", "/api/v1/invitations", f"{org.lower()}_admin"):
        if item["alliance_id"] == alliance_id:
            return str(item["party_id"])
    raise AssertionError("no invitation")


def member(h: Harness, alliance_id: str, who: str, role: str = "contributor") -> dict[str, Any]:
    """``who`` added by A's manager to an alliance with ``role``."""
    body = {"user_id": str(h.world[who].user_id), "role": role}
    made: dict[str, Any] = h.call(
        "POST", f"/api/v1/alliances/{alliance_id}/members", "a_manager", body
    )
    return made


def agreement_id(
    h: Harness,
    *,
    terms: dict[str, Any] | None = None,
    currency: str = "USD",
    in_force: bool = True,
    **extra: Any,
) -> uuid.UUID:
    """A fresh agreement, A licensor and B licensee, in the shared alliance."""
    with Session(h.engine) as db:
        view = open_alliance(db, h.world["a_manager"].principal, h.world.alliance_id)
        created = agreements.create_agreement(
            db,
            view,
            AgreementCreate(
                title=h.unique("Race agreement"),
                licensor_org_id=h.world.orgs["A"],
                licensee_org_id=h.world.orgs["B"],
                currency=currency,
                effective_date=date(YEAR, 1, 1),
                terms=ROYALTY_TERMS if terms is None else terms,
                payment_days=30,
                **extra,
            ),
        )
        if in_force:
            agreements.update_agreement(
                db, view, created.id, AgreementUpdate(status="in_force"), expected_version=None
            )
        db.commit()
        return created.id


def rate(h: Harness, quarter: int, currency: str, *, agreed: bool = True) -> dict[str, Any]:
    """An FX rate of ``currency`` to USD for a quarter, proposed by B (agreed by A)."""
    with Session(h.engine) as db:
        b = open_alliance(db, h.world["b_finance"].principal, h.world.alliance_id)
        made = fx_service.propose(
            db,
            b,
            FxRateCreate(
                year=YEAR, quarter=quarter, currency=currency, target="USD", rate=Decimal("1.1")
            ),
        )
        if agreed:
            a = open_alliance(db, h.world["a_finance"].principal, h.world.alliance_id)
            fx_service.agree(db, a, made.id, expected_version=made.version)
        db.commit()
        return {"id": str(made.id), "version": made.version + (1 if agreed else 0)}


def royalty(h: Harness, *, submitted: bool = False) -> dict[str, Any]:
    """A royalty statement of 2027 Q1 by B's finance on a fresh agreement (in USD)."""
    body = {
        "agreement_id": str(agreement_id(h)),
        "year": YEAR,
        "quarter": 1,
        "lines": [
            {"country": "DE", "product": "HLX-204", "net_sales": "100000.00", "currency": "USD"}
        ],
    }
    made: dict[str, Any] = h.call("POST", f"{h.base}/royalty-statements", "b_finance", body)
    if submitted:
        made = h.call(
            "POST",
            f"{h.base}/royalty-statements/{made['id']}/submit",
            "b_finance",
            headers_extra={"If-Match": f'"{made["version"]}"'},
        )
    return made


def pnl(h: Harness, *, submitted: bool = False) -> dict[str, Any]:
    """A P&L statement of 2027 Q1 booked by B on a fresh profit-sharing agreement."""
    body = {
        "agreement_id": str(agreement_id(h, terms=PROFIT_TERMS)),
        "year": YEAR,
        "quarter": 1,
        "net_sales": "1000000.00",
        "cogs": "200000.00",
        "licensor_expenses": "50000.00",
        "licensee_expenses": "150000.00",
    }
    made: dict[str, Any] = h.call("POST", f"{h.base}/pnl-statements", "b_finance", body)
    if submitted:
        made = h.call(
            "POST",
            f"{h.base}/pnl-statements/{made['id']}/submit",
            "b_finance",
            headers_extra={"If-Match": f'"{made["version"]}"'},
        )
    return made


def true_up(h: Harness) -> dict[str, Any]:
    """A 2027 Q1 true-up on a fresh cost-sharing agreement, with one submitted line of
    B's."""
    body = {
        "agreement_id": str(agreement_id(h, terms=COST_TERMS, currency="EUR")),
        "year": YEAR,
        "quarter": 1,
        "licensor_budget": "40000.00",
        "licensor_budget_decision": "JSC 2026-12, item 4",
        "licensee_budget": "60000.00",
        "licensee_budget_decision": "JSC 2026-12, item 5",
        "phase": "phase2",
    }
    made: dict[str, Any] = h.call("POST", f"{h.base}/true-ups", "a_finance", body)
    line = h.call(
        "POST",
        f"{h.base}/true-ups/{made['id']}/lines",
        "b_finance",
        {"work_package": "WP1", "category": "CMC", "amount": "1000.00", "currency": "EUR"},
    )
    h.call(
        "POST",
        f"{h.base}/true-ups/{made['id']}/lines/submit",
        "b_finance",
        headers_extra={"If-Match": f'"{made["version"]}"'},
    )
    made = h.call("GET", f"{h.base}/true-ups/{made['id']}", "a_finance")
    made["line"] = next(ln for ln in made["lines"] if ln["id"] == line["id"])
    return made


def claim(h: Harness, *, state: str = "claimed") -> dict[str, Any]:
    """A's claim of a milestone on a fresh agreement (claimed, disputed or confirmed)."""
    body = {
        "agreement_id": str(agreement_id(h, terms=MILESTONE_TERMS)),
        "milestone": h.unique("Phase 1 completed"),
        "achieved_on": "2027-03-01",
        "evidence": "Topline data.",
        "amount": "1000000.00",
    }
    made: dict[str, Any] = h.call("POST", f"{h.base}/milestones", "a_finance", body)
    url = f"{h.base}/milestones/{made['id']}"
    if state == "disputed":
        made = h.call(
            "POST",
            f"{url}/dispute",
            "b_finance",
            {"reason": "The data are not final."},
            headers_extra={"If-Match": f'"{made["version"]}"'},
        )
        made = h.call("GET", url, "a_finance")
    elif state == "confirmed":
        made = h.call(
            "POST",
            f"{url}/confirm",
            "b_finance",
            headers_extra={"If-Match": f'"{made["version"]}"'},
        )
    return made


def invoice(h: Harness) -> dict[str, Any]:
    """An invoice: a confirmed claim invoiced by A."""
    confirmed = claim(h, state="confirmed")
    made: dict[str, Any] = h.call(
        "POST", f"{h.base}/milestones/{confirmed['id']}/invoice", "a_finance"
    )
    return made


def committee(h: Harness, *, members: bool = True) -> dict[str, Any]:
    """A JSC (escalating to fresh executive officers) with a and b managers voting."""
    execs = h.call(
        "POST",
        f"{h.base}/committees",
        "a_manager",
        {"name": h.unique("Execs"), "kind": "executive_officers", "decision_days": 30},
    )
    made: dict[str, Any] = h.call(
        "POST",
        f"{h.base}/committees",
        "a_manager",
        {
            "name": h.unique("JSC"),
            "kind": "jsc",
            "final_say": {"development": str(h.world.orgs["A"])},
            "escalates_to_id": execs["id"],
            "decision_days": 15,
        },
    )
    if members:
        for who in ("a_manager", "b_manager"):
            h.call(
                "POST",
                f"{h.base}/committees/{made['id']}/members",
                who,
                {"user_id": str(h.world[who].user_id), "voting": True, "minutes_approver": True},
            )
    return made


def meeting(h: Harness, *, held: bool = False) -> dict[str, Any]:
    """A meeting of a fresh JSC that started an hour ago, with one decision item."""
    jsc = committee(h)
    start = utcnow() - timedelta(hours=1)
    made: dict[str, Any] = h.call(
        "POST",
        f"{h.base}/committees/{jsc['id']}/meetings",
        "a_manager",
        {
            "title": h.unique("JSC meeting"),
            "starts_at": start.isoformat(),
            "ends_at": (start + timedelta(hours=2)).isoformat(),
        },
    )
    item = h.call(
        "POST",
        f"{h.base}/meetings/{made['id']}/items",
        "a_manager",
        {"kind": "decision", "title": "Budget"},
    )
    made["item"] = item
    made["committee"] = jsc
    if held:
        present = [str(h.world[w].user_id) for w in ("a_manager", "b_manager")]
        h.call(
            "PUT",
            f"{h.base}/meetings/{made['id']}/attendance",
            "a_manager",
            {"present": present},
            headers_extra={"If-Match": h.etag(f"{h.base}/meetings/{made['id']}", "a_manager")},
        )
    return made


def decision(h: Harness, *, state: str = "open") -> dict[str, Any]:
    """A written decision of a fresh JSC (open, approved or at the final-say step)."""
    jsc = committee(h)
    made: dict[str, Any] = h.call(
        "POST",
        f"{h.base}/decisions",
        "a_manager",
        {
            "committee_id": jsc["id"],
            "domain": "development",
            "question": h.unique("Start Phase 2?"),
            "deadline": (utcnow().date() + timedelta(days=10)).isoformat(),
        },
    )
    url = f"{h.base}/decisions/{made['id']}"
    if state == "approved":
        for who in ("a_manager", "b_manager"):
            h.call("POST", f"{url}/votes", who, {"choice": "yes"})
    elif state == "deadlocked":
        for who, choice in (("a_manager", "yes"), ("b_manager", "no")):
            h.call("POST", f"{url}/votes", who, {"choice": choice})
    elif state == "final_say":
        with Session(h.engine) as db:  # the ladder climbed to its end
            db.execute(
                update(Decision)
                .where(Decision.id == uuid.UUID(made["id"]))
                .values(status="final_say", escalate_on=None, version=Decision.version + 1)
                .execution_options(pactum_scoped=True)
            )
            db.commit()
    found: dict[str, Any] = h.call("GET", url, "a_manager")
    return found


def decision_row(h: Harness, decision_id: str) -> Decision:
    """The stored decision (for checks)."""
    with Session(h.engine) as db:
        return db.execute(
            system_scope(select(Decision).where(Decision.id == uuid.UUID(decision_id)))
        ).scalar_one()


def objective(h: Harness) -> dict[str, Any]:
    """A shared objective of A's."""
    made: dict[str, Any] = h.call(
        "POST", f"{h.base}/objectives", "a_manager", {"title": h.unique("Aim")}
    )
    return made


def obligation(h: Harness, rule: dict[str, Any] | None = None) -> dict[str, Any]:
    """A quarterly report B owes (or an obligation with ``rule``)."""
    body = {
        "title": h.unique("Quarterly report"),
        "kind": "report",
        "responsible_org_id": str(h.world.orgs["B"]),
        "rule": rule
        or {"type": "recurring", "period": "quarter", "days_after": 45, "start": "2027-01-01"},
    }
    made: dict[str, Any] = h.call("POST", f"{h.base}/obligations", "a_manager", body)
    return made


SIGNING = {"password": PASSWORD}
