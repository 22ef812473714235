"""The charter's decision rules: business-day clocks (hand-derived), unanimity, quorum,
one vote per party, escalation, final say; and a Hypothesis state machine over the whole
workflow with time frozen per step."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from hypothesis import settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, invariant, precondition, rule

from pactum.governance.rules import (
    TERMINAL,
    Charter,
    Decision,
    RuleError,
    Rung,
    add_business_days,
    advance,
    decide_final_say,
    propose,
    quorum_met,
    vote,
)

CHARTER = Charter(
    parties=("A", "B"),
    voting_members={"a1": "A", "a2": "A", "a3": "A", "b1": "B", "b2": "B"},
    quorum_per_party=2,
    ladder=(Rung("JSC", 15), Rung("executive officers", 30)),
    final_say={"development": "A"},
    reserved=frozenset({"breach"}),
)
MONDAY = date(2026, 11, 23)


def test_business_days_by_hand() -> None:
    """Fri 20 Nov + 1 = Mon 23 Nov; Mon 23 Nov + 15 = Mon 14 Dec (4 + 5 + 5 + 1 days);
    with Thanksgiving (Thu 26 Nov) a holiday, Tue 15 Dec."""
    assert add_business_days(date(2026, 11, 20), 1) == MONDAY
    assert add_business_days(MONDAY, 15) == date(2026, 12, 14)
    assert add_business_days(MONDAY, 15, {date(2026, 11, 26)}) == date(2026, 12, 15)
    assert add_business_days(MONDAY, 0) == MONDAY


def test_deadlock_escalates_then_final_say_decides() -> None:
    """A says yes, B says no at the JSC on Mon 23 Nov: deadlocked, escalates on 14 Dec to
    the executive officers (deadline 30 business days later); B says no again: after their
    clock the development matter goes to A's final say, and A decides."""
    d = propose(CHARTER, "development", "Start the Phase 3?", MONDAY, MONDAY + timedelta(days=7))
    present = {"a1", "a2", "b1", "b2"}
    d = vote(CHARTER, d, "a1", "yes", today=MONDAY, present=present)
    assert d.status == "open"
    d = vote(CHARTER, d, "b1", "no", today=MONDAY, present=present)
    assert d.status == "deadlocked"
    assert d.escalate_on == date(2026, 12, 14)
    assert advance(CHARTER, d, date(2026, 12, 11)).status == "deadlocked"
    up = advance(CHARTER, d, date(2026, 12, 14))
    assert (up.rung, up.status, up.votes) == (1, "open", {})
    assert up.deadline == add_business_days(date(2026, 12, 14), 30)
    up = vote(CHARTER, up, "b2", "no", today=date(2026, 12, 15))
    final = advance(CHARTER, up, up.escalate_on or date.max)
    assert final.status == "final_say"
    with pytest.raises(RuleError, match="no final say"):
        decide_final_say(CHARTER, final, "b1", "no")
    done = decide_final_say(CHARTER, final, "a3", "yes")
    assert done.status == "approved"
    assert "A" in done.outcome


def test_without_final_say_it_goes_to_arbitration_and_reserved_matters_never_start() -> None:
    """Pricing has no final-say party here; breach is reserved to dispute resolution."""
    d = propose(CHARTER, "pricing", "List price?", MONDAY, MONDAY)
    d = advance(CHARTER, d, MONDAY + timedelta(days=1))  # deadline passed without votes
    assert d.status == "deadlocked"
    d = advance(CHARTER, d, date(2027, 6, 1))
    assert d.status == "arbitration"
    with pytest.raises(RuleError, match="reserved"):
        propose(CHARTER, "breach", "Was there a breach?", MONDAY, MONDAY)


def test_quorum_needs_each_party() -> None:
    """Two voting members of each party; a party cannot be outvoted by attendance."""
    assert quorum_met(CHARTER, {"a1", "a2", "b1", "b2"})
    assert not quorum_met(CHARTER, {"a1", "a2", "a3", "b1"})
    d = propose(CHARTER, "development", "Q", MONDAY, MONDAY)
    with pytest.raises(RuleError, match="quorum"):
        vote(CHARTER, d, "a1", "yes", today=MONDAY, present={"a1", "a2", "a3", "b1"})


MEMBERS = ["a1", "a2", "a3", "b1", "b2", "x1"]


