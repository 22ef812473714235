"""``pactum tick``: reminders in the app and by real SMTP to a local server, once each."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from datetime import date, timedelta
from pathlib import Path

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session, sessionmaker

from pactum.core.db import make_sessionmaker
from pactum.models import Notification, ReminderSent
from pactum.notify.mail import Email, Mailer, MailError
from pactum.obligations.reminders import ReminderReport, send_reminders
from pactum.ops.tick import JobResult, TickContext, run_tick
from pactum.settings import Settings
from tests.conftest import World, _build_world
from tests.dbutil import fresh_database
from tests.obligations.smtp import Mailbox, closed_port, smtp_server
from tests.obligations.support import frozen, make

# Created on 1 May 2027: the first due date of "45 days after each quarter end from
# 1 Jan 2027" is 15 May 2027; with the default 7 days' notice it is "due soon" from 8 May.
CREATED = date(2027, 5, 1)


@pytest.fixture
def mailbox() -> Iterator[Mailbox]:
    """A local SMTP server."""
    with smtp_server() as box:
        yield box


def _mailer(settings: Settings, port: int, host: str = "127.0.0.1") -> Mailer:
    return Mailer(
        settings.model_copy(update={"smtp_host": host, "smtp_port": port, "smtp_starttls": False})
    )


def _sent(db: Session) -> list[ReminderSent]:
    return list(db.execute(select(ReminderSent).order_by(ReminderSent.user_id)).scalars())


def test_mailer_sends_real_smtp(settings: Settings, mailbox: Mailbox) -> None:
    """A message reaches the local server with its headers and UTF-8 body intact; a
    header cannot be injected through the subject."""
    mailer = _mailer(settings, mailbox.port)
    assert mailer.send(
        Email(
            to="ann@example.com",
            to_name="Ann Ö",
            subject="Report due\r\nBcc: eve@example.com",
            text="Grüße — due 2027-05-15.\n.leading dot stays\n",
        )
    )
    (message,) = mailbox.to("ann@example.com")
    assert message["Subject"] == "Report due Bcc: eve@example.com"
    assert message["Bcc"] is None
    assert message["To"].addresses[0].display_name == "Ann Ö"
    assert message.get_content() == "Grüße — due 2027-05-15.\n.leading dot stays\n"
    assert message["Message-ID"]


def test_mail_is_skipped_without_a_host_and_fails_loudly_when_unreachable(
    settings: Settings,
) -> None:
    """No host: skipped (False). A refused connection: MailError."""
    assert not Mailer(settings).configured
    assert Mailer(settings).send(Email("a@example.com", "s", "t")) is False
    with pytest.raises(MailError):
        _mailer(settings, closed_port()).send(Email("a@example.com", "s", "t"))


def test_tick_twice_sends_each_reminder_once(
    db: Session, factory: sessionmaker[Session], settings: Settings, world: World, mailbox: Mailbox
) -> None:
    """B's managers are told about B's report: one notification and one e-mail each, however
    often tick runs; A's people and B's contributor are not told."""
    with frozen(CREATED):
        obligation = make(db, world)
    mailer = _mailer(settings, mailbox.port)
    with frozen(date(2027, 5, 7)):
        quiet = send_reminders(factory, mailer, base_url="https://pactum.example")
    assert (quiet.due, quiet.notified, len(mailbox.messages)) == (0, 0, 0)
    with frozen(date(2027, 5, 8)):
        first = send_reminders(factory, mailer, base_url="https://pactum.example")
        second = send_reminders(factory, mailer, base_url="https://pactum.example")
    assert (first.due, first.notified, first.emailed) == (1, 1, 1)
    assert (second.due, second.notified, second.emailed) == (1, 0, 0)
    (message,) = mailbox.to("b_manager@example.com")
    assert len(mailbox.messages) == 1
    assert message["Subject"] == (
        "[Pactum] Due soon: Quarterly development report — Test co-development"
    )
    text = message.get_content()
    assert "due 2027-05-15 (in 7 days)" in text
    assert (
        f"https://pactum.example/alliances/{world.alliance_id}/obligations/{obligation.id}" in text
    )
    rows = _sent(db)
    assert [(r.user_id, r.kind, r.due_date, r.emailed) for r in rows] == [
        (world["b_manager"].user_id, "upcoming", date(2027, 5, 15), True)
    ]
    notes = db.execute(select(Notification)).scalars().all()
    assert [(n.user_id, n.org_id) for n in notes] == [(world["b_manager"].user_id, world.orgs["B"])]
    assert notes[0].text.startswith("Quarterly development report — Due 2027-05-15")


def test_overdue_reminder_after_the_due_date(
    db: Session, factory: sessionmaker[Session], settings: Settings, world: World, mailbox: Mailbox
) -> None:
    """The day after the due date, an overdue reminder goes out once (besides the earlier
    'due soon' one); marking the date done stops further reminders."""
    with frozen(CREATED):
        obligation = make(db, world)
    mailer = _mailer(settings, mailbox.port)
    for day in (date(2027, 5, 10), date(2027, 5, 15), date(2027, 5, 16), date(2027, 5, 17)):
        with frozen(day):
            send_reminders(factory, mailer, base_url="https://p.example")
    kinds = [(r.kind, r.due_date) for r in _sent(db)]
    assert sorted(kinds) == [("overdue", date(2027, 5, 15)), ("upcoming", date(2027, 5, 15))]
    subjects = [m.message["Subject"] for m in mailbox.messages]
    assert subjects[1].startswith("[Pactum] Overdue: Quarterly development report")
    assert "overdue since 2027-05-15 (1 day)" in mailbox.messages[1].message.get_content()
    obligation.done = ["2027-05-15"]
    db.commit()
    # Next quarter: "due soon" from 7 August for 14 August.
    with frozen(date(2027, 8, 7)):
        later = send_reminders(factory, mailer, base_url="https://p.example")
    assert (later.due, later.notified) == (1, 1)
    assert mailbox.messages[-1].message.get_content().count("2027-08-14") >= 1


def test_payment_reminders_reach_finance_and_the_creator(
    db: Session, factory: sessionmaker[Session], settings: Settings, world: World, mailbox: Mailbox
) -> None:
    """For A's payment: A's manager, A's finance person, and the contributor who recorded
    it; not A's viewer, not anyone of B."""
    with frozen(CREATED):
        make(
            db,
            world,
            who="a_contributor",
            kind="payment",
            amount="1500.00",
            currency="USD",
            responsible_org_id=str(world.orgs["A"]),
            rule={"type": "fixed", "date": "2027-05-20"},
            remind_days=10,
        )
    with frozen(date(2027, 5, 10)):
        report = send_reminders(factory, _mailer(settings, mailbox.port), base_url="https://p")
    assert report.emailed == 3
    told = sorted(r for m in mailbox.messages for r in m.recipients)
    assert told == [
        "a_contributor@example.com",
        "a_finance@example.com",
        "a_manager@example.com",
    ]
    assert "Amount: 1,500.00 USD" in mailbox.to("a_finance@example.com")[0].get_content()


