"""A request's transaction commits before its response starts: a client following the
redirect or reading right after a 201 always sees the change (found when a browser on
PostgreSQL followed a redirect faster than the commit)."""

from __future__ import annotations

from typing import Any

from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy import event
from sqlalchemy.orm import Session

from tests.conftest import World


def test_commit_happens_before_the_response_starts(app: FastAPI, world: World) -> None:
    """Order of events for a write: commit, then ``http.response.start``."""
    order: list[str] = []

    def committed(_session: Session) -> None:
        order.append("commit")

    async def spy(scope: Any, receive: Any, send: Any) -> None:
        async def sending(message: dict[str, Any]) -> None:
            if message["type"] == "http.response.start":
                order.append("response")
            await send(message)

        await app(scope, receive, sending)

    event.listen(Session, "after_commit", committed)
    try:
        with TestClient(spy, base_url="https://testserver") as client:
            made = client.post(
                f"/api/v1/alliances/{world.alliance_id}/objectives",
                json={"title": "Commit first"},
                headers=world["a_manager"].headers,
            )
    finally:
        event.remove(Session, "after_commit", committed)
    assert made.status_code == 201
    assert "commit" in order
    assert order.index("commit") < order.index("response"), order
