"""One error family that carries its HTTP status; rendered as JSON or as a page."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any


class PactumError(Exception):
    """Base error: a message a user can read and the HTTP status it maps to."""

    status_code = 400
    code = "bad_request"

    def __init__(self, message: str, *, detail: Any = None) -> None:
        super().__init__(message)
        self.message = message
        self.detail = detail if detail is not None else message


class NotFound(PactumError):
    """The record does not exist or is outside the caller's view (indistinguishable)."""

    status_code = 404
    code = "not_found"

    def __init__(self, message: str = "Not found", *, denial: Any = None) -> None:
        super().__init__(message)
        # What the access layer refused, recorded in the audit trail after the rollback.
        self.denial = denial


class Unauthenticated(PactumError):
    """The caller is not signed in or the credentials are invalid."""

    status_code = 401
    code = "unauthenticated"


class Forbidden(PactumError):
    """The caller may see the record but not perform this action."""

    status_code = 403
    code = "forbidden"


class Conflict(PactumError):
    """The request conflicts with a business rule or the record's state."""

    status_code = 409
    code = "conflict"


class PreconditionFailed(PactumError):
    """The record changed since the caller read it (stale ``If-Match``)."""

    status_code = 412
    code = "precondition_failed"


class PreconditionRequired(PactumError):
    """An update was sent without ``If-Match``."""

    status_code = 428
    code = "precondition_required"


class TooManyRequests(PactumError):
    """Throttled; ``retry_after`` says for how many seconds."""

    status_code = 429
    code = "too_many_requests"

    def __init__(self, message: str, *, retry_after: int) -> None:
        super().__init__(message)
        self.retry_after = retry_after


class ValidationFailed(PactumError):
    """Input broke a rule; ``detail`` lists ``{"field", "rule"}`` items."""

    status_code = 422
    code = "validation_error"

    def __init__(self, field: str, rule: str, *, more: Sequence[tuple[str, str]] = ()) -> None:
        problems = [(field, rule), *more]
        super().__init__(
            "; ".join(f"{f}: {r}" for f, r in problems),
            detail=[{"field": f, "rule": r} for f, r in problems],
        )
        self.field = field
        self.rule = rule


class UnscopedQueryError(RuntimeError):
    """Raised when alliance data is queried without going through the access layer."""
