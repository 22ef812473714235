"""Benchmark: royalty statements over 200 countries x 8 quarters (target < 50 ms).

Run: ``.venv/bin/python benchmarks/bench_finance.py`` (part of ``make bench``).
"""

from __future__ import annotations

import random
import statistics
import sys
import time
from decimal import Decimal
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "src"))

from pactum.finance.royalty import (
    QuarterInput,
    RoyaltyTerms,
    SalesLine,
    StepDown,
    ThirdPartyOffset,
    Tier,
    year,
)


def main() -> None:
    """Time two contract years of quarterly statements for 200 countries."""
    rng = random.Random(1)
    countries = [f"C{i:03d}" for i in range(200)]
    terms = RoyaltyTerms(
        (
            Tier(Decimal(0), Decimal("0.08")),
            Tier(Decimal(250_000_000), Decimal("0.10")),
            Tier(Decimal(750_000_000), Decimal("0.12")),
        ),
        "marginal",
        (ThirdPartyOffset(Decimal("0.5"), Decimal("0.5")), StepDown(Decimal("0.5"))),
        Decimal("0.02"),
    )
    quarters = [
        QuarterInput(
            tuple(
                SalesLine(c, "HLX-204", Decimal(rng.randint(10_000, 5_000_000_00)) / 100)
                for c in countries
            ),
            Decimal(rng.randint(0, 10_000_000)),
            exclusivity_lost=frozenset(countries[: q * 10]),
            term_ended=frozenset(countries[-q:]) if q else frozenset(),
        )
        for q in range(8)
    ]
    times = []
    for _ in range(30):
        started = time.perf_counter()
        for first in (0, 4):
            year(terms, quarters[first : first + 4])
        times.append((time.perf_counter() - started) * 1000)
    print(
        f"royalty statements, 200 countries x 8 quarters: median {statistics.median(times):.1f} ms,"
        f" max {max(times):.1f} ms (30 runs)"
    )


if __name__ == "__main__":
    main()
