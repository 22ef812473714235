"""Charts as one offline HTML file (Plotly's script is embedded: no CDN, no network)."""

from __future__ import annotations

from itertools import accumulate, pairwise
from pathlib import Path
from typing import Any

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
