"""``pactum serve``."""

from __future__ import annotations

from typing import Annotated

import typer
import uvicorn

from pactum.cli.context import console, engine, settings


def serve(
    host: Annotated[str | None, typer.Option(help="Address to listen on.")] = None,
    port: Annotated[int | None, typer.Option(help="Port to listen on.")] = None,
    workers: Annotated[int, typer.Option(help="Worker processes.")] = 1,
) -> None:
    """Migrate the database and serve Pactum (web pages and /api/v1)."""
    config = settings()
    engine(config).dispose()
    host = host or config.host
    port = port or config.port
    console.print(
        f"Pactum on http://{host}:{port}  (API: http://{host}:{port}/api/v1/openapi.json)"
    )
    uvicorn.run(
        "pactum.main:create_app",
        factory=True,
        host=host,
        port=port,
        workers=workers,
        log_level="info",
        proxy_headers=False,
    )


app = typer.Typer()
app.command("serve")(serve)
