"""Sign-in, sessions, API tokens and second factor: the rules, without HTTP."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import select, update
from sqlalchemy.orm import Session, joinedload

from pactum.access import Principal
from pactum.audit.service import SYSTEM_CHAIN, Actor, org_chain, record
from pactum.auth import passwords, throttle, totp
from pactum.auth.secrets import new_token, token_hash
from pactum.core.errors import Conflict, ValidationFailed
from pactum.core.time import utcnow
from pactum.models import ApiToken, Organisation, OrgMembership, User, WebSession
from pactum.settings import Settings

LAST_SEEN_GRANULARITY = timedelta(seconds=60)


@dataclass(frozen=True)
class LoginOutcome:
    """Result of a password check: the user on success, otherwise a message."""

    user: User | None
    error: str = ""


@dataclass(frozen=True)
class SessionInfo:
    """A live web session with its user and the principal it acts as."""

    web_session: WebSession
    user: User
    principal: Principal
    memberships: list[OrgMembership]


def normalise_email(email: str) -> str:
    """E-mail addresses are compared in lower case without surrounding spaces."""
    return email.strip().lower()


def find_user(session: Session, email: str) -> User | None:
    """The user with this e-mail (case-insensitive), if any."""
    return session.execute(
        select(User).where(User.email == normalise_email(email))
    ).scalar_one_or_none()


def active_memberships(session: Session, user_id: uuid.UUID) -> list[OrgMembership]:
    """The user's active organisation memberships, oldest first, with organisations."""
    return list(
        session.execute(
            select(OrgMembership)
            .join(Organisation, Organisation.id == OrgMembership.org_id)
            .where(
                OrgMembership.user_id == user_id,
                OrgMembership.active.is_(True),
                Organisation.active.is_(True),
            )
            .options(joinedload(OrgMembership.org))
            .order_by(OrgMembership.created_at)
        ).scalars()
    )


def principal_for(user: User, membership: OrgMembership | None) -> Principal:
    """The principal of a user acting for one organisation (or none)."""
    return Principal(
        user_id=user.id,
        org_id=membership.org_id if membership else None,
        name=user.name,
        email=user.email,
        is_instance_admin=user.is_instance_admin,
        is_org_admin=bool(membership and membership.is_admin),
        org_name=membership.org.name if membership else "",
    )


def _audit_chain(membership: OrgMembership | None) -> str:
    return org_chain(membership.org_id) if membership else SYSTEM_CHAIN


def check_password(
    session: Session, settings: Settings, *, email: str, password: str, client: str
) -> LoginOutcome:
    """Check e-mail and password under throttling; failures are counted and audited.

    Raises 429 while throttled. Never says whether the account exists.
    """
    email = normalise_email(email)[:320]
    generic = "E-mail or password is not correct."
    if "\x00" in email or "\x00" in password:
        return LoginOutcome(None, generic)
    throttle.check(session, settings, email, client)
    user = find_user(session, email)
    if user is None:
        passwords.burn_time(password)
        ok = False
    else:
        ok = passwords.verify_password(user.password_hash, password)
    memberships = active_memberships(session, user.id) if user is not None else []
    if not ok or user is None or not user.active or not (memberships or user.is_instance_admin):
        throttle.fail(session, settings, email, client)
        record(
            session,
            actor=Actor.system("sign-in"),
            action="auth.login_failed",
            object_type="user",
            object_id=user.id if user else "unknown",
            chain=_audit_chain(memberships[0] if memberships else None),
            new={"email": email, "client": client},
        )
        return LoginOutcome(None, generic)
    throttle.succeed(session, settings, email, client)
    return LoginOutcome(user)


def start_session(
    session: Session, settings: Settings, user: User, *, client: str
) -> tuple[str, WebSession]:
    """Create a fresh session (new token: rotation at login); second factor may be pending."""
    memberships = active_memberships(session, user.id)
    membership = memberships[0] if memberships else None
    token = new_token()
    web = WebSession(
        token_hash=token_hash(settings.secret_key, token),
        user_id=user.id,
        org_id=membership.org_id if membership else None,
        csrf_token=new_token(),
        mfa_pending=user.totp_enabled,
    )
    session.add(web)
    session.flush()
    record(
        session,
        actor=principal_for(user, membership).actor,
        action="auth.login" if not user.totp_enabled else "auth.password_ok",
        object_type="session",
        object_id=web.id,
        chain=_audit_chain(membership),
        new={"client": client},
    )
    return token, web


