"""The decision workflow as a Hypothesis state machine, through the services and the
database, with the clock frozen and moved by the machine.

People of both parties (voting and non-voting members of the JSC, executive officers, a
member of no committee) vote at random, attendance of the meeting changes, days pass and
the final-say party tries to decide. After every step:

- nothing is approved without every party's "yes" at one rung, unless the final-say party
  decided it at the final-say step;
- nobody votes twice and no party votes twice at a rung; every vote comes from a voting
  member of the body of its rung, for their own party;
- in a meeting, a vote was only accepted from a present member of a quorate meeting;
- clocks escalate exactly when due: an open matter is never past its deadline, a
  deadlocked one never past its escalation date, and each escalation date is the
  deadlock day plus the rung's business days.
"""

from __future__ import annotations

import itertools
from datetime import UTC, date, datetime, timedelta

import pytest
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import (
    RuleBasedStateMachine,
    initialize,
    invariant,
    rule,
    run_state_machine_as_test,
)
from sqlalchemy.engine import Connection
from sqlalchemy.orm import Session, sessionmaker

from pactum.access import open_alliance
from pactum.core.errors import PactumError
from pactum.core.time import frozen
from pactum.governance.rules import add_business_days
from pactum.governance.schemas import (
    AttendanceIn,
    CommitteeCreate,
    DecisionCreate,
    FinalSayIn,
    ItemCreate,
    MeetingCreate,
    SeatCreate,
    VoteCreate,
)
from pactum.governance.service import committees, decisions, due, meetings, progress
from tests.conftest import World

START = date(2026, 11, 23)  # a Monday
JSC_DAYS, EXEC_DAYS = 3, 2
# person -> (party, seat): "jsc" voting, "jsc-" non-voting, "exec" officer, "" none
CAST = {
    "a_manager": ("A", "jsc"),
    "a_contributor": ("A", "jsc"),
    "a_viewer": ("A", "jsc-"),
    "a_finance": ("A", "exec"),
    "b_manager": ("B", "jsc"),
    "b_contributor": ("B", "jsc-"),
    "b_finance": ("B", "exec"),
    "c_admin": ("C", ""),
}


def moment(day: date) -> datetime:
    return datetime(day.year, day.month, day.day, 10, 0, tzinfo=UTC)


