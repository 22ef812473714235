"""Schemas for valuation scenarios."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Annotated, Any, Literal

from pydantic import Field, StringConstraints

from pactum.core.schemas import Input, LongText, Output

Title = Annotated[str, StringConstraints(min_length=1, max_length=200, strip_whitespace=True)]
Trials = Annotated[int, Field(ge=1_000, le=1_000_000)]
Seed = Annotated[int, Field(ge=0, le=2**31 - 1)]


class ScenarioCreate(Input):
    """A deal file to value; private to our party unless ``visibility`` is ``shared``."""

    name: Title
    description: LongText = ""
    deal: dict[str, Any] = Field(description="a deal file (see `pactum value schema`)")
    visibility: Literal["shared", "private"] = "private"
    trials: Trials = 100_000
    seed: Seed = 1


class ScenarioUpdate(Input):
    """Editable fields; visibility may only go from private to shared."""

    name: Title | None = None
    description: LongText | None = None
    deal: dict[str, Any] | None = None
    visibility: Literal["shared", "private"] | None = None
    trials: Trials | None = None
    seed: Seed | None = None


class ScenarioRead(Output):
    """A scenario with its inputs and stored result."""

    id: uuid.UUID
    alliance_id: uuid.UUID
    name: str
    description: str
    deal: dict[str, Any]
    result: dict[str, Any]
    trials: int
    seed: int
    visibility: str
    owner_org_id: uuid.UUID
    version: int
    created_at: datetime
    updated_at: datetime
