"""Obligation pages: list, filters, new form with inline errors, detail, edit, actions,
exports; notifications page."""

from __future__ import annotations

import io
import re
from collections.abc import Iterator
from datetime import date
from typing import Any

import pytest
from fastapi.testclient import TestClient
from openpyxl import load_workbook
from sqlalchemy.orm import Session

from pactum.notify.service import notify
from pactum.settings import Settings
from tests.conftest import World
from tests.obligations.support import frozen, make
from tests.support import sign_in


@pytest.fixture(autouse=True)
def _today() -> Iterator[None]:
    """10 May 2027."""
    with frozen(date(2027, 5, 10)):
        yield


@pytest.fixture
def csrf(client: TestClient, db: Session, settings: Settings, world: World) -> str:
    """A's alliance manager, signed in."""
    return sign_in(client, db, settings, world["a_manager"])


def _base(world: World) -> str:
    return f"/alliances/{world.alliance_id}/obligations"


def _form(csrf: str, world: World, **extra: str) -> dict[str, str]:
    data = {
        "csrf_token": csrf,
        "title": "Annual supply forecast",
        "description": "Clause 7.2",
        "kind": "report",
        "responsible_org_id": str(world.orgs["B"]),
        "agreement_id": "",
        "amount": "",
        "currency": "",
        "rule_type": "recurring",
        "rule_period": "year",
        "rule_days_after": "30",
        "rule_start": "2027-01-01",
        "rule_end": "",
        "rule_date": "",
        "rule_event": "",
        "rule_days": "",
        "rule_event_date": "",
        "remind_days": "14",
        "visibility": "shared",
    }
    data.update(extra)
    return data


def test_empty_list_and_new_form(client: TestClient, world: World, csrf: str) -> None:
    """An empty state with a call to action; the form has the rule fields with labels."""
    listing = client.get(_base(world))
    assert listing.status_code == 200
    assert "No obligations yet" in listing.text
    form = client.get(f"{_base(world)}/new")
    assert form.status_code == 200
    for label in ("Due-date rule", "Days after each period end", "Responsible party"):
        assert label in form.text
    assert '<label class="label" for="rule_date">Due date</label>' in form.text
    internal = client.get(f"{_base(world)}/new?private=1")
    assert "Add an internal deadline" in internal.text


def test_add_view_edit_and_mark_done(client: TestClient, world: World, csrf: str) -> None:
    """The form creates; the detail page shows due dates; edit saves; done is recorded."""
    made = client.post(f"{_base(world)}/new", data=_form(csrf, world), follow_redirects=False)
    assert made.status_code == 303, made.text[:800]
    detail_url = made.headers["location"].split("?")[0]
    detail = client.get(detail_url)
    assert detail.status_code == 200
    # 31 Dec 2027 + 30 days = 30 Jan 2028 (within a year of 10 May 2027).
    assert "2028-01-30" in detail.text
    assert "30 days after each year end, from 2027-01-01" in detail.text
    edit = client.get(f"{detail_url}/edit")
    assert edit.status_code == 200
    assert 'value="Annual supply forecast"' in edit.text
    saved = client.post(
        f"{detail_url}/edit",
        data={**_form(csrf, world, title="Annual forecast"), "version": "1"},
        follow_redirects=False,
    )
    assert saved.status_code == 303
    stale = client.post(
        f"{detail_url}/edit", data={**_form(csrf, world, title="Old"), "version": "1"}
    )
    assert stale.status_code == 412
    assert "changed by someone else" in stale.text
    done = client.post(
        f"{detail_url}/done",
        data={"csrf_token": csrf, "version": "2", "due_date": "2028-01-30", "note": "Sent"},
    )
    assert done.status_code == 200
    assert "Due date marked done." in done.text
    assert "Marked 2028-01-30 done (all done: completed) — Sent" not in done.text
    assert "Marked 2028-01-30 done — Sent" in done.text
    wrong = client.post(
        f"{detail_url}/done", data={"csrf_token": csrf, "version": "3", "due_date": "2028-01-31"}
    )
    assert wrong.status_code == 422
    assert "Due date is not a due date of this obligation" in wrong.text


BAD_FORMS: list[tuple[dict[str, str], str, str]] = [
    ({"title": ""}, "title", "Title is required"),
    ({"rule_type": "fixed"}, "rule_date", "Due date is required for a fixed rule"),
    ({"rule_type": "fixed", "rule_date": "31/12/2027"}, "rule_date", "Due date must be a date"),
    (
        {"rule_days_after": "soon"},
        "rule_days_after",
        "Days after each period end must be a whole number",
    ),
    ({"rule_end": "2026-01-01"}, "rule_end", "Until must not be before the start"),
    ({"kind": "payment"}, "amount", "Amount is required for a payment obligation"),
    ({"responsible_org_id": ""}, "responsible_org_id", "Responsible party"),
]


@pytest.mark.parametrize(("extra", "field", "message"), BAD_FORMS, ids=[b[1] for b in BAD_FORMS])
def test_errors_sit_next_to_their_fields(
    client: TestClient, world: World, csrf: str, extra: dict[str, str], field: str, message: str
) -> None:
    """A bad form comes back (422) with the message next to the field and in the summary;
    nothing is created."""
    response = client.post(f"{_base(world)}/new", data=_form(csrf, world, **extra))
    assert response.status_code == 422, response.text[:500]
    assert f'id="{field}-error"' in response.text
    error = re.search(rf'<p class="field-error" id="{field}-error">(.*?)</p>', response.text, re.S)
    assert error is not None
    assert message in error.group(1)
    assert 'aria-invalid="true"' in response.text
    assert "There is a problem" in response.text
    assert "No obligations yet" in client.get(_base(world)).text


