"""``pactum serve`` and ``pactum worker``."""

from __future__ import annotations

import os
import signal
from types import FrameType
from typing import Annotated

import typer
import uvicorn

from pactum.cli.context import console, engine, settings
from pactum.core.db import make_sessionmaker
from pactum.ops.scheduler import Scheduler


def serve(
    host: Annotated[str | None, typer.Option(help="Address to listen on.")] = None,
    port: Annotated[int | None, typer.Option(help="Port to listen on.")] = None,
    workers: Annotated[int, typer.Option(help="Worker processes.")] = 1,
    scheduler: Annotated[
        bool,
        typer.Option(
            help="Run the scheduler (time-driven changes, reminders, e-mail) inside the "
            "server; one process leads however many run. Turn it off when a separate "
            "`pactum worker` (or cron running `pactum tick`) does it."
        ),
    ] = True,
) -> None:
    """Migrate the database and serve Pactum (web pages and /api/v1), with the scheduler
    inside unless --no-scheduler. Links in e-mails use PACTUM_PUBLIC_URL, else the address
    served here."""
    config = settings()
    engine(config).dispose()
    host = host or config.host
    port = port or config.port
    # The app of every worker process reads its settings from the environment: tell it
    # the address actually served (for links when PACTUM_PUBLIC_URL is not set) and
    # whether to run the scheduler.
    os.environ["PACTUM_HOST"] = host
    os.environ["PACTUM_PORT"] = str(port)
    os.environ["PACTUM_SCHEDULER"] = "true" if scheduler else "false"
    console.print(
        f"Pactum on http://{host}:{port}  (API: http://{host}:{port}/api/v1/openapi.json)"
        + ("" if scheduler else "  [scheduler off]")
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


def worker(
    interval: Annotated[
        float | None,
        typer.Option(help="Seconds between runs (default PACTUM_SCHEDULER_SECONDS, 30)."),
    ] = None,
) -> None:
    """Run the scheduler on its own, until stopped (SIGTERM or Ctrl-C): for deployments
    whose web servers run with --no-scheduler. Several may run; one leads at a time."""
    config = settings()
    eng = engine(config)
    runner = Scheduler(eng, make_sessionmaker(eng), config, interval=interval)

    def stop(_signum: int, _frame: FrameType | None) -> None:
        runner.stop(timeout=0)

    signal.signal(signal.SIGTERM, stop)
    console.print(f"Pactum scheduler every {runner.interval:g} s (Ctrl-C to stop)")
    try:
        runner.run_forever()
    except KeyboardInterrupt:
        pass
    finally:
        eng.dispose()


app = typer.Typer()
app.command("serve")(serve)

worker_app = typer.Typer()
worker_app.command("worker")(worker)
