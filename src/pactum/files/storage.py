"""Content-addressed local file storage (DATA-3).

An upload is written in chunks (bounded memory) to a temporary file inside the storage
directory, counted against the size limit and hashed (SHA-256) as it arrives, fsynced,
then renamed atomically to ``ab/cd/<sha256>`` and the directory fsynced. Only then may the
caller add the database row, in its own transaction: a crash leaves at worst an orphan
file (removed by :meth:`Storage.sweep` once older than a day), never a torn file and never
a row without its file. Files are never changed in place; the same content is one file.

The sweep and the final renames take an advisory lock (``.lock``), so a sweep cannot
remove a file that an upload is renaming into place at the same moment.

An upload whose request is then refused (any rule, any error) leaves no file behind:
from its rename until its request has ended, the upload holds a shared *in-flight* lock
on its content's bucket (``.inflight/ab``); afterwards :meth:`Storage.discard_unless_referenced`
removes the content unless a committed row refers to it, and only when no other upload
of that bucket is still in flight (which keeps another request's file safe until its row
has committed).
"""

from __future__ import annotations

import fcntl
import hashlib
import os
import re
import tempfile
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import BinaryIO

from pactum.core.errors import PactumError, ValidationFailed

CHUNK = 64 * 1024
TMP_DIR = "tmp"
LOCK_FILE = ".lock"
INFLIGHT_DIR = ".inflight"
SWEPT_FILE = ".swept"
KEY = re.compile(r"[0-9a-f]{2}/[0-9a-f]{2}/[0-9a-f]{64}")
ORPHAN_AGE_SECONDS = 24 * 3600


class FileTooLarge(ValidationFailed):
    """The upload is over the size limit (413; nothing is stored)."""

    status_code = 413
    code = "too_large"


class StorageFailed(PactumError):
    """The file could not be written (disk full, I/O error): nothing was stored."""

    status_code = 503
    code = "storage_unavailable"


class FileUnavailable(PactumError):
    """A stored file is missing or no longer matches its size and SHA-256."""

    status_code = 410
    code = "file_unavailable"


class InFlight:
    """A shared lock on a content bucket, held from an upload's rename until its request
    ended (see the module's docstring)."""

    def __init__(self, handle: BinaryIO) -> None:
        self.handle: BinaryIO | None = handle

    def release(self) -> None:
        """Drop the lock (idempotent)."""
        if self.handle is not None:
            self.handle.close()
            self.handle = None


@dataclass(frozen=True)
class Blob:
    """Content stored under its SHA-256 (``claim``: the upload's in-flight lock)."""

    key: str
    sha256: str
    size: int
    claim: InFlight | None = field(default=None, compare=False, repr=False)


@dataclass
class SweepReport:
    """What a sweep removed."""

    files: int = 0
    temporary: int = 0
    directories: int = 0
    skipped: bool = False

    def summary(self) -> str:
        """One line for ``pactum tick``."""
        if self.skipped:
            return "swept recently"
        return (
            f"{self.files} orphan file(s) and {self.temporary} temporary file(s) removed"
            if self.files or self.temporary
            else "no orphan files"
        )


def key_for(sha256: str) -> str:
    """The storage key (relative path) of content with this SHA-256."""
    return f"{sha256[:2]}/{sha256[2:4]}/{sha256}"


def _fsync_dir(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY | getattr(os, "O_DIRECTORY", 0))
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


