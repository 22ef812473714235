"""Committees and their charters; each party seats its own members.

A committee is shared by the alliance. Either party's alliance manager may set up or edit
a charter (DATA-1 versions). Each party seats only its own people (who must be members
of the alliance for that party); a seat is voting or not, and one or more of a party's
seats may be its designated minutes approver. Executive officers are senior to, and not
members of, the committee they decide for: nobody sits on both (other bodies, such as a
JDC and the JSC above it, may share members). A working group reports to a committee and
never has more authority than it: it may not decide what that committee may not, nor hold
a final say the committee does not give the same party.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy.orm import Session

from pactum.access import AllianceView, get_scoped, lock_alliance, scoped
from pactum.access.records import audit_record
from pactum.alliances.service import list_members
from pactum.core.errors import Conflict, ValidationFailed
from pactum.core.time import utcnow
from pactum.core.updates import check_version, diff, reject_nulls
from pactum.governance import rules
from pactum.governance.schemas import CommitteeCreate, CommitteeUpdate, SeatCreate, SeatUpdate
from pactum.models import Committee, CommitteeMember, Meeting

MAX_LADDER = 10
# What a working group's authority, or its committee's, depends on.
AUTHORITY_FIELDS = frozenset({"kind", "reserved", "final_say", "escalates_to_id"})


def list_committees(session: Session, view: AllianceView) -> list[Committee]:
    """The alliance's committees, by name."""
    stmt = scoped(view, Committee).order_by(Committee.name, Committee.id)
    return list(session.execute(stmt).scalars())


def get_committee(
    session: Session, view: AllianceView, committee_id: uuid.UUID, *, lock: bool = False
) -> Committee:
    """One committee, or 404."""
    return get_scoped(session, view, Committee, committee_id, lock=lock)


def seats(
    session: Session, view: AllianceView, committee_ids: list[uuid.UUID], *, active_only: bool
) -> list[CommitteeMember]:
    """The seats of these committees (one query)."""
    stmt = scoped(view, CommitteeMember).where(CommitteeMember.committee_id.in_(committee_ids))
    if active_only:
        stmt = stmt.where(CommitteeMember.active.is_(True))
    stmt = stmt.order_by(CommitteeMember.created_at, CommitteeMember.id)
    return list(session.execute(stmt).scalars())


def _party_ids(view: AllianceView) -> set[uuid.UUID]:
    return {p.org_id for p in view.alliance.parties if p.state == "accepted"}


def _check_final_say(view: AllianceView, final_say: dict[str, uuid.UUID]) -> dict[str, str]:
    parties = _party_ids(view)
    for domain, org_id in final_say.items():
        if org_id not in parties:
            raise ValidationFailed(f"final_say.{domain}", "must name a party of the alliance")
    return {d: str(o) for d, o in sorted(final_say.items())}


@dataclass(frozen=True)
class Authority:
    """What a body may decide: the charter's reserved matters and final says."""

    name: str
    reserved: frozenset[str]
    final_say: Mapping[str, str]

    @classmethod
    def of(cls, committee: Committee, **changes: Any) -> Authority:
        """A committee's authority, with ``changes`` (an edit not yet applied)."""
        return cls(
            changes.get("name", committee.name),
            frozenset(changes.get("reserved", committee.reserved)),
            dict(changes.get("final_say", committee.final_say)),
        )


def _within(group: Authority, committee: Authority, *, below: str = "") -> None:
    """A working group's authority never exceeds its committee's (DOMAIN §4). ``below``
    names the working group when it is the committee's edit that would break this."""
    who = f"the working group {below} reporting to it" if below else "a working group"
    missing = sorted(committee.reserved - group.reserved)
    if missing:
        raise ValidationFailed(
            "reserved",
            f"{who} may not decide what {committee.name} may not: "
            f"{', '.join(missing)} must stay reserved",
        )
    for domain, party in sorted(group.final_say.items()):
        if committee.final_say.get(domain) != party:
            raise ValidationFailed(
                f"final_say.{domain}",
                f"{who} has no more authority than {committee.name}, which gives that party "
                f"no final say over {domain}",
            )


