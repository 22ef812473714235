"""JSON routes: obligations of an alliance, my notifications, my deadlines and calendar feed."""

from __future__ import annotations

import uuid
from datetime import timedelta
from typing import Annotated, Any

from fastapi import APIRouter, Query, Request, Response, status
from fastapi.responses import JSONResponse

from pactum.access import open_alliance
from pactum.http.api_auth import ApiPrincipal, IfMatch, etag
from pactum.http.db import DbSession
from pactum.http.idempotency import IdempotencyKey, idempotent
from pactum.models import Notification, Obligation
from pactum.notify import service as notifications
from pactum.obligations import deadlines as my_deadlines
from pactum.obligations import service
from pactum.obligations.schemas import (
    DeadlineRead,
    DoneCreate,
    DoneUndo,
    EventRecord,
    FeedIssued,
    FeedRead,
    Kind,
    NotificationRead,
    ObligationCreate,
    ObligationRead,
    ObligationUpdate,
    OccurrenceRead,
    State,
    StatusChange,
    Visibility,
)

router = APIRouter()
obligations = APIRouter(prefix="/api/v1/alliances/{alliance_id}/obligations", tags=["obligations"])
mine = APIRouter(prefix="/api/v1", tags=["notifications and deadlines"])


def obligation_read(obligation: Obligation, *, detail: bool = False) -> ObligationRead:
    """An obligation with where it stands today (and its due dates when ``detail``)."""
    standing = service.standing(obligation)
    return ObligationRead(
        id=obligation.id,
        alliance_id=obligation.alliance_id,
        agreement_id=obligation.agreement_id,
        title=obligation.title,
        description=obligation.description,
        kind=obligation.kind,
        responsible_org_id=obligation.responsible_org_id,
        amount=obligation.amount,
        currency=obligation.currency,
        rule=dict(obligation.rule),
        remind_days=obligation.remind_days,
        status=obligation.status,
        state=standing.state,
        next_due=standing.next_due,
        done=list(obligation.done),
        visibility=obligation.visibility,
        owner_org_id=obligation.owner_org_id,
        version=obligation.version,
        created_by_id=obligation.created_by_id,
        created_at=obligation.created_at,
        updated_at=obligation.updated_at,
        occurrences=[
            OccurrenceRead(due_date=o.due, state=o.state) for o in service.occurrences(obligation)
        ]
        if detail
        else [],
    )


def _answer(obligation: Obligation, response: Response) -> ObligationRead:
    response.headers["ETag"] = etag(obligation.version)
    return obligation_read(obligation, detail=True)


@obligations.get("", response_model=list[ObligationRead])
def list_obligations(
    alliance_id: uuid.UUID,
    db: DbSession,
    me: ApiPrincipal,
    kind: Annotated[Kind | None, Query()] = None,
    party: Annotated[uuid.UUID | None, Query(description="responsible party")] = None,
    state: Annotated[State | None, Query()] = None,
    visibility: Annotated[Visibility | None, Query()] = None,
) -> list[ObligationRead]:
    """Shared obligations and our party's private ones, soonest next due date first."""
    view = open_alliance(db, me, alliance_id)
    found = service.list_obligations(
        db, view, kind=kind, party=party, state=state, visibility=visibility
    )
    return [obligation_read(o) for o in found]


@obligations.post(
    "",
    response_model=ObligationRead,
    status_code=status.HTTP_201_CREATED,
    responses={201: {"headers": {"ETag": {"schema": {"type": "string"}}}}},
)
def create_obligation(
    alliance_id: uuid.UUID,
    body: ObligationCreate,
    db: DbSession,
    me: ApiPrincipal,
    key: IdempotencyKey = None,
) -> JSONResponse:
    """Record an obligation (``private`` ones stay with our party). Accepts
    ``Idempotency-Key``."""
    view = open_alliance(db, me, alliance_id)

    def run() -> tuple[int, Any, dict[str, str]]:
        obligation = service.create_obligation(db, view, body)
        read = obligation_read(obligation, detail=True)
        return 201, read.model_dump(mode="json"), {"ETag": etag(obligation.version)}

    return idempotent(
        db, me, key, scope=f"POST obligations {alliance_id}", body=body.model_dump(), run=run
    )


@obligations.get("/{obligation_id}", response_model=ObligationRead)
def get_obligation(
    alliance_id: uuid.UUID,
    obligation_id: uuid.UUID,
    db: DbSession,
    me: ApiPrincipal,
    response: Response,
) -> ObligationRead:
    """One obligation with its due dates up to a year ahead."""
    view = open_alliance(db, me, alliance_id)
    return _answer(service.get_obligation(db, view, obligation_id), response)


@obligations.patch("/{obligation_id}", response_model=ObligationRead)
def update_obligation(
    alliance_id: uuid.UUID,
    obligation_id: uuid.UUID,
    body: ObligationUpdate,
    db: DbSession,
    me: ApiPrincipal,
    expected: IfMatch,
    response: Response,
) -> ObligationRead:
    """Edit an obligation (If-Match); a private one may be shared, never the reverse."""
    view = open_alliance(db, me, alliance_id)
    obligation = service.update_obligation(db, view, obligation_id, body, expected_version=expected)
    return _answer(obligation, response)


