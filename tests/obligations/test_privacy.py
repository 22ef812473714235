"""TEN-2: a party's private obligation (an internal deadline) never reaches the other party:
not in lists, reads, exports, notifications, e-mails or calendar feeds."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from datetime import date

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from pactum.models import AuditEntry, Notification
from pactum.notify.mail import Mailer
from pactum.obligations.reminders import send_reminders
from pactum.settings import Settings
from tests.conftest import World
from tests.obligations.smtp import Mailbox, smtp_server
from tests.obligations.support import create, frozen, url
from tests.support import sign_in

SECRET = "Chase Meridian before the board meeting"


@pytest.fixture
def today() -> Iterator[None]:
    """10 May 2027."""
    with frozen(date(2027, 5, 10)):
        yield


@pytest.fixture
def private_id(client: TestClient, world: World, today: None) -> str:
    """A's internal deadline about B's report (B named responsible), due 15 May 2027."""
    made = create(
        client,
        world,
        title=SECRET,
        visibility="private",
        rule={"type": "fixed", "date": "2027-05-15"},
    )
    assert made.status_code == 201, made.text
    return str(made.json()["id"])


def test_the_partner_cannot_list_read_or_change_it(
    client: TestClient, world: World, private_id: str
) -> None:
    """B: absent from the list, and 404 exactly like a missing id on every route."""
    b = world["b_manager"].headers
    assert SECRET not in client.get(url(world), headers=b).text
    assert SECRET in client.get(url(world), headers=world["a_viewer"].headers).text
    missing = str(uuid.uuid4())
    for suffix, method, payload in (
        ("", "GET", None),
        ("", "PATCH", {"title": "B's"}),
        ("/done", "POST", {"due_date": "2027-05-15"}),
        ("/status", "POST", {"status": "completed"}),
    ):
        real = client.request(
            method,
            url(world, f"/{private_id}{suffix}"),
            headers={**b, "If-Match": "*"},
            json=payload,
        )
        fake = client.request(
            method, url(world, f"/{missing}{suffix}"), headers={**b, "If-Match": "*"}, json=payload
        )
        assert real.status_code == 404
        assert (real.status_code, real.json()) == (fake.status_code, fake.json())


def test_exports_and_pages_of_the_partner_leave_it_out(
    client: TestClient, db: Session, settings: Settings, world: World, private_id: str
) -> None:
    """B's page, CSV, Excel and 'My deadlines' do not mention it; A's do."""
    base = f"/alliances/{world.alliance_id}/obligations"
    sign_in(client, db, settings, world["b_manager"])
    for path in (
        base,
        f"{base}.csv",
        f"{base}.xlsx",
        "/calendar?days=365",
        "/calendar/deadlines.csv",
    ):
        response = client.get(path)
        assert response.status_code == 200, path
        assert SECRET.encode() not in response.content, path
    assert client.get(f"{base}/{private_id}").status_code == 404
    client.cookies.clear()
    sign_in(client, db, settings, world["a_manager"])
    assert SECRET in client.get(f"{base}.csv").text
    assert SECRET in client.get("/calendar/deadlines.csv").text


def test_reminders_go_to_the_owner_only(
    client: TestClient,
    db: Session,
    factory: sessionmaker[Session],
    settings: Settings,
    world: World,
    private_id: str,
) -> None:
    """Named responsible or not, B gets no notification and no e-mail; A's manager does."""
    with smtp_server() as mailbox:
        mailer = Mailer(
            settings.model_copy(
                update={"smtp_host": "127.0.0.1", "smtp_port": mailbox.port, "smtp_starttls": False}
            )
        )
        report = send_reminders(factory, mailer, base_url="https://p")
        _check_mail(mailbox)
    assert report.emailed == 1
    told = {n.user_id for n in db.execute(select(Notification)).scalars()}
    assert told == {world["a_manager"].user_id}
    b_feed = client.get("/api/v1/notifications", headers=world["b_manager"].headers)
    assert b_feed.json() == []
    a_feed = client.get("/api/v1/notifications", headers=world["a_manager"].headers).json()
    assert SECRET in a_feed[0]["text"]
    someone_elses = client.post(
        f"/api/v1/notifications/{a_feed[0]['id']}/read", headers=world["b_manager"].headers
    )
    assert someone_elses.status_code == 404


def _check_mail(mailbox: Mailbox) -> None:
    assert [r for m in mailbox.messages for r in m.recipients] == ["a_manager@example.com"]
    assert mailbox.to("b_manager@example.com") == []


def test_calendar_feeds_keep_it_with_the_owner(
    client: TestClient, world: World, private_id: str
) -> None:
    """A's feed has the event; B's does not."""
    feeds = {}
    for who in ("a_manager", "b_manager"):
        issued = client.post("/api/v1/calendar-feed", headers=world[who].headers)
        assert issued.status_code == 201
        token = issued.json()["url"].split("token=")[1]
        feeds[who] = client.get("/calendar.ics", params={"token": token}).text
    assert "DTSTART;VALUE=DATE:20270515" in feeds["a_manager"]
    assert SECRET.split()[0] in feeds["a_manager"]
    assert SECRET.split()[0] not in feeds["b_manager"]
    assert "BEGIN:VEVENT" not in feeds["b_manager"]


def test_sharing_is_one_way_and_audited_in_the_right_chains(
    client: TestClient, db: Session, world: World, private_id: str
) -> None:
    """Private history stays in A's chain; sharing tells the shared chain; no way back."""
    chains = {
        e.chain
        for e in db.execute(select(AuditEntry).where(AuditEntry.object_id == private_id)).scalars()
    }
    assert chains == {f"alliance:{world.alliance_id}:org:{world.orgs['A']}"}
    target = url(world, f"/{private_id}")
    shared = client.patch(
        target,
        headers={**world["a_manager"].headers, "If-Match": '"1"'},
        json={"visibility": "shared"},
    )
    assert shared.status_code == 200, shared.text
    assert client.get(target, headers=world["b_manager"].headers).status_code == 200
    back = client.patch(
        target,
        headers={**world["a_manager"].headers, "If-Match": "*"},
        json={"visibility": "private"},
    )
    assert back.status_code == 409
    actions = {
        (e.chain.rsplit(":", 1)[-1], e.action)
        for e in db.execute(select(AuditEntry).where(AuditEntry.object_id == private_id)).scalars()
    }
    assert ("shared", "obligation.share") in actions
    assert (str(world.orgs["A"]), "obligation.update") in actions
