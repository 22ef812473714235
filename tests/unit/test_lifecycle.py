"""The alliance lifecycle as a state machine (property-based)."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from pactum.alliances.lifecycle import NEEDS_REASON, TRANSITIONS, allowed_next, check_transition
from pactum.models import ALLIANCE_STATUSES


def test_every_status_is_known_and_closed_is_final() -> None:
    """The table covers every status; nothing leaves `closed`; everything can reach it."""
    assert set(TRANSITIONS) == set(ALLIANCE_STATUSES)
    assert all(targets <= set(ALLIANCE_STATUSES) for targets in TRANSITIONS.values())
    assert allowed_next("closed") == frozenset()
    for start in ALLIANCE_STATUSES:
        seen, frontier = {start}, [start]
        while frontier:
            for nxt in allowed_next(frontier.pop()):
                if nxt not in seen:
                    seen.add(nxt)
                    frontier.append(nxt)
        assert "closed" in seen, start


@given(
    moves=st.lists(
        st.tuples(st.sampled_from(ALLIANCE_STATUSES), st.sampled_from(["", "board decision"])),
        max_size=30,
    )
)
def test_random_walks_only_follow_the_table(moves: list[tuple[str, str]]) -> None:
    """Applying random requested moves keeps the status valid and the rules enforced."""
    status = "candidate"
    for target, reason in moves:
        problem = check_transition(status, target, reason)
        allowed = target in TRANSITIONS[status] and (target not in NEEDS_REASON or reason)
        assert (problem is None) == bool(allowed)
        if problem is None:
            status = target
        assert status in ALLIANCE_STATUSES
    if status == "closed":
        assert all(check_transition("closed", t, "r") is not None for t in ALLIANCE_STATUSES)
