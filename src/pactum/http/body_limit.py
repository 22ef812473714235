"""A bound on every request body (defence against a body that never ends).

JSON bodies and forms are read whole before a route sees them, so without a bound a
client could make the server hold any amount in memory. :class:`BodyLimit` counts the
bytes each request's body delivers (and refuses a declared ``Content-Length`` over the
bound before reading) and answers 413 ``body: must be at most N MB``. Routes that stream
a larger body themselves (file uploads, imports) raise the bound for their request with
:func:`allow_body` before they read, and enforce their own, smaller-grained limits.
"""

from __future__ import annotations

from fastapi import Request
from starlette.exceptions import HTTPException
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from pactum.core.sizes import limit_text

SCOPE_KEY = "pactum.max_body_bytes"
DEFAULT_MAX_BODY = 4 * 1024 * 1024
# Methods whose bodies no route reads (a stream's or download's disconnect watcher may
# still call ``receive``: it must never be refused there).
BODILESS = frozenset({"GET", "HEAD", "OPTIONS"})


class BodyTooLarge(HTTPException):
    """413 naming the body and its bound (an ``HTTPException``, so that FastAPI passes it
    on when it happens while a JSON body is read)."""

    def __init__(self, limit: int) -> None:
        self.field = "body"
        self.rule = f"must be at most {limit_text(limit)}"
        super().__init__(413, detail=f"{self.field}: {self.rule}")


def allow_body(request: Request, limit: int) -> None:
    """Let this request's body be up to ``limit`` bytes (call before reading it)."""
    request.scope[SCOPE_KEY] = limit


class BodyLimit:
    """ASGI middleware bounding each request body at ``default`` bytes unless the route
    raised the bound for its request."""

    def __init__(self, app: ASGIApp, *, default: int = DEFAULT_MAX_BODY) -> None:
        self.app = app
        self.default = default

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        """Wrap ``receive`` to count the body's bytes against the request's bound."""
        if scope["type"] != "http" or scope.get("method") in BODILESS:
            await self.app(scope, receive, send)  # no route reads these bodies
            return
        scope[SCOPE_KEY] = self.default
        declared = next(
            (v for k, v in scope.get("headers", []) if k.lower() == b"content-length"), b""
        )
        received = 0
        checked = False
        started = False

        async def limited() -> Message:
            nonlocal received, checked
            message = await receive()
            if started:
                return message  # answered already: what is left is only discarded
            limit = int(scope.get(SCOPE_KEY, self.default))
            if not checked:
                checked = True
                if declared.isdigit() and int(declared) > limit:
                    raise BodyTooLarge(limit)
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > limit:
                    raise BodyTooLarge(limit)
            return message

        async def watched(message: Message) -> None:
            nonlocal started
            if message["type"] == "http.response.start":
                started = True
            await send(message)

        await self.app(scope, limited, watched)
