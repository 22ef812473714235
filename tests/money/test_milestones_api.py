"""Milestone claims over the API: claim → dispute → resolve → confirm → invoice → paid,
with the notice period, roles (TEN-5), If-Match (DATA-1), Idempotency-Key (DATA-2) and
private notes."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from decimal import Decimal
from typing import Any

from fastapi.testclient import TestClient

from pactum.core.time import frozen, utcnow
from tests.conftest import World
from tests.money.conftest import api, claim, new_id


def _h(world: World, who: str, etag: str | None = None) -> dict[str, str]:
    headers = dict(world[who].headers)
    if etag is not None:
        headers["If-Match"] = etag
    return headers


def _etag(client: TestClient, world: World, claim_id: str, who: str = "b_finance") -> str:
    got = client.get(api(world, f"/milestones/{claim_id}"), headers=_h(world, who))
    assert got.status_code == 200
    return str(got.headers["ETag"])


def test_the_whole_flow_names_every_step(
    client: TestClient, world: World, agreement: dict[str, Any]
) -> None:
    """A claims, B disputes, they resolve it, B confirms, A invoices, B pays in two parts."""
    made = claim(client, world, agreement)
    assert made["status"] == "claimed"
    assert made["payer_org_id"] == str(world.orgs["B"])
    assert made["claimant_org_id"] == str(world.orgs["A"])
    cid = made["id"]
    disputed = client.post(
        api(world, f"/milestones/{cid}/dispute"),
        json={"reason": "The primary endpoint was not met per protocol 4.2"},
        headers=_h(world, "b_finance", _etag(client, world, cid)),
    )
    assert disputed.status_code == 201, disputed.text
    assert disputed.json()["status"] == "open"
    assert disputed.json()["raised_by_id"] == str(world["b_finance"].user_id)
    resolved = client.post(
        api(world, f"/milestones/{cid}/resolve"),
        json={"outcome": "claim_stands", "resolution": "Independent review confirmed the endpoint"},
        headers=_h(world, "a_manager", _etag(client, world, cid)),
    )
    assert resolved.status_code == 200, resolved.text
    assert resolved.json()["status"] == "claimed"
    assert resolved.json()["disputes"][0]["outcome"] == "claim_stands"
    confirmed = client.post(
        api(world, f"/milestones/{cid}/confirm"),
        headers=_h(world, "b_finance", _etag(client, world, cid)),
    )
    assert confirmed.status_code == 200, confirmed.text
    assert confirmed.json()["confirmed_by_id"] == str(world["b_finance"].user_id)
    issued = client.post(api(world, f"/milestones/{cid}/invoice"), headers=_h(world, "a_finance"))
    assert issued.status_code == 201, issued.text
    invoice = issued.json()
    assert invoice["amount"] == "15000000.00"
    assert invoice["payer_org_id"] == str(world.orgs["B"])
    assert invoice["number"].startswith("INV-")
    assert date.fromisoformat(invoice["due_on"]) == date.fromisoformat(
        invoice["issued_on"]
    ) + timedelta(days=45)
    pay = api(world, f"/invoices/{invoice['id']}/payments")
    today = date.fromisoformat(invoice["issued_on"]).isoformat()
    first = client.post(
        pay,
        json={"amount": "5000000.00", "currency": "USD", "paid_on": today},
        headers=_h(world, "b_finance"),
    )
    assert first.status_code == 201, first.text
    after = client.get(api(world, f"/invoices/{invoice['id']}"), headers=_h(world, "a_finance"))
    assert after.json()["status"] == "part_paid"
    assert Decimal(after.json()["outstanding"]) == Decimal("10000000.00")
    too_much = client.post(
        pay,
        json={"amount": "10000000.01", "currency": "USD", "paid_on": today},
        headers=_h(world, "b_finance"),
    )
    assert too_much.status_code == 422
    assert too_much.json()["detail"][0]["field"] == "amount"
    rest = client.post(
        pay,
        json={"amount": "10000000.00", "currency": "USD", "paid_on": today},
        headers=_h(world, "a_finance"),
    )
    assert rest.status_code == 201
    for who in ("a_finance", "b_finance"):
        ledger = client.get(api(world, "/ledger"), headers=_h(world, who)).json()
        b_row = next(t for t in ledger["totals"] if t["org_id"] == str(world.orgs["B"]))
        assert Decimal(b_row["paid"]) == Decimal("15000000.00")
        assert Decimal(b_row["outstanding"]) == 0


def test_only_the_addressed_party_answers_and_only_finance_or_managers(
    client: TestClient, world: World, agreement: dict[str, Any]
) -> None:
    """TEN-5: the claimant cannot confirm its own claim; a contributor cannot confirm."""
    cid = claim(client, world, agreement)["id"]
    etag = _etag(client, world, cid)
    own = client.post(
        api(world, f"/milestones/{cid}/confirm"), headers=_h(world, "a_manager", etag)
    )
    assert own.status_code == 403
    contributor = client.post(
        api(world, f"/milestones/{cid}/confirm"), headers=_h(world, "b_contributor", etag)
    )
    assert contributor.status_code == 403
    early = client.post(api(world, f"/milestones/{cid}/invoice"), headers=_h(world, "a_finance"))
    assert early.status_code == 409


def test_stale_and_missing_if_match(
    client: TestClient, world: World, agreement: dict[str, Any]
) -> None:
    """DATA-1: answering a claim the claimant has since corrected is refused (412)."""
    cid = claim(client, world, agreement)["id"]
    seen = _etag(client, world, cid)
    edited = client.patch(
        api(world, f"/milestones/{cid}"),
        json={"evidence": "Updated: CSR section 11 and 12"},
        headers=_h(world, "a_finance", seen),
    )
    assert edited.status_code == 200
    stale = client.post(
        api(world, f"/milestones/{cid}/confirm"), headers=_h(world, "b_finance", seen)
    )
    assert stale.status_code == 412
    missing = client.post(api(world, f"/milestones/{cid}/confirm"), headers=_h(world, "b_finance"))
    assert missing.status_code == 428


def test_dispute_after_the_notice_period_is_refused_and_claim_deemed_accepted(
    client: TestClient, world: World, agreement: dict[str, Any]
) -> None:
    """30 days' notice: on day 31 the claim can no longer be disputed and may be invoiced."""
    made = claim(client, world, agreement)
    respond_by = date.fromisoformat(made["respond_by"])
    with frozen(datetime.combine(respond_by + timedelta(days=1), time(12), UTC)):
        late = client.post(
            api(world, f"/milestones/{made['id']}/dispute"),
            json={"reason": "too late"},
            headers=_h(world, "b_finance", _etag(client, world, made["id"])),
        )
        assert late.status_code == 409
        assert "deemed accepted" in late.text
        issued = client.post(
            api(world, f"/milestones/{made['id']}/invoice"), headers=_h(world, "a_finance")
        )
        assert issued.status_code == 201


