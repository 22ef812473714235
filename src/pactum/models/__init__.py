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
from pactum.models.files import StoredFile
from pactum.models.governance import (
    ACTION_STATUSES,
    COMMITTEE_KINDS,
    DECISION_STATUSES,
    ITEM_KINDS,
    ActionItem,
    AgendaItem,
    Attendance,
    Committee,
    CommitteeMember,
    Decision,
    DecisionStep,
    GovernanceReminder,
    Meeting,
    MeetingNote,
    Position,
    Vote,
)
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
    "ACTION_STATUSES",
    "AGREEMENT_STATUSES",
    "AGREEMENT_TYPES",
    "ALLIANCE_ROLES",
    "ALLIANCE_STATUSES",
    "ALLIANCE_TYPES",
    "CLAIM_STATUSES",
    "COMMITTEE_KINDS",
    "DECISION_STATUSES",
    "INVOICE_SOURCES",
    "ITEM_KINDS",
    "OBJECTIVE_KINDS",
    "OBJECTIVE_STATUSES",
    "OBLIGATION_KINDS",
    "OBLIGATION_STATUSES",
    "PARTY_ROLES",
    "SIGNATURE_MEANINGS",
    "STATEMENT_STATUSES",
    "ActionItem",
    "AgendaItem",
    "Agreement",
    "AgreementVersion",
    "Alliance",
    "AllianceMember",
    "AllianceParty",
    "AllianceScoped",
    "ApiToken",
    "Attendance",
    "AuditEntry",
    "AuditHead",
    "CalendarFeed",
    "ClaimNote",
    "Committee",
    "CommitteeMember",
    "CostLine",
    "Decision",
    "DecisionStep",
    "Dispute",
    "FxRate",
    "GovernanceReminder",
    "IdempotentRequest",
    "Invoice",
    "LoginThrottle",
    "Meeting",
    "MeetingNote",
    "MilestoneClaim",
    "Notification",
    "Objective",
    "Obligation",
    "OrgMembership",
    "Organisation",
    "Payment",
    "PnlStatement",
    "Position",
    "ReminderSent",
    "RoyaltyStatement",
    "Signature",
    "StoredFile",
    "TrueUp",
    "User",
    "ValuationScenario",
    "Vote",
    "WebSession",
]
