"""The obligations API: create, read, edit with If-Match, actions, bad input, permissions."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select
from sqlalchemy.orm import Session

from pactum.access import open_alliance
from pactum.agreements import service as agreements
from pactum.agreements.schemas import AgreementCreate
from pactum.models import AuditEntry
from tests.conftest import World
from tests.obligations.support import body, create, frozen, url


@pytest.fixture(autouse=True)
def _today() -> Any:
    """Every test here runs on 10 May 2027 (UTC)."""
    with frozen(date(2027, 5, 10)):
        yield


def _listing(client: TestClient, world: World, who: str = "a_manager") -> list[dict[str, Any]]:
    response = client.get(url(world), headers=world[who].headers)
    assert response.status_code == 200, response.text
    result: list[dict[str, Any]] = response.json()
    return result


def test_create_read_and_list(client: TestClient, world: World) -> None:
    """A records B's quarterly report; both parties see it with its next due date."""
    created = create(client, world)
    assert created.status_code == 201, created.text
    assert created.headers["ETag"] == '"1"'
    item = created.json()
    assert item["owner_org_id"] == str(world.orgs["A"])
    assert item["visibility"] == "shared"
    # 31 Mar 2027 + 45 days = 15 May 2027, five days after today: within the 7-day window.
    assert item["next_due"] == "2027-05-15"
    assert item["state"] == "due_soon"
    # A year ahead (to 10 May 2028): 15 May, 14 Aug, 14 Nov 2027 and 14 Feb 2028.
    assert [o["due_date"] for o in item["occurrences"]] == [
        "2027-05-15",
        "2027-08-14",
        "2027-11-14",
        "2028-02-14",
    ]
    assert [o["state"] for o in item["occurrences"]] == [
        "due_soon",
        "upcoming",
        "upcoming",
        "upcoming",
    ]
    got = client.get(url(world, f"/{item['id']}"), headers=world["b_manager"].headers)
    assert got.status_code == 200
    assert got.headers["ETag"] == '"1"'
    assert [o["id"] for o in _listing(client, world, "b_contributor")] == [item["id"]]
    assert _listing(client, world, "a_viewer")[0]["title"] == "Quarterly development report"


def test_edits_need_the_current_version(client: TestClient, world: World) -> None:
    """No If-Match: 428; a stale one: 412 and nothing changes; the current one: saved."""
    item = create(client, world).json()
    target = url(world, f"/{item['id']}")
    headers = world["a_manager"].headers
    assert client.patch(target, headers=headers, json={"title": "X"}).status_code == 428
    saved = client.patch(
        target, headers={**headers, "If-Match": '"1"'}, json={"title": "Quarterly report v2"}
    )
    assert saved.status_code == 200, saved.text
    assert saved.headers["ETag"] == '"2"'
    stale = client.patch(target, headers={**headers, "If-Match": '"1"'}, json={"title": "Y"})
    assert stale.status_code == 412
    now = client.get(target, headers=headers).json()
    assert (now["title"], now["version"]) == ("Quarterly report v2", 2)


BAD: list[tuple[dict[str, Any], str, str]] = [
    ({"colour": "red"}, "colour", "Extra inputs are not permitted"),
    ({"title": ""}, "title", "String should have at least 1 character"),
    ({"kind": "payment"}, "amount", "is required for a payment obligation"),
    ({"amount": "10.00"}, "amount", "only payment obligations carry an amount"),
    ({"kind": "payment", "amount": "-1"}, "amount", "Input should be greater than or equal to 0"),
    (
        {"kind": "payment", "amount": "10.00"},
        "currency",
        "is required for a payment obligation without an agreement",
    ),
    ({"kind": "payment", "amount": "1.005", "currency": "USD"}, "amount", "decimal places"),
    ({"kind": "payment", "amount": "5", "currency": "XYZ"}, "currency", "ISO 4217"),
    ({"remind_days": 400}, "remind_days", "less than or equal to 365"),
    ({"rule": {"type": "fixed"}}, "rule.date", "is required for a fixed rule"),
    (
        {"rule": {"type": "fixed", "date": "2027-06-01", "period": "month"}},
        "rule.period",
        "does not belong to a fixed rule",
    ),
    ({"rule": {"type": "weekly"}}, "rule.type", "Input should be"),
    ({"rule": {"type": "after_event", "days": 3}}, "rule.event", "is required for an after-event"),
    (
        {
            "rule": {
                "type": "recurring",
                "period": "quarter",
                "days_after": 45,
                "start": "2027-06-01",
                "end": "2027-01-01",
            }
        },
        "rule.end",
        "must not be before the start",
    ),
    (
        {"rule": {"type": "recurring", "period": "week", "days_after": 1, "start": "2027-06-01"}},
        "rule.period",
        "Input should be",
    ),
    (
        {
            "rule": {
                "type": "after_event",
                "event": "Approval",
                "days": 30,
                "event_date": "2027-06-01",
            }
        },
        "rule.event_date",
        "must not be in the future",
    ),
    ({"rule": {"type": "fixed", "date": "1066-10-14"}}, "rule.date", "must be between"),
    (
        {"agreement_id": "00000000-0000-4000-8000-000000000000"},
        "agreement_id",
        "must be an agreement of this alliance",
    ),
]


