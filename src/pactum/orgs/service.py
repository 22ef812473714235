"""Organisations and people: instance administrators create organisations; organisation
administrators invite people (:mod:`pactum.orgs.invitations`) and manage memberships; a
person's account (name, password, second factor, sessions) is theirs alone (ID-1)."""

from __future__ import annotations

import contextlib
import uuid
from dataclasses import dataclass
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session, joinedload

from pactum.access import Principal
from pactum.audit.service import SYSTEM_CHAIN, Actor, org_chain, record
from pactum.auth import passwords
from pactum.auth.service import end_sessions_and_tokens, normalise_email
from pactum.core.errors import Conflict, Forbidden, NotFound
from pactum.core.updates import check_version
from pactum.models import Organisation, OrgMembership, User
from pactum.orgs.schemas import OrgCreate, PersonCreate, PersonUpdate


@dataclass(frozen=True)
class Person:
    """A person as seen inside one organisation (user + membership)."""

    user: User
    membership: OrgMembership

    @property
    def id(self) -> uuid.UUID:
        """The user id."""
        return self.user.id

    @property
    def version(self) -> int:
        """The membership's version (for If-Match)."""
        return self.membership.version

    def as_dict(self) -> dict[str, Any]:
        """Plain fields for the API."""
        return {
            "id": self.user.id,
            "email": self.user.email,
            "name": self.user.name,
            "title": self.membership.title,
            "is_admin": self.membership.is_admin,
            "active": self.membership.active and self.user.active,
            "totp_enabled": self.user.totp_enabled,
            "version": self.membership.version,
            "created_at": self.membership.created_at,
        }


def require_instance_admin(principal: Principal) -> None:
    """Only instance administrators manage organisations (403 otherwise)."""
    if not principal.is_instance_admin:
        raise Forbidden("Only instance administrators manage organisations.")


def create_org(session: Session, actor: Actor, data: OrgCreate) -> Organisation:
    """Create an organisation (instance administrators and the CLI)."""
    if session.execute(select(Organisation.id).where(Organisation.name == data.name)).first():
        raise Conflict(f"name: an organisation called {data.name!r} already exists")
    org = Organisation(name=data.name, kind=data.kind, require_totp=data.require_totp)
    session.add(org)
    session.flush()
    record(
        session,
        actor=actor,
        action="org.create",
        object_type="organisation",
        object_id=org.id,
        chain=SYSTEM_CHAIN,
        new={"name": org.name, "kind": org.kind, "require_totp": org.require_totp},
    )
    return org


def find_org(session: Session, key: str) -> Organisation:
    """An organisation by id or exact name (for the CLI)."""
    stmt = select(Organisation).where(Organisation.name == key)
    with contextlib.suppress(ValueError):
        stmt = select(Organisation).where(
            (Organisation.id == uuid.UUID(key)) | (Organisation.name == key)
        )
    org = session.execute(stmt).scalar_one_or_none()
    if org is None:
        raise NotFound(f"organisation {key!r} not found")
    return org


def list_orgs(session: Session) -> list[Organisation]:
    """Every active organisation (names are public inside an instance, for invitations)."""
    return list(
        session.execute(
            select(Organisation).where(Organisation.active.is_(True)).order_by(Organisation.name)
        ).scalars()
    )


def create_user(
    session: Session,
    actor: Actor,
    *,
    org: Organisation | None,
    data: PersonCreate,
    is_instance_admin: bool = False,
) -> User:
    """Create a new account, in ``org`` when given (operators: the command line, the demo
    loader). An address that already has an account is refused: an existing person joins
    an organisation only by accepting an invitation (ID-1)."""
    email = normalise_email(str(data.email))
    passwords.check_policy(data.password, email=email)
    if session.execute(select(User.id).where(User.email == email)).first() is not None:
        raise Conflict(
            f"email: {email} is already registered; invite the person to the organisation "
            "instead (they join when they accept)"
        )
    user = User(
        email=email,
        name=data.name,
        password_hash=passwords.hash_password(data.password),
        is_instance_admin=is_instance_admin,
    )
    session.add(user)
    session.flush()
    if org is not None:
        session.add(
            OrgMembership(org_id=org.id, user_id=user.id, is_admin=data.is_admin, title=data.title)
        )
        session.flush()
    record(
        session,
        actor=actor,
        action="person.create",
        object_type="user",
        object_id=user.id,
        chain=org_chain(org.id) if org else SYSTEM_CHAIN,
        new={
            "email": email,
            "name": user.name,
            "title": data.title,
            "is_admin": data.is_admin,
            "is_instance_admin": is_instance_admin,
        },
    )
    return user


def provision_membership(
    session: Session,
    actor: Actor,
    *,
    org: Organisation,
    user: User,
    title: str = "",
    is_admin: bool = False,
) -> OrgMembership:
    """Put an existing account in another organisation without an invitation: only for
    operators who hold the database anyway (the demo loader); people and administrators
    go through :mod:`pactum.orgs.invitations`."""
    membership = OrgMembership(org_id=org.id, user_id=user.id, is_admin=is_admin, title=title)
    session.add(membership)
    session.flush()
    record(
        session,
        actor=actor,
        action="person.join",
        object_type="user",
        object_id=user.id,
        chain=org_chain(org.id),
        new={"email": user.email, "name": user.name, "title": title, "is_admin": is_admin},
    )
    return membership


def _require_org_admin(principal: Principal) -> uuid.UUID:
    if principal.org_id is None or not principal.is_org_admin:
        raise Forbidden("Only your organisation's administrators may manage people.")
    return principal.org_id


