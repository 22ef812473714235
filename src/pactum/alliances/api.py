"""JSON routes for alliances, invitations and members (thin: the service holds the rules)."""

from __future__ import annotations

import uuid
from typing import Annotated

from fastapi import APIRouter, Query, Response, status

from pactum.access import invitations_for, open_alliance, roles_by_alliance, visible_alliances
from pactum.alliances import service
from pactum.alliances.schemas import (
    ActivityRead,
    AllianceCreate,
    AllianceRead,
    AllianceUpdate,
    InvitationRead,
    InvitationResponse,
    MemberCreate,
    MemberRead,
    MemberUpdate,
    PartyRead,
    TransitionIn,
)
from pactum.alliances.views import (
    activity,
    alliance_read,
    invitation_read,
    member_read,
    org_names,
    party_read,
    view_read,
)
from pactum.http.api_auth import ApiPrincipal, IfMatch, etag
from pactum.http.db import DbSession
from pactum.models import Alliance

router = APIRouter(prefix="/api/v1", tags=["alliances"])


@router.get("/alliances", response_model=list[AllianceRead])
def list_alliances(db: DbSession, me: ApiPrincipal) -> list[AllianceRead]:
    """Alliances the caller's organisation takes part in and the caller may see."""
    alliances = db.execute(visible_alliances(me).order_by(Alliance.name)).scalars().all()
    roles = roles_by_alliance(db, me, [a.id for a in alliances])
    return [alliance_read(a, me.org_id, roles[a.id]) for a in alliances]


@router.post("/alliances", response_model=AllianceRead, status_code=status.HTTP_201_CREATED)
def create_alliance(
    body: AllianceCreate, db: DbSession, me: ApiPrincipal, response: Response
) -> AllianceRead:
    """Propose an alliance to one or more partner organisations."""
    alliance = service.create_alliance(db, me, body)
    view = open_alliance(db, me, alliance.id)
    response.headers["ETag"] = etag(alliance.version)
    return view_read(view)


@router.get("/alliances/{alliance_id}", response_model=AllianceRead)
def get_alliance(
    alliance_id: uuid.UUID, db: DbSession, me: ApiPrincipal, response: Response
) -> AllianceRead:
    """One alliance."""
    view = open_alliance(db, me, alliance_id)
    response.headers["ETag"] = etag(view.alliance.version)
    return view_read(view)


@router.patch("/alliances/{alliance_id}", response_model=AllianceRead)
def update_alliance(
    alliance_id: uuid.UUID,
    body: AllianceUpdate,
    db: DbSession,
    me: ApiPrincipal,
    expected: IfMatch,
    response: Response,
) -> AllianceRead:
    """Edit the alliance's name, types, therapeutic area or description (If-Match)."""
    view = open_alliance(db, me, alliance_id)
    alliance = service.update_alliance(db, view, body, expected_version=expected)
    response.headers["ETag"] = etag(alliance.version)
    return view_read(view)


@router.post("/alliances/{alliance_id}/transitions", response_model=AllianceRead)
def transition_alliance(
    alliance_id: uuid.UUID,
    body: TransitionIn,
    db: DbSession,
    me: ApiPrincipal,
    expected: IfMatch,
    response: Response,
) -> AllianceRead:
    """Move the alliance along its lifecycle (If-Match; reason needed to terminate/close)."""
    view = open_alliance(db, me, alliance_id)
    alliance = service.transition(db, view, body, expected_version=expected)
    response.headers["ETag"] = etag(alliance.version)
    return view_read(view)


@router.get("/alliances/{alliance_id}/parties", response_model=list[PartyRead])
def list_parties(alliance_id: uuid.UUID, db: DbSession, me: ApiPrincipal) -> list[PartyRead]:
    """The alliance's parties and their invitation state."""
    view = open_alliance(db, me, alliance_id)
    return [party_read(p) for p in view.alliance.parties]


@router.get("/alliances/{alliance_id}/activity", response_model=list[ActivityRead])
def list_activity(
    alliance_id: uuid.UUID,
    db: DbSession,
    me: ApiPrincipal,
    limit: Annotated[int, Query(ge=1, le=200)] = 50,
) -> list[ActivityRead]:
    """Recent activity the caller's party may see (from the audit trail)."""
    view = open_alliance(db, me, alliance_id)
    return activity(db, view, limit)