def _check_authority(
    session: Session,
    view: AllianceView,
    kind: str,
    authority: Authority,
    parent_id: uuid.UUID | None,
    children: Iterable[Committee] = (),
) -> None:
    """A working group reports to a committee within whose authority it stays; a body's
    edit keeps the working groups below it within its authority."""
    if kind == "working_group":
        if parent_id is None:
            raise ValidationFailed(
                "escalates_to_id", "a working group reports to a committee: name it here"
            )
        _within(authority, Authority.of(get_committee(session, view, parent_id)))
    for child in children:
        if child.kind == "working_group":
            _within(Authority.of(child), authority, below=child.name)


def ladder(session: Session, view: AllianceView, committee: Committee) -> list[Committee]:
    """The escalation ladder starting at ``committee`` (each body escalates to the next)."""
    found = [committee]
    by_id = {c.id: c for c in list_committees(session, view)}
    current = committee
    while current.escalates_to_id is not None and len(found) < MAX_LADDER:
        nxt = by_id.get(current.escalates_to_id)
        if nxt is None or nxt in found:
            break
        found.append(nxt)
        current = nxt
    return found


def _check_escalation(
    session: Session, view: AllianceView, committee: Committee | None, target: uuid.UUID | None
) -> None:
    if target is None:
        return
    body = get_scoped(session, view, Committee, target)
    if committee is not None and body.id == committee.id:
        raise ValidationFailed("escalates_to_id", "a committee cannot escalate to itself")
    if committee is not None:
        chain = ladder(session, view, body)
        if any(c.id == committee.id for c in chain):
            raise ValidationFailed("escalates_to_id", "would make the escalation ladder a loop")


def _snapshot(c: Committee) -> dict[str, Any]:
    return {
        k: getattr(c, k)
        for k in (
            "name",
            "kind",
            "purpose",
            "cadence",
            "chair_rotation",
            "chair_org_id",
            "quorum_per_party",
            "absence_rule",
            "voting_rule",
            "final_say",
            "reserved",
            "escalates_to_id",
            "decision_days",
            "holidays",
        )
    }


def create_committee(session: Session, view: AllianceView, data: CommitteeCreate) -> Committee:
    """Set up a committee with its charter (an alliance manager of either party)."""
    view.require("governance.manage")
    lock_alliance(session, view)  # rules across committees are checked one at a time
    chair = data.chair_org_id or view.org_id
    if chair not in _party_ids(view):
        raise ValidationFailed("chair_org_id", "must be a party of the alliance")
    final_say = _check_final_say(view, data.final_say)
    _check_escalation(session, view, None, data.escalates_to_id)
    authority = Authority(data.name, frozenset(data.reserved), final_say)
    _check_authority(session, view, data.kind, authority, data.escalates_to_id)
    committee = Committee(
        alliance_id=view.alliance_id,
        owner_org_id=view.org_id,
        visibility="shared",
        name=data.name,
        kind=data.kind,
        purpose=data.purpose,
        cadence=data.cadence,
        chair_rotation=data.chair_rotation,
        chair_org_id=chair,
        quorum_per_party=data.quorum_per_party,
        absence_rule=data.absence_rule,
        final_say=final_say,
        reserved=sorted(set(data.reserved)),
        escalates_to_id=data.escalates_to_id,
        decision_days=data.decision_days,
        holidays=sorted({d.isoformat() for d in data.holidays}),
        created_by_id=view.principal.user_id,
    )
    session.add(committee)
    session.flush()
    audit_record(
        session, view, committee, "committee", "committee.create", new=_snapshot(committee)
    )
    return committee


