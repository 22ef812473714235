"""Append entries to the hash-chained trail, verify it and export a party's view."""

from __future__ import annotations

import csv
import io
import json
import uuid
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import bindparam, select, text
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from pactum.audit.verify import FORMAT, GENESIS, ChainChecker, entry_hash, values_hash
from pactum.core.cells import safe_text
from pactum.core.time import iso, utcnow
from pactum.models import AuditEntry, AuditHead

SYSTEM_CHAIN = "system"


@dataclass(frozen=True)
class Actor:
    """Who did something: a person acting for an organisation (or the system)."""

    user_id: uuid.UUID | None
    org_id: uuid.UUID | None
    name: str

    @classmethod
    def system(cls, name: str = "system") -> Actor:
        """The actor for command-line and automatic work."""
        return cls(user_id=None, org_id=None, name=name)


# The actor of every change time makes (escalations, expiries, deemed acceptance): the
# scheduler, whoever's process ran it.
SCHEDULER = Actor.system("Pactum scheduler")


def shared_chain(alliance_id: uuid.UUID) -> str:
    """Name of the chain every party of an alliance sees."""
    return f"alliance:{alliance_id}:shared"


def private_chain(alliance_id: uuid.UUID, org_id: uuid.UUID) -> str:
    """Name of one party's private chain inside an alliance."""
    return f"alliance:{alliance_id}:org:{org_id}"


def org_chain(org_id: uuid.UUID) -> str:
    """Name of an organisation's own chain (sign-ins, people, tokens)."""
    return f"org:{org_id}"


def chain_for(alliance_id: uuid.UUID, visibility: str, owner_org_id: uuid.UUID) -> str:
    """The chain for a record with the given visibility."""
    if visibility == "private":
        return private_chain(alliance_id, owner_org_id)
    return shared_chain(alliance_id)


def _jsonable(value: Any) -> Any:
    """Turn a value into something JSON can encode exactly."""
    if isinstance(value, uuid.UUID | Decimal):
        return str(value)
    if isinstance(value, datetime):
        return iso(value)
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, list | tuple):
        return [_jsonable(item) for item in value]
    if isinstance(value, dict):
        return {str(k): _jsonable(v) for k, v in value.items()}
    return value


def encode_values(values: Mapping[str, Any] | None) -> str:
    """Canonical JSON text of old/new values (ASCII, sorted keys)."""
    if not values:
        return "{}"
    return json.dumps(
        _jsonable(dict(values)), sort_keys=True, separators=(",", ":"), ensure_ascii=True
    )


def _lock_head(session: Session, chain: str) -> AuditHead:
    """Create the chain's head if missing and lock it so appends are serialised."""
    dialect = session.get_bind().dialect.name
    values = {"chain": chain, "seq": 0, "hash": GENESIS}
    if dialect == "postgresql":
        session.execute(postgresql.insert(AuditHead).values(**values).on_conflict_do_nothing())
    else:
        session.execute(sqlite.insert(AuditHead).values(**values).on_conflict_do_nothing())
    head = session.execute(
        select(AuditHead).where(AuditHead.chain == chain).with_for_update()
    ).scalar_one()
    return head


def record(
    session: Session,
    *,
    actor: Actor,
    action: str,
    object_type: str,
    object_id: object,
    chain: str,
    alliance_id: uuid.UUID | None = None,
    old: Mapping[str, Any] | None = None,
    new: Mapping[str, Any] | None = None,
    reason: str = "",
) -> AuditEntry:
    """Append one entry to ``chain`` in the caller's transaction and return it."""
    head = _lock_head(session, chain)
    fields: dict[str, Any] = {
        "chain": chain,
        "seq": head.seq + 1,
        "ts": iso(utcnow()),
        "alliance_id": str(alliance_id) if alliance_id else None,
        "actor_user_id": str(actor.user_id) if actor.user_id else None,
        "actor_org_id": str(actor.org_id) if actor.org_id else None,
        "actor_name": actor.name,
        "action": action,
        "object_type": object_type,
        "object_id": str(object_id),
        "old": encode_values(old),
        "new": encode_values(new),
        "reason": reason,
        "prev_hash": head.hash,
    }
    digest = entry_hash(fields)
    entry = AuditEntry(
        chain=chain,
        seq=fields["seq"],
        ts=datetime.fromisoformat(fields["ts"].replace("Z", "+00:00")),
        alliance_id=alliance_id,
        actor_user_id=actor.user_id,
        actor_org_id=actor.org_id,
        actor_name=actor.name,
        action=action,
        object_type=object_type,
        object_id=fields["object_id"],
        old_values=fields["old"],
        new_values=fields["new"],
        reason=reason,
        prev_hash=head.hash,
        hash=digest,
    )
    session.add(entry)
    head.seq = fields["seq"]
    head.hash = digest
    session.flush()
    return entry


_SELECT = (
    "SELECT chain, seq, ts, alliance_id, actor_user_id, actor_org_id, actor_name, action, "
    "object_type, object_id, old_values, new_values, reason, prev_hash, hash FROM audit_entries"
)


