"""Checks on the query string that hold for every route, API and pages alike."""

from __future__ import annotations

from fastapi import Request
from fastapi.exceptions import RequestValidationError

from pactum.valuation.documents import DocumentError, load_json


def no_nul_in_query(request: Request) -> None:
    """Refuse NUL characters in query parameters: no database text column can hold one.

    Without this, a search for ``%00`` reaches PostgreSQL, which rejects the statement.
    The error names the parameter, like every other validation error.
    """
    errors = [
        {
            "type": "value_error",
            "loc": ("query", name) if "\x00" not in name else ("query",),
            "msg": "must not contain NUL characters",
            "input": None,
        }
        for name, value in request.query_params.multi_items()
        if "\x00" in name or "\x00" in value
    ]
    if errors:
        raise RequestValidationError(errors)


JSON_TYPES = ("application/json", "+json")
WRITES = frozenset({"POST", "PUT", "PATCH", "DELETE"})


async def no_duplicate_json_keys(request: Request) -> None:
    """Refuse a JSON body that gives a key twice (or NaN/Infinity): parsers would keep the
    last value silently, so ``{"visibility": "private", "visibility": "shared"}`` would
    make a shared record. The error names the key, like every other validation error."""
    if request.method not in WRITES:
        return
    kind = request.headers.get("content-type", "").split(";")[0].strip().lower()
    if not kind.endswith(JSON_TYPES):
        return
    body = await request.body()
    if not body:
        return
    try:
        load_json(body)
    except DocumentError as exc:
        key = getattr(exc, "key", None)
        raise RequestValidationError(
            [
                {
                    "type": "value_error",
                    "loc": ("body", key) if key else ("body",),
                    "msg": "is given twice: a key may appear once" if key else str(exc),
                    "input": None,
                }
            ]
        ) from exc
