"""The e-mail outbox: notifications stored with ``email=True`` are e-mailed by
``pactum tick`` when SMTP is configured.

Each message is claimed with a compare-and-set (``email_pending`` true -> false) and the
claim is committed before sending, so two ticks at once never send it twice; a failed send
puts it back for a later tick. Only the notification's own text and link are sent, and
only to the person it is addressed to (whatever their party may see was decided when it
was stored).
"""

from __future__ import annotations

import logging
import uuid
from dataclasses import dataclass, field

from sqlalchemy import select, update
from sqlalchemy.orm import Session, sessionmaker

from pactum.core.db import transaction
from pactum.core.time import utcnow
from pactum.models import Notification, User
from pactum.notify.mail import Email, Mailer, MailError

log = logging.getLogger("pactum.outbox")
BATCH = 500


@dataclass
class OutboxReport:
    """What one run of the outbox did."""

    sent: int = 0
    failed: int = 0
    errors: list[str] = field(default_factory=list)

    def summary(self) -> str:
        """One line for ``pactum tick``."""
        return f"{self.sent} e-mailed, {self.failed} failed"


def _claim(factory: sessionmaker[Session], note_id: uuid.UUID, pending: bool) -> bool:
    with transaction(factory) as session:
        result = session.execute(
            update(Notification)
            .where(Notification.id == note_id, Notification.email_pending.is_(not pending))
            .values(email_pending=pending)
            .execution_options(synchronize_session=False)
        )
        return getattr(result, "rowcount", 0) == 1


def send_pending(factory: sessionmaker[Session], mailer: Mailer, *, base_url: str) -> OutboxReport:
    """E-mail every pending notification once (nothing happens while SMTP is off)."""
    report = OutboxReport()
    if not mailer.configured:
        return report
    with transaction(factory) as session:
        rows = session.execute(
            select(Notification.id, Notification.text, Notification.link, User.email, User.name)
            .join(User, User.id == Notification.user_id)
            .where(Notification.email_pending.is_(True), User.active.is_(True))
            .order_by(Notification.created_at)
            .limit(BATCH)
        ).all()
    for note_id, text, link, address, name in rows:
        if not _claim(factory, note_id, pending=False):
            continue  # another tick took it
        body = text + (f"\n\n{base_url.rstrip('/')}{link}" if link else "")
        body += "\n\n-- \nPactum. You receive this because you take part in the alliance."
        try:
            mailer.send(Email(to=address, to_name=name, subject=f"Pactum: {text}", text=body))
        except MailError as exc:
            _claim(factory, note_id, pending=True)
            report.failed += 1
            report.errors.append(f"{address}: {exc}")
            log.warning("notification e-mail to %s failed: %s", address, exc)
            continue
        with transaction(factory) as session:
            session.execute(
                update(Notification)
                .where(Notification.id == note_id)
                .values(emailed_at=utcnow())
                .execution_options(synchronize_session=False)
            )
        report.sent += 1
    return report
