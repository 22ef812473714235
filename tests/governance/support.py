"""A governance set-up over the API: a JSC whose deadlocks go to the executive officers,
with final say over development for party A, and helpers to drive it."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from typing import Any

from fastapi.testclient import TestClient

from tests.conftest import PASSWORD, World

# When the test meetings are held (a Monday).
NOW = datetime(2026, 11, 23, 9, 0, tzinfo=UTC)


@dataclass
class Gov:
    """Ids of the committees built for a test."""

    jsc: uuid.UUID
    execs: uuid.UUID
    base: str


def ok(response: Any, status: int = 200) -> Any:
    """The JSON of a response that must have ``status``."""
    assert response.status_code == status, response.text
    return response.json()


def setup_governance(client: TestClient, world: World, *, quorum: int = 1) -> Gov:
    """Executive officers (A: a_finance, B: b_finance) above a JSC (A: a_manager and
    a_contributor, B: b_manager and b_contributor); A has final say on development."""
    base = f"/api/v1/alliances/{world.alliance_id}"
    a, b = world["a_manager"].headers, world["b_manager"].headers
    execs = ok(
        client.post(
            f"{base}/committees",
            headers=a,
            json={"name": "Executive officers", "kind": "executive_officers", "decision_days": 30},
        ),
        201,
    )["id"]
    jsc = ok(
        client.post(
            f"{base}/committees",
            headers=a,
            json={
                "name": "Joint Steering Committee",
                "kind": "jsc",
                "quorum_per_party": quorum,
                "final_say": {"development": str(world.orgs["A"])},
                "escalates_to_id": execs,
                "decision_days": 15,
            },
        ),
        201,
    )["id"]
    for headers, voter, other in (
        (a, "a_manager", "a_contributor"),
        (b, "b_manager", "b_contributor"),
    ):
        ok(
            client.post(
                f"{base}/committees/{jsc}/members",
                headers=headers,
                json={"user_id": str(world[voter].user_id), "minutes_approver": True},
            ),
            201,
        )
        ok(
            client.post(
                f"{base}/committees/{jsc}/members",
                headers=headers,
                json={"user_id": str(world[other].user_id)},
            ),
            201,
        )
    for headers, officer in ((a, "a_finance"), (b, "b_finance")):
        ok(
            client.post(
                f"{base}/committees/{execs}/members",
                headers=headers,
                json={"user_id": str(world[officer].user_id)},
            ),
            201,
        )
    return Gov(uuid.UUID(jsc), uuid.UUID(execs), base)


def written_decision(
    client: TestClient, world: World, gov: Gov, deadline: date, **extra: Any
) -> dict[str, Any]:
    """A written decision put to the JSC by A's manager."""
    body = {
        "committee_id": str(gov.jsc),
        "domain": "development",
        "question": "Start the Phase 2 study in Q1?",
        "deadline": deadline.isoformat(),
        **extra,
    }
    return ok(
        client.post(f"{gov.base}/decisions", headers=world["a_manager"].headers, json=body), 201
    )


def meeting_with_item(client: TestClient, world: World, gov: Gov) -> tuple[str, str]:
    """A JSC meeting (held now) with one decision item: (meeting id, item id)."""
    m = ok(
        client.post(
            f"{gov.base}/committees/{gov.jsc}/meetings",
            headers=world["a_manager"].headers,
            json={
                "title": "JSC Q4 2026",
                "starts_at": NOW.isoformat(),
                "ends_at": (NOW + timedelta(hours=2)).isoformat(),
                "location": "Basel; video",
            },
        ),
        201,
    )
    item = ok(
        client.post(
            f"{gov.base}/meetings/{m['id']}/items",
            headers=world["a_manager"].headers,
            json={
                "kind": "decision",
                "title": "Phase 2 go/no-go",
                "papers": [{"title": "Protocol v3", "url": "https://docs.example/p3"}],
            },
        ),
        201,
    )
    return m["id"], item["id"]


def attend(client: TestClient, world: World, gov: Gov, meeting_id: str, *who: str) -> None:
    """Record who was present."""
    url = f"{gov.base}/meetings/{meeting_id}"
    version = client.get(url, headers=world["a_manager"].headers).headers["ETag"]
    ok(
        client.put(
            f"{url}/attendance",
            headers={**world["a_manager"].headers, "If-Match": version},
            json={"present": [str(world[p].user_id) for p in who]},
        )
    )


def sign(client: TestClient, world: World, gov: Gov, meeting_id: str, who: str) -> Any:
    """Sign the current minutes as ``who``."""
    url = f"{gov.base}/meetings/{meeting_id}"
    minutes = ok(client.get(f"{url}/minutes", headers=world[who].headers))
    return client.post(
        f"{url}/signatures",
        headers=world[who].headers,
        json={
            "password": PASSWORD,
            "printed_name": who.replace("_", " ").title(),
            "minutes_version": minutes["minutes_version"],
            "content_sha256": minutes["content_sha256"],
        },
    )


def minutes_act(
    client: TestClient,
    world: World,
    url: str,
    action: str,
    who: str,
    body: dict[str, str] | None = None,
) -> Any:
    """Lock or reopen the minutes of the meeting at ``url`` as ``who``, with the meeting's
    current version."""
    version = client.get(url, headers=world[who].headers).json()["version"]
    return client.post(
        f"{url}/minutes/{action}",
        headers={**world[who].headers, "If-Match": f'"{version}"'},
        json=body,
    )
