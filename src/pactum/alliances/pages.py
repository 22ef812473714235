"""Pages for alliances: the list, proposing one, invitations, the alliance page, members,
lifecycle moves and exports. Routes stay thin; the services hold every rule."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, Response
from sqlalchemy import Select
from sqlalchemy.orm import Session
from starlette.datastructures import FormData

from pactum.access import AllianceView, Principal, invitations_for, open_alliance
from pactum.access.policy import PERMISSIONS, roles_by_alliance, visible_alliances
from pactum.accounts.pages import (
    FORM_ERRORS,
    FormErrors,
    attempt,
    form_errors,
    page,
    parse_uuid,
    redirect,
)
from pactum.alliances import service
from pactum.alliances.lifecycle import LABELS as STATUS_LABELS
from pactum.alliances.lifecycle import NEEDS_REASON, allowed_next
from pactum.alliances.schemas import (
    AllianceCreate,
    AllianceUpdate,
    MemberCreate,
    MemberUpdate,
    TransitionIn,
)
from pactum.alliances.views import activity, invitation_read
from pactum.core.errors import Forbidden, ValidationFailed
from pactum.http.db import DbSession
from pactum.models import (
    ALLIANCE_ROLES,
    ALLIANCE_STATUSES,
    ALLIANCE_TYPES,
    PARTY_ROLES,
    Alliance,
    AllianceMember,
    AllianceParty,
    Objective,
)
from pactum.objectives import service as objectives_service
from pactum.objectives.pages import KIND_LABELS, OBJECTIVE_STATUS_LABELS
from pactum.orgs.service import colleagues, list_orgs
from pactum.web.exports import csv_response, slug, xlsx_response
from pactum.web.session import Form, WebUser, field

router = APIRouter()

TYPE_LABELS = {
    "research_collaboration": "Research collaboration",
    "licensing": "Licensing",
    "co_development": "Co-development",
    "co_commercialisation": "Co-commercialisation",
    "joint_venture": "Joint venture",
    "technology_transfer": "Technology transfer",
    "strategic_investment": "Strategic investment",
    "supply_manufacturing": "Supply & manufacturing",
    "confidentiality": "Confidentiality (CDA)",
}
ROLE_LABELS = {
    "alliance_manager": "Alliance manager",
    "committee_member": "Committee member",
    "finance": "Finance",
    "legal": "Legal",
    "contributor": "Contributor",
    "viewer": "Viewer",
    "org_admin": "Organisation administrator",
}
PARTY_ROLE_LABELS = {r: r.replace("_", "-").capitalize() for r in PARTY_ROLES}
PARTY_ROLE_LABELS["co_developer"] = "Co-developer"
PARTY_ROLE_LABELS["co_promoter"] = "Co-promoter"
ACTIVITY_EXPORT_LIMIT = 100_000

COMMON = {
    "status_labels": STATUS_LABELS,
    "type_labels": TYPE_LABELS,
    "role_labels": ROLE_LABELS,
    "party_role_labels": PARTY_ROLE_LABELS,
    "kind_labels": KIND_LABELS,
    "objective_status_labels": OBJECTIVE_STATUS_LABELS,
}


def _all(db: Session, stmt: Select[Any]) -> list[Any]:
    """Every entity a select built by the access layer returns."""
    return list(db.execute(stmt).scalars())


def _version(form: FormData) -> int | None:
    value = field(form, "version")
    return int(value) if value.isdigit() and len(value) <= 12 else None


def _partners(alliance: Alliance, my_org_id: uuid.UUID | None) -> list[AllianceParty]:
    return [p for p in alliance.parties if p.org_id != my_org_id]


def _roles_text(roles: frozenset[str]) -> str:
    return ", ".join(ROLE_LABELS.get(r, r) for r in sorted(roles)) or "—"


# --- the list of alliances -----------------------------------------------------------------


def _my_alliances(
    db: Session, principal: Principal
) -> tuple[list[Alliance], dict[uuid.UUID, frozenset[str]]]:
    alliances: list[Alliance] = _all(db, visible_alliances(principal).order_by(Alliance.name))
    roles = roles_by_alliance(db, principal, [a.id for a in alliances])
    return alliances, roles


@router.get("/alliances", response_class=HTMLResponse)
def alliances(request: Request, db: DbSession, info: WebUser) -> HTMLResponse:
    """My alliances, and open invitations for organisation administrators."""
    me = info.principal
    found, roles = _my_alliances(db, me)
    open_invitations: list[AllianceParty] = _all(db, invitations_for(me))
    invitations = [invitation_read(p) for p in open_invitations]
    rows = [
        {
            "alliance": a,
            "partners": _partners(a, me.org_id),
            "roles": _roles_text(roles[a.id]),
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
                for p in _partners(a, principal.org_id)
            ),
            _roles_text(roles[a.id]),
            a.created_at,
        ]
        for a in found
    ]


@router.get("/alliances.csv")
def alliances_csv(db: DbSession, info: WebUser) -> Response:
    """My alliances as CSV."""
    return csv_response("alliances.csv", ALLIANCES_HEADER, _alliance_rows(db, info.principal))


@router.get("/alliances.xlsx")
def alliances_xlsx(db: DbSession, info: WebUser) -> Response:
    """My alliances as an Excel workbook."""
    rows = _alliance_rows(db, info.principal)
    return xlsx_response("alliances.xlsx", ALLIANCES_HEADER, rows, title="Alliances")


# --- proposing an alliance -----------------------------------------------------------------

ALLIANCE_LABELS = {
    "name": "Alliance name",
    "types": "Type of alliance",
    "therapeutic_area": "Therapeutic area",
    "description": "Description",
    "my_role": "Your organisation's role",
    "partner_org_id": "Partner organisation",
    "partner_role": "Partner's role",
}
ALLIANCE_FIELDS = {
    "name": "name",
    "types": "types",
    "therapeutic_area": "therapeutic_area",
    "description": "description",
    "my_role": "my_role",
    "partners.0.org_id": "partner_org_id",
    "partners.0.role": "partner_role",
    "partners": "partner_org_id",
}


def _alliance_values(form: FormData) -> dict[str, Any]:
    values: dict[str, Any] = {
        k: field(form, k)
        for k in ("name", "therapeutic_area", "my_role", "partner_org_id", "partner_role")
    }
    values["description"] = str(form.get("description", ""))
    values["types"] = [str(t) for t in form.getlist("types")]
    return values


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
    values = _alliance_values(form)
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
            "others": _partners(party.alliance, principal.org_id),
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
}


@dataclass(frozen=True)
class FeedItem:
    """One line of the activity feed."""

    ts: Any
    actor: str
    text: str
    private: bool


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
        items.append(FeedItem(entry.ts, entry.actor_name or "System", text, entry.private))
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
            "partners": _partners(alliance, view.org_id),
            "can": can,
            "roles_text": _roles_text(view.roles),
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
            service.transition(db, view, data, expected_version=_version(form))
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
    role_id = f"role-{member_id}"
    try:
        with attempt(db):
            data = MemberUpdate.model_validate({"role": field(form, "role")})
            service.update_member(db, view, member_id, data, expected_version=_version(form))
    except FORM_ERRORS as exc:
        errors = form_errors(
            exc,
            {"role": role_id, "member": role_id},
            {role_id: "Alliance role"},
            form=f"member-{member_id}",
            thing="member",
        )
        return _fail(request, db, info.principal, alliance_id, errors)
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
    role_id = f"role-{member_id}"
    try:
        with attempt(db):
            service.remove_member(db, view, member_id, expected_version=_version(form))
    except FORM_ERRORS as exc:
        errors = form_errors(
            exc,
            {"role": role_id, "member": role_id},
            {role_id: "Alliance role"},
            form=f"member-{member_id}",
            thing="member",
        )
        return _fail(request, db, info.principal, alliance_id, errors)
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
    values = _alliance_values(form)
    try:
        with attempt(db):
            data = AllianceUpdate(
                name=values["name"],
                types=values["types"],
                therapeutic_area=values["therapeutic_area"],
                description=values["description"],
            )
            service.update_alliance(db, view, data, expected_version=_version(form))
    except FORM_ERRORS as exc:
        errors = form_errors(exc, ALLIANCE_FIELDS, ALLIANCE_LABELS, thing="alliance")
        view = open_alliance(db, info.principal, alliance_id)
        return _edit_page(request, view, values=values, errors=errors, version=_version(form))
    return redirect(f"/alliances/{alliance_id}", "alliance_updated")


# --- exports -------------------------------------------------------------------------------

MEMBERS_HEADER = ["Name", "E-mail", "Organisation", "Alliance role", "Added (UTC)"]
ACTIVITY_HEADER = ["Time (UTC)", "Who", "Action", "Record type", "Record id", "Visibility"]


def _member_rows(db: Session, view: AllianceView) -> list[list[Any]]:
    names = {p.org_id: p.org.name for p in view.alliance.parties}
    return [
        [
            m.user.name,
            m.user.email,
            names.get(m.org_id, ""),
            ROLE_LABELS.get(m.role, m.role),
            m.created_at,
        ]
        for m in service.list_members(db, view)
    ]


def _activity_rows(db: Session, view: AllianceView) -> list[list[Any]]:
    view.require("audit.export")
    mine = f"Private to {view.party.org.name}"
    return [
        [e.ts, e.actor_name, e.action, e.object_type, e.object_id, mine if e.private else "Shared"]
        for e in activity(db, view, ACTIVITY_EXPORT_LIMIT)
    ]


@router.get("/alliances/{alliance_id}/members.csv")
def members_csv(alliance_id: uuid.UUID, db: DbSession, info: WebUser) -> Response:
    """The alliance's members as CSV."""
    view = open_alliance(db, info.principal, alliance_id)
    name = f"{slug(view.alliance.name, 'alliance')}-members.csv"
    return csv_response(name, MEMBERS_HEADER, _member_rows(db, view))