def make_machine(world: World, connection: Connection, factory: sessionmaker[Session]):  # type: ignore[no-untyped-def]
    """The state machine bound to this test's database."""

    class Workflow(RuleBasedStateMachine):
        def __init__(self) -> None:
            super().__init__()
            self.savepoint = connection.begin_nested()
            self.today = START
            self.accepted: list[tuple[str, int, frozenset[str]]] = []  # (person, rung, present)
            self.present: frozenset[str] = frozenset()

        def teardown(self) -> None:
            self.savepoint.rollback()

        def view(self, session: Session, person: str):  # type: ignore[no-untyped-def]
            return open_alliance(session, world[person].principal, world.alliance_id)

        @initialize(in_meeting=st.booleans(), options=st.booleans())
        def setup(self, in_meeting: bool, options: bool) -> None:
            with frozen(moment(self.today)), factory() as s:
                a = self.view(s, "a_manager")
                execs = committees.create_committee(
                    s,
                    a,
                    CommitteeCreate(
                        name="Executive officers",
                        kind="executive_officers",
                        decision_days=EXEC_DAYS,
                    ),
                )
                jsc = committees.create_committee(
                    s,
                    a,
                    CommitteeCreate(
                        name="JSC",
                        kind="jsc",
                        decision_days=JSC_DAYS,
                        quorum_per_party=1,
                        absence_rule="no_quorum_no_decision",
                        final_say={"development": world.orgs["A"]},
                        escalates_to_id=execs.id,
                    ),
                )
                b = self.view(s, "b_manager")
                for person, (party, seat) in CAST.items():
                    if not seat:
                        continue
                    v = a if party == "A" else b
                    body = execs if seat == "exec" else jsc
                    committees.add_seat(
                        s,
                        v,
                        body.id,
                        SeatCreate(user_id=world[person].user_id, voting=seat != "jsc-"),
                    )
                item_id = None
                if in_meeting:
                    meeting = meetings.schedule(
                        s,
                        a,
                        jsc.id,
                        MeetingCreate(
                            title="JSC",
                            starts_at=moment(self.today),
                            ends_at=moment(self.today) + timedelta(hours=2),
                        ),
                    )
                    item_id = meetings.add_item(
                        s, a, meeting.id, ItemCreate(kind="decision", title="Phase 2")
                    ).id
                    self.meeting_id = meeting.id
                decision = decisions.propose(
                    s,
                    a,
                    DecisionCreate(
                        committee_id=jsc.id,
                        domain="development",
                        question="Start Phase 2?",
                        options=["US only", "Global"] if options else [],
                        deadline=self.today + timedelta(days=4),
                        agenda_item_id=item_id,
                    ),
                )
                s.commit()
            self.decision_id = decision.id
            self.in_meeting = in_meeting
            self.options = ["US only", "Global"] if options else []

        def state(self, session: Session):  # type: ignore[no-untyped-def]
            v = self.view(session, "a_manager")
            return decisions.get_decision(session, v, self.decision_id), v

        @rule(
            person=st.sampled_from(sorted(CAST)),
            choice=st.sampled_from(("yes", "yes", "no", "abstain")),
            pick=st.integers(0, 1),
        )
        def vote(self, person: str, choice: str, pick: int) -> None:
            option = self.options[pick] if self.options and choice == "yes" else ""
            with frozen(moment(self.today)), factory() as s:
                allowed, rung = self.may_vote(s, person)
                try:
                    v = self.view(s, person)
                    decisions.cast_vote(
                        s,
                        v,
                        self.decision_id,
                        VoteCreate(choice=choice, option=option),  # type: ignore[arg-type]
                    )
                    s.commit()
                except PactumError as exc:
                    s.rollback()
                    refused = exc.message
                else:
                    refused = ""
            if refused:
                assert not allowed, f"{person}'s allowed vote was refused: {refused}"
                return
            assert allowed, f"{person} voted although the charter does not allow it"
            self.accepted.append((person, rung, self.present))

        def may_vote(self, s: Session, person: str) -> tuple[bool, int]:
            """Whether the charter lets ``person`` vote now (the model's own answer)."""
            stored, v = self.state(s)
            decision = due.as_of_one(s, v, stored).decision
            party, seat = CAST[person]
            voted = {
                x.party_org_id
                for x in progress.votes_of(s, v, [decision.id])
                if x.rung == decision.rung
            }
            wanted = "jsc" if decision.rung == 0 else "exec"
            allowed = (
                decision.status == "open" and seat == wanted and world.orgs.get(party) not in voted
            )
            if allowed and self.in_meeting and decision.rung == 0:
                voters = {CAST[p][0] for p in self.present if CAST[p][1] == "jsc"}
                allowed = person in self.present and voters >= {"A", "B"}
            s.rollback()
            return allowed, decision.rung

        @rule(people=st.frozensets(st.sampled_from(sorted(CAST))))
        def attend(self, people: frozenset[str]) -> None:
            if not self.in_meeting:
                return
            with frozen(moment(self.today)), factory() as s:
                v = self.view(s, "a_manager")
                seated = {a.user_id for a in meetings.attendance(s, v, self.meeting_id)}
                present = [world[p].user_id for p in people if world[p].user_id in seated]
                meeting = meetings.get_meeting(s, v, self.meeting_id)
                meetings.record_attendance(
                    s,
                    v,
                    self.meeting_id,
                    AttendanceIn(present=present),
                    expected_version=meeting.version,
                )
                s.commit()
            self.present = frozenset(p for p in people if world[p].user_id in set(present))

        @rule(days=st.integers(1, 6))
        def days_pass(self, days: int) -> None:
            self.today += timedelta(days=days)
            with frozen(moment(self.today)), factory() as s:
                due.advance_all(s, self.today)  # the scheduler runs
                s.commit()

        @rule(person=st.sampled_from(sorted(CAST)), choice=st.sampled_from(("yes", "no")))
        def final_say(self, person: str, choice: str) -> None:
            option = self.options[0] if self.options and choice == "yes" else ""
            with frozen(moment(self.today)), factory() as s:
                try:
                    v = self.view(s, person)
                    decisions.decide_final_say(
                        s,
                        v,
                        self.decision_id,
                        FinalSayIn(choice=choice, option=option, rationale="decided"),  # type: ignore[arg-type]
                    )
                    s.commit()
                except PactumError:
                    s.rollback()
                    return
            assert CAST[person][0] == "A", f"{person} of party {CAST[person][0]} had final say"

        @invariant()
        def rules_hold(self) -> None:
            with frozen(moment(self.today)), factory() as s:
                decision, v = self.state(s)
                votes = progress.votes_of(s, v, [decision.id])
                steps = progress.steps_of(s, v, decision.id)
                ladder = progress.ladder_of(s, v, decision)
                seats = committees.seats(s, v, [b.id for b in ladder.bodies], active_only=True)
            pairs = [(x.rung, x.party_org_id) for x in votes]
            assert len(pairs) == len(set(pairs)), "a party voted twice at one rung"
            people = [(x.rung, x.member_id) for x in votes]
            assert len(people) == len(set(people)), "someone voted twice at one rung"
            voting = {(x.committee_id, x.user_id, x.owner_org_id) for x in seats if x.voting}
            for x in votes:
                assert (x.body_id, x.member_id, x.party_org_id) in voting, "vote by a non-voter"
                assert x.body_id == ladder.body(x.rung).id
            if self.in_meeting:
                for person, rung, present in self.accepted:
                    if rung == 0:
                        assert person in present, f"{person} voted without attending"
                        parties = {CAST[p][0] for p in present if CAST[p][1] == "jsc"}
                        assert parties >= {"A", "B"}, "a vote was taken without quorum"
            if decision.status == "approved":
                by_final_say = "final say" in decision.outcome
                at_rung = [x for x in votes if x.rung == decision.rung]
                unanimous = {x.party_org_id for x in at_rung if x.choice == "yes"} == {
                    world.orgs["A"],
                    world.orgs["B"],
                } and len({x.option for x in at_rung}) == 1
                assert unanimous or by_final_say, "approved without every party's yes"
                if by_final_say:
                    assert any(st_.status == "final_say" for st_ in steps)
            if decision.status == "open":
                assert self.today <= decision.deadline, "open past its deadline"
            if decision.status == "deadlocked":
                assert decision.escalate_on is not None
                assert self.today < decision.escalate_on, "deadlocked past its escalation date"
                last = next(x for x in reversed(steps) if x.status == "deadlocked")
                days = ladder.body(decision.rung).decision_days
                assert decision.escalate_on == add_business_days(last.on_day, days)
            for before, after in itertools.pairwise(steps):
                if after.rung > before.rung:
                    assert before.status == "deadlocked"
                    assert after.on_day == escalation_day(before, ladder)

    return Workflow


def escalation_day(step, ladder) -> date:  # type: ignore[no-untyped-def]
    """When a deadlock recorded in ``step`` was due to move up."""
    return add_business_days(step.on_day, ladder.body(step.rung).decision_days)


@pytest.mark.slow
def test_decision_workflow(
    world: World, connection: Connection, factory: sessionmaker[Session]
) -> None:
    """Run the machine (each example in a savepoint rolled back afterwards)."""
    run_state_machine_as_test(
        make_machine(world, connection, factory),
        settings=settings(
            max_examples=40,
            stateful_step_count=25,
            deadline=None,
            suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
        ),
    )
