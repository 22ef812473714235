"""The decision register: every decision of the alliance, searchable, filterable and paged
(the API, the page and the exports use it).

Every decision is shown as of now (:func:`due.as_of`): a matter whose deadline
passed reads as deadlocked, filters included, whether or not the scheduler has recorded
it yet, so the register and the decision page always agree.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import date

from sqlalchemy import Select, and_, func, not_, or_
from sqlalchemy.orm import Session

from pactum.access import AllianceView, scoped
from pactum.core.time import utcnow
from pactum.governance.service import due
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


@dataclass
class _Filtered:
    """The matching decisions' query, and the due ones already seen as of now."""

    stmt: Select[Decision]
    shown: dict[uuid.UUID, Decision]


def _filtered(
    session: Session, view: AllianceView, query: RegisterQuery, *, statuses: tuple[str, ...] = ()
) -> _Filtered:
    """The matching decisions; a status filter (``query.status`` or ``statuses``) is
    applied to the state as of now."""
    stmt = _unfiltered_status(view, query)
    wanted = (query.status,) if query.status else statuses
    shown: dict[uuid.UUID, Decision] = {}
    if wanted:
        today = utcnow().date()
        due_now = list(session.execute(stmt.where(due.due_clause(today))).scalars())
        shown = {a.decision.id: a.decision for a in due.as_of(session, view, due_now)}
        now_in = [i for i, d in shown.items() if d.status in wanted]
        stmt = stmt.where(
            or_(
                and_(Decision.status.in_(wanted), not_(due.due_clause(today))),
                Decision.id.in_(now_in),
            )
        )
    return _Filtered(stmt, shown)


def _unfiltered_status(view: AllianceView, query: RegisterQuery) -> Select[Decision]:
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
    """One page of the decision register (as of now), newest first, and the number
    matching."""
    found = _filtered(session, view, query)
    stmt = found.stmt
    total = session.execute(stmt.with_only_columns(func.count(Decision.id))).scalar_one()
    per_page = max(1, min(query.per_page, PER_PAGE_MAX))
    page = max(1, query.page)
    rows = session.execute(
        stmt.order_by(*ORDER).limit(per_page).offset((page - 1) * per_page)
    ).scalars()
    return _now(session, view, found, list(rows)), int(total)


def _now(
    session: Session, view: AllianceView, found: _Filtered, rows: list[Decision]
) -> list[Decision]:
    """The rows as of now (the due ones the filter projected are not projected again)."""
    rest = [r for r in rows if r.id not in found.shown]
    projected = {a.decision.id: a.decision for a in due.as_of(session, view, rest)}
    return [found.shown.get(r.id) or projected[r.id] for r in rows]


def undecided(session: Session, view: AllianceView, limit: int) -> list[Decision]:
    """Matters not decided yet as of now (open, deadlocked, at the final-say step),
    newest first."""
    found = _filtered(session, view, RegisterQuery(), statuses=UNDECIDED)
    rows = session.execute(found.stmt.order_by(*ORDER).limit(limit)).scalars()
    return _now(session, view, found, list(rows))


def all_rows(session: Session, view: AllianceView, query: RegisterQuery) -> list[Decision]:
    """Every decision matching the filters (for exports), as of now, newest first."""
    found = _filtered(session, view, query)
    rows = session.execute(found.stmt.order_by(*ORDER)).scalars()
    return _now(session, view, found, list(rows))


def domains(session: Session, view: AllianceView) -> list[str]:
    """The domains decided so far (for the register's filter)."""
    stmt = (
        scoped(view, Decision)
        .with_only_columns(Decision.domain)
        .distinct()
        .order_by(Decision.domain)
    )
    return [str(d) for d in session.execute(stmt).scalars()]
