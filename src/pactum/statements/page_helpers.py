"""What the FX, royalty and P&L pages share: amounts for display, multipart forms with a
file, whole-number fields and the parties' names."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from typing import Annotated

from fastapi import Depends, Request
from starlette.datastructures import FormData, UploadFile

from pactum.core.errors import ValidationFailed
from pactum.web.session import WebUser, check_csrf, field

MAX_FILE = 10 * 1024 * 1024


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
    """A posted form and the file it carried (empty bytes and name when none)."""

    form: FormData
    file: bytes
    filename: str


async def upload_form(request: Request, info: WebUser) -> Posted:
    """A posted form that may carry one file (multipart), once its anti-forgery token
    matched the session's; NUL characters in text fields are refused. The file is read
    up to one byte past the limit (the service refuses a larger one)."""
    form = await request.form(max_files=1, max_fields=200)
    for key, value in form.multi_items():
        if isinstance(value, str) and "\x00" in value:
            raise ValidationFailed(
                key if len(key) < 60 else "form", "must not contain NUL characters"
            )
    check_csrf(str(form.get("csrf_token", "")), info)
    item = form.get("file")
    if isinstance(item, UploadFile) and item.filename:
        return Posted(form, await item.read(MAX_FILE + 1), item.filename)
    return Posted(form, b"", "")


UploadForm = Annotated[Posted, Depends(upload_form)]


def whole(form: FormData, name: str) -> int | str:
    """A whole-number field as an int, or the text as typed (the schema then names it)."""
    text = field(form, name)
    return int(text) if text.isdecimal() and len(text) < 10 else text


def codes(text: str) -> list[str]:
    """Country codes typed as ``DE, FR`` or ``DE FR``."""
    return [c for c in text.replace(",", " ").replace(";", " ").split() if c]
