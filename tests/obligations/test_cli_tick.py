"""``pactum tick`` from the command line, against its own database and a local SMTP server."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date
from pathlib import Path

import pytest
from typer.testing import CliRunner

from pactum.cli.main import app
from pactum.core.db import make_sessionmaker
from pactum.settings import Settings
from tests.conftest import _build_world
from tests.dbutil import fresh_database
from tests.obligations.smtp import closed_port, smtp_server
from tests.obligations.support import frozen, make

runner = CliRunner()


@pytest.fixture
def cli_env(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, settings: Settings) -> Iterator[None]:
    """A database with the test world and one report B owes, due 15 May 2027."""
    monkeypatch.setenv("PACTUM_DATA_DIR", str(tmp_path))
    with fresh_database(tmp_path, "tick_cli") as (url, engine):
        monkeypatch.setenv("PACTUM_DATABASE_URL", url)
        monkeypatch.setenv("PACTUM_PUBLIC_URL", "https://pactum.example/")
        with frozen(date(2027, 5, 1)), make_sessionmaker(engine)() as session:
            world = _build_world(session, settings)
            session.commit()
            make(session, world)
        yield


def _tick(*args: str) -> tuple[int, str]:
    result = runner.invoke(app, ["tick", *args])
    return result.exit_code, result.output


def test_help_says_it_is_safe_for_cron() -> None:
    """The help explains what tick does and that it may run every minute."""
    code, out = _tick("--help")
    assert code == 0
    text = " ".join(out.split())  # the help is wrapped to the terminal's width
    assert "cron every minute" in text
    assert "--quiet" in text


def test_tick_sends_once_then_stays_quiet(cli_env: None, monkeypatch: pytest.MonkeyPatch) -> None:
    """First run e-mails B's manager; a second, quiet run prints nothing and sends nothing."""
    with smtp_server() as mailbox:
        monkeypatch.setenv("PACTUM_SMTP_HOST", "127.0.0.1")
        monkeypatch.setenv("PACTUM_SMTP_PORT", str(mailbox.port))
        monkeypatch.setenv("PACTUM_SMTP_STARTTLS", "false")
        with frozen(date(2027, 5, 9)):
            code, out = _tick()
            assert code == 0, out
            assert "1 new in the app, 1 e-mailed, 0 e-mails failed" in out
            assert f"SMTP 127.0.0.1:{mailbox.port}" in out
            code, out = _tick("--quiet")
        assert (code, out) == (0, "")
        (message,) = mailbox.to("b_manager@example.com")
        assert "https://pactum.example/alliances/" in message.get_content()


def test_tick_exits_1_when_mail_fails(cli_env: None, monkeypatch: pytest.MonkeyPatch) -> None:
    """An unreachable SMTP server: exit 1 with the reason; the in-app reminder is kept."""
    monkeypatch.setenv("PACTUM_SMTP_HOST", "127.0.0.1")
    monkeypatch.setenv("PACTUM_SMTP_PORT", str(closed_port()))
    monkeypatch.setenv("PACTUM_SMTP_STARTTLS", "false")
    with frozen(date(2027, 5, 9)):
        code, out = _tick("--quiet")
    assert code == 1
    assert "1 new in the app, 0 e-mailed, 1 e-mails failed" in out
    assert "b_manager@example.com" in out


def test_without_smtp_reminders_stay_in_the_app(cli_env: None) -> None:
    """No SMTP host: e-mail is skipped, not failed."""
    with frozen(date(2027, 5, 9)):
        code, out = _tick()
    assert code == 0, out
    assert "e-mail off" in out
    assert "1 new in the app, 0 e-mailed, 0 e-mails failed" in out
