"""What the FX, royalty and P&L pages share: amounts for display, multipart forms with a
file, whole-number fields and the parties' names."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from typing import Annotated

from fastapi import Depends, Request
from starlette.datastructures import FormData

from pactum.core.errors import ValidationFailed
from pactum.files import web
from pactum.files.storage import FileTooLarge
from pactum.http.db import DbSession
from pactum.web.session import WebUser, check_csrf, field

MAX_FILE = 10 * 1024 * 1024
MAX_FIELDS = 200
# Typed sales lines (up to 10,000 of them) come as one text field.
MAX_FIELD_BYTES = 2 * 1024 * 1024


def money(value: object, places: int = 2) -> str:
    """``1234567.891`` -> ``1,234,567.89`` (display only; stored amounts stay exact)."""
    if value is None or value == "":
        return ""
    try:
        amount = Decimal(str(value))
    except InvalidOperation:
        return str(value)
    quantum = Decimal(1).scaleb(-places)
    return f"{amount.quantize(quantum, rounding=ROUND_HALF_UP):,}"


def exact(value: object) -> str:
    """An exact stored amount in plain notation (no exponent), for the working."""
    try:
        return f"{Decimal(str(value)):f}"
    except InvalidOperation:
        return str(value)


@dataclass(frozen=True)
class Posted:
    """A posted form and the file it carried (empty bytes and name when none), or the
    problem with the upload (a file over the limit), which the page shows next to its
    field."""

    form: FormData
    file: bytes
    filename: str
    error: ValidationFailed | None = None

    def check(self) -> None:
        """Raise the upload's problem, if it had one (inside the page's error handling)."""
        if self.error is not None:
            raise self.error


def upload_form_of(
    limit: int, *, max_fields: int, max_field_bytes: int
) -> Callable[..., Awaitable[Posted]]:
    """The dependency reading a posted form that may carry one file (multipart) of at
    most ``limit`` bytes, once its anti-forgery token matched the session's (checked before
    any byte of the file is read). The body is read as it arrives, bounded: a file over the
    limit is refused without being read on, and nothing is spooled to disk. NUL characters
    in text fields are refused."""

    async def upload_form(request: Request, db: DbSession, info: WebUser) -> Posted:
        def csrf(fields: dict[str, str]) -> None:
            check_csrf(fields.get("csrf_token", ""), info)

        try:
            posted = await web.receive_in_memory(
                request,
                db,
                limit=limit,
                max_fields=max_fields,
                max_field_bytes=max_field_bytes,
                before_file=csrf,
            )
        except FileTooLarge as exc:
            return Posted(FormData(), b"", "", exc)
        csrf(dict(posted.fields))
        return Posted(FormData(dict(posted.fields)), posted.content, posted.filename)

    return upload_form


UploadForm = Annotated[
    Posted,
    Depends(upload_form_of(MAX_FILE, max_fields=MAX_FIELDS, max_field_bytes=MAX_FIELD_BYTES)),
]


def whole(form: FormData, name: str) -> int | str:
    """A whole-number field as an int, or the text as typed (the schema then names it)."""
    text = field(form, name)
    return int(text) if text.isdecimal() and len(text) < 10 else text


def codes(text: str) -> list[str]:
    """Country codes typed as ``DE, FR`` or ``DE FR``."""
    return [c for c in text.replace(",", " ").replace(";", " ").split() if c]
