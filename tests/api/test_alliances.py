"""Alliances over the API: invitations, lifecycle, members, permissions (TEN-3, TEN-5)."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient

from tests.conftest import World


def _propose(client: TestClient, world: World, partner: str = "C") -> dict:  # type: ignore[type-arg]
    response = client.post(
        "/api/v1/alliances",
        headers=world["a_manager"].headers,
        json={
            "name": "New licence",
            "types": ["licensing"],
            "therapeutic_area": "Neurology",
            "my_role": "licensor",
            "partners": [{"org_id": str(world.orgs[partner]), "role": "licensee"}],
        },
    )
    assert response.status_code == 201, response.text
    return response.json()  # type: ignore[no-any-return]


def test_invitation_accept_flow(client: TestClient, world: World) -> None:
    """C's administrator sees the invitation, accepts it and then sees the alliance."""
    alliance = _propose(client, world)
    c = world["c_admin"].headers
    assert client.get(f"/api/v1/alliances/{alliance['id']}", headers=c).status_code == 404
    invitations = client.get("/api/v1/invitations", headers=c).json()
    assert [i["alliance_name"] for i in invitations] == ["New licence"]
    assert invitations[0]["invited_by"] == "Helix Test Bio"
    accepted = client.post(
        f"/api/v1/invitations/{invitations[0]['party_id']}/accept", headers=c, json={}
    )
    assert accepted.status_code == 200, accepted.text
    states = {p["org_name"]: p["state"] for p in accepted.json()["parties"]}
    assert states == {"Helix Test Bio": "accepted", "Outside Test Labs": "accepted"}
    assert client.get(f"/api/v1/alliances/{alliance['id']}", headers=c).status_code == 200
    members = client.get(f"/api/v1/alliances/{alliance['id']}/members", headers=c).json()
    assert {(m["email"], m["role"]) for m in members} == {
        ("a_manager@example.com", "alliance_manager"),
        ("c_admin@example.com", "alliance_manager"),
    }
    again = client.post(
        f"/api/v1/invitations/{invitations[0]['party_id']}/accept", headers=c, json={}
    )
    assert again.status_code == 404


def test_declined_invitation_leaves_no_access(client: TestClient, world: World) -> None:
    """A declined invitation gives no access and cannot be reopened."""
    alliance = _propose(client, world)
    c = world["c_admin"].headers
    party = client.get("/api/v1/invitations", headers=c).json()[0]["party_id"]
    assert client.post(f"/api/v1/invitations/{party}/decline", headers=c).status_code == 204
    assert client.get(f"/api/v1/alliances/{alliance['id']}", headers=c).status_code == 404
    assert client.get("/api/v1/invitations", headers=c).json() == []
    parties = client.get(
        f"/api/v1/alliances/{alliance['id']}/parties", headers=world["a_manager"].headers
    ).json()
    assert {p["state"] for p in parties} == {"accepted", "declined"}


def test_only_the_invited_organisations_admin_answers(client: TestClient, world: World) -> None:
    """TEN-5: a non-administrator cannot see or accept an invitation (404)."""
    _propose(client, world, partner="B")
    party = client.get("/api/v1/invitations", headers=world["b_admin"].headers).json()[0]
    assert client.get("/api/v1/invitations", headers=world["b_manager"].headers).json() == []
    refused = client.post(
        f"/api/v1/invitations/{party['party_id']}/accept",
        headers=world["b_manager"].headers,
        json={},
    )
    assert refused.status_code == 404


def test_proposal_errors_name_the_field(client: TestClient, world: World) -> None:
    """DATA-4: bad proposals are refused with the field and the rule; nothing is created."""
    a = world["a_manager"].headers
    before = len(client.get("/api/v1/alliances", headers=a).json())
    bad = client.post(
        "/api/v1/alliances",
        headers=a,
        json={
            "name": "Self deal",
            "types": ["licensing"],
            "my_role": "licensor",
            "partners": [{"org_id": str(world.orgs["A"]), "role": "licensee"}],
        },
    )
    assert bad.status_code == 422
    assert bad.json()["detail"] == [
        {"field": "partners", "rule": "must not include your own organisation"}
    ]
    bad = client.post(
        "/api/v1/alliances",
        headers=a,
        json={"name": "", "types": [], "my_role": "emperor", "partners": []},
    )
    fields = {d["field"] for d in bad.json()["detail"]}
    assert {"name", "types", "my_role", "partners"} <= fields
    assert len(client.get("/api/v1/alliances", headers=a).json()) == before


def test_server_owned_fields_cannot_be_set(client: TestClient, world: World) -> None:
    """TEN-3: extra fields such as owner_org_id, id or version are refused."""
    a = world["a_manager"].headers
    url = f"/api/v1/alliances/{world.alliance_id}/objectives"
    for extra in ({"owner_org_id": str(world.orgs["B"])}, {"id": "x"}, {"version": 9}):
        response = client.post(url, headers=a, json={"title": "t", **extra})
        assert response.status_code == 422
        field = next(iter(extra))
        assert response.json()["detail"][0]["field"] == field
        assert "Extra inputs are not permitted" in response.json()["detail"][0]["rule"]


