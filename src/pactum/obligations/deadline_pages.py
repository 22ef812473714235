"""My deadlines across my alliances (page and export), my secret calendar feed (create,
rotate, revoke) and the feed itself (``/calendar.ics?token=...``, no sign-in: the token is
the credential)."""

from __future__ import annotations

from datetime import timedelta

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, Response
from sqlalchemy.orm import Session

from pactum.auth.service import SessionInfo
from pactum.core.errors import NotFound
from pactum.http.db import DbSession
from pactum.obligations import deadlines, service
from pactum.obligations.deadlines import Deadline
from pactum.web.exports import ExportFormat, table_response
from pactum.web.forms import page, redirect
from pactum.web.session import Form, WebUser

router = APIRouter()


HORIZONS = (30, 90, 365)
WHOSE = {"all": "Everyone's", "ours": "Our party's", "partner": "The partners'"}
STATE_LABELS = {
    "overdue": "Overdue",
    "due_soon": "Due soon",
    "upcoming": "Upcoming",
    "due": "Due",
}
STATE_TAGS = {"overdue": "tag--overdue", "due_soon": "tag--due"}
ICS_TYPE = "text/calendar; charset=utf-8"


def feed_base(request: Request) -> str:
    """The instance's public address (``PACTUM_PUBLIC_URL``, else this request's)."""
    configured: str = request.app.state.settings.public_url
    return (configured or str(request.base_url)).rstrip("/")


def _choices(request: Request) -> tuple[int, str]:
    days_text = request.query_params.get("days", "90")
    days = next((h for h in HORIZONS if str(h) == days_text), 90)
    whose = request.query_params.get("whose", "all")
    return days, whose if whose in WHOSE else "all"


def _mine(db: Session, info: SessionInfo, days: int, whose: str) -> list[Deadline]:
    on = service.today()
    found = deadlines.deadlines(db, info.principal, until=on + timedelta(days=days), on=on)
    if whose == "ours":
        return [d for d in found if d.ours]
    if whose == "partner":
        return [d for d in found if not d.ours]
    return found


def _calendar_page(
    request: Request, db: Session, info: SessionInfo, *, new_url: str = "", status_code: int = 200
) -> HTMLResponse:
    days, whose = _choices(request)
    feed = deadlines.feed_of(db, info.principal)
    return page(
        request,
        "calendar.html",
        {
            "rows": _mine(db, info, days, whose),
            "days": days,
            "whose": whose,
            "horizons": HORIZONS,
            "whose_labels": WHOSE,
            "state_labels": STATE_LABELS,
            "state_tags": STATE_TAGS,
            "feed": feed,
            "new_url": new_url,
            "today": service.today(),
        },
        status_code=status_code,
        nav="calendar",
    )


@router.get("/calendar", response_class=HTMLResponse)
def my_deadlines(request: Request, db: DbSession, info: WebUser) -> HTMLResponse:
    """My open deadlines across my alliances, and my calendar feed."""
    return _calendar_page(request, db, info)


HEADER = [
    "Due date",
    "State",
    "Deadline",
    "Alliance",
    "Responsible party",
    "Amount",
    "Currency",
    "Kind",
    "Visibility",
]


@router.get("/calendar/deadlines.{fmt}")
def deadlines_export(request: Request, fmt: ExportFormat, db: DbSession, info: WebUser) -> Response:
    """My deadlines (with the page's choices) as CSV or Excel."""
    days, whose = _choices(request)
    rows = [
        [
            d.due_date,
            STATE_LABELS.get(d.state, d.state),
            d.title,
            d.alliance_name,
            d.party,
            d.amount,
            d.currency,
            d.source.capitalize(),
            "Private to us" if d.private else "Shared",
        ]
        for d in _mine(db, info, days, whose)
    ]
    return table_response(fmt, "my-deadlines", HEADER, rows, title="My deadlines")


@router.post("/calendar/feed", response_class=HTMLResponse)
def feed_issue(request: Request, db: DbSession, info: WebUser, form: Form) -> HTMLResponse:
    """Create my feed address, or replace it; the address is shown on this response only."""
    token, _feed = deadlines.issue_feed(db, info.principal)
    url = f"{feed_base(request)}/calendar.ics?token={token}"
    return _calendar_page(request, db, info, new_url=url)


@router.post("/calendar/feed/revoke")
def feed_revoke(db: DbSession, info: WebUser, form: Form) -> Response:
    """Revoke my feed; its address answers 404 from now on."""
    deadlines.revoke_feed(db, info.principal)
    return redirect("/calendar", "feed_revoked", anchor="feed")


@router.get("/calendar.ics")
def feed(request: Request, db: DbSession, token: str = "") -> Response:
    """The calendar feed of the token's owner (404 for an unknown or revoked token)."""
    principal = deadlines.feed_principal(db, token)
    if principal is None:
        raise NotFound("There is no such calendar feed.")
    text = deadlines.feed_text(db, principal, base_url=feed_base(request))
    return Response(
        text.encode("utf-8"),
        media_type=ICS_TYPE,
        headers={"Content-Disposition": 'inline; filename="pactum-deadlines.ics"'},
    )
