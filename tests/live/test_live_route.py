"""GET /alliances/{id}/live: who may listen, and what the stream looks like.

The app here ends each stream after a fraction of a second (``live_stream_seconds``), so
the test client, which reads a response to its end, gets the whole of a short stream.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterator

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy.engine import Engine
from sqlalchemy.orm import Session, sessionmaker

from pactum.main import create_app
from pactum.settings import Settings
from tests.conftest import World
from tests.support import alliance_without_b, sign_in

EVENT_STREAM = {"Accept": "text/event-stream"}


@pytest.fixture
def live_app(engine: Engine, settings: Settings, factory: sessionmaker[Session]) -> FastAPI:
    """The application with streams that end after 0.3 s."""
    application = create_app(
        settings.model_copy(update={"live_stream_seconds": 0.3}), engine=engine
    )
    application.state.sessionmaker = factory
    return application


@pytest.fixture
def live_client(live_app: FastAPI) -> Iterator[TestClient]:
    """An HTTPS test client of that app (its lifespan starts the broker)."""
    with TestClient(live_app, base_url="https://testserver", raise_server_exceptions=False) as c:
        yield c


def url(alliance_id: uuid.UUID) -> str:
    """The stream of one alliance."""
    return f"/alliances/{alliance_id}/live"


@pytest.mark.parametrize("key", ["c_admin", "a_outsider"])
def test_outsiders_get_the_same_404_as_a_missing_alliance(
    key: str, live_client: TestClient, db: Session, settings: Settings, world: World
) -> None:
    """Another organisation, or a colleague who is no member: exactly a missing id's 404."""
    sign_in(live_client, db, settings, world[key])
    real = live_client.get(url(world.alliance_id), headers=EVENT_STREAM)
    missing = live_client.get(url(uuid.uuid4()), headers=EVENT_STREAM)
    assert real.status_code == 404
    assert (real.status_code, real.content) == (missing.status_code, missing.content)
    assert not real.headers["content-type"].startswith("text/event-stream")


def test_the_other_party_cannot_listen_to_an_alliance_it_is_not_in(
    live_client: TestClient, db: Session, settings: Settings, world: World
) -> None:
    """B's manager, party to another alliance, gets a missing id's 404 for one without B."""
    alliance_id, _ = alliance_without_b(db, world)
    sign_in(live_client, db, settings, world["b_manager"])
    real = live_client.get(url(alliance_id), headers=EVENT_STREAM)
    missing = live_client.get(url(uuid.uuid4()), headers=EVENT_STREAM)
    assert real.status_code == 404
    assert real.content == missing.content


def test_anonymous_callers_are_sent_to_sign_in(live_client: TestClient, world: World) -> None:
    """No session: the usual redirect to the sign-in page, back to the stream after."""
    response = live_client.get(url(world.alliance_id), headers=EVENT_STREAM, follow_redirects=False)
    assert response.status_code == 303
    assert response.headers["location"] == f"/login?next=/alliances/{world.alliance_id}/live"


def test_a_member_gets_an_event_stream(
    live_client: TestClient, db: Session, settings: Settings, world: World
) -> None:
    """A member's stream: retry hint and ready event first; uncached, unbuffered."""
    sign_in(live_client, db, settings, world["a_viewer"])
    response = live_client.get(url(world.alliance_id), headers=EVENT_STREAM)
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/event-stream")
    assert response.headers["cache-control"] == "no-store"
    assert response.headers["x-accel-buffering"] == "no"
    body = response.text
    assert body.startswith('retry: 3000\nevent: ready\ndata: {"last": ')
    assert body.endswith("\n\n")


def test_a_request_that_does_not_ask_for_a_stream_is_not_acceptable(
    live_client: TestClient, db: Session, settings: Settings, world: World
) -> None:
    """Without ``Accept: text/event-stream`` (EventSource always sends it) the answer is
    406 at once: a plain fetch never hangs on a stream."""
    sign_in(live_client, db, settings, world["a_manager"])
    response = live_client.get(url(world.alliance_id))
    assert response.status_code == 406


def test_the_alliance_page_declares_what_it_waits_on(
    live_client: TestClient, db: Session, settings: Settings, world: World
) -> None:
    """The alliance page names its alliance, its render time, what it watches and the
    regions to refresh (the script does the rest; without it the page is unchanged)."""
    sign_in(live_client, db, settings, world["b_manager"])
    html = live_client.get(f"/alliances/{world.alliance_id}").text
    assert f'data-live-alliance="{world.alliance_id}"' in html
    assert 'data-live-since="' in html
    assert 'id="objectives-live" data-live-region data-live="objective:*"' in html
    assert 'id="activity" data-live-region' in html
