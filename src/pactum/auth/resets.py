"""Choosing a new password through a single-use e-mailed link (a password is its owner's
alone: nobody else can set it, ID-1).

Asking for a link answers the same whether or not the address has an account. The link
expires after an hour and works once (a compare-and-set on ``used_at``); when the
account has a second factor, its code is asked too, so a mailbox alone is not enough.
Choosing the new password ends every session of the account.
"""

from __future__ import annotations

import secrets
import uuid
from datetime import datetime, timedelta

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from pactum.audit.service import SYSTEM_CHAIN, Actor, org_chain, record
from pactum.auth import passwords, throttle
from pactum.auth.secrets import derived_token, token_hash
from pactum.auth.service import (
    active_memberships,
    consume_totp,
    end_sessions_and_tokens,
    find_user,
    normalise_email,
)
from pactum.core.errors import Conflict, ValidationFailed
from pactum.core.time import utcnow
from pactum.models import PasswordReset, User
from pactum.settings import Settings

LIFETIME = timedelta(hours=1)
KIND = "password-reset"
# Requests count against their own throttle, so asking for links cannot lock anyone out
# of signing in.
THROTTLE_CLIENT = "password-reset"


def link_token(settings: Settings, reset: PasswordReset) -> str:
    """The secret token of a reset link (derived, never stored)."""
    return derived_token(settings.secret_key, KIND, reset.id, reset.nonce)


def link(settings: Settings, reset: PasswordReset) -> str:
    """The address of a reset link (for the e-mail)."""
    return f"{settings.base_url}/password/reset?token={link_token(settings, reset)}"


def _audit(session: Session, user: User, action: str) -> None:
    org_ids: list[uuid.UUID | None] = [m.org_id for m in active_memberships(session, user.id)]
    for org_id in org_ids or [None]:
        record(
            session,
            actor=Actor(user.id, org_id, user.name),
            action=action,
            object_type="user",
            object_id=user.id,
            chain=org_chain(org_id) if org_id else SYSTEM_CHAIN,
        )


def request_reset(session: Session, settings: Settings, email: str, *, client: str) -> None:
    """Store a reset link for the account with this address, if there is one (the caller
    answers the same either way). Throttled per address and client like sign-ins."""
    email = normalise_email(email)[:320]
    throttle.check(session, settings, f"reset:{email}", client)
    throttle.fail(session, settings, f"reset:{email}", client)  # every request counts
    user = find_user(session, email)
    if user is None or not user.active:
        return
    reset = PasswordReset(
        id=uuid.uuid4(),
        user_id=user.id,
        nonce=secrets.token_hex(16),
        created_at=utcnow(),
        expires_at=utcnow() + LIFETIME,
    )
    reset.token_hash = token_hash(settings.secret_key, link_token(settings, reset))
    session.add(reset)
    session.flush()
    _audit(session, user, "auth.password_reset_requested")


def is_open(reset: PasswordReset, now: datetime) -> bool:
    """Whether a reset link can still be used."""
    return reset.used_at is None and reset.expires_at > now


def by_token(session: Session, settings: Settings, token: str) -> PasswordReset | None:
    """The open reset a link's token names, or ``None``."""
    if not token or len(token) > 100:
        return None
    reset = session.execute(
        select(PasswordReset).where(
            PasswordReset.token_hash == token_hash(settings.secret_key, token)
        )
    ).scalar_one_or_none()
    return reset if reset is not None and is_open(reset, utcnow()) else None


def needs_code(session: Session, reset: PasswordReset) -> bool:
    """Whether the account has a second factor (its code is asked with the new password)."""
    user = session.get(User, reset.user_id)
    return bool(user and user.totp_enabled)


def complete_reset(
    session: Session, settings: Settings, reset: PasswordReset, *, new: str, code: str
) -> User:
    """Set the new password with the link, once; every session of the account ends."""
    user = session.get(User, reset.user_id)
    if user is None or not user.active:
        raise Conflict("token: this link cannot be used")
    passwords.check_policy(new, field="new_password", email=user.email)
    if user.totp_enabled and not consume_totp(session, user, code):
        raise ValidationFailed("code", "is not right or was already used")
    result = session.execute(
        update(PasswordReset)
        .where(
            PasswordReset.id == reset.id,
            PasswordReset.used_at.is_(None),
            PasswordReset.expires_at > utcnow(),
        )
        .values(used_at=utcnow(), email_pending=False)
        .execution_options(synchronize_session=False)
    )
    if getattr(result, "rowcount", 0) != 1:
        raise Conflict("token: this link was already used or has expired")
    user.password_hash = passwords.hash_password(new)
    end_sessions_and_tokens(session, user.id, sessions_only=True)
    _audit(session, user, "auth.password_reset")
    return user


def claim_email(session: Session, reset_id: uuid.UUID) -> bool:
    """Claim a reset e-mail for sending (compare-and-set)."""
    result = session.execute(
        update(PasswordReset)
        .where(
            PasswordReset.id == reset_id,
            PasswordReset.email_pending.is_(True),
            PasswordReset.used_at.is_(None),
        )
        .values(email_pending=False, emailed_at=utcnow())
        .execution_options(synchronize_session=False)
    )
    return getattr(result, "rowcount", 0) == 1
