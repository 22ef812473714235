"""Deal files for the valuation tests."""

from __future__ import annotations

import copy
from typing import Any

SIMPLE: dict[str, Any] = {
    "name": "Hand-derivable",
    "valuation_date": "2026-01-01",
    "horizon_years": 3,
    "convention": "mid",
    "discount_rate": {"licensor": 0.10, "licensee": 0.10},
    "asset": {
        "current_phase": "regulatory",
        "phases": [{"name": "regulatory", "probability": 0.5, "duration_years": 1.0, "cost": 10}],
        "commercial": {
            "peak_sales": 100,
            "ramp_years": 1,
            "loe_year": 2100,
            "launch_cost": 0,
            "cogs": 0,
            "sga": 0,
            "tax_rate": 0,
        },
    },
    "terms": {
        "upfront": [{"amount": 20}],
        "milestones": [{"gate": "regulatory", "amount": 30}],
        "royalties": {"tiers": [{"from": 0, "rate": 0.10}]},
    },
}

RICH: dict[str, Any] = {
    "name": "Reference-like",
    "valuation_date": "2026-01-01",
    "horizon_years": 20,
    "discount_rate": {"licensor": 0.11, "licensee": 0.09},
    "asset": {
        "therapeutic_area": "all",
        "current_phase": "phase1",
        "duration_uncertainty": {"low": 0.8, "mode": 1.0, "high": 1.5},
        "commercial": {
            "peak_sales": 1.0e9,
            "peak_sales_sigma": 0.5,
            "loe_year": 2040,
            "launch_cost": 5.0e7,
            "ramp_years": 5,
        },
    },
    "terms": {
        "upfront": [{"amount": 5.0e7}],
        "milestones": [
            {"gate": "phase1", "amount": 1.0e7},
            {"gate": "phase2", "amount": 2.5e7},
            {"gate": "phase3", "amount": 5.0e7},
            {"gate": "regulatory", "amount": 1.0e8},
        ],
        "sales_milestones": [
            {"threshold": 5.0e8, "amount": 5.0e7},
            {"threshold": 8.0e8, "amount": 7.5e7},
        ],
        "royalties": {
            "tiers": [
                {"from": 0, "rate": 0.08},
                {"from": 2.5e8, "rate": 0.10},
                {"from": 5.0e8, "rate": 0.12},
            ],
            "reductions": [
                {"type": "third_party_offset", "third_party_rate": 0.03, "creditable": 0.5},
                {"type": "loe_step_down", "reduction": 0.5},
            ],
            "floor": 0.03,
        },
        "licensor_cost_share": {"phase1": 0.25, "phase2": 0.25, "phase3": 0.25, "regulatory": 0.25},
    },
}


def variant(base: dict[str, Any], **changes: Any) -> dict[str, Any]:
    """A deep copy with dotted-path changes, e.g. ``variant(RICH, **{"convention": "end"})``."""
    data = copy.deepcopy(base)
    for path, value in changes.items():
        node = data
        keys = path.split("__")
        for key in keys[:-1]:
            node = node[key]
        node[keys[-1]] = value
    return data


# A Phase II asset whose deal value is clearly positive (for fair-split solving).
FAIR: dict[str, Any] = variant(
    RICH,
    asset__current_phase="phase2",
    asset__commercial__peak_sales=2.0e9,
    terms__upfront=[{"amount": 2.0e7}],
    terms__milestones=[
        {"gate": "phase2", "amount": 2.0e7},
        {"gate": "regulatory", "amount": 5.0e7},
    ],
    terms__licensor_cost_share={},
)
