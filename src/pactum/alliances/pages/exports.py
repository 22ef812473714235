"""CSV and Excel downloads of an alliance's members and activity."""

from __future__ import annotations

import uuid
from typing import Any

from fastapi import APIRouter
from fastapi.responses import Response
from sqlalchemy.orm import Session

from pactum.access import AllianceView, open_alliance
from pactum.alliances import service
from pactum.alliances.pages.common import (
    ACTIVITY_EXPORT_LIMIT,
    ROLE_LABELS,
)
from pactum.alliances.views import activity
from pactum.http.db import DbSession
from pactum.web.exports import ExportFormat, slug, table_response
from pactum.web.session import WebUser

router = APIRouter()


# --- exports -------------------------------------------------------------------------------

MEMBERS_HEADER = ["Name", "E-mail", "Organisation", "Alliance role", "Added (UTC)"]
ACTIVITY_HEADER = [
    "Took effect (UTC)",
    "Recorded (UTC)",
    "Who",
    "Action",
    "Record type",
    "Record id",
    "Visibility",
]


def _member_rows(db: Session, view: AllianceView) -> list[list[Any]]:
    names = view.party_names
    return [
        [
            m.user.name,
            m.user.email,
            names.get(m.org_id, ""),
            ROLE_LABELS.get(m.role, m.role),
            m.created_at,
        ]
        for m in service.list_members(db, view)
    ]


def _activity_rows(db: Session, view: AllianceView) -> list[list[Any]]:
    view.require("audit.export")
    mine = f"Private to {view.party.org.name}"
    return [
        [
            e.effective_at or e.ts,
            e.ts,
            e.actor_name,
            e.action,
            e.object_type,
            e.object_id,
            mine if e.private else "Shared",
        ]
        for e in activity(db, view, ACTIVITY_EXPORT_LIMIT)
    ]


@router.get("/alliances/{alliance_id}/members.{fmt}")
def members_export(
    alliance_id: uuid.UUID, fmt: ExportFormat, db: DbSession, info: WebUser
) -> Response:
    """The alliance's members as CSV or Excel."""
    view = open_alliance(db, info.principal, alliance_id)
    stem = f"{slug(view.alliance.name, 'alliance')}-members"
    return table_response(fmt, stem, MEMBERS_HEADER, _member_rows(db, view), title="Members")


@router.get("/alliances/{alliance_id}/activity.{fmt}")
def activity_export(
    alliance_id: uuid.UUID, fmt: ExportFormat, db: DbSession, info: WebUser
) -> Response:
    """The activity our party may see, as CSV or Excel (managers, legal, administrators)."""
    view = open_alliance(db, info.principal, alliance_id)
    stem = f"{slug(view.alliance.name, 'alliance')}-activity"
    rows = _activity_rows(db, view)
    return table_response(fmt, stem, ACTIVITY_HEADER, rows, title="Activity")
