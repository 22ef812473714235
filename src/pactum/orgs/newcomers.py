"""Joining through an invitation with an account to prove or to create: the invited
account's password (and second factor) checked like a sign-in, or a new account made with
the name and password the person chooses. The invitation's own rules live in
:mod:`pactum.orgs.invitations`."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from pactum.audit.service import Actor, org_chain, record
from pactum.auth import passwords, throttle
from pactum.auth.service import consume_totp, find_user
from pactum.core.errors import Conflict, ValidationFailed
from pactum.models import OrgInvitation, OrgMembership, User
from pactum.orgs import invitations
from pactum.settings import Settings


@dataclass(frozen=True)
class AccountCheck:
    """The outcome of proving, on the invitation page, that one holds the invited account:
    the account, or the field and rule that failed."""

    user: User | None
    field: str = ""
    rule: str = ""


def check_account(
    session: Session,
    settings: Settings,
    invitation: OrgInvitation,
    *,
    password: str,
    code: str,
    client: str,
) -> AccountCheck:
    """Check the invited account's password (and its second factor when on), throttled
    like a sign-in; a failure is counted (the caller keeps that, so it returns instead of
    raising). Raises 429 while throttled."""
    throttle.check(session, settings, invitation.email, client)
    user = find_user(session, invitation.email)
    if user is None:
        passwords.burn_time(password)
        return AccountCheck(None, "password", "is not correct")
    if not passwords.verify_password(user.password_hash, password) or not user.active:
        throttle.fail(session, settings, invitation.email, client)
        return AccountCheck(None, "password", "is not correct")
    if user.totp_enabled and not consume_totp(session, user, code):
        throttle.fail(session, settings, invitation.email, client)
        return AccountCheck(None, "code", "is not right or was already used")
    throttle.succeed(session, settings, invitation.email, client)
    return AccountCheck(user)


@dataclass(frozen=True)
class NewAccount:
    """What a person invited with a new address chooses: their name and password."""

    name: str
    password: str


def accept_as_new(
    session: Session, invitation: OrgInvitation, account: NewAccount
) -> tuple[User, OrgMembership]:
    """Accept through the link with a new account (the address has none yet)."""
    name = " ".join(account.name.split())
    if not name:
        raise ValidationFailed("name", "is required")
    if len(name) > 200:
        raise ValidationFailed("name", "must be at most 200 characters")
    passwords.check_policy(account.password, email=invitation.email)
    if find_user(session, invitation.email) is not None:
        raise Conflict("email: an account with this address exists; sign in to accept")
    user = User(
        email=invitation.email, name=name, password_hash=passwords.hash_password(account.password)
    )
    try:
        with session.begin_nested():
            session.add(user)
            session.flush()
    except IntegrityError as exc:
        raise Conflict("email: an account with this address exists; sign in to accept") from exc
    if not invitations.answer(session, invitation, "accepted", user_id=user.id):
        raise invitations.closed()
    record(
        session,
        actor=Actor(user.id, invitation.org_id, name),
        action="person.create",
        object_type="user",
        object_id=user.id,
        chain=org_chain(invitation.org_id),
        new={"email": user.email, "name": name},
    )
    return user, invitations.join(session, invitation, user)
