"""Uploads and downloads over HTTP: the request body is read as it arrives and streamed
into the storage (no transaction is held meanwhile); downloads stream a checked file as
an attachment. Imported files, parsed and not kept, are read by :mod:`.imports`."""

from __future__ import annotations

import base64
import logging
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any, BinaryIO

from fastapi import Request
from fastapi.responses import StreamingResponse
from sqlalchemy.orm import Session, sessionmaker
from starlette.concurrency import run_in_threadpool
from starlette.types import ASGIApp, Receive, Scope, Send

from pactum.core.sizes import limit_text
from pactum.files import service
from pactum.files.multipart import MultipartReader
from pactum.files.names import content_disposition
from pactum.files.storage import CHUNK, Blob, FileTooLarge
from pactum.http.body_limit import allow_body
from pactum.models import StoredFile
from pactum.settings import Settings

log = logging.getLogger("pactum.files")

# Room for the form's other fields and the part headers around the file itself.
OVERHEAD = 256 * 1024
# Where a request keeps the blobs it stored, for :class:`UploadCleanup`.
UPLOADS = "pactum.uploads"


class UploadCleanup:
    """ASGI middleware: once a request that stored uploads has ended (its transaction
    committed or rolled back), remove each stored content no committed row refers to, so
    an upload refused for any reason leaves no file behind (DATA-3)."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        """Run the request, then clean up after it."""
        try:
            await self.app(scope, receive, send)
        finally:
            blobs = scope.get("state", {}).get(UPLOADS, []) if scope["type"] == "http" else []
            if blobs:
                await run_in_threadpool(self._discard, scope["app"].state, blobs)

    @staticmethod
    def _discard(state: Any, blobs: list[Blob]) -> None:
        factory: sessionmaker[Session] = state.sessionmaker
        store = service.storage(state.settings)
        for blob in blobs:
            try:
                store.discard_unless_referenced(
                    blob, lambda key: service.is_referenced(factory, key)
                )
            except Exception:  # the sweep removes it later; never fail the request for it
                log.exception("could not remove refused upload %s", blob.key)


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
        request.scope.setdefault("state", {}).setdefault(UPLOADS, []).append(reader.file)
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
