"""Scenario rules: who may value, what stays private, how sharing works."""

from __future__ import annotations

import json
import uuid

from sqlalchemy.orm import Session

from pactum.access import AllianceView, get_scoped, scoped
from pactum.access.records import audit_record, audit_update
from pactum.core.errors import Conflict
from pactum.core.time import utcnow
from pactum.core.updates import check_version, diff, reject_nulls
from pactum.models import ValuationScenario
from pactum.scenarios import valuing
from pactum.scenarios.schemas import ScenarioCreate, ScenarioUpdate

AUDITED = ("name", "description", "trials", "seed")


def list_scenarios(session: Session, view: AllianceView) -> list[ValuationScenario]:
    """Scenarios the caller's party may see: shared ones and its own private ones."""
    stmt = scoped(view, ValuationScenario).order_by(ValuationScenario.created_at)
    return list(session.execute(stmt).scalars())


def get_scenario(
    session: Session, view: AllianceView, scenario_id: uuid.UUID, *, lock: bool = False
) -> ValuationScenario:
    """One visible scenario, or 404."""
    return get_scoped(session, view, ValuationScenario, scenario_id, lock=lock)


def create_scenario(
    session: Session, view: AllianceView, data: ScenarioCreate
) -> ValuationScenario:
    """Value a deal file and keep it as a scenario owned by the caller's party."""
    view.require("scenarios.write")
    deal = valuing.parse_deal(data.deal)
    result = valuing.value(deal, trials=data.trials, seed=data.seed)
    scenario = ValuationScenario(
        alliance_id=view.alliance_id,
        owner_org_id=view.org_id,
        visibility=data.visibility,
        name=data.name,
        description=data.description,
        deal=json.dumps(data.deal, sort_keys=True, default=str),
        result=json.dumps(result),
        trials=data.trials,
        seed=data.seed,
        created_by_id=view.principal.user_id,
    )
    session.add(scenario)
    session.flush()
    audit_record(
        session,
        view,
        scenario,
        "valuation_scenario",
        "scenario.create",
        new={
            **{k: getattr(scenario, k) for k in AUDITED},
            "visibility": scenario.visibility,
            "deal": data.deal,
        },
    )
    return scenario


def update_scenario(
    session: Session,
    view: AllianceView,
    scenario_id: uuid.UUID,
    data: ScenarioUpdate,
    *,
    expected_version: int | None,
) -> ValuationScenario:
    """Edit and revalue; sharing is deliberate and cannot be undone."""
    scenario = get_scenario(session, view, scenario_id, lock=True)
    view.require("scenarios.write")
    check_version(expected_version, scenario.version)
    changes = data.model_dump(exclude_unset=True)
    reject_nulls(changes)
    if scenario.visibility == "shared" and changes.get("visibility") == "private":
        raise Conflict("visibility: a shared scenario cannot be made private again")
    old, new = diff(scenario, {k: v for k, v in changes.items() if k != "deal"})
    if "deal" in changes:
        text = json.dumps(changes["deal"], sort_keys=True, default=str)
        if text != scenario.deal:
            old["deal"], new["deal"] = json.loads(scenario.deal), changes["deal"]
    if not new:
        return scenario
    was_private = scenario.visibility == "private"
    if {"deal", "trials", "seed"} & set(new):
        deal = valuing.parse_deal(new.get("deal", json.loads(scenario.deal)))
        result = valuing.value(
            deal, trials=new.get("trials", scenario.trials), seed=new.get("seed", scenario.seed)
        )
        scenario.result = json.dumps(result)
    for key, item in new.items():
        setattr(
            scenario, key, json.dumps(item, sort_keys=True, default=str) if key == "deal" else item
        )
    scenario.version += 1
    scenario.updated_at = utcnow()
    session.flush()
    audit_update(
        session,
        view,
        scenario,
        "valuation_scenario",
        action="scenario",
        old=old,
        new=new,
        was_private=was_private,
        shared_content={k: getattr(scenario, k) for k in AUDITED},
    )
    return scenario
