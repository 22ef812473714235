"""Exact money: Decimal amounts, rounding to the cent, allocation without losing a cent."""

from __future__ import annotations

from collections.abc import Sequence
from decimal import ROUND_HALF_UP, Decimal

CENT = Decimal("0.01")
ZERO = Decimal("0")


def to_cents(amount: Decimal) -> Decimal:
    """Round to the cent, half away from zero (the documented statement rule)."""
    return amount.quantize(CENT, rounding=ROUND_HALF_UP)


def allocate(total: Decimal, weights: Sequence[Decimal]) -> list[Decimal]:
    """Split a cent-exact ``total`` in proportion to ``weights``; the parts sum to ``total``.

    Largest-remainder method: every part is first rounded down to the cent, then the
    cents left over go to the largest remainders (ties: the earlier position).
    """
    total = to_cents(total)
    weight_sum = sum(weights, ZERO)
    if not weights:
        return []
    if weight_sum == 0:
        return [total] + [ZERO] * (len(weights) - 1)
    sign = -1 if total < 0 else 1
    cents = int(abs(total) / CENT)
    exact = [Decimal(cents) * w / weight_sum for w in weights]
    floors = [int(e) for e in exact]
    left = cents - sum(floors)
    order = sorted(range(len(weights)), key=lambda i: (-(exact[i] - floors[i]), i))
    for i in order[:left]:
        floors[i] += 1
    return [sign * Decimal(f) * CENT for f in floors]
