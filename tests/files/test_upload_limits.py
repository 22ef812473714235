"""DATA-3 over the API: limits, bad bodies and injected failures leave no row and no file
(nor a temporary one); a failed transaction leaves only an orphan that the sweep removes;
damaged content is never served; the file is written piece by piece as it arrives."""

from __future__ import annotations

import asyncio
import time
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy.orm import Session, sessionmaker

from pactum.files import service as files
from pactum.files import storage as storage_module
from pactum.governance.service import papers
from pactum.settings import Settings
from tests.conftest import World
from tests.files.support import (
    meeting_with_item,
    papers_url,
    rows,
    sha,
    stored,
    temporary,
    upload,
)
from tests.governance.support import ok


@pytest.mark.parametrize("size", ["streamed", "declared"])
def test_over_the_limit_is_refused_with_nothing_stored(
    client: TestClient,
    world: World,
    db: Session,
    settings: Settings,
    files_root: Path,
    size: str,
) -> None:
    """Over PACTUM_MAX_UPLOAD_MB: 413 naming the field and the rule; no row, no file, no
    temporary file (caught while streaming, or from Content-Length before reading)."""
    gov, meeting_id, item_id = meeting_with_item(client, world)
    settings.max_upload_mb = 1
    extra = 1 if size == "streamed" else 2 * 1024 * 1024
    response = upload(
        client, world, papers_url(gov, meeting_id, item_id), data=b"z" * (1024 * 1024 + extra)
    )
    assert response.status_code == 413, response.text
    assert response.json() == {
        "error": "too_large",
        "detail": [{"field": "file", "rule": "must be at most 1 MB"}],
    }
    assert rows(db) == []
    assert stored(files_root) == []
    assert temporary(files_root) == []
    item = ok(
        client.get(f"{gov.base}/meetings/{meeting_id}/items", headers=world["a_manager"].headers)
    )
    assert len(item[0]["papers"]) == 1


@pytest.mark.parametrize(
    ("kwargs", "field", "rule"),
    [
        ({"data": b""}, "file", "is empty: choose a file with content"),
        ({"title": "t" * 201}, "title", "must be at most 200 characters"),
    ],
)
def test_bad_uploads_name_the_field_and_the_rule(
    client: TestClient,
    world: World,
    db: Session,
    files_root: Path,
    kwargs: dict[str, object],
    field: str,
    rule: str,
) -> None:
    """An empty file or an over-long title: 422, nothing recorded."""
    gov, meeting_id, item_id = meeting_with_item(client, world)
    response = upload(client, world, papers_url(gov, meeting_id, item_id), **kwargs)  # type: ignore[arg-type]
    assert response.status_code == 422, response.text
    assert response.json()["detail"] == [{"field": field, "rule": rule}]
    assert rows(db) == []


def test_bodies_that_are_not_a_form_with_a_file(client: TestClient, world: World) -> None:
    """No file, JSON, a truncated body: 422 naming the problem, never a 5xx."""
    gov, meeting_id, item_id = meeting_with_item(client, world)
    url = papers_url(gov, meeting_id, item_id)
    headers = world["a_manager"].headers
    no_file = client.post(url, headers=headers, files={"title": (None, "Only a title")})
    assert no_file.status_code == 422
    assert no_file.json()["detail"][0]["field"] == "file"
    as_json = client.post(url, headers=headers, json={"title": "x"})
    assert as_json.json()["detail"] == [
        {"field": "body", "rule": "must be multipart/form-data (a form with a file field)"}
    ]
    cut = client.post(
        url,
        headers={**headers, "Content-Type": "multipart/form-data; boundary=XyZ"},
        content=b'--XyZ\r\nContent-Disposition: form-data; name="file"; filename="a.pdf"'
        b"\r\n\r\nabc",
    )
    assert cut.status_code == 422
    assert cut.json()["detail"][0]["field"] == "body"
    two = client.post(
        url,
        headers=headers,
        files=[("file", ("a.pdf", b"1", "application/pdf")), ("file", ("b.pdf", b"2", "x/y"))],
    )
    assert two.json()["detail"] == [{"field": "file", "rule": "send one file only"}]


