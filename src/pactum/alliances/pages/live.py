"""Live updates of an alliance's pages (server-sent events; see :mod:`pactum.live`)."""

from __future__ import annotations

import uuid
from collections.abc import Callable

from fastapi import APIRouter, Request
from sqlalchemy.orm import Session, sessionmaker
from starlette.exceptions import HTTPException

from pactum.access import open_alliance
from pactum.auth.service import resolve_session
from pactum.core.errors import PactumError
from pactum.http.db import DbSession, SettingsDep
from pactum.live.bus import Broker, topics_of
from pactum.live.sse import EventStream, wants_event_stream
from pactum.settings import Settings
from pactum.web.session import COOKIE, WebUser

router = APIRouter()


@router.get("/alliances/{alliance_id}/live")
def alliance_live(
    request: Request, alliance_id: uuid.UUID, db: DbSession, info: WebUser, settings: SettingsDep
) -> EventStream:
    """Stream the changes the caller may see: shared records and their own party's."""
    view = open_alliance(db, info.principal, alliance_id)
    if not wants_event_stream(request.headers.get("accept", "")):
        raise HTTPException(406, "This address streams live updates (Accept: text/event-stream).")
    topics = topics_of(view.alliance_id, view.org_id)
    broker: Broker = request.app.state.live
    # The request's session is committed and closed when this function returns (DbSession
    # has scope="function"), before the stream starts: no connection is held while streaming.
    return EventStream(
        broker,
        topics,
        max_seconds=settings.live_stream_seconds,
        recheck=_still_allowed(request, settings, alliance_id, topics),
    )


def _still_allowed(
    request: Request, settings: Settings, alliance_id: uuid.UUID, topics: frozenset[str]
) -> Callable[[], bool]:
    """Whether the stream's listener may still hear these topics: the session still live
    (not signed out, expired or deactivated) and still a member of the alliance for the
    same party. A short session of its own each time; it writes nothing."""
    factory: sessionmaker[Session] = request.app.state.sessionmaker
    cookie = request.cookies.get(COOKIE, "")

    def check() -> bool:
        with factory() as db:
            try:
                info = resolve_session(db, settings, cookie)
                if info is None or info.web_session.mfa_pending:
                    return False
                view = open_alliance(db, info.principal, alliance_id)
                return topics_of(view.alliance_id, view.org_id) == topics
            except PactumError:
                return False
            finally:
                db.rollback()  # not even "last seen": listening is not activity

    return check
