"""Agreement rules: parties, amendments as versions, the terms in force on a date, and
valuing the agreement in one step."""

from __future__ import annotations

import uuid
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from pactum.access import AllianceView, get_scoped, scoped, system_scope
from pactum.access.records import audit_record
from pactum.agreements.schemas import (
    AgreementCreate,
    AgreementUpdate,
    AmendmentCreate,
    ValueRequest,
)
from pactum.agreements.terms import parse_terms
from pactum.audit.service import SCHEDULER, chain_for, record
from pactum.core.errors import Conflict, ValidationFailed
from pactum.core.time import utcnow
from pactum.core.updates import check_version, diff, reject_nulls
from pactum.models import Agreement, AgreementVersion, ValuationScenario
from pactum.scenarios import service as scenarios
from pactum.scenarios.schemas import ScenarioCreate
from pactum.scenarios.template import template_deal

STATUS_FLOW = {
    "draft": {"in_force", "terminated"},
    "in_force": {"expired", "terminated"},
    "expired": set(),
    "terminated": set(),
}


def list_agreements(session: Session, view: AllianceView) -> list[Agreement]:
    """The alliance's agreements (shared with every party), as of now."""
    stmt = scoped(view, Agreement).order_by(Agreement.effective_date, Agreement.created_at)
    return [as_of(a) for a in session.execute(stmt).scalars()]


def get_agreement(
    session: Session, view: AllianceView, agreement_id: uuid.UUID, *, lock: bool = False
) -> Agreement:
    """One agreement, or 404: as of now for reading; for a write (``lock``) the locked
    row, with an expiry that fell due recorded first."""
    agreement = get_scoped(session, view, Agreement, agreement_id, lock=lock)
    if lock:
        if expiry_due(agreement):
            _record_expiry(session, agreement)
        return agreement
    return as_of(agreement)


_COLUMNS = [c.key for c in Agreement.__table__.columns]


def expiry_due(agreement: Agreement, today: date | None = None) -> bool:
    """An agreement in force whose expiry date has passed (pure)."""
    day = today or utcnow().date()
    return (
        agreement.status == "in_force"
        and agreement.expiry_date is not None
        and day > agreement.expiry_date
    )


def expired_at(agreement: Agreement) -> datetime:
    """When an agreement stops being in force: the end of its expiry date (UTC)."""
    assert agreement.expiry_date is not None
    day = agreement.expiry_date + timedelta(days=1)
    return datetime(day.year, day.month, day.day, tzinfo=UTC)


def as_of(agreement: Agreement) -> Agreement:
    """The agreement as of now: a copy (never added to a session) that reads as expired
    once its expiry date has passed and the scheduler has not recorded it yet."""
    if not expiry_due(agreement):
        return agreement
    copy = Agreement(**{key: getattr(agreement, key) for key in _COLUMNS})
    copy.status = "expired"
    copy.version += 1
    copy.updated_at = expired_at(agreement)
    return copy


def _record_expiry(session: Session, agreement: Agreement) -> None:
    """Record a due expiry as the system's, effective at the end of the expiry date."""
    agreement.status = "expired"
    agreement.version += 1
    agreement.updated_at = expired_at(agreement)
    session.flush()
    record(
        session,
        actor=SCHEDULER,
        action="agreement.expire",
        object_type="agreement",
        object_id=agreement.id,
        chain=chain_for(agreement.alliance_id, agreement.visibility, agreement.owner_org_id),
        alliance_id=agreement.alliance_id,
        old={"status": "in_force"},
        new={"status": "expired", "effective_at": expired_at(agreement)},
    )


def expire_due(session: Session) -> int:
    """Record every agreement expiry that fell due (the scheduler's job)."""
    due = list(
        session.execute(
            system_scope(
                select(Agreement)
                .where(
                    Agreement.status == "in_force",
                    Agreement.expiry_date.is_not(None),
                    Agreement.expiry_date < utcnow().date(),
                )
                .order_by(Agreement.expiry_date, Agreement.id)
                .with_for_update()
                .execution_options(populate_existing=True)
            )
        ).scalars()
    )
    for agreement in due:
        _record_expiry(session, agreement)
    return len(due)


