"""JSON routes for decisions (proposals, votes, final say, the register and its exports,
positions, the dossier) and action items (per alliance, and "my actions")."""

from __future__ import annotations

import uuid
from datetime import date
from typing import Any

from fastapi import APIRouter, Query, Response

from pactum.access import open_alliance
from pactum.core.time import utcnow
from pactum.governance import documents, invitations
from pactum.governance.reads import REGISTER_HEADER, decision_read, register_rows
from pactum.governance.schemas import (
    ActionCreate,
    ActionRead,
    ActionUpdate,
    DecisionCreate,
    DecisionPage,
    DecisionRead,
    FinalSayIn,
    PositionIn,
    PositionRead,
    RationaleIn,
    VoteCreate,
)
from pactum.governance.service import (
    actions,
    decisions,
    dossier,
    due,
    register,
)
from pactum.http.api_auth import ApiPrincipal, IfMatch, etag
from pactum.http.db import DbSession
from pactum.models import ActionItem
from pactum.web.exports import ExportFormat, table_response

router = APIRouter(prefix="/api/v1", tags=["governance"])


def _query(
    q: str,
    status: str,
    domain: str,
    committee_id: uuid.UUID | None,
    opened_from: date | None,
    opened_to: date | None,
    page: int,
    per_page: int,
) -> register.RegisterQuery:
    return register.RegisterQuery(
        q=q.strip()[:200],
        status=status,
        domain=domain.strip().lower(),
        committee_id=committee_id,
        opened_from=opened_from,
        opened_to=opened_to,
        page=page,
        per_page=per_page,
    )


Status = Query(
    default="", pattern=r"^(|open|approved|rejected|deadlocked|final_say|arbitration|withdrawn)$"
)


@router.get("/alliances/{alliance_id}/decisions", response_model=DecisionPage)
def list_decisions(
    alliance_id: uuid.UUID,
    db: DbSession,
    me: ApiPrincipal,
    q: str = Query(
        default="", max_length=200, description="search reference, question, outcome, rationale"
    ),
    status: str = Status,
    domain: str = Query(default="", max_length=60),
    committee_id: uuid.UUID | None = None,
    opened_from: date | None = None,
    opened_to: date | None = None,
    page: int = Query(default=1, ge=1, le=100000),
    per_page: int = Query(default=50, ge=1, le=register.PER_PAGE_MAX),
) -> DecisionPage:
    """The decision register: searchable, filterable, newest first, paged."""
    view = open_alliance(db, me, alliance_id)
    query = _query(q, status, domain, committee_id, opened_from, opened_to, page, per_page)
    rows, total = register.register(db, view, query)
    return DecisionPage(
        items=[DecisionRead.model_validate(d) for d in rows],
        total=total,
        page=query.page,
        per_page=query.per_page,
    )


@router.post("/alliances/{alliance_id}/decisions", response_model=DecisionRead, status_code=201)
def propose(
    alliance_id: uuid.UUID,
    body: DecisionCreate,
    db: DbSession,
    me: ApiPrincipal,
    response: Response,
) -> DecisionRead:
    """Put a matter to a committee: in a meeting (a decision item) or in writing."""
    view = open_alliance(db, me, alliance_id)
    decision = decisions.propose(db, view, body)
    response.headers["ETag"] = etag(decision.version)
    return decision_read(db, view, decision)


@router.get("/alliances/{alliance_id}/decisions/{decision_id}", response_model=DecisionRead)
def get_decision(
    alliance_id: uuid.UUID,
    decision_id: uuid.UUID,
    db: DbSession,
    me: ApiPrincipal,
    response: Response,
) -> DecisionRead:
    """One decision as of now (its deadline and escalation clocks applied by the same rules
    the scheduler records them with; reading changes nothing)."""
    view = open_alliance(db, me, alliance_id)
    read = decision_read(db, view, decisions.get_decision(db, view, decision_id))
    response.headers["ETag"] = etag(read.version)
    return read


@router.post(
    "/alliances/{alliance_id}/decisions/{decision_id}/votes",
    response_model=DecisionRead,
    status_code=201,
)
def vote(
    alliance_id: uuid.UUID,
    decision_id: uuid.UUID,
    body: VoteCreate,
    db: DbSession,
    me: ApiPrincipal,
) -> DecisionRead:
    """Cast your party's one vote as one of its voting members (in the meeting, the
    member must be present and the meeting quorate)."""
    view = open_alliance(db, me, alliance_id)
    decisions.cast_vote(db, view, decision_id, body)
    return decision_read(db, view, decisions.get_decision(db, view, decision_id))


@router.post(
    "/alliances/{alliance_id}/decisions/{decision_id}/final-say", response_model=DecisionRead
)
def final_say(
    alliance_id: uuid.UUID,
    decision_id: uuid.UUID,
    body: FinalSayIn,
    db: DbSession,
    me: ApiPrincipal,
) -> DecisionRead:
    """The party with final say over the domain decides, once the ladder is exhausted."""
    view = open_alliance(db, me, alliance_id)
    decision = decisions.decide_final_say(db, view, decision_id, body)
    return decision_read(db, view, decision)


@router.put(
    "/alliances/{alliance_id}/decisions/{decision_id}/rationale", response_model=DecisionRead
)
def rationale(
    alliance_id: uuid.UUID,
    decision_id: uuid.UUID,
    body: RationaleIn,
    db: DbSession,
    me: ApiPrincipal,
    expected: IfMatch,
) -> DecisionRead:
    """Record the rationale of a decided matter in the register (If-Match)."""
    view = open_alliance(db, me, alliance_id)
    decision = decisions.set_rationale(
        db, view, decision_id, body.rationale, expected_version=expected
    )
    return decision_read(db, view, decision)


