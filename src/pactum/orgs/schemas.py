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


class InvitationCreate(Input):
    """An invitation to join the caller's organisation, addressed to an e-mail address.

    The person chooses their own name and password (or uses their existing account) when
    they accept; the organisation sets only its membership: job title and administrator.
    """

    email: EmailStr
    title: ShortText = ""
    is_admin: bool = False


class InvitationRead(Output):
    """An invitation as the inviting organisation sees it (the same whether or not the
    address has an account)."""

    id: uuid.UUID
    email: str
    title: str
    is_admin: bool
    status: str
    invited_by_name: str
    created_at: datetime
    expires_at: datetime
    answered_at: datetime | None


class MyInvitationRead(Output):
    """An invitation addressed to the caller."""

    id: uuid.UUID
    org_id: uuid.UUID
    org_name: str
    title: str
    is_admin: bool
    invited_by_name: str
    created_at: datetime
    expires_at: datetime


class PersonUpdate(Input):
    """What an organisation manages of a member: the membership (job title, administrator,
    active for this organisation). The person's name, password, second factor and
    sessions are theirs alone (ID-1)."""

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


class MeUpdate(Input):
    """What a person changes of their own account here: the name shown everywhere (a
    signature keeps the printed name it was signed with)."""

    name: Name


class MeRead(Output):
    """The caller."""

    id: uuid.UUID
    email: str
    name: str
    org_id: uuid.UUID | None
    org_name: str
    is_org_admin: bool
    is_instance_admin: bool
    version: int
