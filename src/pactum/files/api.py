"""JSON API: download a stored file (through the access layer: outside your view it is
the 404 of a missing id)."""

from __future__ import annotations

import uuid

from fastapi import APIRouter
from fastapi.responses import StreamingResponse

from pactum.access import open_alliance
from pactum.files import service, web
from pactum.http.api_auth import ApiPrincipal
from pactum.http.db import DbSession, SettingsDep

router = APIRouter(prefix="/api/v1/alliances/{alliance_id}/files", tags=["files"])


@router.get(
    "/{file_id}",
    response_class=StreamingResponse,
    responses={
        200: {"content": {"application/octet-stream": {}}, "description": "The file"},
        410: {"description": "The stored content is missing or damaged"},
    },
)
def download_file(
    alliance_id: uuid.UUID,
    file_id: uuid.UUID,
    db: DbSession,
    me: ApiPrincipal,
    settings: SettingsDep,
) -> StreamingResponse:
    """Download a file as an attachment (its size and SHA-256 are checked first)."""
    view = open_alliance(db, me, alliance_id)
    return web.download(settings, service.get_file(db, view, file_id))
