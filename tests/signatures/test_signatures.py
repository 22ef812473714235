"""SIG-1 and SIG-2 on a record of any kind: password again, meaning, bound to a hash."""

from __future__ import annotations

import hashlib
import uuid
from datetime import UTC, datetime
from decimal import Decimal
from typing import Any

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from pactum.access import AllianceView, open_alliance, system_scope
from pactum.audit.service import Actor, private_chain
from pactum.auth.service import active_memberships, principal_for
from pactum.core.errors import Conflict, Forbidden, TooManyRequests, ValidationFailed
from pactum.core.time import frozen
from pactum.models import AuditEntry, Organisation, Signature, User
from pactum.orgs import service as orgs
from pactum.settings import Settings
from pactum.signatures import service as sig
from tests.conftest import PASSWORD, World

CONTENT: dict[str, Any] = {"minutes": "JSC 2027-03", "decisions": ["budget", "plan"], "v": 1}


def _view(db: Session, world: World, who: str) -> AllianceView:
    return open_alliance(db, world[who].principal, world.alliance_id)


def _sign(
    db: Session,
    settings: Settings,
    view: AllianceView,
    object_id: uuid.UUID,
    *,
    version: int = 1,
    current: int = 1,
    password: str = PASSWORD,
    name: str | None = None,
    role: str = "finance",
    meaning: str = "approval",
    content: Any = None,
) -> Signature:
    return sig.sign(
        db,
        view,
        settings=settings,
        object_type="minutes",
        object_id=object_id,
        object_version=version,
        current_version=current,
        content=CONTENT if content is None else content,
        password=password,
        printed_name=name or view.principal.name,
        meaning=meaning,
        role=role,
    )


def _stored(db: Session, object_id: uuid.UUID) -> list[Signature]:
    return list(
        db.execute(system_scope(select(Signature).where(Signature.object_id == object_id)))
        .scalars()
        .all()
    )


def test_the_hash_is_sha256_of_canonical_json() -> None:
    """Sorted keys, no spaces, UTF-8, exact decimals: the same content, the same hash."""
    content = {"b": Decimal("1.10"), "a": [1, "é"]}
    expected = hashlib.sha256('{"a":[1,"é"],"b":"1.10"}'.encode()).hexdigest()
    assert sig.content_hash(content) == expected
    assert sig.content_hash({"a": [1, "é"], "b": Decimal("1.10")}) == expected
    assert sig.content_hash({"a": [1, "é"], "b": Decimal("1.1")}) != expected


def test_a_signature_records_name_time_meaning_and_the_hash(
    db: Session, world: World, settings: Settings
) -> None:
    """SIG-1: printed name, UTC time, meaning, role and the content's SHA-256; audited."""
    object_id = uuid.uuid4()
    moment = datetime(2027, 4, 2, 9, 30, tzinfo=UTC)
    with frozen(moment):
        made = _sign(db, settings, _view(db, world, "a_finance"), object_id, name=" a  FINANCE ")
    assert (made.printed_name, made.meaning, made.role) == ("a FINANCE", "approval", "finance")
    assert made.signed_at == moment
    assert made.content_sha256 == sig.content_hash(CONTENT)
    assert made.signer_org_id == world.orgs["A"]
    actions = db.execute(
        system_scope(select(AuditEntry.action).where(AuditEntry.object_id == str(made.id)))
    ).scalars()
    assert list(actions) == ["signature.sign"]


def test_a_wrong_password_is_refused_nothing_stored_and_the_refusal_audited(
    db: Session, world: World, settings: Settings
) -> None:
    """The caller rolls back and keeps only the refusal, in the party's own chain."""
    object_id = uuid.uuid4()
    view = _view(db, world, "a_finance")
    with pytest.raises(sig.SignatureRefused) as refused:
        _sign(db, settings, view, object_id, password=PASSWORD + "!")
    assert refused.value.field == "password"
    assert _stored(db, object_id) == []
    sig.record_refusal(db, settings, refused.value.refusal)
    entry = db.execute(
        system_scope(select(AuditEntry).where(AuditEntry.object_id == str(object_id)))
    ).scalar_one()
    assert entry.action == "signature.refused"
    assert entry.chain == private_chain(world.alliance_id, world.orgs["A"])


def test_repeated_wrong_passwords_are_throttled(
    db: Session, world: World, settings: Settings
) -> None:
    """After the sign-in limit of failures, even the right password waits (429)."""
    object_id = uuid.uuid4()
    view = _view(db, world, "a_finance")
    for _ in range(settings.login_max_failures):
        with pytest.raises(sig.SignatureRefused) as refused:
            _sign(db, settings, view, object_id, password="wrong password, again")
        sig.record_refusal(db, settings, refused.value.refusal)
    with pytest.raises(TooManyRequests):
        _sign(db, settings, view, object_id)
    assert _stored(db, object_id) == []


