"""``pactum audit``: verify the trail, export a party's view of an alliance."""

from __future__ import annotations

import json
import time
import uuid
from pathlib import Path
from typing import Annotated

import typer

from pactum.audit.service import export_csv, export_lines, verify_trail
from pactum.cli.context import console, err, session
from pactum.orgs.service import find_org

app = typer.Typer(help="The tamper-evident audit trail.", no_args_is_help=True)


@app.command("verify")
def verify() -> None:
    """Recompute every hash chain; print ok or the first broken entry (exit 1)."""
    with session(migrate=False) as db:
        started = time.perf_counter()
        result = verify_trail(db)
        elapsed = time.perf_counter() - started
    if result.ok:
        console.print(
            f"ok: {result.entries} entries in {result.chains} chains verified in {elapsed:.2f} s"
        )
        return
    err.print(f"BROKEN: {result.problem}")
    raise typer.Exit(1)


@app.command("export")
def export(
    alliance: Annotated[str, typer.Option(help="The alliance id.")],
    org: Annotated[str, typer.Option(help="The party (organisation name or id) to export for.")],
    output: Annotated[Path, typer.Option("-o", "--output", help="JSON-lines file to write.")],
    csv_output: Annotated[
        Path | None, typer.Option("--csv", help="Also write a human-readable CSV here.")
    ] = None,
) -> None:
    """Write what one party may see of an alliance's trail (verify with verify.py)."""
    try:
        alliance_id = uuid.UUID(alliance)
    except ValueError as exc:
        err.print("[red]--alliance:[/red] must be an alliance id (a UUID)")
        raise typer.Exit(2) from exc
    with session(migrate=False) as db:
        organisation = find_org(db, org)
        lines = list(export_lines(db, alliance_id=alliance_id, org_id=organisation.id))
    if len(lines) == 1 and not json.loads(lines[0])["heads"]:
        err.print(
            f"[red]--alliance:[/red] no trail for that alliance visible to {organisation.name}"
        )
        raise typer.Exit(1)
    output.write_bytes(("\n".join(lines) + "\n").encode("ascii"))
    if csv_output is not None:
        entries = [json.loads(line) for line in lines[1:]]
        csv_output.write_text(export_csv(entries), encoding="utf-8")
    console.print(f"{len(lines) - 1} entries written to {output}.")
