"""JSON routes for the caller, organisations, people and API tokens."""

from __future__ import annotations

import uuid
from datetime import datetime

from fastapi import APIRouter, Response, status

from pactum.auth import tokens as api_tokens
from pactum.core.schemas import Input, Output
from pactum.core.time import utcnow
from pactum.http.api_auth import ApiPrincipal, IfMatch, etag
from pactum.http.db import DbSession, SettingsDep
from pactum.models import OrgInvitation, User
from pactum.orgs import invitations, service
from pactum.orgs.schemas import (
    InvitationCreate,
    InvitationRead,
    MeRead,
    MeUpdate,
    MyInvitationRead,
    OrgRead,
    PersonRead,
    PersonUpdate,
)

router = APIRouter(prefix="/api/v1", tags=["people"])


class TokenCreate(Input):
    """A new personal token for the organisation the caller acts for."""

    name: str
    days: int | None = None


class TokenRead(Output):
    """A token's metadata (never its value)."""

    id: uuid.UUID
    name: str
    prefix: str
    created_at: datetime
    last_used_at: datetime | None
    expires_at: datetime | None
    revoked_at: datetime | None


class TokenCreated(TokenRead):
    """A newly created token; ``token`` is shown once."""

    token: str


def _me(me: ApiPrincipal, user: User) -> MeRead:
    return MeRead(
        id=me.user_id,
        email=me.email,
        name=user.name,
        org_id=me.org_id,
        org_name=me.org_name,
        is_org_admin=me.is_org_admin,
        is_instance_admin=me.is_instance_admin,
        version=user.version,
    )


@router.get("/me", response_model=MeRead)
def me_read(db: DbSession, me: ApiPrincipal, response: Response) -> MeRead:
    """Who the token belongs to and which organisation it acts for."""
    user = db.get(User, me.user_id)
    assert user is not None
    response.headers["ETag"] = etag(user.version)
    return _me(me, user)


@router.patch("/me", response_model=MeRead)
def me_update(
    body: MeUpdate, db: DbSession, me: ApiPrincipal, expected: IfMatch, response: Response
) -> MeRead:
    """Change one's own name (If-Match); only the person can. What was signed or audited
    keeps the name it was made with."""
    user = service.rename_self(db, me, body.name, expected_version=expected)
    response.headers["ETag"] = etag(user.version)
    return _me(me, user)


def _my_invitation(invitation: OrgInvitation) -> MyInvitationRead:
    return MyInvitationRead(
        id=invitation.id,
        org_id=invitation.org_id,
        org_name=invitation.org.name,
        title=invitation.title,
        is_admin=invitation.is_admin,
        invited_by_name=invitation.invited_by_name,
        created_at=invitation.created_at,
        expires_at=invitation.expires_at,
    )


@router.get("/me/invitations", response_model=list[MyInvitationRead], tags=["people"])
def my_invitations(db: DbSession, me: ApiPrincipal) -> list[MyInvitationRead]:
    """Open invitations addressed to the caller's e-mail address."""
    user = db.get(User, me.user_id)
    assert user is not None
    return [_my_invitation(i) for i in invitations.for_person(db, user)]


@router.post(
    "/me/invitations/{invitation_id}/accept",
    status_code=status.HTTP_204_NO_CONTENT,
    tags=["people"],
)
def accept_my_invitation(invitation_id: uuid.UUID, db: DbSession, me: ApiPrincipal) -> Response:
    """Accept an invitation addressed to the caller: they become a member (a token acts
    for one organisation: create one for the new organisation to act there)."""
    user = db.get(User, me.user_id)
    assert user is not None
    invitations.accept_mine(db, user, invitation_id)
    return Response(status_code=status.HTTP_204_NO_CONTENT)


@router.post(
    "/me/invitations/{invitation_id}/decline",
    status_code=status.HTTP_204_NO_CONTENT,
    tags=["people"],
)
def decline_my_invitation(invitation_id: uuid.UUID, db: DbSession, me: ApiPrincipal) -> Response:
    """Decline an invitation addressed to the caller."""
    user = db.get(User, me.user_id)
    assert user is not None
    invitations.decline_mine(db, user, invitation_id)
    return Response(status_code=status.HTTP_204_NO_CONTENT)


