"""JSON routes for the caller, organisations, people and API tokens."""

from __future__ import annotations

import uuid
from datetime import datetime

from fastapi import APIRouter, Response, status

from pactum.auth import service as auth_service
from pactum.core.schemas import Input, Output
from pactum.http.api_auth import ApiPrincipal, IfMatch, etag
from pactum.http.db import DbSession, SettingsDep
from pactum.models import User
from pactum.orgs import service
from pactum.orgs.schemas import MeRead, OrgRead, PersonCreate, PersonRead, PersonUpdate

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


@router.get("/me", response_model=MeRead)
def me_read(me: ApiPrincipal) -> MeRead:
    """Who the token belongs to and which organisation it acts for."""
    return MeRead(
        id=me.user_id,
        email=me.email,
        name=me.name,
        org_id=me.org_id,
        org_name=me.org_name,
        is_org_admin=me.is_org_admin,
        is_instance_admin=me.is_instance_admin,
    )


@router.get("/organisations", response_model=list[OrgRead])
def list_organisations(db: DbSession, me: ApiPrincipal) -> list[OrgRead]:
    """Organisations on this instance (to name a partner when proposing an alliance)."""
    return [OrgRead.model_validate(o) for o in service.list_orgs(db)]


@router.get("/people", response_model=list[PersonRead])
def list_people(db: DbSession, me: ApiPrincipal) -> list[PersonRead]:
    """People of the caller's organisation (administrators)."""
    return [PersonRead.model_validate(p.as_dict()) for p in service.list_people(db, me)]


@router.post("/people", response_model=PersonRead, status_code=status.HTTP_201_CREATED)
def add_person(
    body: PersonCreate, db: DbSession, me: ApiPrincipal, response: Response
) -> PersonRead:
    """Add a person to the caller's organisation (administrators)."""
    person = service.add_person(db, me, body)
    response.headers["ETag"] = etag(person.version)
    return PersonRead.model_validate(person.as_dict())


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
    """Edit or deactivate a person (If-Match); deactivation ends sessions and tokens."""
    person = service.update_person(db, me, user_id, body, expected_version=expected)
    response.headers["ETag"] = etag(person.version)
    return PersonRead.model_validate(person.as_dict())


@router.get("/tokens", response_model=list[TokenRead], tags=["tokens"])
def list_tokens(db: DbSession, me: ApiPrincipal) -> list[TokenRead]:
    """The caller's own tokens for this organisation."""
    return [TokenRead.model_validate(t) for t in auth_service.list_tokens(db, me)]


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
    raw, row = auth_service.create_token(
        db, settings, user=user, org_id=me.org_id, name=body.name, days=body.days
    )
    return TokenCreated.model_validate({**TokenRead.model_validate(row).model_dump(), "token": raw})


@router.delete("/tokens/{token_id}", status_code=status.HTTP_204_NO_CONTENT, tags=["tokens"])
def revoke_token(token_id: uuid.UUID, db: DbSession, me: ApiPrincipal) -> Response:
    """Revoke one of the caller's own tokens."""
    auth_service.revoke_token(db, me, token_id)
    return Response(status_code=status.HTTP_204_NO_CONTENT)
