"""What the governance pages share: labels, the people of the alliance, the charter and
a decision's standing in words, and small form-parsing helpers."""

from __future__ import annotations

import re
import uuid
from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy.orm import Session
from starlette.datastructures import FormData

from pactum.access import AllianceView
from pactum.core.time import utcnow
from pactum.governance.service import committees, progress
from pactum.models import AllianceMember, Committee, Decision, DecisionStep

KIND_LABELS = {
    "jsc": "Joint Steering Committee",
    "jdc": "Joint Development Committee",
    "jcc": "Joint Commercialisation Committee",
    "jmc": "Joint Manufacturing Committee",
    "jrc": "Joint Research Committee",
    "working_group": "Working group",
    "executive_officers": "Executive officers",
    "other": "Other body",
}
CADENCE_LABELS = {
    "monthly": "Monthly",
    "quarterly": "Quarterly",
    "half_yearly": "Every six months",
    "yearly": "Yearly",
    "ad_hoc": "When needed",
}
ROTATION_LABELS = {
    "fixed": "Fixed: always the same party",
    "alternate_yearly": "Alternates between the parties every year",
    "alternate_each_meeting": "Alternates between the parties at each meeting",
}
ABSENCE_LABELS = {
    "no_quorum_no_decision": "Without quorum the meeting cannot decide",
    "recalled_meeting_proceeds": (
        "A meeting re-called after an inquorate one proceeds with those present "
        "(a party cannot block by staying away)"
    ),
}
ITEM_KIND_LABELS = {
    "information": "Information",
    "discussion": "Discussion",
    "decision": "Decision",
}
DECISION_STATUS_LABELS = {
    "open": "Open",
    "approved": "Approved",
    "rejected": "Rejected",
    "deadlocked": "Deadlocked",
    "final_say": "Final say",
    "arbitration": "Arbitration",
    "withdrawn": "Withdrawn",
}
MEETING_STATUS_LABELS = {"scheduled": "Scheduled", "held": "Held", "cancelled": "Cancelled"}
ACTION_STATUS_LABELS = {"open": "Open", "done": "Done", "cancelled": "Cancelled"}
CHOICE_LABELS = {"yes": "Yes", "no": "No", "abstain": "Abstain"}


def alliance_url(alliance_id: uuid.UUID) -> str:
    """The alliance's base address for the pages."""
    return f"/alliances/{alliance_id}"


@dataclass(frozen=True)
class PartyPeople:
    """A party's alliance members, for a select with one group per party."""

    org_id: uuid.UUID
    name: str
    members: list[tuple[str, str]]  # (user id, name)


def members_by_party(view: AllianceView, found: list[AllianceMember]) -> list[PartyPeople]:
    """Alliance members grouped by party, our party first."""
    groups = []
    parties = sorted(
        (p for p in view.alliance.parties if p.state == "accepted"),
        key=lambda p: (p.org_id != view.org_id, p.org.name),
    )
    for party in parties:
        mine = [(str(m.user_id), m.user.name) for m in found if m.org_id == party.org_id]
        groups.append(PartyPeople(party.org_id, party.org.name, sorted(mine, key=lambda x: x[1])))
    return groups


def party_options(view: AllianceView) -> list[tuple[str, str]]:
    """(organisation id, name) of each accepted party."""
    return [(str(p.org_id), p.org.name) for p in view.alliance.parties if p.state == "accepted"]


def final_say_words(view: AllianceView, committee: Committee) -> list[tuple[str, str]]:
    """(domain, party name) of the committee's final-say domains."""
    names = {str(k): v for k, v in view.party_names.items()}
    return [(d, names.get(o, "a former party")) for d, o in sorted(committee.final_say.items())]


def charter_words(
    view: AllianceView,
    committee: Committee,
    by_id: dict[uuid.UUID, Committee],
    *,
    meetings_held: int = 0,
    next_due: date | None = None,
) -> list[tuple[str, str]]:
    """The charter as (term, sentence) pairs for the committee page."""
    names = view.party_names
    first = names.get(committee.chair_org_id, "—") if committee.chair_org_id else "—"
    now = committees.chair_party(view, committee, utcnow().date(), meetings_held=meetings_held)
    chair = names.get(now, "—") if now else "—"
    rotation = {
        "fixed": f"{first} always chairs.",
        "alternate_yearly": f"{chair} chairs this year; the chair alternates between the "
        f"parties every calendar year (starting with {first}).",
        "alternate_each_meeting": f"{chair} chairs the next meeting; the chair alternates at "
        f"each meeting held (starting with {first}).",
    }.get(committee.chair_rotation, chair)
    final = final_say_words(view, committee)
    nxt = by_id.get(committee.escalates_to_id) if committee.escalates_to_id else None
    days = committee.decision_days
    if nxt is not None:
        escalation = (
            f"A matter it cannot agree on goes to {nxt.name} when {days} business days have "
            "passed since the deadlock."
        )
    elif final:
        escalation = (
            f"Top of its ladder: when {days} business days pass after a deadlock, the party "
            "with final say over the matter's domain decides; otherwise the matter goes to "
            "arbitration."
        )
    else:
        escalation = (
            f"Top of its ladder: when {days} business days pass after a deadlock, the matter "
            "goes to arbitration."
        )
    return [
        ("Kind", KIND_LABELS.get(committee.kind, committee.kind)),
        ("Purpose", committee.purpose or "—"),
        (
            "Meets",
            CADENCE_LABELS.get(committee.cadence, committee.cadence)
            + (
                f"; next meeting due by {next_due.isoformat()}"
                + (" (overdue)" if next_due < utcnow().date() else "")
                if next_due
                else ""
            ),
        ),
        ("Chair", rotation),
        (
            "Quorum",
            f"At least {committee.quorum_per_party} voting member(s) of each party present.",
        ),
        ("If a party stays away", ABSENCE_LABELS.get(committee.absence_rule, "")),
        (
            "Voting",
            "One vote per party, however many members attend; a decision needs every party's "
            "yes (unanimity).",
        ),
        (
            "Final say",
            "; ".join(f"{party} decides {domain} matters" for domain, party in final)
            or "No party has final say: a matter the ladder cannot settle goes to arbitration.",
        ),
        (
            "Reserved matters",
            (
                ", ".join(committee.reserved) + " — the committee may not decide these; they go "
                "to dispute resolution."
            )
            if committee.reserved
            else "None.",
        ),
        ("Escalation", escalation),
        ("Holidays", ", ".join(committee.holidays) or "None beyond weekends."),
    ]