def test_list_filters_tags_and_exports(
    client: TestClient, db: Session, world: World, csrf: str
) -> None:
    """Filters narrow the table; states are tags with text; CSV and Excel match."""
    make(db, world)
    make(
        db,
        world,
        title="Renewal notice",
        kind="renewal",
        responsible_org_id=str(world.orgs["A"]),
        rule={"type": "fixed", "date": "2027-04-30"},
    )
    listing = client.get(_base(world))
    assert '<span class="tag tag--overdue">Overdue</span>' in listing.text
    assert '<span class="tag tag--due">Due soon</span>' in listing.text
    filtered = client.get(_base(world), params={"state": "overdue"})
    assert "Renewal notice" in filtered.text
    assert "Quarterly development report" not in filtered.text
    assert "obligations.csv?state=overdue" in filtered.text
    none = client.get(_base(world), params={"kind": "payment"})
    assert "No obligations match these filters" in none.text
    csv = client.get(f"{_base(world)}.csv")
    assert csv.status_code == 200
    lines = csv.text.lstrip("\ufeff").splitlines()
    assert lines[0].startswith("Title,Kind,Responsible party,Next due date,State")
    assert lines[1].startswith("Renewal notice,Renewal,Helix Test Bio,2027-04-30,Overdue")
    xlsx = client.get(f"{_base(world)}.xlsx", params={"kind": "report"})
    sheet = load_workbook(io.BytesIO(xlsx.content)).active
    assert sheet is not None
    rows: list[Any] = list(sheet.iter_rows(values_only=True))
    assert [r[0] for r in rows[1:]] == ["Quarterly development report"]


def test_detail_actions_event_and_status(
    client: TestClient, db: Session, world: World, csrf: str
) -> None:
    """Record the event, waive with a reason (inline error without), reopen, export dates."""
    obligation = make(
        db,
        world,
        kind="notice",
        title="Notice of first sale",
        rule={"type": "after_event", "event": "First commercial sale", "days": 10},
    )
    detail = f"{_base(world)}/{obligation.id}"
    page = client.get(detail)
    assert "No due date yet: record the event" in page.text
    event = client.post(
        f"{detail}/event", data={"csrf_token": csrf, "version": "1", "event_date": "2027-05-01"}
    )
    assert event.status_code == 200
    assert "2027-05-11" in event.text
    no_reason = client.post(
        f"{detail}/status", data={"csrf_token": csrf, "version": "2", "status": "waived"}
    )
    assert no_reason.status_code == 422
    assert "Reason is required to waive an obligation" in no_reason.text
    waived = client.post(
        f"{detail}/status",
        data={"csrf_token": csrf, "version": "2", "status": "waived", "reason": "By letter"},
    )
    assert "Status changed to waived — By letter" in waived.text
    dates = client.get(f"{detail}/occurrences.csv")
    assert dates.text.lstrip("\ufeff").splitlines()[1] == "Notice of first sale,2027-05-11,Waived"


def test_viewer_sees_no_write_actions(
    client: TestClient, db: Session, settings: Settings, world: World
) -> None:
    """A viewer reads the list and detail without forms, and the new form is 403."""
    obligation = make(db, world)
    sign_in(client, db, settings, world["a_viewer"])
    listing = client.get(_base(world))
    assert "Quarterly development report" in listing.text
    assert "Add an obligation" not in listing.text
    detail = client.get(f"{_base(world)}/{obligation.id}")
    assert detail.status_code == 200
    assert "Mark done" not in detail.text
    assert client.get(f"{_base(world)}/new").status_code == 403


def test_notifications_page(client: TestClient, db: Session, world: World, csrf: str) -> None:
    """Unread ones are tagged; mark read one by one or all; export."""
    for text in ("First reminder", "Second reminder"):
        notify(
            db,
            user_id=world["a_manager"].user_id,
            org_id=world.orgs["A"],
            text=text,
            link="/calendar",
        )
    notify(db, user_id=world["b_manager"].user_id, org_id=world.orgs["B"], text="For B only")
    db.commit()
    page = client.get("/notifications")
    assert page.status_code == 200
    assert "2 unread" in page.text
    assert "For B only" not in page.text
    first_id = re.search(r"/notifications/([0-9a-f-]{36})/read", page.text)
    assert first_id is not None
    one = client.post(f"/notifications/{first_id.group(1)}/read", data={"csrf_token": csrf})
    assert "1 unread" in one.text
    every = client.post("/notifications/read-all", data={"csrf_token": csrf})
    assert "0 unread" in every.text
    assert "No unread notifications" in client.get("/notifications?unread=1").text
    export = client.get("/notifications.csv")
    assert "Second reminder" in export.text
    assert "For B only" not in export.text


def test_main_navigation_links(client: TestClient, world: World, csrf: str) -> None:
    """'My deadlines' and 'Notifications' are in the main navigation."""
    page = client.get("/calendar")
    assert '<a href="/calendar" aria-current="page">My deadlines</a>' in page.text
    assert '<a href="/notifications">Notifications</a>' in page.text
