"""Read models of alliances for the API and pages (one place builds them)."""

from __future__ import annotations

import json
from datetime import datetime

from sqlalchemy.orm import Session

from pactum.access import AllianceView
from pactum.alliances.schemas import (
    ActivityRead,
    AllianceRead,
    InvitationRead,
    MemberRead,
    PartyRead,
)
from pactum.audit.service import recent_for_party
from pactum.models import Alliance, AllianceMember, AllianceParty


def party_read(party: AllianceParty) -> PartyRead:
    """A party with its organisation's name."""
    return PartyRead(
        id=party.id,
        org_id=party.org_id,
        org_name=party.org.name,
        role=party.role,
        state=party.state,
        is_initiator=party.is_initiator,
    )


def alliance_read(alliance: Alliance, my_org_id: object, my_roles: frozenset[str]) -> AllianceRead:
    """An alliance as the caller's party sees it."""
    return AllianceRead(
        id=alliance.id,
        name=alliance.name,
        types=list(alliance.types),
        therapeutic_area=alliance.therapeutic_area,
        description=alliance.description,
        status=alliance.status,
        version=alliance.version,
        created_at=alliance.created_at,
        updated_at=alliance.updated_at,
        parties=[party_read(p) for p in alliance.parties],
        my_org_id=my_org_id,
        my_roles=sorted(my_roles),
    )


def view_read(view: AllianceView) -> AllianceRead:
    """The alliance of a view, as its caller sees it."""
    return alliance_read(view.alliance, view.org_id, view.roles)


def member_read(member: AllianceMember, org_names: dict[object, str]) -> MemberRead:
    """A member with names resolved."""
    return MemberRead(
        id=member.id,
        user_id=member.user_id,
        name=member.user.name,
        email=member.user.email,
        org_id=member.org_id,
        org_name=org_names.get(member.org_id, ""),
        role=member.role,
        version=member.version,
    )


def org_names(alliance: Alliance) -> dict[object, str]:
    """Organisation id -> name for the alliance's parties."""
    return {p.org_id: p.org.name for p in alliance.parties}


def invitation_read(party: AllianceParty) -> InvitationRead:
    """An open invitation as the invited organisation sees it."""
    alliance = party.alliance
    inviter = next((p.org.name for p in alliance.parties if p.is_initiator), "")
    return InvitationRead(
        party_id=party.id,
        alliance_id=alliance.id,
        alliance_name=alliance.name,
        therapeutic_area=alliance.therapeutic_area,
        types=list(alliance.types),
        role=party.role,
        invited_by=inviter,
        created_at=party.created_at,
    )


def effective_at(new_values: str) -> datetime | None:
    """When a change time made took effect, from an audit entry's new values."""
    if '"effective_at"' not in new_values:
        return None
    try:
        value = json.loads(new_values).get("effective_at")
        return datetime.fromisoformat(value.replace("Z", "+00:00")) if value else None
    except (ValueError, AttributeError, TypeError):
        return None


def activity(session: Session, view: AllianceView, limit: int = 20) -> list[ActivityRead]:
    """The latest audit entries of the alliance the caller's party may see."""
    return [
        ActivityRead(
            seq=e.seq,
            chain=e.chain,
            ts=e.ts,
            effective_at=effective_at(e.new_values),
            actor_name=e.actor_name,
            action=e.action,
            object_type=e.object_type,
            object_id=e.object_id,
            private=not e.chain.endswith(":shared"),
        )
        for e in recent_for_party(
            session, alliance_id=view.alliance_id, org_id=view.org_id, limit=limit
        )
    ]
