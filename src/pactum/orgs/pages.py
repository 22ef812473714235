"""Pages for an organisation's people (its administrators) and for organisations (instance
administrators)."""

from __future__ import annotations

import uuid
from typing import Any

import pydantic
from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, Response
from sqlalchemy import func, select

from pactum.access import Principal
from pactum.core.errors import Forbidden
from pactum.core.time import utcnow
from pactum.http.db import DbSession, SettingsDep
from pactum.models import OrgMembership
from pactum.orgs import invitations, service
from pactum.orgs.schemas import InvitationCreate, OrgCreate, PersonUpdate
from pactum.web.exports import ExportFormat, slug, table_response
from pactum.web.forms import (
    FORM_ERRORS,
    FormErrors,
    attempt,
    checkbox,
    form_errors,
    form_version,
    page,
    redirect,
)
from pactum.web.session import Form, WebUser, field

router = APIRouter()

PERSON_LABELS = {
    "email": "E-mail address",
    "title": "Job title",
    "is_admin": "Administrator",
    "active": "Status",
}
PERSON_FIELDS = {k: k for k in PERSON_LABELS}
PEOPLE_HEADER = ["Name", "E-mail", "Job title", "Status", "Administrator", "Second factor", "Added"]


def _people_rows(people: list[service.Person]) -> list[list[Any]]:
    return [
        [
            p.user.name,
            p.user.email,
            p.membership.title,
            "Active" if p.membership.active and p.user.active else "Deactivated",
            "Yes" if p.membership.is_admin else "No",
            "On" if p.user.totp_enabled else "Off",
            p.membership.created_at,
        ]
        for p in people
    ]


@router.get("/people", response_class=HTMLResponse)
def people(request: Request, db: DbSession, info: WebUser) -> HTMLResponse:
    """Everyone in the caller's organisation, and the invitations not yet accepted
    (administrators)."""
    found = service.list_people(db, info.principal)
    invited = invitations.list_invitations(db, info.principal)
    now = utcnow()
    shown = [(i, invitations.status_of(i, now)) for i in invited]
    return page(request, "people.html", {"people": found, "invitations": shown}, nav="people")


@router.get("/people.{fmt}")
def people_export(fmt: ExportFormat, db: DbSession, info: WebUser) -> Response:
    """The organisation's people as CSV or Excel (administrators)."""
    found = service.list_people(db, info.principal)
    stem = f"{slug(info.principal.org_name, 'organisation')}-people"
    return table_response(fmt, stem, PEOPLE_HEADER, _people_rows(found), title="People")


def _require_org_admin(principal: Principal) -> None:
    if principal.org_id is None or not principal.is_org_admin:
        raise Forbidden("Only your organisation's administrators may manage people.")


@router.get("/people/new", response_class=HTMLResponse)
def person_new(request: Request, info: WebUser) -> HTMLResponse:
    """The form to invite a person to the caller's organisation."""
    _require_org_admin(info.principal)
    return page(request, "person_new.html", {"values": {}}, nav="people")


@router.post("/people/new", response_class=HTMLResponse)
def person_invite(
    request: Request, db: DbSession, settings: SettingsDep, info: WebUser, form: Form
) -> Response:
    """Invite a person (by e-mail) to the caller's organisation; they join on accepting."""
    values = {k: field(form, k) for k in ("email", "title")}
    values["is_admin"] = "on" if checkbox(form, "is_admin") else ""
    try:
        with attempt(db):
            data = InvitationCreate(
                email=values["email"], title=values["title"], is_admin=bool(values["is_admin"])
            )
            invitations.invite(db, settings, info.principal, data)
    except FORM_ERRORS as exc:
        errors = form_errors(exc, PERSON_FIELDS, PERSON_LABELS, thing="invitation")
        return page(
            request,
            "person_new.html",
            {"values": values, "errors": errors},
            status_code=errors.status_code,
            nav="people",
        )
    return redirect("/people", "invitation_sent")


@router.post("/people/invitations/{invitation_id}/revoke", response_class=HTMLResponse)
def invitation_revoke(
    request: Request, invitation_id: uuid.UUID, db: DbSession, info: WebUser, form: Form
) -> Response:
    """Withdraw an invitation not yet answered; its link stops working."""
    invitations.revoke(db, info.principal, invitation_id)
    return redirect("/people", "invitation_revoked")


def _edit_page(
    request: Request,
    person: service.Person,
    *,
    values: dict[str, Any] | None = None,
    errors: FormErrors | None = None,
    version: int | None = None,
) -> HTMLResponse:
    shown = {
        "title": person.membership.title,
        "is_admin": "on" if person.membership.is_admin else "",
    }
    shown.update(values or {})
    return page(
        request,
        "person_edit.html",
        {
            "person": person,
            "values": shown,
            "version": version if version is not None else person.version,
            "errors": errors or FormErrors(),
        },
        status_code=errors.status_code if errors else 200,
        nav="people",
    )


@router.get("/people/{user_id}/edit", response_class=HTMLResponse)
def person_edit(request: Request, user_id: uuid.UUID, db: DbSession, info: WebUser) -> HTMLResponse:
    """The form to edit one person of the caller's organisation."""
    person = service.get_person(db, info.principal, user_id)
    return _edit_page(request, person)


