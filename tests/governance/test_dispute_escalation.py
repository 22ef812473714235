"""A milestone dispute put to the governance ladder: the JSC deadlocks, the executive
officers decide unanimously that the milestone was achieved, and the dispute is resolved
with the claim confirmed, in the same transaction as the deciding vote."""

from __future__ import annotations

from datetime import UTC, date, datetime

from fastapi.testclient import TestClient

from pactum.core.time import frozen, utcnow
from pactum.milestones.escalation import ACHIEVED, NOT_ACHIEVED
from tests.conftest import World
from tests.governance.support import ok, setup_governance
from tests.money.conftest import agreement_in_force, api, claim


def _h(world: World, who: str, etag: str | None = None) -> dict[str, str]:
    headers = dict(world[who].headers)
    if etag:
        headers["If-Match"] = etag
    return headers


def test_dispute_goes_up_the_ladder_and_is_resolved(client: TestClient, world: World) -> None:
    agreement = agreement_in_force(client, world)
    made = claim(client, world, agreement)
    cid = made["id"]
    etag = client.get(api(world, f"/milestones/{cid}"), headers=_h(world, "b_finance")).headers[
        "ETag"
    ]
    ok(
        client.post(
            api(world, f"/milestones/{cid}/dispute"),
            headers=_h(world, "b_finance", etag),
            json={"reason": "The primary endpoint was not met."},
        ),
        201,
    )
    gov = setup_governance(client, world)
    today = utcnow().date()
    # an outsider of the claim's parties' roles cannot escalate; the contributor lacks the role
    r = client.post(
        api(world, f"/milestones/{cid}/escalate"),
        headers=_h(world, "a_contributor"),
        json={"committee_id": str(gov.jsc), "deadline": today.isoformat()},
    )
    assert r.status_code == 403
    d = ok(
        client.post(
            api(world, f"/milestones/{cid}/escalate"),
            headers=_h(world, "b_finance"),
            json={"committee_id": str(gov.jsc), "deadline": today.isoformat()},
        ),
        201,
    )
    assert d["options"] == [ACHIEVED, NOT_ACHIEVED]
    assert (d["subject_type"], d["domain"]) == ("dispute", "milestone")
    again = client.post(
        api(world, f"/milestones/{cid}/escalate"),
        headers=_h(world, "a_manager"),
        json={"committee_id": str(gov.jsc), "deadline": today.isoformat()},
    )
    assert again.status_code == 409
    url = f"{gov.base}/decisions/{d['id']}"
    ok(
        client.post(
            f"{url}/votes",
            headers=_h(world, "a_manager"),
            json={"choice": "yes", "option": ACHIEVED},
        ),
        201,
    )
    d = ok(
        client.post(
            f"{url}/votes",
            headers=_h(world, "b_manager"),
            json={"choice": "yes", "option": NOT_ACHIEVED},
        ),
        201,
    )
    assert d["status"] == "deadlocked"  # different alternatives: no unanimity
    when = date.fromisoformat(d["escalate_on"])
    with frozen(datetime(when.year, when.month, when.day, 9, tzinfo=UTC)):
        d = ok(client.get(url, headers=_h(world, "a_manager")))
        assert (d["status"], d["rung"]) == ("open", 1)
        ok(
            client.put(
                f"{url}/position",
                headers=_h(world, "b_manager"),
                json={"text": "The endpoint was missed by 2 points."},
            )
        )
        ok(
            client.post(
                f"{url}/votes",
                headers=_h(world, "a_finance"),
                json={"choice": "yes", "option": ACHIEVED},
            ),
            201,
        )
        assert (
            client.get(api(world, f"/milestones/{cid}"), headers=_h(world, "a_manager")).json()[
                "status"
            ]
            == "disputed"
        )
        d = ok(
            client.post(
                f"{url}/votes",
                headers=_h(world, "b_finance"),
                json={"choice": "yes", "option": ACHIEVED},
            ),
            201,
        )
        assert d["status"] == "approved"
        assert d["chosen_option"] == ACHIEVED
        after = ok(client.get(api(world, f"/milestones/{cid}"), headers=_h(world, "b_manager")))
        assert after["status"] == "confirmed"
        (dispute,) = after["disputes"]
        assert (dispute["status"], dispute["outcome"]) == ("resolved", "claim_stands")
        assert d["reference"] in dispute["resolution"]
        # the claimant can now invoice it
        issued = client.post(
            api(world, f"/milestones/{cid}/invoice"), headers=_h(world, "a_finance")
        )
        assert issued.status_code == 201, issued.text
        assert d["positions"][0]["text"] == "The endpoint was missed by 2 points."
