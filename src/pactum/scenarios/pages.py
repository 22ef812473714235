"""Pages for valuation scenarios: list, new, results with charts, edit, compare."""

from __future__ import annotations

import itertools
import json
import uuid
from typing import Any

import yaml
from fastapi import APIRouter, Query, Request
from fastapi.responses import HTMLResponse, Response

from pactum.access import AllianceView, open_alliance
from pactum.core.errors import ValidationFailed
from pactum.http.db import DbSession
from pactum.models import ValuationScenario
from pactum.scenarios import service
from pactum.scenarios.schemas import ScenarioCreate, ScenarioUpdate
from pactum.scenarios.template import template_text
from pactum.valuation.documents import DocumentError, load_yaml
from pactum.web import svg
from pactum.web.forms import (
    FORM_ERRORS,
    FormErrors,
    attempt,
    checkbox,
    form_errors,
    page,
    redirect,
)
from pactum.web.session import Form, WebUser, field

router = APIRouter()

FIELDS = {
    "name": "name",
    "description": "description",
    "deal": "deal",
    "trials": "trials",
    "seed": "seed",
    "visibility": "visibility",
}
LABELS = {
    "name": "Name",
    "description": "Description",
    "deal": "Deal file",
    "trials": "Monte Carlo trials",
    "seed": "Seed",
    "visibility": "Who can see it",
}

# Key inputs shown as form fields; they override the same values in the deal file.
KEY_INPUTS: tuple[tuple[str, str, tuple[str | int, ...], type], ...] = (
    ("peak_sales", "Peak net sales", ("asset", "commercial", "peak_sales"), float),
    (
        "peak_sales_sigma",
        "Peak sales uncertainty (lognormal sigma)",
        ("asset", "commercial", "peak_sales_sigma"),
        float,
    ),
    ("loe_year", "Loss of exclusivity (calendar year)", ("asset", "commercial", "loe_year"), int),
    ("upfront", "Upfront", ("terms", "upfront", 0, "amount"), float),
    (
        "royalty_rate",
        "First royalty tier rate (0.08 = 8%)",
        ("terms", "royalties", "tiers", 0, "rate"),
        float,
    ),
    ("rate_licensor", "Licensor's discount rate", ("discount_rate", "licensor"), float),
    ("rate_licensee", "Licensee's discount rate", ("discount_rate", "licensee"), float),
)


def _deal_key(path: tuple[str | int, ...]) -> str:
    """``("terms", "upfront", 0, "amount")`` -> ``deal.terms.upfront[0].amount``."""
    return "deal" + "".join(f"[{p}]" if isinstance(p, int) else f".{p}" for p in path)


# Errors on these paths of the deal are shown next to their key input.
FIELDS.update({_deal_key(path): key for key, _label, path, _kind in KEY_INPUTS})
FIELDS.update({key: key for key, _label, _path, _kind in KEY_INPUTS})
LABELS.update({key: label for key, label, _path, _kind in KEY_INPUTS})


def _get(data: Any, path: tuple[str | int, ...]) -> Any:
    for step in path:
        try:
            data = data[step]
        except (KeyError, IndexError, TypeError):
            return None
    return data


def _put(data: dict[str, Any], path: tuple[str | int, ...], value: float | int) -> None:
    """Set ``value`` at ``path``, creating the containers the key inputs need."""
    node: Any = data
    for step, following in itertools.pairwise(path):
        fresh: Any = [] if isinstance(following, int) else {}
        if isinstance(step, int):
            while len(node) <= step:
                node.append({"from": 0} if path[-2] == "tiers" else {})
            node = node[step]
        else:
            if not isinstance(node.get(step), type(fresh)):
                node[step] = fresh
            node = node[step]
    if isinstance(path[-1], int):
        raise ValueError("a key input must end in a field name")
    node[path[-1]] = value


def _apply_key_inputs(deal: dict[str, Any], form: Any) -> dict[str, Any]:
    """Override the deal file with the key inputs that were filled in."""
    for key, _label, path, kind in KEY_INPUTS:
        text = field(form, key).replace(",", "").replace("_", "")
        if not text:
            continue
        try:
            number = kind(text)
        except ValueError as exc:
            raise ValidationFailed(key, "must be a number") from exc
        _put(deal, path, number)
    return deal


