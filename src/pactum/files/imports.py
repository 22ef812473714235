"""Imported files (statement lines from CSV/XLSX) are parsed, not kept: the request body
is read as it arrives into bounded memory, after the caller is known and with the
transaction ended (no database lock is held while a slow upload arrives), and nothing is
spooled to disk. Every limit is refused naming the field and its rule."""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from urllib.parse import parse_qsl

from fastapi import Request
from sqlalchemy.orm import Session
from starlette.concurrency import run_in_threadpool

from pactum.core.errors import ValidationFailed
from pactum.core.sizes import MB, limit_text
from pactum.files.multipart import MAX_FIELD_BYTES, MemoryFile, MultipartReader
from pactum.files.web import OVERHEAD, refuse_declared, stream_body


@dataclass
class SmallForm:
    """A posted form whose one file is parsed, not kept: its text fields (the first value
    of each name), the file's name and content (empty when none was chosen), and the
    problem that stopped the reading, if any (the fields read until then are kept)."""

    fields: list[tuple[str, str]] = field(default_factory=list)
    filename: str = ""
    content: bytes = b""
    error: ValidationFailed | None = None


def _first_values(pairs: list[tuple[str, str]]) -> list[tuple[str, str]]:
    seen: set[str] = set()
    kept = []
    for name, value in pairs:
        if name not in seen:
            seen.add(name)
            kept.append((name, value))
    return kept


def urlencoded_fields(
    body: bytes, *, max_fields: int, field_limits: Mapping[str, int] | None = None
) -> tuple[list[tuple[str, str]], ValidationFailed | None]:
    """The fields of an ``application/x-www-form-urlencoded`` body (the first value of
    each name) and the first problem: not UTF-8, too many fields, a NUL, or a field over
    its limit (``field_limits``, else 8 KB). A field with a problem is left out."""
    try:
        pairs = parse_qsl(body.decode("utf-8"), keep_blank_values=True, max_num_fields=max_fields)
    except UnicodeDecodeError:
        return [], ValidationFailed("body", "must be UTF-8 text")
    except ValueError:
        return [], ValidationFailed("body", f"has more than {max_fields} fields")
    limits = field_limits or {}
    kept: list[tuple[str, str]] = []
    error: ValidationFailed | None = None
    for name, value in _first_values(pairs):
        label = name if len(name) < 60 and "\x00" not in name else "form"
        limit = limits.get(name, MAX_FIELD_BYTES)
        problem = ""
        if "\x00" in name or "\x00" in value:
            problem = "must not contain NUL characters"
        elif len(value.encode()) > limit:
            problem = f"must be at most {limit_text(limit)}"
        if problem:
            error = error or ValidationFailed(label, problem)
        else:
            kept.append((name, value))
    return kept, error


def _cap(limit: int, max_fields: int, field_limits: Mapping[str, int]) -> int:
    """The most a form may send: its file, its large fields, the others and the part
    headers around them, rounded up to whole MB (the rule then reads well)."""
    raw = limit + sum(field_limits.values()) + max_fields * (MAX_FIELD_BYTES + 512) + OVERHEAD
    return math.ceil(raw / MB) * MB


def _is_urlencoded(request: Request) -> bool:
    kind = request.headers.get("content-type", "").split(";", 1)[0].strip().lower()
    return kind == "application/x-www-form-urlencoded"


async def receive_in_memory(
    request: Request,
    db: Session,
    *,
    limit: int,
    max_fields: int,
    field_limits: Mapping[str, int] | None = None,
    before_file: Callable[[dict[str, str]], None] | None = None,
) -> SmallForm:
    """A posted form with at most one file of ``limit`` bytes (multipart), or none
    (urlencoded). A file, field or body over its limit, a NUL or a malformed body stops
    the reading: the problem and the fields read so far come back in ``error`` and
    ``fields`` (for the page to show beside the field). ``before_file`` (the page's
    anti-forgery check) runs before any byte of the file is taken in; its refusal
    propagates."""
    await run_in_threadpool(db.commit)
    limits = dict(field_limits or {})
    cap = _cap(limit, max_fields, limits)
    if _is_urlencoded(request):  # a form without a file input (or a script's post)
        try:
            body = await read_body(request, db, limit=cap, field_name="body")
        except ValidationFailed as exc:
            return SmallForm(error=exc)
        fields, error = urlencoded_fields(body, max_fields=max_fields, field_limits=limits)
        return SmallForm(fields, error=error)
    reader = MultipartReader(
        request.headers.get("content-type", ""),
        lambda name: MemoryFile(name, limit),
        before_file=before_file,
        max_fields=max_fields,
        field_limits=limits,
    )
    try:
        refuse_declared(request, cap, limit, "file")
        await stream_body(request, reader.feed, cap)
        reader.finish()
    except ValidationFailed as exc:
        reader.abort()
        return SmallForm(list(reader.fields.items()), reader.filename, b"", exc)
    except BaseException:
        reader.abort()
        raise
    return SmallForm(list(reader.fields.items()), reader.filename, reader.file or b"")


async def read_body(request: Request, db: Session, *, limit: int, field_name: str) -> bytes:
    """A raw request body (an imported file) of at most ``limit`` bytes, read once the
    caller is known: the transaction is ended first so no lock is held while it arrives;
    past the limit it is refused (413 naming ``field_name``), so memory stays bounded."""
    await run_in_threadpool(db.commit)
    refuse_declared(request, limit, limit, field_name)
    buffer = MemoryFile(field_name, limit)
    async for chunk in request.stream():
        buffer.write(chunk)
    return buffer.finish()
