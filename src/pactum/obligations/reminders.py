"""Reminders of due and overdue obligations, in the app and by e-mail (``pactum tick``).

Each tick finds, across every alliance, the open due dates of active obligations that are
due within the obligation's ``remind_days`` (an ``upcoming`` reminder) or past due (an
``overdue`` reminder), and the people who should act on them:

- the party that must act for a shared obligation, the owning party for a private one
  (a private obligation never reaches the other party, whoever it names as responsible);
- of that party, its alliance managers, plus finance people for payments, legal people
  for notices and renewals, committee members for committee deadlines, and whoever
  recorded the obligation if they are still a member of that party in the alliance.

Idempotency: a ``ReminderSent`` row (unique per obligation, due date, person and kind) is
committed *before* anything is sent. A second tick, or one running at the same moment,
finds the row and sends nothing again. The e-mail goes out after that commit; when it
fails the row keeps ``emailed = False`` and a later tick tries again (never two at once:
a retry first moves ``sent_at`` forward with a compare-and-set, a lease of
:data:`RETRY_AFTER`). Due dates that were already past when the obligation was recorded
are listed as overdue in the app but not reminded about (except the due date of an event
recorded late: it was not known before).
"""

from __future__ import annotations

import logging
import uuid
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from decimal import Decimal

from sqlalchemy import select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, joinedload, sessionmaker

from pactum.access import system_scope
from pactum.core.db import transaction
from pactum.core.time import utcnow
from pactum.models import (
    Alliance,
    AllianceMember,
    AllianceParty,
    Obligation,
    Organisation,
    OrgMembership,
    ReminderSent,
    User,
)
from pactum.notify.mail import Email, Mailer, MailError
from pactum.notify.service import notify
from pactum.obligations import rules

log = logging.getLogger("pactum.reminders")

RETRY_AFTER = timedelta(minutes=2)
CLOSED_ALLIANCE = "closed"
# Roles told about an obligation of a given kind, beyond the alliance managers.
ROLES_BY_KIND = {
    "payment": frozenset({"finance"}),
    "notice": frozenset({"legal"}),
    "renewal": frozenset({"legal"}),
    "committee": frozenset({"committee_member"}),
}
ALWAYS = frozenset({"alliance_manager"})
KIND_NAMES = {
    "report": "Report",
    "notice": "Notice",
    "renewal": "Renewal",
    "committee": "Committee",
    "payment": "Payment",
    "other": "Obligation",
}


@dataclass(frozen=True)
class Recipient:
    """A person of one party who is told about an obligation."""

    user_id: uuid.UUID
    org_id: uuid.UUID
    name: str
    email: str
    role: str


@dataclass(frozen=True)
class Reminder:
    """One reminder to send: one due date of one obligation, to one person."""

    obligation_id: uuid.UUID
    alliance_id: uuid.UUID
    alliance_name: str
    title: str
    obligation_kind: str
    due: date
    kind: str  # "upcoming" or "overdue"
    party_name: str
    amount: Decimal | None
    currency: str | None
    recipient: Recipient

    @property
    def link(self) -> str:
        """The obligation's page, relative to the instance."""
        return f"/alliances/{self.alliance_id}/obligations/{self.obligation_id}"


@dataclass
class ReminderReport:
    """What one run did."""

    due: int = 0
    notified: int = 0
    emailed: int = 0
    email_failed: int = 0
    errors: list[str] = field(default_factory=list)

    def summary(self) -> str:
        """One line for the operator."""
        text = (
            f"{self.due} reminders due, {self.notified} new in the app, "
            f"{self.emailed} e-mailed, {self.email_failed} e-mails failed"
        )
        return text + (f" ({'; '.join(self.errors[:3])})" if self.errors else "")


def reminder_kind(due: date, today: date, remind_days: int) -> str | None:
    """``overdue`` after the due date, ``upcoming`` within ``remind_days`` of it, else none."""
    if due < today:
        return "overdue"
    if due <= today + timedelta(days=remind_days):
        return "upcoming"
    return None


