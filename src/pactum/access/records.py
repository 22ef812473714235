"""Auditing alliance records in the chain their visibility puts them in."""

from __future__ import annotations

import uuid
from typing import Any, Protocol

from sqlalchemy.orm import Session

from pactum.access.policy import AllianceView
from pactum.audit.service import chain_for, record, shared_chain


class ScopedRecord(Protocol):
    """An alliance record: id, alliance, owning party, visibility."""

    @property
    def id(self) -> uuid.UUID:
        """The record's id."""

    @property
    def alliance_id(self) -> uuid.UUID:
        """Its alliance."""

    @property
    def owner_org_id(self) -> uuid.UUID:
        """The party that owns it."""

    @property
    def visibility(self) -> str:
        """``shared`` or ``private``."""


def audit_record(
    session: Session,
    view: AllianceView,
    item: ScopedRecord,
    object_type: str,
    action: str,
    *,
    old: dict[str, Any] | None = None,
    new: dict[str, Any] | None = None,
    chain: str | None = None,
) -> None:
    """Audit a change to ``item`` in its visibility's chain (or ``chain``)."""
    record(
        session,
        actor=view.principal.actor,
        action=action,
        object_type=object_type,
        object_id=item.id,
        chain=chain or chain_for(item.alliance_id, item.visibility, item.owner_org_id),
        alliance_id=item.alliance_id,
        old=old,
        new=new,
    )


def audit_update(
    session: Session,
    view: AllianceView,
    item: ScopedRecord,
    object_type: str,
    *,
    action: str,
    old: dict[str, Any],
    new: dict[str, Any],
    was_private: bool,
    shared_content: dict[str, Any],
) -> None:
    """Audit an update (``<action>.update``, and ``<action>.share`` when it shares).

    Sharing a private record keeps its private history in the party's own chain; the
    shared chain learns of the record from then on, with its content at that time.
    """
    if was_private and item.visibility == "shared":
        private = chain_for(item.alliance_id, "private", item.owner_org_id)
        audit_record(
            session,
            view,
            item,
            object_type,
            f"{action}.update",
            old=old,
            new=new,
            chain=private,
        )
        audit_record(
            session,
            view,
            item,
            object_type,
            f"{action}.share",
            new=shared_content,
            chain=shared_chain(item.alliance_id),
        )
    else:
        audit_record(session, view, item, object_type, f"{action}.update", old=old, new=new)