def _ts(value: Any) -> str:
    """Canonical time text from a raw column value (SQLite text or a driver datetime)."""
    if isinstance(value, datetime):
        return iso(value if value.tzinfo else value.replace(tzinfo=UTC))
    text_value = str(value).replace(" ", "T")
    return (text_value if "." in text_value else text_value + ".000000") + "Z"


def _uid(value: Any) -> str | None:
    """Canonical UUID text from a raw column value (SQLite hex or a driver UUID)."""
    if value is None:
        return None
    if isinstance(value, uuid.UUID):
        return str(value)
    h = str(value)
    if len(h) == 32:
        return f"{h[:8]}-{h[8:12]}-{h[12:16]}-{h[16:20]}-{h[20:]}"
    return h


def _as_dict(row: Sequence[Any]) -> dict[str, Any]:
    """Turn a raw row into the exported/hashed entry form."""
    return {
        "chain": row[0],
        "seq": int(row[1]),
        "ts": _ts(row[2]),
        "alliance_id": _uid(row[3]),
        "actor_user_id": _uid(row[4]),
        "actor_org_id": _uid(row[5]),
        "actor_name": row[6],
        "action": row[7],
        "object_type": row[8],
        "object_id": row[9],
        "old": row[10],
        "new": row[11],
        "reason": row[12],
        "prev_hash": row[13],
        "hash": row[14],
    }


def _iter_entries(session: Session, chains: list[str] | None = None) -> Iterator[dict[str, Any]]:
    """Stream entries ordered by chain and sequence (raw rows: no ORM overhead)."""
    if chains is None:
        stmt = text(f"{_SELECT} ORDER BY chain, seq")
    else:
        stmt = text(f"{_SELECT} WHERE chain IN :chains ORDER BY chain, seq").bindparams(
            bindparam("chains", value=chains, expanding=True)
        )
    result = session.execute(stmt.execution_options(yield_per=5000))
    for row in result:
        yield _as_dict(row)


def _heads(session: Session, chains: list[str] | None = None) -> dict[str, dict[str, Any]]:
    """Each chain's recorded head."""
    stmt = select(AuditHead)
    if chains is not None:
        stmt = stmt.where(AuditHead.chain.in_(chains))
    return {
        head.chain: {"seq": head.seq, "hash": head.hash} for head in session.execute(stmt).scalars()
    }


@dataclass(frozen=True)
class VerifyResult:
    """Outcome of verifying the whole trail."""

    ok: bool
    entries: int
    chains: int
    problem: str | None


def verify_trail(session: Session) -> VerifyResult:
    """Recompute every chain from the raw rows; report the first broken entry."""
    checker = ChainChecker()
    result = session.execute(
        text(f"{_SELECT} ORDER BY chain, seq").execution_options(yield_per=5000)
    )
    for row in result:
        values = [
            row[0], int(row[1]), _ts(row[2]), _uid(row[3]), _uid(row[4]), _uid(row[5]),
            row[6], row[7], row[8], row[9], row[10], row[11], row[12], row[13],
        ]  # fmt: skip
        if not checker.feed(row[0], values[1], row[13], row[14], values_hash(values)):
            break
    heads = _heads(session)
    problem = checker.problem or checker.check_heads(heads)
    return VerifyResult(problem is None, checker.count, len(heads), problem)


def export_lines(session: Session, *, alliance_id: uuid.UUID, org_id: uuid.UUID) -> Iterator[str]:
    """Yield the JSON lines of what ``org_id`` may see of ``alliance_id``'s trail."""
    chains = [shared_chain(alliance_id), private_chain(alliance_id, org_id)]
    heads = _heads(session, chains)
    header = {
        "format": FORMAT,
        "version": 1,
        "alliance_id": str(alliance_id),
        "org_id": str(org_id),
        "exported_at": iso(utcnow()),
        "heads": heads,
    }
    yield json.dumps(header, sort_keys=True, ensure_ascii=True)
    for entry in _iter_entries(session, list(heads)):
        yield json.dumps(entry, sort_keys=True, ensure_ascii=True)


def export_csv(entries: list[dict[str, Any]]) -> str:
    """Render entries as a human-readable CSV."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(
        ["time (UTC)", "who", "action", "record type", "record id", "before", "after", "reason"]
    )
    for entry in entries:
        writer.writerow(
            [
                safe_text(str(entry[key]))
                for key in ("ts", "actor_name", "action", "object_type", "object_id")
            ]
            + [
                safe_text(str(entry["old"])),
                safe_text(str(entry["new"])),
                safe_text(entry["reason"]),
            ]
        )
    return buffer.getvalue()


def recent_for_party(
    session: Session, *, alliance_id: uuid.UUID, org_id: uuid.UUID, limit: int = 20
) -> list[AuditEntry]:
    """The latest entries of an alliance that one party may see (shared + its own)."""
    chains = [shared_chain(alliance_id), private_chain(alliance_id, org_id)]
    stmt = (
        select(AuditEntry)
        .where(AuditEntry.alliance_id == alliance_id, AuditEntry.chain.in_(chains))
        .order_by(AuditEntry.id.desc())
        .limit(limit)
    )
    return list(session.execute(stmt).scalars())
