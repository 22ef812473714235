"""Route-matrix records for governance: a committee with a seat, a meeting with an agenda
item, a written decision and an action item, all in the alliance A shares with nobody
yet. (A party's private preparation notes have no route of their own: they are listed
under their meeting, which is shared.)"""

from __future__ import annotations

import uuid
from datetime import date

from sqlalchemy.orm import Session

from pactum.core.time import utcnow
from pactum.models import (
    ActionItem,
    AgendaItem,
    Attendance,
    Committee,
    CommitteeMember,
    Decision,
    DecisionStep,
    Meeting,
)
from tests.conftest import World


def a_only(db: Session, world: World, alliance_id: uuid.UUID) -> dict[str, uuid.UUID]:
    """Governance records of party A in its A-only alliance."""
    a = world.orgs["A"]
    manager = world["a_manager"].user_id
    shared = {"alliance_id": alliance_id, "owner_org_id": a, "visibility": "shared"}
    committee = Committee(
        **shared,
        name="A's steering committee",
        kind="jsc",
        chair_org_id=a,
        final_say={"development": str(a)},
        reserved=["breach"],
        created_by_id=manager,
    )
    db.add(committee)
    db.flush()
    seat = CommitteeMember(
        **shared, committee_id=committee.id, user_id=manager, minutes_approver=True
    )
    now = utcnow()
    meeting = Meeting(
        **shared,
        committee_id=committee.id,
        title="A's meeting",
        starts_at=now,
        ends_at=now,
        status="held",
        created_by_id=manager,
    )
    db.add_all([seat, meeting])
    db.flush()
    item = AgendaItem(**shared, meeting_id=meeting.id, kind="decision", title="A's item")
    db.add(Attendance(**shared, meeting_id=meeting.id, user_id=manager, present=True))
    decision = Decision(
        **shared,
        reference="DEC-2030-0001",
        committee_id=committee.id,
        body_id=committee.id,
        domain="development",
        question="A's question?",
        ladder=[str(committee.id)],
        opened_on=date(2030, 1, 7),
        deadline=date(2030, 1, 31),
        proposed_by_id=manager,
    )
    db.add_all([item, decision])
    db.flush()
    db.add(
        DecisionStep(
            **shared,
            decision_id=decision.id,
            seq=1,
            on_day=date(2030, 1, 7),
            rung=0,
            body_id=committee.id,
            status="open",
            text="Proposed.",
        )
    )
    action = ActionItem(
        **shared,
        meeting_id=meeting.id,
        agenda_item_id=item.id,
        title="A's action",
        assignee_id=world["a_contributor"].user_id,
        assignee_org_id=a,
        due_on=date(2030, 2, 1),
        created_by_id=manager,
    )
    db.add(action)
    db.commit()
    return {
        "committee_id": committee.id,
        "seat_id": seat.id,
        "meeting_id": meeting.id,
        "item_id": item.id,
        "decision_id": decision.id,
        "action_id": action.id,
    }
