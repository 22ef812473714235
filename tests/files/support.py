"""Helpers for the file tests: a JSC meeting with a decision item, uploads, and what is
left in the storage directory."""

from __future__ import annotations

import hashlib
from pathlib import Path
from typing import Any

from fastapi.testclient import TestClient
from sqlalchemy import select
from sqlalchemy.orm import Session

from pactum.access import system_scope
from pactum.models import StoredFile
from tests.conftest import World
from tests.governance import support as governance
from tests.governance.support import Gov, ok, setup_governance

PDF = b"%PDF-1.4\n" + bytes(range(256)) * 40 + b"\n%%EOF\n"


def rows(db: Session) -> list[StoredFile]:
    """Every stored-file row the test's transaction sees."""
    db.expire_all()
    return list(db.execute(system_scope(select(StoredFile))).scalars())


def sha(data: bytes) -> str:
    """The SHA-256 of ``data`` in hex."""
    return hashlib.sha256(data).hexdigest()


def stored(root: Path) -> list[str]:
    """Content files in the storage (relative keys), without temporary files."""
    if not root.exists():
        return []
    return sorted(
        p.relative_to(root).as_posix()
        for p in root.rglob("*")
        if p.is_file()
        and p.parent.name != "tmp"
        and not any(part.startswith(".") for part in p.relative_to(root).parts)
    )


def temporary(root: Path) -> list[Path]:
    """Temporary upload files left in the storage."""
    tmp = root / "tmp"
    return sorted(tmp.iterdir()) if tmp.exists() else []


def meeting_with_item(client: TestClient, world: World) -> tuple[Gov, str, str]:
    """A JSC and one of its meetings with a decision item: (gov, meeting id, item id)."""
    gov = setup_governance(client, world)
    return (gov, *governance.meeting_with_item(client, world, gov))


def papers_url(gov: Gov, meeting_id: str, item_id: str) -> str:
    """The API address that adds a file to an item's papers."""
    return f"{gov.base}/meetings/{meeting_id}/items/{item_id}/papers"


def upload(
    client: TestClient,
    world: World,
    url: str,
    *,
    who: str = "a_manager",
    data: bytes = PDF,
    name: str = "protocol.pdf",
    title: str = "Protocol v4",
    media_type: str = "application/pdf",
    headers: dict[str, str] | None = None,
) -> Any:
    """POST a multipart upload as ``who``."""
    return client.post(
        url,
        headers={**world[who].headers, **(headers or {})},
        files={"file": (name, data, media_type)},
        data={"title": title} if title else {},
    )


def sign_minutes(client: TestClient, world: World, gov: Gov, meeting_id: str, who: str) -> None:
    """Sign the current minutes as ``who`` (a minutes approver)."""
    ok(governance.sign(client, world, gov, meeting_id, who), 201)


def hold(client: TestClient, world: World, gov: Gov, meeting_id: str) -> None:
    """Record both voting members as present (the meeting is then held)."""
    governance.attend(client, world, gov, meeting_id, "a_manager", "b_manager")
