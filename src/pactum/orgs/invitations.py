"""Invitations to join an organisation (ID-1): a person joins only by accepting.

An organisation's administrator invites an e-mail address. Nothing about any account
with that address is looked at or revealed: the answer, the stored row and the e-mail are
the same whether the address is new to Pactum or not. The person then accepts or declines
in the app (signed in as the account with that address) or through the single-use link
the e-mail carries, which expires after ``PACTUM_INVITATION_DAYS``. Accepting with the
link either signs in to the existing account (password, and the second factor when it is
on) or creates a new account whose name and password the person chooses. Until then the
person is not a member.

Answering is a compare-and-set on the pending row (``UPDATE ... WHERE status='pending'``),
so the link works once even when it is sent twice at the same moment.
"""

from __future__ import annotations

import secrets
import uuid
from datetime import datetime, timedelta

from sqlalchemy import select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, joinedload

from pactum.access import Principal
from pactum.audit.service import SCHEDULER, Actor, org_chain, record
from pactum.auth.secrets import derived_token, token_hash
from pactum.auth.service import normalise_email
from pactum.core.errors import Conflict, Forbidden, NotFound
from pactum.core.time import utcnow
from pactum.models import Organisation, OrgInvitation, OrgMembership, User
from pactum.orgs.schemas import InvitationCreate
from pactum.settings import Settings


def _require_org_admin(principal: Principal) -> uuid.UUID:
    if principal.org_id is None or not principal.is_org_admin:
        raise Forbidden("Only your organisation's administrators may manage people.")
    return principal.org_id


def link_token(settings: Settings, invitation: OrgInvitation) -> str:
    """The secret token of an invitation's link (derived, never stored)."""
    return derived_token(settings.secret_key, "org-invitation", invitation.id, invitation.nonce)


def link(settings: Settings, invitation: OrgInvitation) -> str:
    """The address of an invitation's single-use link (for the e-mail)."""
    return f"{settings.base_url}/join?token={link_token(settings, invitation)}"


def is_open(invitation: OrgInvitation, now: datetime) -> bool:
    """Whether the invitation can still be answered: pending and not expired."""
    return invitation.status == "pending" and invitation.expires_at > now


def status_of(invitation: OrgInvitation, now: datetime) -> str:
    """The status as of ``now`` (a pending invitation past its expiry reads as expired,
    whether or not the scheduler has recorded it yet)."""
    if invitation.status == "pending" and invitation.expires_at <= now:
        return "expired"
    return invitation.status


def _audit(
    session: Session,
    actor: Actor,
    invitation: OrgInvitation,
    action: str,
    new: dict[str, object],
    old: dict[str, object] | None = None,
) -> None:
    record(
        session,
        actor=actor,
        action=action,
        object_type="org_invitation",
        object_id=invitation.id,
        chain=org_chain(invitation.org_id),
        old=old,
        new=new,
    )


def _close_expired(session: Session, org_id: uuid.UUID, email: str, now: datetime) -> None:
    """Record the expiry of an expired pending invitation to this address (so a new one
    can be sent), as the scheduler would have."""
    stale = session.execute(
        select(OrgInvitation)
        .where(
            OrgInvitation.org_id == org_id,
            OrgInvitation.open_email == email,
            OrgInvitation.status == "pending",
            OrgInvitation.expires_at <= now,
        )
        .with_for_update()
    ).scalar_one_or_none()
    if stale is not None:
        expire(session, stale)


def invite(
    session: Session, settings: Settings, principal: Principal, data: InvitationCreate
) -> OrgInvitation:
    """Invite an e-mail address to the caller's organisation (administrators).

    Refused only for what the organisation already knows: the address is one of its own
    members (active or not), or already has an open invitation.
    """
    org_id = _require_org_admin(principal)
    return create_invitation(
        session,
        settings,
        org_id=org_id,
        actor=principal.actor,
        data=data,
        invited_by_id=principal.user_id,
    )


