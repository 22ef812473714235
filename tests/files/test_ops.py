"""Operations on stored files: the orphan sweep as a ``pactum tick`` job, and the files'
part of ``pactum backup``/``restore``."""

from __future__ import annotations

import io
import os
import tarfile
import time
from pathlib import Path

import pytest
from sqlalchemy.orm import Session, sessionmaker

from pactum.files.storage import Storage
from pactum.ops import backup as backups
from pactum.ops.tick import run_tick
from pactum.settings import Settings
from tests.files.support import sha, stored, temporary


def test_tick_sweeps_old_orphans_at_most_hourly(
    factory: sessionmaker[Session], settings: Settings, files_root: Path
) -> None:
    """An orphan a day old is removed by the tick; the next tick within the hour skips."""
    store = Storage(files_root, settings.max_upload_bytes)
    orphan = store.put([b"an upload whose transaction failed"])
    young = store.put([b"an upload in progress"])
    then = time.time() - 2 * 24 * 3600
    os.utime(store.path(orphan.key), (then, then))
    first = {o.name: o.result for o in run_tick(factory, settings)}
    assert first["orphan files"].summary == ("1 orphan file(s) and 0 temporary file(s) removed")
    assert first["orphan files"].acted
    assert stored(files_root) == [young.key]
    second = {o.name: o.result for o in run_tick(factory, settings)}
    assert second["orphan files"].summary == "swept recently"


def test_backup_and_restore_of_the_files(tmp_path: Path) -> None:
    """The files go in a tar next to the database backup and are stored again on restore
    (each checked against its SHA-256); no files, no tar."""
    source = Storage(tmp_path / "files", 10_000)
    blobs = [source.put([b"first paper"]), source.put([b"second paper"])]
    (source.root / "tmp").mkdir(exist_ok=True)
    (source.root / "tmp" / "x.part").write_bytes(b"never backed up")
    target = tmp_path / "pactum.backup"
    assert backups.backup_files(source.root, target) == 2
    archive = backups.files_archive(target)
    with tarfile.open(archive) as tar:
        assert sorted(tar.getnames()) == sorted(b.key for b in blobs)
    restored = tmp_path / "restored"
    assert backups.restore_files(restored, target) == 2
    assert stored(restored) == sorted(b.key for b in blobs)
    assert (restored / blobs[0].key).read_bytes() == b"first paper"
    assert temporary(restored) == []
    assert backups.backup_files(tmp_path / "empty", tmp_path / "none.backup") == 0
    assert not backups.files_archive(tmp_path / "none.backup").exists()


def _tar(path: Path, name: str, data: bytes) -> None:
    with tarfile.open(path, "w") as tar:
        info = tarfile.TarInfo(name)
        info.size = len(data)
        tar.addfile(info, io.BytesIO(data))


@pytest.mark.parametrize(
    ("name", "data", "problem"),
    [
        ("../../outside", b"x", "unexpected entry"),
        (f"{sha(b'real')[:2]}/{sha(b'real')[2:4]}/{sha(b'real')}", b"fake", "SHA-256"),
    ],
)
def test_a_bad_files_backup_is_refused(
    tmp_path: Path, name: str, data: bytes, problem: str
) -> None:
    """Entries that are not storage keys, or whose content does not match, are refused."""
    target = tmp_path / "bad.backup"
    _tar(backups.files_archive(target), name, data)
    with pytest.raises(backups.BackupError, match=problem):
        backups.restore_files(tmp_path / "files", target)
    assert not (tmp_path / "outside").exists()


def test_settings_for_files(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    """PACTUM_FILES_DIR defaults to DATA_DIR/files; PACTUM_MAX_UPLOAD_MB to 50."""
    monkeypatch.setenv("PACTUM_DATA_DIR", str(tmp_path))
    monkeypatch.delenv("PACTUM_FILES_DIR", raising=False)
    monkeypatch.delenv("PACTUM_MAX_UPLOAD_MB", raising=False)
    default = Settings()
    assert default.files_root == tmp_path / "files"
    assert default.max_upload_bytes == 50 * 1024 * 1024
    monkeypatch.setenv("PACTUM_FILES_DIR", str(tmp_path / "elsewhere"))
    monkeypatch.setenv("PACTUM_MAX_UPLOAD_MB", "5")
    chosen = Settings()
    assert chosen.files_root == tmp_path / "elsewhere"
    assert chosen.max_upload_bytes == 5 * 1024 * 1024
