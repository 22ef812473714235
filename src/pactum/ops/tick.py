"""The scheduled jobs (``pactum tick``, and the scheduler inside ``pactum serve`` or
``pactum worker``): obligation reminders; the time-driven transitions (decision deadlines
and escalations, deemed acceptance of milestone claims, agreement and invitation
expiries), each recorded with the system as actor and its due time as effective time;
governance reminders (action items, votes owed); the e-mail outboxes; the sweep of
orphan uploaded files.

Every job must be idempotent and safe to run concurrently, so ``tick`` can run from cron
every minute. A job is a function of a :class:`TickContext` returning a one-line summary;
add new ones to :data:`JOBS`. One job failing does not stop the others.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date

from sqlalchemy.orm import Session, sessionmaker

from pactum.agreements import service as agreements
from pactum.core.db import transaction
from pactum.core.time import utcnow
from pactum.files.service import sweep_orphans
from pactum.governance.service import jobs as governance_jobs
from pactum.milestones import service as milestones
from pactum.notify.mail import Mailer
from pactum.notify.outbox import send_pending
from pactum.obligations.reminders import send_reminders
from pactum.ops.account_mail import send_invitations, send_resets
from pactum.orgs.invitations import expire_due
from pactum.settings import Settings

log = logging.getLogger("pactum.tick")


@dataclass(frozen=True)
class TickContext:
    """What a job needs: sessions, settings, the mailer and today's date (UTC)."""

    factory: sessionmaker[Session]
    settings: Settings
    mailer: Mailer
    today: date


@dataclass(frozen=True)
class JobResult:
    """What a job reports: a summary line, whether it did anything, whether it failed."""

    summary: str
    acted: bool = False
    failed: bool = False


@dataclass(frozen=True)
class JobOutcome:
    """One job's result in a tick, with its name and duration."""

    name: str
    result: JobResult
    seconds: float


Job = Callable[[TickContext], JobResult]


def obligation_reminders(context: TickContext) -> JobResult:
    """Reminders of due and overdue obligations (in the app, and by e-mail if configured)."""
    report = send_reminders(
        context.factory, context.mailer, base_url=context.settings.base_url, today=context.today
    )
    return JobResult(
        report.summary(),
        acted=bool(report.notified or report.emailed or report.email_failed),
        failed=report.email_failed > 0,
    )


def decision_escalations(context: TickContext) -> JobResult:
    """Deadlines and escalation clocks of decisions (the same rules as the pages)."""
    moved = governance_jobs.escalate(context.factory, context.today)
    return JobResult(f"{moved} decision(s) moved on", acted=moved > 0)


def milestone_acceptances(context: TickContext) -> JobResult:
    """Claims whose notice period ended unanswered are recorded as deemed accepted."""
    with transaction(context.factory) as session:
        deemed = milestones.deem_due(session)
    return JobResult(f"{deemed} claim(s) deemed accepted", acted=deemed > 0)


def agreement_expiries(context: TickContext) -> JobResult:
    """Agreements in force past their expiry date are recorded as expired."""
    with transaction(context.factory) as session:
        expired = agreements.expire_due(session)
    return JobResult(f"{expired} agreement(s) expired", acted=expired > 0)


def governance_reminders(context: TickContext) -> JobResult:
    """Action items due or overdue, and votes a party still owes near the deadline."""
    sent = governance_jobs.remind(context.factory, context.today)
    return JobResult(f"{sent} reminder(s) sent", acted=sent > 0)


def notification_emails(context: TickContext) -> JobResult:
    """E-mail the notifications waiting in the outbox (when SMTP is configured)."""
    report = send_pending(context.factory, context.mailer, base_url=context.settings.base_url)
    return JobResult(
        report.summary(), acted=bool(report.sent or report.failed), failed=report.failed > 0
    )


def invitation_expiries(context: TickContext) -> JobResult:
    """Invitations whose time ran out are recorded as expired (the system as actor, the
    expiry as effective time)."""
    with transaction(context.factory) as session:
        expired = expire_due(session)
    return JobResult(f"{expired} invitation(s) expired", acted=expired > 0)


def account_emails(context: TickContext) -> JobResult:
    """E-mail the invitations to join an organisation and the password-reset links not
    yet sent."""
    invited = send_invitations(context.factory, context.mailer, context.settings)
    reset = send_resets(context.factory, context.mailer, context.settings)
    sent, failed = invited.sent + reset.sent, invited.failed + reset.failed
    return JobResult(
        f"{sent} e-mailed, {failed} failed", acted=bool(sent or failed), failed=failed > 0
    )


SWEEP_EVERY_SECONDS = 3600


def orphan_files(context: TickContext) -> JobResult:
    """Stored files no row refers to (an upload whose transaction failed) and abandoned
    temporary files, removed once a day old (the directory is walked at most hourly)."""
    report = sweep_orphans(context.factory, context.settings, every=SWEEP_EVERY_SECONDS)
    return JobResult(report.summary(), acted=bool(report.files or report.temporary))


JOBS: Sequence[tuple[str, Job]] = (
    ("obligation reminders", obligation_reminders),
    ("decision escalations", decision_escalations),
    ("milestone acceptances", milestone_acceptances),
    ("agreement expiries", agreement_expiries),
    ("governance reminders", governance_reminders),
    ("notification e-mails", notification_emails),
    ("invitation expiries", invitation_expiries),
    ("account e-mails", account_emails),
    ("orphan files", orphan_files),
)


def run_tick(
    factory: sessionmaker[Session],
    settings: Settings,
    *,
    mailer: Mailer | None = None,
    jobs: Sequence[tuple[str, Job]] = JOBS,
) -> list[JobOutcome]:
    """Run every job once and report what each did."""
    context = TickContext(factory, settings, mailer or Mailer(settings), utcnow().date())
    outcomes = []
    for name, job in jobs:
        started = time.perf_counter()
        try:
            result = job(context)
        except Exception as exc:  # one broken job must not stop the others
            log.exception("tick job %s failed", name)
            result = JobResult(f"error: {exc.__class__.__name__}: {exc}", failed=True)
        outcomes.append(JobOutcome(name, result, time.perf_counter() - started))
    return outcomes
