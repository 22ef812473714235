"""Schemathesis on the upload and download operations with real ids, so generated
multipart bodies reach the parser, the storage and the service: never a 5xx."""

from __future__ import annotations

from collections import Counter
from typing import Any

from fastapi import FastAPI
from fastapi.testclient import TestClient
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from schemathesis.checks import not_a_server_error

from tests.api.test_schemathesis import _COLLECTION_APP, schema
from tests.conftest import World
from tests.files.support import meeting_with_item, papers_url, upload
from tests.governance.support import ok

UPLOAD = "/api/v1/alliances/{alliance_id}/meetings/{meeting_id}/items/{item_id}/papers"
DOWNLOAD = "/api/v1/alliances/{alliance_id}/files/{file_id}"


def test_generated_uploads_and_downloads_never_fail_on_the_server(
    app: FastAPI, client: TestClient, world: World
) -> None:
    """Valid and invalid multipart bodies, to a real item; downloads of a real file."""
    gov, meeting_id, item_id = meeting_with_item(client, world)
    file_id = ok(upload(client, world, papers_url(gov, meeting_id, item_id)), 201)["file"]["id"]
    _COLLECTION_APP.state.sessionmaker = app.state.sessionmaker
    _COLLECTION_APP.state.settings = app.state.settings
    real = {
        "alliance_id": str(world.alliance_id),
        "meeting_id": meeting_id,
        "item_id": item_id,
        "file_id": file_id,
    }
    statuses: Counter[int] = Counter()
    operations = [schema[UPLOAD]["POST"], schema[DOWNLOAD]["GET"]]
    strategy = st.one_of(*(op.as_strategy() for op in operations))

    @given(case=strategy)
    @settings(
        max_examples=60,
        deadline=None,
        database=None,
        suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
    )
    def run(case: Any) -> None:
        case.path_parameters = {**(case.path_parameters or {}), **real}
        response = case.call(headers={**world["a_manager"].headers, "If-Match": "*"})
        case.validate_response(response, checks=[not_a_server_error])
        statuses[response.status_code] += 1

    run()
    assert statuses[201] > 0, statuses  # some generated uploads went all the way
    assert statuses[200] > 0, statuses
    assert not any(code >= 500 for code in statuses), statuses
