"""The alliance page: lifecycle moves, members, editing the details."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, Response
from sqlalchemy.orm import Session

from pactum.access import AllianceView, Principal, open_alliance
from pactum.access.policy import PERMISSIONS
from pactum.alliances import service
from pactum.alliances.lifecycle import NEEDS_REASON, allowed_next
from pactum.alliances.pages.common import (
    ALLIANCE_FIELDS,
    ALLIANCE_LABELS,
    COMMON,
    alliance_values,
    partners_of,
    roles_text,
)
from pactum.alliances.schemas import (
    AllianceUpdate,
    MemberCreate,
    MemberUpdate,
    TransitionIn,
)
from pactum.alliances.views import activity
from pactum.http.db import DbSession
from pactum.models import (
    ALLIANCE_ROLES,
    ALLIANCE_STATUSES,
    ALLIANCE_TYPES,
    AllianceMember,
    AllianceParty,
    Objective,
)
from pactum.objectives import service as objectives_service
from pactum.orgs.service import colleagues
from pactum.web.forms import (
    FORM_ERRORS,
    FormErrors,
    attempt,
    form_errors,
    form_version,
    page,
    redirect,
)
from pactum.web.session import Form, WebUser, field

router = APIRouter()


# --- the alliance page ---------------------------------------------------------------------

ACTIVITY_PHRASES = {
    "alliance.create": "proposed the alliance",
    "alliance.update": "edited the alliance details",
    "alliance.transition": "moved the alliance to a new stage",
    "party.accept": "accepted the invitation",
    "party.decline": "declined the invitation",
    "member.add": "added {member} to the alliance",
    "member.update": "changed the alliance role of {member}",
    "member.remove": "removed a member from the alliance",
    "objective.create": "added {objective}",
    "objective.update": "edited {objective}",
    "objective.share": "shared {objective} with the alliance",
    "decision.step": "moved a decision on",
    "milestone.deemed_accepted": "recorded a milestone claim as deemed accepted: its notice "
    "period ended unanswered",
    "agreement.expire": "recorded that an agreement expired",
}


@dataclass(frozen=True)
class FeedItem:
    """One line of the activity feed."""

    ts: Any
    actor: str
    text: str
    private: bool
    recorded: Any = None  # when a change time made was written down (``ts``: its due time)


def _feed(
    db: Session,
    view: AllianceView,
    members: list[AllianceMember],
    objectives: list[Objective],
    limit: int = 20,
) -> list[FeedItem]:
    member_names = {str(m.id): m.user.name for m in members}
    titles = {str(o.id): o.title for o in objectives}
    items = []
    for entry in activity(db, view, limit):
        phrase = ACTIVITY_PHRASES.get(
            entry.action, entry.action.replace(".", " ").replace("_", " ")
        )
        title = titles.get(entry.object_id)
        text = phrase.format(
            member=member_names.get(entry.object_id, "a member"),
            objective=f"objective “{title}”" if title else "an objective",
        )
        items.append(
            FeedItem(
                entry.effective_at or entry.ts,
                entry.actor_name or "System",
                text,
                entry.private,
                recorded=entry.ts if entry.effective_at else None,
            )
        )
    return items


@dataclass(frozen=True)
class PartyGroup:
    """A party of the alliance with its members, for the members table."""

    party: AllianceParty
    members: list[AllianceMember]
    mine: bool


def _alliance_page(
    request: Request,
    db: Session,
    view: AllianceView,
    *,
    errors: FormErrors | None = None,
    values: dict[str, Any] | None = None,
) -> HTMLResponse:
    alliance = view.alliance
    members = service.list_members(db, view)
    objectives = objectives_service.list_objectives(db, view)
    can = {action: view.can(action) for action in PERMISSIONS}
    member_ids = {m.user_id for m in members}
    candidates = (
        [u for u in colleagues(db, view.org_id) if u.id not in member_ids]
        if can["members.manage"]
        else []
    )
    groups = [
        PartyGroup(p, [m for m in members if m.org_id == p.org_id], p.org_id == view.org_id)
        for p in alliance.parties
    ]
    groups.sort(key=lambda g: not g.mine)
    next_statuses = sorted(allowed_next(alliance.status), key=ALLIANCE_STATUSES.index)
    return page(
        request,
        "alliance.html",
        {
            "alliance": alliance,
            "view": view,
            "my_party": view.party,
            "my_org_name": view.party.org.name,
            "partners": partners_of(alliance, view.org_id),
            "can": can,
            "roles_text": roles_text(view.roles),
            "groups": groups,
            "candidates": candidates,
            "alliance_roles": ALLIANCE_ROLES,
            "shared": [o for o in objectives if o.visibility == "shared"],
            "private": [o for o in objectives if o.visibility == "private"],
            "feed": _feed(db, view, members, objectives),
            "steps": ALLIANCE_STATUSES,
            "current_step": ALLIANCE_STATUSES.index(alliance.status)
            if alliance.status in ALLIANCE_STATUSES
            else -1,
            "next_statuses": next_statuses,
            "needs_reason": NEEDS_REASON,
            "reload_url": f"/alliances/{alliance.id}",
            "errors": errors or FormErrors(),
            "values": values or {},
            **COMMON,
        },
        status_code=errors.status_code if errors else 200,
        nav="alliances",
    )


@router.get("/alliances/{alliance_id}", response_class=HTMLResponse)
def alliance(
    request: Request, alliance_id: uuid.UUID, db: DbSession, info: WebUser
) -> HTMLResponse:
    """The alliance page: parties, lifecycle, members, objectives and recent activity."""
    view = open_alliance(db, info.principal, alliance_id)
    return _alliance_page(request, db, view)


def _fail(
    request: Request,
    db: Session,
    principal: Principal,
    alliance_id: uuid.UUID,
    errors: FormErrors,
    values: dict[str, Any] | None = None,
) -> HTMLResponse:
    """Show the alliance page again with a form's errors (the view is read afresh)."""
    view = open_alliance(db, principal, alliance_id)
    return _alliance_page(request, db, view, errors=errors, values=values)


