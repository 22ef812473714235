"""A second wall: refuse ORM queries of alliance data not built by the access layer (TEN-4)."""

from __future__ import annotations

from functools import lru_cache

from sqlalchemy import event
from sqlalchemy.orm import ORMExecuteState, Session
from sqlalchemy.sql.elements import ClauseElement
from sqlalchemy.sql.util import find_tables

from pactum.core.db import Base
from pactum.core.errors import UnscopedQueryError
from pactum.models import Alliance, AllianceMember, AllianceParty, AllianceScoped

_GUARDED_EXACT = (Alliance, AllianceParty, AllianceMember)


def _is_guarded(cls: type) -> bool:
    return issubclass(cls, AllianceScoped) or cls in _GUARDED_EXACT


@lru_cache(maxsize=1)
def guarded_tables() -> frozenset[str]:
    """Names of every table holding alliance data (any model added later is included)."""
    return frozenset(
        str(getattr(mapper.local_table, "name", ""))
        for mapper in Base.registry.mappers
        if _is_guarded(mapper.class_)
    )


def _check(state: ORMExecuteState) -> None:
    """Raise when a SELECT touches alliance data without the access layer's mark."""
    if not state.is_select or state.is_relationship_load or state.is_column_load:
        return
    if state.execution_options.get("pactum_scoped"):
        return
    names = {str(getattr(mapper.local_table, "name", "")) for mapper in state.all_mappers}
    statement = state.statement
    if isinstance(statement, ClauseElement):
        names |= {
            str(getattr(table, "name", ""))
            for table in find_tables(
                statement, check_columns=True, include_aliases=True, include_joins=True
            )
        }
    touched = names & guarded_tables()
    if touched:
        raise UnscopedQueryError(
            f"query of {', '.join(sorted(touched))} bypasses the access layer "
            "(build it with pactum.access.scoped/open_alliance, or system_scope)"
        )


_installed = False


def install() -> None:
    """Install the guard on every ORM session (idempotent)."""
    global _installed
    if not _installed:
        event.listen(Session, "do_orm_execute", _check)
        _installed = True
