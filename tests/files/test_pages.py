"""The meeting page's upload control: a multipart form with the anti-forgery token
(checked before any byte is stored), papers listed with their size and a download link,
downloads for both parties and the 404 of a missing id for outsiders."""

from __future__ import annotations

import re
import uuid
from pathlib import Path

from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from pactum.settings import Settings
from tests.conftest import World
from tests.files.support import PDF, meeting_with_item, stored, temporary
from tests.support import page_text, sign_in


def _as(client: TestClient, db: Session, settings: Settings, world: World, key: str) -> str:
    client.cookies.clear()
    return sign_in(client, db, settings, world[key])


def test_upload_a_paper_from_the_meeting_page_and_download_it(
    client: TestClient, db: Session, settings: Settings, world: World, files_root: Path
) -> None:
    """The form posts multipart with its token; the paper is listed with its size and a
    download link that both parties can follow."""
    _gov, meeting_id, item_id = meeting_with_item(client, world)
    page_url = f"/alliances/{world.alliance_id}/meetings/{meeting_id}"
    csrf = _as(client, db, settings, world, "a_manager")
    html = client.get(page_url).text
    action = f"{page_url}/items/{item_id}/papers"
    form = re.search(rf'<form[^>]*action="{re.escape(action)}"[^>]*>', html)
    assert form is not None
    assert 'enctype="multipart/form-data"' in form.group(0)
    response = client.post(
        action,
        data={"csrf_token": csrf, "title": "Safety review"},
        files={"file": ("safety review.pdf", PDF, "application/pdf")},
        follow_redirects=False,
    )
    assert response.status_code == 303, page_text(response.text)[:1000]
    assert "done=paper_added" in response.headers["location"]
    html = client.get(page_url).text
    text = page_text(html)
    assert "Safety review (safety review.pdf, 10.0 KB)" in text
    assert "Protocol v3" in text  # the link paper is still there
    link = re.search(rf'href="(/alliances/{world.alliance_id}/files/[0-9a-f-]+)" download', html)
    assert link is not None
    for who in ("a_manager", "b_manager"):
        _as(client, db, settings, world, who)
        got = client.get(link.group(1))
        assert got.status_code == 200, who
        assert got.content == PDF
        assert "filename*=UTF-8''safety%20review.pdf" in got.headers["content-disposition"]
    _as(client, db, settings, world, "c_admin")
    real = client.get(link.group(1), follow_redirects=False)
    missing = client.get(
        f"/alliances/{world.alliance_id}/files/{uuid.uuid4()}", follow_redirects=False
    )
    assert real.status_code == 404
    assert (real.status_code, real.content) == (missing.status_code, missing.content)


def test_the_token_is_checked_before_the_file_is_stored(
    client: TestClient, db: Session, settings: Settings, world: World, files_root: Path
) -> None:
    """A forged form (no token, or the file before the token) stores nothing."""
    _gov, meeting_id, item_id = meeting_with_item(client, world)
    action = f"/alliances/{world.alliance_id}/meetings/{meeting_id}/items/{item_id}/papers"
    csrf = _as(client, db, settings, world, "a_manager")
    forged = client.post(
        action,
        data={"csrf_token": "forged"},
        files={"file": ("a.pdf", PDF, "application/pdf")},
        follow_redirects=False,
    )
    assert forged.status_code == 403
    raw = (
        b'--B1\r\nContent-Disposition: form-data; name="file"; filename="a.pdf"\r\n\r\n'
        + PDF
        + b'\r\n--B1\r\nContent-Disposition: form-data; name="csrf_token"\r\n\r\n'
        + csrf.encode()
        + b"\r\n--B1--\r\n"
    )
    late = client.post(
        action,
        content=raw,
        headers={"Content-Type": "multipart/form-data; boundary=B1"},
        follow_redirects=False,
    )
    assert late.status_code == 403
    assert stored(files_root) == []
    assert temporary(files_root) == []


def test_errors_are_shown_next_to_the_file_field(
    client: TestClient, db: Session, settings: Settings, world: World, files_root: Path
) -> None:
    """No file chosen, an empty file, one over the limit: the page again with the error
    next to the field, nothing stored."""
    _gov, meeting_id, item_id = meeting_with_item(client, world)
    action = f"/alliances/{world.alliance_id}/meetings/{meeting_id}/items/{item_id}/papers"
    csrf = _as(client, db, settings, world, "a_manager")
    settings.max_upload_mb = 1
    cases = [
        (("", b"", "application/octet-stream"), 422, "File is required: choose a file to upload"),
        (("empty.pdf", b"", "application/pdf"), 422, "File is empty: choose a file with content"),
        (("big.pdf", b"b" * (1024 * 1024 + 1), "application/pdf"), 413, "at most 1 MB"),
    ]
    for upload, status, message in cases:
        response = client.post(
            action, data={"csrf_token": csrf}, files={"file": upload}, follow_redirects=False
        )
        assert response.status_code == status, page_text(response.text)[:500]
        assert f'id="paper-{item_id}-file-error"' in response.text
        assert message in page_text(response.text)
    assert stored(files_root) == []
    assert temporary(files_root) == []
