"""Page flows not covered by the browser tests: member rules and stale edits, inline."""

from __future__ import annotations

import re

from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from pactum.settings import Settings
from tests.conftest import World
from tests.support import shared_objective, sign_in


def test_removing_the_last_manager_is_refused_inline(
    client: TestClient, db: Session, settings: Settings, world: World
) -> None:
    """The member row shows why; the member stays."""
    csrf = sign_in(client, db, settings, world["a_manager"])
    members = client.get(
        f"/api/v1/alliances/{world.alliance_id}/members", headers=world["a_manager"].headers
    ).json()
    me = next(m for m in members if m["email"] == "a_manager@example.com")
    response = client.post(
        f"/alliances/{world.alliance_id}/members/{me['id']}/remove",
        data={"csrf_token": csrf, "version": str(me["version"])},
    )
    assert response.status_code == 409
    assert "at least one alliance manager" in response.text
    assert re.search(rf'id="role-{me["id"]}"[^>]*aria-invalid="true"', response.text)
    after = client.get(
        f"/api/v1/alliances/{world.alliance_id}/members", headers=world["a_manager"].headers
    ).json()
    assert me["id"] in {m["id"] for m in after}


def test_stale_objective_edit_is_refused_without_losing_the_other_change(
    client: TestClient, db: Session, settings: Settings, world: World
) -> None:
    """DATA-1 in the pages: an edit based on an old version answers 412 and changes nothing."""
    oid = shared_objective(db, world, "a_manager", "Original title")
    csrf = sign_in(client, db, settings, world["a_manager"])
    url = f"/alliances/{world.alliance_id}/objectives/{oid}/edit"
    form = {
        "csrf_token": csrf,
        "version": "1",
        "title": "First edit",
        "status": "on_track",
        "kind": "objective",
        "visibility": "shared",
    }
    assert client.post(url, data=form, follow_redirects=False).status_code == 303
    stale = client.post(url, data={**form, "title": "Second edit from an old page"})
    assert stale.status_code == 412
    assert "changed by someone else" in stale.text
    current = client.get(
        f"/api/v1/alliances/{world.alliance_id}/objectives/{oid}",
        headers=world["a_manager"].headers,
    ).json()
    assert current["title"] == "First edit"
