"""The access policy.

Reads of alliance data start here: :func:`open_alliance` answers 404 unless the caller's
organisation is an accepted party and the caller is a member of the alliance (or an
administrator of that party's organisation); :func:`scoped` builds a query over an
alliance-scoped table already filtered to the shared records and the caller's party's
private ones. A session event (:mod:`pactum.access.guard`) refuses any ORM query of
alliance data that was not built here, so forgetting the scope fails loudly.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from typing import Any, TypeVar

from sqlalchemy import Select, exists, false, or_, select, true
from sqlalchemy.orm import Session, selectinload
from sqlalchemy.orm.interfaces import ORMOption

from pactum.audit.service import Actor, org_chain, record
from pactum.core.errors import Forbidden, NotFound
from pactum.models import Alliance, AllianceMember, AllianceParty, AllianceScoped

SCOPED = {"pactum_scoped": True}

M = TypeVar("M", bound=AllianceScoped)
S = TypeVar("S", bound=Select[Any])

# action -> alliance roles allowed; "org_admin" means an administrator of the caller's party.
PERMISSIONS: dict[str, frozenset[str]] = {
    "alliance.read": frozenset(
        {
            "alliance_manager",
            "committee_member",
            "finance",
            "legal",
            "contributor",
            "viewer",
            "org_admin",
        }
    ),
    "alliance.edit": frozenset({"alliance_manager"}),
    "alliance.transition": frozenset({"alliance_manager"}),
    "members.manage": frozenset({"alliance_manager", "org_admin"}),
    "objectives.write": frozenset({"alliance_manager", "committee_member", "contributor"}),
    "audit.export": frozenset({"alliance_manager", "legal", "org_admin"}),
    "scenarios.write": frozenset(
        {"alliance_manager", "committee_member", "finance", "contributor"}
    ),
    # Agreements and their amendments: the alliance manager and legal.
    "agreements.write": frozenset({"alliance_manager", "legal"}),
    "obligations.write": frozenset(
        {"alliance_manager", "committee_member", "finance", "legal", "contributor"}
    ),
    # Milestones (TEN-5): claiming, and confirming or disputing the other party's claim.
    "milestones.claim": frozenset({"alliance_manager", "committee_member", "finance"}),
    "milestones.respond": frozenset({"alliance_manager", "finance"}),
    # A party's internal notes (private to the party).
    "notes.write": frozenset(
        {"alliance_manager", "committee_member", "finance", "legal", "contributor"}
    ),
    # Money: entering statements, FX rates, cost lines, invoices and payments ...
    "finance.write": frozenset({"alliance_manager", "finance"}),
    # ... and approving the other party's statements, agreeing FX, signing true-ups.
    "finance.approve": frozenset({"finance"}),
    # Governance: setting up committees and their charters ...
    "governance.manage": frozenset({"alliance_manager"}),
    # ... scheduling meetings, the agenda, attendance, minutes and action items ...
    "meetings.write": frozenset({"alliance_manager", "committee_member"}),
    # ... putting a matter to a committee (voting itself is for the charter's voting
    # members, and signing minutes for each party's designated approver) ...
    "decisions.propose": frozenset({"alliance_manager", "committee_member"}),
    # ... and stating the party's position on an escalated matter.
    "decisions.position": frozenset({"alliance_manager", "committee_member", "legal"}),
}


@dataclass(frozen=True)
class Principal:
    """An authenticated person acting for one organisation."""

    user_id: uuid.UUID
    org_id: uuid.UUID | None
    name: str
    email: str
    is_instance_admin: bool = False
    is_org_admin: bool = False
    org_name: str = ""

    @property
    def actor(self) -> Actor:
        """The audit actor for this principal."""
        return Actor(user_id=self.user_id, org_id=self.org_id, name=self.name)


@dataclass
class AllianceView:
    """One principal's view of one alliance: their party, their roles, what they may do."""

    principal: Principal
    alliance: Alliance
    party: AllianceParty
    member: AllianceMember | None
    roles: frozenset[str] = field(default_factory=frozenset)

    @property
    def org_id(self) -> uuid.UUID:
        """The caller's party organisation."""
        return self.party.org_id

    @property
    def alliance_id(self) -> uuid.UUID:
        """The alliance's id."""
        return self.alliance.id

    @property
    def party_names(self) -> dict[uuid.UUID, str]:
        """Organisation name of each party of the alliance (already loaded: no query)."""
        return {p.org_id: p.org.name for p in self.alliance.parties}

    def can(self, action: str) -> bool:
        """Whether the caller may perform ``action`` in this alliance."""
        return bool(self.roles & PERMISSIONS[action])

    def require(self, action: str) -> None:
        """Raise 403 unless the caller may perform ``action``."""
        if not self.can(action):
            raise Forbidden(f"Your alliance role does not allow this ({action}).")


def system_scope(stmt: S) -> S:
    """Mark a query as deliberately unscoped (command-line tools, exports, demo loading)."""
    return stmt.execution_options(**SCOPED)


def _member_or_admin(principal: Principal) -> Any:
    """SQL condition: the caller is a member of the alliance, or administers a party."""
    is_member = exists().where(
        AllianceMember.alliance_id == Alliance.id,
        AllianceMember.user_id == principal.user_id,
        AllianceMember.org_id == principal.org_id,
    )
    return true() if principal.is_org_admin else is_member


def visible_alliances(principal: Principal) -> Select[Alliance]:
    """Alliances in which the caller's organisation is an accepted party and they may look."""
    if principal.org_id is None:
        return select(Alliance).where(false()).execution_options(**SCOPED)
    return (
        select(Alliance)
        .join(AllianceParty, AllianceParty.alliance_id == Alliance.id)
        .where(
            AllianceParty.org_id == principal.org_id,
            AllianceParty.state == "accepted",
            _member_or_admin(principal),
        )
        .options(selectinload(Alliance.parties).selectinload(AllianceParty.org))
        .execution_options(**SCOPED)
    )