def test_a_failed_send_is_retried_on_a_later_tick(
    db: Session, factory: sessionmaker[Session], settings: Settings, world: World, mailbox: Mailbox
) -> None:
    """SMTP down: the reminder is kept (in the app at once, e-mail pending) and e-mailed by
    a later tick once the retry lease has passed; never twice."""
    with frozen(CREATED):
        make(db, world)
    down = _mailer(settings, closed_port())
    with frozen(date(2027, 5, 8)):
        failed = send_reminders(factory, down, base_url="https://p")
    assert (failed.notified, failed.emailed, failed.email_failed) == (1, 0, 1)
    assert [r.emailed for r in _sent(db)] == [False]
    up = _mailer(settings, mailbox.port)
    with frozen(date(2027, 5, 8)):  # same moment: the lease still holds
        early = send_reminders(factory, up, base_url="https://p")
    assert (early.emailed, len(mailbox.messages)) == (0, 0)
    with frozen(date(2027, 5, 8), hour=10):
        retried = send_reminders(factory, up, base_url="https://p")
        again = send_reminders(factory, up, base_url="https://p")
    assert (retried.notified, retried.emailed) == (0, 1)
    assert again.emailed == 0
    assert len(mailbox.to("b_manager@example.com")) == 1
    assert db.execute(select(func.count(Notification.id))).scalar_one() == 1


