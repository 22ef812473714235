"""No input to any API route yields a 5xx (DATA-4), and no object crosses parties (IDOR).

Schemathesis generates requests from the published OpenAPI document, valid and invalid,
so a route added later is fuzzed without editing this file. The example counts are
bounded to keep the suite fast.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
import schemathesis
from fastapi import FastAPI
from hypothesis import HealthCheck, settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import ignored_auth
from sqlalchemy.engine import Connection

from pactum.core.db import make_engine
from pactum.main import create_app
from pactum.settings import Settings
from tests.conftest import World

FUZZ = schemathesis.Config.from_dict(
    {
        "generation": {"max-examples": 25, "database": "none"},
        "phases": {"examples": {"enabled": False}, "coverage": {"enabled": False}},
    }
)
# The schema is read from an app built only for collection; calls go to the test's app.
_COLLECTION_APP = create_app(
    Settings(env="test", database_url="sqlite://", secret_key="s" * 40),
    engine=make_engine("sqlite://"),
)
schema = schemathesis.openapi.from_asgi("/api/v1/openapi.json", _COLLECTION_APP, config=FUZZ)


def _real_ids(case: Any, world: World) -> None:
    """Point the alliance id at the seeded alliance so requests reach the deeper logic."""
    params = case.path_parameters or {}
    if "alliance_id" in params:
        params["alliance_id"] = str(world.alliance_id)


@schema.parametrize()
@settings(deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
def test_no_input_yields_a_server_error(case: Any, app: FastAPI, world: World) -> None:
    """Valid and invalid requests from the OpenAPI document never produce a 5xx."""
    _real_ids(case, world)
    # Requests go to the collection-time app; point it at this test's rolled-back transaction.
    _COLLECTION_APP.state.sessionmaker = app.state.sessionmaker
    _COLLECTION_APP.state.settings = app.state.settings
    response = case.call(headers={**world["a_manager"].headers, "If-Match": "*"})
    case.validate_response(response, checks=[not_a_server_error, ignored_auth])
    if response.status_code >= 400:
        body = response.json()
        assert set(body) == {"error", "detail"}, body


@pytest.mark.slow
def test_object_level_authorization_between_the_two_parties(
    app: FastAPI, world: World, tmp_path: Path, connection: Connection
) -> None:
    """Schemathesis' IDOR check with A's and B's managers as peers finds no leak."""
    users = {"party_a": world["a_manager"], "party_b": world["b_manager"]}
    wfc = {
        "auth": [
            {
                "name": name,
                "fixedHeaders": [
                    {"name": "Authorization", "value": f"Bearer {person.token}"},
                    {"name": "If-Match", "value": "*"},
                ],
            }
            for name, person in users.items()
        ]
    }
    path = tmp_path / "wfc.json"
    path.write_text(json.dumps(wfc))
    config = schemathesis.Config.from_dict(
        {
            "auth": {"wfc": {"path": str(path), "peers": list(users)}},
            "generation": {"database": "none"},
            "checks": {
                "enabled": False,
                "not_a_server_error": {"enabled": True},
                "object_level_authorization": {"enabled": True},
            },
        }
    )
    # Party-private records live under objectives; that is where an IDOR would hurt.
    stateful = schemathesis.openapi.from_asgi("/api/v1/openapi.json", app, config=config).include(
        path_regex="/objectives"
    )
    machine = stateful.as_state_machine()
    savepoints: list[Any] = []

    class Workflow(machine):  # type: ignore[misc, valid-type]
        # Each scenario starts from the same data (the previous one's is dropped when the
        # next starts: the authorization probes run after a scenario's last step), so a
        # failure replays deterministically.
        def setup(self) -> None:
            if savepoints:
                savepoints.pop().rollback()
            savepoints.append(connection.begin_nested())

        def before_call(self, case: Any) -> None:
            _real_ids(case, world)

    # Keep Schemathesis' own defaults (generate phase only: a failure is reported as found,
    # not replayed against data that earlier scenarios changed).
    Workflow.run(
        settings=settings(
            Workflow.TestCase.settings, max_examples=60, stateful_step_count=6, deadline=None
        )
    )


@pytest.mark.parametrize("bad", ["not json", "[]", '{"title": ' + '"x"' * 3 + "}"])
def test_malformed_json_is_a_clear_422(client: Any, world: World, bad: str) -> None:
    """Malformed bodies answer 422 naming the body, never 400/500 with a trace."""
    response = client.post(
        f"/api/v1/alliances/{world.alliance_id}/objectives",
        headers={**world["a_manager"].headers, "Content-Type": "application/json"},
        content=bad,
    )
    assert response.status_code == 422
    assert response.json()["error"] == "validation_error"
    assert "Traceback" not in response.text
