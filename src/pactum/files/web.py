"""Uploads and downloads over HTTP: the request body is read as it arrives and streamed
into the storage, or into a bounded buffer for an imported file (no transaction is held
meanwhile); downloads stream a checked file as an attachment."""

from __future__ import annotations

import base64
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any, BinaryIO
from urllib.parse import parse_qsl

from fastapi import Request
from fastapi.responses import StreamingResponse
from sqlalchemy.orm import Session
from starlette.concurrency import run_in_threadpool

from pactum.core.errors import ValidationFailed
from pactum.files import service
from pactum.files.multipart import MemoryFile, MultipartReader, megabytes
from pactum.files.names import content_disposition
from pactum.files.storage import CHUNK, FileTooLarge
from pactum.http.body_limit import allow_body
from pactum.models import StoredFile
from pactum.settings import Settings

# Room for the form's other fields and the part headers around the file itself.
OVERHEAD = 256 * 1024


@dataclass
class Received:
    """A posted multipart form: its text fields and the stored file (if any)."""

    fields: dict[str, str] = field(default_factory=dict)
    upload: service.Upload | None = None

    def text(self, name: str) -> str:
        """A text field, stripped."""
        return self.fields.get(name, "").strip()


async def _stream(request: Request, feed: Callable[[bytes], None], cap: int) -> None:
    """Feed the body's chunks as they arrive; refuse it once past ``cap`` (413)."""
    received = 0
    async for chunk in request.stream():
        if chunk:
            await run_in_threadpool(feed, chunk)
        received += len(chunk)
        if received > cap:  # e.g. an endless epilogue
            raise FileTooLarge("body", "is larger than the upload limit allows")


def _refuse_declared(request: Request, cap: int, limit: int, field_name: str) -> None:
    """A Content-Length past ``cap`` is refused before a byte is read; up to it, the
    app-wide body bound (:mod:`pactum.http.body_limit`) gives way to this route's own."""
    allow_body(request, 2 * cap)
    declared = request.headers.get("content-length", "")
    if declared.isdecimal() and int(declared) > cap:
        raise FileTooLarge(field_name, f"must be at most {megabytes(limit)}")


async def receive(
    request: Request,
    db: Session,
    settings: Settings,
    *,
    precheck: Callable[[], Any],
    before_file: Callable[[dict[str, str]], None] | None = None,
) -> Received:
    """Check access first (``precheck``: 404/403 before any byte is read), end the
    transaction so no lock is held while the body arrives, then stream the form: the
    file goes to the storage in chunks, over the limit it is refused with nothing kept,
    and it is fsynced and renamed into place before this returns (DATA-3)."""
    await run_in_threadpool(precheck)
    await run_in_threadpool(db.commit)
    store = service.storage(settings)
    _refuse_declared(request, store.max_bytes + OVERHEAD, store.max_bytes, "file")
    reader = MultipartReader(
        request.headers.get("content-type", ""), store.writer, before_file=before_file
    )
    try:
        await _stream(request, reader.feed, store.max_bytes + OVERHEAD)
        await run_in_threadpool(reader.finish)
    except BaseException:
        reader.abort()
        raise
    upload = None
    if reader.file is not None:
        upload = service.Upload(reader.file, reader.filename)
    return Received(reader.fields, upload)


@dataclass
class SmallForm:
    """A posted form whose one file is parsed, not kept (an import): its text fields,
    and the file's name and content (empty when none was chosen)."""

    fields: list[tuple[str, str]] = field(default_factory=list)
    filename: str = ""
    content: bytes = b""


def _is_urlencoded(request: Request) -> bool:
    kind = request.headers.get("content-type", "").split(";", 1)[0].strip().lower()
    return kind == "application/x-www-form-urlencoded"


def urlencoded_fields(body: bytes, *, max_fields: int) -> list[tuple[str, str]]:
    """The fields of an ``application/x-www-form-urlencoded`` body (UTF-8, no NUL)."""
    try:
        pairs = parse_qsl(
            body.decode("utf-8"),
            keep_blank_values=True,
            max_num_fields=max_fields,
            errors="strict",
        )
    except UnicodeDecodeError as exc:
        raise ValidationFailed("body", "must be UTF-8 text") from exc
    except ValueError as exc:
        raise ValidationFailed("body", f"has more than {max_fields} fields") from exc
    for name, value in pairs:
        if "\x00" in name or "\x00" in value:
            raise ValidationFailed(
                name if len(name) < 60 and "\x00" not in name else "form",
                "must not contain NUL characters",
            )
    return pairs


async def receive_in_memory(
    request: Request,
    db: Session,
    *,
    limit: int,
    max_fields: int,
    max_field_bytes: int,
    before_file: Callable[[dict[str, str]], None] | None = None,
) -> SmallForm:
    """A multipart form with at most one file of ``limit`` bytes, read as it arrives:
    memory is bounded by the limits, nothing is spooled to disk, and no transaction is
    held meanwhile. A file or field over its limit is refused naming it (413 / 422)."""
    await run_in_threadpool(db.commit)
    if _is_urlencoded(request):  # a form without a file input (or a script's post)
        body = await read_body(request, db, limit=max_field_bytes + OVERHEAD, field_name="body")
        return SmallForm(urlencoded_fields(body, max_fields=max_fields))
    cap = limit + max_fields * (max_field_bytes + 512) + OVERHEAD
    _refuse_declared(request, cap, limit, "file")
    reader = MultipartReader(
        request.headers.get("content-type", ""),
        lambda name: MemoryFile(name, limit),
        before_file=before_file,
        max_fields=max_fields,
        max_field_bytes=max_field_bytes,
    )
    try:
        await _stream(request, reader.feed, cap)
        reader.finish()
    except BaseException:
        reader.abort()
        raise
    return SmallForm(list(reader.fields.items()), reader.filename, reader.file or b"")


async def read_body(request: Request, db: Session, *, limit: int, field_name: str) -> bytes:
    """A raw request body (an imported file) of at most ``limit`` bytes, read once the
    caller is known: the transaction is ended first so no lock is held while it arrives;
    past the limit it is refused (413 naming ``field_name``), so memory stays bounded."""
    await run_in_threadpool(db.commit)
    _refuse_declared(request, limit, limit, field_name)
    buffer = MemoryFile(field_name, limit)
    async for chunk in request.stream():
        buffer.write(chunk)
    return buffer.finish()


def _chunks(handle: BinaryIO) -> Iterator[bytes]:
    try:
        while chunk := handle.read(CHUNK):
            yield chunk
    finally:
        handle.close()


def download(settings: Settings, stored: StoredFile) -> StreamingResponse:
    """The file as an attachment, streamed after its size and SHA-256 were checked."""
    handle = service.open_content(settings, stored)
    return StreamingResponse(
        _chunks(handle),
        media_type=stored.media_type,
        headers={
            "Content-Disposition": content_disposition(stored.filename),
            "Content-Length": str(stored.size),
            "ETag": f'"{stored.sha256}"',
            "Repr-Digest": f"sha-256=:{base64.b64encode(bytes.fromhex(stored.sha256)).decode()}:",
            "X-Content-Type-Options": "nosniff",  # also global; never sniff an upload
        },
    )
