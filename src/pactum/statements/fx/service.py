"""FX table rules: one party's finance people propose the rate of a currency in an agreement
currency for a quarter; a finance person of the *other* party agrees it; statements use
agreed rates only.

An agreed rate is never edited silently: a correction is a new proposal that replaces it
(the rate goes back to ``proposed`` and the other party must agree again; the agreed value
stays in the audit trail). A correction is refused once a submitted or approved statement
used the rate; drafts are recomputed with the agreed rates when saved or submitted.
"""

from __future__ import annotations

import uuid
from decimal import Decimal

from sqlalchemy.orm import Session

from pactum.access import AllianceView, get_scoped, scoped
from pactum.access.records import audit_record
from pactum.core.errors import Conflict, Forbidden, ValidationFailed
from pactum.core.time import utcnow
from pactum.core.updates import check_version
from pactum.models import FxRate, PnlStatement, RoyaltyStatement
from pactum.statements.fx.schemas import FxRateCreate, FxRateUpdate
from pactum.statements.periods import label

LOCKING = ("submitted", "approved")


def list_rates(
    session: Session, view: AllianceView, *, year: int | None = None, quarter: int | None = None
) -> list[FxRate]:
    """The alliance's FX table, latest quarter first, then by currency."""
    stmt = scoped(view, FxRate).order_by(
        FxRate.year.desc(), FxRate.quarter.desc(), FxRate.target, FxRate.currency
    )
    if year is not None:
        stmt = stmt.where(FxRate.year == year)
    if quarter is not None:
        stmt = stmt.where(FxRate.quarter == quarter)
    return list(session.execute(stmt).scalars())


def get_rate(
    session: Session, view: AllianceView, rate_id: uuid.UUID, *, lock: bool = False
) -> FxRate:
    """One rate, or 404."""
    return get_scoped(session, view, FxRate, rate_id, lock=lock)


def agreed_rates(
    session: Session, view: AllianceView, year: int, quarter: int, target: str
) -> dict[str, Decimal]:
    """Currency -> agreed rate into ``target`` for the quarter (proposals are left out).

    The rates are read with a shared lock (``FOR SHARE``): a statement converting with
    them and a change of one of them are made one after the other, so a statement is
    never submitted with a rate being replaced (the change then sees it in use, or the
    statement sees the rate no longer agreed)."""
    stmt = (
        scoped(view, FxRate)
        .where(
            FxRate.year == year,
            FxRate.quarter == quarter,
            FxRate.target == target,
            FxRate.status == "agreed",
        )
        .with_for_update(read=True)
    )
    return {r.currency: Decimal(r.rate) for r in session.execute(stmt).scalars()}


def used_by(session: Session, view: AllianceView, rate: FxRate) -> list[str]:
    """Submitted or approved statements that converted with this rate (``royalty 2027 Q1``)."""
    found: list[tuple[str, int, int, dict[str, object]]] = []
    royalty = scoped(view, RoyaltyStatement).where(
        RoyaltyStatement.year == rate.year,
        RoyaltyStatement.quarter == rate.quarter,
        RoyaltyStatement.currency == rate.target,
        RoyaltyStatement.status.in_(LOCKING),
    )
    for r in session.execute(royalty).scalars():
        found.append(("royalty", r.year, r.quarter, r.inputs))
    pnl = scoped(view, PnlStatement).where(
        PnlStatement.year == rate.year,
        PnlStatement.quarter == rate.quarter,
        PnlStatement.currency == rate.target,
        PnlStatement.status.in_(LOCKING),
    )
    for p in session.execute(pnl).scalars():
        found.append(("P&L share", p.year, p.quarter, p.inputs))
    return [
        f"{kind} statement {label(year, quarter)}"
        for kind, year, quarter, inputs in found
        if _converts(inputs, rate.currency)
    ]


