"""Personal API tokens: issued once (only a hash kept), scoped to one organisation,
revocable by their owner."""

from __future__ import annotations

import uuid
from datetime import timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from pactum.access import Principal
from pactum.audit.service import SYSTEM_CHAIN, Actor, org_chain, record
from pactum.auth.secrets import new_token, token_hash
from pactum.auth.service import LAST_SEEN_GRANULARITY, active_memberships, principal_for
from pactum.core.errors import NotFound, ValidationFailed
from pactum.core.text import text_problem
from pactum.core.time import utcnow
from pactum.models import ApiToken, User
from pactum.settings import Settings

TOKEN_PREFIX = "pct_"  # noqa: S105  (a public prefix, not a secret)


def create_token(
    session: Session,
    settings: Settings,
    *,
    user: User,
    org_id: uuid.UUID,
    name: str,
    days: int | None = None,
) -> tuple[str, ApiToken]:
    """Issue a personal token scoped to one organisation; the raw value is shown once."""
    name = name.strip()
    if not name or len(name) > 100:
        raise ValidationFailed("name", "must be 1 to 100 characters")
    problem = text_problem(name)
    if problem is not None:
        raise ValidationFailed("name", problem)
    if days is not None and not 1 <= days <= 3650:
        raise ValidationFailed("days", "must be between 1 and 3650")
    if not any(m.org_id == org_id for m in active_memberships(session, user.id)):
        raise ValidationFailed("org", "the user is not an active member of that organisation")
    raw = new_token(TOKEN_PREFIX)
    row = ApiToken(
        token_hash=token_hash(settings.secret_key, raw),
        prefix=raw[:10],
        name=name,
        user_id=user.id,
        org_id=org_id,
        expires_at=utcnow() + timedelta(days=days) if days else None,
    )
    session.add(row)
    session.flush()
    record(
        session,
        actor=Actor(user.id, org_id, user.name),
        action="token.create",
        object_type="api_token",
        object_id=row.id,
        chain=org_chain(org_id),
        new={"name": name, "prefix": row.prefix, "expires_at": row.expires_at},
    )
    return raw, row


def resolve_token(session: Session, settings: Settings, raw: str) -> Principal | None:
    """The principal behind a bearer token, or ``None`` if unknown, revoked or expired."""
    if not raw.startswith(TOKEN_PREFIX) or len(raw) > 200:
        return None
    row = session.execute(
        select(ApiToken).where(ApiToken.token_hash == token_hash(settings.secret_key, raw))
    ).scalar_one_or_none()
    now = utcnow()
    if row is None or row.revoked_at is not None:
        return None
    if row.expires_at is not None and row.expires_at <= now:
        return None
    user = session.get(User, row.user_id)
    if user is None or not user.active:
        return None
    membership = next(
        (m for m in active_memberships(session, user.id) if m.org_id == row.org_id), None
    )
    if membership is None:
        return None
    if row.last_used_at is None or now - row.last_used_at > LAST_SEEN_GRANULARITY:
        row.last_used_at = now
    return principal_for(user, membership)


def list_tokens(session: Session, principal: Principal) -> list[ApiToken]:
    """The caller's own tokens for the organisation they act for."""
    return list(
        session.execute(
            select(ApiToken)
            .where(ApiToken.user_id == principal.user_id, ApiToken.org_id == principal.org_id)
            .order_by(ApiToken.created_at.desc())
        ).scalars()
    )


def revoke_token(session: Session, principal: Principal, token_id: uuid.UUID) -> ApiToken:
    """Revoke one of the caller's own tokens (404 for anyone else's); revoking it again
    changes nothing (its row is locked first, so two at once record one revocation)."""
    row = session.execute(
        select(ApiToken)
        .where(
            ApiToken.id == token_id,
            ApiToken.user_id == principal.user_id,
            ApiToken.org_id == principal.org_id,
        )
        .with_for_update()
        .execution_options(populate_existing=True)
    ).scalar_one_or_none()
    if row is None:
        raise NotFound()
    if row.revoked_at is None:
        row.revoked_at = utcnow()
        record(
            session,
            actor=principal.actor,
            action="token.revoke",
            object_type="api_token",
            object_id=row.id,
            chain=org_chain(principal.org_id) if principal.org_id else SYSTEM_CHAIN,
        )
    return row
