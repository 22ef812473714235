"""Template rendering with the common page context."""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path
from typing import Any

from fastapi import Request
from fastapi.responses import HTMLResponse
from fastapi.templating import Jinja2Templates

HERE = Path(__file__).parent
STATIC_DIR = HERE / "static"


def _label(value: object) -> str:
    """Human label for a code such as ``due_diligence``."""
    return str(value).replace("_", " ").capitalize()


@lru_cache(maxsize=1)
def templates() -> Jinja2Templates:
    """The template environment (built once, on first use)."""
    env = Jinja2Templates(directory=str(HERE / "templates"))
    env.env.filters["label"] = _label
    return env


def render(
    request: Request, name: str, context: dict[str, Any] | None = None, *, status_code: int = 200
) -> HTMLResponse:
    """Render a page with the caller (if any) and their CSRF token in the context."""
    ctx: dict[str, Any] = {"request": request}
    ctx.update(getattr(request.state, "page_context", {}))
    ctx.update(context or {})
    return templates().TemplateResponse(request, name, ctx, status_code=status_code)
