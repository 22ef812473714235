"""Each test of uploaded files gets its own, empty files directory."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from pactum.settings import Settings


@pytest.fixture(autouse=True)
def files_root(settings: Settings, tmp_path: Path) -> Iterator[Path]:
    """Point the instance's files directory at a fresh folder for this test."""
    before = settings.files_dir, settings.max_upload_mb
    settings.files_dir = tmp_path / "files"
    yield settings.files_dir
    settings.files_dir, settings.max_upload_mb = before
