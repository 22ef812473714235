"""My alliances, their exports, and proposing a new alliance."""

from __future__ import annotations

import uuid
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, Response
from sqlalchemy.orm import Session

from pactum.access import Principal, invitations_for
from pactum.access.policy import roles_by_alliance, visible_alliances
from pactum.alliances import service
from pactum.alliances.lifecycle import LABELS as STATUS_LABELS
from pactum.alliances.pages.common import (
    ALLIANCE_FIELDS,
    ALLIANCE_LABELS,
    COMMON,
    PARTY_ROLE_LABELS,
    TYPE_LABELS,
    alliance_values,
    fetch_all,
    partners_of,
    roles_text,
)
from pactum.alliances.schemas import (
    AllianceCreate,
)
from pactum.alliances.views import invitation_read
from pactum.core.errors import Forbidden
from pactum.http.db import DbSession
from pactum.models import (
    ALLIANCE_TYPES,
    PARTY_ROLES,
    Alliance,
    AllianceParty,
)
from pactum.orgs.service import list_orgs
from pactum.web.exports import ExportFormat, table_response
from pactum.web.forms import (
    FORM_ERRORS,
    FormErrors,
    attempt,
    form_errors,
    page,
    redirect,
)
from pactum.web.session import Form, WebUser

router = APIRouter()


# --- the list of alliances -----------------------------------------------------------------


def _my_alliances(
    db: Session, principal: Principal
) -> tuple[list[Alliance], dict[uuid.UUID, frozenset[str]]]:
    alliances: list[Alliance] = fetch_all(db, visible_alliances(principal).order_by(Alliance.name))
    roles = roles_by_alliance(db, principal, [a.id for a in alliances])
    return alliances, roles


@router.get("/alliances", response_class=HTMLResponse)
def alliances(request: Request, db: DbSession, info: WebUser) -> HTMLResponse:
    """My alliances, and open invitations for organisation administrators."""
    me = info.principal
    found, roles = _my_alliances(db, me)
    open_invitations: list[AllianceParty] = fetch_all(db, invitations_for(me))
    invitations = [invitation_read(p) for p in open_invitations]
    rows = [
        {
            "alliance": a,
            "partners": partners_of(a, me.org_id),
            "roles": roles_text(roles[a.id]),
        }
        for a in found
    ]
    return page(
        request,
        "alliances.html",
        {"rows": rows, "invitations": invitations, **COMMON},
        nav="alliances",
    )


ALLIANCES_HEADER = [
    "Name",
    "Status",
    "Types",
    "Therapeutic area",
    "Partners",
    "My role",
    "Created (UTC)",
]


def _alliance_rows(db: Session, principal: Principal) -> list[list[Any]]:
    found, roles = _my_alliances(db, principal)
    return [
        [
            a.name,
            STATUS_LABELS.get(a.status, a.status),
            ", ".join(TYPE_LABELS.get(t, t) for t in a.types),
            a.therapeutic_area,
            "; ".join(
                f"{p.org.name} ({PARTY_ROLE_LABELS.get(p.role, p.role)}, {p.state})"
                for p in partners_of(a, principal.org_id)
            ),
            roles_text(roles[a.id]),
            a.created_at,
        ]
        for a in found
    ]


@router.get("/alliances.{fmt}")
def alliances_export(fmt: ExportFormat, db: DbSession, info: WebUser) -> Response:
    """My alliances as CSV or Excel."""
    rows = _alliance_rows(db, info.principal)
    return table_response(fmt, "alliances", ALLIANCES_HEADER, rows, title="Alliances")


# --- proposing an alliance -----------------------------------------------------------------


def _new_page(
    request: Request,
    db: Session,
    principal: Principal,
    *,
    values: dict[str, Any] | None = None,
    errors: FormErrors | None = None,
) -> HTMLResponse:
    partners = [o for o in list_orgs(db) if o.id != principal.org_id]
    return page(
        request,
        "alliance_new.html",
        {
            "partners": partners,
            "types": ALLIANCE_TYPES,
            "party_roles": PARTY_ROLES,
            "values": values or {"types": [], "my_role": "licensor", "partner_role": "licensee"},
            "errors": errors or FormErrors(),
            **COMMON,
        },
        status_code=errors.status_code if errors else 200,
        nav="alliances",
    )


@router.get("/alliances/new", response_class=HTMLResponse)
def alliance_new(request: Request, db: DbSession, info: WebUser) -> HTMLResponse:
    """The form to propose an alliance to a partner organisation."""
    if info.principal.org_id is None:
        raise Forbidden("Act for an organisation to propose an alliance.")
    return _new_page(request, db, info.principal)


@router.post("/alliances/new", response_class=HTMLResponse)
def alliance_create(request: Request, db: DbSession, info: WebUser, form: Form) -> Response:
    """Propose the alliance: our party joins, the partner is invited."""
    values = alliance_values(form)
    try:
        with attempt(db):
            data = AllianceCreate.model_validate(
                {
                    "name": values["name"],
                    "types": values["types"],
                    "therapeutic_area": values["therapeutic_area"],
                    "description": values["description"],
                    "my_role": values["my_role"],
                    "partners": [
                        {"org_id": values["partner_org_id"], "role": values["partner_role"]}
                    ],
                }
            )
            alliance = service.create_alliance(db, info.principal, data)
    except FORM_ERRORS as exc:
        errors = form_errors(exc, ALLIANCE_FIELDS, ALLIANCE_LABELS, thing="alliance")
        return _new_page(request, db, info.principal, values=values, errors=errors)
    return redirect(f"/alliances/{alliance.id}", "alliance_created")