@router.post(
    "/alliances/{alliance_id}/decisions/{decision_id}/withdraw", response_model=DecisionRead
)
def withdraw(
    alliance_id: uuid.UUID,
    decision_id: uuid.UUID,
    db: DbSession,
    me: ApiPrincipal,
    expected: IfMatch,
) -> DecisionRead:
    """Withdraw an undecided matter (the proposing party's alliance manager; If-Match)."""
    view = open_alliance(db, me, alliance_id)
    decision = decisions.withdraw(db, view, decision_id, expected_version=expected)
    return decision_read(db, view, decision)


@router.put(
    "/alliances/{alliance_id}/decisions/{decision_id}/position", response_model=PositionRead
)
def position(
    alliance_id: uuid.UUID,
    decision_id: uuid.UUID,
    body: PositionIn,
    db: DbSession,
    me: ApiPrincipal,
) -> Any:
    """State your party's position on an escalated matter (it goes in the dossier)."""
    view = open_alliance(db, me, alliance_id)
    return decisions.state_position(db, view, decision_id, body)


@router.get("/alliances/{alliance_id}/decisions/{decision_id}/dossier.zip")
def dossier_zip(
    alliance_id: uuid.UUID, decision_id: uuid.UUID, db: DbSession, me: ApiPrincipal
) -> Response:
    """The dossier for arbitration: a ZIP with the PDF, CSV tables, minutes and manifest."""
    view = open_alliance(db, me, alliance_id)
    shown = due.as_of_one(db, view, decisions.get_decision(db, view, decision_id))
    doc = dossier.dossier_doc(db, view, shown)
    return invitations.zip_response(
        documents.dossier_zip(doc), f"dossier-{shown.decision.reference}"
    )


@router.get("/alliances/{alliance_id}/decision-register.{fmt}")
def export_register(
    alliance_id: uuid.UUID,
    fmt: ExportFormat,
    db: DbSession,
    me: ApiPrincipal,
    q: str = Query(default="", max_length=200),
    status: str = Status,
    domain: str = Query(default="", max_length=60),
    committee_id: uuid.UUID | None = None,
    opened_from: date | None = None,
    opened_to: date | None = None,
) -> Response:
    """The register (with the same filters) as CSV or XLSX, every matching row."""
    view = open_alliance(db, me, alliance_id)
    query = _query(q, status, domain, committee_id, opened_from, opened_to, 1, 10**7)
    rows = register.all_rows(db, view, query)
    return table_response(
        fmt,
        "decision-register",
        REGISTER_HEADER,
        register_rows(db, view, rows),
        title="Decision register",
    )


def action_read(item: ActionItem) -> ActionRead:
    """An action item with its overdue flag."""
    read = ActionRead.model_validate(item)
    read.overdue = actions.is_overdue(item, utcnow().date())
    return read


@router.get("/alliances/{alliance_id}/actions", response_model=list[ActionRead])
def list_actions(
    alliance_id: uuid.UUID,
    db: DbSession,
    me: ApiPrincipal,
    meeting_id: uuid.UUID | None = None,
    status: str = Query(default="", pattern=r"^(|open|done|cancelled)$"),
) -> list[ActionRead]:
    """The alliance's action items, soonest due first."""
    view = open_alliance(db, me, alliance_id)
    found = actions.list_actions(db, view, meeting_id=meeting_id, status=status)
    return [action_read(a) for a in found]


@router.post("/alliances/{alliance_id}/actions", response_model=ActionRead, status_code=201)
def create_action(
    alliance_id: uuid.UUID,
    body: ActionCreate,
    db: DbSession,
    me: ApiPrincipal,
    response: Response,
) -> ActionRead:
    """Record an action item for a person of either party."""
    view = open_alliance(db, me, alliance_id)
    item = actions.create_action(db, view, body)
    response.headers["ETag"] = etag(item.version)
    return action_read(item)


@router.get("/alliances/{alliance_id}/actions/{action_id}", response_model=ActionRead)
def get_action(
    alliance_id: uuid.UUID,
    action_id: uuid.UUID,
    db: DbSession,
    me: ApiPrincipal,
    response: Response,
) -> ActionRead:
    """One action item."""
    view = open_alliance(db, me, alliance_id)
    item = actions.get_action(db, view, action_id)
    response.headers["ETag"] = etag(item.version)
    return action_read(item)


@router.patch("/alliances/{alliance_id}/actions/{action_id}", response_model=ActionRead)
def update_action(
    alliance_id: uuid.UUID,
    action_id: uuid.UUID,
    body: ActionUpdate,
    db: DbSession,
    me: ApiPrincipal,
    expected: IfMatch,
    response: Response,
) -> ActionRead:
    """Change an action item, or mark it done (If-Match)."""
    view = open_alliance(db, me, alliance_id)
    item = actions.update_action(db, view, action_id, body, expected_version=expected)
    response.headers["ETag"] = etag(item.version)
    return action_read(item)


@router.get("/actions", response_model=list[ActionRead])
def my_actions(db: DbSession, me: ApiPrincipal, include_done: bool = False) -> list[ActionRead]:
    """My action items across all my alliances, soonest due first."""
    return [action_read(m.item) for m in actions.my_actions(db, me, include_done=include_done)]
