"""Shared pydantic building blocks for request and response schemas."""

from __future__ import annotations

from typing import Annotated

from pydantic import BaseModel, ConfigDict, StringConstraints


class Input(BaseModel):
    """Base of every request body: unknown fields are refused (TEN-3)."""

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)


class Output(BaseModel):
    """Base of every response body, read from ORM objects."""

    model_config = ConfigDict(from_attributes=True)


Name = Annotated[str, StringConstraints(min_length=1, max_length=200, strip_whitespace=True)]
ShortText = Annotated[str, StringConstraints(max_length=500, strip_whitespace=True)]
LongText = Annotated[str, StringConstraints(max_length=20000)]
