"""Live updates of an alliance's pages (server-sent events; see :mod:`pactum.live`)."""

from __future__ import annotations

import uuid
from collections.abc import Callable

from fastapi import APIRouter, Request
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import Session, sessionmaker
from starlette.exceptions import HTTPException

from pactum.access import open_alliance
from pactum.core.errors import PactumError
from pactum.http.db import DbSession, SettingsDep
from pactum.live.bus import Broker, topics_of
from pactum.live.sse import EventStream, wants_event_stream
from pactum.settings import Settings
from pactum.web.session import COOKIE, WebUser, page_session

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
        recheck=stream_access(
            request.app.state.sessionmaker,
            settings,
            request.cookies.get(COOKIE, ""),
            alliance_id,
            topics,
        ),
    )


def stream_access(
    factory: sessionmaker[Session],
    settings: Settings,
    cookie: str,
    alliance_id: uuid.UUID,
    topics: frozenset[str],
) -> Callable[[], bool]:
    """Whether a stream's listener may still hear ``topics``: signed in as a page accepts
    it (not signed out, expired, deactivated, nor waiting on a second factor or its
    enrolment) and still a member of the alliance for the same party. A short session of
    its own each time, which writes nothing; a database that does not answer counts as
    no (the stream ends; the browser reconnects and is asked again)."""

    def check() -> bool:
        with factory() as db:
            try:
                info = page_session(db, settings, cookie)
                if info is None:
                    return False
                view = open_alliance(db, info.principal, alliance_id)
                return topics_of(view.alliance_id, view.org_id) == topics
            except (PactumError, SQLAlchemyError):
                return False
            finally:
                db.rollback()  # not even "last seen": listening is not activity

    return check
