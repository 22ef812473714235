"""Settings refuse placeholder secrets outside development."""

from __future__ import annotations

import pytest
from pydantic import ValidationError

from pactum.settings import DEV_SECRET, Settings


@pytest.mark.parametrize("env", ["production", "test"])
@pytest.mark.parametrize("secret", [DEV_SECRET, "changeme", "short-but-random"])
def test_placeholder_or_short_secret_is_refused(env: str, secret: str) -> None:
    """Outside development a placeholder or short secret key stops start-up."""
    with pytest.raises(ValidationError, match="PACTUM_SECRET_KEY"):
        Settings(env=env, secret_key=secret)  # type: ignore[arg-type]


def test_development_defaults_to_a_sqlite_file(tmp_path) -> None:  # type: ignore[no-untyped-def]
    """The embedded default is an SQLite file in the data directory."""
    settings = Settings(env="development", data_dir=tmp_path)
    assert settings.database_url == f"sqlite:///{tmp_path.as_posix()}/pactum.sqlite3"
    assert settings.is_sqlite


def test_environment_variables_are_read(monkeypatch: pytest.MonkeyPatch) -> None:
    """PACTUM_* variables configure the instance."""
    monkeypatch.setenv("PACTUM_ENV", "production")
    monkeypatch.setenv("PACTUM_SECRET_KEY", "k" * 48)
    monkeypatch.setenv("PACTUM_SESSION_IDLE_MINUTES", "15")
    settings = Settings()
    assert settings.session_idle_minutes == 15
    monkeypatch.setenv("PACTUM_SESSION_IDLE_MINUTES", "0")
    with pytest.raises(ValidationError, match="session_idle_minutes"):
        Settings()
