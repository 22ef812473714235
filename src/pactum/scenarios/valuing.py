"""Run the valuation engine for a scenario and keep what the pages and API show.

The engine's numeric modules load Numba (about a second, plus compilation on first use):
they are imported when a valuation runs, so the web app starts without them."""

from __future__ import annotations

from typing import Any

from pactum.core.errors import ValidationFailed
from pactum.valuation.schema import DealFile, DealFileError, parse

MENU_STEPS = (0.0, 0.5, 1.0, 1.5, 2.0)


def parse_deal(data: Any) -> DealFile:
    """A validated deal file, or a field error for each problem (``deal.<path>``)."""
    try:
        return parse(data)
    except DealFileError as exc:
        problems = [tuple(f"deal.{line}".split(": ", 1)) for line in exc.problems]
        pairs = [(p[0], p[1] if len(p) > 1 else "is not valid") for p in problems]
        raise ValidationFailed(pairs[0][0], pairs[0][1], more=pairs[1:]) from exc


def _menu(deal: DealFile, licensor_share: float) -> dict[str, Any] | None:
    """Upfront vs first royalty rate keeping the licensor's current share, if both exist."""
    if not deal.terms.upfront or deal.terms.royalties is None or not 0 < licensor_share < 1:
        return None
    from pactum.valuation.solve import SolveError, iso_value_menu

    upfront = deal.terms.upfront[0].amount or 10_000_000.0
    values = [round(upfront * step, 2) for step in MENU_STEPS]
    try:
        rows = iso_value_menu(
            deal,
            term="terms.royalties.tiers[0].rate",
            other="terms.upfront[0].amount",
            values=values,
            party="licensor",
            share=licensor_share,
        )
    except SolveError:
        return None
    return {
        "share": licensor_share,
        "rows": [{"upfront": u, "royalty_rate": r} for u, r in rows],
    }


def value(deal: DealFile, *, trials: int, seed: int) -> dict[str, Any]:
    """Exact and Monte Carlo results, the opt-in, the tornado and an iso-value menu."""
    from pactum.valuation import montecarlo
    from pactum.valuation.exact import evaluate
    from pactum.valuation.option import compile_for_valuation, option_value
    from pactum.valuation.report import to_json
    from pactum.valuation.solve import tornado

    model = compile_for_valuation(deal)
    exact = evaluate(model)
    mc = montecarlo.simulate(model, trials=trials, seed=seed)
    result = to_json(deal.name, deal.currency, exact, mc, option_value(deal, seed=seed))
    result["tornado"] = {
        party: [
            {"input": b.input, "change": b.change, "low": b.low, "high": b.high, "base": b.base}
            for b in tornado(model, party)
        ]
        for party in ("licensor", "licensee")
    }
    total = exact.rnpv["total"]
    share = exact.rnpv["licensor"] / total if total > 0 else 0.0
    result["iso_value_menu"] = _menu(deal, share)
    return result