TRANSITION_LABELS = {"transition_status": "Move to", "transition_reason": "Reason"}


@router.post("/alliances/{alliance_id}/status", response_class=HTMLResponse)
def alliance_transition(
    request: Request, alliance_id: uuid.UUID, db: DbSession, info: WebUser, form: Form
) -> Response:
    """Move the alliance to another stage of its lifecycle."""
    view = open_alliance(db, info.principal, alliance_id)
    values = {
        "transition_status": field(form, "status"),
        "transition_reason": field(form, "reason"),
    }
    try:
        with attempt(db):
            data = TransitionIn.model_validate(
                {"status": values["transition_status"], "reason": values["transition_reason"]}
            )
            service.transition(db, view, data, expected_version=form_version(form))
    except FORM_ERRORS as exc:
        errors = form_errors(
            exc,
            {"status": "transition_status", "reason": "transition_reason"},
            TRANSITION_LABELS,
            form="transition",
            thing="alliance",
        )
        if "reason" in errors.get("transition_status"):
            errors.fields["transition_reason"] = errors.fields.pop("transition_status")
        return _fail(request, db, info.principal, alliance_id, errors, values)
    return redirect(f"/alliances/{alliance_id}", "status_changed", anchor="lifecycle")


MEMBER_LABELS = {"add_user_id": "Person", "add_role": "Alliance role"}


@router.post("/alliances/{alliance_id}/members", response_class=HTMLResponse)
def member_add(
    request: Request, alliance_id: uuid.UUID, db: DbSession, info: WebUser, form: Form
) -> Response:
    """Add one of our own people to the alliance."""
    view = open_alliance(db, info.principal, alliance_id)
    values = {"add_user_id": field(form, "user_id"), "add_role": field(form, "role")}
    try:
        with attempt(db):
            data = MemberCreate.model_validate(
                {"user_id": values["add_user_id"], "role": values["add_role"]}
            )
            service.add_member(db, view, data)
    except FORM_ERRORS as exc:
        errors = form_errors(
            exc, {"user_id": "add_user_id", "role": "add_role"}, MEMBER_LABELS, form="add-member"
        )
        return _fail(request, db, info.principal, alliance_id, errors, values)
    return redirect(f"/alliances/{alliance_id}", "member_added", anchor="members")


