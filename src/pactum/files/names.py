"""File names and media types: a sanitised display name, the media type by extension
from an allow-list (content is never sniffed), header-safe download names, sizes."""

from __future__ import annotations

import unicodedata
from urllib.parse import quote

MAX_NAME = 200
FALLBACK_NAME = "file"
OCTET_STREAM = "application/octet-stream"
# The only media types ever declared for a stored file, by extension; anything else is
# served as application/octet-stream (and always as an attachment, with nosniff).
MEDIA_TYPES = {
    "pdf": "application/pdf",
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "pptx": "application/vnd.openxmlformats-officedocument.presentationml.presentation",
    "png": "image/png",
    "jpg": "image/jpeg",
    "jpeg": "image/jpeg",
    "txt": "text/plain",
    "csv": "text/csv",
}
ACCEPT = ",".join(f".{ext}" for ext in MEDIA_TYPES)
_STRIP = " .\t"


def _visible(ch: str) -> bool:
    """Neither a control, format, surrogate, private-use or unassigned character, nor a
    line or paragraph separator (bidirectional overrides and the like are removed)."""
    category = unicodedata.category(ch)
    return not category.startswith("C") and category not in {"Zl", "Zp"}


def _clean(text: str) -> str:
    kept = "".join(
        " " if ch.isspace() else ch
        for ch in unicodedata.normalize("NFC", text)
        if _visible(ch) or ch.isspace()
    )
    return " ".join(kept.split()).strip(_STRIP)


def sanitize_filename(name: str) -> str:
    """A safe display name: the last path component only (``/`` and ``\\`` are path
    separators), NFC, without control or invisible characters, whitespace collapsed,
    no leading or trailing dots and spaces, at most 200 characters (the extension kept);
    ``file`` when nothing is left."""
    base = name.replace("\\", "/").rsplit("/", 1)[-1]
    text = _clean(base)
    if len(text) > MAX_NAME:
        stem, dot, ext = text.rpartition(".")
        if dot and 0 < len(ext) <= 10 and stem:
            text = stem[: MAX_NAME - len(ext) - 1].rstrip(_STRIP) + "." + ext
        else:
            text = text[:MAX_NAME]
        text = _clean(text)
    return text or FALLBACK_NAME


def extension(name: str) -> str:
    """The lower-case extension of a name (without the dot), or ``""``."""
    stem, dot, ext = name.rpartition(".")
    return ext.lower() if dot and stem else ""


def media_type_for(name: str) -> str:
    """The media type declared for a file: from the allow-list by extension, else
    ``application/octet-stream`` (what the uploader claimed is ignored)."""
    return MEDIA_TYPES.get(extension(name), OCTET_STREAM)


def content_disposition(name: str) -> str:
    """``attachment`` with an ASCII fallback name and the exact name (RFC 6266/8187)."""
    ascii_name = (
        unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode("ascii").strip()
    )
    ascii_name = "".join("_" if ch in '"\\;' or not ch.isprintable() else ch for ch in ascii_name)
    ascii_name = ascii_name.strip(_STRIP) or "download"
    return f"attachment; filename=\"{ascii_name}\"; filename*=UTF-8''{quote(name, safe='')}"


def human_size(size: int) -> str:
    """A size for people: ``812 bytes``, ``12.3 KB``, ``4.5 MB`` (powers of 1024)."""
    if size < 1024:
        return f"{size} byte{'s' if size != 1 else ''}"
    value = float(size)
    for unit in ("KB", "MB", "GB"):
        value /= 1024
        if value < 1024 or unit == "GB":
            return f"{value:.1f} {unit}"
    raise AssertionError("unreachable")  # pragma: no cover
