"""Alliance rules: proposing, inviting, accepting, lifecycle, members."""

from __future__ import annotations

import uuid
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session, joinedload

from pactum.access import AllianceView, Principal, lock_party, system_scope
from pactum.access.policy import not_found
from pactum.alliances.lifecycle import check_transition
from pactum.alliances.schemas import (
    AllianceCreate,
    AllianceUpdate,
    MemberCreate,
    MemberUpdate,
    TransitionIn,
)
from pactum.audit.service import record, shared_chain
from pactum.core.errors import Conflict, Forbidden, ValidationFailed
from pactum.core.time import utcnow
from pactum.core.updates import check_version, diff
from pactum.models import (
    Alliance,
    AllianceMember,
    AllianceParty,
    Organisation,
    OrgMembership,
    User,
)


def _audit(
    session: Session,
    view_or_principal: AllianceView | Principal,
    alliance_id: uuid.UUID,
    action: str,
    object_type: str,
    object_id: object,
    *,
    old: dict[str, Any] | None = None,
    new: dict[str, Any] | None = None,
    reason: str = "",
) -> None:
    principal = (
        view_or_principal.principal
        if isinstance(view_or_principal, AllianceView)
        else view_or_principal
    )
    record(
        session,
        actor=principal.actor,
        action=action,
        object_type=object_type,
        object_id=object_id,
        chain=shared_chain(alliance_id),
        alliance_id=alliance_id,
        old=old,
        new=new,
        reason=reason,
    )


def _active_colleague(session: Session, org_id: uuid.UUID, user_id: uuid.UUID) -> User:
    """A person who is an active member of the organisation, or a field error."""
    user = session.execute(
        select(User)
        .join(OrgMembership, OrgMembership.user_id == User.id)
        .where(
            User.id == user_id,
            User.active.is_(True),
            OrgMembership.org_id == org_id,
            OrgMembership.active.is_(True),
        )
    ).scalar_one_or_none()
    if user is None:
        raise ValidationFailed("user_id", "must be an active person of your own organisation")
    return user


def create_alliance(session: Session, principal: Principal, data: AllianceCreate) -> Alliance:
    """Propose an alliance: our party is accepted, each partner is invited."""
    if principal.org_id is None:
        raise Forbidden("Act for an organisation to create an alliance.")
    partner_ids = [p.org_id for p in data.partners]
    if principal.org_id in partner_ids:
        raise ValidationFailed("partners", "must not include your own organisation")
    if len(set(partner_ids)) != len(partner_ids):
        raise ValidationFailed("partners", "must not name an organisation twice")
    found = set(
        session.execute(
            select(Organisation.id).where(
                Organisation.id.in_(partner_ids), Organisation.active.is_(True)
            )
        ).scalars()
    )
    for index, partner in enumerate(data.partners):
        if partner.org_id not in found:
            raise ValidationFailed(f"partners[{index}].org_id", "is not a known organisation")
    alliance = Alliance(
        name=data.name,
        types=list(dict.fromkeys(data.types)),
        therapeutic_area=data.therapeutic_area,
        description=data.description,
        status="candidate",
        created_by_org_id=principal.org_id,
    )
    session.add(alliance)
    session.flush()
    ours = AllianceParty(
        alliance_id=alliance.id,
        org_id=principal.org_id,
        role=data.my_role,
        state="accepted",
        is_initiator=True,
        responded_at=utcnow(),
        responded_by_id=principal.user_id,
    )
    session.add(ours)
    for partner in data.partners:
        session.add(
            AllianceParty(alliance_id=alliance.id, org_id=partner.org_id, role=partner.role)
        )
    session.add(
        AllianceMember(
            alliance_id=alliance.id,
            org_id=principal.org_id,
            user_id=principal.user_id,
            role="alliance_manager",
        )
    )
    session.flush()
    _audit(
        session,
        principal,
        alliance.id,
        "alliance.create",
        "alliance",
        alliance.id,
        new={
            "name": alliance.name,
            "types": alliance.types,
            "therapeutic_area": alliance.therapeutic_area,
            "status": alliance.status,
            "parties": [{"org_id": principal.org_id, "role": data.my_role}]
            + [{"org_id": p.org_id, "role": p.role} for p in data.partners],
        },
    )
    return alliance