def _member_errors(exc: Exception, member_id: uuid.UUID) -> FormErrors:
    """A member row's error, shown next to that row's role."""
    role_id = f"role-{member_id}"
    return form_errors(
        exc,
        {"role": role_id, "member": role_id},
        {role_id: "Alliance role"},
        form=f"member-{member_id}",
        thing="member",
    )


@router.post("/alliances/{alliance_id}/members/{member_id}", response_class=HTMLResponse)
def member_update(
    request: Request,
    alliance_id: uuid.UUID,
    member_id: uuid.UUID,
    db: DbSession,
    info: WebUser,
    form: Form,
) -> Response:
    """Change the alliance role of one of our own members."""
    view = open_alliance(db, info.principal, alliance_id)
    try:
        with attempt(db):
            data = MemberUpdate.model_validate({"role": field(form, "role")})
            service.update_member(db, view, member_id, data, expected_version=form_version(form))
    except FORM_ERRORS as exc:
        return _fail(request, db, info.principal, alliance_id, _member_errors(exc, member_id))
    return redirect(f"/alliances/{alliance_id}", "member_updated", anchor="members")


@router.post("/alliances/{alliance_id}/members/{member_id}/remove", response_class=HTMLResponse)
def member_remove(
    request: Request,
    alliance_id: uuid.UUID,
    member_id: uuid.UUID,
    db: DbSession,
    info: WebUser,
    form: Form,
) -> Response:
    """Take one of our own people off the alliance."""
    view = open_alliance(db, info.principal, alliance_id)
    try:
        with attempt(db):
            service.remove_member(db, view, member_id, expected_version=form_version(form))
    except FORM_ERRORS as exc:
        return _fail(request, db, info.principal, alliance_id, _member_errors(exc, member_id))
    return redirect(f"/alliances/{alliance_id}", "member_removed", anchor="members")


# --- editing the alliance ------------------------------------------------------------------


def _edit_page(
    request: Request,
    view: AllianceView,
    *,
    values: dict[str, Any] | None = None,
    errors: FormErrors | None = None,
    version: int | None = None,
) -> HTMLResponse:
    alliance = view.alliance
    shown: dict[str, Any] = {
        "name": alliance.name,
        "types": list(alliance.types),
        "therapeutic_area": alliance.therapeutic_area,
        "description": alliance.description,
    }
    shown.update(values or {})
    return page(
        request,
        "alliance_edit.html",
        {
            "alliance": alliance,
            "types": ALLIANCE_TYPES,
            "values": shown,
            "version": version if version is not None else alliance.version,
            "errors": errors or FormErrors(),
            **COMMON,
        },
        status_code=errors.status_code if errors else 200,
        nav="alliances",
    )


@router.get("/alliances/{alliance_id}/edit", response_class=HTMLResponse)
def alliance_edit(
    request: Request, alliance_id: uuid.UUID, db: DbSession, info: WebUser
) -> HTMLResponse:
    """The form to edit the alliance's name, types, therapeutic area and description."""
    view = open_alliance(db, info.principal, alliance_id)
    view.require("alliance.edit")
    return _edit_page(request, view)


@router.post("/alliances/{alliance_id}/edit", response_class=HTMLResponse)
def alliance_update(
    request: Request, alliance_id: uuid.UUID, db: DbSession, info: WebUser, form: Form
) -> Response:
    """Save the alliance's descriptive fields."""
    view = open_alliance(db, info.principal, alliance_id)
    values = alliance_values(form)
    try:
        with attempt(db):
            data = AllianceUpdate(
                name=values["name"],
                types=values["types"],
                therapeutic_area=values["therapeutic_area"],
                description=values["description"],
            )
            service.update_alliance(db, view, data, expected_version=form_version(form))
    except FORM_ERRORS as exc:
        errors = form_errors(exc, ALLIANCE_FIELDS, ALLIANCE_LABELS, thing="alliance")
        view = open_alliance(db, info.principal, alliance_id)
        return _edit_page(request, view, values=values, errors=errors, version=form_version(form))
    return redirect(f"/alliances/{alliance_id}", "alliance_updated")