@dataclass(frozen=True)
class Standing:
    """Where a decision stands, in words, and its ladder as steps."""

    text: str
    steps: list[str]
    current: int


def standing(
    view: AllianceView,
    decision: Decision,
    ladder: progress.Ladder,
    history: list[DecisionStep] | None = None,
) -> Standing:
    """A sentence explaining the decision's status, and the ladder's steps."""
    names = {str(k): v for k, v in view.party_names.items()}
    bodies = ladder.bodies
    party = ladder.origin.final_say.get(decision.domain)
    final = f"Final say: {names.get(party, 'a party')}" if party else "Arbitration"
    steps = [b.name for b in bodies] + [final]
    body = ladder.body(decision.rung)
    at_end = decision.status in ("final_say", "arbitration") or any(
        s.status in ("final_say", "arbitration") for s in history or []
    )
    current = len(bodies) if at_end else min(decision.rung, len(bodies) - 1)
    if decision.status == "open":
        where = " in its meeting" if decision.meeting_id and decision.rung == 0 else " in writing"
        text = (
            f"Open: before {body.name}, to be voted{where} by {decision.deadline.isoformat()}. "
            "Each party votes once; every party's yes approves it."
        )
    elif decision.status == "deadlocked":
        when = decision.escalate_on.isoformat() if decision.escalate_on else "?"
        if decision.rung + 1 < len(bodies):
            nxt = bodies[decision.rung + 1].name
        elif party:
            nxt = f"{names.get(party, 'the final-say party')} (final say over {decision.domain})"
        else:
            nxt = "arbitration"
        text = f"Deadlocked in {body.name}: escalates to {nxt} on {when} unless resolved."
    elif decision.status == "final_say":
        text = (
            f"The ladder is exhausted: {names.get(party or '', 'the final-say party')} has the "
            f"final say over {decision.domain} and decides."
        )
    elif decision.status == "arbitration":
        text = (
            "The ladder is exhausted and no party has final say over "
            f"{decision.domain}: referred to arbitration. Download the dossier for the hand-off."
        )
    elif decision.status == "withdrawn":
        text = "Withdrawn by the proposing party."
    else:
        label = DECISION_STATUS_LABELS.get(decision.status, decision.status)
        text = f"{label}: {decision.outcome}." if decision.outcome else f"{label}."
    return Standing(text, steps, current)


def now_before(decision: Decision, by_id: dict[uuid.UUID, Committee]) -> str:
    """The name of the body now deciding."""
    body = by_id.get(decision.body_id)
    return body.name if body else ""


def when_due(decision: Decision) -> str:
    """The date that matters next: the voting deadline or the escalation date."""
    if decision.status == "open":
        return f"vote by {decision.deadline.isoformat()}"
    if decision.status == "deadlocked" and decision.escalate_on:
        return f"escalates on {decision.escalate_on.isoformat()}"
    if decision.status == "final_say":
        return "for the final-say party to decide"
    return "—"


def committee_map(db: Session, view: AllianceView) -> dict[uuid.UUID, Committee]:
    """The alliance's committees by id."""
    return {c.id: c for c in committees.list_committees(db, view)}


def lines(text: str) -> list[str]:
    """Non-empty lines of a text area."""
    return [line.strip() for line in text.splitlines() if line.strip()]


def items_of(text: str) -> list[str]:
    """Comma- or line-separated entries of a text field."""
    return [part.strip() for part in re.split(r"[,\n;]", text) if part.strip()]


def papers_of(text: str) -> list[dict[str, str]]:
    """Papers typed one per line, ``Title | https://link`` (or just the link)."""
    found = []
    for line in lines(text):
        title, sep, url = line.rpartition("|")
        if not sep:
            title, url = "", line
        url = url.strip()
        found.append({"title": title.strip() or url[:200], "url": url})
    return found


def utc_input(value: str) -> str:
    """A ``datetime-local`` value (no offset) read as UTC, for the schema to check."""
    text = value.strip()
    if re.fullmatch(r"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2})?", text):
        return text + ("" if text.count(":") == 2 else ":00") + "+00:00"
    return text


def date_or_none(value: str) -> date | None:
    """An ISO date, or ``None`` when empty or unreadable."""
    try:
        return date.fromisoformat(value) if value else None
    except ValueError:
        return None


def raw(form: FormData, name: str) -> str:
    """A text area's value as typed (not stripped)."""
    value: Any = form.get(name, "")
    return value if isinstance(value, str) else ""