def invitations_for(principal: Principal) -> Select[AllianceParty]:
    """Open invitations addressed to the caller's organisation (administrators only)."""
    if principal.org_id is None or not principal.is_org_admin:
        return select(AllianceParty).where(false()).execution_options(**SCOPED)
    return (
        select(AllianceParty)
        .where(AllianceParty.org_id == principal.org_id, AllianceParty.state == "invited")
        .options(
            selectinload(AllianceParty.alliance)
            .selectinload(Alliance.parties)
            .selectinload(AllianceParty.org)
        )
        .order_by(AllianceParty.created_at)
        .execution_options(**SCOPED)
    )


@dataclass(frozen=True)
class Denial:
    """A refused access, carried by the 404 so it is audited after the rollback."""

    principal: Principal
    what: str
    object_id: str


def not_found(principal: Principal, what: str, object_id: object) -> NotFound:
    """A 404 identical to a missing id, remembering what was refused."""
    return NotFound(denial=Denial(principal, what, str(object_id)))


def record_denial(session: Session, denial: Denial) -> None:
    """Record a refused access (AUD-1) in the caller's own organisation chain."""
    if denial.principal.org_id is None:
        return
    record(
        session,
        actor=denial.principal.actor,
        action="access.denied",
        object_type=denial.what,
        object_id=denial.object_id,
        chain=org_chain(denial.principal.org_id),
    )


def open_alliance(session: Session, principal: Principal, alliance_id: uuid.UUID) -> AllianceView:
    """Return the caller's view of an alliance, or 404 exactly as for a missing id."""
    alliance = session.execute(
        visible_alliances(principal).where(Alliance.id == alliance_id)
    ).scalar_one_or_none()
    if alliance is None:
        raise not_found(principal, "alliance", alliance_id)
    party = next(p for p in alliance.parties if p.org_id == principal.org_id)
    member = session.execute(
        select(AllianceMember)
        .where(
            AllianceMember.alliance_id == alliance.id,
            AllianceMember.user_id == principal.user_id,
            AllianceMember.org_id == principal.org_id,
        )
        .execution_options(**SCOPED)
    ).scalar_one_or_none()
    roles = {member.role} if member is not None else set()
    if principal.is_org_admin:
        roles.add("org_admin")
    return AllianceView(principal, alliance, party, member, frozenset(roles))


def lock_party(session: Session, view: AllianceView) -> None:
    """Take the row lock of the caller's party (``FOR UPDATE``; SQLite transactions are
    already serialised) before checking a rule over the party's rows, such as "keep one
    alliance manager": two concurrent requests then check one after the other (CONC-1)."""
    session.execute(
        select(AllianceParty.id)
        .where(AllianceParty.id == view.party.id)
        .with_for_update()
        .execution_options(**SCOPED)
    ).first()


def lock_alliance(session: Session, view: AllianceView) -> None:
    """Take the alliance's row lock before a rule over many of its rows (the governance
    structure, the next reference or invoice number): such changes are made one after
    the other. ``FOR NO KEY UPDATE``, so records that merely refer to the alliance can
    still be added meanwhile."""
    session.execute(
        select(Alliance.id)
        .where(Alliance.id == view.alliance_id)
        .with_for_update(key_share=True)
        .execution_options(**SCOPED)
    ).first()


def roles_by_alliance(
    session: Session, principal: Principal, alliance_ids: list[uuid.UUID]
) -> dict[uuid.UUID, frozenset[str]]:
    """The caller's alliance roles in many alliances at once (one query, for lists)."""
    found: dict[uuid.UUID, set[str]] = {a: set() for a in alliance_ids}
    if alliance_ids:
        rows = session.execute(
            select(AllianceMember.alliance_id, AllianceMember.role)
            .where(
                AllianceMember.alliance_id.in_(alliance_ids),
                AllianceMember.user_id == principal.user_id,
                AllianceMember.org_id == principal.org_id,
            )
            .execution_options(**SCOPED)
        ).all()
        for alliance_id, role in rows:
            found[alliance_id].add(role)
    if principal.is_org_admin:
        for roles in found.values():
            roles.add("org_admin")
    return {a: frozenset(r) for a, r in found.items()}


def scoped(view: AllianceView, model: type[M]) -> Select[M]:
    """All records of ``model`` in the alliance that the caller's party may see."""
    return (
        select(model)
        .where(
            model.alliance_id == view.alliance_id,
            or_(model.visibility == "shared", model.owner_org_id == view.org_id),
        )
        .execution_options(**SCOPED)
    )


def get_scoped(
    session: Session,
    view: AllianceView,
    model: type[M],
    record_id: uuid.UUID,
    *options: ORMOption,
    lock: bool = False,
) -> M:
    """One visible record by id (with loader ``options``), or 404 as for a missing id.

    ``lock`` takes the row lock (``SELECT ... FOR UPDATE`` on PostgreSQL; SQLite
    transactions are already serialised) and re-reads the row, so a version check made
    after it cannot be overtaken by a concurrent writer (DATA-1).
    """
    stmt = (
        scoped(view, model)
        .where(model.id == record_id)  # type: ignore[attr-defined]
        .options(*options)
    )
    if lock:
        stmt = stmt.with_for_update(of=model).execution_options(populate_existing=True)
    found = session.execute(stmt).scalar_one_or_none()
    if found is None:
        raise not_found(view.principal, model.__name__.lower(), record_id)
    return found