def _recipients(session: Session) -> dict[tuple[uuid.UUID, uuid.UUID], list[Recipient]]:
    """Active people of accepted parties by (alliance, organisation), with their role."""
    members = session.execute(
        system_scope(
            select(AllianceMember)
            .join(User, User.id == AllianceMember.user_id)
            .join(
                OrgMembership,
                (OrgMembership.user_id == User.id)
                & (OrgMembership.org_id == AllianceMember.org_id),
            )
            .join(
                AllianceParty,
                (AllianceParty.alliance_id == AllianceMember.alliance_id)
                & (AllianceParty.org_id == AllianceMember.org_id),
            )
            .join(Organisation, Organisation.id == AllianceMember.org_id)
            .where(
                User.active.is_(True),
                OrgMembership.active.is_(True),
                Organisation.active.is_(True),
                AllianceParty.state == "accepted",
            )
            .options(joinedload(AllianceMember.user))
            .order_by(User.email)
        )
    ).scalars()
    found: dict[tuple[uuid.UUID, uuid.UUID], list[Recipient]] = {}
    for m in members:
        found.setdefault((m.alliance_id, m.org_id), []).append(
            Recipient(m.user_id, m.org_id, m.user.name, m.user.email, m.role)
        )
    return found


def audience(obligation: Obligation, people: list[Recipient]) -> list[Recipient]:
    """Who of the acting party hears about ``obligation`` (see the module's rules)."""
    roles = ALWAYS | ROLES_BY_KIND.get(obligation.kind, frozenset())
    return [p for p in people if p.role in roles or p.user_id == obligation.created_by_id]


def acting_party(obligation: Obligation) -> uuid.UUID:
    """The party whose people are reminded: the responsible party of a shared obligation,
    the owner of a private one (it never leaves its owner)."""
    if obligation.visibility == "private":
        return obligation.owner_org_id
    return obligation.responsible_org_id


def due_reminders(session: Session, today: date) -> list[Reminder]:
    """Every reminder that should exist today (sent or not), across all alliances."""
    alliances = {
        a.id: a
        for a in session.execute(
            system_scope(select(Alliance).where(Alliance.status != CLOSED_ALLIANCE))
        ).scalars()
    }
    obligations = session.execute(
        system_scope(
            select(Obligation)
            .where(Obligation.status == "active", Obligation.alliance_id.in_(list(alliances)))
            .order_by(Obligation.created_at, Obligation.id)
        )
    ).scalars()
    orgs = dict(session.execute(select(Organisation.id, Organisation.name)).all())
    people = _recipients(session)
    found: list[Reminder] = []
    for obligation in obligations:
        rule = rules.parse_rule(obligation.rule)
        # Past due dates of a backlog recorded late are not reminded about; an event's due
        # date (one, and unknown until the event is recorded) always is.
        start = (
            rules.EARLIEST if isinstance(rule, rules.AfterEvent) else obligation.created_at.date()
        )
        until = today + timedelta(days=obligation.remind_days)
        due_dates = rules.open_until(rule, obligation.done, until, start=start)
        if not due_dates:
            continue
        party = acting_party(obligation)
        told = audience(obligation, people.get((obligation.alliance_id, party), []))
        for due in due_dates:
            kind = reminder_kind(due, today, obligation.remind_days)
            if kind is None:
                continue
            for person in told:
                found.append(
                    Reminder(
                        obligation_id=obligation.id,
                        alliance_id=obligation.alliance_id,
                        alliance_name=alliances[obligation.alliance_id].name,
                        title=obligation.title,
                        obligation_kind=obligation.kind,
                        due=due,
                        kind=kind,
                        party_name=orgs.get(obligation.responsible_org_id, ""),
                        amount=obligation.amount,
                        currency=obligation.currency,
                        recipient=person,
                    )
                )
    return found


# --- messages ------------------------------------------------------------------------------


def _when(reminder: Reminder, today: date) -> str:
    days = (reminder.due - today).days
    if reminder.kind == "overdue":
        late = -days
        return f"overdue since {reminder.due.isoformat()} ({late} day{'s' if late != 1 else ''})"
    if days == 0:
        return f"due today ({reminder.due.isoformat()})"
    return f"due {reminder.due.isoformat()} (in {days} day{'s' if days != 1 else ''})"


def notification_text(reminder: Reminder, today: date) -> str:
    """The in-app message."""
    when = _when(reminder, today)
    return f"{reminder.title} — {when[:1].upper()}{when[1:]} · {reminder.alliance_name}"


