"""Schemas for alliances, parties and members."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Annotated, Literal

from pydantic import Field, StringConstraints

from pactum.core.schemas import Input, LongText, Name, Output

AllianceStatus = Literal[
    "candidate", "due_diligence", "negotiation", "launching", "active", "terminating", "closed"
]
AllianceType = Literal[
    "research_collaboration",
    "licensing",
    "co_development",
    "co_commercialisation",
    "joint_venture",
    "technology_transfer",
    "strategic_investment",
    "supply_manufacturing",
    "confidentiality",
]
PartyRole = Literal[
    "licensor",
    "licensee",
    "originator",
    "partner",
    "co_developer",
    "co_promoter",
    "investor",
    "supplier",
    "customer",
]
AllianceRole = Literal[
    "alliance_manager", "committee_member", "finance", "legal", "contributor", "viewer"
]
Area = Annotated[str, StringConstraints(max_length=100, strip_whitespace=True)]


class PartnerIn(Input):
    """A partner organisation invited into a new alliance, with its role."""

    org_id: uuid.UUID
    role: PartyRole


class AllianceCreate(Input):
    """A new alliance proposed by the caller's organisation."""

    name: Name
    types: list[AllianceType] = Field(min_length=1, max_length=9)
    therapeutic_area: Area = ""
    description: LongText = ""
    my_role: PartyRole
    partners: list[PartnerIn] = Field(min_length=1, max_length=5)


class AllianceUpdate(Input):
    """Editable descriptive fields of an alliance."""

    name: Name | None = None
    types: list[AllianceType] | None = Field(default=None, min_length=1, max_length=9)
    therapeutic_area: Area | None = None
    description: LongText | None = None


class TransitionIn(Input):
    """A lifecycle move, with the reason (required for terminating and closing)."""

    status: AllianceStatus
    reason: Annotated[str, StringConstraints(max_length=2000, strip_whitespace=True)] = ""


class InvitationResponse(Input):
    """Accept or decline an invitation; on acceptance, who manages the alliance for us."""

    manager_user_id: uuid.UUID | None = None


class PartyRead(Output):
    """A party of an alliance."""

    id: uuid.UUID
    org_id: uuid.UUID
    org_name: str
    role: str
    state: str
    is_initiator: bool


class AllianceRead(Output):
    """An alliance as one of its parties sees it."""

    id: uuid.UUID
    name: str
    types: list[str]
    therapeutic_area: str
    description: str
    status: str
    version: int
    created_at: datetime
    updated_at: datetime
    parties: list[PartyRead]
    my_org_id: uuid.UUID
    my_roles: list[str]


class InvitationRead(Output):
    """An invitation to the caller's organisation."""

    party_id: uuid.UUID
    alliance_id: uuid.UUID
    alliance_name: str
    therapeutic_area: str
    types: list[str]
    role: str
    invited_by: str
    created_at: datetime


class MemberCreate(Input):
    """Add one of our own people to the alliance with a role."""

    user_id: uuid.UUID
    role: AllianceRole


class MemberUpdate(Input):
    """Change a member's alliance role."""

    role: AllianceRole


class MemberRead(Output):
    """A member of the alliance."""

    id: uuid.UUID
    user_id: uuid.UUID
    name: str
    email: str
    org_id: uuid.UUID
    org_name: str
    role: str
    version: int


class ActivityRead(Output):
    """An entry of the alliance's activity feed (from the audit trail)."""

    seq: int
    chain: str
    ts: datetime
    effective_at: datetime | None = Field(
        default=None,
        description="for a change time made (an escalation, an expiry, a deemed "
        "acceptance): when it fell due; ``ts`` is when it was recorded",
    )
    actor_name: str
    action: str
    object_type: str
    object_id: str
    private: bool
