"""Schemas for organisations and people."""

from __future__ import annotations

import uuid
from datetime import datetime

from pydantic import EmailStr, Field

from pactum.core.schemas import Input, Name, Output, ShortText


class OrgCreate(Input):
    """A new organisation (instance administrators only)."""

    name: Name
    kind: ShortText = "company"
    require_totp: bool = False


class OrgRead(Output):
    """An organisation as others see it."""

    id: uuid.UUID
    name: str
    kind: str


class PersonCreate(Input):
    """A person added by their organisation's administrator."""

    email: EmailStr
    name: Name
    title: ShortText = ""
    is_admin: bool = False
    password: str = Field(min_length=12, max_length=256)


class PersonUpdate(Input):
    """Editable fields of a person (by their organisation's administrator)."""

    name: Name | None = None
    title: ShortText | None = None
    is_admin: bool | None = None
    active: bool | None = None


class PersonRead(Output):
    """A person as their organisation's administrator sees them."""

    id: uuid.UUID
    email: str
    name: str
    title: str
    is_admin: bool
    active: bool
    totp_enabled: bool
    version: int
    created_at: datetime


class MeRead(Output):
    """The caller."""

    id: uuid.UUID
    email: str
    name: str
    org_id: uuid.UUID | None
    org_name: str
    is_org_admin: bool
    is_instance_admin: bool