@pytest.mark.parametrize(("extra", "field", "rule"), BAD, ids=[b[1] + ":" + b[2] for b in BAD])
def test_bad_input_names_the_field_and_changes_nothing(
    client: TestClient, world: World, extra: dict[str, Any], field: str, rule: str
) -> None:
    """422 with the field and the rule it broke; nothing is created."""
    response = create(client, world, **extra)
    assert response.status_code == 422, response.text
    detail = response.json()["detail"]
    assert any(d["field"] == field and rule in d["rule"] for d in detail), detail
    assert _listing(client, world) == []


def test_responsible_party_must_be_an_accepted_party(client: TestClient, world: World) -> None:
    """An outsider organisation cannot be made responsible."""
    response = create(client, world, responsible_org_id=str(world.orgs["C"]))
    assert response.status_code == 422
    assert response.json()["detail"] == [
        {"field": "responsible_org_id", "rule": "must be an accepted party of this alliance"}
    ]


def test_viewers_read_but_do_not_write(client: TestClient, world: World) -> None:
    """A viewer gets 403 on create and edit, and changes nothing."""
    assert create(client, world, who="a_viewer").status_code == 403
    item = create(client, world).json()
    patched = client.patch(
        url(world, f"/{item['id']}"),
        headers={**world["a_viewer"].headers, "If-Match": "*"},
        json={"title": "Viewer's title"},
    )
    assert patched.status_code == 403
    done = client.post(
        url(world, f"/{item['id']}/done"),
        headers={**world["a_viewer"].headers, "If-Match": "*"},
        json={"due_date": "2027-05-15"},
    )
    assert done.status_code == 403
    assert _listing(client, world, "a_viewer")[0]["title"] == "Quarterly development report"


def test_payment_takes_the_agreements_currency(
    client: TestClient, db: Session, world: World
) -> None:
    """A payment tied to an agreement in EUR is in EUR unless told otherwise; exact cents."""
    view = open_alliance(db, world["a_manager"].principal, world.alliance_id)
    agreement = agreements.create_agreement(
        db,
        view,
        AgreementCreate(
            title="Licence",
            licensor_org_id=world.orgs["A"],
            licensee_org_id=world.orgs["B"],
            currency="EUR",
            effective_date=date(2027, 1, 1),
        ),
    )
    db.commit()
    made = create(
        client,
        world,
        kind="payment",
        amount="250000.10",
        agreement_id=str(agreement.id),
        rule={"type": "fixed", "date": "2027-06-30"},
    )
    assert made.status_code == 201, made.text
    assert (made.json()["amount"], made.json()["currency"]) == ("250000.10", "EUR")
    turned = client.patch(
        url(world, f"/{made.json()['id']}"),
        headers={**world["a_manager"].headers, "If-Match": '"1"'},
        json={"kind": "report"},
    )
    assert turned.status_code == 200, turned.text
    assert (turned.json()["amount"], turned.json()["currency"]) == (None, None)


def test_marking_due_dates_done(client: TestClient, db: Session, world: World) -> None:
    """Done moves the next due date on; twice is 409; a non-due date is 422; undo works;
    the audit entry names who did it."""
    item = create(client, world).json()
    target = url(world, f"/{item['id']}")
    headers = {**world["b_manager"].headers, "If-Match": '"1"'}
    done = client.post(
        f"{target}/done", headers=headers, json={"due_date": "2027-05-15", "note": "Sent"}
    )
    assert done.status_code == 200, done.text
    assert done.json()["done"] == ["2027-05-15"]
    assert done.json()["next_due"] == "2027-08-14"
    assert done.json()["state"] == "upcoming"
    headers["If-Match"] = done.headers["ETag"]
    again = client.post(f"{target}/done", headers=headers, json={"due_date": "2027-05-15"})
    assert again.status_code == 409
    wrong = client.post(f"{target}/done", headers=headers, json={"due_date": "2027-05-16"})
    assert wrong.status_code == 422
    assert wrong.json()["detail"][0]["field"] == "due_date"
    stale = client.post(
        f"{target}/done",
        headers={**headers, "If-Match": '"1"'},
        json={"due_date": "2027-08-14"},
    )
    assert stale.status_code == 412
    undone = client.post(f"{target}/undone", headers=headers, json={"due_date": "2027-05-15"})
    assert undone.status_code == 200
    assert undone.json()["done"] == []
    entry = db.execute(
        select(AuditEntry).where(
            AuditEntry.object_id == item["id"], AuditEntry.action == "obligation.done"
        )
    ).scalar_one()
    assert entry.actor_user_id == world["b_manager"].user_id
    assert '"due_date":"2027-05-15"' in entry.new_values
    assert entry.chain == f"alliance:{world.alliance_id}:shared"


