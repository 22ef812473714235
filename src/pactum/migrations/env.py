"""Alembic environment: uses the connection handed over by Pactum, or the settings' URL."""

from __future__ import annotations

from alembic import context
from sqlalchemy.engine import Connection

from pactum.core.db import Base, make_engine
from pactum.models import __all__ as _models  # noqa: F401  (registers every table)
from pactum.settings import load_settings

target_metadata = Base.metadata


def _run(connection: Connection) -> None:
    context.configure(
        connection=connection,
        target_metadata=target_metadata,
        render_as_batch=True,
        compare_type=True,
    )
    with context.begin_transaction():
        context.run_migrations()


def run_migrations_online() -> None:
    """Run migrations on the given connection or a fresh engine."""
    connection = context.config.attributes.get("connection")
    if connection is not None:
        _run(connection)
        return
    url = context.config.get_main_option("sqlalchemy.url") or load_settings().database_url
    engine = make_engine(url)
    with engine.connect() as conn:
        _run(conn)
    engine.dispose()


run_migrations_online()