def key_values(deal: dict[str, Any]) -> dict[str, str]:
    """The key inputs' current values, for the form."""
    out = {}
    for key, _label, path, _kind in KEY_INPUTS:
        found = _get(deal, path)
        if isinstance(found, float) and found.is_integer():
            found = int(found)
        out[key] = "" if found is None else str(found)
    return out


PARTIES = ("total", "licensor", "licensee")


def _deal_from_text(text: str) -> dict[str, Any]:
    try:
        data = load_yaml(text)
    except DocumentError as exc:
        raise ValidationFailed("deal", str(exc)) from exc
    if not isinstance(data, dict):
        raise ValidationFailed("deal", "must be a YAML mapping (see the template)")
    return data


def _number(form: Any, name: str, default: int) -> int | str:
    value = field(form, name)
    if not value:
        return default
    return int(value) if value.isdecimal() and len(value) < 12 else value


def _charts(result: dict[str, Any]) -> dict[str, Any]:
    mc = result.get("monte_carlo") or {}
    flows = result["exact"]["cash_flows"]
    cumulative = {}
    for party in PARTIES:
        running, series = 0.0, []
        for value in flows[party]:
            running += value
            series.append(running)
        cumulative[party] = series
    charts = {
        "distribution": svg.histogram(
            "Distribution of NPV per party (Monte Carlo)",
            [
                (p, mc[p]["histogram"]["edges"], mc[p]["histogram"]["counts"])
                for p in PARTIES
                if p in mc
            ],
        ),
        "cumulative": svg.lines(
            "Cumulative expected cash flow by year",
            [float(y) for y in flows["year"]],
            [(p, cumulative[p]) for p in PARTIES],
        ),
    }
    for party, bars in result.get("tornado", {}).items():
        charts[f"tornado_{party}"] = svg.tornado(
            f"Sensitivity of the {party}'s rNPV",
            [(f"{b['input']} ({b['change']})", b["low"], b["high"]) for b in bars],
            bars[0]["base"] if bars else 0.0,
        )
    return charts


def _form_page(
    request: Request,
    view: AllianceView,
    *,
    scenario: ValuationScenario | None = None,
    values: dict[str, str] | None = None,
    errors: FormErrors | None = None,
) -> HTMLResponse:
    result = json.loads(scenario.result) if scenario is not None else None
    return page(
        request,
        "scenario.html" if scenario is not None else "scenario_new.html",
        {
            "alliance": view.alliance,
            "scenario": scenario,
            "result": result,
            "charts": _charts(result) if result else {},
            "values": values or {},
            "errors": errors or FormErrors(),
            "can_write": view.can("scenarios.write"),
            "my_org_name": view.principal.org_name,
            "parties": PARTIES,
            "key_inputs": [(k, label) for k, label, _p, _t in KEY_INPUTS],
        },
        status_code=errors.status_code if errors else 200,
        nav="alliances",
    )


@router.get("/alliances/{alliance_id}/scenarios", response_class=HTMLResponse)
def scenarios(
    request: Request, alliance_id: uuid.UUID, db: DbSession, info: WebUser
) -> HTMLResponse:
    """The valuation scenarios our party may see."""
    view = open_alliance(db, info.principal, alliance_id)
    found = service.list_scenarios(db, view)
    rows = [(s, json.loads(s.result)) for s in found]
    return page(
        request,
        "scenarios.html",
        {
            "alliance": view.alliance,
            "rows": rows,
            "can_write": view.can("scenarios.write"),
            "my_org_name": info.principal.org_name,
        },
        nav="alliances",
    )


@router.get("/alliances/{alliance_id}/scenarios/new", response_class=HTMLResponse)
def scenario_new(
    request: Request, alliance_id: uuid.UUID, db: DbSession, info: WebUser
) -> HTMLResponse:
    """The form to value a deal."""
    view = open_alliance(db, info.principal, alliance_id)
    values = {
        "deal": template_text(),
        "trials": "100000",
        "seed": "1",
        "visibility": "private",
    }
    return _form_page(request, view, values=values)


