"""Every ORM table of Pactum, one module per aggregate."""

from pactum.models.alliances import (
    ALLIANCE_ROLES,
    ALLIANCE_STATUSES,
    ALLIANCE_TYPES,
    PARTY_ROLES,
    Alliance,
    AllianceMember,
    AllianceParty,
    AllianceScoped,
)
from pactum.models.audit import AuditEntry, AuditHead
from pactum.models.auth import ApiToken, LoginThrottle, WebSession
from pactum.models.objectives import OBJECTIVE_KINDS, OBJECTIVE_STATUSES, Objective
from pactum.models.orgs import Organisation, OrgMembership, User
from pactum.models.scenarios import ValuationScenario

__all__ = [
    "ALLIANCE_ROLES",
    "ALLIANCE_STATUSES",
    "ALLIANCE_TYPES",
    "OBJECTIVE_KINDS",
    "OBJECTIVE_STATUSES",
    "PARTY_ROLES",
    "Alliance",
    "AllianceMember",
    "AllianceParty",
    "AllianceScoped",
    "ApiToken",
    "AuditEntry",
    "AuditHead",
    "LoginThrottle",
    "Objective",
    "OrgMembership",
    "Organisation",
    "User",
    "ValuationScenario",
    "WebSession",
]
