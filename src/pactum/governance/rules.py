"""The charter's decision rules, as pure functions (no database): who may vote, quorum,
one vote per party, unanimity, deadlock, and the escalation ladder with business-day
clocks ending in the final-say party's decision or arbitration.

A decision is put to a body of the ladder (e.g. the JSC). Each party casts one vote
through one of its voting members. Unanimous yes approves it; any no, or a deadline
passing without every party's vote, deadlocks it. A deadlocked matter moves up the
ladder when the current rung's clock (business days) runs out, is decided there the same
way, and after the last rung either the party with final say over its domain decides or
it goes to arbitration. The service layer stores these states; the same functions answer
for the pages, the API and ``pactum tick``, so both compute escalation identically.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping
from dataclasses import dataclass, field, replace
from datetime import date, timedelta
from typing import Literal

Choice = Literal["yes", "no", "abstain"]
Status = Literal["open", "approved", "rejected", "deadlocked", "final_say", "arbitration"]
TERMINAL: frozenset[str] = frozenset({"approved", "rejected", "arbitration"})


class RuleError(ValueError):
    """A step the charter does not allow; ``field`` names what is wrong."""

    def __init__(self, field: str, rule: str) -> None:
        super().__init__(f"{field}: {rule}")
        self.field = field
        self.rule = rule


def add_business_days(start: date, days: int, holidays: Collection[date] = ()) -> date:
    """The date ``days`` business days (Monday to Friday, not a holiday) after ``start``."""
    if days < 0:
        raise ValueError("days must not be negative")
    current = start
    left = days
    while left:
        current += timedelta(days=1)
        if current.weekday() < 5 and current not in holidays:
            left -= 1
    return current


@dataclass(frozen=True)
class Rung:
    """One body of the escalation ladder and how long it has to decide."""

    body: str
    business_days: int


@dataclass(frozen=True)
class Charter:
    """What the contract says about deciding."""

    parties: tuple[str, ...]
    voting_members: Mapping[str, str]  # member -> party
    quorum_per_party: int = 1
    ladder: tuple[Rung, ...] = (Rung("committee", 15), Rung("executive officers", 30))
    final_say: Mapping[str, str] = field(default_factory=dict)  # domain -> party
    reserved: frozenset[str] = frozenset()  # domains the committee may not decide
    holidays: frozenset[date] = frozenset()

    def party_of(self, member: str) -> str:
        """The party a voting member votes for."""
        party = self.voting_members.get(member)
        if party is None:
            raise RuleError("member", "is not a voting member of this body")
        return party


def quorum_met(charter: Charter, present: Collection[str]) -> bool:
    """At least ``quorum_per_party`` voting members of *each* party are present."""
    counts = dict.fromkeys(charter.parties, 0)
    for member in set(present):
        party = charter.voting_members.get(member)
        if party is not None:
            counts[party] += 1
    return all(n >= charter.quorum_per_party for n in counts.values())


@dataclass(frozen=True)
class Decision:
    """A matter to decide and where it stands."""

    domain: str
    question: str
    opened: date
    deadline: date
    rung: int = 0
    status: Status = "open"
    votes: Mapping[str, tuple[str, Choice]] = field(default_factory=dict)  # party -> vote
    escalate_on: date | None = None
    outcome: str = ""
    # The alternatives put to the body; a "yes" then names one, and unanimity needs every
    # party to name the same one. Empty: a plain yes/no question.
    options: tuple[str, ...] = ()
    picks: Mapping[str, str] = field(default_factory=dict)  # party -> option of its "yes"


def propose(
    charter: Charter,
    domain: str,
    question: str,
    today: date,
    deadline: date,
    options: tuple[str, ...] = (),
) -> Decision:
    """Put a matter to the first body of the ladder, to be voted on by ``deadline``."""
    if domain in charter.reserved:
        raise RuleError(
            "domain",
            "is reserved: the committee may not decide it (it goes to dispute resolution)",
        )
    if deadline < today:
        raise RuleError("deadline", "must not be in the past")
    if len(options) == 1 or len(set(options)) != len(options):
        raise RuleError("options", "must be empty or at least two different alternatives")
    return Decision(
        domain=domain, question=question, opened=today, deadline=deadline, options=options
    )


def vote(
    charter: Charter,
    decision: Decision,
    member: str,
    choice: Choice,
    *,
    today: date,
    present: Collection[str] | None = None,
    option: str = "",
    quorum_waived: bool = False,
) -> Decision:
    """Record one party's vote through ``member``. ``present`` is the attendance when the
    vote is taken in a meeting (quorum applies unless ``quorum_waived``: a re-called
    meeting where the charter lets it proceed); ``None`` for a written decision. A "yes"
    to a decision with options names one of them as ``option``."""
    if decision.status != "open":
        raise RuleError("status", f"the decision is {decision.status}, not open for votes")
    if today > decision.deadline:
        raise RuleError("deadline", "has passed; the decision can no longer be voted on")
    party = charter.party_of(member)
    if party in decision.votes:
        raise RuleError("member", f"{party} has already voted (one vote per party)")
    if present is not None:
        if member not in present:
            raise RuleError("member", "must attend the meeting to vote in it")
        if not quorum_waived and not quorum_met(charter, present):
            raise RuleError("quorum", "is not met: too few voting members of each party")
    if choice == "yes" and decision.options and option not in decision.options:
        raise RuleError("option", "must be one of the alternatives put to the vote")
    if option and (choice != "yes" or not decision.options):
        raise RuleError("option", "is only given with a yes to a decision with alternatives")
    votes = {**decision.votes, party: (member, choice)}
    picks = {**decision.picks, party: option} if option else dict(decision.picks)
    return _settle(charter, replace(decision, votes=votes, picks=picks), today)


def _settle(charter: Charter, decision: Decision, today: date) -> Decision:
    choices = [c for _m, c in decision.votes.values()]
    complete = len(decision.votes) == len(charter.parties)
    split = len(set(decision.picks.values())) > 1
    if any(c == "no" for c in choices) or split or (complete and any(c != "yes" for c in choices)):
        return _deadlock(charter, decision, today)
    if complete:
        chosen = next(iter(decision.picks.values()), "")
        outcome = f"approved unanimously: {chosen}" if chosen else "approved unanimously"
        return replace(decision, status="approved", outcome=outcome)
    return decision


def _deadlock(charter: Charter, decision: Decision, today: date) -> Decision:
    rung = charter.ladder[decision.rung]
    due = add_business_days(today, rung.business_days, charter.holidays)
    return replace(decision, status="deadlocked", escalate_on=due)


def expire(charter: Charter, decision: Decision, today: date) -> Decision:
    """A deadline passed without every party's vote: the matter is deadlocked."""
    if decision.status == "open" and today > decision.deadline:
        return _deadlock(charter, decision, decision.deadline)
    return decision


