"""The API's basic round trip: list, create, read, update with If-Match."""

from __future__ import annotations

from fastapi.testclient import TestClient

from tests.conftest import World


def test_alliance_list_and_objective_round_trip(strict_client: TestClient, world: World) -> None:
    """A member lists alliances, adds an objective, reads it, edits it with If-Match."""
    a = world["a_manager"]
    response = strict_client.get("/api/v1/alliances", headers=a.headers)
    assert response.status_code == 200, response.text
    assert [x["name"] for x in response.json()] == ["Test co-development"]
    url = f"/api/v1/alliances/{world.alliance_id}/objectives"
    created = strict_client.post(
        url, headers=a.headers, json={"title": "First-in-human by Q3", "visibility": "shared"}
    )
    assert created.status_code == 201, created.text
    oid = created.json()["id"]
    etag = created.headers["ETag"]
    got = strict_client.get(f"{url}/{oid}", headers=a.headers)
    assert got.headers["ETag"] == etag
    patched = strict_client.patch(
        f"{url}/{oid}", headers={**a.headers, "If-Match": etag}, json={"status": "on_track"}
    )
    assert patched.status_code == 200, patched.text
    assert patched.json()["version"] == 2
    stale = strict_client.patch(
        f"{url}/{oid}", headers={**a.headers, "If-Match": etag}, json={"status": "at_risk"}
    )
    assert stale.status_code == 412
    assert stale.json()["error"] == "precondition_failed"
