"""DATA-3 on the storage itself: streamed, size-limited, hashed, fsynced and renamed into
place; failures leave nothing behind; the sweep removes only old orphans."""

from __future__ import annotations

import hashlib
import os
import time
from pathlib import Path

import pytest

from pactum.core.errors import ValidationFailed
from pactum.files import storage as storage_module
from pactum.files.storage import FileTooLarge, FileUnavailable, Storage, StorageFailed, key_for
from tests.files.support import stored, temporary

DAY = 24 * 3600


def chunks(data: bytes, size: int = 7000) -> list[bytes]:
    """``data`` in pieces."""
    return [data[i : i + size] for i in range(0, len(data), size)]


def test_streamed_content_is_stored_exactly_under_its_sha256(tmp_path: Path) -> None:
    """Chunks in, the exact bytes out at ab/cd/<sha256>; no temporary file is left."""
    data = os.urandom(300_000)
    store = Storage(tmp_path / "files", 1_000_000)
    blob = store.put(chunks(data))
    digest = hashlib.sha256(data).hexdigest()
    assert blob.sha256 == digest
    assert blob.size == len(data)
    assert blob.key == f"{digest[:2]}/{digest[2:4]}/{digest}"
    assert store.path(blob.key).read_bytes() == data
    assert stored(store.root) == [blob.key]
    assert temporary(store.root) == []
    again = store.put([data])  # the same content is the same file
    assert again == blob
    assert stored(store.root) == [blob.key]


def test_writes_go_to_a_temporary_file_in_the_storage_directory(tmp_path: Path) -> None:
    """While an upload is in progress its bytes are in <root>/tmp, nowhere final."""
    store = Storage(tmp_path / "files", 1_000_000)
    with store.writer() as writer:
        writer.write(b"x" * 100_000)
        assert writer.temp is not None
        assert writer.temp.parent == store.root / "tmp"
        assert stored(store.root) == []
    assert temporary(store.root) == []  # left without finish(): removed


def test_over_the_limit_nothing_is_kept(tmp_path: Path) -> None:
    """One byte over the limit: 413 naming the field and the rule, temp file removed."""
    store = Storage(tmp_path / "files", 10_000)
    writer = store.writer("file")
    writer.write(b"a" * 6000)
    with pytest.raises(FileTooLarge) as caught:
        writer.write(b"a" * 4001)
    assert caught.value.status_code == 413
    assert caught.value.detail == [{"field": "file", "rule": "must be at most 0.00953674 MB"}]
    assert temporary(store.root) == []
    assert stored(store.root) == []
    assert store.put([b"a" * 10_000]).size == 10_000  # exactly the limit is fine


def test_an_empty_file_is_refused(tmp_path: Path) -> None:
    """Nothing to store: a clear 422 on the field."""
    store = Storage(tmp_path / "files", 10_000)
    with pytest.raises(ValidationFailed) as caught:
        store.put([b""])
    assert caught.value.detail == [
        {"field": "file", "rule": "is empty: choose a file with content"}
    ]
    assert temporary(store.root) == []
    assert stored(store.root) == []


@pytest.mark.parametrize("failing", ["replace", "fsync"])
def test_a_failure_between_write_and_rename_leaves_nothing(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, failing: str
) -> None:
    """fsync or the rename fails: 503, no final file, no temporary file."""

    def broken(*args: object) -> None:
        raise OSError(5, "injected I/O error")

    monkeypatch.setattr(storage_module.os, failing, broken)
    store = Storage(tmp_path / "files", 1_000_000)
    with pytest.raises(StorageFailed) as caught:
        store.put([b"some content"])
    assert caught.value.status_code == 503
    assert temporary(store.root) == []
    assert stored(store.root) == []


def test_downloads_check_the_content_again(tmp_path: Path) -> None:
    """Size and SHA-256 are checked before a byte is served: damage is a 410."""
    store = Storage(tmp_path / "files", 1_000_000)
    blob = store.put([b"original content"])
    with store.open_verified(blob.key, blob.size, blob.sha256) as handle:
        assert handle.read() == b"original content"
    path = store.path(blob.key)
    path.write_bytes(b"tampered content")  # same size, other bytes
    with pytest.raises(FileUnavailable):
        store.open_verified(blob.key, blob.size, blob.sha256)
    path.write_bytes(b"short")
    with pytest.raises(FileUnavailable):
        store.open_verified(blob.key, blob.size, blob.sha256)
    path.unlink()
    with pytest.raises(FileUnavailable) as caught:
        store.open_verified(blob.key, blob.size, blob.sha256)
    assert caught.value.status_code == 410


def test_only_storage_keys_name_files(tmp_path: Path) -> None:
    """No other path can be read through the storage."""
    store = Storage(tmp_path / "files", 100)
    for bad in ("../../etc/passwd", "ab/cd/../../x", "/etc/passwd", key_for("0" * 63)):
        with pytest.raises(ValueError, match="not a storage key"):
            store.path(bad)


def _age(path: Path, seconds: float) -> None:
    then = time.time() - seconds
    os.utime(path, (then, then))


def test_the_sweep_removes_old_orphans_only_and_is_idempotent(tmp_path: Path) -> None:
    """Old unreferenced files and old temporary files go; referenced or young ones stay."""
    store = Storage(tmp_path / "files", 1_000_000)
    kept = store.put([b"referenced"])
    young = store.put([b"young orphan"])
    old = store.put([b"old orphan"])
    _age(store.path(kept.key), 3 * DAY)
    _age(store.path(old.key), 2 * DAY)
    abandoned = store.root / "tmp" / "crashed.part"
    abandoned.write_bytes(b"half an upload")
    _age(abandoned, 2 * DAY)
    fresh = store.root / "tmp" / "uploading.part"
    fresh.write_bytes(b"in progress")

    def referenced() -> set[str]:
        return {kept.key}

    report = store.sweep(referenced, now=time.time(), max_age=DAY)
    assert (report.files, report.temporary) == (1, 1)
    assert stored(store.root) == sorted([kept.key, young.key])
    assert temporary(store.root) == [fresh]
    again = store.sweep(referenced, now=time.time(), max_age=DAY)
    assert (again.files, again.temporary) == (0, 0)
    assert again.summary() == "no orphan files"
    skipped = store.sweep(referenced, now=time.time(), max_age=DAY, every=3600)
    assert skipped.skipped


def test_an_orphan_uploaded_again_is_young_again(tmp_path: Path) -> None:
    """Re-uploading content whose old orphan awaits the sweep keeps it (rename renews it)."""
    store = Storage(tmp_path / "files", 1_000_000)
    blob = store.put([b"same bytes"])
    _age(store.path(blob.key), 2 * DAY)
    store.put([b"same bytes"])
    store.sweep(set, now=time.time(), max_age=DAY)
    assert stored(store.root) == [blob.key]
