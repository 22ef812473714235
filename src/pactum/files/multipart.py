"""A streaming ``multipart/form-data`` reader: text fields are kept (bounded), the one
file part goes straight to a writer as it arrives (the storage, or a bounded buffer for an
imported file that is parsed, not kept), never into a spooled temporary file elsewhere.
No web framework here: it is fed the body's chunks by whoever reads the request."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Generic, Protocol, TypeVar

from python_multipart.exceptions import FormParserError
from python_multipart.multipart import MultipartParser, parse_options_header

from pactum.core.errors import ValidationFailed
from pactum.core.sizes import limit_text
from pactum.files.storage import FileTooLarge

MAX_FIELDS = 20
MAX_FIELD_BYTES = 8 * 1024
NOT_MULTIPART = "must be multipart/form-data (a form with a file field)"

T = TypeVar("T")
T_co = TypeVar("T_co", covariant=True)


class FileWriter(Protocol[T_co]):
    """Where the file part goes: :class:`~pactum.files.storage.BlobWriter` (kept) or
    :class:`MemoryFile` (parsed and dropped)."""

    def write(self, chunk: bytes) -> None:
        """Add a chunk (raise :class:`FileTooLarge` over the limit)."""

    def finish(self) -> T_co:
        """The whole file has arrived."""

    def abort(self) -> None:
        """Drop what was written (idempotent)."""


class MemoryFile:
    """A file held in memory up to ``limit`` bytes: one byte more and it is refused (413
    naming the field), so memory stays bounded whatever the client sends."""

    def __init__(self, field: str, limit: int) -> None:
        self.field = field
        self.limit = limit
        self._data: bytearray | None = bytearray()

    def write(self, chunk: bytes) -> None:
        """Add a chunk, or refuse the file once it passes the limit."""
        if self._data is None:
            raise RuntimeError("the file is finished")
        if len(self._data) + len(chunk) > self.limit:
            self.abort()
            raise FileTooLarge(self.field, f"must be at most {limit_text(self.limit)}")
        self._data.extend(chunk)

    def finish(self) -> bytes:
        """The content."""
        if self._data is None:
            raise RuntimeError("the file is finished")
        data, self._data = bytes(self._data), None
        return data

    def abort(self) -> None:
        """Drop the content (idempotent)."""
        self._data = None


def _decode(raw: bytes, name: str) -> str:
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise ValidationFailed(name, "must be UTF-8 text") from exc
    if "\x00" in text:
        raise ValidationFailed(name, "must not contain NUL characters")
    return text


def boundary_of(content_type: str) -> bytes:
    """The boundary of a ``multipart/form-data`` content type, or a 422 naming the body."""
    kind, options = parse_options_header(content_type)
    boundary = options.get(b"boundary", b"")
    if kind != b"multipart/form-data" or not boundary or len(boundary) > 70:
        raise ValidationFailed("body", NOT_MULTIPART)
    return boundary


@dataclass
class _Part(Generic[T]):
    name: str = ""
    header_name: bytes = b""
    header_value: bytes = b""
    disposition: bytes = b""
    data: bytearray = field(default_factory=bytearray)
    writer: FileWriter[T] | None = None
    skipped_file: bool = False


class MultipartReader(Generic[T]):
    """Feed it the body's chunks, then :meth:`finish`: ``fields`` holds the text fields
    and ``file``/``filename`` what the writer made of the file (if one was sent).

    ``open_file(field)`` makes the writer when the file part starts: the storage's, or a
    :class:`MemoryFile`. A text field holds at most ``max_field_bytes``, or its own limit
    in ``field_limits``. ``before_file`` is called with the fields read so far just before
    (a page checks its anti-forgery token there, before any byte is stored). An empty file
    input (a browser's form without a chosen file) counts as no file."""

    def __init__(
        self,
        content_type: str,
        open_file: Callable[[str], FileWriter[T]],
        *,
        file_field: str = "file",
        before_file: Callable[[dict[str, str]], None] | None = None,
        max_fields: int = MAX_FIELDS,
        max_field_bytes: int = MAX_FIELD_BYTES,
        field_limits: Mapping[str, int] | None = None,
    ) -> None:
        self.open_file = open_file
        self.file_field = file_field
        self.before_file = before_file
        self.max_fields = max_fields
        self.max_field_bytes = max_field_bytes
        self.field_limits = dict(field_limits or {})
        self.fields: dict[str, str] = {}
        self.filename = ""
        self.file: T | None = None
        self._writer: FileWriter[T] | None = None
        self._part: _Part[T] = _Part()
        self._ended = False
        self._parser = MultipartParser(
            boundary_of(content_type),
            {
                "on_part_begin": self._begin,
                "on_part_data": self._data,
                "on_part_end": self._end,
                "on_header_field": self._header_field,
                "on_header_value": self._header_value,
                "on_header_end": self._header_end,
                "on_headers_finished": self._headers_finished,
                "on_end": self._done,
            },
        )

    def feed(self, chunk: bytes) -> None:
        """Parse one chunk of the body (file data goes to the storage at once)."""
        if self._ended:
            return  # the epilogue after the closing boundary is ignored
        try:
            self._parser.write(chunk)
        except FormParserError as exc:
            self.abort()
            raise ValidationFailed("body", NOT_MULTIPART) from exc
        except BaseException:
            self.abort()
            raise

    def finish(self) -> None:
        """The body is complete: store the file (fsync, rename) if one was sent."""
        if not self._ended:
            self.abort()
            raise ValidationFailed("body", "is incomplete: the closing boundary is missing")
        if self._writer is not None:
            writer, self._writer = self._writer, None
            self.file = writer.finish()

    def abort(self) -> None:
        """Drop anything written so far (idempotent)."""
        if self._writer is not None:
            self._writer.abort()
            self._writer = None

    # python-multipart callbacks

    def _begin(self) -> None:
        self._part = _Part()

    def _header_field(self, data: bytes, start: int, end: int) -> None:
        self._part.header_name += data[start:end]

    def _header_value(self, data: bytes, start: int, end: int) -> None:
        self._part.header_value += data[start:end]

    def _header_end(self) -> None:
        if self._part.header_name.strip().lower() == b"content-disposition":
            self._part.disposition = self._part.header_value
        self._part.header_name = self._part.header_value = b""

    def _headers_finished(self) -> None:
        kind, options = parse_options_header(self._part.disposition)
        if kind != b"form-data" or b"name" not in options:
            raise ValidationFailed("body", "each part needs Content-Disposition: form-data; name")
        name = _decode(options[b"name"], "body")
        self._part.name = name
        if b"filename" not in options:
            if len(self.fields) >= self.max_fields:
                raise ValidationFailed("body", f"has more than {self.max_fields} fields")
            return
        if name != self.file_field:
            raise ValidationFailed(
                name, f"is not a file field (send the file as {self.file_field})"
            )
        if self._writer is not None or self.file is not None or self.filename:
            raise ValidationFailed(self.file_field, "send one file only")
        self.filename = options[b"filename"].decode("utf-8", "replace")
        if not self.filename:
            self._part.skipped_file = True  # an empty file input: no file chosen
            return
        if self.before_file is not None:
            self.before_file(dict(self.fields))
        self._writer = self.open_file(self.file_field)
        self._part.writer = self._writer

    def _data(self, data: bytes, start: int, end: int) -> None:
        part = self._part
        if part.writer is not None:
            part.writer.write(data[start:end])
        elif part.skipped_file:
            if end > start:
                raise ValidationFailed(self.file_field, "has content but no file name")
        else:
            limit = self.field_limits.get(part.name, self.max_field_bytes)
            if len(part.data) + (end - start) > limit:
                raise ValidationFailed(part.name, f"must be at most {limit_text(limit)}")
            part.data.extend(data[start:end])

    def _end(self) -> None:
        part = self._part
        if part.writer is None and not part.skipped_file:
            self.fields.setdefault(part.name, _decode(bytes(part.data), part.name))

    def _done(self) -> None:
        self._ended = True
