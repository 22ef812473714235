"""Shared pydantic building blocks for request and response schemas."""

from __future__ import annotations

from decimal import Decimal
from typing import Annotated, Any

import pycountry
from pydantic import (
    AfterValidator,
    BaseModel,
    ConfigDict,
    Field,
    StringConstraints,
    field_validator,
)


def _has_nul(value: Any) -> bool:
    if isinstance(value, str):
        return "\x00" in value
    if isinstance(value, list | tuple):
        return any(_has_nul(item) for item in value)
    return False


class Input(BaseModel):
    """Base of every request body: unknown fields are refused (TEN-3)."""

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    @field_validator("*", mode="after")
    @classmethod
    def _no_nul(cls, value: Any) -> Any:
        """Refuse NUL characters, which no database text column can hold."""
        if _has_nul(value):
            raise ValueError("must not contain NUL characters")
        return value


class Output(BaseModel):
    """Base of every response body, read from ORM objects."""

    model_config = ConfigDict(from_attributes=True)


Name = Annotated[str, StringConstraints(min_length=1, max_length=200, strip_whitespace=True)]
ShortText = Annotated[str, StringConstraints(max_length=500, strip_whitespace=True)]
LongText = Annotated[str, StringConstraints(max_length=20000)]


def _currency(value: str) -> str:
    code = value.strip().upper()
    if len(code) != 3 or pycountry.currencies.get(alpha_3=code) is None:
        raise ValueError(f"must be an ISO 4217 currency code such as USD or EUR, got {value!r}")
    return code


Currency = Annotated[str, AfterValidator(_currency), Field(examples=["USD", "EUR"])]
# An amount of money: exact, never negative, at most two decimals (cents).
Amount = Annotated[Decimal, Field(ge=0, le=Decimal("9999999999999.99"), decimal_places=2)]
