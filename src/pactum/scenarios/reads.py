"""Valuation scenarios as the API shows them."""

from __future__ import annotations

import json

from pactum.models import ValuationScenario
from pactum.scenarios.schemas import ScenarioRead


def scenario_read(scenario: ValuationScenario) -> ScenarioRead:
    """A scenario with its deal and result decoded."""
    return ScenarioRead(
        id=scenario.id,
        alliance_id=scenario.alliance_id,
        name=scenario.name,
        description=scenario.description,
        deal=json.loads(scenario.deal),
        result=json.loads(scenario.result),
        trials=scenario.trials,
        seed=scenario.seed,
        visibility=scenario.visibility,
        owner_org_id=scenario.owner_org_id,
        version=scenario.version,
        created_at=scenario.created_at,
        updated_at=scenario.updated_at,
    )
