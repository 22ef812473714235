"""Error rendering: JSON ``{"error", "detail"}`` for the API, friendly pages for people."""

from __future__ import annotations

import logging
from typing import Any
from urllib.parse import quote

import pydantic
from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import HTMLResponse, JSONResponse, RedirectResponse, Response
from sqlalchemy.exc import DBAPIError, IntegrityError, OperationalError
from sqlalchemy.exc import TimeoutError as PoolTimeout
from sqlalchemy.orm.exc import StaleDataError
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from pactum.core.errors import (
    Conflict,
    PactumError,
    PreconditionFailed,
    TooManyRequests,
    UnscopedQueryError,
)
from pactum.http.body_limit import BodyTooLarge
from pactum.web.render import render
from pactum.web.session import CsrfFailed, EnrolmentRequired, LoginRequired, SecondFactorRequired

log = logging.getLogger("pactum")

CODES = {
    400: "bad_request",
    401: "unauthenticated",
    403: "forbidden",
    404: "not_found",
    405: "method_not_allowed",
    406: "not_acceptable",
    409: "conflict",
    412: "precondition_failed",
    413: "too_large",
    415: "unsupported_media_type",
    422: "validation_error",
    428: "precondition_required",
    429: "too_many_requests",
}


def _is_api(request: Request) -> bool:
    return request.url.path.startswith("/api/")


def _json(status: int, error: str, detail: Any, headers: dict[str, str] | None = None) -> Response:
    return JSONResponse({"error": error, "detail": detail}, status_code=status, headers=headers)


def _page(request: Request, status: int, title: str, message: str) -> Response:
    return render(request, "error.html", {"title": title, "message": message}, status_code=status)


TITLES = {
    400: "Bad request",
    401: "Please sign in",
    403: "Not allowed",
    404: "Not found",
    405: "Not allowed",
    409: "Conflict",
    412: "Changed by someone else",
    422: "Please check your input",
    428: "Version needed",
    429: "Too many attempts",
}


def _field_of(loc: tuple[Any, ...]) -> str:
    parts = [str(p) for p in loc if p not in ("body",)]
    out = ""
    for part in parts:
        out += f"[{part}]" if part.isdigit() else (f".{part}" if out else part)
    return out or "body"


async def pactum_error(request: Request, exc: Exception) -> Response:
    """Render a domain error with its status."""
    assert isinstance(exc, PactumError)
    headers: dict[str, str] = {}
    if isinstance(exc, TooManyRequests):
        headers["Retry-After"] = str(exc.retry_after)
    if exc.status_code == 401:
        headers["WWW-Authenticate"] = "Bearer"
    if _is_api(request):
        return _json(exc.status_code, exc.code, exc.detail, headers)
    response = _page(request, exc.status_code, TITLES.get(exc.status_code, "Error"), exc.message)
    response.headers.update(headers)
    return response


async def validation_error(request: Request, exc: Exception) -> Response:
    """422 naming each field and the rule it broke."""
    assert isinstance(exc, RequestValidationError)
    detail = [
        {
            "field": _field_of(tuple(err.get("loc", ()))),
            "rule": str(err.get("msg", "invalid")).removeprefix("Value error, "),
        }
        for err in exc.errors()
    ]
    if _is_api(request):
        return _json(422, "validation_error", detail)
    if any(d["field"].startswith("path") for d in detail):
        return _page(request, 404, "Not found", "There is no such page.")
    message = "; ".join(f"{d['field']}: {d['rule']}" for d in detail)
    return _page(request, 422, "Please check your input", message)


async def model_error(request: Request, exc: Exception) -> Response:
    """A schema check inside a service (e.g. rows of an imported file): 422 like the rest."""
    assert isinstance(exc, pydantic.ValidationError)
    detail = [
        {
            "field": _field_of(tuple(err.get("loc", ()))),
            "rule": str(err.get("msg", "invalid")).removeprefix("Value error, "),
        }
        for err in exc.errors(include_url=False)
    ]
    if _is_api(request):
        return _json(422, "validation_error", detail)
    message = "; ".join(f"{d['field']}: {d['rule']}" for d in detail)
    return _page(request, 422, "Please check your input", message)


async def http_error(request: Request, exc: Exception) -> Response:
    """Starlette's own errors (unknown route, wrong method ...)."""
    assert isinstance(exc, StarletteHTTPException)
    code = CODES.get(exc.status_code, "error")
    if isinstance(exc, BodyTooLarge):
        if _is_api(request):
            return _json(413, code, [{"field": exc.field, "rule": exc.rule}])
        return _page(request, 413, "Too large", str(exc.detail))
    if _is_api(request):
        return _json(exc.status_code, code, exc.detail, dict(exc.headers or {}))
    return _page(request, exc.status_code, TITLES.get(exc.status_code, "Error"), str(exc.detail))


RETRY_AFTER_SECONDS = 5
UNAVAILABLE = "The database cannot be reached just now; nothing was changed. Try again shortly."