def update_committee(
    session: Session,
    view: AllianceView,
    committee_id: uuid.UUID,
    data: CommitteeUpdate,
    *,
    expected_version: int | None,
) -> Committee:
    """Change a committee's charter (If-Match). Decisions already open keep their clocks.

    The rules across committees (no escalation loop, a working group never above its
    committee) are checked with the alliance's lock held: two edits that would each pass
    alone but break a rule together are made one after the other.
    """
    view.require("governance.manage")
    lock_alliance(session, view)
    committee = get_committee(session, view, committee_id, lock=True)
    check_version(expected_version, committee.version)
    changes = data.model_dump(exclude_unset=True)
    reject_nulls(changes, nullable=("chair_org_id", "escalates_to_id"))
    if "final_say" in changes:
        changes["final_say"] = _check_final_say(view, data.final_say or {})
    if "reserved" in changes:
        changes["reserved"] = sorted(set(changes["reserved"]))
    if "holidays" in changes:
        changes["holidays"] = sorted({d.isoformat() for d in data.holidays or []})
    if changes.get("chair_org_id") is not None and changes["chair_org_id"] not in _party_ids(view):
        raise ValidationFailed("chair_org_id", "must be a party of the alliance")
    if "escalates_to_id" in changes:
        _check_escalation(session, view, committee, changes["escalates_to_id"])
    old, new = diff(committee, changes)
    if new.keys() & AUTHORITY_FIELDS:  # an edit of anything else is never refused for it
        _check_authority(
            session,
            view,
            new.get("kind", committee.kind),
            Authority.of(committee, **new),
            new.get("escalates_to_id", committee.escalates_to_id),
            (c for c in list_committees(session, view) if c.escalates_to_id == committee.id),
        )
    if not new:
        return committee
    for key, value in new.items():
        setattr(committee, key, value)
    committee.version += 1
    committee.updated_at = utcnow()
    session.flush()
    audit_record(session, view, committee, "committee", "committee.update", old=old, new=new)
    return committee


def _escalation_sources(session: Session, view: AllianceView, body: Committee) -> list[uuid.UUID]:
    return [c.id for c in list_committees(session, view) if c.escalates_to_id == body.id]


def _check_seniority(
    session: Session, view: AllianceView, committee: Committee, user_id: uuid.UUID
) -> None:
    """Executive officers are senior to, and not members of, the committees that escalate
    to them: nobody sits both on such a committee and on its executive officers' body."""
    related: list[uuid.UUID] = []
    if committee.kind == "executive_officers":
        related = _escalation_sources(session, view, committee)
    elif committee.escalates_to_id is not None:
        above = get_committee(session, view, committee.escalates_to_id)
        if above.kind == "executive_officers":
            related = [above.id]
    if related and any(
        s.user_id == user_id for s in seats(session, view, related, active_only=True)
    ):
        raise Conflict(
            "user_id: executive officers are senior to, and not members of, the committee "
            "that escalates to them; this person already sits on the other body"
        )


def add_seat(
    session: Session, view: AllianceView, committee_id: uuid.UUID, data: SeatCreate
) -> CommitteeMember:
    """Seat one of our party's alliance members (our alliance manager or administrator);
    the seniority of executive officers is checked under the alliance's lock."""
    view.require("members.manage")
    lock_alliance(session, view)
    committee = get_committee(session, view, committee_id, lock=True)
    ours = {m.user_id for m in list_members(session, view) if m.org_id == view.org_id}
    if data.user_id not in ours:
        raise ValidationFailed("user_id", "must be a member of the alliance for your party")
    existing = [
        s
        for s in seats(session, view, [committee.id], active_only=False)
        if s.user_id == data.user_id
    ]
    if existing and existing[0].active:
        raise Conflict("user_id: this person already sits on the committee")
    _check_seniority(session, view, committee, data.user_id)
    if existing:
        seat = existing[0]
        seat.active, seat.voting, seat.minutes_approver = True, data.voting, data.minutes_approver
        seat.version += 1
    else:
        seat = CommitteeMember(
            alliance_id=view.alliance_id,
            owner_org_id=view.org_id,
            visibility="shared",
            committee_id=committee.id,
            user_id=data.user_id,
            voting=data.voting,
            minutes_approver=data.minutes_approver,
        )
        session.add(seat)
    session.flush()
    audit_record(
        session,
        view,
        seat,
        "committee_member",
        "committee.seat",
        new={
            "committee_id": committee.id,
            "user_id": data.user_id,
            "voting": data.voting,
            "minutes_approver": data.minutes_approver,
        },
    )
    return seat


