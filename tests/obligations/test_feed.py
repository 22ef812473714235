"""Personal calendar feeds: valid RFC 5545 text, secret tokens (hash only), rotation,
revocation, and membership re-checked on every request."""

from __future__ import annotations

import hashlib
import uuid
from collections.abc import Iterator
from datetime import UTC, date, datetime
from decimal import Decimal

import pytest
from fastapi.testclient import TestClient
from hypothesis import given, settings
from hypothesis import strategies as st
from sqlalchemy import select
from sqlalchemy.orm import Session

from pactum.access import open_alliance
from pactum.alliances import service as alliances
from pactum.invoices import service as invoices
from pactum.models import AllianceMember, CalendarFeed, OrgMembership
from pactum.obligations.calendar import Event, calendar, escape, fold
from pactum.settings import Settings
from tests.conftest import World
from tests.obligations.support import create, frozen
from tests.support import sign_in


def _unfold(text: str) -> list[str]:
    """Content lines of an iCalendar text (RFC 5545 section 3.1)."""
    return text.replace("\r\n ", "").split("\r\n")


def test_escaping_of_text_values() -> None:
    """Backslash, semicolon, comma and line breaks are escaped; control characters go."""
    assert escape("a,b;c\\d\ne\r\nf\rg\x07h") == "a\\,b\\;c\\\\d\\ne\\nf\\ng" + "h"


def test_folding_at_75_octets_never_splits_a_character() -> None:
    """A long line of two-byte characters folds into <= 75-octet lines that unfold back."""
    line = "SUMMARY:" + "é" * 100
    folded = fold(line)
    parts = folded.split("\r\n")
    assert len(parts) == 3
    assert all(len(p.encode("utf-8")) <= 75 for p in parts)
    assert all(p.startswith(" ") for p in parts[1:])
    # 8 ASCII octets + 33 two-octet characters = 74 (a 34th would make 76).
    assert parts[0] == "SUMMARY:" + "é" * 33
    assert _unfold(folded) == [line]


@settings(max_examples=150, deadline=None)
@given(st.text(max_size=400))
def test_any_summary_round_trips(text: str) -> None:
    """Whatever the text, every line is CRLF-terminated and at most 75 octets, and the
    unfolded SUMMARY is exactly the escaped text."""
    stamp = datetime(2027, 5, 10, 9, tzinfo=UTC)
    out = calendar([Event("u-1@pactum", date(2027, 5, 15), text)], name="N", now=stamp)
    assert out.endswith("\r\n")
    assert "\n" not in out.replace("\r\n", "")
    raw_lines = out.split("\r\n")[:-1]
    assert all(len(line.encode("utf-8")) <= 75 for line in raw_lines)
    lines = _unfold(out)
    assert f"SUMMARY:{escape(text)}" in lines


def test_a_whole_calendar() -> None:
    """The required properties, all-day dates, one DTSTAMP in UTC."""
    stamp = datetime(2027, 5, 10, 9, 30, tzinfo=UTC)
    out = calendar(
        [Event("obligation-1-20270515@pactum", date(2027, 5, 15), "Report, Q1; v2", "x\ny")],
        name="Pactum deadlines — Helix",
        now=stamp,
    )
    assert _unfold(out)[:-1] == [
        "BEGIN:VCALENDAR",
        "VERSION:2.0",
        "PRODID:-//Pactum//Deadlines//EN",
        "CALSCALE:GREGORIAN",
        "METHOD:PUBLISH",
        "X-WR-CALNAME:Pactum deadlines — Helix",
        "X-WR-TIMEZONE:UTC",
        "BEGIN:VEVENT",
        "UID:obligation-1-20270515@pactum",
        "DTSTAMP:20270510T093000Z",
        "DTSTART;VALUE=DATE:20270515",
        "DTEND;VALUE=DATE:20270516",
        "SUMMARY:Report\\, Q1\\; v2",
        "DESCRIPTION:x\\ny",
        "TRANSP:TRANSPARENT",
        "END:VEVENT",
        "END:VCALENDAR",
    ]


@pytest.fixture
def today() -> Iterator[None]:
    """10 May 2027."""
    with frozen(date(2027, 5, 10)):
        yield


def _issue(client: TestClient, world: World, who: str) -> str:
    issued = client.post("/api/v1/calendar-feed", headers=world[who].headers)
    assert issued.status_code == 201, issued.text
    url: str = issued.json()["url"]
    assert url.startswith("https://testserver/calendar.ics?token=")
    return url.split("token=", 1)[1]


def _feed(client: TestClient, token: str) -> tuple[int, str]:
    response = client.get("/calendar.ics", params={"token": token})
    return response.status_code, response.text


