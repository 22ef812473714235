"""Settings read from ``PACTUM_*`` environment variables (never at import time)."""

from __future__ import annotations

from pathlib import Path
from typing import Literal

from pydantic import Field, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

PLACEHOLDER_SECRETS = frozenset({"", "changeme", "change-me", "secret", "dev-insecure-secret-key"})
DEV_SECRET = "dev-insecure-secret-key"  # noqa: S105  (refused outside development)


class Settings(BaseSettings):
    """Runtime configuration of one Pactum instance."""

    model_config = SettingsConfigDict(env_prefix="PACTUM_", extra="ignore")

    env: Literal["development", "test", "production"] = "development"
    data_dir: Path = Path("var")
    database_url: str = ""
    secret_key: str = DEV_SECRET
    session_idle_minutes: int = Field(default=30, ge=1, le=24 * 60)
    session_absolute_hours: int = Field(default=12, ge=1, le=24 * 14)
    cookie_secure: bool = True
    login_max_failures: int = Field(default=5, ge=1)
    login_window_seconds: int = Field(default=900, ge=1)
    login_max_block_seconds: int = Field(default=300, ge=1)
    host: str = "127.0.0.1"
    port: int = 8000
    # The address people reach this instance at, for links in e-mails and calendar feeds
    # (default: http://HOST:PORT).
    public_url: str = ""
    # Outgoing e-mail (reminders, notifications). Without a host, e-mail is skipped.
    smtp_host: str = ""
    smtp_port: int = Field(default=587, ge=1, le=65535)
    smtp_user: str = ""
    smtp_password: str = Field(default="", repr=False)
    smtp_from: str = "Pactum <pactum@localhost>"
    smtp_starttls: bool = True
    smtp_timeout_seconds: float = Field(default=10.0, gt=0, le=300)
    # How long one live-update stream lasts before the browser reconnects (access is
    # checked again at each connection).
    live_stream_seconds: float = Field(default=300.0, gt=0, le=3600)
    # Uploaded files (agenda papers): where they are kept (default: DATA_DIR/files) and
    # the largest file accepted, in megabytes (DATA-3).
    files_dir: Path | None = None
    # The scheduler (time-driven changes, reminders, e-mail): ``pactum serve`` turns it on
    # in its processes unless told otherwise; one process leads at a time.
    scheduler: bool = False
    scheduler_seconds: float = Field(default=30.0, ge=0.05, le=3600)
    # Test instances only: a file holding seconds to add to the clock.
    test_clock_offset_file: Path | None = None
    # How long an invitation to join an organisation stays open.
    invitation_days: int = Field(default=14, ge=1, le=90)
    max_upload_mb: int = Field(default=50, ge=1, le=10_000)

    @model_validator(mode="after")
    def _check(self) -> Settings:
        """Fill the default database URL and refuse placeholder secrets outside development."""
        if self.test_clock_offset_file is not None and self.env != "test":
            raise ValueError("PACTUM_TEST_CLOCK_OFFSET_FILE: only a test instance may set it")
        if not self.database_url:
            self.database_url = f"sqlite:///{(self.data_dir / 'pactum.sqlite3').as_posix()}"
        if self.env != "development" and (
            self.secret_key in PLACEHOLDER_SECRETS or len(self.secret_key) < 32
        ):
            raise ValueError(
                "PACTUM_SECRET_KEY: must be set to a random value of at least 32 characters "
                "outside development (placeholder refused)"
            )
        return self

    @property
    def base_url(self) -> str:
        """The public address without a trailing slash (for links sent outside the app)."""
        return (self.public_url or f"http://{self.host}:{self.port}").rstrip("/")

    @property
    def files_root(self) -> Path:
        """The directory uploaded files are stored in."""
        return self.files_dir if self.files_dir is not None else self.data_dir / "files"

    @property
    def max_upload_bytes(self) -> int:
        """The upload limit in bytes."""
        return self.max_upload_mb * 1024 * 1024

    @property
    def is_sqlite(self) -> bool:
        """Whether the configured database is SQLite."""
        return self.database_url.startswith("sqlite")


def load_settings() -> Settings:
    """Read the settings from the environment."""
    return Settings()