def list_people(session: Session, principal: Principal) -> list[Person]:
    """Everyone in the caller's organisation (administrators only)."""
    org_id = _require_org_admin(principal)
    rows = session.execute(
        select(OrgMembership)
        .where(OrgMembership.org_id == org_id)
        .options(joinedload(OrgMembership.user))
        .order_by(OrgMembership.created_at)
    ).scalars()
    return [Person(m.user, m) for m in rows]


def colleagues(session: Session, org_id: uuid.UUID) -> list[User]:
    """Active people of an organisation (for choosing alliance members and owners)."""
    return list(
        session.execute(
            select(User)
            .join(OrgMembership, OrgMembership.user_id == User.id)
            .where(
                OrgMembership.org_id == org_id,
                OrgMembership.active.is_(True),
                User.active.is_(True),
            )
            .order_by(User.name)
        ).scalars()
    )


def get_person(session: Session, principal: Principal, user_id: uuid.UUID) -> Person:
    """One person of the caller's organisation (404 outside it, 403 for non-administrators)."""
    membership = None
    if principal.org_id is not None:
        membership = session.execute(
            select(OrgMembership)
            .where(OrgMembership.org_id == principal.org_id, OrgMembership.user_id == user_id)
            .options(joinedload(OrgMembership.user))
        ).scalar_one_or_none()
    if membership is None:
        raise NotFound()
    _require_org_admin(principal)
    return Person(membership.user, membership)


def _locked_person(session: Session, principal: Principal, user_id: uuid.UUID) -> Person:
    """The person with their membership row locked, after the organisation's row: edits of
    one organisation's memberships are serialised, so "keep one administrator" holds
    under concurrent requests (CONC-1)."""
    org_id = _require_org_admin(principal)
    session.execute(
        select(Organisation.id).where(Organisation.id == org_id).with_for_update()
    ).first()
    membership = session.execute(
        select(OrgMembership)
        .where(OrgMembership.org_id == org_id, OrgMembership.user_id == user_id)
        .options(joinedload(OrgMembership.user))
        .with_for_update(of=OrgMembership)
        .execution_options(populate_existing=True)
    ).scalar_one_or_none()
    if membership is None:
        raise NotFound()
    return Person(membership.user, membership)


def _other_admins(session: Session, org_id: uuid.UUID, user_id: uuid.UUID) -> int:
    return int(
        session.execute(
            select(func.count(OrgMembership.id))
            .join(User, User.id == OrgMembership.user_id)
            .where(
                OrgMembership.org_id == org_id,
                OrgMembership.user_id != user_id,
                OrgMembership.is_admin.is_(True),
                OrgMembership.active.is_(True),
                User.active.is_(True),
            )
        ).scalar_one()
    )


def update_person(
    session: Session,
    principal: Principal,
    user_id: uuid.UUID,
    data: PersonUpdate,
    *,
    expected_version: int | None,
) -> Person:
    """Change a membership: job title, administrator, active for this organisation.

    Deactivating ends only the sessions and tokens acting for this organisation (ID-2);
    the person's other organisations are not touched. The organisation keeps at least one
    active administrator.
    """
    get_person(session, principal, user_id)  # 404 outside the organisation, 403 for others
    person = _locked_person(session, principal, user_id)
    membership = person.membership
    check_version(expected_version, membership.version)
    changes = data.model_dump(exclude_unset=True, exclude_none=True)
    if user_id == principal.user_id and (
        changes.get("active") is False or changes.get("is_admin") is False
    ):
        raise Conflict("active: you cannot deactivate or demote yourself")
    old: dict[str, Any] = {}
    new: dict[str, Any] = {}
    for key in ("title", "is_admin", "active"):
        if key in changes and changes[key] != getattr(membership, key):
            old[key], new[key] = getattr(membership, key), changes[key]
    if not new:
        return person
    stays_admin = new.get("is_admin", membership.is_admin) and new.get("active", membership.active)
    was_admin = membership.is_admin and membership.active
    if was_admin and not stays_admin and not _other_admins(session, membership.org_id, user_id):
        raise Conflict("is_admin: the organisation must keep at least one active administrator")
    for key, value in new.items():
        setattr(membership, key, value)
    membership.version += 1
    if new.get("active") is False:
        end_sessions_and_tokens(session, user_id, org_id=membership.org_id)
    record(
        session,
        actor=principal.actor,
        action="person.deactivate" if new.get("active") is False else "person.update",
        object_type="user",
        object_id=user_id,
        chain=org_chain(membership.org_id),
        old=old,
        new=new,
    )
    session.flush()
    return person


def rename_self(
    session: Session, principal: Principal, name: str, *, expected_version: int | None
) -> User:
    """Change one's own name (ID-1). It is shown from now on; what was signed or audited
    keeps the name it was made with. Recorded in each of the person's organisations."""
    user = session.execute(
        select(User)
        .where(User.id == principal.user_id)
        .with_for_update()
        .execution_options(populate_existing=True)
    ).scalar_one()
    check_version(expected_version, user.version)
    name = " ".join(name.split())
    if name == user.name:
        return user
    old = user.name
    user.name = name
    user.version += 1
    org_ids: list[uuid.UUID | None] = list(
        session.execute(
            select(OrgMembership.org_id)
            .where(OrgMembership.user_id == user.id)
            .order_by(OrgMembership.org_id)  # chains locked in one order: no deadlock
        ).scalars()
    )
    # Each organisation's chain names only itself: none learns the person's others.
    for org_id in org_ids or [None]:
        record(
            session,
            actor=Actor(user.id, org_id, name),
            action="person.rename",
            object_type="user",
            object_id=user.id,
            chain=org_chain(org_id) if org_id else SYSTEM_CHAIN,
            old={"name": old},
            new={"name": name},
        )
    session.flush()
    return user
