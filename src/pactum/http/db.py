"""One request = one transaction: commit on success, roll back on any error.

A read never writes (TIME-1): the session of a ``GET`` or ``HEAD`` request refuses to
flush or execute any change, except the sign-in bookkeeping of the session or token
that authenticates it (last seen, idle expiry). What a read shows as of now is computed
(see :func:`pactum.governance.service.due.as_of`); the scheduler records it.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Annotated, Any

from fastapi import Depends, Request
from sqlalchemy import event, inspect
from sqlalchemy.orm import ORMExecuteState, Session, sessionmaker
from sqlalchemy.sql.elements import ClauseElement
from sqlalchemy.sql.util import find_tables

from pactum.access import record_denial
from pactum.core.errors import NotFound
from pactum.models import ApiToken, WebSession
from pactum.settings import Settings

READ_ONLY = "pactum_read_only"
READ_METHODS = frozenset({"GET", "HEAD"})
# What authenticating a read may touch: the session's or token's last use and expiry.
BOOKKEEPING: dict[type, frozenset[str]] = {
    WebSession: frozenset({"last_seen_at", "revoked_at", "org_id"}),
    ApiToken: frozenset({"last_used_at"}),
}
BOOKKEEPING_TABLES = frozenset({"web_sessions", "api_tokens"})


def _bookkeeping(session: Session, obj: object) -> bool:
    allowed = BOOKKEEPING.get(type(obj))
    if allowed is None or obj in session.new or obj in session.deleted:
        return False
    state = inspect(obj)
    changed = {a.key for a in state.attrs if a.history.has_changes()}
    return changed <= allowed


class ReadWrote(RuntimeError):
    """A read (GET) tried to change something: a programming error, refused."""


def _refuse_flush(session: Session, _context: Any, _instances: Any) -> None:
    if not session.info.get(READ_ONLY):
        return
    changed = [
        *session.new,
        *session.deleted,
        *(o for o in session.dirty if session.is_modified(o)),
    ]
    wrong = [o for o in changed if not _bookkeeping(session, o)]
    if wrong:
        names = sorted({type(o).__name__ for o in wrong})
        raise ReadWrote(f"a read tried to write {', '.join(names)}")


def _refuse_statement(state: ORMExecuteState) -> None:
    if not state.session.info.get(READ_ONLY) or state.is_select:
        return
    statement = state.statement
    found = find_tables(statement) if isinstance(statement, ClauseElement) else []
    tables = {str(getattr(t, "name", "")) for t in found}
    if not tables <= BOOKKEEPING_TABLES:
        raise ReadWrote(f"a read tried to change {', '.join(sorted(tables))}")


_installed = False


def install_read_only_guard() -> None:
    """Refuse writes in the sessions of reads (idempotent)."""
    global _installed
    if not _installed:
        event.listen(Session, "before_flush", _refuse_flush)
        event.listen(Session, "do_orm_execute", _refuse_statement)
        _installed = True


def _factory(request: Request) -> sessionmaker[Session]:
    factory: sessionmaker[Session] = request.app.state.sessionmaker
    return factory


def get_db(request: Request) -> Iterator[Session]:
    """Yield the request's session; refused accesses are audited after the rollback."""
    factory = _factory(request)
    session = factory()
    session.info[READ_ONLY] = request.method in READ_METHODS
    try:
        yield session
        session.commit()
    except NotFound as exc:
        session.rollback()
        if exc.denial is not None:
            with factory() as audit_session:
                record_denial(audit_session, exc.denial)
                audit_session.commit()
        raise
    except BaseException:
        session.rollback()
        raise
    finally:
        session.close()


def get_settings(request: Request) -> Settings:
    """The running instance's settings."""
    settings: Settings = request.app.state.settings
    return settings


# scope="function": commit (or roll back) before the response is sent, so a client that
# follows a redirect, or retries after a success, always reads what was committed; a
# failed commit becomes an error answer instead of a success that did not happen.
DbSession = Annotated[Session, Depends(get_db, scope="function")]
SettingsDep = Annotated[Settings, Depends(get_settings)]
