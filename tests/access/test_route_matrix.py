"""TEN-1: every route that takes an id answers an outsider exactly as for a missing id.

The routes are enumerated from the application itself, so a route added later is covered
without editing this test. Each id parameter is filled with a record that belongs to
party A and is invisible to party B and to organisation C; the principals are
{anonymous, other organisation, other party's member, member, alliance manager, admin}.
"""

from __future__ import annotations

import uuid
from typing import Any

import pytest
from fastapi import FastAPI
from fastapi.routing import iter_route_contexts
from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from pactum.auth.tokens import list_tokens
from pactum.core.db import make_engine
from pactum.main import create_app
from pactum.settings import Settings
from tests import matrix
from tests.conftest import World
from tests.matrix import FIXED, PARAM, Ids, build_ids
from tests.support import sign_in


def _app() -> FastAPI:
    return create_app(
        Settings(env="test", database_url="sqlite://", secret_key="m" * 40),
        engine=make_engine("sqlite://"),
    )


def _routes() -> list[tuple[str, str]]:
    app = _app()
    found = []
    for route in iter_route_contexts(app.routes):
        takes_id = any(name not in FIXED for name in PARAM.findall(route.path))
        if takes_id and not route.path.startswith("/static"):
            for method in sorted(set(route.methods or ()) - {"HEAD"}):
                found.append((method, route.path))
    return sorted(found)


ROUTES = _routes()
SPEC = _app().openapi()
# The enumeration itself must work: an empty list would silently test nothing.
assert len(ROUTES) >= 10, ROUTES
OUTSIDERS = ("c_admin", "b_manager")
INSIDERS = ("a_contributor", "a_manager", "a_admin")


@pytest.fixture
def ids(db: Session, world: World) -> Ids:
    """One A-only record per id parameter name."""
    return build_ids(db, world)


PRIVATE_PARAMS = {"objective_id", "scenario_id"} | matrix.private_params()


def _objective_routes_use_shared_alliance(path: str, ids: Ids, world: World) -> Ids:
    """Routes of party-private records (objectives, scenarios, internal notes...): B is a
    party of the shared alliance but may not see the record."""
    if set(PARAM.findall(path)) & PRIVATE_PARAMS:
        return Ids({**ids.values, **ids.private, "alliance_id": world.alliance_id})
    return ids


def _example(schema: dict[str, Any], spec: dict[str, Any]) -> Any:
    """A minimal valid instance of a JSON schema (so requests reach the route's logic)."""
    if "$ref" in schema:
        name = schema["$ref"].rsplit("/", 1)[-1]
        return _example(spec["components"]["schemas"][name], spec)
    for key in ("anyOf", "oneOf"):
        if key in schema:
            options = [o for o in schema[key] if o.get("type") != "null"]
            return _example(options[0], spec)
    if "enum" in schema:
        return schema["enum"][0]
    if schema.get("examples"):
        return schema["examples"][0]
    kind = schema.get("type")
    if kind == "object":
        props = schema.get("properties", {})
        return {k: _example(props[k], spec) for k in schema.get("required", [])}
    if kind == "array":
        return [_example(schema["items"], spec) for _ in range(schema.get("minItems", 0))]
    if kind == "string":
        if schema.get("format") == "uuid":
            return str(uuid.uuid4())
        if schema.get("format") == "email":
            return "someone@example.com"
        if schema.get("format") == "date":
            return "2026-06-01"
        if schema.get("format") == "date-time":
            return "2026-06-01T00:00:00Z"
        return "x" * max(1, schema.get("minLength", 1))
    if kind in {"integer", "number"}:
        return schema.get("minimum", 1)
    if kind == "boolean":
        return False
    return None


def _body(method: str, path: str) -> Any:
    operation = SPEC["paths"].get(path, {}).get(method.lower(), {})
    content = operation.get("requestBody", {}).get("content", {}).get("application/json")
    return _example(content["schema"], SPEC) if content else None


def _call(
    client: TestClient, method: str, path: str, url: str, headers: dict[str, str], csrf: str
) -> tuple[int, bytes]:
    if url.startswith("/api/"):
        response = client.request(
            method, url, headers={**headers, "If-Match": "*"}, json=_body(method, path)
        )
    elif method == "GET":
        response = client.get(url, follow_redirects=False)
    else:
        response = client.request(method, url, data={"csrf_token": csrf}, follow_redirects=False)
    return response.status_code, response.content


@pytest.mark.parametrize(("method", "path"), ROUTES, ids=[f"{m} {p}" for m, p in ROUTES])
def test_outsiders_get_the_same_404_as_a_missing_id(
    method: str,
    path: str,
    client: TestClient,
    db: Session,
    settings: Settings,
    world: World,
    ids: Ids,
) -> None:
    """Other organisation and other party's member: identical to a missing id (404)."""
    ids = _objective_routes_use_shared_alliance(path, ids, world)
    if path.startswith("/api/") and "{token_id}" in path:
        ids = Ids({**ids.values, "token_id": _token_id_of(db, world, "a_manager")})
    for key in OUTSIDERS:
        person = world[key]
        csrf = sign_in(client, db, settings, person)
        real = _call(client, method, path, ids.url(path), person.headers, csrf)
        missing = _call(client, method, path, ids.url(path, missing=True), person.headers, csrf)
        assert real[0] == 404, f"{key}: {method} {path} answered {real[0]}"
        assert real == missing, f"{key}: {method} {path} differs from a missing id"
        client.cookies.clear()


@pytest.mark.parametrize(("method", "path"), ROUTES, ids=[f"{m} {p}" for m, p in ROUTES])
def test_anonymous_is_refused_and_insiders_never_see_5xx(
    method: str,
    path: str,
    client: TestClient,
    db: Session,
    settings: Settings,
    world: World,
    ids: Ids,
) -> None:
    """Anonymous callers are sent to sign in (401 / redirect); insiders never get 5xx."""
    ids = _objective_routes_use_shared_alliance(path, ids, world)
    status, _ = _call(client, method, path, ids.url(path), {}, "")
    if path.startswith("/api/"):
        assert status == 401
    else:
        assert status in {303, 403}, f"anonymous {method} {path}: {status}"
    for key in INSIDERS:
        person = world[key]
        csrf = sign_in(client, db, settings, person)
        status, body = _call(client, method, path, ids.url(path), person.headers, csrf)
        assert status < 500, f"{key}: {method} {path} answered {status}: {body[:300]!r}"
        client.cookies.clear()


def _token_id_of(db: Session, world: World, key: str) -> uuid.UUID:
    return list_tokens(db, world[key].principal)[0].id
