"""``Idempotency-Key`` on money-moving requests (DATA-2).

The first request with a key stores its answer in the same transaction as its effect; a
retry with the same key and the same body gets that answer again (header
``Idempotent-Replayed: true``) and changes nothing; the same key with a different body is
422. The key row is written *before* the work, so a concurrent duplicate waits on the
unique index (PostgreSQL) or the write lock (SQLite) and then replays the first answer:
duplicates never create two records. A request that fails stores nothing, so it may be
retried with the same key.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable
from typing import Annotated, Any

from fastapi import Header
from fastapi.encoders import jsonable_encoder
from fastapi.responses import JSONResponse
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from pactum.access import Principal
from pactum.core.errors import ValidationFailed
from pactum.models import IdempotentRequest

IdempotencyKey = Annotated[
    str | None,
    Header(
        alias="Idempotency-Key",
        description="A unique key per intended operation (e.g. a UUID); a retry with the "
        "same key replays the first answer instead of acting twice.",
    ),
]
FIELD = "Idempotency-Key"


def _fingerprint(scope: str, body: Any) -> str:
    encoded = json.dumps([scope, jsonable_encoder(body)], sort_keys=True, separators=(",", ":"))
    return hashlib.sha256(encoded.encode()).hexdigest()


def _check_key(key: str) -> str:
    if not 1 <= len(key) <= 200 or not all(33 <= ord(ch) <= 126 for ch in key):
        raise ValidationFailed(FIELD, "must be 1 to 200 printable ASCII characters, no spaces")
    return key


def _replay(found: IdempotentRequest, fingerprint: str) -> JSONResponse:
    if found.fingerprint != fingerprint:
        raise ValidationFailed(FIELD, "was already used for a different request")
    stored = json.loads(found.body)
    return JSONResponse(
        stored["body"],
        status_code=found.status_code,
        headers={**stored["headers"], "Idempotent-Replayed": "true"},
    )


def _find(db: Session, user_id: Any, key: str) -> IdempotentRequest | None:
    return db.execute(
        select(IdempotentRequest).where(
            IdempotentRequest.user_id == user_id, IdempotentRequest.key == key
        )
    ).scalar_one_or_none()


def _claim(db: Session, me: Principal, key: str, fingerprint: str) -> IdempotentRequest | None:
    """Write the key's row before the work; ``None`` when the key is already taken (by an
    earlier request, or a concurrent one that committed first)."""
    if _find(db, me.user_id, key) is not None:
        return None
    claim = IdempotentRequest(user_id=me.user_id, key=key, fingerprint=fingerprint)
    try:
        with db.begin_nested():
            db.add(claim)
            db.flush()
    except IntegrityError:
        return None
    return claim


def idempotent(
    db: Session,
    me: Principal,
    key: str | None,
    *,
    scope: str,
    body: Any,
    run: Callable[[], tuple[int, Any, dict[str, str]]],
) -> JSONResponse:
    """Run ``run`` once per (caller, key); ``run`` returns (status, payload, headers).

    ``scope`` names the operation and target (method and path), so one key cannot be
    replayed against another operation.
    """
    if key is None:
        status_code, payload, headers = run()
        return JSONResponse(jsonable_encoder(payload), status_code=status_code, headers=headers)
    key = _check_key(key)
    fingerprint = _fingerprint(scope, body)
    claim = _claim(db, me, key, fingerprint)
    if claim is None:
        # Used before, or by a concurrent request that committed first: answer as it did.
        found = _find(db, me.user_id, key)
        assert found is not None  # the unique index guarantees the row
        return _replay(found, fingerprint)
    status_code, payload, headers = run()
    encoded = jsonable_encoder(payload)
    claim.status_code = status_code
    claim.body = json.dumps({"body": encoded, "headers": headers})
    db.flush()
    return JSONResponse(encoded, status_code=status_code, headers=headers)


def first_use(db: Session, me: Principal, key: str, *, scope: str) -> bool:
    """For web forms: record a form's one-time key; ``False`` when it was already used (a
    double-click or a resubmitted page), so the caller shows the result instead of acting
    again. Without a usable key (an old page, a hand-made request) there is nothing to
    compare with: ``True``, and the request is handled as usual."""
    try:
        key = _check_key(key)
    except ValidationFailed:
        return True
    return _claim(db, me, key, _fingerprint(scope, None)) is not None
