"""DATA-4: bad input gets a clear error naming the field and changes nothing."""

from __future__ import annotations

import re
from collections.abc import Iterator

from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from pactum.http.body_limit import DEFAULT_MAX_BODY
from pactum.settings import Settings
from tests.conftest import World
from tests.support import sign_in


def test_nul_characters_are_refused_with_the_field(client: TestClient, world: World) -> None:
    """A NUL byte (which PostgreSQL text cannot hold) is a 422 naming the field."""
    url = f"/api/v1/alliances/{world.alliance_id}/objectives"
    response = client.post(url, headers=world["a_manager"].headers, json={"title": "a\x00b"})
    assert response.status_code == 422
    assert response.json()["detail"] == [
        {"field": "title", "rule": "must not contain NUL characters"}
    ]
    titles = [o["title"] for o in client.get(url, headers=world["a_manager"].headers).json()]
    assert "a\x00b" not in titles


def test_nul_in_a_form_or_sign_in_is_not_a_server_error(
    client: TestClient, db: Session, settings: Settings, world: World
) -> None:
    """Pages, the sign-in form included, refuse NUL characters with a field error."""
    page = client.get("/login").text
    token = re.search(r'name="csrf_token" value="([^"]+)"', page)
    assert token
    login = client.post(
        "/login",
        data={"email": "a\x00@example.com", "password": "x\x00", "csrf_token": token.group(1)},
    )
    assert login.status_code == 422
    assert "email: must not contain NUL characters" in login.text
    csrf = sign_in(client, db, settings, world["a_manager"])
    response = client.post(
        f"/alliances/{world.alliance_id}/objectives/new",
        data={"title": "bad\x00title", "csrf_token": csrf, "visibility": "shared"},
    )
    assert response.status_code == 422
    assert "title: must not contain NUL characters" in response.text


def test_oversized_and_wrongly_typed_values(client: TestClient, world: World) -> None:
    """Length limits and types are enforced per field."""
    url = f"/api/v1/alliances/{world.alliance_id}/objectives"
    headers = world["a_manager"].headers
    too_long = client.post(url, headers=headers, json={"title": "x" * 201})
    assert too_long.status_code == 422
    assert too_long.json()["detail"][0]["field"] == "title"
    assert "at most 200" in too_long.json()["detail"][0]["rule"]
    wrong = client.post(url, headers=headers, json={"title": "ok", "status": "finished"})
    assert wrong.json()["detail"][0]["field"] == "status"
    limit = client.get(f"/api/v1/alliances/{world.alliance_id}/activity?limit=0", headers=headers)
    assert limit.status_code == 422
    assert limit.json()["detail"][0]["field"] == "query.limit"
    not_uuid = client.get("/api/v1/alliances/not-a-uuid", headers=headers)
    assert not_uuid.status_code == 422
    assert not_uuid.json()["detail"][0]["field"] == "path.alliance_id"


def test_nul_in_a_query_parameter_is_a_field_error_everywhere(
    client: TestClient, db: Session, settings: Settings, world: World
) -> None:
    """A NUL in a search (which PostgreSQL refuses) is a 422 naming the parameter, API and pages."""
    headers = world["a_manager"].headers
    base = f"/api/v1/alliances/{world.alliance_id}"
    for url in (f"{base}/decisions?q=%00", f"{base}/decision-register.csv?domain=&q=a%00b"):
        response = client.get(url, headers=headers)
        assert response.status_code == 422, url
        assert response.json()["detail"] == [
            {"field": "query.q", "rule": "must not contain NUL characters"}
        ]
    named = client.get(f"{base}/decisions?%00=1", headers=headers)
    assert named.status_code == 422
    assert named.json()["detail"][0]["field"] == "query"  # a name with a NUL is not repeated
    assert client.get(f"{base}/decisions?q=ok", headers=headers).status_code == 200
    sign_in(client, db, settings, world["a_manager"])
    page = client.get(f"/alliances/{world.alliance_id}/decisions?q=%00")
    assert page.status_code == 422
    assert "query.q: must not contain NUL characters" in page.text


def test_a_body_past_the_bound_is_413_naming_the_body(
    client: TestClient, db: Session, settings: Settings, world: World
) -> None:
    """JSON and forms are read whole, so every body is bounded (4 MB): declared or
    streamed past it, 413 ``body: must be at most 4 MB``, nothing created; a page says so
    on a page. Just under the bound the request reaches the route's own checks."""
    url = f"/api/v1/alliances/{world.alliance_id}/objectives"
    headers = {**world["a_manager"].headers, "Content-Type": "application/json"}
    big = b'{"title": "' + b"x" * (DEFAULT_MAX_BODY) + b'"}'

    def streamed() -> Iterator[bytes]:
        for start in range(0, len(big), 65536):
            yield big[start : start + 65536]

    expected = {"error": "too_large", "detail": [{"field": "body", "rule": "must be at most 4 MB"}]}
    for content in (big, streamed()):
        response = client.post(url, headers=headers, content=content)
        assert response.status_code == 413, response.text[:300]
        assert response.json() == expected
    # A GET's body is never read: even a large one does not stand in the way.
    assert client.request("GET", url, headers=headers, content=big).status_code == 200
    under = client.post(url, headers=headers, content=b'{"title": "' + b"x" * 5000 + b'"}')
    assert under.status_code == 422
    assert under.json()["detail"][0]["field"] == "title"
    titles = [o["title"] for o in client.get(url, headers=world["a_manager"].headers).json()]
    assert not any(t.startswith("xxx") for t in titles)
    csrf = sign_in(client, db, settings, world["a_manager"])
    page = client.post(
        f"/alliances/{world.alliance_id}/objectives/new",
        data={"csrf_token": csrf, "title": "y" * DEFAULT_MAX_BODY, "visibility": "shared"},
    )
    assert page.status_code == 413
    assert "body: must be at most 4 MB" in page.text