def create_invitation(
    session: Session,
    settings: Settings,
    *,
    org_id: uuid.UUID,
    actor: Actor,
    data: InvitationCreate,
    invited_by_id: uuid.UUID | None = None,
) -> OrgInvitation:
    """Store an invitation (administrators, instance administrators and the command line)."""
    email = normalise_email(str(data.email))
    now = utcnow()
    member = session.execute(
        select(OrgMembership.id)
        .join(User, User.id == OrgMembership.user_id)
        .where(OrgMembership.org_id == org_id, User.email == email)
    ).first()
    if member is not None:
        raise Conflict(
            f"email: {email} is already a member of your organisation "
            "(reactivate them on the people page if they were deactivated)"
        )
    _close_expired(session, org_id, email, now)
    invitation = OrgInvitation(
        id=uuid.uuid4(),
        org_id=org_id,
        email=email,
        open_email=email,
        title=data.title,
        is_admin=data.is_admin,
        invited_by_id=invited_by_id,
        invited_by_name=actor.name,
        nonce=secrets.token_hex(16),
        status="pending",
        created_at=now,
        expires_at=now + timedelta(days=settings.invitation_days),
        email_pending=True,
    )
    invitation.token_hash = token_hash(settings.secret_key, link_token(settings, invitation))
    try:
        with session.begin_nested():
            session.add(invitation)
            session.flush()
    except IntegrityError as exc:
        raise Conflict(f"email: {email} already has an open invitation") from exc
    _audit(
        session,
        actor,
        invitation,
        "invitation.create",
        {
            "email": email,
            "title": data.title,
            "is_admin": data.is_admin,
            "expires_at": invitation.expires_at,
        },
    )
    return invitation


def list_invitations(session: Session, principal: Principal) -> list[OrgInvitation]:
    """The organisation's invitations not yet accepted (administrators), newest first."""
    org_id = _require_org_admin(principal)
    return list(
        session.execute(
            select(OrgInvitation)
            .where(
                OrgInvitation.org_id == org_id,
                OrgInvitation.status.in_(("pending", "expired", "declined")),
            )
            .order_by(OrgInvitation.created_at.desc(), OrgInvitation.id)
            .limit(200)
        ).scalars()
    )


def get_invitation(
    session: Session, principal: Principal, invitation_id: uuid.UUID
) -> OrgInvitation:
    """One invitation of the caller's organisation (administrators; 404 outside it)."""
    found = None
    if principal.org_id is not None:
        found = session.execute(
            select(OrgInvitation).where(
                OrgInvitation.id == invitation_id, OrgInvitation.org_id == principal.org_id
            )
        ).scalar_one_or_none()
    if found is None:
        raise NotFound()
    _require_org_admin(principal)
    return found


def answer(
    session: Session, invitation: OrgInvitation, status: str, *, user_id: uuid.UUID | None
) -> bool:
    """Compare-and-set a pending, unexpired invitation to ``status``; ``False`` when it was
    answered, revoked or expired meanwhile (the winner of a race is the only one)."""
    now = utcnow()
    result = session.execute(
        update(OrgInvitation)
        .where(
            OrgInvitation.id == invitation.id,
            OrgInvitation.status == "pending",
            OrgInvitation.expires_at > now,
        )
        .values(
            status=status,
            open_email=None,
            answered_at=now,
            user_id=user_id,
            email_pending=False,
            version=OrgInvitation.version + 1,
        )
        .execution_options(synchronize_session=False)
    )
    if getattr(result, "rowcount", 0) != 1:
        return False
    session.refresh(invitation)
    return True


def revoke(session: Session, principal: Principal, invitation_id: uuid.UUID) -> OrgInvitation:
    """Withdraw an open invitation (administrators); its link stops working."""
    invitation = get_invitation(session, principal, invitation_id)
    if not answer(session, invitation, "revoked", user_id=None):
        raise Conflict("status: the invitation is no longer open")
    _audit(session, principal.actor, invitation, "invitation.revoke", {"status": "revoked"})
    return invitation


def expire(session: Session, invitation: OrgInvitation, *, actor: Actor = SCHEDULER) -> bool:
    """Record that a pending invitation expired (the scheduler, when due): the system is
    the actor and the expiry time the effective time."""
    result = session.execute(
        update(OrgInvitation)
        .where(
            OrgInvitation.id == invitation.id,
            OrgInvitation.status == "pending",
            OrgInvitation.expires_at <= utcnow(),
        )
        .values(
            status="expired",
            open_email=None,
            email_pending=False,
            version=OrgInvitation.version + 1,
        )
        .execution_options(synchronize_session=False)
    )
    if getattr(result, "rowcount", 0) != 1:
        return False
    session.refresh(invitation)
    _audit(
        session,
        actor,
        invitation,
        "invitation.expire",
        {"status": "expired", "effective_at": invitation.expires_at},
        old={"status": "pending"},
    )
    return True


def expire_due(session: Session) -> int:
    """Expire every pending invitation past its expiry (the scheduler's job)."""
    due = list(
        session.execute(
            select(OrgInvitation)
            .where(OrgInvitation.status == "pending", OrgInvitation.expires_at <= utcnow())
            .order_by(OrgInvitation.expires_at, OrgInvitation.id)
            .limit(500)
        ).scalars()
    )
    return sum(expire(session, invitation) for invitation in due)


