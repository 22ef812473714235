"""Answering an invitation to join an alliance."""

from __future__ import annotations

import uuid

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, Response
from sqlalchemy.orm import Session

from pactum.access import Principal
from pactum.alliances import service
from pactum.alliances.pages.common import (
    COMMON,
    partners_of,
)
from pactum.alliances.views import invitation_read
from pactum.core.errors import ValidationFailed
from pactum.http.db import DbSession
from pactum.models import (
    AllianceParty,
)
from pactum.orgs.service import colleagues
from pactum.web.forms import (
    FORM_ERRORS,
    FormErrors,
    attempt,
    form_errors,
    page,
    parse_uuid,
    redirect,
)
from pactum.web.session import Form, WebUser, field

router = APIRouter()


# --- invitations ---------------------------------------------------------------------------


def _invitation(db: Session, principal: Principal, party_id: uuid.UUID) -> AllianceParty:
    """The open invitation (404 otherwise) with its alliance's parties loaded."""
    return service.get_invitation(db, principal, party_id)


def _invitation_page(
    request: Request,
    db: Session,
    principal: Principal,
    party: AllianceParty,
    *,
    errors: FormErrors | None = None,
    manager: str = "",
) -> HTMLResponse:
    assert principal.org_id is not None
    return page(
        request,
        "invitation.html",
        {
            "invitation": invitation_read(party),
            "party": party,
            "others": partners_of(party.alliance, principal.org_id),
            "people": colleagues(db, principal.org_id),
            "manager": manager or str(principal.user_id),
            "errors": errors or FormErrors(),
            **COMMON,
        },
        status_code=errors.status_code if errors else 200,
        nav="alliances",
    )


@router.get("/invitations/{party_id}", response_class=HTMLResponse)
def invitation(request: Request, party_id: uuid.UUID, db: DbSession, info: WebUser) -> HTMLResponse:
    """An invitation to join an alliance, with accept and decline forms."""
    party = _invitation(db, info.principal, party_id)
    return _invitation_page(request, db, info.principal, party)


@router.post("/invitations/{party_id}/accept", response_class=HTMLResponse)
def invitation_accept(
    request: Request, party_id: uuid.UUID, db: DbSession, info: WebUser, form: Form
) -> Response:
    """Accept the invitation, naming who manages the alliance for us."""
    manager_text = field(form, "manager_user_id")
    try:
        with attempt(db):
            manager = parse_uuid(manager_text)
            if manager_text and manager is None:
                raise ValidationFailed("user_id", "choose one of your colleagues")
            party = service.respond_invitation(
                db, info.principal, party_id, accept=True, manager_user_id=manager
            )
            alliance_id = party.alliance_id
    except FORM_ERRORS as exc:
        errors = form_errors(
            exc, {"user_id": "manager_user_id"}, {"manager_user_id": "Alliance manager"}
        )
        party = _invitation(db, info.principal, party_id)
        return _invitation_page(
            request, db, info.principal, party, errors=errors, manager=manager_text
        )
    return redirect(f"/alliances/{alliance_id}", "invitation_accepted")


@router.post("/invitations/{party_id}/decline")
def invitation_decline(party_id: uuid.UUID, db: DbSession, info: WebUser, form: Form) -> Response:
    """Decline the invitation."""
    service.respond_invitation(db, info.principal, party_id, accept=False)
    return redirect("/alliances", "invitation_declined")