@router.get("/alliances/{alliance_id}/members", response_model=list[MemberRead])
def list_members(alliance_id: uuid.UUID, db: DbSession, me: ApiPrincipal) -> list[MemberRead]:
    """Every member of the alliance, from all parties."""
    view = open_alliance(db, me, alliance_id)
    names = org_names(view.alliance)
    return [member_read(m, names) for m in service.list_members(db, view)]


@router.post(
    "/alliances/{alliance_id}/members",
    response_model=MemberRead,
    status_code=status.HTTP_201_CREATED,
)
def add_member(
    alliance_id: uuid.UUID, body: MemberCreate, db: DbSession, me: ApiPrincipal, response: Response
) -> MemberRead:
    """Add one of our own people to the alliance with a role."""
    view = open_alliance(db, me, alliance_id)
    member = service.add_member(db, view, body)
    response.headers["ETag"] = etag(member.version)
    return member_read(member, org_names(view.alliance))


@router.get("/alliances/{alliance_id}/members/{member_id}", response_model=MemberRead)
def get_member(
    alliance_id: uuid.UUID,
    member_id: uuid.UUID,
    db: DbSession,
    me: ApiPrincipal,
    response: Response,
) -> MemberRead:
    """One member of the alliance."""
    view = open_alliance(db, me, alliance_id)
    member = service.get_member(db, view, member_id)
    response.headers["ETag"] = etag(member.version)
    return member_read(member, org_names(view.alliance))


@router.patch("/alliances/{alliance_id}/members/{member_id}", response_model=MemberRead)
def update_member(
    alliance_id: uuid.UUID,
    member_id: uuid.UUID,
    body: MemberUpdate,
    db: DbSession,
    me: ApiPrincipal,
    expected: IfMatch,
    response: Response,
) -> MemberRead:
    """Change the alliance role of one of our own members (If-Match)."""
    view = open_alliance(db, me, alliance_id)
    member = service.update_member(db, view, member_id, body, expected_version=expected)
    response.headers["ETag"] = etag(member.version)
    return member_read(member, org_names(view.alliance))


@router.delete(
    "/alliances/{alliance_id}/members/{member_id}", status_code=status.HTTP_204_NO_CONTENT
)
def remove_member(
    alliance_id: uuid.UUID,
    member_id: uuid.UUID,
    db: DbSession,
    me: ApiPrincipal,
    expected: IfMatch,
) -> Response:
    """Take one of our own people off the alliance (If-Match)."""
    view = open_alliance(db, me, alliance_id)
    service.remove_member(db, view, member_id, expected_version=expected)
    return Response(status_code=status.HTTP_204_NO_CONTENT)


@router.get("/invitations", response_model=list[InvitationRead], tags=["invitations"])
def list_invitations(db: DbSession, me: ApiPrincipal) -> list[InvitationRead]:
    """Open invitations to the caller's organisation (administrators)."""
    return [invitation_read(p) for p in db.execute(invitations_for(me)).scalars()]


@router.post("/invitations/{party_id}/accept", response_model=AllianceRead, tags=["invitations"])
def accept_invitation(
    party_id: uuid.UUID, body: InvitationResponse, db: DbSession, me: ApiPrincipal
) -> AllianceRead:
    """Accept an invitation; the caller (or the named person) becomes alliance manager."""
    party = service.respond_invitation(
        db, me, party_id, accept=True, manager_user_id=body.manager_user_id
    )
    view = open_alliance(db, me, party.alliance_id)
    return view_read(view)


@router.post(
    "/invitations/{party_id}/decline",
    status_code=status.HTTP_204_NO_CONTENT,
    tags=["invitations"],
)
def decline_invitation(party_id: uuid.UUID, db: DbSession, me: ApiPrincipal) -> Response:
    """Decline an invitation."""
    service.respond_invitation(db, me, party_id, accept=False)
    return Response(status_code=status.HTTP_204_NO_CONTENT)
