"""The minutes' lock and reopening forms on the meeting page (SIG-3)."""

from __future__ import annotations

import uuid

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, Response

from pactum.access import open_alliance
from pactum.governance.pages import common
from pactum.governance.pages.meeting_forms import BASE, submit
from pactum.governance.schemas import MinutesReopen
from pactum.governance.service import meetings, minutes_lock
from pactum.http.db import DbSession
from pactum.web.forms import form_version
from pactum.web.session import Form, WebUser

router = APIRouter()


@router.post(f"{BASE}/minutes/lock", response_class=HTMLResponse)
def minutes_lock_form(
    request: Request,
    alliance_id: uuid.UUID,
    meeting_id: uuid.UUID,
    db: DbSession,
    info: WebUser,
    form: Form,
) -> Response:
    """Lock the draft minutes for signing (the chair or an alliance manager)."""
    view = open_alliance(db, info.principal, alliance_id)
    meeting = meetings.get_meeting(db, view, meeting_id)
    return submit(
        request,
        db,
        view,
        meeting,
        form_name="lock",
        fields={},
        labels={},
        values={},
        run=lambda: minutes_lock.lock(db, view, meeting_id, expected_version=form_version(form)),
        done="minutes_locked",
        anchor="minutes-heading",
        thing="minutes",
    )


@router.post(f"{BASE}/minutes/reopen", response_class=HTMLResponse)
def minutes_reopen_form(
    request: Request,
    alliance_id: uuid.UUID,
    meeting_id: uuid.UUID,
    db: DbSession,
    info: WebUser,
    form: Form,
) -> Response:
    """Reopen locked minutes with a reason (the chair or an alliance manager)."""
    view = open_alliance(db, info.principal, alliance_id)
    meeting = meetings.get_meeting(db, view, meeting_id)
    reason = common.raw(form, "reason")
    return submit(
        request,
        db,
        view,
        meeting,
        form_name="reopen",
        fields={"reason": "reopen-reason"},
        labels={"reopen-reason": "Reason for reopening"},
        values={"reopen-reason": reason},
        run=lambda: minutes_lock.reopen(
            db,
            view,
            meeting_id,
            MinutesReopen.model_validate({"reason": reason}).reason,  # the API's rules
            expected_version=form_version(form),
        ),
        done="minutes_reopened",
        anchor="minutes-heading",
        thing="minutes",
    )
