"""Charts as one offline HTML file (Plotly's script is embedded: no CDN, no network) or as
a PNG image (Matplotlib, rendered locally)."""

from __future__ import annotations

from itertools import accumulate, pairwise
from pathlib import Path
from typing import Any

import matplotlib

matplotlib.use("Agg")  # no display: render to files only
import matplotlib.pyplot as plt
import plotly.graph_objects as go
from plotly.subplots import make_subplots

from pactum.valuation.exact import PARTIES
from pactum.valuation.solve import Bar

COLOURS = {"total": "#0f6e75", "licensor": "#7a4fb5", "licensee": "#c4622d"}


def figure(result: dict[str, Any], bars: list[Bar]) -> go.Figure:
    """Distribution per party, cumulative expected cash flow, and the tornado."""
    fig = make_subplots(
        rows=3,
        cols=1,
        subplot_titles=(
            "Monte Carlo distribution of NPV per party",
            "Cumulative expected (risk-adjusted, undiscounted) cash flow",
            "Sensitivity of the licensee's rNPV",
        ),
        vertical_spacing=0.09,
    )
    mc = result.get("monte_carlo")
    if mc is not None:
        for party in PARTIES:
            hist = mc[party]["histogram"]
            edges = hist["edges"]
            mids = [(a + b) / 2 for a, b in pairwise(edges)]
            fig.add_trace(
                go.Bar(
                    x=mids, y=hist["counts"], name=party, marker_color=COLOURS[party], opacity=0.6
                ),
                row=1,
                col=1,
            )
    flows = result["exact"]["cash_flows"]
    for party in PARTIES:
        fig.add_trace(
            go.Scatter(
                x=flows["year"],
                y=list(accumulate(flows[party])),
                name=f"{party} (cumulative)",
                line={"color": COLOURS[party]},
            ),
            row=2,
            col=1,
        )
    for bar in reversed(bars):
        fig.add_trace(
            go.Bar(
                y=[f"{bar.input} ({bar.change})"],
                x=[bar.high - bar.low],
                base=[min(bar.low, bar.high)],
                orientation="h",
                marker_color="#0f6e75",
                showlegend=False,
            ),
            row=3,
            col=1,
        )
    fig.update_layout(
        title=f"{result['name']} ({result['currency']})", barmode="overlay", height=1200, width=1000
    )
    return fig


def write_html(path: Path, result: dict[str, Any], bars: list[Bar]) -> None:
    """Write the charts to ``path`` with Plotly embedded (works offline)."""
    figure(result, bars).write_html(str(path), include_plotlyjs=True, full_html=True)


def write_png(path: Path, result: dict[str, Any], bars: list[Bar]) -> None:
    """Write the same three charts as one PNG image."""
    fig, (dist, cumulative, tornado) = plt.subplots(3, 1, figsize=(10, 13))
    mc = result.get("monte_carlo")
    if mc is not None:
        for party in PARTIES:
            hist = mc[party]["histogram"]
            edges = hist["edges"]
            widths = [b - a for a, b in pairwise(edges)]
            dist.bar(
                edges[:-1],
                hist["counts"],
                width=widths,
                align="edge",
                alpha=0.5,
                color=COLOURS[party],
                label=party,
            )
        dist.legend()
    dist.set_title("Monte Carlo distribution of NPV per party")
    flows = result["exact"]["cash_flows"]
    for party in PARTIES:
        cumulative.plot(
            flows["year"], list(accumulate(flows[party])), color=COLOURS[party], label=party
        )
    cumulative.axhline(0, color="#888", linewidth=0.8)
    cumulative.set_title("Cumulative expected (risk-adjusted, undiscounted) cash flow")
    cumulative.legend()
    ordered = list(reversed(bars))
    tornado.barh(
        [f"{b.input} ({b.change})" for b in ordered],
        [b.high - b.low for b in ordered],
        left=[min(b.low, b.high) for b in ordered],
        color="#0f6e75",
    )
    if bars:
        tornado.axvline(bars[0].base, color="#333", linewidth=0.8)
    tornado.set_title("Sensitivity of the licensee's rNPV")
    # A "$" in a deal's name would start matplotlib's math text (and fail to parse).
    title = str(result["name"]).replace("$", r"\$")
    fig.suptitle(f"{title} ({result['currency']})")
    fig.tight_layout()
    fig.savefig(path, dpi=100)
    plt.close(fig)