def test_two_ticks_at_once_send_once(tmp_path: Path, settings: Settings, mailbox: Mailbox) -> None:
    """Two ticks started together on their own connections to one database: the unique
    reminder row lets exactly one of them record and send each reminder."""
    with fresh_database(tmp_path, "ticks") as (_url, engine):
        factory = make_sessionmaker(engine)
        with frozen(CREATED), factory() as session:
            world = _build_world(session, settings)
            session.commit()
            make(session, world)
            make(session, world, title="Second report")
        mailer = _mailer(settings, mailbox.port)
        barrier = threading.Barrier(2)
        reports: list[ReminderReport] = []

        def tick() -> None:
            barrier.wait()
            reports.append(send_reminders(factory, mailer, base_url="https://p"))

        with frozen(date(2027, 5, 9)):
            threads = [threading.Thread(target=tick) for _ in range(2)]
            for thread in threads:
                thread.start()
            for thread in threads:
                thread.join()
        # Split between the two or all in one: never more than once each.
        assert len(reports) == 2
        assert sum(r.notified for r in reports) == 2
        assert sum(r.emailed for r in reports) == 2
        assert len(mailbox.messages) == 2
        with factory() as session:
            assert session.execute(select(func.count(ReminderSent.id))).scalar_one() == 2
            assert session.execute(select(func.count(Notification.id))).scalar_one() == 2


def test_closed_obligations_and_old_dates_are_not_reminded(
    db: Session, factory: sessionmaker[Session], settings: Settings, world: World
) -> None:
    """Waived obligations stay quiet; due dates already past when the obligation was
    recorded are not reminded about (they show as overdue in the app)."""
    with frozen(date(2027, 9, 1)):
        backlog = make(db, world)
        waived = make(db, world, title="Waived one", rule={"type": "fixed", "date": "2027-09-05"})
        waived.status = "waived"
        db.commit()
    with frozen(date(2027, 9, 2)):
        report = send_reminders(factory, Mailer(settings), base_url="https://p")
    # 15 May and 14 Aug 2027 were before 1 Sep: nothing; 14 Nov is not due soon yet.
    assert report.due == 0
    assert backlog.status == "active"


def test_run_tick_isolates_a_failing_job(
    factory: sessionmaker[Session], settings: Settings, world: World
) -> None:
    """A job that raises is reported as failed; the next one still runs."""

    def broken(context: TickContext) -> JobResult:
        raise RuntimeError("boom")

    def fine(context: TickContext) -> JobResult:
        return JobResult(f"ran on {context.today.isoformat()}")

    with frozen(date(2027, 5, 9)):
        outcomes = run_tick(factory, settings, jobs=(("broken", broken), ("fine", fine)))
    assert [(o.name, o.result.failed) for o in outcomes] == [("broken", True), ("fine", False)]
    assert outcomes[0].result.summary == "error: RuntimeError: boom"
    assert outcomes[1].result.summary == "ran on 2027-05-09"


def test_due_within_zero_days_means_on_the_day(
    db: Session, factory: sessionmaker[Session], settings: Settings, world: World
) -> None:
    """``remind_days`` 0: the 'due soon' reminder goes out on the due date itself."""
    due = date(2027, 6, 1)
    with frozen(CREATED):
        make(db, world, rule={"type": "fixed", "date": due.isoformat()}, remind_days=0)
    with frozen(due - timedelta(days=1)):
        assert send_reminders(factory, Mailer(settings), base_url="x").due == 0
    with frozen(due):
        assert send_reminders(factory, Mailer(settings), base_url="x").notified == 1


def test_an_event_recorded_late_is_still_reminded(
    db: Session, factory: sessionmaker[Session], settings: Settings, world: World
) -> None:
    """The due date of an event recorded after it fell due was unknown before: it gets an
    overdue reminder, unlike the backlog of a recurring rule."""
    with frozen(CREATED):
        obligation = make(
            db,
            world,
            kind="notice",
            rule={"type": "after_event", "event": "First sale", "days": 10},
        )
    obligation.rule = {**obligation.rule, "event_date": "2027-04-01"}
    db.commit()
    with frozen(date(2027, 5, 2)):
        report = send_reminders(factory, Mailer(settings), base_url="x")
    # 1 April + 10 days = 11 April, before the obligation was recorded on 1 May.
    assert report.notified == 1
    assert [(r.kind, r.due_date) for r in _sent(db)] == [("overdue", date(2027, 4, 11))]
