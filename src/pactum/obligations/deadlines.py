"""One person's deadlines across their alliances, and their secret calendar feed.

The feed's address carries a random token; only its SHA-256 is stored (one feed per
person and organisation). Every request re-checks who the token's owner is now: an
inactive person or membership answers "no such feed", and alliances they no longer belong
to simply drop out, because the deadlines are read through the access layer each time.
"""

from __future__ import annotations

import hashlib
import secrets
import uuid
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal

from sqlalchemy import select
from sqlalchemy.orm import Session

from pactum.access import Principal, open_alliance, visible_alliances
from pactum.audit.service import org_chain, record
from pactum.auth.service import active_memberships, principal_for
from pactum.core.errors import ValidationFailed
from pactum.core.time import utcnow
from pactum.invoices import service as invoices
from pactum.models import Alliance, CalendarFeed, Obligation, User
from pactum.obligations import rules
from pactum.obligations import service as obligations
from pactum.obligations.calendar import Event, calendar

TOKEN_BYTES = 32
# The feed shows open due dates from a year back to two years ahead.
FEED_PAST = timedelta(days=365)
FEED_AHEAD = timedelta(days=730)


@dataclass(frozen=True)
class Deadline:
    """A due date someone of the caller's party should know about."""

    source: str  # "obligation" or "invoice"
    source_id: uuid.UUID
    alliance_id: uuid.UUID
    alliance_name: str
    title: str
    due_date: date
    state: str
    party: str
    ours: bool
    amount: Decimal | None
    currency: str | None
    link: str
    private: bool = False


def deadlines(
    session: Session,
    principal: Principal,
    *,
    until: date,
    since: date = rules.EARLIEST,
    on: date | None = None,
) -> list[Deadline]:
    """Open due dates of obligations the caller's party may see, and unpaid invoices, due
    from ``since`` to ``until``, soonest first."""
    on = on or obligations.today()
    found: list[Deadline] = []
    for alliance in session.execute(visible_alliances(principal)).scalars():
        view = open_alliance(session, principal, alliance.id)
        names = view.party_names
        for item in obligations.list_obligations(session, view):
            if item.status != "active":
                continue
            for due in rules.open_until(obligations.rule_of(item), item.done, until, since):
                found.append(_obligation_deadline(item, due, on, names, view.org_id, alliance))
        for invoice in invoices.list_invoices(session, view):
            status = invoices.status(invoice, on)
            if status == "paid" or not since <= invoice.due_on <= until:
                continue
            pay = invoice.payer_org_id == view.org_id
            other = invoice.payee_org_id if pay else invoice.payer_org_id
            verb = "Pay" if pay else "Payment due from"
            found.append(
                Deadline(
                    source="invoice",
                    source_id=invoice.id,
                    alliance_id=alliance.id,
                    alliance_name=alliance.name,
                    title=f"{verb} {names.get(other, '')}: invoice {invoice.number}",
                    due_date=invoice.due_on,
                    state="overdue" if status == "overdue" else "due",
                    party=names.get(invoice.payer_org_id, ""),
                    ours=pay,
                    amount=invoice.amount - invoice.paid,
                    currency=invoice.currency,
                    link=f"/alliances/{alliance.id}/finance",
                )
            )
    found.sort(key=lambda d: (d.due_date, d.alliance_name, d.title))
    return found


def _obligation_deadline(
    item: Obligation,
    due: date,
    on: date,
    names: dict[uuid.UUID, str],
    my_org: uuid.UUID,
    alliance: Alliance,
) -> Deadline:
    return Deadline(
        source="obligation",
        source_id=item.id,
        alliance_id=item.alliance_id,
        alliance_name=alliance.name,
        title=item.title,
        due_date=due,
        state=rules.state(due, item.done, on, item.remind_days),
        party=names.get(item.responsible_org_id, ""),
        ours=item.responsible_org_id == my_org,
        amount=item.amount,
        currency=item.currency,
        link=f"/alliances/{item.alliance_id}/obligations/{item.id}",
        private=item.visibility == "private",
    )


# --- the feed ------------------------------------------------------------------------------