def complete_second_factor(
    session: Session, settings: Settings, info: SessionInfo, code: str, *, client: str = ""
) -> tuple[str, WebSession] | None:
    """Check a TOTP code (throttled like passwords); on success start a full session."""
    user = info.user
    if not user.totp_secret:
        return None
    key = f"totp:{user.id}"
    throttle.check(session, settings, key, client)
    if not consume_totp(session, user, code):
        throttle.fail(session, settings, key, client)
        record(
            session,
            actor=info.principal.actor,
            action="auth.totp_failed",
            object_type="user",
            object_id=user.id,
            chain=_audit_chain(info.memberships[0] if info.memberships else None),
        )
        return None
    throttle.succeed(session, settings, key, client)
    if not _revoke_pending(session, info.web_session):
        return None  # a concurrent request completed this half-open session first
    info.web_session.revoked_at = utcnow()
    token = new_token()
    web = WebSession(
        token_hash=token_hash(settings.secret_key, token),
        user_id=user.id,
        org_id=info.web_session.org_id,
        csrf_token=new_token(),
        mfa_pending=False,
    )
    session.add(web)
    session.flush()
    record(
        session,
        actor=info.principal.actor,
        action="auth.login",
        object_type="session",
        object_id=web.id,
        chain=_audit_chain(info.memberships[0] if info.memberships else None),
        new={"second_factor": "totp"},
    )
    return token, web


def _revoke_pending(session: Session, web: WebSession) -> bool:
    """End a half-open (second factor pending) session once: compare-and-set."""
    result = session.execute(
        update(WebSession)
        .where(WebSession.id == web.id, WebSession.revoked_at.is_(None))
        .values(revoked_at=utcnow())
        .execution_options(synchronize_session=False)
    )
    return getattr(result, "rowcount", 0) == 1


def _expired(settings: Settings, web: WebSession, now: datetime) -> bool:
    idle = timedelta(minutes=settings.session_idle_minutes)
    absolute = timedelta(hours=settings.session_absolute_hours)
    return now - web.last_seen_at > idle or now - web.created_at > absolute


def resolve_session(session: Session, settings: Settings, token: str) -> SessionInfo | None:
    """The live session for a cookie token, or ``None`` (expired, revoked, deactivated)."""
    if not token or len(token) > 200:
        return None
    web = session.execute(
        select(WebSession).where(WebSession.token_hash == token_hash(settings.secret_key, token))
    ).scalar_one_or_none()
    now = utcnow()
    if web is None or web.revoked_at is not None:
        return None
    if _expired(settings, web, now):
        web.revoked_at = now
        return None
    user = session.get(User, web.user_id)
    if user is None or not user.active:
        return None
    memberships = active_memberships(session, user.id)
    membership = next((m for m in memberships if m.org_id == web.org_id), None)
    if membership is None and memberships:
        membership = memberships[0]
        web.org_id = membership.org_id
    if membership is None and not user.is_instance_admin:
        return None
    if now - web.last_seen_at > LAST_SEEN_GRANULARITY:
        web.last_seen_at = now
    return SessionInfo(web, user, principal_for(user, membership), memberships)


def end_session(session: Session, info: SessionInfo) -> None:
    """Sign out: revoke this session."""
    info.web_session.revoked_at = utcnow()
    record(
        session,
        actor=info.principal.actor,
        action="auth.logout",
        object_type="session",
        object_id=info.web_session.id,
        chain=_audit_chain(info.memberships[0] if info.memberships else None),
    )


def end_sessions_and_tokens(
    session: Session,
    user_id: uuid.UUID,
    *,
    org_id: uuid.UUID | None = None,
    sessions_only: bool = False,
) -> None:
    """Revoke a person's web sessions and API tokens acting for one organisation (ID-2: a
    membership ended there ends nothing elsewhere), or all of them without ``org_id``
    (only the web sessions with ``sessions_only``)."""
    now = utcnow()
    sessions = update(WebSession).where(
        WebSession.user_id == user_id, WebSession.revoked_at.is_(None)
    )
    tokens = update(ApiToken).where(ApiToken.user_id == user_id, ApiToken.revoked_at.is_(None))
    if org_id is not None:
        sessions = sessions.where(WebSession.org_id == org_id)
        tokens = tokens.where(ApiToken.org_id == org_id)
    session.execute(sessions.values(revoked_at=now).execution_options(synchronize_session=False))
    if not sessions_only:
        session.execute(tokens.values(revoked_at=now).execution_options(synchronize_session=False))


