"""Records for the route matrix (TEN-1), one module per domain.

Each module here may define:

- ``a_only(db, world, alliance_id) -> dict[str, uuid.UUID]``: records in an alliance that
  party A shares with nobody yet (``alliance_id``), keyed by the route's path parameter
  name (``agreement_id``...). B and C must get a 404 identical to a missing id.
- ``PRIVATE_PARAMS: set[str]`` and ``private(db, world) -> dict[str, uuid.UUID]``: records
  private to party A inside the alliance A and B share (``world.alliance_id``), plus the
  shared parents their routes need. B is a party there, yet must get the same 404.

Rows may be inserted directly with the ORM when a service would refuse the set-up (for
example an agreement needs two accepted parties, which the A-only alliance lacks).
"""

from __future__ import annotations

import importlib
import pkgutil
import re
import uuid
from dataclasses import dataclass, field
from types import ModuleType

from sqlalchemy.orm import Session

from tests.conftest import World
from tests.support import alliance_without_b, invitation_to_a, private_objective, private_scenario

PARAM = re.compile(r"{(\w+)}")
# Path parameters that are not record ids: a valid value, the same for both calls.
FIXED = {"fmt": "csv"}


def modules() -> list[ModuleType]:
    """Every domain module of this package."""
    return [importlib.import_module(f"{__name__}.{m.name}") for m in pkgutil.iter_modules(__path__)]


def private_params() -> set[str]:
    """Path parameters naming party-private records."""
    found: set[str] = set()
    for module in modules():
        found |= set(getattr(module, "PRIVATE_PARAMS", set()))
    return found


def a_only(db: Session, world: World, alliance_id: uuid.UUID) -> dict[str, uuid.UUID]:
    """Every module's records in the A-only alliance."""
    values: dict[str, uuid.UUID] = {}
    for module in modules():
        if hasattr(module, "a_only"):
            values.update(module.a_only(db, world, alliance_id))
    return values


def private(db: Session, world: World) -> dict[str, uuid.UUID]:
    """Every module's A-private records (and shared parents) in the shared alliance."""
    values: dict[str, uuid.UUID] = {}
    for module in modules():
        if hasattr(module, "private"):
            values.update(module.private(db, world))
    return values


@dataclass
class Ids:
    """Records of party A that B and C must not reach."""

    values: dict[str, uuid.UUID]
    private: dict[str, uuid.UUID] = field(default_factory=dict)

    def url(self, path: str, *, missing: bool = False, fixed: dict[str, str] | None = None) -> str:
        """The path with real ids, or with fresh random ones when ``missing``."""
        given = {**FIXED, **(fixed or {})}

        def fill(match: re.Match[str]) -> str:
            name = match.group(1)
            if name in given:
                return given[name]
            return str(uuid.uuid4() if missing else self.values[name])

        return PARAM.sub(fill, path)


def build_ids(db: Session, world: World) -> Ids:
    """One A-only record per id parameter name (committed), and A's private records."""

    alliance_id, member_id = alliance_without_b(db, world)
    values = {
        "alliance_id": alliance_id,
        "member_id": member_id,
        "party_id": invitation_to_a(db, world),
        "user_id": world["a_contributor"].user_id,
        "token_id": uuid.UUID(int=0),
    }
    values["objective_id"] = private_objective(db, world, "a_manager", "A's secret aim")
    values["scenario_id"] = private_scenario(db, world, "a_manager")
    values.update(a_only(db, world, alliance_id))
    return Ids(values, private(db, world))