def test_idempotency_key_replays_and_refuses_a_different_body(
    client: TestClient, world: World, agreement: dict[str, Any]
) -> None:
    """DATA-2: a retried claim creates one record; the same key with another body is 422."""
    key = new_id()
    body = {
        "agreement_id": agreement["id"],
        "milestone": "Successful completion of Phase 2",
        "achieved_on": "2026-10-02",
        "evidence": "Data",
        "amount": "40000000",
    }
    headers = {**_h(world, "a_finance"), "Idempotency-Key": key}
    first = client.post(api(world, "/milestones"), json=body, headers=headers)
    second = client.post(api(world, "/milestones"), json=body, headers=headers)
    assert first.status_code == second.status_code == 201
    assert first.json() == second.json()
    assert second.headers["Idempotent-Replayed"] == "true"
    assert second.headers["ETag"] == first.headers["ETag"]
    listed = client.get(api(world, "/milestones"), headers=_h(world, "a_finance")).json()
    assert [c["milestone"] for c in listed].count("Successful completion of Phase 2") == 1
    other = client.post(api(world, "/milestones"), json={**body, "amount": "1"}, headers=headers)
    assert other.status_code == 422
    assert other.json()["detail"][0]["field"] == "Idempotency-Key"
    bad = client.post(
        api(world, "/milestones"),
        json=body,
        headers={**_h(world, "a_finance"), "Idempotency-Key": "a b"},
    )
    assert bad.status_code == 422


def test_internal_notes_stay_with_their_party(
    client: TestClient, world: World, agreement: dict[str, Any]
) -> None:
    """A party's internal notes on a claim never reach the other party."""
    cid = claim(client, world, agreement)["id"]
    path = api(world, f"/milestones/{cid}/notes")
    made = client.post(
        path, json={"body": "Our floor is to accept by Friday"}, headers=_h(world, "b_finance")
    )
    assert made.status_code == 201
    assert made.json()["visibility"] == "private"
    assert client.get(path, headers=_h(world, "a_manager")).json() == []
    assert len(client.get(path, headers=_h(world, "b_manager")).json()) == 1


def test_bad_claims_name_the_field_and_change_nothing(
    client: TestClient, world: World, agreement: dict[str, Any]
) -> None:
    """Future dates, wrong currency, negative amounts: 422 with the field; nothing stored."""
    base = {
        "agreement_id": agreement["id"],
        "milestone": "X",
        "achieved_on": "2026-10-01",
        "evidence": "E",
        "amount": "1.00",
    }
    cases = [
        ({"achieved_on": (utcnow().date() + timedelta(days=3)).isoformat()}, "achieved_on"),
        ({"currency": "EUR"}, "currency"),
        ({"currency": "XYZ"}, "currency"),
        ({"amount": "-5"}, "amount"),
        ({"amount": "1.001"}, "amount"),
        ({"achieved_on": "2025-12-31"}, "achieved_on"),
    ]
    for change, field in cases:
        got = client.post(
            api(world, "/milestones"), json={**base, **change}, headers=_h(world, "a_finance")
        )
        assert got.status_code == 422, (change, got.text)
        assert got.json()["detail"][0]["field"].endswith(field), got.json()
    assert client.get(api(world, "/milestones"), headers=_h(world, "a_finance")).json() == []