class DecisionWorkflow(RuleBasedStateMachine):
    """Random votes (by members, outsiders, twice), meetings with and without quorum, and
    days passing; the invariants must hold after every step."""

    def __init__(self) -> None:
        super().__init__()
        self.today = MONDAY
        self.decision: Decision | None = None
        self.yes_by: dict[str, set[str]] = {}

    @precondition(lambda self: self.decision is None or self.decision.status in TERMINAL)
    @rule(domain=st.sampled_from(["development", "pricing"]), days=st.integers(0, 20))
    def propose_matter(self, domain: str, days: int) -> None:
        """Open a new matter."""
        self.decision = propose(CHARTER, domain, "Q", self.today, self.today + timedelta(days))
        self.yes_by = {}

    @precondition(lambda self: self.decision is not None)
    @rule(
        member=st.sampled_from(MEMBERS),
        choice=st.sampled_from(["yes", "no", "abstain"]),
        present=st.none() | st.sets(st.sampled_from(MEMBERS)),
    )
    def cast(self, member: str, choice: str, present: set[str] | None) -> None:
        """Try to vote; refused votes change nothing."""
        before = self.decision
        assert before is not None
        try:
            after = vote(CHARTER, before, member, choice, today=self.today, present=present)  # type: ignore[arg-type]
        except RuleError:
            assert self.decision is before
            party = CHARTER.voting_members.get(member)
            allowed = (
                before.status == "open"
                and self.today <= before.deadline
                and party is not None
                and party not in before.votes
                and (present is None or (member in present and quorum_met(CHARTER, present)))
            )
            assert not allowed, "a vote the charter allows was refused"
            return
        party = CHARTER.voting_members[member]
        assert party not in before.votes, "a party voted twice"
        assert present is None or quorum_met(CHARTER, present), "voted without quorum"
        if choice == "yes":
            self.yes_by.setdefault(f"{after.rung}", set()).add(party)
        self.decision = after

    @precondition(lambda self: self.decision is not None)
    @rule(days=st.integers(0, 40))
    def time_passes(self, days: int) -> None:
        """Days pass; the clock is applied exactly when due, and applying it twice is the
        same as once."""
        before = self.decision
        assert before is not None
        self.today += timedelta(days=days)
        after = advance(CHARTER, before, self.today)
        assert advance(CHARTER, after, self.today) == after
        if before.status == "deadlocked" and before.escalate_on is not None:
            if self.today < before.escalate_on:
                assert after == before, "escalated before the clock ran out"
            else:
                assert after.rung > before.rung or after.status in {"final_say", "arbitration"}
        self.decision = after

    @precondition(lambda self: self.decision is not None and self.decision.status == "final_say")
    @rule(member=st.sampled_from(MEMBERS), choice=st.sampled_from(["yes", "no"]))
    def final_say(self, member: str, choice: str) -> None:
        """Only the final-say party's member decides."""
        assert self.decision is not None
        try:
            self.decision = decide_final_say(CHARTER, self.decision, member, choice)  # type: ignore[arg-type]
        except RuleError:
            assert CHARTER.voting_members.get(member) != CHARTER.final_say[self.decision.domain]
            return
        assert CHARTER.voting_members[member] == CHARTER.final_say[self.decision.domain]

    @invariant()
    def nothing_approved_without_every_party(self) -> None:
        """Approved: every party said yes at the current rung, or the final-say party."""
        d = self.decision
        if d is not None and d.status == "approved" and "final say" not in d.outcome:
            assert {p for p, (_m, c) in d.votes.items() if c == "yes"} == set(CHARTER.parties)
            assert self.yes_by.get(f"{d.rung}") == set(CHARTER.parties)

    @invariant()
    def votes_come_from_the_party_they_count_for(self) -> None:
        """Each recorded vote is by a voting member of the party it is recorded for."""
        d = self.decision
        if d is not None:
            for party, (member, _choice) in d.votes.items():
                assert CHARTER.voting_members[member] == party

    @invariant()
    def clocks_are_never_overdue(self) -> None:
        """After time is applied, no deadlocked matter is past its escalation date."""
        d = self.decision
        if d is not None and d.status == "deadlocked":
            assert d.escalate_on is not None
            assert self.today < d.escalate_on, "deadlocked past its escalation date"


DecisionWorkflow.TestCase.settings = settings(
    max_examples=150, stateful_step_count=30, deadline=None
)
test_decision_workflow = DecisionWorkflow.TestCase
