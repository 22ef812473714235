"""The alliance lifecycle: which status may follow which (pure rules)."""

from __future__ import annotations

TRANSITIONS: dict[str, frozenset[str]] = {
    "candidate": frozenset({"due_diligence", "closed"}),
    "due_diligence": frozenset({"negotiation", "candidate", "closed"}),
    "negotiation": frozenset({"launching", "due_diligence", "closed"}),
    "launching": frozenset({"active", "terminating"}),
    "active": frozenset({"terminating"}),
    "terminating": frozenset({"closed", "active"}),
    "closed": frozenset(),
}
NEEDS_REASON = frozenset({"terminating", "closed"})

LABELS = {
    "candidate": "Candidate",
    "due_diligence": "Due diligence",
    "negotiation": "Negotiation",
    "launching": "Launching",
    "active": "Active",
    "terminating": "Terminating",
    "closed": "Closed",
}


def allowed_next(status: str) -> frozenset[str]:
    """The statuses an alliance in ``status`` may move to."""
    return TRANSITIONS.get(status, frozenset())


def check_transition(current: str, target: str, reason: str) -> str | None:
    """Return why the move is refused, or ``None`` if it is allowed."""
    if target not in allowed_next(current):
        options = ", ".join(sorted(allowed_next(current))) or "none (closed is final)"
        return f"cannot move from {current} to {target}; allowed: {options}"
    if target in NEEDS_REASON and not reason.strip():
        return f"a reason is required to move to {target}"
    return None