def test_a_failure_before_the_rename_leaves_no_file_and_no_row(
    client: TestClient,
    world: World,
    db: Session,
    files_root: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """The rename fails (injected): 503, no row, no final file, no temporary file."""
    gov, meeting_id, item_id = meeting_with_item(client, world)

    def broken(*args: object) -> None:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(storage_module.os, "replace", broken)
    response = upload(client, world, papers_url(gov, meeting_id, item_id))
    assert response.status_code == 503
    assert response.json()["error"] == "storage_unavailable"
    assert rows(db) == []
    assert stored(files_root) == []
    assert temporary(files_root) == []


def test_a_failed_transaction_after_the_rename_leaves_no_file_and_the_sweep_takes_a_crashs(
    client: TestClient,
    world: World,
    db: Session,
    settings: Settings,
    factory: sessionmaker[Session],
    files_root: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """The database work fails after the file was renamed into place: no row, and the
    file is removed once the request ended. Content a crash left without a row is an
    orphan, kept for a day, then swept (a referenced file never is)."""
    gov, meeting_id, item_id = meeting_with_item(client, world)
    url = papers_url(gov, meeting_id, item_id)
    kept = ok(upload(client, world, url, data=b"a paper that stays"), 201)["file"]
    real = papers.meetings.minutes_changed

    def fails(*args: object, **kwargs: object) -> None:
        real(*args, **kwargs)  # type: ignore[arg-type]
        raise RuntimeError("injected: the transaction fails after the row was added")

    monkeypatch.setattr(papers.meetings, "minutes_changed", fails)
    response = upload(client, world, url, data=b"a paper whose row never commits")
    assert response.status_code == 500
    monkeypatch.undo()
    assert [r.sha256 for r in rows(db)] == [kept["sha256"]]
    assert len(stored(files_root)) == 1
    crashed = files.storage(settings).put([b"a paper whose process died before its row"])
    orphan = crashed.sha256
    assert len(stored(files_root)) == 2
    assert files.sweep_orphans(factory, settings).files == 0  # younger than a day
    later = time.time() + 2 * 24 * 3600
    report = files.sweep_orphans(factory, settings, now=later)
    assert report.files == 1
    assert stored(files_root) == [f"{kept['sha256'][:2]}/{kept['sha256'][2:4]}/{kept['sha256']}"]
    assert orphan not in "".join(stored(files_root))
    again = files.sweep_orphans(factory, settings, now=later)
    assert again.files == 0
    download = client.get(f"{gov.base}/files/{kept['id']}", headers=world["b_manager"].headers)
    assert download.content == b"a paper that stays"


def test_damaged_content_is_not_served(client: TestClient, world: World, files_root: Path) -> None:
    """The SHA-256 is checked again on download: a damaged file is a 410, not its bytes."""
    gov, meeting_id, item_id = meeting_with_item(client, world)
    body = ok(upload(client, world, papers_url(gov, meeting_id, item_id), data=b"good bytes"), 201)
    (files_root / stored(files_root)[0]).write_bytes(b"evil bytes")
    got = client.get(f"{gov.base}/files/{body['file']['id']}", headers=world["b_manager"].headers)
    assert got.status_code == 410
    assert got.json()["error"] == "file_unavailable"
    assert b"evil" not in got.content


def test_bodies_without_a_length_are_bounded_too(
    client: TestClient, world: World, db: Session, settings: Settings, files_root: Path
) -> None:
    """Chunked bodies (no Content-Length): a big file is cut off while streaming, and so is
    an endless epilogue after a small one; nothing is stored either way."""
    gov, meeting_id, item_id = meeting_with_item(client, world)
    settings.max_upload_mb = 1
    url = papers_url(gov, meeting_id, item_id)
    head = b'--C2\r\nContent-Disposition: form-data; name="file"; filename="a.pdf"\r\n\r\n'

    def body(file_size: int, epilogue: int) -> Any:
        yield head
        for _ in range(file_size // 65536):
            yield b"f" * 65536
        yield b"\r\n--C2--\r\n"
        for _ in range(epilogue // 65536):
            yield b"e" * 65536

    headers = {**world["a_manager"].headers, "Content-Type": "multipart/form-data; boundary=C2"}
    for sizes, field in (((2 * 1024 * 1024, 0), "file"), ((65536, 2 * 1024 * 1024), "body")):
        response = client.post(url, headers=headers, content=body(*sizes))
        assert response.status_code == 413, response.text
        assert response.json()["detail"][0]["field"] == field
    assert rows(db) == []
    assert stored(files_root) == []
    assert temporary(files_root) == []


def test_the_file_reaches_the_storage_in_pieces_as_it_arrives(
    app: FastAPI, client: TestClient, world: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Sent in 64 KB pieces (a real ASGI stream), the file is written piece by piece:
    memory stays bounded by a piece, never the whole file."""
    gov, meeting_id, item_id = meeting_with_item(client, world)
    writes: list[int] = []
    real = storage_module.BlobWriter.write

    def spy(self: storage_module.BlobWriter, chunk: bytes) -> None:
        writes.append(len(chunk))
        real(self, chunk)

    monkeypatch.setattr(storage_module.BlobWriter, "write", spy)
    data = bytes(range(256)) * 4096 * 6  # 6 MB: past the 4 MB body bound, which uploads raise
    head = b'--S3\r\nContent-Disposition: form-data; name="file"; filename="big.pdf"\r\n\r\n'

    async def pieces() -> AsyncIterator[bytes]:
        yield head
        for start in range(0, len(data), 65536):
            yield data[start : start + 65536]
        yield b"\r\n--S3--\r\n"

    async def send() -> httpx.Response:
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="https://testserver") as c:
            return await c.post(
                papers_url(gov, meeting_id, item_id),
                headers={
                    **world["a_manager"].headers,
                    "Content-Type": "multipart/form-data; boundary=S3",
                },
                content=pieces(),
            )

    response = asyncio.run(send())
    assert response.status_code == 201, response.text
    assert response.json()["file"]["sha256"] == sha(data)
    assert len(writes) >= len(data) // 65536
    assert max(writes) <= 65536 + len(head)
    assert sum(writes) == len(data)
