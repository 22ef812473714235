"""Web route: download a stored file (the same checks as the API)."""

from __future__ import annotations

import uuid

from fastapi import APIRouter
from fastapi.responses import StreamingResponse

from pactum.access import open_alliance
from pactum.files import service, web
from pactum.http.db import DbSession, SettingsDep
from pactum.web.session import WebUser

router = APIRouter()


@router.get("/alliances/{alliance_id}/files/{file_id}")
def file_download(
    alliance_id: uuid.UUID,
    file_id: uuid.UUID,
    db: DbSession,
    info: WebUser,
    settings: SettingsDep,
) -> StreamingResponse:
    """Download a file of the alliance as an attachment."""
    view = open_alliance(db, info.principal, alliance_id)
    return web.download(settings, service.get_file(db, view, file_id))
