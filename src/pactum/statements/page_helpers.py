"""What the FX, royalty and P&L pages share: amounts for display, multipart forms with a
file, whole-number fields and the parties' names."""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

from fastapi import Request
from starlette.datastructures import FormData, UploadFile

from pactum.core.errors import ValidationFailed
from pactum.files import imports
from pactum.http.db import DbSession
from pactum.web.session import WebUser, check_csrf, field


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
    problem that stopped reading it (a file or field over its limit, a NUL...), which the
    page shows beside its field with the values read until then."""

    form: FormData
    file: bytes
    filename: str
    error: ValidationFailed | None = None

    def check(self) -> None:
        """Raise the upload's problem, if it had one (inside the page's error handling)."""
        if self.error is not None:
            raise self.error


def upload_form_of(
    limit: int, *, max_fields: int, field_limits: Mapping[str, int] | None = None
) -> Callable[..., Awaitable[Posted]]:
    """The dependency reading a posted form that may carry one file of at most ``limit``
    bytes (text fields: 8 KB, or their own limit in ``field_limits``). The anti-forgery
    token must match the session's, checked before any byte of the file is taken in; the
    body is read as it arrives, bounded, and nothing is spooled to disk. A form that broke
    a limit is not checked further: nothing is written, its page says what to fix."""

    async def upload_form(request: Request, db: DbSession, info: WebUser) -> Posted:
        def csrf(fields: dict[str, str]) -> None:
            check_csrf(fields.get("csrf_token", ""), info)

        posted = await imports.receive_in_memory(
            request,
            db,
            limit=limit,
            max_fields=max_fields,
            field_limits=field_limits,
            before_file=csrf,
        )
        form = FormData(list[tuple[str, str | UploadFile]](posted.fields))
        if posted.error is not None:
            return Posted(form, b"", posted.filename, posted.error)
        csrf(dict(posted.fields))
        return Posted(form, posted.content, posted.filename)

    return upload_form


def whole(form: FormData, name: str) -> int | str:
    """A whole-number field as an int, or the text as typed (the schema then names it)."""
    text = field(form, name)
    return int(text) if text.isdecimal() and len(text) < 10 else text


def codes(text: str) -> list[str]:
    """Country codes typed as ``DE, FR`` or ``DE FR``."""
    return [c for c in text.replace(",", " ").replace(";", " ").split() if c]
