"""Labels and small helpers shared by the alliance pages."""

from __future__ import annotations

import uuid
from typing import Any

from sqlalchemy import Select
from sqlalchemy.orm import Session
from starlette.datastructures import FormData

from pactum.alliances.lifecycle import LABELS as STATUS_LABELS
from pactum.models import (
    PARTY_ROLES,
    Alliance,
    AllianceParty,
)
from pactum.objectives.reads import KIND_LABELS, OBJECTIVE_STATUS_LABELS
from pactum.web.session import field

TYPE_LABELS = {
    "research_collaboration": "Research collaboration",
    "licensing": "Licensing",
    "co_development": "Co-development",
    "co_commercialisation": "Co-commercialisation",
    "joint_venture": "Joint venture",
    "technology_transfer": "Technology transfer",
    "strategic_investment": "Strategic investment",
    "supply_manufacturing": "Supply & manufacturing",
    "confidentiality": "Confidentiality (CDA)",
}
ROLE_LABELS = {
    "alliance_manager": "Alliance manager",
    "committee_member": "Committee member",
    "finance": "Finance",
    "legal": "Legal",
    "contributor": "Contributor",
    "viewer": "Viewer",
    "org_admin": "Organisation administrator",
}
PARTY_ROLE_LABELS = {r: r.replace("_", "-").capitalize() for r in PARTY_ROLES}
PARTY_ROLE_LABELS["co_developer"] = "Co-developer"
PARTY_ROLE_LABELS["co_promoter"] = "Co-promoter"
ACTIVITY_EXPORT_LIMIT = 100_000

COMMON = {
    "status_labels": STATUS_LABELS,
    "type_labels": TYPE_LABELS,
    "role_labels": ROLE_LABELS,
    "party_role_labels": PARTY_ROLE_LABELS,
    "kind_labels": KIND_LABELS,
    "objective_status_labels": OBJECTIVE_STATUS_LABELS,
}


def fetch_all(db: Session, stmt: Select[Any]) -> list[Any]:
    """Every entity a select built by the access layer returns."""
    return list(db.execute(stmt).scalars())


def partners_of(alliance: Alliance, my_org_id: uuid.UUID | None) -> list[AllianceParty]:
    return [p for p in alliance.parties if p.org_id != my_org_id]


def roles_text(roles: frozenset[str]) -> str:
    return ", ".join(ROLE_LABELS.get(r, r) for r in sorted(roles)) or "—"


ALLIANCE_LABELS = {
    "name": "Alliance name",
    "types": "Type of alliance",
    "therapeutic_area": "Therapeutic area",
    "description": "Description",
    "my_role": "Your organisation's role",
    "partner_org_id": "Partner organisation",
    "partner_role": "Partner's role",
}
ALLIANCE_FIELDS = {
    "name": "name",
    "types": "types",
    "therapeutic_area": "therapeutic_area",
    "description": "description",
    "my_role": "my_role",
    "partners.0.org_id": "partner_org_id",
    "partners.0.role": "partner_role",
    "partners": "partner_org_id",
}


def alliance_values(form: FormData) -> dict[str, Any]:
    values: dict[str, Any] = {
        k: field(form, k)
        for k in ("name", "therapeutic_area", "my_role", "partner_org_id", "partner_role")
    }
    values["description"] = str(form.get("description", ""))
    values["types"] = [str(t) for t in form.getlist("types")]
    return values
