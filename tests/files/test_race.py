"""DATA-2 for files: two copies of one upload with the same Idempotency-Key at the same
time create one record (both get the first answer), on SQLite and PostgreSQL. The set-up
commits, so it runs in a database of its own."""

from __future__ import annotations

import threading
import time
import uuid
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from pactum.access import system_scope
from pactum.governance.service import papers
from pactum.main import create_app
from pactum.models import StoredFile
from pactum.settings import Settings
from tests.conftest import _build_world
from tests.dbutil import fresh_database
from tests.files.support import meeting_with_item, papers_url, stored, upload


def test_concurrent_duplicates_create_one_record(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Both requests store the same content (one file); the second waits for the first
    to commit and replays its answer: one row, one paper."""
    with fresh_database(tmp_path, "files_race") as (url, engine):
        settings = Settings(
            env="test",
            data_dir=tmp_path,
            database_url=url,
            secret_key="r" * 40,
            files_dir=tmp_path / "files",
        )
        with Session(engine) as session:
            world = _build_world(session, settings)
            session.commit()
        real = papers.add_file_paper
        calls: list[int] = []

        def slow(*args: Any, **kwargs: Any) -> Any:
            calls.append(1)
            time.sleep(0.3)  # the other copy arrives meanwhile
            return real(*args, **kwargs)

        monkeypatch.setattr(papers, "add_file_paper", slow)
        app = create_app(settings, engine=engine)
        with TestClient(app, base_url="https://testserver") as client:
            gov, meeting_id, item_id = meeting_with_item(client, world)
            target = papers_url(gov, meeting_id, item_id)
            key = {"Idempotency-Key": f"race-{uuid.uuid4()}"}
            answers: list[Any] = []

            def send() -> None:
                answers.append(upload(client, world, target, headers=key))

            threads = [threading.Thread(target=send) for _ in range(2)]
            for thread in threads:
                thread.start()
            for thread in threads:
                thread.join()
            assert [a.status_code for a in answers] == [201, 201]
            assert answers[0].json() == answers[1].json()
            assert sorted(a.headers.get("Idempotent-Replayed", "") for a in answers) == [
                "",
                "true",
            ]
            items = client.get(
                f"{gov.base}/meetings/{meeting_id}/items", headers=world["a_manager"].headers
            ).json()
        assert len(calls) == 1
        assert len(items[0]["papers"]) == 2
        with Session(engine) as session:
            count = session.execute(
                system_scope(select(func.count()).select_from(StoredFile))
            ).scalar_one()
        assert count == 1
        assert len(stored(settings.files_root)) == 1