def test_a_stale_version_is_a_conflict(db: Session, world: World, settings: Settings) -> None:
    """Signing version 1 of a record now at version 2: 409, nothing stored."""
    object_id = uuid.uuid4()
    with pytest.raises(Conflict, match="version 2"):
        _sign(db, settings, _view(db, world, "a_finance"), object_id, version=1, current=2)
    assert _stored(db, object_id) == []


def test_bad_name_meaning_or_role(db: Session, world: World, settings: Settings) -> None:
    """The printed name is the account's; the meaning one of four; the role one held."""
    object_id = uuid.uuid4()
    view = _view(db, world, "a_finance")
    with pytest.raises(ValidationFailed) as bad_name:
        _sign(db, settings, view, object_id, name="B Finance")
    assert bad_name.value.field == "printed_name"
    with pytest.raises(ValidationFailed) as bad_meaning:
        _sign(db, settings, view, object_id, meaning="agreement")
    assert bad_meaning.value.field == "meaning"
    with pytest.raises(Forbidden):
        _sign(db, settings, view, object_id, role="alliance_manager")
    assert _stored(db, object_id) == []


def test_one_person_cannot_fill_two_slots(db: Session, world: World, settings: Settings) -> None:
    """A person who also administers party B signed for A; signing for B is refused."""
    org_b = db.get_one(Organisation, world.orgs["B"])
    user = db.get_one(User, world["a_finance"].user_id)
    orgs.provision_membership(db, Actor.system("test"), org=org_b, user=user, is_admin=True)
    as_b = next(m for m in active_memberships(db, user.id) if m.org_id == world.orgs["B"])
    view_b = open_alliance(db, principal_for(user, as_b), world.alliance_id)
    object_id = uuid.uuid4()
    _sign(db, settings, _view(db, world, "a_finance"), object_id)
    with pytest.raises(Conflict, match="already signed this version"):
        _sign(db, settings, view_b, object_id, role="org_admin")
    assert len(_stored(db, object_id)) == 1


def test_a_party_fills_one_slot_and_completion_needs_every_party(
    db: Session, world: World, settings: Settings
) -> None:
    """SIG-2: A's second signer is refused; complete only once B has signed too."""
    object_id = uuid.uuid4()
    parties = (world.orgs["A"], world.orgs["B"])

    def complete() -> bool:
        return sig.complete(
            db,
            _view(db, world, "a_finance"),
            object_type="minutes",
            object_id=object_id,
            object_version=1,
            content=CONTENT,
            parties=parties,
        )

    _sign(db, settings, _view(db, world, "a_finance"), object_id)
    with pytest.raises(Conflict, match="already signed this version for your party"):
        _sign(db, settings, _view(db, world, "a_admin"), object_id, role="org_admin")
    assert not complete()
    _sign(db, settings, _view(db, world, "b_finance"), object_id)
    assert complete()


def test_an_edit_invalidates_visibly_and_completion_needs_the_new_version(
    db: Session, world: World, settings: Settings
) -> None:
    """Invalidated signatures stay, shown as invalid; both parties sign version 2 again."""
    object_id = uuid.uuid4()
    parties = (world.orgs["A"], world.orgs["B"])
    for who in ("a_finance", "b_finance"):
        _sign(db, settings, _view(db, world, who), object_id)
    view = _view(db, world, "a_finance")
    gone = sig.invalidate(
        db, view, object_type="minutes", object_id=object_id, reason="decision 2 reworded"
    )
    assert len(gone) == 2
    edited = {**CONTENT, "v": 2}
    shown = sig.manifestations(
        sig.signatures_for(db, view, object_type="minutes", object_id=object_id),
        {world.orgs["A"]: "Helix", world.orgs["B"]: "Meridian"},
        sig.content_hash(edited),
    )
    assert [(m.party, m.valid) for m in shown] == [("Helix", False), ("Meridian", False)]
    assert all(m.invalidated_at is not None for m in shown)

    def complete() -> bool:
        return sig.complete(
            db,
            view,
            object_type="minutes",
            object_id=object_id,
            object_version=2,
            content=edited,
            parties=parties,
        )

    assert not complete()
    _sign(db, settings, view, object_id, version=2, current=2, content=edited)
    assert not complete()
    _sign(
        db, settings, _view(db, world, "b_finance"), object_id, version=2, current=2, content=edited
    )
    assert complete()
    assert len(_stored(db, object_id)) == 4
