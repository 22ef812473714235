"""Demo governance for the HLX-204 alliance: executive officers above a JSC, a JDC below
it, a past JSC meeting with signed minutes (and a PDF paper on its decision item), a
decision that deadlocked and now sits with the executive officers, a written decision
waiting on Meridian's vote, the next JSC meeting with its agenda, action items (one
overdue) and each party's private notes.

Dates are relative to the day the demo is loaded; past steps are made with the clock
set back (``frozen``), so their history, clocks and audit entries are consistent.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable
from datetime import UTC, date, datetime, time, timedelta

from sqlalchemy.orm import Session

from pactum.access import Principal, open_alliance
from pactum.core.time import frozen, utcnow
from pactum.governance.rules import add_business_days
from pactum.governance.schemas import (
    ActionCreate,
    AttendanceIn,
    CommitteeCreate,
    DecisionCreate,
    ItemCreate,
    ItemUpdate,
    MeetingCreate,
    MinutesSign,
    NoteCreate,
    Paper,
    PositionIn,
    SeatCreate,
    VoteCreate,
)
from pactum.governance.service import (
    actions,
    committees,
    decisions,
    meetings,
    minutes,
    minutes_lock,
)
from pactum.models import User
from pactum.ops.demo_papers import attach_briefing
from pactum.settings import Settings

PASSWORD = "pactum-demo-2026"  # noqa: S105  (the documented demo credential)


def _at(day: date, hour: int = 14) -> datetime:
    return datetime.combine(day, time(hour), UTC)


def load_governance(
    session: Session,
    principal: Callable[[str], Principal],
    alliance_id: uuid.UUID,
    orgs: dict[str, uuid.UUID],
    people: dict[str, str],
) -> None:
    """Committees, meetings, decisions and actions of the demo alliance."""
    settings = Settings(env="development")

    def view(key: str):  # type: ignore[no-untyped-def]
        return open_alliance(session, principal(people[key]), alliance_id)

    def user(key: str) -> uuid.UUID:
        return principal(people[key]).user_id

    today = utcnow().date()
    past = today - timedelta(days=45)
    with frozen(_at(past - timedelta(days=14), 9)):
        helix = view("helix_manager")
        execs = committees.create_committee(
            session,
            helix,
            CommitteeCreate(
                name="Executive officers",
                kind="executive_officers",
                purpose="Decide matters the JSC could not.",
                cadence="ad_hoc",
                decision_days=30,
            ),
        )
        jsc = committees.create_committee(
            session,
            helix,
            CommitteeCreate(
                name="Joint Steering Committee",
                kind="jsc",
                purpose="Strategy, budgets and the development plan of HLX-204.",
                cadence="quarterly",
                quorum_per_party=2,
                final_say={"development": orgs["helix"], "commercial": orgs["meridian"]},
                escalates_to_id=execs.id,
                decision_days=15,
            ),
        )
        jdc = committees.create_committee(
            session,
            helix,
            CommitteeCreate(
                name="Joint Development Committee",
                kind="jdc",
                cadence="monthly",
                purpose="Operational development decisions.",
                escalates_to_id=jsc.id,
                decision_days=10,
            ),
        )
        meridian = view("meridian_manager")
        for v, seats in (
            (
                helix,
                (
                    ("helix_manager", jsc, True),
                    ("helix_scientist", jsc, False),
                    ("helix_exec", execs, False),
                    ("helix_scientist", jdc, True),
                    ("helix_lead", jdc, False),
                ),
            ),
            (
                meridian,
                (
                    ("meridian_manager", jsc, True),
                    ("meridian_scientist", jsc, False),
                    ("meridian_exec", execs, False),
                    ("meridian_legal", jdc, True),
                ),
            ),
        ):
            for key, body, approver in seats:
                committees.add_seat(
                    session, v, body.id, SeatCreate(user_id=user(key), minutes_approver=approver)
                )

    # A past JSC meeting: quorate, one decision approved in it, minutes signed by both.
    with frozen(_at(past, 9)):
        helix = view("helix_manager")
        meeting = meetings.schedule(
            session,
            helix,
            jsc.id,
            MeetingCreate(
                title="JSC Q3 review",
                starts_at=_at(past),
                ends_at=_at(past) + timedelta(hours=2),
                location="Basel and video",
                chair_user_id=user("helix_manager"),
            ),
        )
        info = meetings.add_item(
            session,
            helix,
            meeting.id,
            ItemCreate(
                kind="information",
                title="Phase I enrolment update",
                papers=[
                    Paper(
                        title="Enrolment dashboard",
                        url="https://docs.helixbio.example/hlx204/enrolment",
                    )
                ],
            ),
        )
        item = meetings.add_item(
            session,
            helix,
            meeting.id,
            ItemCreate(
                kind="decision",
                title="Pancreatic expansion cohort",
                description="Open a 30-patient expansion cohort at the 400 mg dose.",
            ),
        )
        attach_briefing(session, helix, settings, meeting.id, item.id)
        meetings.add_note(
            session,
            helix,
            meeting.id,
            NoteCreate(
                body="Push for the expansion now; our board wants data by Q2.",
                agenda_item_id=item.id,
            ),
        )
        meetings.add_note(
            session,
            view("meridian_manager"),
            meeting.id,
            NoteCreate(body="Agree only if the CRO budget stays within plan."),
        )
    with frozen(_at(past, 15)):
        helix = view("helix_manager")
        present = [
            user(k)
            for k in ("helix_manager", "helix_scientist", "meridian_manager", "meridian_scientist")
        ]
        current = meetings.get_meeting(session, helix, meeting.id)
        meetings.record_attendance(
            session,
            helix,
            meeting.id,
            AttendanceIn(present=present),
            expected_version=current.version,
        )
        decision = decisions.propose(
            session,
            helix,
            DecisionCreate(
                committee_id=jsc.id,
                domain="development",
                question="Open the pancreatic expansion cohort at 400 mg?",
                deadline=past,
                agenda_item_id=item.id,
            ),
        )
        decisions.cast_vote(session, helix, decision.id, VoteCreate(choice="yes"))
        decisions.cast_vote(
            session,
            view("meridian_manager"),
            decision.id,
            VoteCreate(choice="yes", comment="Within the approved budget."),
        )
        for key, item_id, text in (
            ("helix_manager", info.id, "Enrolment is ahead of plan: 18 of 24 patients dosed."),
            ("helix_manager", item.id, "Approved unanimously; Helix to amend the protocol."),
        ):
            found = meetings.get_item(session, view(key), meeting.id, item_id)
            meetings.update_item(
                session,
                view(key),
                meeting.id,
                item_id,
                ItemUpdate(notes=text),
                expected_version=found.version,
            )
        decisions.set_rationale(
            session,
            helix,
            decision.id,
            "Early responses at 400 mg justify an expansion before the RP2D.",
            expected_version=decisions.get_decision(session, helix, decision.id).version,
        )
        actions_made = [
            ("helix_scientist", "Submit the protocol amendment", past + timedelta(days=30)),
            (
                "meridian_scientist",
                "Confirm CRO capacity for the cohort",
                today + timedelta(days=5),
            ),
        ]
        for key, title, due in actions_made:
            actions.create_action(
                session,
                helix,
                ActionCreate(
                    title=title,
                    assignee_id=user(key),
                    due_on=due,
                    meeting_id=meeting.id,
                    agenda_item_id=item.id,
                ),
            )
    with frozen(_at(past + timedelta(days=2), 10)):
        # the chair locks the circulated draft for signing, then both approvers sign
        minutes_lock.lock(session, view("helix_manager"), meeting.id, expected_version=None)
        for key in ("helix_manager", "meridian_manager"):
            v = view(key)
            current = meetings.get_meeting(session, v, meeting.id)
            name = session.get(User, user(key))
            assert name is not None
            minutes.sign_minutes(
                session,
                v,
                settings,
                meeting.id,
                MinutesSign(
                    password=PASSWORD,
                    printed_name=name.name,
                    minutes_version=current.minutes_version,
                    content_sha256=minutes.minutes_sha256(session, v, current),
                ),
            )

    # A written decision that deadlocked and went to the executive officers.
    opened = past + timedelta(days=7)
    with frozen(_at(opened, 9)):
        helix = view("helix_manager")
        stuck = decisions.propose(
            session,
            helix,
            DecisionCreate(
                committee_id=jsc.id,
                domain="commercial",
                question="Which first launch market for HLX-204?",
                options=["US first", "US and EU together"],
                deadline=opened + timedelta(days=7),
                background="Meridian leads commercialisation; Helix asks for EU.",
            ),
        )
        decisions.cast_vote(
            session, helix, stuck.id, VoteCreate(choice="yes", option="US and EU together")
        )
        decisions.cast_vote(
            session, view("meridian_manager"), stuck.id, VoteCreate(choice="yes", option="US first")
        )
    escalated = add_business_days(opened, 15)
    with frozen(_at(min(escalated, today), 9)):
        for key, text in (
            ("helix_manager", "A joint US/EU launch doubles early revenue for both parties."),
            ("meridian_manager", "EU pricing is not ready; a US-first launch is safer."),
        ):
            decisions.state_position(session, view(key), stuck.id, PositionIn(text=text))

    # A written decision waiting on Meridian's vote; the next JSC meeting.
    helix = view("helix_manager")
    waiting = decisions.propose(
        session,
        helix,
        DecisionCreate(
            committee_id=jsc.id,
            domain="budget",
            question="Approve the 2027 development budget of USD 48.0M?",
            deadline=today + timedelta(days=10),
        ),
    )
    decisions.cast_vote(session, helix, waiting.id, VoteCreate(choice="yes"))
    upcoming = today + timedelta(days=14)
    nxt = meetings.schedule(
        session,
        helix,
        jsc.id,
        MeetingCreate(
            title="JSC Q4 review",
            starts_at=_at(upcoming),
            ends_at=_at(upcoming) + timedelta(hours=2),
            location="Video call",
            chair_user_id=user("meridian_manager"),
        ),
    )
    for kind, title in (
        ("information", "Expansion cohort: first patients"),
        ("discussion", "Companion diagnostic partner"),
        ("decision", "RP2D timeline"),
    ):
        meetings.add_item(session, helix, nxt.id, ItemCreate(kind=kind, title=title))
