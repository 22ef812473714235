"""What the governance documents show: plain frozen records the service layer fills."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime


@dataclass(frozen=True)
class SignatureLine:
    """One signature's manifestation (Part 11 §11.50): who, for whom, why, when, on what."""

    printed_name: str
    party: str
    role: str
    meaning: str  # authorship | review | approval | responsibility
    signed_at: datetime  # aware UTC
    object_version: int
    content_sha256: str  # hex
    valid: bool
    invalidated_at: datetime | None = None


@dataclass(frozen=True)
class VoteLine:
    """One party's vote on a decision, cast by one of its voting members."""

    body: str  # e.g. "Joint Steering Committee" or "Executive officers"
    party: str
    member: str  # printed name of the voting member
    choice: str  # yes | no | abstain | final say: approved/rejected
    at: datetime


@dataclass(frozen=True)
class MinutesItem:
    """One agenda item of a meeting with what was decided, voted and assigned."""

    number: int
    kind: str  # information | discussion | decision
    title: str
    notes: str  # free text, may be multi-line
    decisions: tuple[str, ...] = ()
    votes: tuple[VoteLine, ...] = ()
    actions: tuple[str, ...] = ()


@dataclass(frozen=True)
class Attendee:
    """A person on the attendance list of a meeting."""

    name: str
    party: str
    voting: bool
    present: bool


@dataclass(frozen=True)
class MinutesDoc:
    """The minutes of one meeting with the signatures on them."""

    alliance: str
    committee: str
    title: str  # meeting title
    starts_at: datetime  # aware UTC
    location: str
    chair: str
    attendees: tuple[Attendee, ...]
    quorum: str
    items: tuple[MinutesItem, ...]
    version: int
    content_sha256: str  # SHA-256 of the minutes content that signatures bind to
    signatures: tuple[SignatureLine, ...]
    required_parties: tuple[str, ...]  # party names whose approver must sign
    generated_at: datetime


@dataclass(frozen=True)
class TimelineEntry:
    """One event in the history of a decision."""

    at: datetime
    body: str  # which body / rung, or ""
    text: str


@dataclass(frozen=True)
class Position:
    """A party's stated position on a disputed decision (shared text)."""

    party: str
    text: str


@dataclass(frozen=True)
class DossierDoc:
    """Everything about one decision that an arbitrator needs, in one document."""

    alliance: str
    reference: str  # e.g. "DEC-2027-0004"
    question: str
    domain: str
    status: str
    outcome: str
    generated_at: datetime
    ladder: tuple[str, ...]
    timeline: tuple[TimelineEntry, ...]
    votes: tuple[VoteLine, ...]
    positions: tuple[Position, ...]
    minutes: tuple[MinutesDoc, ...]


def counts(signature: SignatureLine, doc: MinutesDoc) -> bool:
    """Whether a signature counts: flagged valid, not invalidated, on the current content."""
    return (
        signature.valid
        and signature.invalidated_at is None
        and signature.content_sha256.lower() == doc.content_sha256.lower()
    )


def awaiting_parties(doc: MinutesDoc) -> tuple[str, ...]:
    """The required parties without a signature that counts, in the order required."""
    signed = {s.party for s in doc.signatures if counts(s, doc)}
    return tuple(dict.fromkeys(p for p in doc.required_parties if p not in signed))


def signoff_status(doc: MinutesDoc) -> str:
    """The sign-off line: "Signed by all parties" or "Awaiting signature of: ..." (SIG-2)."""
    if not doc.required_parties:
        return "Not signed off: no signing parties are named"
    missing = awaiting_parties(doc)
    if missing:
        return "Awaiting signature of: " + ", ".join(missing)
    return "Signed by all parties"
