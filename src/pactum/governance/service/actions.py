"""Action items: something a person of either party must do by a date, from a meeting's
minutes or a decision. Overdue items are flagged; ``pactum tick`` reminds the assignee
(:mod:`pactum.governance.service.jobs`); "my actions" lists the caller's open items in
every alliance they work in.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session

from pactum.access import AllianceView, Principal, get_scoped, scoped, system_scope
from pactum.access.policy import visible_alliances
from pactum.access.records import audit_record
from pactum.alliances.service import list_members
from pactum.core.errors import Conflict, Forbidden, ValidationFailed
from pactum.core.time import utcnow
from pactum.core.updates import check_version, diff, reject_nulls
from pactum.governance.schemas import ActionCreate, ActionUpdate
from pactum.governance.service import meetings
from pactum.models import ActionItem, Alliance, Decision
from pactum.notify.service import notify


def is_overdue(item: ActionItem, today: date) -> bool:
    """An open item whose due date has passed."""
    return item.status == "open" and item.due_on < today


def list_actions(
    session: Session,
    view: AllianceView,
    *,
    meeting_id: uuid.UUID | None = None,
    status: str = "",
) -> list[ActionItem]:
    """The alliance's action items (of one meeting if given), soonest due first."""
    stmt = scoped(view, ActionItem)
    if meeting_id is not None:
        stmt = stmt.where(ActionItem.meeting_id == meeting_id)
    if status:
        stmt = stmt.where(ActionItem.status == status)
    return list(session.execute(stmt.order_by(ActionItem.due_on, ActionItem.created_at)).scalars())


def get_action(
    session: Session, view: AllianceView, action_id: uuid.UUID, *, lock: bool = False
) -> ActionItem:
    """One action item, or 404."""
    return get_scoped(session, view, ActionItem, action_id, lock=lock)


def _assignee_org(session: Session, view: AllianceView, user_id: uuid.UUID) -> uuid.UUID:
    found = next((m for m in list_members(session, view) if m.user_id == user_id), None)
    if found is None:
        raise ValidationFailed("assignee_id", "must be a member of the alliance")
    return found.org_id


def _snapshot(item: ActionItem) -> dict[str, object]:
    return {
        "title": item.title,
        "assignee_id": item.assignee_id,
        "assignee_org_id": item.assignee_org_id,
        "due_on": item.due_on,
        "status": item.status,
        "meeting_id": item.meeting_id,
        "decision_id": item.decision_id,
    }


def create_action(session: Session, view: AllianceView, data: ActionCreate) -> ActionItem:
    """Record an action item (``meetings.write``); it joins its meeting's minutes."""
    view.require("meetings.write")
    meeting = None
    if data.meeting_id is not None:
        meeting = meetings.get_meeting(session, view, data.meeting_id, lock=True)
    if data.agenda_item_id is not None:
        if meeting is None:
            raise ValidationFailed("agenda_item_id", "needs the meeting_id of its meeting")
        meetings.get_item(session, view, meeting.id, data.agenda_item_id)
    if data.decision_id is not None:
        get_scoped(session, view, Decision, data.decision_id)
    item = ActionItem(
        alliance_id=view.alliance_id,
        owner_org_id=view.org_id,
        visibility="shared",
        meeting_id=data.meeting_id,
        agenda_item_id=data.agenda_item_id,
        decision_id=data.decision_id,
        title=data.title,
        assignee_id=data.assignee_id,
        assignee_org_id=_assignee_org(session, view, data.assignee_id),
        due_on=data.due_on,
        created_by_id=view.principal.user_id,
    )
    session.add(item)
    session.flush()
    audit_record(session, view, item, "action_item", "action.create", new=_snapshot(item))
    if meeting is not None:
        meetings.minutes_changed(session, view, meeting, "an action item was added")
    notify(
        session,
        user_id=item.assignee_id,
        org_id=item.assignee_org_id,
        alliance_id=view.alliance_id,
        text=f"Action for you, due {item.due_on.isoformat()}: {item.title}",
        link=f"/alliances/{view.alliance_id}/actions/{item.id}",
        email=True,
    )
    return item


def update_action(
    session: Session,
    view: AllianceView,
    action_id: uuid.UUID,
    data: ActionUpdate,
    *,
    expected_version: int | None,
) -> ActionItem:
    """Change an action item (If-Match). The assignee may mark it done; the rest needs
    ``meetings.write``."""
    item = get_action(session, view, action_id, lock=True)
    meeting = None
    if item.meeting_id is not None:  # locked before anything is audited (one lock order)
        meeting = meetings.get_meeting(session, view, item.meeting_id, lock=True)
    check_version(expected_version, item.version)
    changes = data.model_dump(exclude_unset=True)
    reject_nulls(changes)
    mine = item.assignee_id == view.principal.user_id
    if not view.can("meetings.write") and not (mine and set(changes) <= {"status"}):
        raise Forbidden("Only the assignee (to mark it done) or a committee member may edit it.")
    if "assignee_id" in changes:
        changes["assignee_org_id"] = _assignee_org(session, view, changes["assignee_id"])
    old, new = diff(item, changes)
    if not new:
        return item
    if item.status != "open" and "status" not in new:
        raise Conflict(f"status: a {item.status} action item is reopened before it is edited")
    for key, value in new.items():
        setattr(item, key, value)
    if "status" in new:
        item.done_at = utcnow() if item.status == "done" else None
    item.version += 1
    session.flush()
    audit_record(session, view, item, "action_item", "action.update", old=old, new=new)
    if meeting is not None and set(new) - {"status"}:
        meetings.minutes_changed(session, view, meeting, "an action item was edited")
    return item


@dataclass(frozen=True)
class MyAction:
    """One of my action items, with its alliance."""

    item: ActionItem
    alliance: Alliance
    overdue: bool


def my_actions(
    session: Session, principal: Principal, *, include_done: bool = False
) -> list[MyAction]:
    """The caller's action items in every alliance they may see (for this organisation)."""
    alliances = {a.id: a for a in session.execute(visible_alliances(principal)).scalars()}
    if not alliances:
        return []
    stmt = system_scope(
        select(ActionItem).where(
            ActionItem.alliance_id.in_(list(alliances)),
            ActionItem.assignee_id == principal.user_id,
            ActionItem.assignee_org_id == principal.org_id,
            ActionItem.visibility == "shared",
        )
    )
    if not include_done:
        stmt = stmt.where(ActionItem.status == "open")
    today = utcnow().date()
    rows = session.execute(stmt.order_by(ActionItem.due_on, ActionItem.id)).scalars()
    return [MyAction(r, alliances[r.alliance_id], is_overdue(r, today)) for r in rows]
