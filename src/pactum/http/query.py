"""Checks on the query string that hold for every route, API and pages alike."""

from __future__ import annotations

from fastapi import Request
from fastapi.exceptions import RequestValidationError


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
