"""Agreements over the API: parties, amendments as versions, terms in force on a date,
"value this agreement", status flow and bad input."""

from __future__ import annotations

import json
from typing import Any

from fastapi.testclient import TestClient

from pactum.agreements.terms import parse_terms, payable_events, royalty_terms
from tests.conftest import World
from tests.money.conftest import TERMS, agreement_body, api


def _amend(
    client: TestClient, world: World, agreement: dict[str, Any], etag: str, **body: Any
) -> Any:
    payload = {
        "effective_date": "2026-07-01",
        "summary": "First royalty tier raised to 7%",
        "reason": "Consideration for expanded territory (Japan)",
        "signed_by": "A: CEO; B: EVP BD",
        **body,
    }
    return client.post(
        api(world, f"/agreements/{agreement['id']}/amendments"),
        json=payload,
        headers={**world["a_manager"].headers, "If-Match": etag},
    )


def test_amendments_are_versions_and_terms_in_force_follow_the_date(
    client: TestClient, world: World, agreement: dict[str, Any]
) -> None:
    """Version 1 until the amendment's effective date, version 2 from it; both kept."""
    got = client.get(
        api(world, f"/agreements/{agreement['id']}"), headers=world["b_manager"].headers
    )
    new_terms = json.loads(json.dumps(TERMS))
    new_terms["royalties"]["tiers"][0]["rate"] = 0.07
    made = _amend(client, world, agreement, got.headers["ETag"], terms=new_terms, payment_days=60)
    assert made.status_code == 201, made.text
    assert made.json()["number"] == 2
    assert made.json()["notice_days"] == 30  # carried over
    terms = api(world, f"/agreements/{agreement['id']}/terms")
    before = client.get(terms, params={"on": "2026-06-30"}, headers=world["b_manager"].headers)
    after = client.get(terms, params={"on": "2026-07-01"}, headers=world["b_manager"].headers)
    assert before.json()["number"] == 1
    assert before.json()["terms"]["royalties"]["tiers"][0]["rate"] == 0.06
    assert after.json()["number"] == 2
    assert after.json()["terms"]["royalties"]["tiers"][0]["rate"] == 0.07
    assert after.json()["payment_days"] == 60
    too_early = client.get(terms, params={"on": "2025-12-31"}, headers=world["b_manager"].headers)
    assert too_early.status_code == 422
    full = client.get(
        api(world, f"/agreements/{agreement['id']}"), headers=world["b_manager"].headers
    )
    assert [v["number"] for v in full.json()["versions"]] == [1, 2]
    stale = _amend(client, world, agreement, got.headers["ETag"])
    assert stale.status_code == 412
    backdated = _amend(client, world, agreement, full.headers["ETag"], effective_date="2026-03-01")
    assert backdated.status_code == 422
    assert backdated.json()["detail"][0]["field"] == "effective_date"


def test_value_this_agreement_creates_a_private_scenario(
    client: TestClient, world: World, agreement: dict[str, Any]
) -> None:
    """One call: the terms in force become a valuation scenario private to our party."""
    made = client.post(
        api(world, f"/agreements/{agreement['id']}/value"),
        json={"on": "2026-11-01"},
        headers=world["a_manager"].headers,
    )
    assert made.status_code == 201, made.text
    scenario = made.json()
    assert scenario["visibility"] == "private"
    assert scenario["deal"]["terms"]["milestones"] == TERMS["milestones"]
    assert scenario["result"]["exact"]["licensor"]["rnpv"] != 0
    others = client.get(api(world, "/scenarios"), headers=world["b_manager"].headers).json()
    assert scenario["id"] not in [s["id"] for s in others]


def test_parties_roles_and_bad_terms(client: TestClient, world: World) -> None:
    """Only the alliance's parties; only managers/legal; terms errors name their path."""
    outsider = client.post(
        api(world, "/agreements"),
        json=agreement_body(world, licensee_org_id=str(world.orgs["C"])),
        headers=world["a_manager"].headers,
    )
    assert outsider.status_code == 422
    assert outsider.json()["detail"][0]["field"] == "licensee_org_id"
    same = client.post(
        api(world, "/agreements"),
        json=agreement_body(world, licensee_org_id=str(world.orgs["A"])),
        headers=world["a_manager"].headers,
    )
    assert same.status_code == 422
    bad_terms = client.post(
        api(world, "/agreements"),
        json=agreement_body(world, terms={"royalties": {"tiers": [{"from": 0, "rate": 1.5}]}}),
        headers=world["a_manager"].headers,
    )
    assert bad_terms.status_code == 422
    assert bad_terms.json()["detail"][0]["field"] == "terms.royalties.tiers[0].rate"
    contributor = client.post(
        api(world, "/agreements"),
        json=agreement_body(world),
        headers=world["a_contributor"].headers,
    )
    assert contributor.status_code == 403
    assert client.get(api(world, "/agreements"), headers=world["a_manager"].headers).json() == []


def test_status_flow(client: TestClient, world: World, agreement: dict[str, Any]) -> None:
    """in force → terminated; terminated cannot come back or be amended."""
    path = api(world, f"/agreements/{agreement['id']}")
    etag = client.get(path, headers=world["a_manager"].headers).headers["ETag"]
    ended = client.patch(
        path,
        json={"status": "terminated"},
        headers={**world["a_manager"].headers, "If-Match": etag},
    )
    assert ended.status_code == 200
    back = client.patch(
        path,
        json={"status": "in_force"},
        headers={**world["a_manager"].headers, "If-Match": ended.headers["ETag"]},
    )
    assert back.status_code == 409
    assert _amend(client, world, agreement, ended.headers["ETag"]).status_code == 409


def test_terms_feed_the_bookkeeping() -> None:
    """The same terms model gives the royalty clause and the list of payable events."""
    terms = parse_terms(TERMS)
    clause = royalty_terms(terms)
    assert clause is not None
    assert [str(t.rate) for t in clause.tiers] == ["0.06", "0.08"]
    assert str(clause.floor) == "0.02"
    events = payable_events(terms)
    assert events[0] == ("Upfront payment", 40000000)
    assert ("Successful completion of Phase 2", 40000000) in events
