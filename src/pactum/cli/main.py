"""The ``pactum`` command: serve, demo data, database, people, tokens, audit, valuation,
scheduled jobs (``tick``).

Sub-commands load on demand, so a quick command (``pactum audit verify``) does not pay for
the web server or the valuation engine's compiler at start-up.
"""

from __future__ import annotations

import importlib
from typing import Any

import click
import typer
from typer.core import TyperGroup

# name -> ("module:Typer app", the one-line summary shown by ``pactum --help``). The
# summaries are written here so that listing the commands imports none of them (a test
# keeps each equal to its command's own first help line).
COMMANDS = {
    "serve": (
        "pactum.cli.serve:app",
        "Migrate the database and serve Pactum (web pages and /api/v1), with the scheduler "
        "inside unless --no-scheduler.",
    ),
    "worker": (
        "pactum.cli.serve:worker_app",
        "Run the scheduler on its own, until stopped (SIGTERM or Ctrl-C): for deployments "
        "whose web servers run with --no-scheduler.",
    ),
    "demo": (
        "pactum.cli.demo:app",
        "Demo data. Without a sub-command: load it (if missing) and serve.",
    ),
    "db": (
        "pactum.cli.db:app",
        "Database schema.",
    ),
    "admin": (
        "pactum.cli.admin:admin_app",
        "Instance administrators.",
    ),
    "org": (
        "pactum.cli.admin:org_app",
        "Organisations.",
    ),
    "user": (
        "pactum.cli.admin:user_app",
        "People.",
    ),
    "token": (
        "pactum.cli.admin:token_app",
        "Personal API tokens.",
    ),
    "audit": (
        "pactum.cli.audit:app",
        "The tamper-evident audit trail.",
    ),
    "value": (
        "pactum.cli.value:app",
        "Value a deal: exact rNPV per party and Monte Carlo distributions.",
    ),
    "backup": (
        "pactum.cli.db:backup_app",
        "Back up the database online (SQLite backup API, or pg_dump for PostgreSQL), then the "
        "uploaded files to FILE.files.tar.",
    ),
    "restore": (
        "pactum.cli.db:restore_app",
        "Replace the database with a backup (and restore FILE.files.tar into the files "
        "directory), then check its integrity, audit trail and stored files.",
    ),
    "tick": (
        "pactum.cli.tick:app",
        "Run every scheduled job once: what time made due (escalations, deemed acceptances, "
        "expiries), reminders, the e-mail outbox (SMTP when PACTUM_SMTP_HOST is set) and "
        "orphan files.",
    ),
}
SINGLE = frozenset({"serve", "worker", "backup", "restore", "tick"})


def load(cmd_name: str) -> Any:
    """The named command, built from its module (imported now)."""
    module, attribute = COMMANDS[cmd_name][0].split(":")
    sub_app = getattr(importlib.import_module(module), attribute)
    build = typer.main.get_command if cmd_name in SINGLE else typer.main.get_group
    command = build(sub_app)
    command.name = cmd_name
    return command


class _OnDemand(TyperGroup):
    """Import a sub-command's module only when that sub-command is used; listing the
    commands (``pactum --help``) imports none of them."""

    _listing = False

    def list_commands(self, ctx: Any) -> list[str]:
        """Every command, in a fixed order."""
        return list(COMMANDS)

    def format_help(self, ctx: Any, formatter: Any) -> None:
        """The group's help, listing the commands from their summaries."""
        self._listing = True
        try:
            super().format_help(ctx, formatter)
        finally:
            self._listing = False

    def get_command(self, ctx: Any, cmd_name: str) -> Any:
        """The named command: a stand-in with its summary while the help lists the
        commands, else the real command (its module imported now)."""
        if cmd_name not in COMMANDS:
            return None
        if self._listing:
            return click.Command(cmd_name, help=COMMANDS[cmd_name][1])
        return load(cmd_name)


app = typer.Typer(
    name="pactum",
    cls=_OnDemand,
    no_args_is_help=True,
    pretty_exceptions_enable=False,
)


@app.callback()
def main() -> None:
    """Pactum: a shared workspace for biotech-pharma alliances.

    Settings come from PACTUM_* environment variables (PACTUM_DATABASE_URL,
    PACTUM_SECRET_KEY, PACTUM_DATA_DIR ...); see the README.
    """


if __name__ == "__main__":
    app()
