"""TEN-2: two parties create, read, update, share and guess ids at random.

Invariant after every step: each party's lists, single reads, activity feed and audit
export contain exactly the shared records and its own private ones - nothing private of
the other party crosses, not even its id or its count.
"""

from __future__ import annotations

import json
import uuid
from dataclasses import dataclass

import pytest
from fastapi.testclient import TestClient
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import (
    Bundle,
    RuleBasedStateMachine,
    consumes,
    invariant,
    rule,
    run_state_machine_as_test,
)
from sqlalchemy.engine import Connection

from pactum.audit.service import export_lines
from tests.conftest import World

PARTIES = ("a_manager", "b_manager")


@dataclass
class Known:
    """What the model knows of one objective."""

    id: str
    owner: str
    visibility: str
    title: str


def make_machine(client: TestClient, world: World, connection: Connection, factory):  # type: ignore[no-untyped-def]
    """Build the state machine class bound to this test's client and database."""
    base = f"/api/v1/alliances/{world.alliance_id}/objectives"

    class Isolation(RuleBasedStateMachine):
        objectives = Bundle("objectives")

        def __init__(self) -> None:
            super().__init__()
            self.savepoint = connection.begin_nested()
            self.known: dict[str, Known] = {}
            self.counter = 0

        def teardown(self) -> None:
            self.savepoint.rollback()

        def visible_to(self, party: str) -> set[str]:
            return {
                k.id for k in self.known.values() if k.visibility == "shared" or k.owner == party
            }

        def hidden_from(self, party: str) -> list[Known]:
            return [
                k for k in self.known.values() if k.visibility == "private" and k.owner != party
            ]

        @rule(
            target=objectives,
            party=st.sampled_from(PARTIES),
            visibility=st.sampled_from(("shared", "private")),
        )
        def create(self, party: str, visibility: str) -> str:
            self.counter += 1
            title = f"{party}-{visibility}-{self.counter}-{uuid.uuid4().hex[:8]}"
            response = client.post(
                base, headers=world[party].headers, json={"title": title, "visibility": visibility}
            )
            assert response.status_code == 201, response.text
            oid = response.json()["id"]
            self.known[oid] = Known(oid, party, visibility, title)
            return oid

        @rule(party=st.sampled_from(PARTIES), oid=objectives)
        def read(self, party: str, oid: str) -> None:
            response = client.get(f"{base}/{oid}", headers=world[party].headers)
            expected = 200 if oid in self.visible_to(party) else 404
            assert response.status_code == expected, (party, self.known[oid], response.text)

        @rule(
            party=st.sampled_from(PARTIES),
            oid=objectives,
            status=st.sampled_from(("on_track", "at_risk", "achieved")),
        )
        def update(self, party: str, oid: str, status: str) -> None:
            response = client.patch(
                f"{base}/{oid}",
                headers={**world[party].headers, "If-Match": "*"},
                json={"status": status, "title": self.known[oid].title + "!"},
            )
            if oid in self.visible_to(party):
                assert response.status_code == 200, response.text
                self.known[oid].title += "!"
            else:
                assert response.status_code == 404
                assert response.json() == {"error": "not_found", "detail": "Not found"}

        @rule(party=st.sampled_from(PARTIES), oid=objectives)
        def share(self, party: str, oid: str) -> None:
            known = self.known[oid]
            response = client.patch(
                f"{base}/{oid}",
                headers={**world[party].headers, "If-Match": "*"},
                json={"visibility": "shared"},
            )
            if oid not in self.visible_to(party):
                assert response.status_code == 404
            else:
                assert response.status_code == 200, response.text
                known.visibility = "shared"

        @rule(party=st.sampled_from(PARTIES), oid=consumes(objectives))
        def unshare_is_refused(self, party: str, oid: str) -> None:
            response = client.patch(
                f"{base}/{oid}",
                headers={**world[party].headers, "If-Match": "*"},
                json={"visibility": "private"},
            )
            known = self.known[oid]
            if oid not in self.visible_to(party):
                assert response.status_code == 404
            elif known.visibility == "shared":
                assert response.status_code == 409
            else:
                assert response.status_code == 200

        @rule(party=st.sampled_from(PARTIES), guess=st.uuids())
        def guess(self, party: str, guess: uuid.UUID) -> None:
            response = client.get(f"{base}/{guess}", headers=world[party].headers)
            assert response.status_code == 404

        @invariant()
        def lists_hold_exactly_what_is_visible(self) -> None:
            for party in PARTIES:
                response = client.get(base, headers=world[party].headers)
                assert response.status_code == 200
                seen = {o["id"] for o in response.json()}
                mine = seen & set(self.known)
                assert mine == self.visible_to(party)
                for hidden in self.hidden_from(party):
                    assert hidden.title not in response.text
                    assert hidden.id not in response.text

        @invariant()
        def activity_never_mentions_the_other_partys_private_records(self) -> None:
            for party in PARTIES:
                response = client.get(
                    f"/api/v1/alliances/{world.alliance_id}/activity?limit=200",
                    headers=world[party].headers,
                )
                assert response.status_code == 200
                for hidden in self.hidden_from(party):
                    assert hidden.id not in response.text

        @rule(party=st.sampled_from(PARTIES))
        def audit_export_is_clean(self, party: str) -> None:
            with factory() as session:
                text = "\n".join(
                    export_lines(session, alliance_id=world.alliance_id, org_id=world[party].org_id)
                )
            for hidden in self.hidden_from(party):
                assert hidden.id not in text
                assert json.dumps(hidden.title)[1:-1] not in text

    return Isolation


@pytest.mark.slow
def test_nothing_private_crosses_between_parties(
    client: TestClient,
    world: World,
    connection: Connection,
    factory,  # type: ignore[no-untyped-def]
) -> None:
    """Random interleavings of two parties' actions never leak private records."""
    machine = make_machine(client, world, connection, factory)
    run_state_machine_as_test(
        machine,
        settings=settings(
            max_examples=12,
            stateful_step_count=15,
            deadline=None,
            suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
        ),
    )
