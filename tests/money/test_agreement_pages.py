"""Agreement pages: record, amend, value, export (rendered server-side)."""

from __future__ import annotations

from typing import Any

from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from pactum.settings import Settings
from tests.conftest import World
from tests.money.conftest import api
from tests.support import sign_in


def test_record_amend_and_value_through_the_pages(
    client: TestClient, db: Session, settings: Settings, world: World
) -> None:
    """The form records an agreement; errors show next to fields; amend adds version 2."""
    csrf = sign_in(client, db, settings, world["a_manager"])
    base = f"/alliances/{world.alliance_id}/agreements"
    empty = client.get(base)
    assert empty.status_code == 200
    assert "No agreements recorded yet" in empty.text
    form = client.get(f"{base}/new")
    assert form.status_code == 200
    assert "royalties" in form.text
    data = {
        "csrf_token": csrf,
        "title": "Licence",
        "kind": "licence",
        "licensor_org_id": str(world.orgs["A"]),
        "licensee_org_id": str(world.orgs["B"]),
        "currency": "usd",
        "effective_date": "2026-01-01",
        "payment_days": "45",
        "notice_days": "30",
        "overrun_cap": "0.10",
        "terms": "milestones:\n  - {gate: phase1, amount: 1000000}\n",
    }
    bad = client.post(f"{base}/new", data={**data, "currency": "ZZZ", "notice_days": "x"})
    assert bad.status_code == 422
    assert 'id="currency-error"' in bad.text
    assert 'id="notice_days-error"' in bad.text
    made = client.post(f"{base}/new", data=data, follow_redirects=False)
    assert made.status_code == 303, made.text
    page = client.get(made.headers["location"])
    assert "Successful completion of Phase 1" in page.text
    assert "1,000,000.00" in page.text
    agreement_id = made.headers["location"].split("/")[-1].split("?")[0]
    listed = client.get(api(world, "/agreements"), headers=world["a_manager"].headers).json()
    version = listed[0]["version"]
    amended = client.post(
        f"{base}/{agreement_id}/amend",
        data={
            "csrf_token": csrf,
            "version": str(version),
            "effective_date": "2026-06-01",
            "summary": "Phase 1 milestone raised",
            "reason": "Expanded indication",
            "signed_by": "Both CEOs",
            "terms": "milestones:\n  - {gate: phase1, amount: 2000000}\n",
        },
        follow_redirects=False,
    )
    assert amended.status_code == 303, amended.text
    page = client.get(amended.headers["location"])
    assert "2,000,000.00" in page.text
    assert "Phase 1 milestone raised" in page.text
    export = client.get(f"{base}/{agreement_id}/versions.csv")
    assert export.status_code == 200
    assert "Phase 1 milestone raised" in export.text
    assert client.get(f"{base}.xlsx").status_code == 200
    events = client.get(f"{base}/{agreement_id}/events.csv")
    assert "Successful completion of Phase 1,2000000.00,USD" in events.text
    valued = client.post(
        f"{base}/{agreement_id}/value", data={"csrf_token": csrf, "on": ""}, follow_redirects=False
    )
    assert valued.status_code == 303
    assert "/scenarios/" in valued.headers["location"]


def test_amending_a_stale_version_says_so(
    client: TestClient, db: Session, settings: Settings, world: World, agreement: dict[str, Any]
) -> None:
    """DATA-1 on the page: a stale hidden version shows the "changed by someone" message."""
    csrf = sign_in(client, db, settings, world["a_manager"])
    got = client.post(
        f"/alliances/{world.alliance_id}/agreements/{agreement['id']}/amend",
        data={
            "csrf_token": csrf,
            "version": "1",
            "effective_date": "2026-06-01",
            "summary": "s",
            "reason": "r",
            "signed_by": "b",
        },
    )
    assert got.status_code == 412
    assert "changed by someone else" in got.text
