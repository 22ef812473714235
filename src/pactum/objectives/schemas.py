"""Schemas for charter objectives."""

from __future__ import annotations

import uuid
from datetime import date, datetime
from typing import Annotated, Literal

from pydantic import StringConstraints

from pactum.core.schemas import Input, LongText, Output

Title = Annotated[str, StringConstraints(min_length=1, max_length=200, strip_whitespace=True)]
Measure = Annotated[str, StringConstraints(max_length=500, strip_whitespace=True)]
Kind = Literal["objective", "expected_benefit", "walk_away"]
Status = Literal["proposed", "on_track", "at_risk", "off_track", "achieved", "dropped"]
Visibility = Literal["shared", "private"]


class ObjectiveCreate(Input):
    """A new objective; ``private`` ones are seen only by the creating party."""

    title: Title
    description: LongText = ""
    kind: Kind = "objective"
    owner_user_id: uuid.UUID | None = None
    measure: Measure = ""
    target_date: date | None = None
    status: Status = "proposed"
    visibility: Visibility = "shared"


class ObjectiveUpdate(Input):
    """Editable fields of an objective (visibility may only go from private to shared)."""

    title: Title | None = None
    description: LongText | None = None
    owner_user_id: uuid.UUID | None = None
    measure: Measure | None = None
    target_date: date | None = None
    status: Status | None = None
    visibility: Visibility | None = None


class ObjectiveRead(Output):
    """An objective as the caller's party sees it."""

    id: uuid.UUID
    alliance_id: uuid.UUID
    kind: str
    title: str
    description: str
    owner_user_id: uuid.UUID | None
    owner_name: str | None
    measure: str
    target_date: date | None
    status: str
    visibility: str
    owner_org_id: uuid.UUID
    version: int
    created_at: datetime
    updated_at: datetime