def _converts(inputs: dict[str, object], currency: str) -> bool:
    """Whether a statement's inputs converted ``currency`` with an agreed rate."""
    fx = inputs.get("fx")
    return isinstance(fx, dict) and currency in fx


def _content(rate: FxRate) -> dict[str, object]:
    return {
        "year": rate.year,
        "quarter": rate.quarter,
        "currency": rate.currency,
        "target": rate.target,
        "rate": rate.rate,
        "status": rate.status,
    }


def propose(session: Session, view: AllianceView, data: FxRateCreate) -> FxRate:
    """Propose a quarter's rate for a currency (our party's finance people)."""
    view.require("finance.write")
    if data.currency == data.target:
        raise ValidationFailed("currency", "must differ from the target currency")
    existing = session.execute(
        scoped(view, FxRate).where(
            FxRate.year == data.year,
            FxRate.quarter == data.quarter,
            FxRate.currency == data.currency,
            FxRate.target == data.target,
        )
    ).scalar_one_or_none()
    if existing is not None:
        raise Conflict(
            f"currency: a {data.currency}→{data.target} rate for "
            f"{label(data.year, data.quarter)} already exists ({existing.status}); "
            "propose a different rate on that one"
        )
    rate = FxRate(
        alliance_id=view.alliance_id,
        owner_org_id=view.org_id,
        visibility="shared",
        year=data.year,
        quarter=data.quarter,
        currency=data.currency,
        target=data.target,
        rate=str(data.rate.normalize()),
        status="proposed",
        proposed_by_id=view.principal.user_id,
    )
    session.add(rate)
    session.flush()
    audit_record(session, view, rate, "fx_rate", "fx_rate.propose", new=_content(rate))
    return rate


def change(
    session: Session,
    view: AllianceView,
    rate_id: uuid.UUID,
    data: FxRateUpdate,
    *,
    expected_version: int | None,
) -> FxRate:
    """Propose a different rate: a counter-proposal while proposed, or a correction that
    replaces an agreed rate (it must then be agreed again). Our party becomes the proposer."""
    rate = get_rate(session, view, rate_id, lock=True)
    view.require("finance.write")
    check_version(expected_version, rate.version)
    text = str(data.rate.normalize())
    if Decimal(text) == Decimal(rate.rate):
        return rate  # nothing to change (to accept a proposal, agree it)
    if rate.status == "agreed":
        users = used_by(session, view, rate)
        if users:
            raise Conflict(
                "rate: an agreed rate used by a submitted or approved statement cannot be "
                f"replaced ({', '.join(users)})"
            )
    old = _content(rate)
    was_agreed = rate.status == "agreed"
    rate.rate = text
    rate.status = "proposed"
    rate.owner_org_id = view.org_id
    rate.proposed_by_id = view.principal.user_id
    rate.agreed_by_id = None
    rate.agreed_at = None
    rate.version += 1
    session.flush()
    audit_record(
        session,
        view,
        rate,
        "fx_rate",
        "fx_rate.correct" if was_agreed else "fx_rate.counter",
        old=old,
        new=_content(rate),
    )
    return rate


def agree(
    session: Session, view: AllianceView, rate_id: uuid.UUID, *, expected_version: int | None
) -> FxRate:
    """Agree the other party's proposal (finance people only; never one's own)."""
    rate = get_rate(session, view, rate_id, lock=True)
    view.require("finance.approve")
    if rate.owner_org_id == view.org_id:
        raise Forbidden("A party cannot agree its own proposal; the other party agrees it.")
    check_version(expected_version, rate.version)
    if rate.status != "proposed":
        raise Conflict(f"status: the rate is already {rate.status}")
    rate.status = "agreed"
    rate.agreed_by_id = view.principal.user_id
    rate.agreed_at = utcnow()
    rate.version += 1
    session.flush()
    audit_record(
        session,
        view,
        rate,
        "fx_rate",
        "fx_rate.agree",
        old={"status": "proposed"},
        new=_content(rate),
    )
    return rate
