"""``pactum demo``: load the demo data (and serve)."""

from __future__ import annotations

import typer

from pactum.cli.context import console, session
from pactum.cli.serve import serve
from pactum.ops import demo as demo_data

app = typer.Typer(
    help="Demo data. Without a sub-command: load it (if missing) and serve.",
    invoke_without_command=True,
)


def print_logins() -> None:
    """Print the demo logins in full (no truncation, easy to copy)."""
    console.print(f"Demo logins - password for all: {demo_data.DEMO_PASSWORD}")
    for org, name, email, role in demo_data.logins():
        console.print(f"  {email:<40} {name} ({org}; {role})", soft_wrap=True, highlight=False)


@app.command("load")
def load() -> None:
    """Load the demo organisations, people and alliance (idempotent) and print the logins."""
    with session() as db:
        added = demo_data.load(db)
    console.print("Demo data loaded." if added else "Demo data already present.")
    print_logins()


@app.callback()
def demo(ctx: typer.Context) -> None:
    """Load the demo data, then serve on http://127.0.0.1:8000."""
    if ctx.invoked_subcommand is None:
        load()
        serve()