def versions(
    session: Session, view: AllianceView, agreement_id: uuid.UUID
) -> list[AgreementVersion]:
    """The agreement's versions, oldest first."""
    return versions_of(session, view, [agreement_id])[agreement_id]


def versions_of(
    session: Session, view: AllianceView, agreement_ids: list[uuid.UUID]
) -> dict[uuid.UUID, list[AgreementVersion]]:
    """The versions of several agreements, oldest first, in one query (for lists)."""
    found: dict[uuid.UUID, list[AgreementVersion]] = {i: [] for i in agreement_ids}
    stmt = (
        scoped(view, AgreementVersion)
        .where(AgreementVersion.agreement_id.in_(agreement_ids))
        .order_by(AgreementVersion.number)
    )
    for version in session.execute(stmt).scalars():
        found[version.agreement_id].append(version)
    return found


def terms_on(
    session: Session, view: AllianceView, agreement: Agreement, on: date
) -> AgreementVersion:
    """The version in force on ``on``: the latest whose effective date is not after it."""
    found = in_force(versions(session, view, agreement.id), on)
    if found is None:
        raise ValidationFailed(
            "on", f"the agreement is not in force before {agreement.effective_date.isoformat()}"
        )
    return found


def in_force(found: list[AgreementVersion], on: date) -> AgreementVersion | None:
    """Of an agreement's versions (oldest first), the one in force on ``on``, if any."""
    return next((v for v in reversed(found) if v.effective_date <= on), None)


def _party_orgs(view: AllianceView) -> set[uuid.UUID]:
    return {p.org_id for p in view.alliance.parties if p.state == "accepted"}


def _version_content(version: AgreementVersion) -> dict[str, Any]:
    return {
        "number": version.number,
        "effective_date": version.effective_date,
        "summary": version.summary,
        "reason": version.reason,
        "signed_by": version.signed_by,
        "terms": version.terms,
        "payment_days": version.payment_days,
        "notice_days": version.notice_days,
        "overrun_cap": version.overrun_cap,
    }


def create_agreement(session: Session, view: AllianceView, data: AgreementCreate) -> Agreement:
    """Record an agreement between two accepted parties, with its terms as version 1."""
    view.require("agreements.write")
    parties = _party_orgs(view)
    for name in ("licensor_org_id", "licensee_org_id"):
        if getattr(data, name) not in parties:
            raise ValidationFailed(name, "must be an accepted party of this alliance")
    terms = parse_terms(data.terms).model_dump(mode="json", by_alias=True, exclude_defaults=True)
    agreement = Agreement(
        alliance_id=view.alliance_id,
        owner_org_id=view.org_id,
        visibility="shared",
        title=data.title,
        kind=data.kind,
        licensor_org_id=data.licensor_org_id,
        licensee_org_id=data.licensee_org_id,
        currency=data.currency,
        effective_date=data.effective_date,
        expiry_date=data.expiry_date,
        created_by_id=view.principal.user_id,
    )
    session.add(agreement)
    session.flush()
    version = AgreementVersion(
        alliance_id=view.alliance_id,
        owner_org_id=view.org_id,
        visibility="shared",
        agreement_id=agreement.id,
        number=1,
        effective_date=data.effective_date,
        summary="Agreement as signed",
        reason="",
        signed_by=data.signed_by,
        terms=terms,
        payment_days=data.payment_days,
        notice_days=data.notice_days,
        overrun_cap=str(data.overrun_cap),
        created_by_id=view.principal.user_id,
    )
    session.add(version)
    session.flush()
    audit_record(
        session,
        view,
        agreement,
        "agreement",
        "agreement.create",
        new={
            "title": agreement.title,
            "kind": agreement.kind,
            "licensor_org_id": agreement.licensor_org_id,
            "licensee_org_id": agreement.licensee_org_id,
            "currency": agreement.currency,
            "effective_date": agreement.effective_date,
            "expiry_date": agreement.expiry_date,
            "version_1": _version_content(version),
        },
    )
    return agreement


