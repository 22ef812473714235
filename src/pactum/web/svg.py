"""Small, accessible SVG charts rendered on the server (no script, nothing fetched)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from html import escape

from markupsafe import Markup

WIDTH, HEIGHT, PAD = 640, 260, 48
COLOURS = ("#0f6e75", "#7a4fb5", "#c4622d", "#2f7d32")


def _money(value: float) -> str:
    for unit, size in (("bn", 1e9), ("m", 1e6), ("k", 1e3)):
        if abs(value) >= size:
            return f"{value / size:,.1f}{unit}"
    return f"{value:,.0f}"


def _frame(title: str, body: str, description: str, height: int = HEIGHT) -> Markup:
    return Markup(  # noqa: S704  (every interpolated text is escaped here)
        f'<svg class="chart" viewBox="0 0 {WIDTH} {height}" role="img" '
        f'aria-label="{escape(title)}"><title>{escape(title)}</title>'
        f"<desc>{escape(description)}</desc>{body}</svg>"
    )


def histogram(title: str, series: Sequence[tuple[str, Sequence[float], Sequence[int]]]) -> Markup:
    """Overlaid histograms: (name, bin edges, counts) per series."""
    edges_all = [e for _, edges, _ in series for e in edges]
    if not edges_all:
        return _frame(title, "", "No data.")
    low, high = min(edges_all), max(edges_all)
    peak = max((max(c) for _, _, c in series if c), default=1) or 1
    span = (high - low) or 1.0
    body = [
        f'<line x1="{PAD}" y1="{HEIGHT - PAD}" x2="{WIDTH - 8}" y2="{HEIGHT - PAD}" stroke="#888"/>'
    ]
    for index, (name, edges, counts) in enumerate(series):
        colour = COLOURS[index % len(COLOURS)]
        for i, count in enumerate(counts):
            x0 = PAD + (edges[i] - low) / span * (WIDTH - PAD - 8)
            x1 = PAD + (edges[i + 1] - low) / span * (WIDTH - PAD - 8)
            h = count / peak * (HEIGHT - 2 * PAD)
            body.append(
                f'<rect x="{x0:.1f}" y="{HEIGHT - PAD - h:.1f}" width="{max(x1 - x0, 0.5):.1f}" '
                f'height="{h:.1f}" fill="{colour}" fill-opacity="0.45"/>'
            )
        body.append(
            f'<rect x="{PAD + index * 130}" y="8" width="12" height="12" fill="{colour}"/>'
            f'<text x="{PAD + 16 + index * 130}" y="18" font-size="12">{escape(name)}</text>'
        )
    for frac in (0.0, 0.5, 1.0):
        x = PAD + frac * (WIDTH - PAD - 8)
        body.append(
            f'<text x="{x:.0f}" y="{HEIGHT - PAD + 16}" font-size="11" text-anchor="middle">'
            f"{escape(_money(low + frac * span))}</text>"
        )
    return _frame(title, "".join(body), f"Distribution from {_money(low)} to {_money(high)}.")


def lines(title: str, xs: Sequence[float], series: Sequence[tuple[str, Sequence[float]]]) -> Markup:
    """Line chart of several series over ``xs``."""
    values = [v for _, ys in series for v in ys] + [0.0]
    low, high = min(values), max(values)
    span = (high - low) or 1.0
    x_span = (max(xs) - min(xs)) or 1.0

    def point(x: float, y: float) -> str:
        px = PAD + (x - min(xs)) / x_span * (WIDTH - PAD - 8)
        py = HEIGHT - PAD - (y - low) / span * (HEIGHT - 2 * PAD)
        return f"{px:.1f},{py:.1f}"

    zero = HEIGHT - PAD - (0 - low) / span * (HEIGHT - 2 * PAD)
    body = [f'<line x1="{PAD}" y1="{zero:.1f}" x2="{WIDTH - 8}" y2="{zero:.1f}" stroke="#888"/>']
    for index, (name, ys) in enumerate(series):
        colour = COLOURS[index % len(COLOURS)]
        path = " ".join(point(x, y) for x, y in zip(xs, ys, strict=True))
        body.append(f'<polyline points="{path}" fill="none" stroke="{colour}" stroke-width="2"/>')
        body.append(
            f'<rect x="{PAD + index * 130}" y="8" width="12" height="12" fill="{colour}"/>'
            f'<text x="{PAD + 16 + index * 130}" y="18" font-size="12">{escape(name)}</text>'
        )
    body.append(f'<text x="4" y="{PAD}" font-size="11">{escape(_money(high))}</text>')
    body.append(f'<text x="4" y="{HEIGHT - PAD}" font-size="11">{escape(_money(low))}</text>')
    return _frame(title, "".join(body), f"From {_money(low)} to {_money(high)}.")


def tornado(title: str, bars: Sequence[tuple[str, float, float]], base: float) -> Markup:
    """Horizontal bars from low to high around ``base``, widest first."""
    if not bars:
        return _frame(title, "", "No inputs.")
    low = min(min(a, b) for _, a, b in bars)
    high = max(max(a, b) for _, a, b in bars)
    span = (high - low) or 1.0
    left = 190
    row = (HEIGHT - 30) / len(bars)

    def x(value: float) -> float:
        return left + (value - low) / span * (WIDTH - left - 10)

    body = []
    for i, (name, a, b) in enumerate(bars):
        y = 10 + i * row
        body.append(
            f'<text x="4" y="{y + row * 0.6:.1f}" font-size="11">{escape(name)}</text>'
            f'<rect x="{x(min(a, b)):.1f}" y="{y + 2:.1f}" width="{max(abs(x(b) - x(a)), 1):.1f}" '
            f'height="{row * 0.7:.1f}" fill="#0f6e75"/>'
        )
    body.append(
        f'<line x1="{x(base):.1f}" y1="4" x2="{x(base):.1f}" y2="{HEIGHT - 16}" stroke="#333"/>'
    )
    return _frame(
        title, "".join(body), f"Base {_money(base)}; range {_money(low)} to {_money(high)}."
    )


def _date_label(cx: float, y: int, day: date) -> str:
    """A point's date beside it: to its right, or to its left near the right edge."""
    text = escape(day.strftime("%d %b %Y"))
    if cx > WIDTH - 90:
        return f'<text x="{cx - 8:.1f}" y="{y + 4}" font-size="10" text-anchor="end">{text}</text>'
    return f'<text x="{cx + 8:.1f}" y="{y + 4}" font-size="10">{text}</text>'


