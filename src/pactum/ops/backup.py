"""Online backup and restore (BAK-1): SQLite's backup API, or pg_dump/pg_restore; the
uploaded files go in a tar next to the database backup (``FILE.files.tar``).

The database is copied first, then the files: files are never changed or removed while a
row refers to them, so every row in the database copy has its file in the tar. Restoring
stores each file of the tar again through the storage (its SHA-256 must match its name),
then checks that every row's file is present with its size."""

from __future__ import annotations

import shutil
import sqlite3
import subprocess
import tarfile
from collections.abc import Iterator
from pathlib import Path
from typing import IO

from sqlalchemy import select
from sqlalchemy.engine import make_url

from pactum.access import system_scope
from pactum.audit.service import verify_trail
from pactum.core.db import make_engine, make_sessionmaker, transaction
from pactum.core.errors import PactumError
from pactum.files.storage import CHUNK, KEY, Storage
from pactum.models import StoredFile

# Restoring accepts any size a file had when it was uploaded.
RESTORE_LIMIT = 1 << 62


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


def files_archive(target: Path) -> Path:
    """Where the files of the backup ``target`` go: ``<target>.files.tar``."""
    target = Path(target)
    return target.with_name(target.name + ".files.tar")


def _stored_keys(root: Path) -> list[str]:
    if not root.is_dir():
        return []
    found = (p.relative_to(root).as_posix() for p in root.glob("??/??/*") if p.is_file())
    return sorted(key for key in found if KEY.fullmatch(key))


def backup_files(root: Path, target: Path) -> int:
    """Write the stored files under ``root`` to ``<target>.files.tar`` (none: no tar);
    returns how many."""
    keys = _stored_keys(Path(root))
    archive = files_archive(target)
    if not keys:
        archive.unlink(missing_ok=True)
        return 0
    tmp = archive.with_name(archive.name + ".part")
    with tarfile.open(tmp, "w", format=tarfile.PAX_FORMAT) as tar:
        for key in keys:
            tar.add(Path(root) / key, arcname=key, recursive=False)
    tmp.replace(archive)
    return len(keys)


def restore_files(root: Path, source: Path) -> int:
    """Store each file of ``<source>.files.tar`` under ``root`` again (fsynced, renamed,
    its SHA-256 checked against its name); returns how many (0 without a tar)."""
    archive = files_archive(source)
    if not archive.exists():
        return 0
    storage = Storage(Path(root), RESTORE_LIMIT)
    count = 0
    try:
        with tarfile.open(archive, "r") as tar:
            for member in tar:
                if not member.isfile() or not KEY.fullmatch(member.name):
                    raise BackupError(f"{archive}: unexpected entry {member.name!r}")
                handle = tar.extractfile(member)
                assert handle is not None  # a regular file
                with handle:
                    blob = storage.put(_chunks(handle))
                if blob.key != member.name:
                    raise BackupError(f"{archive}: {member.name} does not match its SHA-256")
                count += 1
    except (tarfile.TarError, PactumError) as exc:
        raise BackupError(f"{archive} is not a files backup: {exc}") from exc
    return count


def _chunks(handle: IO[bytes]) -> Iterator[bytes]:
    while chunk := handle.read(CHUNK):
        yield chunk


def backup(url: str, target: Path, *, files_dir: Path | None = None) -> int:
    """Write a consistent copy of the live database to ``target``, then the stored files
    (``files_dir``) to ``<target>.files.tar``; returns how many files."""
    _backup_database(url, Path(target))
    return backup_files(files_dir, Path(target)) if files_dir is not None else 0


def _backup_database(url: str, target: Path) -> None:
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


def restore(url: str, source: Path, *, files_dir: Path | None = None) -> str:
    """Replace the database with ``source`` (and add the files of its tar to
    ``files_dir``), then check it; returns a one-line report."""
    source = Path(source)
    if not source.exists():
        raise BackupError(f"{source} does not exist")
    if files_dir is not None:
        restore_files(files_dir, source)
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
    return check(url, files_dir=files_dir)


def check(url: str, *, files_dir: Path | None = None) -> str:
    """Integrity check of a database: SQLite's own check (if SQLite), the audit chain and
    (with ``files_dir``) every stored file's presence and size."""
    engine = make_engine(url)
    try:
        if url.startswith("sqlite"):
            with engine.connect() as conn:
                status = conn.exec_driver_sql("PRAGMA integrity_check").scalar()
            if status != "ok":
                raise BackupError(f"integrity check failed: {status}")
        with transaction(make_sessionmaker(engine)) as session:
            result = verify_trail(session)
            rows = [
                (f.storage_key, f.size)
                for f in session.execute(system_scope(select(StoredFile))).scalars()
            ]
    finally:
        engine.dispose()
    if not result.ok:
        raise BackupError(f"audit trail broken: {result.problem}")
    report = f"Integrity ok; audit trail ok ({result.entries} entries in {result.chains} chains)."
    if files_dir is None:
        return report
    missing = [key for key, size in rows if not _has_file(Path(files_dir) / key, size)]
    if missing:
        raise BackupError(
            f"{len(missing)} of {len(rows)} stored file(s) missing or of the wrong size "
            f"in {files_dir} (first: {missing[0]})"
        )
    return f"{report} Files ok ({len(rows)} present)."


def _has_file(path: Path, size: int) -> bool:
    try:
        return path.stat().st_size == size
    except OSError:
        return False
