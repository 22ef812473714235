"""``pactum value``: value a deal file exactly and by Monte Carlo; solve, sensitivity."""

from __future__ import annotations

import json
import math
import time
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.progress import BarColumn, Progress, TextColumn, TimeRemainingColumn
from rich.table import Table
from typer.core import TyperGroup

from pactum.cli.context import console, err
from pactum.valuation import montecarlo, schema
from pactum.valuation.exact import PARTIES, evaluate
from pactum.valuation.model import OFFSETS, Model
from pactum.valuation.option import compile_for_valuation, option_value
from pactum.valuation.portfolio import simulate_portfolio
from pactum.valuation.report import money, to_json
from pactum.valuation.solve import SolveError, iso_value_menu, solve_share, tornado


class _FileFirst(TyperGroup):
    """``pactum value FILE ...`` runs the default command ``run``."""

    def resolve_command(self, ctx: Any, args: list[str]) -> Any:
        """Route a leading file name to ``run``."""
        if args and args[0] not in self.commands and not args[0].startswith("-"):
            args = ["run", *args]
        return super().resolve_command(ctx, args)


app = typer.Typer(
    cls=_FileFirst,
    help=(
        "Value a deal: exact rNPV per party and Monte Carlo distributions.\n\n"
        "pactum value FILE [--trials N] [--seed S] [--convention mid|end|begin] [--json] "
        "[--plot OUT.html|OUT.png]"
    ),
    no_args_is_help=True,
)

FileArg = Annotated[Path, typer.Argument(help="A deal file (.yaml, .yml or .json).")]


def _load(path: Path, convention: str | None = None) -> schema.DealFile:
    try:
        deal = schema.load(path)
    except schema.DealFileError as exc:
        for line in exc.problems:
            err.print(f"[red]{path}:[/red] {line}", highlight=False)
        raise typer.Exit(2) from exc
    if convention is not None:
        deal = deal.model_copy(update={"convention": convention})
    return deal


def _simulate(model: Model, trials: int, seed: int, quiet: bool) -> montecarlo.Result:
    """Run the simulation with a progress bar when it will take more than a second."""
    if quiet or trials <= montecarlo.CHUNK:
        return montecarlo.simulate(model, trials=trials, seed=seed)
    columns = (TextColumn("Simulating"), BarColumn(), TextColumn("{task.percentage:>3.0f}%"),
               TimeRemainingColumn())  # fmt: skip
    with Progress(*columns, console=err, transient=True) as progress:
        task = progress.add_task("trials", total=trials)
        return montecarlo.simulate(
            model,
            trials=trials,
            seed=seed,
            progress=lambda done: progress.update(task, completed=done),
        )


@app.command("run")
def run(
    file: FileArg,
    trials: Annotated[
        int | None, typer.Option(min=0, help="Monte Carlo trials (0: exact only).")
    ] = None,
    seed: Annotated[int | None, typer.Option(min=0, help="Random seed (reproducible).")] = None,
    convention: Annotated[
        str | None, typer.Option(help="Discounting of operating flows: mid, end or begin.")
    ] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print the JSON contract.")] = False,
    plot: Annotated[
        Path | None, typer.Option(help="Write charts to this .html (offline) or .png file.")
    ] = None,
) -> None:
    """Value a deal file: rNPV, NPV and the Monte Carlo distribution per party."""
    if convention is not None and convention not in OFFSETS:
        err.print("[red]--convention:[/red] must be mid, end or begin")
        raise typer.Exit(2)
    if plot is not None and plot.suffix.lower() not in {".html", ".png"}:
        err.print("[red]--plot:[/red] write an .html (interactive, offline) or .png file")
        raise typer.Exit(2)
    deal = _load(file, convention)
    model = compile_for_valuation(deal)
    exact = evaluate(model)
    n = deal.simulation.trials if trials is None else trials
    s = deal.simulation.seed if seed is None else seed
    started = time.perf_counter()
    mc = _simulate(model, n, s, as_json) if n > 0 else None
    elapsed = time.perf_counter() - started
    option = option_value(deal, seed=s)
    result = to_json(deal.name, deal.currency, exact, mc, option)
    if plot is not None:
        from pactum.valuation import charts  # plotly is heavy: load it only when asked

        writer = charts.write_png if plot.suffix.lower() == ".png" else charts.write_html
        writer(plot, result, tornado(model))
    if as_json:
        typer.echo(json.dumps(result, indent=2))
        return
    _print(deal, result, elapsed)
    if plot is not None:
        console.print(f"Charts written to {plot}.")