@router.get("/alliances/{alliance_id}/members.xlsx")
def members_xlsx(alliance_id: uuid.UUID, db: DbSession, info: WebUser) -> Response:
    """The alliance's members as an Excel workbook."""
    view = open_alliance(db, info.principal, alliance_id)
    name = f"{slug(view.alliance.name, 'alliance')}-members.xlsx"
    return xlsx_response(name, MEMBERS_HEADER, _member_rows(db, view), title="Members")


@router.get("/alliances/{alliance_id}/activity.csv")
def activity_csv(alliance_id: uuid.UUID, db: DbSession, info: WebUser) -> Response:
    """The activity our party may see, as CSV (managers, legal, administrators)."""
    view = open_alliance(db, info.principal, alliance_id)
    name = f"{slug(view.alliance.name, 'alliance')}-activity.csv"
    return csv_response(name, ACTIVITY_HEADER, _activity_rows(db, view))


@router.get("/alliances/{alliance_id}/activity.xlsx")
def activity_xlsx(alliance_id: uuid.UUID, db: DbSession, info: WebUser) -> Response:
    """The activity our party may see, as an Excel workbook."""
    view = open_alliance(db, info.principal, alliance_id)
    name = f"{slug(view.alliance.name, 'alliance')}-activity.xlsx"
    return xlsx_response(name, ACTIVITY_HEADER, _activity_rows(db, view), title="Activity")