def email_for(reminder: Reminder, today: date, base_url: str) -> Email:
    """The e-mail for one reminder (plain text, with a link to the obligation)."""
    when = _when(reminder, today)
    label = "Overdue" if reminder.kind == "overdue" else "Due soon"
    money = (
        f"\nAmount: {reminder.amount:,.2f} {reminder.currency}"
        if reminder.amount is not None and reminder.currency
        else ""
    )
    text = (
        f"Hello {reminder.recipient.name},\n\n"
        f"{KIND_NAMES.get(reminder.obligation_kind, 'Obligation')} “{reminder.title}” is "
        f"{when}.\n\n"
        f"Alliance: {reminder.alliance_name}\n"
        f"Responsible party: {reminder.party_name}{money}\n"
        f"Due date: {reminder.due.isoformat()}\n\n"
        f"Open it in Pactum: {base_url}{reminder.link}\n\n"
        "Mark the due date done there once it is fulfilled; reminders stop then.\n"
        f"You receive this as a member of the alliance ({reminder.recipient.role.replace('_', ' ')}"
        ").\n"
    )
    return Email(
        to=reminder.recipient.email,
        to_name=reminder.recipient.name,
        subject=f"[Pactum] {label}: {reminder.title} — {reminder.alliance_name}",
        text=text,
    )


# --- sending -------------------------------------------------------------------------------


def _find(session: Session, reminder: Reminder) -> ReminderSent | None:
    return session.execute(
        select(ReminderSent).where(
            ReminderSent.obligation_id == reminder.obligation_id,
            ReminderSent.due_date == reminder.due,
            ReminderSent.user_id == reminder.recipient.user_id,
            ReminderSent.kind == reminder.kind,
        )
    ).scalar_one_or_none()


def _retake(session: Session, row: ReminderSent, now: datetime) -> uuid.UUID | None:
    """Take over an unsent e-mail whose lease ran out (compare-and-set on ``sent_at``)."""
    if row.emailed or row.sent_at > now - RETRY_AFTER:
        return None
    moved = max(now, row.sent_at + timedelta(microseconds=1))
    result = session.execute(
        update(ReminderSent)
        .where(
            ReminderSent.id == row.id,
            ReminderSent.emailed.is_(False),
            ReminderSent.sent_at == row.sent_at,
        )
        .values(sent_at=moved)
        .execution_options(synchronize_session=False)
    )
    return row.id if getattr(result, "rowcount", 0) == 1 else None


def claim(
    factory: sessionmaker[Session], reminder: Reminder, today: date, *, email: bool
) -> tuple[bool, uuid.UUID | None]:
    """Record the reminder (and its in-app notification) once, committed.

    Returns (newly recorded, id of the row whose e-mail this run must send or ``None``).
    """
    now = utcnow()
    with transaction(factory) as session:
        row = ReminderSent(
            obligation_id=reminder.obligation_id,
            due_date=reminder.due,
            user_id=reminder.recipient.user_id,
            kind=reminder.kind,
            emailed=False,
            sent_at=now,
        )
        try:
            with session.begin_nested():
                session.add(row)
                session.flush()
        except IntegrityError:
            existing = _find(session, reminder)
            if existing is None or not email:
                return False, None
            return False, _retake(session, existing, now)
        notify(
            session,
            user_id=reminder.recipient.user_id,
            org_id=reminder.recipient.org_id,
            alliance_id=reminder.alliance_id,
            text=notification_text(reminder, today),
            link=reminder.link,
        )
        return True, row.id if email else None


def _mark_emailed(factory: sessionmaker[Session], row_id: uuid.UUID) -> None:
    with transaction(factory) as session:
        session.execute(
            update(ReminderSent)
            .where(ReminderSent.id == row_id)
            .values(emailed=True, sent_at=utcnow())
            .execution_options(synchronize_session=False)
        )


def send_reminders(
    factory: sessionmaker[Session], mailer: Mailer, *, base_url: str, today: date | None = None
) -> ReminderReport:
    """Send every due reminder not sent yet; safe to run often and concurrently."""
    today = today or utcnow().date()
    report = ReminderReport()
    with transaction(factory) as session:
        reminders = due_reminders(session, today)
    report.due = len(reminders)
    for reminder in reminders:
        created, row_id = claim(factory, reminder, today, email=mailer.configured)
        report.notified += int(created)
        if row_id is None:
            continue
        try:
            mailer.send(email_for(reminder, today, base_url))
        except MailError as exc:
            report.email_failed += 1
            report.errors.append(f"{reminder.recipient.email}: {exc}")
            log.warning("reminder e-mail to %s failed: %s", reminder.recipient.email, exc)
            continue
        _mark_emailed(factory, row_id)
        report.emailed += 1
    return report