def get_invitation(
    session: Session, principal: Principal, party_id: uuid.UUID, *, lock: bool = False
) -> AllianceParty:
    """An open invitation to the caller's organisation, or 404 (``lock``: its row locked
    first, so two answers at once are made one after the other: the second finds it
    answered)."""
    if lock:
        session.execute(
            system_scope(
                select(AllianceParty.id).where(AllianceParty.id == party_id).with_for_update()
            )
        ).first()
    party = session.execute(
        system_scope(
            select(AllianceParty)
            .where(
                AllianceParty.id == party_id,
                AllianceParty.org_id == principal.org_id,
                AllianceParty.state == "invited",
            )
            .options(
                joinedload(AllianceParty.alliance)
                .selectinload(Alliance.parties)
                .selectinload(AllianceParty.org)
            )
        )
    ).scalar_one_or_none()
    if party is None or not principal.is_org_admin:
        raise not_found(principal, "invitation", party_id)
    return party


def respond_invitation(
    session: Session,
    principal: Principal,
    party_id: uuid.UUID,
    *,
    accept: bool,
    manager_user_id: uuid.UUID | None = None,
) -> AllianceParty:
    """Accept (naming our alliance manager, by default the caller) or decline, once."""
    party = get_invitation(session, principal, party_id, lock=True)
    assert principal.org_id is not None
    party.state = "accepted" if accept else "declined"
    party.responded_at = utcnow()
    party.responded_by_id = principal.user_id
    if accept:
        manager = _active_colleague(session, principal.org_id, manager_user_id or principal.user_id)
        session.add(
            AllianceMember(
                alliance_id=party.alliance_id,
                org_id=principal.org_id,
                user_id=manager.id,
                role="alliance_manager",
            )
        )
    session.flush()
    _audit(
        session,
        principal,
        party.alliance_id,
        "party.accept" if accept else "party.decline",
        "party",
        party.id,
        old={"state": "invited"},
        new={"state": party.state, "org_id": party.org_id},
    )
    return party


def update_alliance(
    session: Session, view: AllianceView, data: AllianceUpdate, *, expected_version: int | None
) -> Alliance:
    """Edit the alliance's descriptive fields."""
    view.require("alliance.edit")
    alliance = view.alliance
    check_version(expected_version, alliance.version)
    changes = data.model_dump(exclude_unset=True, exclude_none=True)
    old, new = diff(alliance, changes)
    if not new:
        return alliance
    for key, value in new.items():
        setattr(alliance, key, value)
    alliance.version += 1
    alliance.updated_at = utcnow()
    session.flush()
    _audit(session, view, alliance.id, "alliance.update", "alliance", alliance.id, old=old, new=new)
    return alliance


def transition(
    session: Session, view: AllianceView, data: TransitionIn, *, expected_version: int | None
) -> Alliance:
    """Move the alliance along its lifecycle (validated, audited with the reason)."""
    view.require("alliance.transition")
    alliance = view.alliance
    check_version(expected_version, alliance.version)
    problem = check_transition(alliance.status, data.status, data.reason)
    if problem is not None:
        raise Conflict(f"status: {problem}")
    pending = any(p.state == "invited" for p in alliance.parties)
    if pending and data.status in {"negotiation", "launching", "active"}:
        raise Conflict("status: every invited party must answer before negotiation starts")
    old = {"status": alliance.status}
    alliance.status = data.status
    alliance.version += 1
    alliance.updated_at = utcnow()
    session.flush()
    _audit(
        session,
        view,
        alliance.id,
        "alliance.transition",
        "alliance",
        alliance.id,
        old=old,
        new={"status": data.status},
        reason=data.reason,
    )
    return alliance


# --- members ------------------------------------------------------------------------------


