"""One request = one transaction: commit on success, roll back on any error."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Annotated

from fastapi import Depends, Request
from sqlalchemy.orm import Session, sessionmaker

from pactum.access import record_denial
from pactum.core.errors import NotFound
from pactum.settings import Settings


def _factory(request: Request) -> sessionmaker[Session]:
    factory: sessionmaker[Session] = request.app.state.sessionmaker
    return factory


def get_db(request: Request) -> Iterator[Session]:
    """Yield the request's session; refused accesses are audited after the rollback."""
    factory = _factory(request)
    session = factory()
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
