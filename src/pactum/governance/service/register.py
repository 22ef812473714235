"""The decision register: every decision of the alliance, searchable, filterable and paged
(the API, the page and the exports use it)."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import date

from sqlalchemy import Select, func, or_
from sqlalchemy.orm import Session

from pactum.access import AllianceView, scoped
from pactum.models import Decision

PER_PAGE_MAX = 200
UNDECIDED = ("open", "deadlocked", "final_say")


@dataclass(frozen=True)
class RegisterQuery:
    """Filters of the decision register."""

    q: str = ""
    status: str = ""
    domain: str = ""
    committee_id: uuid.UUID | None = None
    opened_from: date | None = None
    opened_to: date | None = None
    page: int = 1
    per_page: int = 50


def _filtered(view: AllianceView, query: RegisterQuery) -> Select[Decision]:
    stmt = scoped(view, Decision)
    if query.q:
        text = query.q.lower().replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
        like = f"%{text}%"
        stmt = stmt.where(
            or_(
                func.lower(Decision.question).like(like, escape="\\"),
                func.lower(Decision.reference).like(like, escape="\\"),
                func.lower(Decision.outcome).like(like, escape="\\"),
                func.lower(Decision.rationale).like(like, escape="\\"),
            )
        )
    if query.status:
        stmt = stmt.where(Decision.status == query.status)
    if query.domain:
        stmt = stmt.where(Decision.domain == query.domain)
    if query.committee_id is not None:
        stmt = stmt.where(Decision.committee_id == query.committee_id)
    if query.opened_from is not None:
        stmt = stmt.where(Decision.opened_on >= query.opened_from)
    if query.opened_to is not None:
        stmt = stmt.where(Decision.opened_on <= query.opened_to)
    return stmt


ORDER = (Decision.opened_on.desc(), Decision.reference.desc())


def register(
    session: Session, view: AllianceView, query: RegisterQuery
) -> tuple[list[Decision], int]:
    """One page of the decision register, newest first, and the number matching."""
    stmt = _filtered(view, query)
    total = session.execute(stmt.with_only_columns(func.count(Decision.id))).scalar_one()
    per_page = max(1, min(query.per_page, PER_PAGE_MAX))
    page = max(1, query.page)
    rows = session.execute(
        stmt.order_by(*ORDER).limit(per_page).offset((page - 1) * per_page)
    ).scalars()
    return list(rows), int(total)


def undecided(session: Session, view: AllianceView, limit: int) -> list[Decision]:
    """Matters not decided yet (open, deadlocked, at the final-say step), newest first."""
    stmt = (
        scoped(view, Decision).where(Decision.status.in_(UNDECIDED)).order_by(*ORDER).limit(limit)
    )
    return list(session.execute(stmt).scalars())


def all_rows(session: Session, view: AllianceView, query: RegisterQuery) -> list[Decision]:
    """Every decision matching the filters (for exports), newest first."""
    return list(session.execute(_filtered(view, query).order_by(*ORDER)).scalars())


def domains(session: Session, view: AllianceView) -> list[str]:
    """The domains decided so far (for the register's filter)."""
    stmt = (
        scoped(view, Decision)
        .with_only_columns(Decision.domain)
        .distinct()
        .order_by(Decision.domain)
    )
    return [str(d) for d in session.execute(stmt).scalars()]
