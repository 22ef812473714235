"""Governance events in each person's calendar feed: the meetings of the committees they
sit on, and their open action items (on the due date). Only records the person's party
may see, of alliances the person may open, and only while they are seated."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import UTC, date, datetime, time, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from pactum.access import Principal, system_scope, visible_alliances
from pactum.models import ActionItem, Committee, CommitteeMember, Meeting
from pactum.obligations.calendar import Event


def events(
    session: Session, principal: Principal, since: date, until: date, base_url: str
) -> Iterable[Event]:
    """The caller's meetings and action items between ``since`` and ``until``."""
    alliances = {a.id: a for a in session.execute(visible_alliances(principal)).scalars()}
    if not alliances:
        return []
    start = datetime.combine(since, time(0), UTC)
    end = datetime.combine(until + timedelta(days=1), time(0), UTC)
    meetings = (
        session.execute(
            system_scope(
                select(Meeting)
                .join(CommitteeMember, CommitteeMember.committee_id == Meeting.committee_id)
                .where(
                    Meeting.alliance_id.in_(list(alliances)),
                    Meeting.visibility == "shared",
                    Meeting.status != "cancelled",
                    Meeting.starts_at >= start,
                    Meeting.starts_at < end,
                    CommitteeMember.user_id == principal.user_id,
                    CommitteeMember.owner_org_id == principal.org_id,
                    CommitteeMember.active.is_(True),
                )
            )
        )
        .scalars()
        .all()
    )
    bodies = {m.committee_id for m in meetings}
    names = {
        c.id: c.name
        for c in session.execute(
            system_scope(select(Committee).where(Committee.id.in_(bodies)))
        ).scalars()
    }
    found = [
        Event(
            uid=f"meeting-{m.id}@pactum",
            day=m.starts_at.date(),
            starts_at=m.starts_at,
            ends_at=m.ends_at,
            location=m.location,
            summary=f"{names.get(m.committee_id, '')}: {m.title} ({alliances[m.alliance_id].name})",
            description=f"Agenda and papers: {base_url}/alliances/{m.alliance_id}/meetings/{m.id}",
            categories=("Pactum", "Meeting"),
        )
        for m in meetings
    ]
    actions = session.execute(
        system_scope(
            select(ActionItem).where(
                ActionItem.alliance_id.in_(list(alliances)),
                ActionItem.visibility == "shared",
                ActionItem.assignee_id == principal.user_id,
                ActionItem.assignee_org_id == principal.org_id,
                ActionItem.status == "open",
                ActionItem.due_on >= since,
                ActionItem.due_on <= until,
            )
        )
    ).scalars()
    found += [
        Event(
            uid=f"action-{a.id}@pactum",
            day=a.due_on,
            summary=f"Action: {a.title} ({alliances[a.alliance_id].name})",
            description=f"{base_url}/alliances/{a.alliance_id}/actions/{a.id}",
            categories=("Pactum", "Action item"),
        )
        for a in actions
    ]
    return found
