"""What the obligation pages share: labels, "done" messages, rule and history wording,
party options and table rows."""

from __future__ import annotations

import json
import uuid
from datetime import date
from typing import Any

from pactum.access import AllianceView
from pactum.models import Obligation
from pactum.obligations import rules, service

KIND_LABELS = {
    "report": "Report",
    "notice": "Notice",
    "renewal": "Renewal",
    "committee": "Committee",
    "payment": "Payment",
    "other": "Other",
}
STATE_LABELS = {
    "overdue": "Overdue",
    "due_soon": "Due soon",
    "upcoming": "Upcoming",
    "awaiting_event": "Awaiting event",
    "done": "All done",
    "completed": "Completed",
    "waived": "Waived",
}
OCCURRENCE_LABELS = {**STATE_LABELS, "done": "Done"}
STATE_TAGS = {
    "overdue": "tag--overdue",
    "due_soon": "tag--due",
    "done": "tag--done",
    "completed": "tag--done",
}
PERIOD_LABELS = {"month": "month", "quarter": "quarter", "year": "year"}
RULE_LABELS = {
    "fixed": "On a fixed date",
    "after_event": "A number of days after an event",
    "recurring": "Every month, quarter or year",
}
LABELS = {
    "title": "Title",
    "description": "Description",
    "kind": "Kind",
    "agreement_id": "Agreement",
    "responsible_org_id": "Responsible party",
    "amount": "Amount",
    "currency": "Currency",
    "rule_type": "Due-date rule",
    "rule_date": "Due date",
    "rule_event": "Event",
    "rule_days": "Days after the event",
    "rule_event_date": "Date the event happened",
    "rule_period": "Period",
    "rule_days_after": "Days after each period end",
    "rule_start": "From",
    "rule_end": "Until",
    "remind_days": "Remind this many days ahead",
    "visibility": "Who can see it",
    "share": "Share with the partner",
}
FIELDS = {
    "title": "title",
    "description": "description",
    "kind": "kind",
    "agreement_id": "agreement_id",
    "responsible_org_id": "responsible_org_id",
    "amount": "amount",
    "currency": "currency",
    "rule": "rule_type",
    "rule.type": "rule_type",
    "rule.date": "rule_date",
    "rule.event": "rule_event",
    "rule.days": "rule_days",
    "rule.event_date": "rule_event_date",
    "rule.period": "rule_period",
    "rule.days_after": "rule_days_after",
    "rule.start": "rule_start",
    "rule.end": "rule_end",
    "remind_days": "remind_days",
    "visibility": "visibility",
}
UPDATE_FIELDS = {**FIELDS, "visibility": "share"}
TEXT_KEYS = (
    "title",
    "kind",
    "agreement_id",
    "responsible_org_id",
    "amount",
    "currency",
    "rule_type",
    "rule_date",
    "rule_event",
    "rule_days",
    "rule_event_date",
    "rule_period",
    "rule_days_after",
    "rule_start",
    "rule_end",
    "remind_days",
    "visibility",
)
ACTION_FIELDS = {"due_date": "due_date", "event_date": "event_date", "reason": "reason"}
ACTION_LABELS = {
    "due_date": "Due date",
    "event_date": "Date the event happened",
    "reason": "Reason",
    "status": "Status",
}


def describe_entry(action: str, new_values: str) -> str:
    """An audit entry of an obligation in words."""
    try:
        new = json.loads(new_values or "{}")
    except ValueError:
        new = {}
    verb = action.rsplit(".", 1)[-1]
    note = f" — {new['note']}" if new.get("note") else ""
    if verb == "done":
        closed = " (all done: completed)" if new.get("status") == "completed" else ""
        return f"Marked {new.get('due_date', '')} done{closed}{note}"
    if verb == "undone":
        return f"Marked {new.get('due_date', '')} open again{note}"
    if verb == "event":
        when = new.get("event_date")
        return f"Event date set to {when}" if when else "Event date cleared"
    if verb == "status":
        reason = f" — {new['reason']}" if new.get("reason") else ""
        return f"Status changed to {new.get('status', '')}{reason}"
    if verb == "create":
        return "Recorded"
    if verb == "share":
        return "Shared with the alliance"
    if verb == "update":
        changed = ", ".join(LABELS.get(k, k.replace("_", " ")).lower() for k in sorted(new))
        return f"Edited: {changed}" if changed else "Edited"
    return verb.replace("_", " ").capitalize()


def describe_rule(rule: rules.Rule) -> str:
    """The rule in words: “45 days after each quarter end, from 2027-01-01”."""
    if isinstance(rule, rules.Fixed):
        return f"On {rule.on.isoformat()}"
    if isinstance(rule, rules.AfterEvent):
        happened = (
            f"happened {rule.event_date.isoformat()}" if rule.event_date else "not happened yet"
        )
        return f"{rule.days} days after “{rule.event}” ({happened})"
    until = f" until {rule.end.isoformat()}" if rule.end else ""
    return (
        f"{rule.days_after} days after each {PERIOD_LABELS[rule.period]} end, "
        f"from {rule.start.isoformat()}{until}"
    )


def party_options(view: AllianceView) -> list[tuple[str, str]]:
    """Accepted parties, ours first, as select options."""
    accepted = [p for p in view.alliance.parties if p.state == "accepted"]
    accepted.sort(key=lambda p: p.org_id != view.org_id)
    return [(str(p.org_id), p.org.name) for p in accepted]


def table_row(obligation: Obligation, names: dict[uuid.UUID, str], on: date) -> dict[str, Any]:
    """One obligation as a row of the list: its standing, next due date and party."""
    standing = service.standing(obligation, on)
    return {
        "o": obligation,
        "state": standing.state,
        "next_due": standing.next_due,
        "party": names.get(obligation.responsible_org_id, ""),
        "rule": describe_rule(service.rule_of(obligation)),
    }