def consume_totp(session: Session, user: User, code: str) -> bool:
    """Check a TOTP code and use it up atomically: the step is stored with a
    compare-and-set (``totp_last_step`` below it), so one code signs in once even when
    sent by several requests at the same moment (CONC-1)."""
    if not user.totp_secret:
        return False
    step = totp.matching_step(user.totp_secret, code)
    if step is None:
        return False
    result = session.execute(
        update(User)
        .where(
            User.id == user.id,
            User.totp_secret == user.totp_secret,
            (User.totp_last_step.is_(None)) | (User.totp_last_step < step),
        )
        .values(totp_last_step=step)
        .execution_options(synchronize_session=False)
    )
    if getattr(result, "rowcount", 0) != 1:
        return False
    user.totp_last_step = step
    return True


def switch_org(session: Session, info: SessionInfo, org_id: uuid.UUID) -> None:
    """Act for another organisation the user is an active member of (read afresh, so a
    membership just accepted counts)."""
    membership = next(
        (m for m in active_memberships(session, info.user.id) if m.org_id == org_id), None
    )
    if membership is None:
        raise ValidationFailed("org_id", "you are not an active member of that organisation")
    info.web_session.org_id = org_id
    record(
        session,
        actor=principal_for(info.user, membership).actor,
        action="auth.switch_org",
        object_type="session",
        object_id=info.web_session.id,
        chain=org_chain(org_id),
    )


# --- Second factor enrolment --------------------------------------------------------------


def begin_totp(session: Session, user: User) -> str:
    """Generate (or keep) an unconfirmed TOTP secret for the user and return it."""
    if user.totp_enabled:
        raise ValidationFailed("totp", "a second factor is already set up")
    if not user.totp_secret:
        user.totp_secret = totp.new_secret()
        session.flush()
    return user.totp_secret


def confirm_totp(session: Session, principal: Principal, user: User, code: str) -> None:
    """Turn the second factor on once the user proves their app shows the right code."""
    if not user.totp_secret or user.totp_enabled:
        raise ValidationFailed("code", "start the set-up first")
    if not consume_totp(session, user, code):
        raise ValidationFailed("code", "does not match the code your app shows; try again")
    user.totp_enabled = True
    record(
        session,
        actor=principal.actor,
        action="auth.totp_enabled",
        object_type="user",
        object_id=user.id,
        chain=org_chain(principal.org_id) if principal.org_id else SYSTEM_CHAIN,
    )


def disable_totp(session: Session, principal: Principal, user: User, password: str) -> None:
    """Turn the second factor off after re-checking the password (unless required)."""
    if not passwords.verify_password(user.password_hash, password):
        raise ValidationFailed("password", "is not correct")
    org = session.get(Organisation, principal.org_id) if principal.org_id else None
    if org is not None and org.require_totp:
        raise Conflict(f"totp: {org.name} requires a second factor; it cannot be turned off")
    user.totp_enabled = False
    user.totp_secret = None
    user.totp_last_step = None
    record(
        session,
        actor=principal.actor,
        action="auth.totp_disabled",
        object_type="user",
        object_id=user.id,
        chain=org_chain(principal.org_id) if principal.org_id else SYSTEM_CHAIN,
    )


def change_password(
    session: Session,
    principal: Principal,
    user: User,
    current: str,
    new: str,
    *,
    keep_session_id: uuid.UUID | None = None,
) -> None:
    """Change one's own password (current one re-checked) and end one's other sessions."""
    if not passwords.verify_password(user.password_hash, current):
        raise ValidationFailed("current_password", "is not correct")
    passwords.check_policy(new, field="new_password", email=user.email)
    user.password_hash = passwords.hash_password(new)
    others = update(WebSession).where(
        WebSession.user_id == user.id, WebSession.revoked_at.is_(None)
    )
    if keep_session_id is not None:
        others = others.where(WebSession.id != keep_session_id)
    session.execute(others.values(revoked_at=utcnow()))
    record(
        session,
        actor=principal.actor,
        action="auth.password_changed",
        object_type="user",
        object_id=user.id,
        chain=org_chain(principal.org_id) if principal.org_id else SYSTEM_CHAIN,
    )