def list_members(session: Session, view: AllianceView) -> list[AllianceMember]:
    """Every member of the alliance (who is in the alliance is shared knowledge)."""
    return list(
        session.execute(
            system_scope(
                select(AllianceMember)
                .where(AllianceMember.alliance_id == view.alliance_id)
                .options(joinedload(AllianceMember.user))
                .order_by(AllianceMember.created_at)
            )
        ).scalars()
    )


def member_names(
    session: Session, view: AllianceView, members: list[AllianceMember] | None = None
) -> dict[uuid.UUID, str]:
    """Names of the alliance's members by user id (from ``members`` when already read)."""
    found = members if members is not None else list_members(session, view)
    return {m.user_id: m.user.name for m in found}


def get_member(session: Session, view: AllianceView, member_id: uuid.UUID) -> AllianceMember:
    """One member of the alliance, or 404."""
    member = session.execute(
        system_scope(
            select(AllianceMember)
            .where(AllianceMember.id == member_id, AllianceMember.alliance_id == view.alliance_id)
            .options(joinedload(AllianceMember.user))
        )
    ).scalar_one_or_none()
    if member is None:
        raise not_found(view.principal, "member", member_id)
    return member


def _own_party_only(view: AllianceView, member: AllianceMember) -> None:
    if member.org_id != view.org_id:
        raise Forbidden("Each party chooses its own people; you may not change a partner's.")


def _managers_left(session: Session, view: AllianceView, excluding: uuid.UUID) -> int:
    lock_party(session, view)  # concurrent demotions are checked one after the other
    return int(
        session.execute(
            system_scope(
                select(func.count(AllianceMember.id)).where(
                    AllianceMember.alliance_id == view.alliance_id,
                    AllianceMember.org_id == view.org_id,
                    AllianceMember.role == "alliance_manager",
                    AllianceMember.id != excluding,
                )
            )
        ).scalar_one()
    )


def add_member(session: Session, view: AllianceView, data: MemberCreate) -> AllianceMember:
    """Add one of our own people with an alliance role."""
    view.require("members.manage")
    user = _active_colleague(session, view.org_id, data.user_id)
    already = session.execute(
        system_scope(
            select(AllianceMember.id).where(
                AllianceMember.alliance_id == view.alliance_id, AllianceMember.user_id == user.id
            )
        )
    ).first()
    if already:
        raise Conflict("user_id: this person is already a member of the alliance")
    member = AllianceMember(
        alliance_id=view.alliance_id, org_id=view.org_id, user_id=user.id, role=data.role
    )
    session.add(member)
    session.flush()
    _audit(
        session,
        view,
        view.alliance_id,
        "member.add",
        "member",
        member.id,
        new={"user_id": user.id, "name": user.name, "role": data.role, "org_id": view.org_id},
    )
    return get_member(session, view, member.id)


def update_member(
    session: Session,
    view: AllianceView,
    member_id: uuid.UUID,
    data: MemberUpdate,
    *,
    expected_version: int | None,
) -> AllianceMember:
    """Change the alliance role of one of our own members."""
    view.require("members.manage")
    member = get_member(session, view, member_id)
    _own_party_only(view, member)
    check_version(expected_version, member.version)
    if member.role == data.role:
        return member
    if member.role == "alliance_manager" and _managers_left(session, view, member.id) == 0:
        raise Conflict("role: your party must keep at least one alliance manager")
    old = {"role": member.role}
    member.role = data.role
    member.version += 1
    session.flush()
    _audit(
        session,
        view,
        view.alliance_id,
        "member.update",
        "member",
        member.id,
        old=old,
        new={"role": data.role},
    )
    return member


def remove_member(
    session: Session, view: AllianceView, member_id: uuid.UUID, *, expected_version: int | None
) -> None:
    """Take one of our own people off the alliance."""
    view.require("members.manage")
    member = get_member(session, view, member_id)
    _own_party_only(view, member)
    check_version(expected_version, member.version)
    if member.role == "alliance_manager" and _managers_left(session, view, member.id) == 0:
        raise Conflict("member: your party must keep at least one alliance manager")
    _audit(
        session,
        view,
        view.alliance_id,
        "member.remove",
        "member",
        member.id,
        old={"user_id": member.user_id, "role": member.role},
    )
    session.delete(member)
    session.flush()
