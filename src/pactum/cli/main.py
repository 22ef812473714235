"""The ``pactum`` command: serve, demo data, database, people, tokens, audit, valuation,
scheduled jobs (``tick``).

Sub-commands load on demand, so a quick command (``pactum audit verify``) does not pay for
the web server or the valuation engine's compiler at start-up.
"""

from __future__ import annotations

import importlib
from typing import Any

import typer
from typer.core import TyperGroup

# name -> "module:Typer app"; the single commands are in SINGLE, the rest are groups.
COMMANDS = {
    "serve": "pactum.cli.serve:app",
    "worker": "pactum.cli.serve:worker_app",
    "demo": "pactum.cli.demo:app",
    "db": "pactum.cli.db:app",
    "admin": "pactum.cli.admin:admin_app",
    "org": "pactum.cli.admin:org_app",
    "user": "pactum.cli.admin:user_app",
    "token": "pactum.cli.admin:token_app",
    "audit": "pactum.cli.audit:app",
    "value": "pactum.cli.value:app",
    "backup": "pactum.cli.db:backup_app",
    "restore": "pactum.cli.db:restore_app",
    "tick": "pactum.cli.tick:app",
}
SINGLE = frozenset({"serve", "worker", "backup", "restore", "tick"})


class _OnDemand(TyperGroup):
    """Import a sub-command's module only when that sub-command is used (or listed)."""

    def list_commands(self, ctx: Any) -> list[str]:
        """Every command, in a fixed order."""
        return list(COMMANDS)

    def get_command(self, ctx: Any, cmd_name: str) -> Any:
        """Load the named command's module and build its command."""
        target = COMMANDS.get(cmd_name)
        if target is None:
            return None
        module, attribute = target.split(":")
        sub_app = getattr(importlib.import_module(module), attribute)
        build = typer.main.get_command if cmd_name in SINGLE else typer.main.get_group
        command = build(sub_app)
        command.name = cmd_name
        return command


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
