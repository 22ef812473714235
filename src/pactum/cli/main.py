"""The ``pactum`` command: serve, demo data, database, people, tokens, audit, backups."""

from __future__ import annotations

import typer

from pactum.cli import admin, audit, db, demo, serve, value

app = typer.Typer(
    name="pactum",
    help=(
        "Pactum: a shared workspace for biotech-pharma alliances.\n\n"
        "Settings come from PACTUM_* environment variables (PACTUM_DATABASE_URL, "
        "PACTUM_SECRET_KEY, PACTUM_DATA_DIR ...); see the README."
    ),
    no_args_is_help=True,
    pretty_exceptions_enable=False,
)
app.command("serve")(serve.serve)
app.add_typer(demo.app, name="demo")
app.add_typer(db.app, name="db")
app.add_typer(admin.admin_app, name="admin")
app.add_typer(admin.org_app, name="org")
app.add_typer(admin.user_app, name="user")
app.add_typer(admin.token_app, name="token")
app.add_typer(audit.app, name="audit")
app.add_typer(value.app, name="value")
app.command("backup")(db.backup_cmd)
app.command("restore")(db.restore_cmd)

if __name__ == "__main__":
    app()
