"""Shared plumbing of the CLI commands: settings, database, errors."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

import typer
from rich.console import Console
from sqlalchemy.engine import Engine
from sqlalchemy.orm import Session

from pactum.access import guard
from pactum.core.db import make_engine, make_sessionmaker, transaction
from pactum.core.errors import PactumError
from pactum.core.migrate import upgrade
from pactum.settings import Settings, load_settings

console = Console(soft_wrap=True)
err = Console(stderr=True, soft_wrap=True)


def settings() -> Settings:
    """The settings from the environment, or a clear error."""
    try:
        return load_settings()
    except ValueError as exc:
        err.print(f"[red]Configuration error:[/red] {exc}")
        raise typer.Exit(2) from exc


def engine(config: Settings, *, migrate: bool = True) -> Engine:
    """An engine for the configured database, migrated to the latest schema."""
    config.data_dir.mkdir(parents=True, exist_ok=True)
    eng = make_engine(config.database_url)
    if migrate:
        upgrade(eng)
    guard.install()
    return eng


@contextmanager
def session(config: Settings | None = None, *, migrate: bool = True) -> Iterator[Session]:
    """One transaction against the configured database; domain errors exit cleanly.

    Read-only commands pass ``migrate=False`` so they never change the schema.
    """
    config = config or settings()
    eng = engine(config, migrate=migrate)
    try:
        with transaction(make_sessionmaker(eng)) as db:
            yield db
    except PactumError as exc:
        err.print(f"[red]Error:[/red] {exc.message}")
        raise typer.Exit(1) from exc
    finally:
        eng.dispose()
