"""JSON route: upload a file as a paper of an agenda item (multipart, DATA-2, DATA-3)."""

from __future__ import annotations

import uuid
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Request
from fastapi.responses import JSONResponse

from pactum.access import open_alliance
from pactum.core.errors import ValidationFailed
from pactum.files import web
from pactum.files.names import ACCEPT
from pactum.files.schemas import FileRead
from pactum.governance.schemas import ItemRead, PaperUploadRead
from pactum.governance.schemas.common import MAX_PAPER_TITLE
from pactum.governance.service import papers
from pactum.http.api_auth import ApiPrincipal, etag
from pactum.http.db import DbSession, SettingsDep
from pactum.http.idempotency import IdempotencyKey, idempotent

router = APIRouter(prefix="/api/v1/alliances/{alliance_id}", tags=["governance"])

UPLOAD_BODY: dict[str, Any] = {
    "requestBody": {
        "required": True,
        "content": {
            "multipart/form-data": {
                "schema": {
                    "type": "object",
                    "required": ["file"],
                    "properties": {
                        "file": {
                            "type": "string",
                            "format": "binary",
                            "description": f"the paper ({ACCEPT}; other types are stored "
                            "as application/octet-stream); at most PACTUM_MAX_UPLOAD_MB",
                        },
                        "title": {
                            "type": "string",
                            "maxLength": MAX_PAPER_TITLE,
                            "description": "the paper's title (default: the file's name)",
                        },
                    },
                }
            }
        },
    }
}


async def paper_upload(
    request: Request,
    alliance_id: uuid.UUID,
    meeting_id: uuid.UUID,
    item_id: uuid.UUID,
    db: DbSession,
    me: ApiPrincipal,
    settings: SettingsDep,
) -> web.Received:
    """The posted form, its file streamed into the storage once access was checked."""

    def check() -> None:
        papers.precheck(db, open_alliance(db, me, alliance_id), meeting_id, item_id)

    return await web.receive(request, db, settings, precheck=check)


@router.post(
    "/meetings/{meeting_id}/items/{item_id}/papers",
    response_model=PaperUploadRead,
    status_code=201,
    openapi_extra=UPLOAD_BODY,
    responses={413: {"description": "The file is over the upload limit"}},
)
def upload_paper(
    alliance_id: uuid.UUID,
    meeting_id: uuid.UUID,
    item_id: uuid.UUID,
    db: DbSession,
    me: ApiPrincipal,
    received: Annotated[web.Received, Depends(paper_upload)],
    key: IdempotencyKey = None,
) -> JSONResponse:
    """Add a file to an agenda item's papers (multipart: ``file``, optional ``title``);
    the minutes' signatures are invalidated. Accepts ``Idempotency-Key`` (the file's
    SHA-256, name and title are what a retry must repeat)."""
    view = open_alliance(db, me, alliance_id)
    upload = received.upload
    if upload is None:
        raise ValidationFailed("file", "is required: send the paper as the form field file")
    title = received.text("title")

    def run() -> tuple[int, Any, dict[str, str]]:
        item, stored = papers.add_file_paper(db, view, meeting_id, item_id, title, upload)
        read = PaperUploadRead(
            file=FileRead.model_validate(stored), item=ItemRead.model_validate(item)
        )
        location = f"/api/v1/alliances/{alliance_id}/files/{stored.id}"
        return 201, read, {"ETag": etag(item.version), "Location": location}

    body = {
        "sha256": upload.blob.sha256,
        "size": upload.blob.size,
        "filename": upload.display_name,
        "title": title,
    }
    scope = f"POST /alliances/{alliance_id}/meetings/{meeting_id}/items/{item_id}/papers"
    return idempotent(db, me, key, scope=scope, body=body, run=run)