# --- the invited person ---------------------------------------------------------------------


def for_person(session: Session, user: User) -> list[OrgInvitation]:
    """Open invitations addressed to a person's e-mail address, with their organisations."""
    return list(
        session.execute(
            select(OrgInvitation)
            .where(
                OrgInvitation.email == user.email,
                OrgInvitation.status == "pending",
                OrgInvitation.expires_at > utcnow(),
            )
            .options(joinedload(OrgInvitation.org))
            .order_by(OrgInvitation.created_at)
        ).scalars()
    )


def _mine(session: Session, user: User, invitation_id: uuid.UUID) -> OrgInvitation:
    found = session.execute(
        select(OrgInvitation).where(
            OrgInvitation.id == invitation_id, OrgInvitation.email == user.email
        )
    ).scalar_one_or_none()
    if found is None:
        raise NotFound()
    return found


def by_token(session: Session, settings: Settings, token: str) -> OrgInvitation | None:
    """The invitation a link's token names (any status), or ``None``."""
    if not token or len(token) > 100:
        return None
    return session.execute(
        select(OrgInvitation)
        .where(OrgInvitation.token_hash == token_hash(settings.secret_key, token))
        .options(joinedload(OrgInvitation.org))
    ).scalar_one_or_none()


def join(session: Session, invitation: OrgInvitation, user: User) -> OrgMembership:
    """Make the person a member as the invitation says (after the compare-and-set)."""
    org = session.get(Organisation, invitation.org_id)
    if org is None or not org.active:
        raise Conflict("org: the organisation no longer accepts members")
    membership = OrgMembership(
        org_id=invitation.org_id,
        user_id=user.id,
        is_admin=invitation.is_admin,
        title=invitation.title,
    )
    try:
        with session.begin_nested():
            session.add(membership)
            session.flush()
    except IntegrityError as exc:
        raise Conflict(f"email: you are already a member of {org.name}") from exc
    actor = Actor(user.id, invitation.org_id, user.name)
    _audit(session, actor, invitation, "invitation.accept", {"status": "accepted"})
    record(
        session,
        actor=actor,
        action="person.join",
        object_type="user",
        object_id=user.id,
        chain=org_chain(invitation.org_id),
        new={
            "email": user.email,
            "name": user.name,
            "title": membership.title,
            "is_admin": membership.is_admin,
        },
    )
    return membership


def closed() -> Conflict:
    return Conflict("invitation: this invitation was already answered, withdrawn or has expired")


def accept(session: Session, user: User, invitation: OrgInvitation) -> OrgMembership:
    """Accept an open invitation addressed to ``user``'s e-mail address."""
    if invitation.email != user.email:
        raise NotFound()
    if not answer(session, invitation, "accepted", user_id=user.id):
        raise closed()
    return join(session, invitation, user)


def accept_mine(session: Session, user: User, invitation_id: uuid.UUID) -> OrgMembership:
    """Accept, in the app, an invitation addressed to the signed-in person."""
    return accept(session, user, _mine(session, user, invitation_id))


def decline(session: Session, invitation: OrgInvitation, *, actor: Actor) -> None:
    """Decline an open invitation (the organisation sees that it was declined)."""
    if not answer(session, invitation, "declined", user_id=None):
        raise closed()
    _audit(session, actor, invitation, "invitation.decline", {"status": "declined"})


def invitee_actor(invitation: OrgInvitation) -> Actor:
    """Who declines, as the inviting organisation records it: the invited address only
    (a person who does not join reveals nothing of their account, not even its name)."""
    return Actor(None, None, invitation.email)


def decline_mine(session: Session, user: User, invitation_id: uuid.UUID) -> None:
    """Decline, in the app, an invitation addressed to the signed-in person."""
    invitation = _mine(session, user, invitation_id)
    decline(session, invitation, actor=invitee_actor(invitation))


def mark_emailed(session: Session, invitation_id: uuid.UUID) -> bool:
    """Claim an invitation's e-mail for sending (compare-and-set; ``False`` when another
    process claimed it or it is no longer open)."""
    result = session.execute(
        update(OrgInvitation)
        .where(
            OrgInvitation.id == invitation_id,
            OrgInvitation.email_pending.is_(True),
            OrgInvitation.status == "pending",
        )
        .values(email_pending=False, emailed_at=utcnow())
        .execution_options(synchronize_session=False)
    )
    return getattr(result, "rowcount", 0) == 1
