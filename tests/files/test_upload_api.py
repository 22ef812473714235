"""Agenda papers as uploaded files over the API (DATA-2, DATA-3, TEN-1): the exact bytes
stored under their SHA-256, downloads by both parties but not by outsiders, names and
media types, Idempotency-Key, the minutes' signatures, and link papers next to files."""

from __future__ import annotations

import uuid
from pathlib import Path

from fastapi.testclient import TestClient
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from pactum.access import system_scope
from pactum.models import AgendaItem, StoredFile
from tests.conftest import World
from tests.files.support import (
    PDF,
    hold,
    meeting_with_item,
    papers_url,
    rows,
    sha,
    sign_minutes,
    stored,
    temporary,
    upload,
)
from tests.governance.support import minutes_act, ok


def test_upload_stores_the_exact_bytes_and_both_parties_download_them(
    client: TestClient, world: World, db: Session, files_root: Path
) -> None:
    """A 3 MB paper arrives in chunks, is stored under its SHA-256 and added to the item;
    both parties download exactly those bytes as an attachment."""
    gov, meeting_id, item_id = meeting_with_item(client, world)
    data = bytes(range(256)) * (3 * 4096)
    before = client.get(f"{gov.base}/meetings/{meeting_id}", headers=world["a_manager"].headers)
    response = upload(client, world, papers_url(gov, meeting_id, item_id), data=data)
    body = ok(response, 201)
    digest = sha(data)
    assert body["file"]["sha256"] == digest
    assert body["file"]["size"] == len(data)
    assert body["file"]["filename"] == "protocol.pdf"
    assert body["file"]["media_type"] == "application/pdf"
    assert body["item"]["papers"] == [
        {"title": "Protocol v3", "url": "https://docs.example/p3"},
        {"title": "Protocol v4", "file_id": body["file"]["id"]},
    ]
    assert body["item"]["version"] == 2
    assert response.headers["ETag"] == '"2"'
    location = response.headers["Location"]
    assert location == f"{gov.base}/files/{body['file']['id']}"
    key = f"{digest[:2]}/{digest[2:4]}/{digest}"
    assert stored(files_root) == [key]
    assert (files_root / key).read_bytes() == data
    assert temporary(files_root) == []
    [row] = rows(db)
    assert (row.storage_key, row.sha256, row.size, row.visibility) == (
        key,
        digest,
        len(data),
        "shared",
    )
    after = client.get(f"{gov.base}/meetings/{meeting_id}", headers=world["a_manager"].headers)
    assert after.json()["version"] > before.json()["version"]
    for who in ("a_manager", "b_manager", "b_contributor"):
        got = client.get(location, headers=world[who].headers)
        assert got.status_code == 200, who
        assert got.content == data
        assert got.headers["content-type"] == "application/pdf"
        assert got.headers["content-length"] == str(len(data))
        assert got.headers["x-content-type-options"] == "nosniff"
        assert got.headers["content-disposition"] == (
            "attachment; filename=\"protocol.pdf\"; filename*=UTF-8''protocol.pdf"
        )
        assert got.headers["cache-control"] == "no-store"


def test_outsiders_get_the_404_of_a_missing_id(
    client: TestClient, world: World, files_root: Path
) -> None:
    """Another organisation can neither download a paper nor upload one (TEN-1)."""
    gov, meeting_id, item_id = meeting_with_item(client, world)
    file_id = ok(upload(client, world, papers_url(gov, meeting_id, item_id)), 201)["file"]["id"]
    outsider = world["c_admin"].headers
    real = client.get(f"{gov.base}/files/{file_id}", headers=outsider)
    missing = client.get(f"{gov.base}/files/{uuid.uuid4()}", headers=outsider)
    assert real.status_code == 404
    assert (real.status_code, real.content) == (missing.status_code, missing.content)
    keys = stored(files_root)
    tried = upload(client, world, papers_url(gov, meeting_id, item_id), who="c_admin", data=b"x")
    absent = upload(
        client, world, papers_url(gov, meeting_id, str(uuid.uuid4())), who="c_admin", data=b"x"
    )
    assert tried.status_code == 404
    assert (tried.status_code, tried.content) == (absent.status_code, absent.content)
    assert stored(files_root) == keys  # refused before a byte was stored
    assert temporary(files_root) == []


def test_roles_without_meetings_write_cannot_upload(
    client: TestClient, world: World, files_root: Path
) -> None:
    """A contributor may read the meeting but not add papers: 403, nothing stored."""
    gov, meeting_id, item_id = meeting_with_item(client, world)
    refused = upload(client, world, papers_url(gov, meeting_id, item_id), who="b_contributor")
    assert refused.status_code == 403
    assert stored(files_root) == []


def test_names_are_sanitised_and_types_come_from_the_allow_list(
    client: TestClient, world: World
) -> None:
    """Path separators and controls leave the name; the declared type is not trusted."""
    gov, meeting_id, item_id = meeting_with_item(client, world)
    url = papers_url(gov, meeting_id, item_id)
    raw = (
        b"--B0\r\n"
        b'Content-Disposition: form-data; name="file"; '
        b'filename="..\\..\\x/Bud\x07get\t2027.xlsx"\r\n'
        b"Content-Type: text/html\r\n\r\n" + PDF + b"\r\n--B0--\r\n"
    )
    body = ok(
        client.post(
            url,
            headers={
                **world["a_manager"].headers,
                "Content-Type": "multipart/form-data; boundary=B0",
            },
            content=raw,
        ),
        201,
    )
    assert body["file"]["filename"] == "Budget 2027.xlsx"
    assert body["item"]["papers"][-1]["title"] == "Budget 2027.xlsx"
    assert body["file"]["media_type"].endswith("spreadsheetml.sheet")
    page = ok(upload(client, world, url, data=b"<script>", name="x.html", title=""), 201)
    assert page["file"]["media_type"] == "application/octet-stream"
    assert page["item"]["papers"][-1]["title"] == "x.html"  # no title: the file's name
    got = client.get(f"{gov.base}/files/{page['file']['id']}", headers=world["b_manager"].headers)
    assert got.headers["content-type"] == "application/octet-stream"
    assert got.headers["content-disposition"].startswith("attachment;")


