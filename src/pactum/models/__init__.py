"""Every ORM table of Pactum, one module per aggregate."""

from pactum.models.agreements import (
    AGREEMENT_STATUSES,
    AGREEMENT_TYPES,
    Agreement,
    AgreementVersion,
)
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
from pactum.models.idempotency import IdempotentRequest
from pactum.models.invoices import INVOICE_SOURCES, Invoice, Payment
from pactum.models.milestones import CLAIM_STATUSES, ClaimNote, Dispute, MilestoneClaim
from pactum.models.objectives import OBJECTIVE_KINDS, OBJECTIVE_STATUSES, Objective
from pactum.models.obligations import (
    OBLIGATION_KINDS,
    OBLIGATION_STATUSES,
    CalendarFeed,
    Notification,
    Obligation,
    ReminderSent,
)
from pactum.models.orgs import Organisation, OrgMembership, User
from pactum.models.scenarios import ValuationScenario
from pactum.models.signatures import SIGNATURE_MEANINGS, Signature
from pactum.models.statements import (
    STATEMENT_STATUSES,
    CostLine,
    FxRate,
    PnlStatement,
    RoyaltyStatement,
    TrueUp,
)

__all__ = [
    "AGREEMENT_STATUSES",
    "AGREEMENT_TYPES",
    "ALLIANCE_ROLES",
    "ALLIANCE_STATUSES",
    "ALLIANCE_TYPES",
    "CLAIM_STATUSES",
    "INVOICE_SOURCES",
    "OBJECTIVE_KINDS",
    "OBJECTIVE_STATUSES",
    "OBLIGATION_KINDS",
    "OBLIGATION_STATUSES",
    "PARTY_ROLES",
    "SIGNATURE_MEANINGS",
    "STATEMENT_STATUSES",
    "Agreement",
    "AgreementVersion",
    "Alliance",
    "AllianceMember",
    "AllianceParty",
    "AllianceScoped",
    "ApiToken",
    "AuditEntry",
    "AuditHead",
    "CalendarFeed",
    "ClaimNote",
    "CostLine",
    "Dispute",
    "FxRate",
    "IdempotentRequest",
    "Invoice",
    "LoginThrottle",
    "MilestoneClaim",
    "Notification",
    "Objective",
    "Obligation",
    "OrgMembership",
    "Organisation",
    "Payment",
    "PnlStatement",
    "ReminderSent",
    "RoyaltyStatement",
    "Signature",
    "TrueUp",
    "User",
    "ValuationScenario",
    "WebSession",
]
