"""A fuzz pass of every API body (DATA-4): hostile text and dates in each field of each
write route, and duplicate keys; no 5xx now, and none on any later read or export.

The routes come from the app's OpenAPI document through the concurrency scenarios (a
builder makes a record in the right state and a valid request for each edit and state
change; creates get a valid body from their schema and the ids of fresh records), so a
route added later is fuzzed too. Each text field gets each value of
:data:`~tests.fuzz.hostile.TYPED_TEXT`, each date field each of
:data:`~tests.fuzz.hostile.TYPED_DATES`, on top of a request that is otherwise valid.
"""

from __future__ import annotations

import json
from typing import Any

import pytest

from pactum.core.time import frozen
from tests.access.test_route_matrix import _example
from tests.concurrency import records as r
from tests.concurrency.conftest import NOW
from tests.concurrency.harness import SUCCESS, Harness, Trial
from tests.concurrency.scenarios import CREATES, TRIALS
from tests.fuzz.crawl import Findings, api_reads, crawl, web_client
from tests.fuzz.hostile import TYPED_DATES, TYPED_TEXT

# Refused by the input rules wherever they are typed (IN-1).
REFUSED = ("a\x01b", "x\u202ey", "bad\ufffe")
A = "/api/v1/alliances/{alliance_id}"
# Uploads are multipart, not JSON (their names and files: tests/files).
MULTIPART = {
    ("POST", f"{A}/meetings/{{meeting_id}}/items/{{item_id}}/papers"),
    ("POST", f"{A}/true-ups/{{true_up_id}}/lines/import"),
}


def _schema(h: Harness, method: str, path: str) -> dict[str, Any] | None:
    spec = h.client.app.openapi()  # type: ignore[attr-defined]
    operation = spec["paths"][path][method.lower()]
    content = operation.get("requestBody", {}).get("content", {}).get("application/json")
    return _resolve(content["schema"], spec) if content else None


def _resolve(schema: dict[str, Any], spec: dict[str, Any]) -> dict[str, Any]:
    if "$ref" in schema:
        return _resolve(spec["components"]["schemas"][schema["$ref"].rsplit("/", 1)[-1]], spec)
    for key in ("anyOf", "oneOf", "allOf"):
        options = [o for o in schema.get(key, []) if o.get("type") != "null"]
        if options:
            return _resolve(options[0], spec)
    return schema


def _fields(h: Harness, schema: dict[str, Any]) -> dict[str, str]:
    """Each property of the body that takes text: ``text`` or ``date``."""
    spec = h.client.app.openapi()  # type: ignore[attr-defined]
    kinds = {}
    for name, raw in schema.get("properties", {}).items():
        field = _resolve(raw, spec)
        if field.get("type") != "string" or "enum" in field or field.get("format") == "uuid":
            continue
        kinds[name] = "date" if field.get("format") in ("date", "date-time") else "text"
    return kinds


def _ids(h: Harness) -> dict[str, str]:
    """Fresh records for the path parameters of the create routes."""
    meeting = r.meeting(h)
    return {
        "alliance_id": str(h.world.alliance_id),
        "agreement_id": str(r.agreement_id(h)),
        "committee_id": meeting["committee"]["id"],
        "meeting_id": meeting["id"],
        "item_id": meeting["item"]["id"],
        "claim_id": r.claim(h)["id"],
        "true_up_id": r.true_up(h)["id"],
    }


def _create(h: Harness, method: str, path: str, ids: dict[str, str]) -> Trial:
    schema = _schema(h, method, path)
    url = path
    for name, value in ids.items():
        url = url.replace(f"{{{name}}}", value)
    spec = h.client.app.openapi()  # type: ignore[attr-defined]
    body = _example(schema, spec) if schema else None
    return Trial(method, url, "a_manager", body)


def _send(h: Harness, trial: Trial, body: Any, *, content: bytes | None = None) -> Any:
    headers = dict(h.headers(trial.who))
    if trial.if_match is not None:
        headers["If-Match"] = trial.if_match
        if trial.etag_url is not None:
            now = h.client.get(trial.etag_url, headers=h.headers(trial.who))
            headers["If-Match"] = now.headers.get("ETag", trial.if_match)
    if content is not None:
        headers["Content-Type"] = "application/json"
        return h.client.request(trial.method, trial.url, headers=headers, content=content)
    return h.client.request(trial.method, trial.url, headers=headers, json=body)


def _fuzz(h: Harness, label: str, trial: Trial, schema: dict[str, Any], found: Findings) -> None:
    base = trial.body if isinstance(trial.body, dict) else {}
    for name, kind in _fields(h, schema).items():
        for value in TYPED_DATES if kind == "date" else TYPED_TEXT:
            answer = _send(h, trial, {**base, name: value})
            found.pages += 1
            if answer.status_code >= 500:
                found.failures.append(f"{label} {name}={value[:20]!r}: {answer.status_code}")
            elif value in REFUSED and answer.status_code in SUCCESS:
                found.failures.append(f"{label} {name}={value!r}: stored ({answer.status_code})")
            elif value in REFUSED and answer.status_code == 422 and name not in answer.text:
                found.failures.append(f"{label} {name}: the error does not name the field")
    if base:
        key = next(iter(base))
        first, rest = json.dumps({key: base[key]})[1:-1], json.dumps(base)[1:]
        answer = _send(h, trial, None, content=f"{{{first}, {rest}".encode())
        if answer.status_code != 422 or key not in answer.text:
            found.failures.append(f"{label}: duplicate {key!r} answered {answer.status_code}")


@pytest.mark.slow
def test_every_api_body_refuses_hostile_input_without_failing(harness: Harness) -> None:
    """Every write route: no 5xx for any hostile value, refused characters are a 422
    naming the field, a duplicate key a 422 naming the key; and then every page, read
    and export of the alliance still answers and parses."""
    found = Findings()
    with frozen(NOW):
        ids = _ids(harness)
        for method, path in sorted(TRIALS):
            schema = _schema(harness, method, path)
            if schema is not None:
                _fuzz(harness, f"{method} {path}", TRIALS[(method, path)](harness), schema, found)
        for method, path in sorted(CREATES):
            schema = _schema(harness, method, path)
            if schema is not None and (method, path) not in MULTIPART:
                trial = _create(harness, method, path, ids)
                _fuzz(harness, f"{method} {path}", trial, schema, found)
        assert found.pages > 400, found.pages
        reads = api_reads(
            harness.client,
            harness.client.app,  # type: ignore[arg-type]
            harness.headers("a_manager"),
            {k: [v] for k, v in ids.items()},
        )
        found.failures += reads.failures
        from sqlalchemy.orm import Session

        with Session(harness.engine) as session:
            browser = web_client(
                harness.client.app,  # type: ignore[arg-type]
                session,
                harness.world["a_manager"].user_id,
            )
        pages = crawl(browser, ["/", f"/alliances/{harness.world.alliance_id}"])
        found.failures += pages.failures
    assert found.failures == [], "\n".join(found.failures[:40])
    assert pages.pages > 40, pages.pages
