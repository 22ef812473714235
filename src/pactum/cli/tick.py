"""``pactum tick``: run due jobs (reminders); safe to run from cron every minute."""

from __future__ import annotations

from typing import Annotated

import typer

from pactum.cli.context import console, engine, err, settings
from pactum.core.db import make_sessionmaker
from pactum.notify.mail import Mailer
from pactum.ops.tick import run_tick


def tick(
    quiet: Annotated[
        bool,
        typer.Option(
            "--quiet", "-q", help="Print only when something was sent or failed (for cron)."
        ),
    ] = False,
) -> None:
    """Run every scheduled job once: what time made due (escalations, deemed acceptances,
    expiries), reminders, the e-mail outbox (SMTP when PACTUM_SMTP_HOST is set) and orphan
    files. Idempotent: safe to run from cron every minute, even twice at once; each
    reminder goes out once. Exits 1 if a job or an e-mail failed (failed
    e-mails are retried on a later tick)."""
    config = settings()
    eng = engine(config)
    mailer = Mailer(config)
    try:
        outcomes = run_tick(make_sessionmaker(eng), config, mailer=mailer)
    finally:
        eng.dispose()
    failed = any(o.result.failed for o in outcomes)
    if not quiet or any(o.result.acted or o.result.failed for o in outcomes):
        console.print(f"tick ({mailer.describe()}):")
        for outcome in outcomes:
            out = err if outcome.result.failed else console
            out.print(f"  {outcome.name}: {outcome.result.summary} [{outcome.seconds:.2f} s]")
    if failed:
        raise typer.Exit(1)


app = typer.Typer()
app.command("tick")(tick)
