"""Who is calling the JSON API: personal bearer tokens only (API-1)."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Header
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer

from pactum.access import Principal
from pactum.auth.tokens import resolve_token
from pactum.core.errors import PreconditionFailed, PreconditionRequired, Unauthenticated
from pactum.http.db import DbSession, SettingsDep

bearer = HTTPBearer(auto_error=False, description="A personal API token (pct_...).")


def api_principal(
    db: DbSession,
    settings: SettingsDep,
    credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(bearer)],
) -> Principal:
    """The principal behind the bearer token, or 401."""
    if credentials is None or credentials.scheme.lower() != "bearer":
        raise Unauthenticated("A bearer token is required (Authorization: Bearer pct_...).")
    principal = resolve_token(db, settings, credentials.credentials)
    if principal is None:
        raise Unauthenticated("The token is unknown, revoked or expired.")
    return principal


ApiPrincipal = Annotated[Principal, Depends(api_principal)]


def parse_if_match(value: str | None) -> int | None:
    """The version an ``If-Match`` header names (``"3"`` or ``W/"3"``; ``*`` = any)."""
    if value is None:
        raise PreconditionRequired(
            'If-Match is required: send the ETag you read, e.g. If-Match: "3".'
        )
    value = value.strip()
    if value == "*":
        return None
    if value.startswith("W/"):
        value = value[2:]
    value = value.strip('"')
    if not value.isdecimal() or len(value) > 12:
        raise PreconditionFailed("If-Match: not an ETag issued by this server.")
    return int(value)


def if_match(
    if_match: Annotated[
        str | None, Header(description='ETag of the version you read, e.g. "3"')
    ] = None,
) -> int | None:
    """Dependency: the expected version from ``If-Match`` (DATA-1)."""
    return parse_if_match(if_match)


IfMatch = Annotated[int | None, Depends(if_match)]


def etag(version: int) -> str:
    """The ETag of a record version."""
    return f'"{version}"'