def timeline(title: str, start: date, end: date, items: Sequence[tuple[date, str, str]]) -> Markup:
    """Dated items on a time axis, one row each (the first 12 by date): (date, label,
    state) with state ``overdue``, ``due_soon``/``due`` or anything else. Items of the
    same day keep the order given."""
    shown = sorted(items, key=lambda item: item[0])[:12]
    span = max((end - start).days, 1)
    left, row = 230, 18
    height = 40 + row * max(len(shown), 1)
    colours = {"overdue": "#b42318", "due": "#8a5a00", "due_soon": "#8a5a00"}

    def x(day: date) -> float:
        return left + (min(max(day, start), end) - start).days / span * (WIDTH - left - 16)

    body = [
        f'<line x1="{left}" y1="{height - 24}" x2="{WIDTH - 16}" y2="{height - 24}" '
        'stroke="#888"/>',
        f'<text x="{left}" y="{height - 8}" font-size="11">{start.isoformat()}</text>',
        f'<text x="{WIDTH - 16}" y="{height - 8}" font-size="11" text-anchor="end">'
        f"{end.isoformat()}</text>",
    ]
    for i, (day, label, state) in enumerate(shown):
        y = 16 + i * row
        colour = colours.get(state, "#0f6e75")
        body.append(
            f'<text x="4" y="{y + 4}" font-size="11">{escape(label[:36])}</text>'
            f'<line x1="{left}" y1="{y}" x2="{x(day):.1f}" y2="{y}" stroke="#e3e8ec"/>'
            f'<circle cx="{x(day):.1f}" cy="{y}" r="5" fill="{colour}"/>'
            f"{_date_label(x(day), y, day)}"
        )
    described = "; ".join(f"{d.isoformat()} {label} ({s})" for d, label, s in shown)
    return _frame(title, "".join(body), described or "Nothing scheduled.", height)
