"""Default phase-transition probabilities and durations by therapeutic area.

Provenance: BIO / Informa Pharma Intelligence / QLS, "Clinical Development Success Rates
2011-2020" (February 2021). The all-indications row and the headline likelihoods of approval
(LOA) are the report's own summaries; the per-area phase rows come from a public
transcription of the report whose products reproduce the report's LOAs. Mean phase
durations (years) are the report's all-indication figures: Phase I 2.3, Phase II 3.6,
Phase III 3.3, regulatory review 1.3 (oncology review 0.8). Preclinical defaults (success
0.69 over 1.0 year) are not from the report: they are a conventional placeholder a user
should override. Phase cost defaults: about 30 / 70 / 310 million for Phases I / II / III
(Fernando et al. 2021, Pfizer study costs), 5 million for review.
"""

from __future__ import annotations

PHASES = ("preclinical", "phase1", "phase2", "phase3", "regulatory")

# area -> (P1->P2, P2->P3, P3->NDA/BLA, NDA/BLA->approval)
TRANSITIONS: dict[str, tuple[float, float, float, float]] = {
    "all": (0.520, 0.289, 0.578, 0.906),
    "hematology": (0.696, 0.481, 0.768, 0.931),
    "metabolic": (0.618, 0.450, 0.636, 0.875),
    "infectious_disease": (0.578, 0.384, 0.640, 0.929),
    "ophthalmology": (0.716, 0.355, 0.512, 0.911),
    "autoimmune": (0.552, 0.314, 0.653, 0.941),
    "vaccines": (0.527, 0.316, 0.581, 1.000),
    "gastroenterology": (0.467, 0.342, 0.571, 0.909),
    "respiratory": (0.559, 0.219, 0.645, 0.956),
    "psychiatry": (0.527, 0.268, 0.563, 0.912),
    "endocrine": (0.433, 0.266, 0.662, 0.863),
    "neurology": (0.477, 0.268, 0.531, 0.867),
    "oncology": (0.488, 0.246, 0.477, 0.920),
    "cardiovascular": (0.500, 0.210, 0.552, 0.825),
    "rare_disease": (0.674, 0.446, 0.604, 0.936),
}
# The report's headline LOA from Phase I, for checking the table above.
LOA_FROM_PHASE1: dict[str, float] = {
    "all": 0.079, "hematology": 0.239, "metabolic": 0.155, "infectious_disease": 0.132,
    "ophthalmology": 0.119, "autoimmune": 0.107, "vaccines": 0.097, "gastroenterology": 0.083,
    "respiratory": 0.075, "psychiatry": 0.073, "endocrine": 0.066, "neurology": 0.059,
    "oncology": 0.053, "cardiovascular": 0.048, "rare_disease": 0.170,
}  # fmt: skip

DURATIONS = {"preclinical": 1.0, "phase1": 2.3, "phase2": 3.6, "phase3": 3.3, "regulatory": 1.3}
ONCOLOGY_REVIEW_YEARS = 0.8
COSTS = {
    "preclinical": 5_000_000.0,
    "phase1": 30_000_000.0,
    "phase2": 70_000_000.0,
    "phase3": 310_000_000.0,
    "regulatory": 5_000_000.0,
}
PRECLINICAL_SUCCESS = 0.69


def probability(area: str, phase: str) -> float:
    """Default probability of passing ``phase`` in ``area`` (all indications if unknown)."""
    if phase == "preclinical":
        return PRECLINICAL_SUCCESS
    row = TRANSITIONS.get(area, TRANSITIONS["all"])
    return row[PHASES.index(phase) - 1]


def duration(area: str, phase: str) -> float:
    """Default duration of ``phase`` in years."""
    if phase == "regulatory" and area == "oncology":
        return ONCOLOGY_REVIEW_YEARS
    return DURATIONS[phase]
