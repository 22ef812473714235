"""Electronic signatures (SIG-1) and multi-party sign-off (SIG-2), for any record.

A signature re-checks the signer's password at signing time (throttled and audited like a
sign-in), records the printed name, the UTC time and the meaning, and binds to the
SHA-256 of the canonical content of the exact version signed. Signing a version that is
no longer current is a conflict (409). An edit of the signed record invalidates its
signatures visibly (they are never deleted). A sign-off is complete when every required
party has a valid signature on the current content; a person signs a version once, and
a party fills one slot.

The caller's service decides who may sign (``view.require``) and what the content is.
"""

from __future__ import annotations

import hashlib
import json
import uuid
from collections.abc import Collection, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from sqlalchemy.orm import Session

from pactum.access import AllianceView, scoped
from pactum.access.records import audit_record
from pactum.audit.service import Actor, private_chain, record
from pactum.auth import passwords, throttle
from pactum.core.errors import Conflict, Forbidden, ValidationFailed
from pactum.core.time import iso, utcnow
from pactum.models import SIGNATURE_MEANINGS, Signature, User
from pactum.notify.service import notify
from pactum.settings import Settings

# Failed signing passwords count towards the same account-wide throttle as sign-ins.
THROTTLE_CLIENT = "signature"
MAX_PRINTED_NAME = 200


def _encode(value: Any) -> Any:
    """JSON for the values records hold: exact decimals, ids, ISO dates and UTC times."""
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, uuid.UUID):
        return str(value)
    if isinstance(value, datetime):
        return iso(value)
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, set | frozenset):
        return sorted(value)
    raise TypeError(f"cannot sign a value of type {type(value).__name__}")


def canonical(content: Any) -> bytes:
    """The canonical encoding of ``content``: JSON with sorted keys, no spaces, UTF-8."""
    text = json.dumps(
        content, sort_keys=True, separators=(",", ":"), ensure_ascii=False, default=_encode
    )
    return text.encode("utf-8")


def content_hash(content: Any) -> str:
    """The SHA-256 (hex) of the canonical encoding of ``content``."""
    return hashlib.sha256(canonical(content)).hexdigest()


@dataclass(frozen=True)
class Refusal:
    """A refused signing attempt (wrong password), audited after the request's rollback."""

    alliance_id: uuid.UUID
    org_id: uuid.UUID
    user_id: uuid.UUID
    name: str
    email: str
    object_type: str
    object_id: uuid.UUID
    object_version: int


class SignatureRefused(ValidationFailed):
    """The password was not correct: nothing is signed; the attempt must be audited.

    The caller rolls back the request's work, then calls :func:`record_refusal` and
    commits, so the refusal is kept while nothing else is.
    """

    def __init__(self, refusal: Refusal) -> None:
        super().__init__("password", "is not correct; nothing was signed")
        self.refusal = refusal


def record_refusal(session: Session, settings: Settings, refusal: Refusal) -> None:
    """Count the failure in the sign-in throttle and audit it in the party's own chain."""
    throttle.fail(session, settings, refusal.email, THROTTLE_CLIENT)
    record(
        session,
        actor=Actor(user_id=refusal.user_id, org_id=refusal.org_id, name=refusal.name),
        action="signature.refused",
        object_type=refusal.object_type,
        object_id=refusal.object_id,
        chain=private_chain(refusal.alliance_id, refusal.org_id),
        alliance_id=refusal.alliance_id,
        new={"object_version": refusal.object_version, "reason": "password not correct"},
    )


@contextmanager
def refusals_kept(session: Session, settings: Settings) -> Iterator[None]:
    """Around a whole request's work (the API): on a refused signature, undo that work
    and keep only the counted, audited refusal, committed, then let the refusal answer."""
    try:
        yield
    except SignatureRefused as exc:
        session.rollback()
        record_refusal(session, settings, exc.refusal)
        session.commit()
        raise


