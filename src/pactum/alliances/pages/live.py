"""Live updates of an alliance's pages (server-sent events; see :mod:`pactum.live`)."""

from __future__ import annotations

import uuid

from fastapi import APIRouter, Request
from starlette.exceptions import HTTPException

from pactum.access import open_alliance
from pactum.http.db import DbSession, SettingsDep
from pactum.live.bus import Broker, topics_of
from pactum.live.sse import EventStream, wants_event_stream
from pactum.web.session import WebUser

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
    return EventStream(broker, topics, max_seconds=settings.live_stream_seconds)