def test_feed_has_obligations_and_unpaid_invoices(
    client: TestClient, db: Session, world: World, today: None
) -> None:
    """Due dates of visible obligations and of unpaid invoices, as all-day events."""
    create(client, world, title="Quarterly report, EU; “final”")
    view = open_alliance(db, world["a_manager"].principal, world.alliance_id)
    invoice = invoices.issue_invoice(
        db,
        view,
        source_type="milestone",
        source_id=uuid.uuid4(),
        description="Phase 2 start",
        payer_org_id=world.orgs["B"],
        payee_org_id=world.orgs["A"],
        amount=Decimal("5000000.00"),
        currency="USD",
        payment_days=30,
        issued_on=date(2027, 5, 1),
    )
    db.commit()
    token = _issue(client, world, "b_finance")
    response = client.get("/calendar.ics", params={"token": token})
    assert response.status_code == 200
    assert response.headers["content-type"] == "text/calendar; charset=utf-8"
    lines = _unfold(response.text)
    assert "SUMMARY:Quarterly report\\, EU\\; “final” (Test co-development)" in lines
    for due in ("20270515", "20270814", "20270531"):
        assert f"DTSTART;VALUE=DATE:{due}" in lines
    assert f"UID:invoice-{invoice.id}@pactum" in lines
    assert any(
        line.startswith("SUMMARY:Pay Helix Test Bio: invoice INV-2027-0001") for line in lines
    )
    assert all(len(raw.encode()) <= 75 for raw in response.text.split("\r\n"))
    uids = [line for line in lines if line.startswith("UID:")]
    assert len(uids) == len(set(uids))


def test_tokens_are_hashed_rotated_and_revoked(
    client: TestClient, db: Session, world: World, today: None
) -> None:
    """Only the SHA-256 is stored; rotating kills the old address; revoking kills it all."""
    first = _issue(client, world, "a_manager")
    row = db.execute(
        select(CalendarFeed).where(CalendarFeed.user_id == world["a_manager"].user_id)
    ).scalar_one()
    assert row.token_hash == hashlib.sha256(first.encode()).hexdigest()
    assert _feed(client, first)[0] == 200
    second = _issue(client, world, "a_manager")
    assert second != first
    assert _feed(client, first)[0] == 404
    assert _feed(client, second)[0] == 200
    status = client.get("/api/v1/calendar-feed", headers=world["a_manager"].headers).json()
    assert status["active"] is True
    assert (
        client.delete("/api/v1/calendar-feed", headers=world["a_manager"].headers).status_code
        == 204
    )
    assert _feed(client, second)[0] == 404
    assert _feed(client, "")[0] == 404
    assert _feed(client, "not-a-token")[0] == 404


def test_membership_is_checked_on_every_request(
    client: TestClient, db: Session, world: World, today: None
) -> None:
    """Removed from the alliance: its deadlines leave the feed. Deactivated: 404."""
    create(client, world)
    token = _issue(client, world, "a_contributor")
    assert "BEGIN:VEVENT" in _feed(client, token)[1]
    view = open_alliance(db, world["a_manager"].principal, world.alliance_id)
    member = db.execute(
        select(AllianceMember)
        .where(
            AllianceMember.user_id == world["a_contributor"].user_id,
            AllianceMember.alliance_id == world.alliance_id,
        )
        .execution_options(pactum_scoped=True)
    ).scalar_one()
    alliances.remove_member(db, view, member.id, expected_version=None)
    db.commit()
    status, text = _feed(client, token)
    assert status == 200
    assert "BEGIN:VEVENT" not in text
    membership = db.execute(
        select(OrgMembership).where(OrgMembership.user_id == world["a_contributor"].user_id)
    ).scalar_one()
    membership.active = False
    db.commit()
    assert _feed(client, token)[0] == 404


def test_calendar_page_shows_the_address_once(
    client: TestClient, db: Session, settings: Settings, world: World, today: None
) -> None:
    """Create shows the address; reloading does not; revoke says so."""
    csrf = sign_in(client, db, settings, world["a_manager"])
    page = client.get("/calendar")
    assert page.status_code == 200
    assert "Create my calendar address" in page.text
    made = client.post("/calendar/feed", data={"csrf_token": csrf})
    assert made.status_code == 200
    assert "calendar.ics?token=" in made.text
    again = client.get("/calendar")
    assert "calendar.ics?token=" not in again.text
    assert "Rotate the address" in again.text
    revoked = client.post("/calendar/feed/revoke", data={"csrf_token": csrf})
    assert revoked.status_code == 200
    assert "Your calendar feed was revoked" in revoked.text
    assert db.execute(select(CalendarFeed)).scalars().all() == []