def test_lifecycle_transitions_are_validated_and_versioned(
    client: TestClient, world: World
) -> None:
    """Only allowed moves pass; terminating needs a reason; If-Match guards each move."""
    a = world["a_manager"].headers
    url = f"/api/v1/alliances/{world.alliance_id}"
    etag = client.get(url, headers=a).headers["ETag"]
    skip = client.post(
        f"{url}/transitions", headers={**a, "If-Match": etag}, json={"status": "active"}
    )
    assert skip.status_code == 409
    assert "cannot move from candidate to active" in skip.json()["detail"]
    moved = client.post(
        f"{url}/transitions", headers={**a, "If-Match": etag}, json={"status": "due_diligence"}
    )
    assert moved.status_code == 200
    stale = client.post(
        f"{url}/transitions", headers={**a, "If-Match": etag}, json={"status": "negotiation"}
    )
    assert stale.status_code == 412
    missing = client.post(f"{url}/transitions", headers=a, json={"status": "negotiation"})
    assert missing.status_code == 428
    etag = moved.headers["ETag"]
    no_reason = client.post(
        f"{url}/transitions", headers={**a, "If-Match": etag}, json={"status": "closed"}
    )
    assert no_reason.status_code == 409
    assert "reason is required" in no_reason.json()["detail"]
    activity = client.get(f"{url}/activity", headers=world["b_manager"].headers).json()
    assert activity[0]["action"] == "alliance.transition"


@pytest.mark.parametrize(
    ("who", "method", "suffix", "body", "expected"),
    [
        ("a_viewer", "POST", "/objectives", {"title": "x"}, 403),
        ("a_contributor", "POST", "/objectives", {"title": "x"}, 201),
        ("a_contributor", "POST", "/transitions", {"status": "due_diligence"}, 403),
        ("b_contributor", "PATCH", "", {"name": "Renamed"}, 403),
        ("a_admin", "POST", "/objectives", {"title": "x"}, 403),
        ("b_manager", "PATCH", "", {"name": "Renamed"}, 200),
    ],
)
def test_function_level_permissions(
    client: TestClient,
    world: World,
    who: str,
    method: str,
    suffix: str,
    body: dict,
    expected: int,  # type: ignore[type-arg]
) -> None:
    """TEN-5: only the roles the charter names may write, move the lifecycle or edit."""
    url = f"/api/v1/alliances/{world.alliance_id}{suffix}"
    response = client.request(
        method, url, headers={**world[who].headers, "If-Match": "*"}, json=body
    )
    assert response.status_code == expected, response.text


def test_each_party_manages_only_its_own_members(client: TestClient, world: World) -> None:
    """TEN-5: B's manager cannot change A's members; A keeps one alliance manager."""
    url = f"/api/v1/alliances/{world.alliance_id}/members"
    members = client.get(url, headers=world["a_manager"].headers).json()
    a_contrib = next(m for m in members if m["email"] == "a_contributor@example.com")
    a_mgr = next(m for m in members if m["email"] == "a_manager@example.com")
    response = client.patch(
        f"{url}/{a_contrib['id']}",
        headers={**world["b_manager"].headers, "If-Match": "*"},
        json={"role": "viewer"},
    )
    assert response.status_code == 403
    last = client.patch(
        f"{url}/{a_mgr['id']}",
        headers={**world["a_manager"].headers, "If-Match": "*"},
        json={"role": "viewer"},
    )
    assert last.status_code == 409
    foreign = client.post(
        url,
        headers=world["a_manager"].headers,
        json={"user_id": str(world["b_contributor"].user_id), "role": "viewer"},
    )
    assert foreign.status_code == 422
    assert foreign.json()["detail"][0]["field"] == "user_id"
    added = client.post(
        url,
        headers=world["a_manager"].headers,
        json={"user_id": str(world["a_outsider"].user_id), "role": "viewer"},
    )
    assert added.status_code == 201
    removed = client.delete(
        f"{url}/{added.json()['id']}", headers={**world["a_manager"].headers, "If-Match": '"1"'}
    )
    assert removed.status_code == 204


def test_objective_rules(client: TestClient, world: World) -> None:
    """Walk-away points stay private; a shared objective cannot be made private again."""
    a = world["a_manager"].headers
    url = f"/api/v1/alliances/{world.alliance_id}/objectives"
    walk = client.post(url, headers=a, json={"title": "w", "kind": "walk_away"})
    assert walk.status_code == 422
    assert walk.json()["detail"] == [
        {"field": "visibility", "rule": "walk-away points are always private to your party"}
    ]
    owner = client.post(
        url,
        headers=a,
        json={
            "title": "p",
            "visibility": "private",
            "owner_user_id": str(world["b_manager"].user_id),
        },
    )
    assert owner.status_code == 422
    assert owner.json()["detail"][0]["field"] == "owner_user_id"
    shared = client.post(url, headers=a, json={"title": "s"}).json()
    back = client.patch(
        f"{url}/{shared['id']}", headers={**a, "If-Match": '"1"'}, json={"visibility": "private"}
    )
    assert back.status_code == 409
    bad_date = client.post(url, headers=a, json={"title": "d", "target_date": "2027-02-30"})
    assert bad_date.status_code == 422
    assert bad_date.json()["detail"][0]["field"] == "target_date"