def update_seat(
    session: Session,
    view: AllianceView,
    committee_id: uuid.UUID,
    seat_id: uuid.UUID,
    data: SeatUpdate,
    *,
    expected_version: int | None,
) -> CommitteeMember:
    """Change one of our party's seats (a party swaps its own members by notice); a seat
    made active again must still respect the executive officers' seniority."""
    view.require("members.manage")
    lock_alliance(session, view)
    committee = get_committee(session, view, committee_id)
    seat = get_scoped(session, view, CommitteeMember, seat_id, lock=True)
    if seat.committee_id != committee_id:
        raise ValidationFailed("seat_id", "is not a seat of this committee")
    if seat.owner_org_id != view.org_id:
        raise Conflict("seat_id: only the party whose seat it is may change it")
    check_version(expected_version, seat.version)
    changes = data.model_dump(exclude_unset=True)
    reject_nulls(changes)
    old, new = diff(seat, changes)
    if not new:
        return seat
    if new.get("active") is True:
        _check_seniority(session, view, committee, seat.user_id)
    for key, value in new.items():
        setattr(seat, key, value)
    seat.version += 1
    session.flush()
    audit_record(session, view, seat, "committee_member", "committee.seat.update", old=old, new=new)
    return seat


def chair_party(
    view: AllianceView, committee: Committee, on: date, *, meetings_held: int = 0
) -> uuid.UUID | None:
    """The party that chairs the committee on ``on``: the charter's chair party when the
    chair is fixed; otherwise the parties take turns starting with it, each calendar year
    since the committee was set up (``alternate_yearly``) or at each meeting held
    (``alternate_each_meeting``)."""
    first = committee.chair_org_id
    parties = [p.org_id for p in view.alliance.parties if p.state == "accepted"]
    if first is None or first not in parties or committee.chair_rotation == "fixed":
        return first
    start = parties.index(first)
    order = parties[start:] + parties[:start]
    if committee.chair_rotation == "alternate_yearly":
        turns = max(0, on.year - committee.created_at.year)
    else:
        turns = meetings_held
    return order[turns % len(order)]


CADENCE_MONTHS = {"monthly": 1, "quarterly": 3, "half_yearly": 6, "yearly": 12}


def _add_months(day: date, months: int) -> date:
    """``months`` later on the same day (or the month's last); the last representable
    date when that is beyond it (a meeting stored far in the future must not break the
    committee's pages)."""
    month = day.month - 1 + months
    year, month = day.year + month // 12, month % 12 + 1
    if year > date.max.year:
        return date.max
    for last in (31, 30, 29, 28):
        try:
            return date(year, month, min(day.day, last))
        except ValueError:
            continue
    raise ValueError(day)  # pragma: no cover - every month has a 28th


def next_meeting_due(committee: Committee, meetings: list[Meeting]) -> date | None:
    """By when the committee must meet next under its cadence: one cadence after its
    latest meeting (held or scheduled, not cancelled), or after it was set up; ``None``
    for ad hoc bodies."""
    months = CADENCE_MONTHS.get(committee.cadence)
    if months is None:
        return None
    starts = [m.starts_at.date() for m in meetings if m.status != "cancelled"]
    latest = max(starts, default=committee.created_at.date())
    return _add_months(latest, months)


def holidays(committee: Committee) -> frozenset[date]:
    """The committee's holidays (skipped by business-day clocks)."""
    return frozenset(date.fromisoformat(d) for d in committee.holidays)


def charter_for(
    session: Session,
    view: AllianceView,
    origin: Committee,
    body: Committee,
    chain: list[Committee] | None = None,
) -> rules.Charter:
    """The decision rules for a matter raised in ``origin`` and now before ``body``."""
    chain = chain if chain is not None else ladder(session, view, origin)
    voting = {
        str(s.user_id): str(s.owner_org_id)
        for s in seats(session, view, [body.id], active_only=True)
        if s.voting
    }
    return rules.Charter(
        parties=tuple(sorted(str(p) for p in _party_ids(view))),
        voting_members=voting,
        quorum_per_party=body.quorum_per_party,
        ladder=tuple(rules.Rung(c.name, c.decision_days) for c in chain),
        final_say=dict(origin.final_say),
        reserved=frozenset(origin.reserved),
        holidays=holidays(origin),
    )