@router.post("/people/{user_id}/edit", response_class=HTMLResponse)
def person_update(
    request: Request, user_id: uuid.UUID, db: DbSession, info: WebUser, form: Form
) -> Response:
    """Save a member's job title and administrator flag (their name is their own)."""
    values = {"title": field(form, "title")}
    values["is_admin"] = "on" if checkbox(form, "is_admin") else ""
    try:
        with attempt(db):
            data = PersonUpdate(title=values["title"], is_admin=bool(values["is_admin"]))
            service.update_person(
                db, info.principal, user_id, data, expected_version=form_version(form)
            )
    except FORM_ERRORS as exc:
        errors = form_errors(exc, PERSON_FIELDS, PERSON_LABELS, thing="person")
        person = service.get_person(db, info.principal, user_id)
        return _edit_page(request, person, values=values, errors=errors, version=form_version(form))
    return redirect("/people", "person_updated")


@router.post("/people/{user_id}/active", response_class=HTMLResponse)
def person_active(
    request: Request, user_id: uuid.UUID, db: DbSession, info: WebUser, form: Form
) -> Response:
    """Deactivate (ends their sessions and tokens) or reactivate a person."""
    active = field(form, "active") == "1"
    try:
        with attempt(db):
            service.update_person(
                db,
                info.principal,
                user_id,
                PersonUpdate(active=active),
                expected_version=form_version(form),
            )
    except FORM_ERRORS as exc:
        errors = form_errors(exc, {}, PERSON_LABELS, form="active", thing="person")
        person = service.get_person(db, info.principal, user_id)
        return _edit_page(request, person, errors=errors)
    return redirect("/people", "person_reactivated" if active else "person_deactivated")


# --- organisations (instance administrators) -----------------------------------------------

ORG_LABELS = {
    "org_name": "Organisation name",
    "org_kind": "Kind",
    "require_totp": "Require a second factor",
    "admin_email": "Administrator's e-mail address",
    "admin_title": "Administrator's job title",
}
ORG_FIELDS = {"name": "org_name", "kind": "org_kind", "require_totp": "require_totp"}
ADMIN_FIELDS = {"email": "admin_email", "title": "admin_title"}
ORG_KINDS = ["company", "university", "research institute", "investor", "other"]


def _orgs_page(
    request: Request,
    db: DbSession,
    *,
    values: dict[str, str] | None = None,
    errors: FormErrors | None = None,
) -> HTMLResponse:
    orgs = service.list_orgs(db)
    counts = dict(
        db.execute(
            select(OrgMembership.org_id, func.count(OrgMembership.id))
            .where(OrgMembership.active.is_(True))
            .group_by(OrgMembership.org_id)
        ).all()
    )
    return page(
        request,
        "admin_orgs.html",
        {
            "orgs": orgs,
            "people_counts": counts,
            "kinds": ORG_KINDS,
            "values": values or {"org_kind": "company"},
            "errors": errors or FormErrors(),
        },
        status_code=errors.status_code if errors else 200,
        nav="organisations",
    )


@router.get("/admin/organisations", response_class=HTMLResponse)
def organisations(request: Request, db: DbSession, info: WebUser) -> HTMLResponse:
    """Organisations on this instance and the form to add one (instance administrators)."""
    service.require_instance_admin(info.principal)
    return _orgs_page(request, db)


@router.post("/admin/organisations", response_class=HTMLResponse)
def organisation_create(
    request: Request, db: DbSession, settings: SettingsDep, info: WebUser, form: Form
) -> Response:
    """Create an organisation and invite its first administrator (instance administrators);
    an address that already has an account joins only when its owner accepts."""
    service.require_instance_admin(info.principal)
    values = {k: field(form, k) for k in ("org_name", "org_kind", "admin_email", "admin_title")}
    values["require_totp"] = "on" if checkbox(form, "require_totp") else ""
    errors = FormErrors()
    org_data: OrgCreate | None = None
    invitation: InvitationCreate | None = None
    try:
        org_data = OrgCreate(
            name=values["org_name"],
            kind=values["org_kind"] or "company",
            require_totp=bool(values["require_totp"]),
        )
    except pydantic.ValidationError as exc:
        errors.merge(form_errors(exc, ORG_FIELDS, ORG_LABELS))
    try:
        invitation = InvitationCreate(
            email=values["admin_email"], title=values["admin_title"], is_admin=True
        )
    except pydantic.ValidationError as exc:
        errors.merge(form_errors(exc, ADMIN_FIELDS, ORG_LABELS))
    stage = ORG_FIELDS
    if org_data is not None and invitation is not None:
        try:
            with attempt(db):
                org = service.create_org(db, info.principal.actor, org_data)
                stage = ADMIN_FIELDS
                invitations.create_invitation(
                    db,
                    settings,
                    org_id=org.id,
                    actor=info.principal.actor,
                    data=invitation,
                    invited_by_id=info.principal.user_id,
                )
        except FORM_ERRORS as exc:
            errors = form_errors(exc, stage, ORG_LABELS, thing="organisation")
    if errors:
        return _orgs_page(request, db, values=values, errors=errors)
    return redirect("/admin/organisations", "org_created")
