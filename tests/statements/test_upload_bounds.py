"""Imported statement files (royalty sales lines, true-up cost lines) are read as they
arrive and bounded: over the limit is refused naming the field, the server stops reading
at the limit (nothing is spooled to disk), an unknown caller is refused before the body is
read, and a form without a file still works."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator

import httpx
import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy import select
from sqlalchemy.orm import Session

from pactum.access import system_scope
from pactum.models import CostLine, RoyaltyStatement
from pactum.settings import Settings
from pactum.statements.royalty.service import MAX_UPLOAD as ROYALTY_LIMIT
from pactum.statements.trueup.lines import MAX_IMPORT as TRUEUP_LIMIT
from tests.conftest import World
from tests.statements.money_support import agreed_rate, make_agreement, royalty_draft
from tests.statements.trueup_setup import agreement, base, open_true_up
from tests.support import sign_in

MB = 1024 * 1024
PIECE = 64 * 1024
BOUNDARY = "pactum-test-boundary"


def _multipart_head(fields: dict[str, str], filename: str) -> bytes:
    parts = [
        f'--{BOUNDARY}\r\nContent-Disposition: form-data; name="{name}"\r\n\r\n{value}\r\n'
        for name, value in fields.items()
    ]
    parts.append(
        f'--{BOUNDARY}\r\nContent-Disposition: form-data; name="file"; filename="{filename}"'
        "\r\nContent-Type: text/csv\r\n\r\n"
    )
    return "".join(parts).encode()


def _stream(
    app: FastAPI,
    url: str,
    *,
    head: bytes,
    total: int,
    cookies: dict[str, str] | None = None,
    headers: dict[str, str] | None = None,
) -> tuple[httpx.Response, int]:
    """Post ``head`` then ``total`` bytes of file in 64 KB pieces over a real ASGI stream
    (no Content-Length); returns the answer and how many file bytes the server pulled."""
    pulled = 0

    async def pieces() -> AsyncIterator[bytes]:
        nonlocal pulled
        yield head
        while pulled < total:
            pulled += PIECE
            yield b"DE,HLX,1.00,EUR\n" * (PIECE // 16)
        yield f"\r\n--{BOUNDARY}--\r\n".encode()

    async def send() -> httpx.Response:
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(
            transport=transport, base_url="https://testserver", cookies=cookies
        ) as c:
            return await c.post(url, headers=headers or {}, content=pieces())

    return asyncio.run(send()), pulled


def _costs(db: Session) -> list[CostLine]:
    return list(db.execute(system_scope(select(CostLine))).scalars())


def test_a_true_up_file_over_5_mb_is_shown_next_to_the_field_and_adds_nothing(
    client: TestClient, db: Session, world: World, settings: Settings
) -> None:
    """5 MB + 1 byte: the import form answers 413 with the rule beside the file field; at
    exactly 5 MB the file is parsed (and here rejected as unreadable CSV, not by size: one
    5 MB cell is past the csv module's field limit, which once was a 500)."""
    tid = open_true_up(client, world, agreement(db, world))["id"]
    csrf = sign_in(client, db, settings, world["a_finance"])
    url = f"/alliances/{world.alliance_id}/true-ups/{tid}/lines/import"
    before = len(_costs(db))
    over = client.post(
        url, data={"csrf_token": csrf}, files={"file": ("big.csv", b"x" * (TRUEUP_LIMIT + 1))}
    )
    assert over.status_code == 413
    assert 'id="import-file-error"' in over.text
    assert "must be at most 5 MB" in over.text
    at_limit = client.post(
        url, data={"csrf_token": csrf}, files={"file": ("big.csv", b"x" * TRUEUP_LIMIT)}
    )
    assert at_limit.status_code == 422
    assert "must be at most 5 MB" not in at_limit.text
    assert "is not readable CSV" in at_limit.text
    assert len(_costs(db)) == before


def test_the_royalty_page_stops_reading_an_endless_file_at_the_limit(
    app: FastAPI, client: TestClient, db: Session, world: World, settings: Settings
) -> None:
    """A 40 MB upload to the 10 MB statement form: the server stops pulling the body just
    past 10 MB, says so beside the file field (413), and drafts nothing."""
    agreement_id = make_agreement(db, world)
    agreed_rate(db, world, 2027, 1, "EUR", "1.10")
    csrf = sign_in(client, db, settings, world["b_finance"])
    fields = {"csrf_token": csrf, "agreement_id": str(agreement_id), "year": "2027"}
    response, pulled = _stream(
        app,
        f"/alliances/{world.alliance_id}/royalty-statements/new",
        head=_multipart_head(fields | {"quarter": "1"}, "q1.csv"),
        total=40 * MB,
        cookies=dict(client.cookies),
        headers={"Content-Type": f"multipart/form-data; boundary={BOUNDARY}"},
    )
    assert response.status_code == 413, response.text[:500]
    assert 'id="file-error"' in response.text
    assert "must be at most 10 MB" in response.text
    assert f'value="{agreement_id}" selected' in response.text  # the fields read are kept
    assert ROYALTY_LIMIT <= pulled <= ROYALTY_LIMIT + 2 * PIECE
    assert db.execute(system_scope(select(RoyaltyStatement))).scalars().all() == []


def test_a_forged_upload_is_refused_before_the_file_is_read(
    app: FastAPI, client: TestClient, db: Session, world: World, settings: Settings
) -> None:
    """A wrong anti-forgery token (sent before the file, as browsers do): 403 before a byte
    of the file is taken in."""
    tid = open_true_up(client, world, agreement(db, world))["id"]
    sign_in(client, db, settings, world["a_finance"])
    response, pulled = _stream(
        app,
        f"/alliances/{world.alliance_id}/true-ups/{tid}/lines/import",
        head=_multipart_head({"csrf_token": "forged"}, "q1.csv"),
        total=8 * MB,
        cookies=dict(client.cookies),
        headers={"Content-Type": f"multipart/form-data; boundary={BOUNDARY}"},
    )
    assert response.status_code == 403
    assert pulled <= 2 * PIECE


def test_typed_lines_posted_as_a_plain_form_still_draft_a_statement(
    client: TestClient, db: Session, world: World, settings: Settings
) -> None:
    """Without a file input the browser posts urlencoded: still read (bounded); a NUL, typed
    lines over 2 MB or another field over 8 KB is shown beside its field."""
    agreement_id = make_agreement(db, world)
    agreed_rate(db, world, 2027, 1, "EUR", "1.10")
    csrf = sign_in(client, db, settings, world["b_finance"])
    url = f"/alliances/{world.alliance_id}/royalty-statements/new"
    form = {"csrf_token": csrf, "agreement_id": str(agreement_id), "year": "2027", "quarter": "1"}
    nul = client.post(url, data=form | {"lines": "DE,HLX,1\x00.00,EUR"})
    assert nul.status_code == 422
    assert 'id="lines-error"' in nul.text  # beside the field, the form kept
    assert "must not contain NUL characters" in nul.text
    assert f'value="{agreement_id}" selected' in nul.text
    long_lines = client.post(url, data=form | {"lines": "DE,HLX,1.00,EUR\n" * 140_000})
    assert long_lines.status_code == 422
    assert 'id="lines-error"' in long_lines.text
    assert "must be at most 2 MB" in long_lines.text
    other = client.post(url, data=form | {"term_ended": "DE " * 3000})
    assert 'id="term_ended-error"' in other.text
    assert "must be at most 8 KB" in other.text
    done = client.post(url, data=form | {"lines": "DE,HLX,1.00,EUR"}, follow_redirects=False)
    assert done.status_code == 303, done.text[:500]
    assert len(db.execute(system_scope(select(RoyaltyStatement))).scalars().all()) == 1


@pytest.mark.parametrize("how", ["declared", "streamed"])
def test_api_imports_over_the_limit_are_413_naming_the_file(
    app: FastAPI, client: TestClient, db: Session, world: World, how: str
) -> None:
    """Both API imports: a body over the limit is 413 ``file: must be at most N MB``, from
    Content-Length before reading or while streaming; nothing is imported."""
    item = royalty_draft(client, db, world)
    royalty = f"/api/v1/alliances/{world.alliance_id}/royalty-statements/{item['id']}"
    headers = {**world["b_finance"].headers, "If-Match": f'"{item["version"]}"'}
    tid = open_true_up(client, world, agreement(db, world))["id"]
    trueup = f"{base(world)}/{tid}/lines/import"
    cases = [
        (f"{royalty}/lines/import", headers, 10 * MB),
        (trueup, world["a_finance"].headers, 5 * MB),
    ]
    for url, who, limit in cases:
        if how == "declared":  # refused from Content-Length: not a byte of it is pulled
            declared = {**who, "Content-Length": str(3 * limit)}
            response, pulled = _stream(app, url, head=b"", total=3 * limit, headers=declared)
            assert pulled == 0
        else:
            response, pulled = _stream(app, url, head=b"", total=3 * limit, headers=who)
            assert limit <= pulled <= limit + 2 * PIECE
        assert response.status_code == 413, (url, response.text[:300])
        rule = f"must be at most {limit // MB} MB"
        assert response.json()["detail"] == [{"field": "file", "rule": rule}]
    after = client.get(royalty, headers=world["b_finance"].headers).json()
    assert (after["version"], after["inputs"]) == (item["version"], item["inputs"])
    assert _costs(db) == []


def test_an_unknown_caller_is_refused_before_the_body_is_read(
    app: FastAPI, client: TestClient, db: Session, world: World
) -> None:
    """No token: 401 and the server never pulls the (large) body."""
    tid = open_true_up(client, world, agreement(db, world))["id"]
    response, pulled = _stream(
        app, f"{base(world)}/{tid}/lines/import", head=b"", total=4 * MB, headers={}
    )
    assert response.status_code == 401
    assert pulled <= PIECE