class Storage:
    """The files directory and its size limit."""

    def __init__(self, root: Path, max_bytes: int) -> None:
        self.root = Path(root)
        self.max_bytes = max_bytes

    def path(self, key: str) -> Path:
        """Where a key's file lives (the key must be a storage key: no other path)."""
        if not KEY.fullmatch(key):
            raise ValueError(f"not a storage key: {key!r}")
        return self.root / key

    @contextmanager
    def _locked(self, mode: int) -> Iterator[None]:
        self.root.mkdir(parents=True, exist_ok=True)
        with open(self.root / LOCK_FILE, "a+b") as lock:
            fcntl.flock(lock.fileno(), mode)
            try:
                yield
            finally:
                fcntl.flock(lock.fileno(), fcntl.LOCK_UN)

    def _makedirs(self, directory: Path) -> None:
        """Create ``directory`` (below the root), fsyncing each parent that gained one."""
        missing = []
        current = directory
        while not current.exists() and current != self.root:
            missing.append(current)
            current = current.parent
        for created in reversed(missing):
            created.mkdir(exist_ok=True)
            _fsync_dir(created.parent)

    def in_flight(self, sha256: str) -> InFlight:
        """Take the shared in-flight lock of a content's bucket."""
        directory = self.root / INFLIGHT_DIR
        directory.mkdir(parents=True, exist_ok=True)
        handle = open(directory / sha256[:2], "a+b")  # noqa: SIM115  (held by the claim)
        try:
            fcntl.flock(handle.fileno(), fcntl.LOCK_SH)
        except BaseException:
            handle.close()
            raise
        return InFlight(handle)

    def discard_unless_referenced(self, blob: Blob, referenced: Callable[[str], bool]) -> bool:
        """After the upload's request ended: remove its content unless a committed row
        refers to it (``referenced``) or another upload of its bucket is in flight.
        Releases the upload's claim; ``True`` when the file was removed."""
        claim = blob.claim
        if claim is None or claim.handle is None:
            return False
        try:
            try:  # every other upload in flight in the bucket holds it shared
                fcntl.flock(claim.handle.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
            except BlockingIOError:
                return False
            with self._locked(fcntl.LOCK_EX):
                if referenced(blob.key):
                    return False
                path = self.path(blob.key)
                try:
                    path.unlink()
                except FileNotFoundError:
                    return False
                _fsync_dir(path.parent)
                return True
        finally:
            claim.release()

    def writer(self, field: str = "file") -> BlobWriter:
        """A new upload: write chunks to it, then :meth:`BlobWriter.finish`."""
        return BlobWriter(self, field)

    def put(self, chunks: Iterable[bytes], field: str = "file") -> Blob:
        """Store content given as chunks (for scripts and the demo data)."""
        with self.writer(field) as writer:
            for chunk in chunks:
                writer.write(chunk)
            blob = writer.finish()
        if blob.claim is not None:
            blob.claim.release()  # the caller's row follows at once, outside a request
        return blob

    def open_verified(self, key: str, size: int, sha256: str) -> BinaryIO:
        """The stored file, opened for reading once its size and SHA-256 were checked
        again (positioned at its start), or :class:`FileUnavailable`."""
        try:
            handle = open(self.path(key), "rb")  # noqa: SIM115  (returned to the caller)
        except (OSError, ValueError) as exc:
            raise FileUnavailable("The file's content is missing from the storage.") from exc
        try:
            digest = hashlib.sha256()
            seen = 0
            if os.fstat(handle.fileno()).st_size != size:
                raise FileUnavailable("The stored file does not have its recorded size.")
            while chunk := handle.read(CHUNK):
                digest.update(chunk)
                seen += len(chunk)
            if seen != size or digest.hexdigest() != sha256:
                raise FileUnavailable("The stored file no longer matches its SHA-256.")
            handle.seek(0)
        except BaseException:
            handle.close()
            raise
        return handle

    def sweep(
        self,
        referenced: Callable[[], set[str]],
        *,
        now: float,
        max_age: float,
        every: float = 0,
    ) -> SweepReport:
        """Remove files no row refers to and temporary files, both older than
        ``max_age`` seconds (idempotent; safe while uploads go on); nothing is done when
        the last sweep was less than ``every`` seconds ago.

        ``referenced`` is called before the directory is listed: a row committed later
        belongs to an upload whose rename was recent (its file is younger than
        ``max_age``), and each file is re-checked under the lock just before removal."""
        report = SweepReport()
        if not self.root.is_dir():
            return report
        marker = self.root / SWEPT_FILE
        if every > 0 and marker.exists() and now - marker.stat().st_mtime < every:
            report.skipped = True
            return report
        marker.touch()
        os.utime(marker, (now, now))
        keep = referenced()
        cutoff = now - max_age
        tmp = self.root / TMP_DIR
        if tmp.is_dir():
            for entry in tmp.iterdir():
                if entry.is_file() and entry.stat().st_mtime < cutoff:
                    entry.unlink(missing_ok=True)
                    report.temporary += 1
        for first in sorted(self.root.iterdir()):
            if not (first.is_dir() and re.fullmatch(r"[0-9a-f]{2}", first.name)):
                continue
            for second in sorted(first.iterdir()):
                if not (second.is_dir() and re.fullmatch(r"[0-9a-f]{2}", second.name)):
                    continue
                for entry in sorted(second.iterdir()):
                    key = f"{first.name}/{second.name}/{entry.name}"
                    if not KEY.fullmatch(key) or key in keep:
                        continue
                    with self._locked(fcntl.LOCK_EX):
                        try:
                            if entry.stat().st_mtime < cutoff:
                                entry.unlink()
                                report.files += 1
                        except FileNotFoundError:
                            pass
                report.directories += self._remove_if_empty(second)
            report.directories += self._remove_if_empty(first)
        return report

    def _remove_if_empty(self, directory: Path) -> int:
        with self._locked(fcntl.LOCK_EX):
            try:
                directory.rmdir()
            except OSError:
                return 0
        return 1


class BlobWriter:
    """One upload in progress: a temporary file in the storage directory, its running
    size and SHA-256. Leaving the ``with`` block without :meth:`finish` removes it."""

    def __init__(self, storage: Storage, field: str) -> None:
        self.storage = storage
        self.field = field
        self.size = 0
        self._digest = hashlib.sha256()
        tmp = storage.root / TMP_DIR
        try:
            tmp.mkdir(parents=True, exist_ok=True)
            fd, name = tempfile.mkstemp(dir=tmp, suffix=".part")
        except OSError as exc:
            raise StorageFailed("The file could not be stored; please try again.") from exc
        self.temp: Path | None = Path(name)
        self._file: BinaryIO | None = os.fdopen(fd, "wb")

    def __enter__(self) -> BlobWriter:
        return self

    def __exit__(self, *exc: object) -> None:
        self.abort()

    def write(self, chunk: bytes) -> None:
        """Add a chunk; over the limit the upload is abandoned (nothing is kept)."""
        if self._file is None:
            raise RuntimeError("the upload is finished")
        self.size += len(chunk)
        if self.size > self.storage.max_bytes:
            self.abort()
            limit = self.storage.max_bytes / (1024 * 1024)
            raise FileTooLarge(self.field, f"must be at most {limit:g} MB")
        self._digest.update(chunk)
        try:
            self._file.write(chunk)
        except OSError as exc:
            self.abort()
            raise StorageFailed("The file could not be stored; please try again.") from exc

    def finish(self) -> Blob:
        """Fsync the content, rename it into place and fsync its directory."""
        if self._file is None:
            raise RuntimeError("the upload is finished")
        if self.size == 0:
            self.abort()
            raise ValidationFailed(self.field, "is empty: choose a file with content")
        sha256 = self._digest.hexdigest()
        key = key_for(sha256)
        final = self.storage.path(key)
        claim = self.storage.in_flight(sha256)
        try:
            self._file.flush()
            os.fsync(self._file.fileno())
            self._file.close()
            self._file = None
            with self.storage._locked(fcntl.LOCK_SH):
                self.storage._makedirs(final.parent)
                # Content-addressed: an existing file has the same bytes; replacing it
                # also makes it young again, so a sweep leaves it alone.
                os.replace(self._temp(), final)
                self.temp = None  # renamed: nothing of ours is left to remove
                _fsync_dir(final.parent)
        except OSError as exc:
            claim.release()
            self.abort()
            raise StorageFailed("The file could not be stored; please try again.") from exc
        except BaseException:
            claim.release()
            raise
        return Blob(key=key, sha256=sha256, size=self.size, claim=claim)

    def _temp(self) -> Path:
        if self.temp is None:
            raise RuntimeError("the upload is finished")
        return self.temp

    def abort(self) -> None:
        """Drop the upload: close and remove the temporary file (idempotent; after a
        successful rename there is nothing left to remove)."""
        if self._file is not None:
            self._file.close()
            self._file = None
        if self.temp is not None:
            self.temp.unlink(missing_ok=True)
            self.temp = None
