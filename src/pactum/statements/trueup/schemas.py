"""Schemas for quarterly cost-sharing true-ups, their cost lines and their signatures."""

from __future__ import annotations

import uuid
from datetime import datetime
from decimal import Decimal
from typing import Annotated, Any, Literal

from pydantic import Field, StringConstraints

from pactum.core.schemas import Amount, Currency, Input, LongText, Output
from pactum.signatures.schemas import Meaning, SignatureRead

Year = Annotated[int, Field(ge=2000, le=2100)]
Quarter = Annotated[int, Field(ge=1, le=4)]
Share = Annotated[Decimal, Field(ge=0, le=1, decimal_places=4)]
Decision = Annotated[str, StringConstraints(min_length=1, max_length=300, strip_whitespace=True)]
WorkPackage = Annotated[str, StringConstraints(min_length=1, max_length=120, strip_whitespace=True)]
Category = Annotated[str, StringConstraints(min_length=1, max_length=120, strip_whitespace=True)]
Description = Annotated[str, StringConstraints(max_length=300, strip_whitespace=True)]
Reason = Annotated[str, StringConstraints(max_length=2000, strip_whitespace=True)]
Phase = Literal["preclinical", "phase1", "phase2", "phase3", "regulatory"]
# Passwords are taken exactly as typed (no stripping).
Password = Annotated[str, StringConstraints(min_length=1, max_length=256, strip_whitespace=False)]
Sha256 = Annotated[str, StringConstraints(pattern=r"^[0-9a-fA-F]{64}$")]


class TrueUpCreate(Input):
    """A quarter's true-up under an agreement: the committee-approved budget per party and
    the licensor's share of the costs (explicit, or the agreement's share for a phase)."""

    agreement_id: uuid.UUID
    year: Year
    quarter: Quarter
    licensor_budget: Amount = Field(description="the licensor's committee-approved budget")
    licensor_budget_decision: Decision = Field(
        description="the committee decision that approved it (e.g. JSC 2027-02, item 4)"
    )
    licensee_budget: Amount
    licensee_budget_decision: Decision
    licensor_share: Share | None = Field(
        default=None, description="the licensor's share of shareable costs (0.5 = 50%)"
    )
    phase: Phase | None = Field(
        default=None,
        description="take the licensor's share from the agreement's licensor_cost_share "
        "for this phase (instead of licensor_share)",
    )
    note: LongText = ""


class TrueUpUpdate(Input):
    """Editable inputs of a draft true-up (each edit invalidates its signatures)."""

    licensor_budget: Amount | None = None
    licensor_budget_decision: Decision | None = None
    licensee_budget: Amount | None = None
    licensee_budget_decision: Decision | None = None
    licensor_share: Share | None = None
    phase: Phase | None = None
    note: LongText | None = None


class CostLineCreate(Input):
    """One cost the caller's party incurred in the quarter, in the true-up's currency."""

    work_package: WorkPackage
    category: Category
    description: Description = ""
    amount: Amount
    currency: Currency


class CostLineUpdate(Input):
    """Editable fields of one of the caller's party's cost lines."""

    work_package: WorkPackage | None = None
    category: Category | None = None
    description: Description | None = None
    amount: Amount | None = None
    currency: Currency | None = None


class DisputeSet(Input):
    """Dispute the other party's line (with a reason), or withdraw the dispute."""

    disputed: bool
    reason: Reason = ""


class SignatureCreate(Input):
    """Sign a version of the true-up (SIG-1): the password again, the printed name, the
    meaning; ``content_sha256`` (optional) must be the SHA-256 the signer reviewed."""

    version: Annotated[int, Field(ge=1, le=10**9)]
    password: Password
    printed_name: Annotated[str, StringConstraints(min_length=1, max_length=200)]
    meaning: Meaning = "approval"
    content_sha256: Sha256 | None = None


class LinesSubmit(Input):
    """What the submitter reviewed (optional: without it, every current draft of the party
    is submitted)."""

    drafts_sha256: Annotated[str, StringConstraints(pattern=r"^[0-9a-f]{64}$")] | None = Field(
        default=None, description="the true-up's ``drafts_sha256`` as you read it"
    )


class CostLineRead(Output):
    """A cost line with its dispute state."""

    id: uuid.UUID
    true_up_id: uuid.UUID
    party_org_id: uuid.UUID
    work_package: str
    category: str
    description: str
    amount: Decimal
    currency: str
    disputed: bool
    dispute_reason: str
    version: int
    created_at: datetime
    submitted: bool = Field(
        description="submitted lines are seen by both parties and counted in the result; "
        "a draft line is seen only by its party until the party submits its lines"
    )
    true_up_version: int = Field(description="the true-up's version after this change")


class TrueUpSummary(Output):
    """A true-up without its lines."""

    id: uuid.UUID
    alliance_id: uuid.UUID
    agreement_id: uuid.UUID
    year: int
    quarter: int
    currency: str
    status: str
    total: Decimal = Field(description="the shareable total")
    version: int
    created_at: datetime
    updated_at: datetime
    decided_at: datetime | None


class TrueUpRead(TrueUpSummary):
    """A true-up with its inputs, result, lines, signatures and the hash a signature binds."""

    note: str
    inputs: dict[str, Any]
    result: dict[str, Any]
    content_sha256: str
    lines: list[CostLineRead] = Field(description="the submitted lines (the result counts them)")
    draft_lines: list[CostLineRead] = Field(
        description="your party's lines not yet submitted (only your party sees them)"
    )
    drafts_sha256: str = Field(
        description="a fingerprint of those drafts: send it when submitting them, so that "
        "lines changed meanwhile are not submitted unseen"
    )
    signatures: list[SignatureRead]
    invoice_id: uuid.UUID | None
