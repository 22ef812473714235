"""Fresh test databases: an SQLite file, or a new schema on PACTUM_TEST_DATABASE_URL."""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from sqlalchemy import text
from sqlalchemy.engine import Engine

from pactum.core.db import make_engine
from pactum.core.migrate import upgrade


@contextmanager
def fresh_database(tmp: Path, name: str, *, migrate: bool = True) -> Iterator[tuple[str, Engine]]:
    """Yield (url, engine) of an empty database, migrated unless told otherwise.

    On PostgreSQL the URL selects a new schema (``options=-csearch_path=...``), dropped
    afterwards, so runs never see each other's data.
    """
    base = os.environ.get("PACTUM_TEST_DATABASE_URL", "")
    schema = None
    if base:
        schema = f"pactum_{name}_{uuid.uuid4().hex[:10]}"
        admin = make_engine(base)
        with admin.begin() as conn:
            conn.execute(text(f'CREATE SCHEMA "{schema}"'))
        admin.dispose()
        url = f"{base}{'&' if '?' in base else '?'}options=-csearch_path%3D{schema}"
    else:
        url = f"sqlite:///{tmp / f'{name}.sqlite3'}"
    engine = make_engine(url)
    try:
        if migrate:
            upgrade(engine)
        yield url, engine
    finally:
        engine.dispose()
        if schema is not None:
            admin = make_engine(base)
            with admin.begin() as conn:
                conn.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
            admin.dispose()