def _print(deal: schema.DealFile, result: dict[str, Any], elapsed: float) -> None:
    exact, mc = result["exact"], result.get("monte_carlo")
    table = Table(
        title=f"{deal.name} ({deal.currency}, {deal.convention}-year, valued {deal.valuation_date})"
    )
    table.add_column("")
    for party in PARTIES:
        table.add_column(party.capitalize(), justify="right")
    table.add_row("rNPV (exact)", *(money(exact[p]["rnpv"]) for p in PARTIES))
    table.add_row("NPV if approved", *(money(exact[p]["npv"]) for p in PARTIES))
    if mc is not None:
        table.add_row("MC mean", *(money(mc[p]["mean"]) for p in PARTIES))
        table.add_row("MC std error", *(money(mc[p]["std_error"]) for p in PARTIES))
        for q in (5, 50, 95):
            table.add_row(f"P{q}", *(money(mc[p][f"p{q}"]) for p in PARTIES))
        table.add_row("P(loss)", *(f"{mc[p]['prob_negative']:.1%}" for p in PARTIES))
    console.print(table)
    console.print(f"Probability of approval: {exact['probability_of_approval']:.1%}")
    if mc is not None:
        rate = mc["trials"] / elapsed if elapsed > 0 else float("inf")
        console.print(
            f"{mc['trials']:,} trials, seed {mc['seed']}, {elapsed:.2f} s ({rate:,.0f}/s)"
        )
    option = result.get("opt_in")
    if option is not None:
        console.print(
            f"Opt-in after {option['gate']} ({option['holder']} pays {money(option['fee'])}): "
            f"gain at the gate {money(option['gain_at_gate'])} -> "
            f"{'exercised' if option['exercise'] else 'not exercised'} in the base case. "
            f"Value of the right ({option['basis']}): committed "
            f"{money(option['committed_value'])}, as an option "
            f"{money(option['simulated_value'])} (simulated, P(exercise) "
            f"{option['probability_of_exercise']:.0%})"
            + (
                f", closed form {money(option['closed_form_value'])}"
                if option["closed_form_value"] is not None
                else ""
            ),
            highlight=False,
        )
    items = Table(title="Where the value comes from (rNPV by item)")
    items.add_column("Item")
    for party in PARTIES:
        items.add_column(party.capitalize(), justify="right")
    for item, values in exact["breakdown"].items():
        items.add_row(item, *(money(values[p]) for p in PARTIES))
    console.print(items)


@app.command("solve")
def solve(
    file: FileArg,
    term: Annotated[str, typer.Option(help="Path of the term, e.g. terms.royalties.tiers[0].rate")],
    party: Annotated[str, typer.Option(help="licensor or licensee")],
    share: Annotated[float, typer.Option(help="The party's target share of the deal's rNPV")],
    vary: Annotated[
        str | None,
        typer.Option(help="A second term for an iso-value menu, e.g. terms.upfront[0].amount"),
    ] = None,
    values: Annotated[str | None, typer.Option(help="Comma-separated values of --vary")] = None,
) -> None:
    """Solve one term so a party gets a target share of the deal's risk-adjusted value."""
    deal = _load(file)
    grid = _grid(vary, values)
    started = time.perf_counter()
    try:
        solution = solve_share(deal, term=term, party=party, share=share)
    except SolveError as exc:
        err.print(f"[red]Cannot solve:[/red] {exc}")
        if grid is None:
            raise typer.Exit(1) from exc
    else:
        elapsed = time.perf_counter() - started
        console.print(
            f"{term} = {solution.value:,.6g} gives the {party} {solution.share:.2%} of the deal "
            f"(rNPV {money(solution.party_rnpv)} of {money(solution.total_rnpv)} "
            f"{deal.currency}); {solution.iterations} evaluations, {elapsed * 1000:.1f} ms"
        )
    if grid is None or vary is None:
        return
    try:
        menu = iso_value_menu(deal, term=term, other=vary, values=grid, party=party, share=share)
    except SolveError as exc:
        err.print(f"[red]--vary:[/red] {exc}".replace("--term: ", ""))
        raise typer.Exit(2) from exc
    table = Table(title=f"Iso-value menu: {party} keeps {share:.0%}")
    table.add_column(vary, justify="right")
    table.add_column(term, justify="right")
    for other, solved in menu:
        table.add_row(f"{other:,.6g}", "no solution" if solved is None else f"{solved:,.6g}")
    console.print(table)
    found = sum(solved is not None for _, solved in menu)
    console.print(f"{found} of {len(menu)} values of {vary} have a solution.")
    if found == 0:
        raise typer.Exit(1)