def _hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def feed_of(session: Session, principal: Principal) -> CalendarFeed | None:
    """The caller's feed for the organisation they act for, if any."""
    if principal.org_id is None:
        return None
    return session.execute(
        select(CalendarFeed).where(
            CalendarFeed.user_id == principal.user_id, CalendarFeed.org_id == principal.org_id
        )
    ).scalar_one_or_none()


def issue_feed(session: Session, principal: Principal) -> tuple[str, CalendarFeed]:
    """Create the caller's feed, or replace its token (the old address stops working).
    Returns the new token, shown once."""
    if principal.org_id is None:
        raise ValidationFailed("org", "act for an organisation to have a calendar feed")
    token = secrets.token_urlsafe(TOKEN_BYTES)
    feed = feed_of(session, principal)
    action = "calendar_feed.rotate" if feed is not None else "calendar_feed.create"
    if feed is None:
        feed = CalendarFeed(user_id=principal.user_id, org_id=principal.org_id)
        session.add(feed)
    feed.token_hash = _hash(token)
    feed.created_at = utcnow()
    session.flush()
    record(
        session,
        actor=principal.actor,
        action=action,
        object_type="calendar_feed",
        object_id=feed.id,
        chain=org_chain(principal.org_id),
    )
    return token, feed


def revoke_feed(session: Session, principal: Principal) -> bool:
    """Delete the caller's feed; its address answers 404 from now on."""
    feed = feed_of(session, principal)
    if feed is None or principal.org_id is None:
        return False
    record(
        session,
        actor=principal.actor,
        action="calendar_feed.revoke",
        object_type="calendar_feed",
        object_id=feed.id,
        chain=org_chain(principal.org_id),
    )
    session.delete(feed)
    session.flush()
    return True


def feed_principal(session: Session, token: str) -> Principal | None:
    """Who a feed token belongs to now (``None``: unknown, revoked, or no longer active)."""
    if not token or len(token) > 200:
        return None
    feed = session.execute(
        select(CalendarFeed).where(CalendarFeed.token_hash == _hash(token))
    ).scalar_one_or_none()
    if feed is None:
        return None
    user = session.get(User, feed.user_id)
    if user is None or not user.active:
        return None
    membership = next(
        (m for m in active_memberships(session, user.id) if m.org_id == feed.org_id), None
    )
    return principal_for(user, membership) if membership is not None else None


def _event(deadline: Deadline, base_url: str) -> Event:
    prefix = "Overdue: " if deadline.state == "overdue" else ""
    money = (
        f"\nAmount: {deadline.amount:,.2f} {deadline.currency}"
        if deadline.amount is not None and deadline.currency
        else ""
    )
    kind = "invoice" if deadline.source == "invoice" else "obligation"
    uid_day = "" if kind == "invoice" else f"-{deadline.due_date:%Y%m%d}"
    return Event(
        uid=f"{kind}-{deadline.source_id}{uid_day}@pactum",
        day=deadline.due_date,
        summary=f"{prefix}{deadline.title} ({deadline.alliance_name})",
        description=(
            f"{deadline.title}\nAlliance: {deadline.alliance_name}\n"
            f"Responsible: {deadline.party}{money}\n{base_url}{deadline.link}"
        ),
        categories=("Pactum", "Invoice" if kind == "invoice" else "Obligation"),
    )


# Other domains' events for the same feed (e.g. committee meetings and action items),
# registered by the application at start-up: name -> source(session, principal, since,
# until, base_url). Each source applies the caller's access rules itself.
FeedSource = Callable[[Session, Principal, date, date, str], Iterable[Event]]
FEED_SOURCES: dict[str, FeedSource] = {}


def register_source(name: str, source: FeedSource) -> None:
    """Add a source of events to every person's calendar feed (idempotent by name)."""
    FEED_SOURCES[name] = source


def feed_text(session: Session, principal: Principal, *, base_url: str) -> str:
    """The iCalendar text of the caller's deadlines (a year back, two years ahead), plus
    the events of the registered sources (meetings, action items)."""
    on = obligations.today()
    since, until = on - FEED_PAST, on + FEED_AHEAD
    found = deadlines(session, principal, since=since, until=until, on=on)
    events = [_event(d, base_url) for d in found]
    for _name, source in sorted(FEED_SOURCES.items()):
        events.extend(source(session, principal, since, until, base_url))
    return calendar(events, name=f"Pactum deadlines — {principal.org_name}", now=utcnow())
