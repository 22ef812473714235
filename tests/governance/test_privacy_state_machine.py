"""TEN-2 for governance: both parties prepare meetings with private notes, hold them, put
matters to the vote, assign actions and export, in random order.

Invariant after every step: the other party's private preparation notes (their text and
their ids) appear nowhere a party can look: the notes list, the meeting page, the minutes
PDF, the dossier, the decision register export, the invitation, its notifications and its
audit export.
"""

from __future__ import annotations

import io
import json
import uuid
import zipfile
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

import pytest
from fastapi.testclient import TestClient
from hypothesis import HealthCheck
from hypothesis import settings as hsettings
from hypothesis import strategies as st
from hypothesis.stateful import (
    Bundle,
    RuleBasedStateMachine,
    initialize,
    invariant,
    rule,
    run_state_machine_as_test,
)
from pypdf import PdfReader
from sqlalchemy.engine import Connection
from sqlalchemy.orm import Session, sessionmaker

from pactum.audit.service import export_lines
from pactum.core.time import frozen
from pactum.settings import Settings
from tests.conftest import World
from tests.governance.support import ok, setup_governance
from tests.support import sign_in

PARTIES = ("a_manager", "b_manager")
NOW = datetime(2026, 11, 23, 9, 0, tzinfo=UTC)


@dataclass(frozen=True)
class Note:
    """A private note the model knows of."""

    id: str
    owner: str
    body: str


def pdf_text(content: bytes) -> str:
    """The text of a PDF."""
    return "".join(p.extract_text() for p in PdfReader(io.BytesIO(content)).pages)