def _grid(vary: str | None, values: str | None) -> list[float] | None:
    """The values of ``--vary`` (``None`` without it); a clear error when malformed."""
    if vary is None:
        if values:
            err.print("[red]--values:[/red] needs --vary (the term the values are for)")
            raise typer.Exit(2)
        return None
    if not values:
        err.print("[red]--values:[/red] give the values of --vary, e.g. 0,25000000,50000000")
        raise typer.Exit(2)
    try:
        grid = [float(v) for v in values.split(",")]
    except ValueError as exc:
        err.print("[red]--values:[/red] must be comma-separated numbers")
        raise typer.Exit(2) from exc
    if not all(math.isfinite(v) for v in grid):
        err.print("[red]--values:[/red] must be finite numbers")
        raise typer.Exit(2)
    return grid


@app.command("sensitivity")
def sensitivity(
    file: FileArg,
    party: Annotated[str, typer.Option(help="total, licensor or licensee")] = "licensee",
) -> None:
    """Tornado: how each input moves a party's rNPV, widest first."""
    if party not in PARTIES:
        err.print("[red]--party:[/red] must be total, licensor or licensee")
        raise typer.Exit(2)
    model = compile_for_valuation(_load(file))
    table = Table(title=f"Sensitivity of the {party}'s rNPV")
    for column in ("Input", "Change", "Low", "High", "Swing"):
        table.add_column(column, justify="right" if column in {"Low", "High", "Swing"} else "left")
    for bar in tornado(model, party):
        table.add_row(bar.input, bar.change, money(bar.low), money(bar.high), money(bar.swing))
    console.print(table)


@app.command("schema")
def json_schema() -> None:
    """Print the deal file's JSON Schema."""
    typer.echo(json.dumps(schema.json_schema(), indent=2))


@app.command("portfolio")
def portfolio(
    files: Annotated[list[Path], typer.Argument(help="Two or more deal files.")],
    rho: Annotated[
        float, typer.Option(help="Correlation of phase outcomes across assets (0 to <1).")
    ] = 0.3,
    trials: Annotated[int, typer.Option(min=1, help="Monte Carlo trials.")] = 200_000,
    seed: Annotated[int, typer.Option(min=0, help="Random seed (reproducible).")] = 1,
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON.")] = False,
) -> None:
    """Value several assets together with correlated phase outcomes (Gaussian copula)."""
    if not 0.0 <= rho < 1.0:
        err.print(f"[red]--rho:[/red] must be at least 0 and below 1, got {rho}")
        raise typer.Exit(2)
    models = [compile_for_valuation(_load(path)) for path in files]
    result = simulate_portfolio(models, trials=trials, seed=seed, rho=rho)
    if as_json:
        payload = {
            "trials": result.trials,
            "seed": result.seed,
            "rho": result.rho,
            "exact_rnpv": result.exact_rnpv,
            "approvals": {"counts": result.approvals, "expected": result.expected_approvals},
            **{party: summary.as_dict() for party, summary in result.parties.items()},
        }
        typer.echo(json.dumps(payload, indent=2))
        return
    table = Table(title=f"Portfolio of {len(files)} assets (rho {rho}, {trials:,} trials)")
    table.add_column("")
    for party in PARTIES:
        table.add_column(party.capitalize(), justify="right")
    table.add_row("rNPV (exact, sum)", *(money(result.exact_rnpv[p]) for p in PARTIES))
    table.add_row("MC mean", *(money(result.parties[p].mean) for p in PARTIES))
    table.add_row("MC std deviation", *(money(result.parties[p].std) for p in PARTIES))
    for q in (5, 50, 95):
        table.add_row(f"P{q}", *(money(result.parties[p].percentiles[q]) for p in PARTIES))
    table.add_row("P(loss)", *(f"{result.parties[p].prob_negative:.1%}" for p in PARTIES))
    console.print(table)
    approvals = Table(title="Number of approvals")
    approvals.add_column("Approvals", justify="right")
    approvals.add_column("Probability", justify="right")
    for k, count in enumerate(result.approvals):
        approvals.add_row(str(k), f"{count / result.trials:.2%}")
    console.print(approvals)
    console.print(f"Expected approvals: {result.expected_approvals:.3f}")