def keep_if_refused(session: Session, settings: Settings, exc: Exception) -> None:
    """In a page's error handler (its savepoint already rolled back): keep a refused
    signature's counted, audited refusal, committed with the page's answer."""
    if isinstance(exc, SignatureRefused):
        record_refusal(session, settings, exc.refusal)


def signatures_for(
    session: Session, view: AllianceView, *, object_type: str, object_id: uuid.UUID
) -> list[Signature]:
    """Every signature of a record (valid and invalidated), oldest first."""
    stmt = (
        scoped(view, Signature)
        .where(Signature.object_type == object_type, Signature.object_id == object_id)
        .order_by(Signature.signed_at, Signature.id)
    )
    return list(session.execute(stmt).scalars())


def is_valid(signature: Signature, content_sha256: str) -> bool:
    """Whether a signature still applies: not invalidated, and bound to this content."""
    return signature.invalidated_at is None and signature.content_sha256 == content_sha256


def _normal(name: str) -> str:
    return " ".join(name.split()).casefold()


def _check_fields(
    view: AllianceView, user: User, printed_name: str, meaning: str, role: str
) -> str:
    if meaning not in SIGNATURE_MEANINGS:
        raise ValidationFailed("meaning", f"must be one of {', '.join(SIGNATURE_MEANINGS)}")
    printed = " ".join(printed_name.split())
    if not printed:
        raise ValidationFailed("printed_name", "is required")
    if len(printed) > MAX_PRINTED_NAME:
        raise ValidationFailed("printed_name", f"must be at most {MAX_PRINTED_NAME} characters")
    if _normal(printed) != _normal(user.name):
        raise ValidationFailed("printed_name", f"must be the name on your account ({user.name})")
    if role not in view.roles:
        raise Forbidden(f"You do not hold the role {role!r} in this alliance.")
    return printed


def sign(
    session: Session,
    view: AllianceView,
    *,
    settings: Settings,
    object_type: str,
    object_id: uuid.UUID,
    object_version: int,
    current_version: int,
    content: Any,
    password: str,
    printed_name: str,
    meaning: str,
    role: str,
    expected_sha256: str | None = None,
    visibility: str = "shared",
) -> Signature:
    """Sign version ``object_version`` of a record whose current version is
    ``current_version`` and whose current content is ``content``.

    Refuses (nothing stored): bad meaning or printed name (422), a role the signer does
    not hold (403), a stale version or content (409), a second signature by the same
    person or a second one for the same party on this version (409, SIG-2), too many
    failed attempts (429), and a wrong password (:class:`SignatureRefused`, 422).
    """
    user = session.get(User, view.principal.user_id)
    if user is None or not user.active:
        raise Forbidden("Your account cannot sign.")
    printed = _check_fields(view, user, printed_name, meaning, role)
    digest = content_hash(content)
    if object_version != current_version:
        raise Conflict(
            f"version: the record changed since you read it (now version {current_version}, "
            f"you signed version {object_version}); review the latest version and sign again"
        )
    if expected_sha256 is not None and expected_sha256.lower() != digest:
        raise Conflict(
            "content_sha256: the content you reviewed is not the current content; "
            "review the latest version and sign again"
        )
    for other in signatures_for(session, view, object_type=object_type, object_id=object_id):
        if not is_valid(other, digest) or other.object_version != current_version:
            continue
        if other.signer_id == user.id:
            raise Conflict("signature: you already signed this version (one person, one slot)")
        if other.signer_org_id == view.org_id:
            raise Conflict(
                f"signature: {other.printed_name} already signed this version for your party"
            )
    throttle.check(session, settings, user.email, THROTTLE_CLIENT)
    if not passwords.verify_password(user.password_hash, password):
        raise SignatureRefused(
            Refusal(
                alliance_id=view.alliance_id,
                org_id=view.org_id,
                user_id=user.id,
                name=user.name,
                email=user.email,
                object_type=object_type,
                object_id=object_id,
                object_version=object_version,
            )
        )
    throttle.succeed(session, settings, user.email, THROTTLE_CLIENT)
    signature = Signature(
        alliance_id=view.alliance_id,
        owner_org_id=view.org_id,
        visibility=visibility,
        object_type=object_type,
        object_id=object_id,
        object_version=object_version,
        content_sha256=digest,
        signer_id=user.id,
        signer_org_id=view.org_id,
        printed_name=printed,
        role=role,
        meaning=meaning,
        signed_at=utcnow(),
    )
    session.add(signature)
    session.flush()
    audit_record(
        session,
        view,
        signature,
        "signature",
        "signature.sign",
        new={
            "object_type": object_type,
            "object_id": object_id,
            "object_version": object_version,
            "content_sha256": digest,
            "printed_name": printed,
            "role": role,
            "meaning": meaning,
            "signed_at": signature.signed_at,
        },
    )
    return signature