def make_machine(  # type: ignore[no-untyped-def]
    client: TestClient,
    world: World,
    connection: Connection,
    factory: sessionmaker[Session],
    db,
    app_settings,
):
    """The machine bound to this test's client and database."""

    class GovernancePrivacy(RuleBasedStateMachine):
        meetings = Bundle("meetings")

        def __init__(self) -> None:
            super().__init__()
            self.savepoint = connection.begin_nested()
            self.notes: list[Note] = []
            self.decisions: list[str] = []
            self.count = 0

        def teardown(self) -> None:
            self.savepoint.rollback()

        @initialize(target=meetings)
        def set_up(self) -> str:
            with frozen(NOW):
                self.gov = setup_governance(client, world)
                return self._schedule()

        def _schedule(self) -> str:
            self.count += 1
            made = ok(
                client.post(
                    f"{self.gov.base}/committees/{self.gov.jsc}/meetings",
                    headers=world["a_manager"].headers,
                    json={
                        "title": f"JSC {self.count}",
                        "starts_at": NOW.isoformat(),
                        "ends_at": (NOW + timedelta(hours=1)).isoformat(),
                    },
                ),
                201,
            )
            return str(made["id"])

        @rule(target=meetings)
        def schedule(self) -> str:
            with frozen(NOW):
                return self._schedule()

        @rule(meeting=meetings, party=st.sampled_from(PARTIES))
        def note(self, meeting: str, party: str) -> None:
            body = f"secret-{party}-{uuid.uuid4().hex[:10]}"
            with frozen(NOW):
                made = ok(
                    client.post(
                        f"{self.gov.base}/meetings/{meeting}/notes",
                        headers=world[party].headers,
                        json={"body": body},
                    ),
                    201,
                )
            self.notes.append(Note(made["id"], party, body))

        @rule(meeting=meetings, party=st.sampled_from(PARTIES))
        def hold_and_decide(self, meeting: str, party: str) -> None:
            with frozen(NOW):
                url = f"{self.gov.base}/meetings/{meeting}"
                etag = client.get(url, headers=world[party].headers).headers["ETag"]
                present = [str(world[p].user_id) for p in PARTIES]
                ok(
                    client.put(
                        f"{url}/attendance",
                        headers={**world[party].headers, "If-Match": etag},
                        json={"present": present},
                    )
                )
                item = ok(
                    client.post(
                        f"{url}/items",
                        headers=world[party].headers,
                        json={"kind": "decision", "title": "A matter"},
                    ),
                    201,
                )
                d = ok(
                    client.post(
                        f"{self.gov.base}/decisions",
                        headers=world[party].headers,
                        json={
                            "committee_id": str(self.gov.jsc),
                            "domain": "development",
                            "question": "Proceed?",
                            "deadline": "2026-11-23",
                            "agenda_item_id": item["id"],
                        },
                    ),
                    201,
                )
                for voter, choice in (("a_manager", "yes"), ("b_manager", "no")):
                    ok(
                        client.post(
                            f"{self.gov.base}/decisions/{d['id']}/votes",
                            headers=world[voter].headers,
                            json={"choice": choice},
                        ),
                        201,
                    )
            self.decisions.append(d["id"])

        def hidden_from(self, party: str) -> list[Note]:
            return [n for n in self.notes if n.owner != party]

        def assert_clean(self, party: str, text: str, where: str) -> None:
            for note in self.hidden_from(party):
                assert note.body not in text, f"{note.owner}'s note in {party}'s {where}"
                assert note.id not in text, f"{note.owner}'s note id in {party}'s {where}"

        @invariant()
        def notes_lists_hold_only_our_own(self) -> None:
            with frozen(NOW):
                for party in PARTIES:
                    seen = client.get(
                        f"{self.gov.base}/meetings", headers=world[party].headers
                    ).json()
                    for meeting in seen:
                        notes = ok(
                            client.get(
                                f"{self.gov.base}/meetings/{meeting['id']}/notes",
                                headers=world[party].headers,
                            )
                        )
                        assert {n["owner_org_id"] for n in notes} <= {str(world[party].org_id)}

        @rule(meeting=meetings, party=st.sampled_from(PARTIES))
        def documents_are_clean(self, meeting: str, party: str) -> None:
            with frozen(NOW):
                url = f"{self.gov.base}/meetings/{meeting}"
                pdf = client.get(f"{url}/minutes.pdf", headers=world[party].headers)
                assert pdf.status_code == 200, pdf.text
                self.assert_clean(party, pdf_text(pdf.content), "minutes PDF")
                ics = client.get(f"{url}/invitation.ics", headers=world[party].headers)
                assert ics.status_code == 200, ics.text
                self.assert_clean(party, ics.text, "invitation")
                for decision in self.decisions[-2:]:
                    z = client.get(
                        f"{self.gov.base}/decisions/{decision}/dossier.zip",
                        headers=world[party].headers,
                    )
                    assert z.status_code == 200, z.text
                    with zipfile.ZipFile(io.BytesIO(z.content)) as archive:
                        for name in archive.namelist():
                            data = archive.read(name)
                            text = pdf_text(data) if name.endswith(".pdf") else data.decode()
                            self.assert_clean(party, text, f"dossier {name}")
                export = client.get(
                    f"{self.gov.base}/decision-register.csv", headers=world[party].headers
                )
                assert export.status_code == 200, export.text
                self.assert_clean(party, export.text, "register export")

        @rule(meeting=meetings, party=st.sampled_from(PARTIES))
        def pages_are_clean(self, meeting: str, party: str) -> None:
            client.cookies.clear()
            sign_in(client, db, app_settings, world[party])
            with frozen(NOW):
                page = client.get(f"/alliances/{world.alliance_id}/meetings/{meeting}")
                assert page.status_code == 200
                self.assert_clean(party, page.text, "meeting page")
                notes = client.get("/notifications")
                assert notes.status_code == 200
                self.assert_clean(party, notes.text, "notifications")
            client.cookies.clear()

        @rule(party=st.sampled_from(PARTIES))
        def audit_export_is_clean(self, party: str) -> None:
            with factory() as session:
                text = "\n".join(
                    export_lines(session, alliance_id=world.alliance_id, org_id=world[party].org_id)
                )
            for note in self.hidden_from(party):
                assert note.id not in text
                assert json.dumps(note.body)[1:-1] not in text

    return GovernancePrivacy


@pytest.mark.slow
def test_private_notes_never_cross(
    client: TestClient,
    world: World,
    connection: Connection,
    factory: sessionmaker[Session],
    db: Session,
    settings: Settings,
) -> None:
    """Random interleavings never show a party the other's private notes."""
    run_state_machine_as_test(
        make_machine(client, world, connection, factory, db, settings),
        settings=hypothesis_settings(),
    )


def hypothesis_settings() -> hsettings:
    """Few, long examples: each step makes several requests and PDFs."""
    return hsettings(
        max_examples=8,
        stateful_step_count=12,
        deadline=None,
        suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
    )
