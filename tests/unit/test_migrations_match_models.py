"""The migrations build exactly the schema the models describe (no drift either way)."""

from __future__ import annotations

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy.engine import Engine

from pactum.core.db import Base
from pactum.models import __all__ as _models  # noqa: F401  (registers every table)


def test_the_migrated_database_matches_the_models(engine: Engine) -> None:
    """``alembic upgrade head`` (the suite's database) leaves nothing for autogenerate."""
    with engine.connect() as connection:
        context = MigrationContext.configure(connection, opts={"compare_type": True})
        differences = compare_metadata(context, Base.metadata)
    assert differences == []