def invalidate(
    session: Session,
    view: AllianceView,
    *,
    object_type: str,
    object_id: uuid.UUID,
    reason: str,
    subject: str = "",
    link: str = "",
    changes: Sequence[str] = (),
    tell: bool = True,
) -> list[Signature]:
    """Mark every valid signature of a record as invalidated (the record was edited).

    Never silently (SIG-3): each invalidation is audited with the reason and what
    changed, and, with ``tell``, each signer (other than the person making the change) is
    told in the app and by e-mail what they signed, why it no longer applies and what
    changed, old -> new."""
    now = utcnow()
    changed = []
    for signature in signatures_for(session, view, object_type=object_type, object_id=object_id):
        if signature.invalidated_at is not None:
            continue
        signature.invalidated_at = now
        changed.append(signature)
        audit_record(
            session,
            view,
            signature,
            "signature",
            "signature.invalidate",
            old={"invalidated_at": None},
            new={"invalidated_at": now, "reason": reason, "changes": list(changes)},
        )
        if tell and signature.signer_id != view.principal.user_id:
            what = f" Changed: {'; '.join(changes)}." if changes else ""
            text = (
                f"Your signature on {subject or 'a record'} (version "
                f"{signature.object_version}) no longer applies: {reason}.{what}"
            )
            notify(
                session,
                user_id=signature.signer_id,
                org_id=signature.signer_org_id,
                alliance_id=view.alliance_id,
                text=text,
                link=link,
                email=True,
            )
    session.flush()
    return changed


def complete(
    session: Session,
    view: AllianceView,
    *,
    object_type: str,
    object_id: uuid.UUID,
    object_version: int,
    content: Any,
    parties: Collection[uuid.UUID],
    meaning: str | None = None,
) -> bool:
    """Whether every party in ``parties`` has a valid signature (of ``meaning``, if given)
    on version ``object_version`` with exactly this ``content`` (SIG-2)."""
    digest = content_hash(content)
    signed = {
        s.signer_org_id
        for s in signatures_for(session, view, object_type=object_type, object_id=object_id)
        if is_valid(s, digest)
        and s.object_version == object_version
        and (meaning is None or s.meaning == meaning)
    }
    return bool(parties) and set(parties) <= signed


@dataclass(frozen=True)
class Manifestation:
    """What a page shows of a signature: who, for which party, meaning, when, validity."""

    printed_name: str
    party: str
    role: str
    meaning: str
    signed_at: datetime
    object_version: int
    content_sha256: str
    valid: bool
    invalidated_at: datetime | None


def manifestations(
    signatures: Sequence[Signature], party_names: Mapping[uuid.UUID, str], content_sha256: str
) -> list[Manifestation]:
    """The signatures as shown to people, with their validity against the current content."""
    return [
        Manifestation(
            printed_name=s.printed_name,
            party=party_names.get(s.signer_org_id, "Another party"),
            role=s.role,
            meaning=s.meaning,
            signed_at=s.signed_at,
            object_version=s.object_version,
            content_sha256=s.content_sha256,
            valid=is_valid(s, content_sha256),
            invalidated_at=s.invalidated_at,
        )
        for s in signatures
    ]