def test_idempotency_key_replays_and_refuses_another_body(
    client: TestClient, world: World, db: Session
) -> None:
    """DATA-2: a retry replays the first answer and adds nothing; the same key with another
    file or title is 422."""
    gov, meeting_id, item_id = meeting_with_item(client, world)
    url = papers_url(gov, meeting_id, item_id)
    key = {"Idempotency-Key": f"paper-{uuid.uuid4()}"}
    first = upload(client, world, url, headers=key)
    again = upload(client, world, url, headers=key)
    assert first.status_code == again.status_code == 201
    assert again.headers["Idempotent-Replayed"] == "true"
    assert again.json() == first.json()
    assert len(rows(db)) == 1
    items = ok(
        client.get(f"{gov.base}/meetings/{meeting_id}/items", headers=world["a_manager"].headers)
    )
    assert len(items[0]["papers"]) == 2
    for changed in ({"data": PDF + b"!"}, {"title": "Another title"}):
        other = upload(client, world, url, headers=key, **changed)  # type: ignore[arg-type]
        assert other.status_code == 422
        assert other.json()["detail"] == [
            {"field": "Idempotency-Key", "rule": "was already used for a different request"}
        ]
    assert len(rows(db)) == 1


def test_a_paper_for_signed_minutes_waits_for_a_reopening(
    client: TestClient, world: World, db: Session
) -> None:
    """A paper is part of the minutes: on locked, signed minutes the upload is refused
    (409 on minutes) before anything is stored; after a reopening it is added as a new
    minutes version, the earlier signatures invalidated."""
    gov, meeting_id, item_id = meeting_with_item(client, world)
    hold(client, world, gov, meeting_id)
    meeting_url = f"{gov.base}/meetings/{meeting_id}"
    ok(minutes_act(client, world, meeting_url, "lock", "a_manager"))
    for who in ("a_manager", "b_manager"):
        sign_minutes(client, world, gov, meeting_id, who)
    minutes_url = f"{meeting_url}/minutes"
    signed = ok(client.get(minutes_url, headers=world["a_manager"].headers))
    assert signed["signed"] is True
    stored_before = db.execute(system_scope(select(func.count()).select_from(StoredFile)))
    before = stored_before.scalar_one()
    refused = upload(client, world, papers_url(gov, meeting_id, item_id))
    assert refused.status_code == 409
    assert refused.json()["detail"].startswith("minutes: the minutes are locked")
    stored_after = db.execute(system_scope(select(func.count()).select_from(StoredFile)))
    assert stored_after.scalar_one() == before
    assert ok(client.get(minutes_url, headers=world["b_manager"].headers)) == signed
    ok(minutes_act(client, world, meeting_url, "reopen", "a_manager", {"reason": "Add Annex"}))
    ok(upload(client, world, papers_url(gov, meeting_id, item_id)), 201)
    after = ok(client.get(minutes_url, headers=world["b_manager"].headers))
    assert after["signed"] is False
    assert after["minutes_version"] == signed["minutes_version"] + 2
    assert after["content_sha256"] != signed["content_sha256"]
    assert all(s["invalidated_at"] is not None for s in after["signatures"])


def test_link_papers_keep_working_and_file_papers_are_checked(
    client: TestClient, world: World, db: Session
) -> None:
    """PATCH may keep, reorder or drop file papers next to links; a file_id must be a
    shared file of the alliance."""
    gov, meeting_id, item_id = meeting_with_item(client, world)
    url = f"{gov.base}/meetings/{meeting_id}/items/{item_id}"
    body = ok(upload(client, world, papers_url(gov, meeting_id, item_id)), 201)
    headers = {**world["a_manager"].headers, "If-Match": "*"}
    swapped = [body["item"]["papers"][1], {"title": "Link", "url": "https://docs.example/x"}]
    changed = ok(client.patch(url, headers=headers, json={"papers": swapped}))
    assert changed["papers"] == swapped
    for bad in (
        {"title": "Ghost", "file_id": str(uuid.uuid4())},
        {"title": "Both", "file_id": body["file"]["id"], "url": "https://docs.example/y"},
        {"title": "Neither"},
    ):
        refused = client.patch(url, headers=headers, json={"papers": [bad]})
        assert refused.status_code == 422, bad
    ghost = client.patch(
        url, headers=headers, json={"papers": [{"title": "G", "file_id": str(uuid.uuid4())}]}
    )
    assert ghost.json()["detail"] == [
        {"field": "papers[0].file_id", "rule": "is not a shared file of this alliance"}
    ]
    item = db.execute(
        system_scope(select(AgendaItem).where(AgendaItem.id == uuid.UUID(item_id)))
    ).scalar_one()
    db.refresh(item)
    assert item.papers == swapped
