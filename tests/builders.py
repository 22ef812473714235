"""Synthetic large alliances for benchmarks and query-count tests.

Records are bulk-inserted (the audit entries with their real hash chain) so that building
10,000 audit entries takes a moment instead of minutes; the result verifies like a trail
written by the application.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import timedelta
from functools import lru_cache

from sqlalchemy import insert, select
from sqlalchemy.orm import Session

from pactum.access import Principal
from pactum.alliances import service as alliances
from pactum.alliances.schemas import AllianceCreate, PartnerIn
from pactum.audit.service import Actor, encode_values, shared_chain
from pactum.audit.verify import GENESIS, entry_hash
from pactum.auth.passwords import hash_password
from pactum.auth.service import active_memberships, principal_for
from pactum.core.time import iso, utcnow
from pactum.models import (
    AllianceMember,
    AllianceParty,
    AuditEntry,
    AuditHead,
    Objective,
    Organisation,
    OrgMembership,
    User,
)

ROLES = ("committee_member", "finance", "legal", "contributor", "viewer")


@lru_cache(maxsize=1)
def _password_hash() -> str:
    return hash_password("benchmark password 2026")


@dataclass(frozen=True)
class LargeAlliance:
    """Ids and principals of a generated alliance."""

    alliance_id: uuid.UUID
    manager: Principal
    partner: Principal


def _org_with_people(session: Session, name: str, count: int) -> tuple[Organisation, list[User]]:
    org = Organisation(name=name, kind="company")
    session.add(org)
    session.flush()
    users = [
        User(
            email=f"p{i}-{uuid.uuid4().hex[:8]}@{org.id.hex[:8]}.example",
            name=f"Person {i} of {name}",
            password_hash=_password_hash(),
        )
        for i in range(count)
    ]
    session.add_all(users)
    session.flush()
    session.add_all(
        OrgMembership(org_id=org.id, user_id=u.id, is_admin=(i == 0)) for i, u in enumerate(users)
    )
    session.flush()
    return org, users


def append_audit_entries(
    session: Session, alliance_id: uuid.UUID, actor: Actor, count: int
) -> None:
    """Append ``count`` genuine, chained entries to the alliance's shared chain in bulk."""
    chain = shared_chain(alliance_id)
    head = session.get(AuditHead, chain)
    seq, prev = (head.seq, head.hash) if head else (0, GENESIS)
    start = utcnow()
    rows = []
    for i in range(count):
        seq += 1
        fields = {
            "chain": chain,
            "seq": seq,
            "ts": iso(start + timedelta(microseconds=i)),
            "alliance_id": str(alliance_id),
            "actor_user_id": str(actor.user_id) if actor.user_id else None,
            "actor_org_id": str(actor.org_id) if actor.org_id else None,
            "actor_name": actor.name,
            "action": "objective.update",
            "object_type": "objective",
            "object_id": str(uuid.uuid4()),
            "old": encode_values({"status": "proposed"}),
            "new": encode_values({"status": "on_track", "n": i}),
            "reason": "",
            "prev_hash": prev,
        }
        digest = entry_hash(fields)
        rows.append(
            {
                "chain": chain,
                "seq": seq,
                "ts": start + timedelta(microseconds=i),
                "alliance_id": alliance_id,
                "actor_user_id": actor.user_id,
                "actor_org_id": actor.org_id,
                "actor_name": actor.name,
                "action": fields["action"],
                "object_type": "objective",
                "object_id": fields["object_id"],
                "old_values": fields["old"],
                "new_values": fields["new"],
                "reason": "",
                "prev_hash": prev,
                "hash": digest,
            }
        )
        prev = digest
    for offset in range(0, len(rows), 2000):
        session.execute(insert(AuditEntry), rows[offset : offset + 2000])
    if head is None:
        session.add(AuditHead(chain=chain, seq=seq, hash=prev))
    else:
        head.seq, head.hash = seq, prev
    session.flush()


def build_large_alliance(
    session: Session, *, members: int = 50, objectives: int = 200, audit_entries: int = 10_000
) -> LargeAlliance:
    """An accepted two-party alliance of the given size (members split over both parties)."""
    tag = uuid.uuid4().hex[:6]
    half = members // 2
    org_a, people_a = _org_with_people(session, f"Bench Bio {tag}", half)
    org_b, people_b = _org_with_people(session, f"Bench Pharma {tag}", members - half)
    manager = principal_for(people_a[0], active_memberships(session, people_a[0].id)[0])
    partner = principal_for(people_b[0], active_memberships(session, people_b[0].id)[0])
    alliance = alliances.create_alliance(
        session,
        manager,
        AllianceCreate(
            name=f"Benchmark alliance {tag}",
            types=["co_development"],
            therapeutic_area="Oncology",
            my_role="licensor",
            partners=[PartnerIn(org_id=org_b.id, role="licensee")],
        ),
    )
    party_b = session.execute(
        select(AllianceParty)
        .where(AllianceParty.alliance_id == alliance.id, AllianceParty.org_id == org_b.id)
        .execution_options(pactum_scoped=True)
    ).scalar_one()
    alliances.respond_invitation(session, partner, party_b.id, accept=True)
    session.add_all(
        AllianceMember(
            alliance_id=alliance.id, org_id=org.id, user_id=user.id, role=ROLES[i % len(ROLES)]
        )
        for org, people in ((org_a, people_a), (org_b, people_b))
        for i, user in enumerate(people[1:])
    )
    session.execute(
        insert(Objective),
        [
            {
                "id": uuid.uuid4(),
                "alliance_id": alliance.id,
                "owner_org_id": (org_a if i % 2 == 0 else org_b).id,
                "visibility": "private" if i % 4 == 3 else "shared",
                "kind": "objective",
                "title": f"Objective {i}",
                "description": "Generated for the benchmark.",
                "owner_user_id": (people_a if i % 2 == 0 else people_b)[i % half].id,
                "measure": "",
                "status": "on_track",
                "version": 1,
                "created_by_id": people_a[0].id,
                "created_at": utcnow(),
                "updated_at": utcnow(),
            }
            for i in range(objectives)
        ],
    )
    append_audit_entries(session, alliance.id, manager.actor, audit_entries)
    session.flush()
    return LargeAlliance(alliance.id, manager, partner)