def test_event_rule_and_completion(client: TestClient, world: World) -> None:
    """No due date until the event; a future event date is refused; done completes a
    one-off obligation; waiving needs a reason; reopening works."""
    rule = {"type": "after_event", "event": "First commercial sale", "days": 30}
    item = create(client, world, rule=rule, kind="notice").json()
    assert (item["state"], item["next_due"], item["occurrences"]) == ("awaiting_event", None, [])
    target = url(world, f"/{item['id']}")
    headers = {**world["a_manager"].headers, "If-Match": "*"}
    future = client.post(f"{target}/event", headers=headers, json={"event_date": "2027-05-11"})
    assert future.status_code == 422
    assert future.json()["detail"][0]["field"] == "event_date"
    happened = client.post(f"{target}/event", headers=headers, json={"event_date": "2027-04-20"})
    assert happened.status_code == 200, happened.text
    # 20 April + 30 days = 20 May (10 of April, 20 of May).
    assert happened.json()["next_due"] == "2027-05-20"
    assert happened.json()["rule"]["event_date"] == "2027-04-20"
    finished = client.post(f"{target}/done", headers=headers, json={"due_date": "2027-05-20"})
    assert finished.json()["status"] == "completed"
    assert finished.json()["state"] == "completed"
    closed = client.post(f"{target}/done", headers=headers, json={"due_date": "2027-05-20"})
    assert closed.status_code == 409
    reopened = client.post(f"{target}/status", headers=headers, json={"status": "active"})
    assert reopened.json()["status"] == "active"
    no_reason = client.post(f"{target}/status", headers=headers, json={"status": "waived"})
    assert no_reason.status_code == 422
    assert no_reason.json()["detail"] == [
        {"field": "reason", "rule": "is required to waive an obligation"}
    ]
    waived = client.post(
        f"{target}/status", headers=headers, json={"status": "waived", "reason": "By letter"}
    )
    assert waived.json()["status"] == "waived"
    not_event = create(client, world).json()
    refused = client.post(
        url(world, f"/{not_event['id']}/event"), headers=headers, json={"event_date": None}
    )
    assert refused.status_code == 409


def test_list_filters(client: TestClient, world: World) -> None:
    """Filters by kind, responsible party and state."""
    create(client, world)
    create(
        client,
        world,
        title="Renewal notice",
        kind="renewal",
        responsible_org_id=str(world.orgs["A"]),
        rule={"type": "fixed", "date": "2027-04-30"},
    )
    headers = world["a_manager"].headers

    def titles(**params: str) -> list[str]:
        return [o["title"] for o in client.get(url(world), headers=headers, params=params).json()]

    assert titles() == ["Renewal notice", "Quarterly development report"]
    assert titles(kind="renewal") == ["Renewal notice"]
    assert titles(party=str(world.orgs["B"])) == ["Quarterly development report"]
    assert titles(state="overdue") == ["Renewal notice"]
    assert titles(state="due_soon") == ["Quarterly development report"]
    assert client.get(url(world), headers=headers, params={"state": "late"}).status_code == 422


def test_idempotency_key_creates_once(client: TestClient, world: World) -> None:
    """A retried create with the same key replays the answer; one obligation exists."""
    headers = {**world["a_manager"].headers, "Idempotency-Key": "obl-create-1"}
    first = client.post(url(world), headers=headers, json=body(world))
    second = client.post(url(world), headers=headers, json=body(world))
    assert first.status_code == second.status_code == 201
    assert second.headers["Idempotent-Replayed"] == "true"
    assert first.json()["id"] == second.json()["id"]
    assert len(_listing(client, world)) == 1
    other = client.post(url(world), headers=headers, json=body(world, title="Other"))
    assert other.status_code == 422
