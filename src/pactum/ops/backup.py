"""Online backup and restore (BAK-1): SQLite's backup API, or pg_dump/pg_restore."""

from __future__ import annotations

import shutil
import sqlite3
import subprocess
from pathlib import Path

from sqlalchemy.engine import make_url

from pactum.audit.service import verify_trail
from pactum.core.db import make_engine, make_sessionmaker, transaction


class BackupError(Exception):
    """A backup or restore could not be done; the message says why."""


def describe(url: str) -> str:
    """The database URL without its password."""
    return make_url(url).render_as_string(hide_password=True)


def _sqlite_path(url: str) -> Path:
    database = make_url(url).database
    if not database or database == ":memory:":
        raise BackupError("an in-memory SQLite database cannot be backed up")
    return Path(database)


def _libpq(url: str) -> tuple[str, str | None]:
    """A libpq connection string and the schema from ``options=-csearch_path=...``."""
    parsed = make_url(url)
    options = str(parsed.query.get("options", ""))
    schema = options.split("search_path=", 1)[1] if "search_path=" in options else None
    plain = parsed.set(drivername="postgresql").difference_update_query(["options"])
    return plain.render_as_string(hide_password=False), schema


def _tool(name: str) -> str:
    path = shutil.which(name)
    if path is None:
        raise BackupError(f"{name} is not installed (apt-get install postgresql-client)")
    return path


def backup(url: str, target: Path) -> None:
    """Write a consistent copy of the live database to ``target``."""
    target = Path(target)
    target.parent.mkdir(parents=True, exist_ok=True)
    if url.startswith("sqlite"):
        source = _sqlite_path(url)
        if not source.exists():
            raise BackupError(f"database file {source} does not exist")
        tmp = target.with_suffix(target.suffix + ".part")
        with sqlite3.connect(source) as src, sqlite3.connect(tmp) as dst:
            src.backup(dst)
        tmp.replace(target)
        return
    conninfo, schema = _libpq(url)
    args = [_tool("pg_dump"), "--format=custom", "--no-owner", f"--file={target}"]
    if schema:
        args.append(f"--schema={schema}")
    result = subprocess.run(  # noqa: S603  (fixed tool, arguments not from a shell)
        [*args, conninfo], capture_output=True, text=True, check=False
    )
    if result.returncode != 0:
        raise BackupError(result.stderr.strip() or "pg_dump failed")


def restore(url: str, source: Path) -> str:
    """Replace the database with ``source`` and check it; returns a one-line report."""
    source = Path(source)
    if not source.exists():
        raise BackupError(f"{source} does not exist")
    if url.startswith("sqlite"):
        try:
            with sqlite3.connect(f"file:{source}?mode=ro", uri=True) as src:
                if src.execute("PRAGMA integrity_check").fetchone()[0] != "ok":
                    raise BackupError(f"{source} failed SQLite's integrity check")
                target = _sqlite_path(url)
                target.parent.mkdir(parents=True, exist_ok=True)
                with sqlite3.connect(target) as dst:
                    src.backup(dst)
        except sqlite3.DatabaseError as exc:
            raise BackupError(f"{source} is not a SQLite backup: {exc}") from exc
    else:
        conninfo, schema = _libpq(url)
        args = [_tool("pg_restore"), "--clean", "--if-exists", "--no-owner", f"--dbname={conninfo}"]
        if schema:
            args.append(f"--schema={schema}")
        result = subprocess.run(  # noqa: S603  (fixed tool, arguments not from a shell)
            [*args, str(source)], capture_output=True, text=True, check=False
        )
        if result.returncode != 0:
            raise BackupError(result.stderr.strip() or "pg_restore failed")
    return check(url)


def check(url: str) -> str:
    """Integrity check of a database: SQLite's own check (if SQLite) and the audit chain."""
    engine = make_engine(url)
    try:
        if url.startswith("sqlite"):
            with engine.connect() as conn:
                status = conn.exec_driver_sql("PRAGMA integrity_check").scalar()
            if status != "ok":
                raise BackupError(f"integrity check failed: {status}")
        with transaction(make_sessionmaker(engine)) as session:
            result = verify_trail(session)
    finally:
        engine.dispose()
    if not result.ok:
        raise BackupError(f"audit trail broken: {result.problem}")
    return f"Integrity ok; audit trail ok ({result.entries} entries in {result.chains} chains)."
