"""Governance jobs for ``pactum tick``: move decisions on when their clocks run out, and
remind people of their action items and of votes their party still owes.

Both are idempotent and safe to run concurrently: escalation takes each decision's row
lock and the rules are idempotent for a given day; a reminder is a
:class:`~pactum.models.GovernanceReminder` row (unique per subject, due date, person and
kind) written in the same transaction as its in-app notification, so a second tick finds
it and sends nothing again. E-mail goes out through the notification outbox.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import date, timedelta

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, sessionmaker

from pactum.access import system_scope
from pactum.core.db import transaction
from pactum.governance.service import due
from pactum.models import (
    ActionItem,
    Alliance,
    CommitteeMember,
    Decision,
    GovernanceReminder,
    Vote,
)
from pactum.notify.service import notify

REMIND_DAYS = 3
CLOSED = "closed"


def escalate(factory: sessionmaker[Session], today: date) -> int:
    """Advance every undecided decision to ``today``; how many moved."""
    with transaction(factory) as session:
        return due.advance_all(session, today)


@dataclass(frozen=True)
class _Reminder:
    subject_type: str
    subject_id: uuid.UUID
    due_on: date
    user_id: uuid.UUID
    org_id: uuid.UUID
    alliance_id: uuid.UUID
    kind: str
    text: str
    link: str


def _action_reminders(session: Session, today: date) -> list[_Reminder]:
    rows = session.execute(
        system_scope(
            select(ActionItem)
            .join(Alliance, Alliance.id == ActionItem.alliance_id)
            .where(
                ActionItem.status == "open",
                ActionItem.due_on <= today + timedelta(days=REMIND_DAYS),
                Alliance.status != CLOSED,
            )
        )
    ).scalars()
    found = []
    for item in rows:
        kind = "overdue" if item.due_on < today else "upcoming"
        when = "was due" if kind == "overdue" else "is due"
        found.append(
            _Reminder(
                "action",
                item.id,
                item.due_on,
                item.assignee_id,
                item.assignee_org_id,
                item.alliance_id,
                kind,
                f"Action item {when} on {item.due_on.isoformat()}: {item.title}",
                f"/alliances/{item.alliance_id}/actions/{item.id}",
            )
        )
    return found


def _vote_reminders(session: Session, today: date) -> list[_Reminder]:
    decisions = list(
        session.execute(
            system_scope(
                select(Decision).where(
                    Decision.status == "open",
                    Decision.deadline <= today + timedelta(days=REMIND_DAYS),
                    Decision.deadline >= today,
                )
            )
        ).scalars()
    )
    found = []
    for decision in decisions:
        voted = set(
            session.execute(
                system_scope(
                    select(Vote.party_org_id).where(
                        Vote.decision_id == decision.id, Vote.rung == decision.rung
                    )
                )
            ).scalars()
        )
        seats = session.execute(
            system_scope(
                select(CommitteeMember).where(
                    CommitteeMember.committee_id == decision.body_id,
                    CommitteeMember.active.is_(True),
                    CommitteeMember.voting.is_(True),
                )
            )
        ).scalars()
        for seat in seats:
            if seat.owner_org_id in voted:
                continue
            found.append(
                _Reminder(
                    f"vote:{decision.rung}",
                    decision.id,
                    decision.deadline,
                    seat.user_id,
                    seat.owner_org_id,
                    decision.alliance_id,
                    "vote",
                    f"{decision.reference}: your party has not voted yet; the deadline is "
                    f"{decision.deadline.isoformat()} ({decision.question})",
                    f"/alliances/{decision.alliance_id}/decisions/{decision.id}",
                )
            )
    return found


def remind(factory: sessionmaker[Session], today: date) -> int:
    """Send each due reminder once (in the app, and by e-mail through the outbox)."""
    with transaction(factory) as session:
        wanted = _action_reminders(session, today) + _vote_reminders(session, today)
    sent = 0
    for reminder in wanted:
        with transaction(factory) as session:
            try:
                with session.begin_nested():
                    session.add(
                        GovernanceReminder(
                            subject_type=reminder.subject_type[:20],
                            subject_id=reminder.subject_id,
                            due_on=reminder.due_on,
                            user_id=reminder.user_id,
                            kind=reminder.kind,
                        )
                    )
                    session.flush()
            except IntegrityError:
                continue
            notify(
                session,
                user_id=reminder.user_id,
                org_id=reminder.org_id,
                alliance_id=reminder.alliance_id,
                text=reminder.text,
                link=reminder.link,
                email=True,
            )
            sent += 1
    return sent
