"""A working group reports to a committee and never has more authority than it (DOMAIN
§4): it keeps every matter the committee may not decide reserved, and holds no final say
the committee does not give the same party; an edit of either that would break this is
refused naming the field, and changes nothing."""

from __future__ import annotations

from typing import Any

from fastapi.testclient import TestClient

from tests.conftest import World
from tests.governance.support import Gov, ok, setup_governance

DEFAULT_RESERVED = ["amendment", "breach", "interpretation", "waiver"]


def _group(client: TestClient, world: World, gov: Gov, **charter: Any) -> Any:
    body = {"name": "CMC working group", "kind": "working_group", **charter}
    return client.post(f"{gov.base}/committees", headers=world["a_manager"].headers, json=body)


def _edit(client: TestClient, world: World, gov: Gov, committee_id: Any, **changes: Any) -> Any:
    url = f"{gov.base}/committees/{committee_id}"
    etag = client.get(url, headers=world["a_manager"].headers).headers["ETag"]
    headers = {**world["a_manager"].headers, "If-Match": etag}
    return client.patch(url, headers=headers, json=changes)


def _refused(response: Any, field: str, words: str) -> None:
    assert response.status_code == 422, response.text
    [detail] = response.json()["detail"]
    assert detail["field"] == field
    assert words in detail["rule"], detail["rule"]


def test_a_working_group_reports_to_a_committee_within_its_authority(
    client: TestClient, world: World
) -> None:
    """No committee above, a reserved matter dropped, or a final say the JSC gives nobody or
    another party: each refused naming the field; within the JSC's authority it is set up."""
    gov = setup_governance(client, world)
    a, b = str(world.orgs["A"]), str(world.orgs["B"])
    _refused(_group(client, world, gov), "escalates_to_id", "reports to a committee")
    jsc = str(gov.jsc)
    _refused(
        _group(client, world, gov, escalates_to_id=jsc, reserved=["amendment"]),
        "reserved",
        "breach, interpretation, waiver must stay reserved",
    )
    _refused(
        _group(client, world, gov, escalates_to_id=jsc, final_say={"development": b}),
        "final_say.development",
        "no more authority than Joint Steering Committee",
    )
    _refused(
        _group(client, world, gov, escalates_to_id=jsc, final_say={"pricing": a}),
        "final_say.pricing",
        "no final say over pricing",
    )
    names = [
        c["name"]
        for c in ok(client.get(f"{gov.base}/committees", headers=world["a_manager"].headers))
    ]
    assert "CMC working group" not in names
    made = ok(
        _group(
            client,
            world,
            gov,
            escalates_to_id=jsc,
            final_say={"development": a},
            reserved=[*DEFAULT_RESERVED, "budget"],
        ),
        201,
    )
    assert made["reserved"] == sorted([*DEFAULT_RESERVED, "budget"])
    _refused(
        _edit(client, world, gov, made["id"], escalates_to_id=None),
        "escalates_to_id",
        "reports to a committee",
    )
    _refused(
        _edit(client, world, gov, made["id"], final_say={"development": b}),
        "final_say.development",
        "no final say over development",
    )


def test_the_committee_cannot_shrink_below_its_working_group(
    client: TestClient, world: World
) -> None:
    """The JSC may not drop the final say its working group holds, nor reserve a matter
    the group may still decide, while the group reports to it: 422 naming the group, and
    the JSC's charter is unchanged; once the group follows, the JSC's edit goes through."""
    gov = setup_governance(client, world)
    a = str(world.orgs["A"])
    group = ok(
        _group(client, world, gov, escalates_to_id=str(gov.jsc), final_say={"development": a}),
        201,
    )
    before = ok(client.get(f"{gov.base}/committees/{gov.jsc}", headers=world["a_manager"].headers))
    _refused(
        _edit(client, world, gov, gov.jsc, final_say={}),
        "final_say.development",
        "the working group CMC working group reporting to it",
    )
    _refused(
        _edit(client, world, gov, gov.jsc, reserved=[*DEFAULT_RESERVED, "budget"]),
        "reserved",
        "budget must stay reserved",
    )
    after = ok(client.get(f"{gov.base}/committees/{gov.jsc}", headers=world["a_manager"].headers))
    assert after == before
    ok(_edit(client, world, gov, group["id"], final_say={}))
    changed = ok(_edit(client, world, gov, gov.jsc, final_say={}))
    assert changed["final_say"] == {}
    assert changed["version"] == before["version"] + 1
