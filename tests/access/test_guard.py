"""TEN-4: a query of alliance data that bypasses the access layer fails loudly."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from pactum.access import open_alliance, scoped, system_scope
from pactum.core.errors import UnscopedQueryError
from pactum.models import Alliance, AllianceMember, AllianceParty, Objective
from tests.conftest import World


@pytest.mark.parametrize("model", [Alliance, AllianceParty, AllianceMember, Objective])
def test_unscoped_select_is_refused(db: Session, world: World, model: type) -> None:
    """A plain select of an alliance table raises instead of returning rows."""
    with pytest.raises(UnscopedQueryError, match="bypasses the access layer"):
        db.execute(select(model)).all()
    with pytest.raises(UnscopedQueryError):
        db.execute(select(func.count()).select_from(model)).scalar()


def test_scoped_and_system_queries_pass(db: Session, world: World) -> None:
    """Queries built by the access layer (or marked as system work) run."""
    view = open_alliance(db, world["a_manager"].principal, world.alliance_id)
    db.execute(scoped(view, Objective)).all()
    assert db.execute(system_scope(select(Alliance))).scalars().all()
