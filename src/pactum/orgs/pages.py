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
from pactum.http.db import DbSession
from pactum.models import OrgMembership
from pactum.orgs import service
from pactum.orgs.schemas import OrgCreate, PersonCreate, PersonUpdate
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
    "name": "Full name",
    "title": "Job title",
    "is_admin": "Administrator",
    "password": "Initial password",
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
    """Everyone in the caller's organisation (administrators)."""
    found = service.list_people(db, info.principal)
    return page(request, "people.html", {"people": found}, nav="people")


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
    """The form to add a person to the caller's organisation."""
    _require_org_admin(info.principal)
    return page(request, "person_new.html", {"values": {}}, nav="people")


@router.post("/people/new", response_class=HTMLResponse)
def person_add(request: Request, db: DbSession, info: WebUser, form: Form) -> Response:
    """Add a person to the caller's organisation."""
    values = {k: field(form, k) for k in ("email", "name", "title")}
    values["is_admin"] = "on" if checkbox(form, "is_admin") else ""
    try:
        with attempt(db):
            data = PersonCreate(
                email=values["email"],
                name=values["name"],
                title=values["title"],
                is_admin=bool(values["is_admin"]),
                password=str(form.get("password", "")),
            )
            service.add_person(db, info.principal, data)
    except FORM_ERRORS as exc:
        errors = form_errors(exc, PERSON_FIELDS, PERSON_LABELS, thing="person")
        return page(
            request,
            "person_new.html",
            {"values": values, "errors": errors},
            status_code=errors.status_code,
            nav="people",
        )
    return redirect("/people", "person_added")


def _edit_page(
    request: Request,
    person: service.Person,
    *,
    values: dict[str, Any] | None = None,
    errors: FormErrors | None = None,
    version: int | None = None,
) -> HTMLResponse:
    shown = {
        "name": person.user.name,
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
    """Save a person's name, job title and administrator flag."""
    values = {k: field(form, k) for k in ("name", "title")}
    values["is_admin"] = "on" if checkbox(form, "is_admin") else ""
    try:
        with attempt(db):
            data = PersonUpdate(
                name=values["name"], title=values["title"], is_admin=bool(values["is_admin"])
            )
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
    "admin_name": "Administrator's full name",
    "admin_email": "Administrator's e-mail address",
    "admin_title": "Administrator's job title",
    "admin_password": "Initial password",
}
ORG_FIELDS = {"name": "org_name", "kind": "org_kind", "require_totp": "require_totp"}
ADMIN_FIELDS = {
    "name": "admin_name",
    "email": "admin_email",
    "title": "admin_title",
    "password": "admin_password",
}
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
def organisation_create(request: Request, db: DbSession, info: WebUser, form: Form) -> Response:
    """Create an organisation with its first administrator (instance administrators)."""
    service.require_instance_admin(info.principal)
    values = {
        k: field(form, k)
        for k in ("org_name", "org_kind", "admin_name", "admin_email", "admin_title")
    }
    values["require_totp"] = "on" if checkbox(form, "require_totp") else ""
    errors = FormErrors()
    org_data: OrgCreate | None = None
    person_data: PersonCreate | None = None
    try:
        org_data = OrgCreate(
            name=values["org_name"],
            kind=values["org_kind"] or "company",
            require_totp=bool(values["require_totp"]),
        )
    except pydantic.ValidationError as exc:
        errors.merge(form_errors(exc, ORG_FIELDS, ORG_LABELS))
    try:
        person_data = PersonCreate(
            email=values["admin_email"],
            name=values["admin_name"],
            title=values["admin_title"],
            is_admin=True,
            password=str(form.get("admin_password", "")),
        )
    except pydantic.ValidationError as exc:
        errors.merge(form_errors(exc, ADMIN_FIELDS, ORG_LABELS))
    stage = ORG_FIELDS
    if org_data is not None and person_data is not None:
        try:
            with attempt(db):
                org = service.create_org(db, info.principal.actor, org_data)
                stage = ADMIN_FIELDS
                service.create_user(db, info.principal.actor, org=org, data=person_data)
        except FORM_ERRORS as exc:
            errors = form_errors(exc, stage, ORG_LABELS, thing="organisation")
    if errors:
        return _orgs_page(request, db, values=values, errors=errors)
    return redirect("/admin/organisations", "org_created")
