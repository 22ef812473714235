"""An upload refused for any reason leaves no file behind (DATA-3): the content stored
while the body arrived is removed once the request ended without a row for it."""

from __future__ import annotations

import uuid
from pathlib import Path

from fastapi.testclient import TestClient
from sqlalchemy import select
from sqlalchemy.orm import Session

from pactum.access import system_scope
from pactum.files.storage import Storage, key_for
from pactum.governance.schemas.common import MAX_PAPERS
from pactum.models import AgendaItem
from tests.conftest import World
from tests.files.support import PDF, meeting_with_item, papers_url, rows, sha, stored, upload


def test_the_papers_limit_refuses_and_keeps_no_file(
    client: TestClient, world: World, db: Session, files_root: Path
) -> None:
    """An item already holding the most papers: the upload is 422 and its content gone."""
    gov, meeting_id, item_id = meeting_with_item(client, world)
    item = db.execute(
        system_scope(select(AgendaItem).where(AgendaItem.id == uuid.UUID(item_id)))
    ).scalar_one()
    item.papers = [
        {"title": f"Link {n}", "url": f"https://example.org/{n}"} for n in range(MAX_PAPERS)
    ]
    db.commit()
    refused = upload(client, world, papers_url(gov, meeting_id, item_id))
    assert refused.status_code == 422, refused.text
    assert stored(files_root) == []
    assert rows(db) == []


def test_a_reused_idempotency_key_with_another_file_keeps_no_file(
    client: TestClient, world: World, db: Session, files_root: Path
) -> None:
    """The second file under the first key is refused (422); only the first file stays."""
    gov, meeting_id, item_id = meeting_with_item(client, world)
    url = papers_url(gov, meeting_id, item_id)
    key = {"Idempotency-Key": f"k-{uuid.uuid4()}"}
    assert upload(client, world, url, headers=key).status_code == 201
    other = PDF + b"another"
    assert upload(client, world, url, headers=key, data=other).status_code == 422
    assert stored(files_root) == [key_for(sha(PDF))]


def test_a_refused_duplicate_of_stored_content_keeps_the_stored_file(
    client: TestClient, world: World, db: Session, files_root: Path
) -> None:
    """Content a committed row refers to stays when an upload of the same bytes fails."""
    gov, meeting_id, item_id = meeting_with_item(client, world)
    url = papers_url(gov, meeting_id, item_id)
    assert upload(client, world, url).status_code == 201
    refused = upload(client, world, url, title="x" * 500)
    assert refused.status_code == 422
    assert stored(files_root) == [key_for(sha(PDF))]
    assert len(rows(db)) == 1


def test_content_of_an_upload_in_flight_is_not_removed(tmp_path: Path) -> None:
    """Another upload of the same bucket still in flight keeps the content."""
    store = Storage(tmp_path, 1024 * 1024)
    with store.writer() as first_writer:
        first_writer.write(b"same bytes")
        first = first_writer.finish()
    with store.writer() as second_writer:
        second_writer.write(b"same bytes")
        second = second_writer.finish()
    assert not store.discard_unless_referenced(first, lambda _key: False)
    assert store.path(first.key).exists()
    assert store.discard_unless_referenced(second, lambda _key: False)
    assert not store.path(second.key).exists()
