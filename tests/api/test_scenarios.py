"""Valuation scenarios in an alliance: private by default, shared deliberately, audited."""

from __future__ import annotations

import re
from typing import Any

import yaml
from fastapi.testclient import TestClient
from sqlalchemy import select
from sqlalchemy.orm import Session

from pactum.models import AuditEntry
from pactum.settings import Settings
from tests.conftest import World
from tests.support import sign_in
from tests.valuation.cases import FAIR


def _create(client: TestClient, world: World, who: str = "a_manager", **extra: Any) -> Any:
    body = {"name": "Our base case", "deal": FAIR, "trials": 2000, **extra}
    return client.post(
        f"/api/v1/alliances/{world.alliance_id}/scenarios", headers=world[who].headers, json=body
    )


def test_private_by_default_and_shared_deliberately(client: TestClient, world: World) -> None:
    """B cannot see A's scenario until A shares it; sharing cannot be undone."""
    created = _create(client, world)
    assert created.status_code == 201, created.text
    scenario = created.json()
    assert scenario["visibility"] == "private"
    assert scenario["result"]["exact"]["total"]["rnpv"] > 0
    url = f"/api/v1/alliances/{world.alliance_id}/scenarios"
    b = world["b_manager"].headers
    assert client.get(f"{url}/{scenario['id']}", headers=b).status_code == 404
    assert scenario["id"] not in client.get(url, headers=b).text
    shared = client.patch(
        f"{url}/{scenario['id']}",
        headers={**world["a_manager"].headers, "If-Match": created.headers["ETag"]},
        json={"visibility": "shared"},
    )
    assert shared.status_code == 200, shared.text
    assert client.get(f"{url}/{scenario['id']}", headers=b).status_code == 200
    back = client.patch(
        f"{url}/{scenario['id']}",
        headers={**world["a_manager"].headers, "If-Match": "*"},
        json={"visibility": "private"},
    )
    assert back.status_code == 409


def test_bad_deal_names_every_path_and_creates_nothing(client: TestClient, world: World) -> None:
    """A deal-file error is a 422 listing ``deal.<path>`` and the rule."""
    bad = dict(FAIR)
    bad = {
        **bad,
        "asset": {**bad["asset"], "commercial": {**bad["asset"]["commercial"], "peak_sales": -5}},
    }
    response = _create(client, world, deal=bad)
    assert response.status_code == 422
    assert {
        "field": "deal.asset.commercial.peak_sales",
        "rule": "must not be negative, got -5.0",
    } in response.json()["detail"]
    listing = client.get(
        f"/api/v1/alliances/{world.alliance_id}/scenarios", headers=world["a_manager"].headers
    ).json()
    assert listing == []


def test_only_writers_value_and_revaluing_uses_if_match(client: TestClient, world: World) -> None:
    """Viewers may not create scenarios; an edit needs the current version."""
    assert _create(client, world, who="a_viewer").status_code == 403
    created = _create(client, world)
    url = f"/api/v1/alliances/{world.alliance_id}/scenarios/{created.json()['id']}"
    headers = world["a_manager"].headers
    changed = client.patch(url, headers={**headers, "If-Match": '"1"'}, json={"trials": 3000})
    assert changed.status_code == 200
    assert changed.json()["result"]["monte_carlo"]["trials"] == 3000
    stale = client.patch(url, headers={**headers, "If-Match": '"1"'}, json={"trials": 4000})
    assert stale.status_code == 412


def test_audit_keeps_private_scenarios_in_the_partys_chain(
    client: TestClient, db: Session, world: World
) -> None:
    """The creation goes to A's private chain, never the shared one."""
    scenario = _create(client, world).json()
    chains = {
        e.chain
        for e in db.execute(
            select(AuditEntry).where(AuditEntry.object_id == scenario["id"])
        ).scalars()
    }
    assert chains == {f"alliance:{world.alliance_id}:org:{world.orgs['A']}"}


def test_pages_show_results_charts_and_compare(
    client: TestClient, db: Session, settings: Settings, world: World
) -> None:
    """The form values a deal; the page shows the table and SVG charts; compare works."""
    csrf = sign_in(client, db, settings, world["a_manager"])
    new = client.get(f"/alliances/{world.alliance_id}/scenarios/new")
    assert new.status_code == 200
    assert "Deal file (YAML)" in new.text
    form = {
        "csrf_token": csrf,
        "name": "Page case",
        "deal": yaml.safe_dump(FAIR),
        "trials": "2000",
        "seed": "1",
        "visibility": "private",
    }
    made = client.post(
        f"/alliances/{world.alliance_id}/scenarios/new", data=form, follow_redirects=False
    )
    assert made.status_code == 303, made.text[:500]
    page = client.get(made.headers["location"])
    assert page.status_code == 200
    assert page.text.count("<svg") >= 3
    assert "rNPV (exact)" in page.text
    other = _create(client, world).json()
    first = made.headers["location"].split("/")[-1].split("?")[0]
    compare = client.get(
        f"/alliances/{world.alliance_id}/scenarios/compare",
        params=[("ids", first), ("ids", other["id"])],
    )
    assert compare.status_code == 200
    assert "Page case" in compare.text
    assert "Our base case" in compare.text
    broken = client.post(
        f"/alliances/{world.alliance_id}/scenarios/new", data={**form, "deal": "asset: [unclosed"}
    )
    assert broken.status_code == 422
    assert re.search(r"Deal file.*not valid YAML", broken.text, re.S)


def test_key_inputs_override_the_deal_file_and_errors_sit_next_to_them(
    client: TestClient, db: Session, settings: Settings, world: World
) -> None:
    """Peak sales typed in the form win over the YAML; a bad number is shown inline."""
    csrf = sign_in(client, db, settings, world["a_manager"])
    form = {
        "csrf_token": csrf,
        "name": "Bigger market",
        "deal": yaml.safe_dump(FAIR),
        "trials": "2000",
        "seed": "1",
        "visibility": "private",
        "peak_sales": "3,000,000,000",
    }
    made = client.post(
        f"/alliances/{world.alliance_id}/scenarios/new", data=form, follow_redirects=False
    )
    assert made.status_code == 303, made.text[:500]
    sid = made.headers["location"].split("/")[-1].split("?")[0]
    stored = client.get(
        f"/api/v1/alliances/{world.alliance_id}/scenarios/{sid}", headers=world["a_manager"].headers
    ).json()
    assert stored["deal"]["asset"]["commercial"]["peak_sales"] == 3e9
    page = client.get(f"/alliances/{world.alliance_id}/scenarios/{sid}")
    assert 'value="3000000000"' in page.text
    bad = client.post(
        f"/alliances/{world.alliance_id}/scenarios/new", data={**form, "peak_sales": "lots"}
    )
    assert bad.status_code == 422
    assert re.search(r'id="peak_sales"[^>]*aria-invalid="true"', bad.text)
    negative = client.post(
        f"/alliances/{world.alliance_id}/scenarios/new", data={**form, "peak_sales": "-1"}
    )
    assert negative.status_code == 422
    assert re.search(r'id="peak_sales"[^>]*aria-invalid="true"', negative.text)
