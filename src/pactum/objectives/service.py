"""Objective rules: who may write, what stays private, how sharing works."""

from __future__ import annotations

import uuid

from sqlalchemy import select
from sqlalchemy.orm import Session, joinedload

from pactum.access import AllianceView, get_scoped, scoped, system_scope
from pactum.access.records import audit_record, audit_update
from pactum.core.errors import Conflict, ValidationFailed
from pactum.core.time import utcnow
from pactum.core.updates import check_version, diff, reject_nulls
from pactum.live.bus import publish
from pactum.models import AllianceMember, Objective, User
from pactum.objectives.schemas import ObjectiveCreate, ObjectiveUpdate

NULLABLE = frozenset({"owner_user_id", "target_date"})
AUDITED = ("kind", "title", "description", "owner_user_id", "measure", "target_date", "status")


def _announce(session: Session, objective: Objective) -> None:
    """Tell waiting pages that an objective changed (at commit; to those who may see it)."""
    publish(
        session,
        alliance_id=objective.alliance_id,
        visibility=objective.visibility,
        owner_org_id=objective.owner_org_id,
        kind="objective",
        object_id=objective.id,
        version=objective.version,
    )


def _check_owner(
    session: Session, view: AllianceView, owner_user_id: uuid.UUID | None, visibility: str
) -> None:
    """The owner must be a member of the alliance; of our own party for private records."""
    if owner_user_id is None:
        return
    member = session.execute(
        system_scope(
            select(AllianceMember).where(
                AllianceMember.alliance_id == view.alliance_id,
                AllianceMember.user_id == owner_user_id,
            )
        )
    ).scalar_one_or_none()
    if member is None:
        raise ValidationFailed("owner_user_id", "must be a member of this alliance")
    if visibility == "private" and member.org_id != view.org_id:
        raise ValidationFailed(
            "owner_user_id", "a private objective must be owned by someone of your party"
        )


def _check_kind(kind: str, visibility: str) -> None:
    if kind == "walk_away" and visibility != "private":
        raise ValidationFailed("visibility", "walk-away points are always private to your party")


def list_objectives(
    session: Session,
    view: AllianceView,
    *,
    visibility: str | None = None,
    kind: str | None = None,
) -> list[Objective]:
    """Objectives the caller's party may see, shared first, newest last."""
    stmt = scoped(view, Objective).options(joinedload(Objective.owner_user))
    if visibility is not None:
        stmt = stmt.where(Objective.visibility == visibility)
    if kind is not None:
        stmt = stmt.where(Objective.kind == kind)
    stmt = stmt.order_by(Objective.visibility.desc(), Objective.created_at, Objective.id)
    return list(session.execute(stmt).scalars())


def get_objective(
    session: Session, view: AllianceView, objective_id: uuid.UUID, *, lock: bool = False
) -> Objective:
    """One visible objective, or 404."""
    return get_scoped(
        session, view, Objective, objective_id, joinedload(Objective.owner_user), lock=lock
    )


def create_objective(session: Session, view: AllianceView, data: ObjectiveCreate) -> Objective:
    """Add an objective; the caller's party owns it."""
    view.require("objectives.write")
    _check_kind(data.kind, data.visibility)
    _check_owner(session, view, data.owner_user_id, data.visibility)
    objective = Objective(
        alliance_id=view.alliance_id,
        owner_org_id=view.org_id,
        visibility=data.visibility,
        kind=data.kind,
        title=data.title,
        description=data.description,
        owner_user_id=data.owner_user_id,
        owner_user=session.get(User, data.owner_user_id) if data.owner_user_id else None,
        measure=data.measure,
        target_date=data.target_date,
        status=data.status,
        created_by_id=view.principal.user_id,
    )
    session.add(objective)
    session.flush()
    audit_record(
        session,
        view,
        objective,
        "objective",
        "objective.create",
        new={key: getattr(objective, key) for key in (*AUDITED, "visibility")},
    )
    _announce(session, objective)
    return objective


def update_objective(
    session: Session,
    view: AllianceView,
    objective_id: uuid.UUID,
    data: ObjectiveUpdate,
    *,
    expected_version: int | None,
) -> Objective:
    """Edit an objective; sharing a private one is deliberate and cannot be undone."""
    objective = get_objective(session, view, objective_id, lock=True)
    view.require("objectives.write")
    check_version(expected_version, objective.version)
    changes = data.model_dump(exclude_unset=True)
    reject_nulls(changes, NULLABLE)
    visibility = changes.get("visibility", objective.visibility)
    if objective.visibility == "shared" and visibility == "private":
        raise Conflict("visibility: a shared objective cannot be made private again")
    _check_kind(objective.kind, visibility)
    if "owner_user_id" in changes:
        _check_owner(session, view, changes["owner_user_id"], visibility)
    old, new = diff(objective, changes)
    if not new:
        return objective
    was_private = objective.visibility == "private"
    for key, value in new.items():
        setattr(objective, key, value)
    if "owner_user_id" in new:
        objective.owner_user = (
            session.get(User, new["owner_user_id"]) if new["owner_user_id"] else None
        )
    objective.version += 1
    objective.updated_at = utcnow()
    session.flush()
    audit_update(
        session,
        view,
        objective,
        "objective",
        action="objective",
        old=old,
        new=new,
        was_private=was_private,
        shared_content={key: getattr(objective, key) for key in (*AUDITED, "visibility")},
    )
    _announce(session, objective)
    return objective
