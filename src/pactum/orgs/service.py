"""Organisations and people: instance administrators create organisations, organisation
administrators add, edit and deactivate their own people."""

from __future__ import annotations

import contextlib
import uuid
from dataclasses import dataclass
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session, joinedload

from pactum.access import Principal
from pactum.audit.service import SYSTEM_CHAIN, Actor, org_chain, record
from pactum.auth import passwords
from pactum.auth.service import end_all_sessions_and_tokens, normalise_email
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
    """Create a person (or add an existing e-mail to another organisation)."""
    email = normalise_email(str(data.email))
    passwords.check_policy(data.password, email=email)
    user = session.execute(select(User).where(User.email == email)).scalar_one_or_none()
    if user is None:
        user = User(
            email=email,
            name=data.name,
            password_hash=passwords.hash_password(data.password),
            is_instance_admin=is_instance_admin,
        )
        session.add(user)
        session.flush()
    elif org is None:
        raise Conflict(f"email: {email} is already registered")
    if org is not None:
        exists = session.execute(
            select(OrgMembership.id).where(
                OrgMembership.org_id == org.id, OrgMembership.user_id == user.id
            )
        ).first()
        if exists:
            raise Conflict(f"email: {email} is already a member of {org.name}")
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


def add_person(session: Session, principal: Principal, data: PersonCreate) -> Person:
    """Add a person to the caller's organisation."""
    org_id = _require_org_admin(principal)
    org = session.get(Organisation, org_id)
    assert org is not None
    user = create_user(session, principal.actor, org=org, data=data)
    return get_person(session, principal, user.id)


def update_person(
    session: Session,
    principal: Principal,
    user_id: uuid.UUID,
    data: PersonUpdate,
    *,
    expected_version: int | None,
) -> Person:
    """Edit or (de)activate a person; deactivation ends their sessions and tokens at once."""
    person = get_person(session, principal, user_id)
    membership = person.membership
    check_version(expected_version, membership.version)
    changes = data.model_dump(exclude_unset=True, exclude_none=True)
    if user_id == principal.user_id and (
        changes.get("active") is False or changes.get("is_admin") is False
    ):
        raise Conflict("active: you cannot deactivate or demote yourself")
    old: dict[str, Any] = {}
    new: dict[str, Any] = {}
    if "name" in changes and changes["name"] != person.user.name:
        old["name"], new["name"] = person.user.name, changes["name"]
        person.user.name = changes["name"]
    for key in ("title", "is_admin", "active"):
        if key in changes and changes[key] != getattr(membership, key):
            old[key], new[key] = getattr(membership, key), changes[key]
            setattr(membership, key, changes[key])
    if not new:
        return person
    membership.version += 1
    if new.get("active") is False:
        end_all_sessions_and_tokens(session, user_id, org_id=membership.org_id)
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
