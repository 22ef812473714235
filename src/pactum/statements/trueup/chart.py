"""A small server-rendered SVG of a true-up: per party, reported vs shareable vs share."""

from __future__ import annotations

from collections.abc import Sequence
from decimal import Decimal
from html import escape

from markupsafe import Markup

WIDTH, HEIGHT, LEFT, TOP, BOTTOM = 640, 240, 56, 30, 40
SERIES = (("reported", "Reported", "#7a4fb5"), ("shareable", "Shareable", "#0f6e75"))
SHARE = ("share", "Share of the shareable total", "#c4622d")


def _amount(value: Decimal) -> str:
    return f"{value:,.2f}"


def positions_chart(
    title: str, parties: Sequence[tuple[str, dict[str, str]]], currency: str
) -> Markup:
    """Grouped bars per party: reported, shareable (capped) and its share."""
    bars = (*SERIES, SHARE)
    values = [Decimal(pos[key]) for _, pos in parties for key, _l, _c in bars]
    peak = max([*values, Decimal(1)])
    plot_h = HEIGHT - TOP - BOTTOM
    group_w = (WIDTH - LEFT - 10) / max(len(parties), 1)
    bar_w = group_w / (len(bars) + 1)
    body = [
        f'<line x1="{LEFT}" y1="{HEIGHT - BOTTOM}" x2="{WIDTH - 10}" y2="{HEIGHT - BOTTOM}" '
        'stroke="#888"/>'
    ]
    for i, (_key, label, colour) in enumerate(bars):
        body.append(
            f'<rect x="{LEFT + i * 200}" y="6" width="12" height="12" fill="{colour}"/>'
            f'<text x="{LEFT + 16 + i * 200}" y="16" font-size="12">{escape(label)}</text>'
        )
    described = []
    for g, (name, pos) in enumerate(parties):
        x0 = LEFT + g * group_w + bar_w / 2
        for i, (key, label, colour) in enumerate(bars):
            value = Decimal(pos[key])
            h = float(value / peak) * plot_h
            x = x0 + i * bar_w
            body.append(
                f'<rect x="{x:.1f}" y="{HEIGHT - BOTTOM - h:.1f}" width="{bar_w * 0.9:.1f}" '
                f'height="{max(h, 0.5):.1f}" fill="{colour}"><title>{escape(name)}: '
                f"{escape(label)} {escape(_amount(value))} {escape(currency)}</title></rect>"
            )
            described.append(f"{name} {label.lower()} {_amount(value)}")
        body.append(
            f'<text x="{x0 + bar_w * 1.5:.1f}" y="{HEIGHT - BOTTOM + 18}" font-size="12" '
            f'text-anchor="middle">{escape(name)}</text>'
        )
    body.append(
        f'<text x="4" y="{TOP + 4}" font-size="11">{escape(_amount(peak))}</text>'
        f'<text x="4" y="{HEIGHT - BOTTOM}" font-size="11">0</text>'
    )
    description = f"In {currency}: " + "; ".join(described) + "."
    return Markup(  # noqa: S704  (every interpolated text is escaped here)
        f'<svg class="chart" viewBox="0 0 {WIDTH} {HEIGHT}" role="img" '
        f'aria-label="{escape(title)}"><title>{escape(title)}</title>'
        f"<desc>{escape(description)}</desc>{''.join(body)}</svg>"
    )
