"""``pactum tick`` for governance: escalation computed by the tick agrees with the pages
and runs once; action-item and vote reminders are sent once; the notification outbox
e-mails through a real (local) SMTP server, once, and retries after a failure."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, date, datetime

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from pactum.core.time import frozen
from pactum.governance.service import jobs
from pactum.models import GovernanceReminder, Notification
from pactum.notify.mail import Mailer
from pactum.notify.outbox import send_pending
from pactum.ops.tick import run_tick
from pactum.settings import Settings
from tests.conftest import World
from tests.governance.support import ok, setup_governance, written_decision
from tests.obligations.smtp import Mailbox, closed_port, smtp_server


def at(day: date) -> datetime:
    return datetime(day.year, day.month, day.day, 7, 0, tzinfo=UTC)


@pytest.fixture
def mailbox() -> Iterator[Mailbox]:
    """A local SMTP server."""
    with smtp_server() as box:
        yield box


def mailer(settings: Settings, port: int) -> Mailer:
    return Mailer(
        settings.model_copy(
            update={"smtp_host": "127.0.0.1", "smtp_port": port, "smtp_starttls": False}
        )
    )


def test_tick_escalates_exactly_when_due_and_once(
    client: TestClient, world: World, factory: sessionmaker[Session]
) -> None:
    with frozen(at(date(2026, 11, 23))):
        gov = setup_governance(client, world)
        d = written_decision(client, world, gov, date(2026, 11, 25))
    url = f"{gov.base}/decisions/{d['id']}"
    # nobody voted by Wed 25 Nov: deadlocked on the 25th, escalates 15 business days later
    assert jobs.escalate(factory, date(2026, 11, 25)) == 0
    assert jobs.escalate(factory, date(2026, 11, 26)) == 1
    assert jobs.escalate(factory, date(2026, 11, 26)) == 0
    with frozen(at(date(2026, 11, 26))):
        seen = ok(client.get(url, headers=world["b_manager"].headers))
    assert (seen["status"], seen["escalate_on"]) == ("deadlocked", "2026-12-16")
    assert jobs.escalate(factory, date(2026, 12, 15)) == 0
    assert jobs.escalate(factory, date(2026, 12, 16)) == 1
    with frozen(at(date(2026, 12, 16))):
        seen = ok(client.get(url, headers=world["a_manager"].headers))
    assert (seen["status"], seen["rung"], seen["body_id"]) == ("open", 1, str(gov.execs))
    # a read shows the same as the tick, before the tick ran, and changes nothing: a
    # second decision read first, then recorded by the tick
    with frozen(at(date(2026, 11, 23))):
        other = written_decision(client, world, gov, date(2026, 11, 25))
    other_url = f"{gov.base}/decisions/{other['id']}"
    with frozen(at(date(2026, 12, 16))):
        page_first = ok(client.get(other_url, headers=world["a_manager"].headers))
        again = ok(client.get(other_url, headers=world["b_manager"].headers))
    assert page_first == again
    assert (page_first["rung"], page_first["deadline"]) == (seen["rung"], seen["deadline"])
    assert [s["on_day"] for s in page_first["steps"]] == [s["on_day"] for s in seen["steps"]]
    assert [s["recorded_at"] for s in page_first["steps"][1:]] == [None, None]
    assert jobs.escalate(factory, date(2026, 12, 16)) == 1
    with frozen(at(date(2026, 12, 16))):
        recorded = ok(client.get(other_url, headers=world["a_manager"].headers))

    def unrecorded(steps: list[dict[str, object]]) -> list[dict[str, object]]:
        return [{k: v for k, v in s.items() if k != "recorded_at"} for s in steps]

    assert unrecorded(recorded["steps"]) == unrecorded(page_first["steps"])
    assert {k: v for k, v in recorded.items() if k not in ("steps",)} == {
        k: v for k, v in page_first.items() if k not in ("steps",)
    }
    assert jobs.escalate(factory, date(2026, 12, 16)) == 0


def test_reminders_once_and_outbox_emails(
    client: TestClient,
    world: World,
    factory: sessionmaker[Session],
    db: Session,
    settings: Settings,
    mailbox: Mailbox,
) -> None:
    with frozen(at(date(2026, 11, 23))):
        gov = setup_governance(client, world)
        d = written_decision(client, world, gov, date(2026, 11, 25))
        ok(
            client.post(
                f"{gov.base}/actions",
                headers=world["a_manager"].headers,
                json={
                    "title": "Draft the CMC plan",
                    "assignee_id": str(world["b_contributor"].user_id),
                    "due_on": "2026-11-24",
                },
            ),
            201,
        )
        ok(
            client.post(
                f"{gov.base}/decisions/{d['id']}/votes",
                headers=world["a_manager"].headers,
                json={"choice": "yes"},
            ),
            201,
        )
    first = jobs.remind(factory, date(2026, 11, 23))
    assert jobs.remind(factory, date(2026, 11, 23)) == 0
    rows = db.execute(select(GovernanceReminder)).scalars().all()
    kinds = sorted((r.kind, r.user_id == world["b_manager"].user_id) for r in rows)
    # B's two voting members are reminded of the vote B owes (A already voted), the
    # action's assignee (B's contributor) of its due date; nobody of A about the vote
    assert first == len(rows) == 3
    assert kinds == [("upcoming", False), ("vote", False), ("vote", True)]
    assert jobs.remind(factory, date(2026, 11, 25)) == 1  # the action is now overdue
    # the outbox: every notification stored with email=True goes out once
    box = mailer(settings, mailbox.port)
    pending = (
        db.execute(select(Notification).where(Notification.email_pending.is_(True))).scalars().all()
    )
    assert pending
    report = send_pending(factory, box, base_url="https://pactum.example")
    assert report.sent == len(pending)
    assert report.failed == 0
    assert send_pending(factory, box, base_url="https://pactum.example").sent == 0
    (vote_mail,) = [m for m in mailbox.to("b_manager@example.com") if "not voted" in m["Subject"]]
    assert (
        f"https://pactum.example/alliances/{world.alliance_id}/decisions/{d['id']}"
        in vote_mail.get_content()
    )
    # A's people get no e-mail about B's owed vote
    assert not [m for m in mailbox.to("a_manager@example.com") if "not voted" in m["Subject"]]


def test_outbox_retries_after_a_failure(
    client: TestClient,
    world: World,
    factory: sessionmaker[Session],
    settings: Settings,
    mailbox: Mailbox,
) -> None:
    with frozen(at(date(2026, 11, 23))):
        gov = setup_governance(client, world)
        ok(
            client.post(
                f"{gov.base}/actions",
                headers=world["a_manager"].headers,
                json={
                    "title": "Send minutes",
                    "assignee_id": str(world["b_manager"].user_id),
                    "due_on": "2026-12-24",
                },
            ),
            201,
        )
    failed = send_pending(factory, mailer(settings, closed_port()), base_url="https://x")
    assert failed.failed >= 1
    assert failed.sent == 0
    sent = send_pending(factory, mailer(settings, mailbox.port), base_url="https://x")
    assert sent.sent == failed.failed
    assert any("Send minutes" in m["Subject"] for m in mailbox.to("b_manager@example.com"))


def test_run_tick_has_the_governance_jobs(
    factory: sessionmaker[Session], settings: Settings
) -> None:
    names = [o.name for o in run_tick(factory, settings)]
    assert names[1:6] == [
        "decision escalations",
        "milestone acceptances",
        "agreement expiries",
        "governance reminders",
        "notification e-mails",
    ]
