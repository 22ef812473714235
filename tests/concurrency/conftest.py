"""The concurrency harness's database: one committed world per test module."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from pactum.core.time import frozen
from pactum.main import create_app
from pactum.settings import Settings
from tests.concurrency.harness import Harness
from tests.conftest import _build_world
from tests.dbutil import fresh_database

# After 2027 Q1, which the statements report on; every trial runs at this instant.
NOW = datetime(2027, 6, 15, 12, 0, tzinfo=UTC)


@pytest.fixture(scope="module")
def harness(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Harness]:
    """A committed world of its own and the app on it, with the clock at ``NOW``."""
    tmp: Path = tmp_path_factory.mktemp("concurrency")
    with frozen(NOW), fresh_database(tmp, "concurrency") as (url, engine):
        settings = Settings(
            env="test", data_dir=tmp, database_url=url, secret_key="c" * 40, files_dir=tmp / "f"
        )
        with Session(engine) as session:
            world = _build_world(session, settings)
            session.commit()
        app = create_app(settings, engine=engine)
        with TestClient(app, base_url="https://testserver", raise_server_exceptions=False) as c:
            yield Harness(c, engine, world)