@router.get("/organisations", response_model=list[OrgRead])
def list_organisations(db: DbSession, me: ApiPrincipal) -> list[OrgRead]:
    """Organisations on this instance (to name a partner when proposing an alliance)."""
    return [OrgRead.model_validate(o) for o in service.list_orgs(db)]


@router.get("/people", response_model=list[PersonRead])
def list_people(db: DbSession, me: ApiPrincipal) -> list[PersonRead]:
    """People of the caller's organisation (administrators)."""
    return [PersonRead.model_validate(p.as_dict()) for p in service.list_people(db, me)]


def _invitation(invitation: OrgInvitation) -> InvitationRead:
    read = InvitationRead.model_validate(invitation)
    read.status = invitations.status_of(invitation, utcnow())
    return read


@router.get("/people/invitations", response_model=list[InvitationRead])
def list_people_invitations(db: DbSession, me: ApiPrincipal) -> list[InvitationRead]:
    """Invitations to the caller's organisation not yet accepted (administrators)."""
    return [_invitation(i) for i in invitations.list_invitations(db, me)]


@router.post(
    "/people/invitations", response_model=InvitationRead, status_code=status.HTTP_202_ACCEPTED
)
def invite(
    body: InvitationCreate, db: DbSession, settings: SettingsDep, me: ApiPrincipal
) -> InvitationRead:
    """Invite an e-mail address to the caller's organisation (administrators). The answer
    is the same whether or not the address has an account: the person becomes a member
    only when they accept (ID-1)."""
    return _invitation(invitations.invite(db, settings, me, body))


@router.delete("/people/invitations/{invitation_id}", status_code=status.HTTP_204_NO_CONTENT)
def revoke_invitation(invitation_id: uuid.UUID, db: DbSession, me: ApiPrincipal) -> Response:
    """Withdraw an open invitation (administrators); its link stops working."""
    invitations.revoke(db, me, invitation_id)
    return Response(status_code=status.HTTP_204_NO_CONTENT)


@router.get("/people/{user_id}", response_model=PersonRead)
def get_person(
    user_id: uuid.UUID, db: DbSession, me: ApiPrincipal, response: Response
) -> PersonRead:
    """One person of the caller's organisation (administrators)."""
    person = service.get_person(db, me, user_id)
    response.headers["ETag"] = etag(person.version)
    return PersonRead.model_validate(person.as_dict())


@router.patch("/people/{user_id}", response_model=PersonRead)
def update_person(
    user_id: uuid.UUID,
    body: PersonUpdate,
    db: DbSession,
    me: ApiPrincipal,
    expected: IfMatch,
    response: Response,
) -> PersonRead:
    """Change a membership: job title, administrator, active (If-Match). Deactivating ends
    the person's sessions and tokens acting for this organisation only."""
    person = service.update_person(db, me, user_id, body, expected_version=expected)
    response.headers["ETag"] = etag(person.version)
    return PersonRead.model_validate(person.as_dict())


@router.get("/tokens", response_model=list[TokenRead], tags=["tokens"])
def list_tokens(db: DbSession, me: ApiPrincipal) -> list[TokenRead]:
    """The caller's own tokens for this organisation."""
    return [TokenRead.model_validate(t) for t in api_tokens.list_tokens(db, me)]


@router.post(
    "/tokens", response_model=TokenCreated, status_code=status.HTTP_201_CREATED, tags=["tokens"]
)
def create_token(
    body: TokenCreate, db: DbSession, settings: SettingsDep, me: ApiPrincipal
) -> TokenCreated:
    """Issue another personal token for the same organisation; the value is shown once."""
    user = db.get(User, me.user_id)
    assert user is not None
    assert me.org_id is not None
    raw, row = api_tokens.create_token(
        db, settings, user=user, org_id=me.org_id, name=body.name, days=body.days
    )
    return TokenCreated.model_validate({**TokenRead.model_validate(row).model_dump(), "token": raw})


@router.delete("/tokens/{token_id}", status_code=status.HTTP_204_NO_CONTENT, tags=["tokens"])
def revoke_token(token_id: uuid.UUID, db: DbSession, me: ApiPrincipal) -> Response:
    """Revoke one of the caller's own tokens."""
    api_tokens.revoke_token(db, me, token_id)
    return Response(status_code=status.HTTP_204_NO_CONTENT)
