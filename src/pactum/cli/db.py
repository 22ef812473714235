"""``pactum db``, ``pactum backup`` and ``pactum restore``."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from pactum.cli.context import console, engine, err, settings
from pactum.ops import backup as backups

app = typer.Typer(help="Database schema.", no_args_is_help=True)


@app.command("upgrade")
def upgrade_cmd() -> None:
    """Create or upgrade the database schema to the latest version."""
    config = settings()
    eng = engine(config)
    eng.dispose()
    console.print(f"Database is at the latest schema ({backups.describe(config.database_url)}).")


def backup_cmd(
    file: Annotated[Path, typer.Argument(help="Where to write the backup.")],
) -> None:
    """Back up the database online (SQLite backup API, or pg_dump for PostgreSQL), then
    the uploaded files to FILE.files.tar."""
    config = settings()
    try:
        count = backups.backup(config.database_url, file, files_dir=config.files_root)
    except backups.BackupError as exc:
        err.print(f"[red]Backup failed:[/red] {exc}")
        raise typer.Exit(1) from exc
    console.print(f"Backup written to {file}.")
    if count:
        console.print(f"{count} stored file(s) written to {backups.files_archive(file)}.")


def restore_cmd(
    file: Annotated[Path, typer.Argument(help="A file written by `pactum backup`.")],
    yes: Annotated[bool, typer.Option("--yes", help="Do not ask for confirmation.")] = False,
) -> None:
    """Replace the database with a backup (and restore FILE.files.tar into the files
    directory), then check its integrity, audit trail and stored files."""
    config = settings()
    if not yes:
        typer.confirm(
            f"Replace the database {backups.describe(config.database_url)} with {file}?",
            abort=True,
        )
    try:
        report = backups.restore(config.database_url, file, files_dir=config.files_root)
    except backups.BackupError as exc:
        err.print(f"[red]Restore failed:[/red] {exc}")
        raise typer.Exit(1) from exc
    console.print(f"Restored from {file}. {report}")


backup_app = typer.Typer()
backup_app.command("backup")(backup_cmd)
restore_app = typer.Typer()
restore_app.command("restore")(restore_cmd)
