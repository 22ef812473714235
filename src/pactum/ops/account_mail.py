"""E-mails about a person's account that ``pactum tick`` (and the scheduler) send:
invitations to join an organisation and links to choose a new password. Their links are
derived from the instance secret when the message is sent, so no usable token is stored.

Each message is claimed with a compare-and-set committed before sending, so two
schedulers never send it twice; a failed send puts it back for a later run.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass

from sqlalchemy import select, update
from sqlalchemy.orm import Session, joinedload, sessionmaker

from pactum.auth import resets
from pactum.core.db import transaction
from pactum.core.time import utcnow
from pactum.models import OrgInvitation, PasswordReset, User
from pactum.notify.mail import Email, Mailer, MailError
from pactum.orgs import invitations
from pactum.settings import Settings

log = logging.getLogger("pactum.mail")
BATCH = 200


@dataclass
class MailReport:
    """What one run sent."""

    sent: int = 0
    failed: int = 0

    def summary(self) -> str:
        """One line for ``pactum tick``."""
        return f"{self.sent} e-mailed, {self.failed} failed"


def invitation_email(settings: Settings, invitation: OrgInvitation) -> Email:
    """The invitation e-mail: who invites, to what, the link and until when."""
    org = invitation.org.name
    who = invitation.invited_by_name or org
    role = f" as {invitation.title}" if invitation.title else ""
    admin = " You would be one of its administrators." if invitation.is_admin else ""
    text = (
        f"{who} invited you to join {org} on Pactum{role}.{admin}\n\n"
        f"To accept or decline, open this link (it works once):\n"
        f"{invitations.link(settings, invitation)}\n\n"
        f"The invitation is open until {invitation.expires_at:%d %b %Y %H:%M} UTC. "
        "If you already have a Pactum account with this address, you keep your name, "
        "password and second factor; otherwise you choose them when you accept.\n\n"
        "-- \nPactum. If you did not expect this invitation, ignore this message."
    )
    return Email(to=invitation.email, subject=f"Invitation to join {org} on Pactum", text=text)


def _put_back(factory: sessionmaker[Session], invitation_id: object) -> None:
    with transaction(factory) as session:
        session.execute(
            update(OrgInvitation)
            .where(OrgInvitation.id == invitation_id, OrgInvitation.status == "pending")
            .values(email_pending=True, emailed_at=None)
            .execution_options(synchronize_session=False)
        )


def send_invitations(
    factory: sessionmaker[Session], mailer: Mailer, settings: Settings
) -> MailReport:
    """E-mail every open invitation not yet sent (nothing happens while SMTP is off)."""
    report = MailReport()
    if not mailer.configured:
        return report
    with transaction(factory) as session:
        pending = list(
            session.execute(
                select(OrgInvitation)
                .where(
                    OrgInvitation.email_pending.is_(True),
                    OrgInvitation.status == "pending",
                    OrgInvitation.expires_at > utcnow(),
                )
                .options(joinedload(OrgInvitation.org))
                .order_by(OrgInvitation.created_at)
                .limit(BATCH)
            ).scalars()
        )
    for invitation in pending:
        with transaction(factory) as session:
            if not invitations.mark_emailed(session, invitation.id):
                continue
        try:
            mailer.send(invitation_email(settings, invitation))
        except MailError as exc:
            _put_back(factory, invitation.id)
            report.failed += 1
            log.warning("invitation e-mail failed: %s", exc)
            continue
        report.sent += 1
    return report


def reset_email(settings: Settings, reset: PasswordReset, user: User) -> Email:
    """The e-mail carrying a link to choose a new password."""
    text = (
        "Someone asked to choose a new password for your Pactum account.\n\n"
        f"To choose it, open this link within the hour (it works once):\n"
        f"{resets.link(settings, reset)}\n\n"
        "If it was not you, ignore this message: your password stays as it is.\n\n-- \nPactum."
    )
    return Email(
        to=user.email, to_name=user.name, subject="Choose a new Pactum password", text=text
    )


def send_resets(factory: sessionmaker[Session], mailer: Mailer, settings: Settings) -> MailReport:
    """E-mail every open password-reset link not yet sent."""
    report = MailReport()
    if not mailer.configured:
        return report
    with transaction(factory) as session:
        pending = list(
            session.execute(
                select(PasswordReset, User)
                .join(User, User.id == PasswordReset.user_id)
                .where(
                    PasswordReset.email_pending.is_(True),
                    PasswordReset.used_at.is_(None),
                    PasswordReset.expires_at > utcnow(),
                )
                .order_by(PasswordReset.created_at)
                .limit(BATCH)
            ).all()
        )
    for reset, user in pending:
        with transaction(factory) as session:
            if not resets.claim_email(session, reset.id):
                continue
        try:
            mailer.send(reset_email(settings, reset, user))
        except MailError as exc:
            with transaction(factory) as session:
                session.execute(
                    update(PasswordReset)
                    .where(PasswordReset.id == reset.id, PasswordReset.used_at.is_(None))
                    .values(email_pending=True, emailed_at=None)
                    .execution_options(synchronize_session=False)
                )
            report.failed += 1
            log.warning("password-reset e-mail failed: %s", exc)
            continue
        report.sent += 1
    return report
