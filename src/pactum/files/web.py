"""Uploads and downloads over HTTP: the request body is read as it arrives and streamed
into the storage (no transaction is held meanwhile); downloads stream a checked file as
an attachment. Imported files, parsed and not kept, are read by :mod:`.imports`."""

from __future__ import annotations

import base64
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any, BinaryIO

from fastapi import Request
from fastapi.responses import StreamingResponse
from sqlalchemy.orm import Session
from starlette.concurrency import run_in_threadpool

from pactum.core.sizes import limit_text
from pactum.files import service
from pactum.files.multipart import MultipartReader
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


async def stream_body(request: Request, feed: Callable[[bytes], None], cap: int) -> None:
    """Feed the body's chunks as they arrive; refuse it once past ``cap`` (413)."""
    received = 0
    async for chunk in request.stream():
        if chunk:
            await run_in_threadpool(feed, chunk)
        received += len(chunk)
        if received > cap:  # e.g. an endless epilogue
            raise FileTooLarge("body", "is larger than the upload limit allows")


def refuse_declared(request: Request, cap: int, limit: int, field_name: str) -> None:
    """A Content-Length past ``cap`` is refused before a byte is read (naming
    ``field_name`` and its ``limit``); up to it, the app-wide body bound
    (:mod:`pactum.http.body_limit`) gives way to this route's own."""
    allow_body(request, 2 * cap)
    declared = request.headers.get("content-length", "")
    if declared.isdecimal() and int(declared) > cap:
        raise FileTooLarge(field_name, f"must be at most {limit_text(limit)}")


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
    refuse_declared(request, store.max_bytes + OVERHEAD, store.max_bytes, "file")
    reader = MultipartReader(
        request.headers.get("content-type", ""), store.writer, before_file=before_file
    )
    try:
        await stream_body(request, reader.feed, store.max_bytes + OVERHEAD)
        await run_in_threadpool(reader.finish)
    except BaseException:
        reader.abort()
        raise
    upload = None
    if reader.file is not None:
        upload = service.Upload(reader.file, reader.filename)
    return Received(reader.fields, upload)


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