@router.post("/alliances/{alliance_id}/scenarios/new", response_class=HTMLResponse)
def scenario_create(
    request: Request, alliance_id: uuid.UUID, db: DbSession, info: WebUser, form: Form
) -> Response:
    """Value the deal and keep the scenario."""
    view = open_alliance(db, info.principal, alliance_id)
    keys = ("name", "description", "trials", "seed", "visibility", *(k[0] for k in KEY_INPUTS))
    values = {k: field(form, k) for k in keys}
    values["deal"] = str(form.get("deal", ""))
    try:
        with attempt(db):
            data = ScenarioCreate.model_validate(
                {
                    "name": values["name"],
                    "description": values["description"],
                    "deal": _apply_key_inputs(_deal_from_text(values["deal"]), form),
                    "trials": _number(form, "trials", 100_000),
                    "seed": _number(form, "seed", 1),
                    "visibility": values["visibility"] or "private",
                }
            )
            scenario = service.create_scenario(db, view, data)
    except FORM_ERRORS as exc:
        errors = form_errors(exc, FIELDS, LABELS, thing="scenario")
        return _form_page(request, view, values=values, errors=errors)
    return redirect(f"/alliances/{alliance_id}/scenarios/{scenario.id}", "scenario_saved")


@router.get("/alliances/{alliance_id}/scenarios/compare", response_class=HTMLResponse)
def scenario_compare(
    request: Request,
    alliance_id: uuid.UUID,
    db: DbSession,
    info: WebUser,
    ids: list[uuid.UUID] = Query(default_factory=list, max_length=6),
) -> HTMLResponse:
    """Scenarios side by side."""
    view = open_alliance(db, info.principal, alliance_id)
    chosen = [service.get_scenario(db, view, i) for i in dict.fromkeys(ids)]
    return page(
        request,
        "scenario_compare.html",
        {
            "alliance": view.alliance,
            "rows": [(s, json.loads(s.result)) for s in chosen],
            "parties": PARTIES,
            "key_inputs": [(k, label) for k, label, _p, _t in KEY_INPUTS],
        },
        nav="alliances",
    )


@router.get("/alliances/{alliance_id}/scenarios/{scenario_id}", response_class=HTMLResponse)
def scenario(
    request: Request, alliance_id: uuid.UUID, scenario_id: uuid.UUID, db: DbSession, info: WebUser
) -> HTMLResponse:
    """A scenario's results, charts and inputs."""
    view = open_alliance(db, info.principal, alliance_id)
    found = service.get_scenario(db, view, scenario_id)
    return _form_page(request, view, scenario=found, values=_values(found))


def _values(found: ValuationScenario) -> dict[str, str]:
    deal = json.loads(found.deal)
    return {
        **key_values(deal),
        "name": found.name,
        "description": found.description,
        "deal": yaml.safe_dump(json.loads(found.deal), sort_keys=False),
        "trials": str(found.trials),
        "seed": str(found.seed),
        "version": str(found.version),
    }


@router.post("/alliances/{alliance_id}/scenarios/{scenario_id}", response_class=HTMLResponse)
def scenario_update(
    request: Request,
    alliance_id: uuid.UUID,
    scenario_id: uuid.UUID,
    db: DbSession,
    info: WebUser,
    form: Form,
) -> Response:
    """Save and revalue; optionally share with the partner (cannot be undone)."""
    view = open_alliance(db, info.principal, alliance_id)
    found = service.get_scenario(db, view, scenario_id)
    keys = ("name", "description", "trials", "seed", "version", *(k[0] for k in KEY_INPUTS))
    values = {k: field(form, k) for k in keys}
    values["deal"] = str(form.get("deal", ""))
    version = values["version"]
    try:
        with attempt(db):
            changes: dict[str, Any] = {
                "name": values["name"],
                "description": values["description"],
                "deal": _apply_key_inputs(_deal_from_text(values["deal"]), form),
                "trials": _number(form, "trials", found.trials),
                "seed": _number(form, "seed", found.seed),
            }
            if checkbox(form, "share"):
                changes["visibility"] = "shared"
            service.update_scenario(
                db,
                view,
                scenario_id,
                ScenarioUpdate.model_validate(changes),
                # a missing or unreadable version counts as stale (never skips the check)
                expected_version=int(version) if version.isdecimal() and len(version) < 12 else -1,
            )
    except FORM_ERRORS as exc:
        errors = form_errors(exc, FIELDS, LABELS, thing="scenario")
        return _form_page(request, view, scenario=found, values=values, errors=errors)
    return redirect(f"/alliances/{alliance_id}/scenarios/{scenario_id}", "scenario_saved")