def update_agreement(
    session: Session,
    view: AllianceView,
    agreement_id: uuid.UUID,
    data: AgreementUpdate,
    *,
    expected_version: int | None,
) -> Agreement:
    """Edit title, status (draft → in force → expired/terminated) or expiry date."""
    agreement = get_agreement(session, view, agreement_id, lock=True)
    view.require("agreements.write")
    check_version(expected_version, agreement.version)
    changes = data.model_dump(exclude_unset=True)
    reject_nulls(changes, nullable=("expiry_date",))
    status = changes.get("status")
    if status not in {None, agreement.status} and status not in STATUS_FLOW[agreement.status]:
        raise Conflict(f"status: an agreement that is {agreement.status} cannot become {status}")
    expiry = changes.get("expiry_date")
    if expiry is not None and expiry <= agreement.effective_date:
        raise ValidationFailed("expiry_date", "must be after the effective date")
    old, new = diff(agreement, changes)
    if not new:
        return agreement
    for key, value in new.items():
        setattr(agreement, key, value)
    agreement.version += 1
    agreement.updated_at = utcnow()
    session.flush()
    audit_record(session, view, agreement, "agreement", "agreement.update", old=old, new=new)
    return agreement


def amend(
    session: Session,
    view: AllianceView,
    agreement_id: uuid.UUID,
    data: AmendmentCreate,
    *,
    expected_version: int | None,
) -> AgreementVersion:
    """Add an amendment: a new version in force from its effective date (never before the
    latest version's), carrying over whatever it does not change."""
    agreement = get_agreement(session, view, agreement_id, lock=True)
    view.require("agreements.write")
    check_version(expected_version, agreement.version)
    if agreement.status in {"expired", "terminated"}:
        raise Conflict(f"status: an agreement that is {agreement.status} cannot be amended")
    latest = versions(session, view, agreement.id)[-1]
    if data.effective_date < latest.effective_date:
        raise ValidationFailed(
            "effective_date",
            f"must not be before the latest version's ({latest.effective_date.isoformat()})",
        )
    terms = (
        parse_terms(data.terms).model_dump(mode="json", by_alias=True, exclude_defaults=True)
        if data.terms is not None
        else latest.terms
    )
    version = AgreementVersion(
        alliance_id=view.alliance_id,
        owner_org_id=view.org_id,
        visibility="shared",
        agreement_id=agreement.id,
        number=latest.number + 1,
        effective_date=data.effective_date,
        summary=data.summary,
        reason=data.reason,
        signed_by=data.signed_by,
        terms=terms,
        payment_days=latest.payment_days if data.payment_days is None else data.payment_days,
        notice_days=latest.notice_days if data.notice_days is None else data.notice_days,
        overrun_cap=latest.overrun_cap if data.overrun_cap is None else str(data.overrun_cap),
        created_by_id=view.principal.user_id,
    )
    session.add(version)
    agreement.version += 1
    agreement.updated_at = utcnow()
    session.flush()
    changed = {
        k: v
        for k, v in _version_content(version).items()
        if k in {"number", "effective_date", "summary", "reason", "signed_by"}
        or v != _version_content(latest)[k]
    }
    audit_record(session, view, agreement, "agreement", "agreement.amend", new=changed)
    return version


def value_agreement(
    session: Session, view: AllianceView, agreement_id: uuid.UUID, data: ValueRequest
) -> ValuationScenario:
    """Create a private valuation scenario from the terms in force on ``data.on``."""
    agreement = get_agreement(session, view, agreement_id)
    view.require("scenarios.write")
    on = data.on or utcnow().date()
    version = terms_on(session, view, agreement, on)
    deal = template_deal()
    if data.asset is not None:
        deal["asset"] = data.asset
    deal["terms"] = version.terms
    deal["currency"] = agreement.currency
    deal["name"] = agreement.title
    deal["valuation_date"] = on.isoformat()
    deal.pop("simulation", None)
    return scenarios.create_scenario(
        session,
        view,
        ScenarioCreate(
            name=f"{agreement.title} — terms v{version.number} valued {on.isoformat()}"[:200],
            description=(
                f"Created from agreement “{agreement.title}”, version {version.number} "
                f"(in force from {version.effective_date.isoformat()}). The asset inputs are "
                "assumptions to review."
            ),
            deal=deal,
            visibility="private",
            trials=20_000,
        ),
    )


def overrun(version: AgreementVersion) -> Decimal:
    """The permitted overrun over budget (0.10 = 10%)."""
    return Decimal(version.overrun_cap)