def database_unavailable(exc: BaseException) -> bool:
    """Whether an error means the database could not be reached or used at all (refused
    or lost connection, exhausted pool, lock timeout) rather than a bad statement."""
    if isinstance(exc, PoolTimeout | OperationalError):
        return True
    return isinstance(exc, DBAPIError) and exc.connection_invalidated


def unexpected(request: Request, exc: Exception) -> Response:
    """Anything else: log it, answer 500 without a trace (503 with ``Retry-After`` when
    the database cannot be reached)."""
    if database_unavailable(exc):
        log.warning("database unavailable on %s %s: %s", request.method, request.url.path, exc)
        headers = {"Retry-After": str(RETRY_AFTER_SECONDS)}
        if _is_api(request):
            return _json(503, "service_unavailable", UNAVAILABLE, headers)
        response = _safe_page(request, 503, "Temporarily unavailable", UNAVAILABLE)
        response.headers.update(headers)
        return response
    if isinstance(exc, UnscopedQueryError):
        log.error("unscoped query: %s", exc)
    log.exception("unexpected error on %s %s", request.method, request.url.path)
    if _is_api(request):
        return _json(500, "internal_error", "Something went wrong on our side; it was logged.")
    return _safe_page(request, 500, "Something went wrong", "It was logged; please try again.")


def _safe_page(request: Request, status: int, title: str, message: str) -> Response:
    """The error page, or a plain one when the page itself cannot be drawn."""
    try:
        return _page(request, status, title, message)
    except Exception:
        log.exception("the error page failed")
        return _plain_page(status, title, message)


def _plain_page(status: int, title: str, message: str) -> Response:
    """An error page that needs nothing (no template, no database)."""
    body = (
        f"<!doctype html><html lang=en><meta charset=utf-8><title>{title} · Pactum</title>"
        f"<main><h1>{title}</h1><p>{message}</p></main></html>"
    )
    return HTMLResponse(body, status_code=status)


class UnexpectedErrors:
    """ASGI middleware answering every exception the handlers let through.

    Starlette sends an unhandled exception's 500 from its outermost middleware, outside
    every middleware of ours (so without the security headers, HDR-1), and then re-raises
    it to the server, which may drop the connection. This middleware sits inside the
    security headers: it logs the error and answers it itself (:func:`unexpected`), so
    the answer carries the headers and the server sees an ordinary response.
    """

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        """Run the app; answer an escaped exception unless the answer had started."""
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        started = False

        async def watched(message: Message) -> None:
            nonlocal started
            if message["type"] == "http.response.start":
                started = True
            await send(message)

        try:
            await self.app(scope, receive, watched)
        except Exception as exc:
            if started:
                log.exception("error after the answer started on %s", scope.get("path"))
                return
            response = unexpected(Request(scope, receive), exc)
            await response(scope, receive, send)


async def login_required(request: Request, exc: Exception) -> Response:
    """Send people to the sign-in page, remembering where they were going."""
    target = request.url.path
    if request.url.query:
        target += "?" + request.url.query
    return RedirectResponse(f"/login?next={quote(target)}", status_code=303)


async def second_factor(request: Request, exc: Exception) -> Response:
    """Ask for the TOTP code."""
    return RedirectResponse("/login/totp", status_code=303)


async def enrolment(request: Request, exc: Exception) -> Response:
    """Send people whose organisation requires a second factor to set it up."""
    return RedirectResponse("/account?enrol=1", status_code=303)


async def csrf_failed(request: Request, exc: Exception) -> Response:
    """Refuse a form without a valid anti-forgery token."""
    return _page(
        request, 403, "Form expired", "The form was stale or forged. Reload the page and retry."
    )


async def integrity_error(request: Request, exc: Exception) -> Response:
    """A unique rule broken by a concurrent request (two identical submissions at once):
    409, nothing changed (the request's transaction is rolled back)."""
    return await pactum_error(
        request,
        Conflict(
            "This record was created or changed at the same moment by another request; "
            "nothing was saved. Reload to see the latest state."
        ),
    )


STALE = (
    "The record changed since you read it: another change was saved first, and nothing "
    "of yours was. Read it again, then make your change."
)


async def stale_error(request: Request, exc: Exception) -> Response:
    """A concurrent writer saved first (the database's version check matched no row):
    412, nothing changed (the request's transaction is rolled back)."""
    return await pactum_error(request, PreconditionFailed(STALE))


def install(app: FastAPI) -> None:
    """Register every error handler on the app."""
    app.add_exception_handler(PactumError, pactum_error)
    app.add_exception_handler(IntegrityError, integrity_error)
    app.add_exception_handler(StaleDataError, stale_error)
    app.add_exception_handler(pydantic.ValidationError, model_error)
    app.add_exception_handler(RequestValidationError, validation_error)
    app.add_exception_handler(StarletteHTTPException, http_error)
    app.add_exception_handler(LoginRequired, login_required)
    app.add_exception_handler(SecondFactorRequired, second_factor)
    app.add_exception_handler(EnrolmentRequired, enrolment)
    app.add_exception_handler(CsrfFailed, csrf_failed)
    app.add_middleware(UnexpectedErrors)
