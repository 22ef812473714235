"""Run Alembic migrations programmatically (for the CLI and the tests)."""

from __future__ import annotations

from pathlib import Path

from alembic import command
from alembic.config import Config
from sqlalchemy.engine import Connection, Engine

MIGRATIONS = Path(__file__).resolve().parent.parent / "migrations"


def alembic_config(url: str | None = None) -> Config:
    """An Alembic configuration pointing at the packaged migrations."""
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    if url:
        config.set_main_option("sqlalchemy.url", url.replace("%", "%%"))
    return config


def upgrade(engine: Engine) -> None:
    """Bring the database schema to the latest revision."""
    with engine.begin() as connection:
        upgrade_connection(connection)


def upgrade_connection(connection: Connection) -> None:
    """Upgrade through an existing connection (inside its transaction)."""
    config = alembic_config()
    config.attributes["connection"] = connection
    command.upgrade(config, "head")