def advance(charter: Charter, decision: Decision, today: date) -> Decision:
    """Apply every step due by ``today``: expiry of the voting deadline, then escalation
    when the rung's clock has run out (possibly several rungs). Idempotent: advancing twice
    on the same day changes nothing more, so ``pactum tick`` and a page agree."""
    current = decision
    while True:
        nxt = step(charter, current, today)
        if nxt == current:
            return current
        current = nxt


def step(charter: Charter, decision: Decision, today: date) -> Decision:
    """The next single step due by ``today`` (the voting deadline's expiry, or one move up
    the ladder), or ``decision`` unchanged; :func:`advance` repeats it until nothing moves,
    and a caller that records each step's history does the same."""
    expired = expire(charter, decision, today)
    if expired != decision:
        return expired
    if decision.status == "deadlocked" and decision.escalate_on and today >= decision.escalate_on:
        return _escalate(charter, decision)
    return decision


def _escalate(charter: Charter, decision: Decision) -> Decision:
    assert decision.escalate_on is not None
    moved_on = decision.escalate_on
    if decision.rung + 1 < len(charter.ladder):
        nxt = charter.ladder[decision.rung + 1]
        return replace(
            decision,
            rung=decision.rung + 1,
            status="open",
            votes={},
            picks={},
            escalate_on=None,
            deadline=add_business_days(moved_on, nxt.business_days, charter.holidays),
        )
    party = charter.final_say.get(decision.domain)
    if party is not None:
        return replace(
            decision,
            status="final_say",
            escalate_on=None,
            outcome=f"for {party} to decide (final say over {decision.domain})",
        )
    return replace(decision, status="arbitration", escalate_on=None, outcome="arbitration")


def decide_final_say(
    charter: Charter,
    decision: Decision,
    member: str,
    choice: Literal["yes", "no"],
    option: str = "",
) -> Decision:
    """The final-say party decides, through one of its members (naming one of the
    alternatives when there are some and it approves)."""
    if decision.status != "final_say":
        raise RuleError("status", "only a matter at the final-say step is decided this way")
    party = charter.party_of(member)
    if charter.final_say.get(decision.domain) != party:
        raise RuleError("member", f"{party} has no final say over {decision.domain}")
    if choice == "yes" and decision.options and option not in decision.options:
        raise RuleError("option", "must be one of the alternatives put to the vote")
    verdict: Status = "approved" if choice == "yes" else "rejected"
    chosen = f": {option}" if option and choice == "yes" else ""
    return replace(
        decision,
        status=verdict,
        outcome=f"{verdict} by {party} under its final say{chosen}",
        picks={party: option} if option and choice == "yes" else {},
    )
