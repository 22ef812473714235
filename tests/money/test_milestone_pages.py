"""Milestone pages: claim, dispute, resolve, confirm, invoice, notes; errors inline."""

from __future__ import annotations

from typing import Any

from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from pactum.settings import Settings
from tests.conftest import World
from tests.money.conftest import api
from tests.support import sign_in


def _version(client: TestClient, world: World, claim_id: str) -> str:
    got = client.get(api(world, f"/milestones/{claim_id}"), headers=world["a_manager"].headers)
    return str(got.json()["version"])


def test_the_claim_page_walks_the_workflow(
    client: TestClient, db: Session, settings: Settings, world: World, agreement: dict[str, Any]
) -> None:
    """Each party sees only the actions open to it; notes stay private."""
    base = f"/alliances/{world.alliance_id}/milestones"
    csrf = sign_in(client, db, settings, world["a_finance"])
    assert "No milestones claimed yet" in client.get(base).text
    form = client.get(f"{base}/new")
    assert "Successful completion of Phase 1" in form.text
    bad = client.post(
        f"{base}/new",
        data={"csrf_token": csrf, "agreement_id": agreement["id"], "milestone": "", "amount": "x"},
    )
    assert bad.status_code == 422
    assert 'id="milestone-error"' in bad.text
    made = client.post(
        f"{base}/new",
        data={
            "csrf_token": csrf,
            "agreement_id": agreement["id"],
            "milestone": "Successful completion of Phase 1",
            "achieved_on": "2026-10-01",
            "amount": "15,000,000.00",
            "evidence": "Read-out",
        },
        follow_redirects=False,
    )
    assert made.status_code == 303, made.text
    claim_url = made.headers["location"].split("?")[0]
    claim_id = claim_url.rsplit("/", 1)[-1]
    mine = client.get(claim_url).text
    assert "Dispute the claim" not in mine
    assert "Withdraw the claim" in mine
    note = client.post(
        f"{claim_url}/notes",
        data={"csrf_token": csrf, "body": "A-only thought"},
        follow_redirects=False,
    )
    assert note.status_code == 303
    client.cookies.clear()

    csrf = sign_in(client, db, settings, world["b_finance"])
    theirs = client.get(claim_url).text
    assert "Dispute the claim" in theirs
    assert "A-only thought" not in theirs
    empty_reason = client.post(
        f"{claim_url}/dispute",
        data={"csrf_token": csrf, "version": _version(client, world, claim_id)},
    )
    assert empty_reason.status_code == 422
    assert 'id="reason-error"' in empty_reason.text
    disputed = client.post(
        f"{claim_url}/dispute",
        data={
            "csrf_token": csrf,
            "version": _version(client, world, claim_id),
            "reason": "Endpoint missed",
        },
        follow_redirects=False,
    )
    assert disputed.status_code == 303
    resolved = client.post(
        f"{claim_url}/resolve",
        data={
            "csrf_token": csrf,
            "version": _version(client, world, claim_id),
            "outcome": "claim_stands",
            "resolution": "Review board agreed",
        },
        follow_redirects=False,
    )
    assert resolved.status_code == 303
    confirmed = client.post(
        f"{claim_url}/confirm",
        data={"csrf_token": csrf, "version": _version(client, world, claim_id)},
        follow_redirects=False,
    )
    assert confirmed.status_code == 303
    page = client.get(claim_url).text
    assert "Disputed by B Finance" in page
    assert "Confirmed by B Finance" in page
    client.cookies.clear()

    csrf = sign_in(client, db, settings, world["a_finance"])
    issued = client.post(f"{claim_url}/invoice", data={"csrf_token": csrf}, follow_redirects=False)
    assert issued.status_code == 303
    page = client.get(claim_url).text
    assert "INV-" in page
    export = client.get(f"/alliances/{world.alliance_id}/milestones.csv")
    assert "Successful completion of Phase 1" in export.text
