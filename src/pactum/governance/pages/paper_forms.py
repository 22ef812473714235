"""The meeting page's upload form: add a file to an agenda item's papers."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from typing import Annotated

from fastapi import APIRouter, Depends, Request
from fastapi.responses import HTMLResponse, Response

from pactum.access import open_alliance
from pactum.core.errors import ValidationFailed
from pactum.files import web
from pactum.governance.pages.meeting_forms import BASE, submit
from pactum.governance.service import meetings, papers
from pactum.http.db import DbSession, SettingsDep
from pactum.web.session import WebUser, check_csrf

router = APIRouter()


@dataclass
class Posted:
    """The posted upload form, or the problem with it (shown next to its field)."""

    received: web.Received
    error: ValidationFailed | None = None


async def paper_form(
    request: Request,
    alliance_id: uuid.UUID,
    meeting_id: uuid.UUID,
    item_id: uuid.UUID,
    db: DbSession,
    info: WebUser,
    settings: SettingsDep,
) -> Posted:
    """The form, with its anti-forgery token checked before any byte of the file is
    stored (the token comes first in the form)."""

    def check() -> None:
        view = open_alliance(db, info.principal, alliance_id)
        papers.precheck(db, view, meeting_id, item_id)

    def csrf(fields: dict[str, str]) -> None:
        check_csrf(fields.get("csrf_token", ""), info)

    try:
        received = await web.receive(request, db, settings, precheck=check, before_file=csrf)
    except ValidationFailed as exc:
        return Posted(web.Received(), exc)
    csrf(received.fields)
    return Posted(received)


@router.post(f"{BASE}/items/{{item_id}}/papers", response_class=HTMLResponse)
def paper_add(
    request: Request,
    alliance_id: uuid.UUID,
    meeting_id: uuid.UUID,
    item_id: uuid.UUID,
    db: DbSession,
    info: WebUser,
    posted: Annotated[Posted, Depends(paper_form)],
) -> Response:
    """Add an uploaded file to an agenda item's papers."""
    view = open_alliance(db, info.principal, alliance_id)
    meeting = meetings.get_meeting(db, view, meeting_id)
    prefix = f"paper-{item_id}"
    values = {f"{prefix}-title": posted.received.text("title")}

    def run() -> None:
        if posted.error is not None:
            raise posted.error
        upload = posted.received.upload
        if upload is None:
            raise ValidationFailed("file", "is required: choose a file to upload")
        title = values[f"{prefix}-title"]
        papers.add_file_paper(db, view, meeting_id, item_id, title, upload)

    return submit(
        request,
        db,
        view,
        meeting,
        form_name=prefix,
        fields={"file": f"{prefix}-file", "title": f"{prefix}-title", "body": f"{prefix}-file"},
        labels={f"{prefix}-file": "File", f"{prefix}-title": "Title"},
        values=values,
        run=run,
        done="paper_added",
        anchor=f"item-{item_id}",
        thing="agenda item",
    )