@obligations.post("/{obligation_id}/done", response_model=ObligationRead)
def mark_done(
    alliance_id: uuid.UUID,
    obligation_id: uuid.UUID,
    body: DoneCreate,
    db: DbSession,
    me: ApiPrincipal,
    expected: IfMatch,
    response: Response,
) -> ObligationRead:
    """Mark one due date fulfilled (If-Match); reminders for it stop."""
    view = open_alliance(db, me, alliance_id)
    obligation = service.mark_done(db, view, obligation_id, body, expected_version=expected)
    return _answer(obligation, response)


@obligations.post("/{obligation_id}/undone", response_model=ObligationRead)
def undo_done(
    alliance_id: uuid.UUID,
    obligation_id: uuid.UUID,
    body: DoneUndo,
    db: DbSession,
    me: ApiPrincipal,
    expected: IfMatch,
    response: Response,
) -> ObligationRead:
    """Take back a due date marked done by mistake (If-Match)."""
    view = open_alliance(db, me, alliance_id)
    obligation = service.undo_done(db, view, obligation_id, body, expected_version=expected)
    return _answer(obligation, response)


@obligations.post("/{obligation_id}/event", response_model=ObligationRead)
def record_event(
    alliance_id: uuid.UUID,
    obligation_id: uuid.UUID,
    body: EventRecord,
    db: DbSession,
    me: ApiPrincipal,
    expected: IfMatch,
    response: Response,
) -> ObligationRead:
    """Record the date the triggering event happened (If-Match): the due date follows."""
    view = open_alliance(db, me, alliance_id)
    obligation = service.record_event(db, view, obligation_id, body, expected_version=expected)
    return _answer(obligation, response)


@obligations.post("/{obligation_id}/status", response_model=ObligationRead)
def set_status(
    alliance_id: uuid.UUID,
    obligation_id: uuid.UUID,
    body: StatusChange,
    db: DbSession,
    me: ApiPrincipal,
    expected: IfMatch,
    response: Response,
) -> ObligationRead:
    """Complete, waive (with a reason) or reopen an obligation (If-Match)."""
    view = open_alliance(db, me, alliance_id)
    obligation = service.set_status(db, view, obligation_id, body, expected_version=expected)
    return _answer(obligation, response)


# --- my notifications, deadlines and calendar feed -----------------------------------------


def notification_read(item: Notification) -> NotificationRead:
    """A notification for the API."""
    return NotificationRead.model_validate(item)


@mine.get("/notifications", response_model=list[NotificationRead])
def list_notifications(
    db: DbSession,
    me: ApiPrincipal,
    unread: Annotated[bool, Query(description="only unread ones")] = False,
) -> list[NotificationRead]:
    """My notifications for the organisation I act for, newest first (at most 200)."""
    found = notifications.list_notifications(db, me, unread_only=unread)
    return [notification_read(n) for n in found]


@mine.post("/notifications/read-all")
def read_all_notifications(db: DbSession, me: ApiPrincipal) -> dict[str, int]:
    """Mark all my notifications read."""
    return {"marked": notifications.mark_all_read(db, me)}


@mine.post("/notifications/{notification_id}/read", response_model=NotificationRead)
def read_notification(
    notification_id: uuid.UUID, db: DbSession, me: ApiPrincipal
) -> NotificationRead:
    """Mark one of my notifications read."""
    return notification_read(notifications.mark_read(db, me, notification_id))


@mine.get("/deadlines", response_model=list[DeadlineRead])
def list_deadlines(
    db: DbSession,
    me: ApiPrincipal,
    days: Annotated[int, Query(ge=0, le=3650, description="how far ahead")] = 90,
) -> list[DeadlineRead]:
    """My open deadlines across my alliances: overdue ones and those due within ``days``
    (obligations my party may see, and unpaid invoices)."""
    on = service.today()
    found = my_deadlines.deadlines(db, me, until=on + timedelta(days=days), on=on)
    return [
        DeadlineRead(
            source=d.source,
            source_id=d.source_id,
            alliance_id=d.alliance_id,
            alliance_name=d.alliance_name,
            title=d.title,
            due_date=d.due_date,
            state=d.state,
            party=d.party,
            amount=d.amount,
            currency=d.currency,
            link=d.link,
        )
        for d in found
    ]


@mine.get("/calendar-feed", response_model=FeedRead)
def get_feed(db: DbSession, me: ApiPrincipal) -> FeedRead:
    """Whether I have a calendar feed (its address is only shown when issued)."""
    feed = my_deadlines.feed_of(db, me)
    return FeedRead(active=feed is not None, created_at=feed.created_at if feed else None)


@mine.post("/calendar-feed", response_model=FeedIssued, status_code=status.HTTP_201_CREATED)
def issue_feed(request: Request, db: DbSession, me: ApiPrincipal) -> FeedIssued:
    """Create my secret calendar-feed address, or replace it (the old one stops working)."""
    token, feed = my_deadlines.issue_feed(db, me)
    url = f"{feed_base(request)}/calendar.ics?token={token}"
    return FeedIssued(url=url, created_at=feed.created_at)


@mine.delete("/calendar-feed", status_code=status.HTTP_204_NO_CONTENT)
def revoke_feed(db: DbSession, me: ApiPrincipal) -> Response:
    """Revoke my calendar feed; its address answers 404 from now on."""
    my_deadlines.revoke_feed(db, me)
    return Response(status_code=status.HTTP_204_NO_CONTENT)


def feed_base(request: Request) -> str:
    """The instance's public address (``PACTUM_PUBLIC_URL``, else this request's)."""
    configured: str = request.app.state.settings.public_url
    return (configured or str(request.base_url)).rstrip("/")


router.include_router(obligations)
router.include_router(mine)
