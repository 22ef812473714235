"""Shared pydantic building blocks for request and response schemas."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from functools import lru_cache
from typing import Annotated, Any, get_args

import pycountry
from pydantic import (
    AfterValidator,
    BaseModel,
    ConfigDict,
    Field,
    StringConstraints,
    ValidationInfo,
    field_validator,
)

from pactum.core.text import date_problem, text_problem

# Text fields allowed this many characters or more are multi-line (notes, descriptions,
# reasons): line breaks and tabs are kept there; shorter ones are one line.
MULTI_LINE_FROM = 1000


def _max_length(annotation: Any, metadata: list[Any]) -> int | None:
    """The largest ``max_length`` declared on a field (through ``X | None`` too)."""
    found = [getattr(m, "max_length", None) for m in metadata]
    for arg in get_args(annotation):
        found.append(_max_length(arg, list(getattr(arg, "__metadata__", ()))))
    for extra in getattr(annotation, "__metadata__", ()):
        found.append(getattr(extra, "max_length", None))
    lengths = [n for n in found if isinstance(n, int)]
    return max(lengths) if lengths else None


@lru_cache(maxsize=2048)
def _rules(model: type[BaseModel], name: str) -> tuple[bool, bool]:
    """(checked, multi-line) for one field: secrets are not checked, long text is
    multi-line, the free-form documents (dicts) keep their line breaks."""
    if "password" in name:
        return False, False
    field = model.model_fields.get(name)
    if field is None:
        return True, False
    longest = _max_length(field.annotation, list(field.metadata))
    return True, longest is not None and longest >= MULTI_LINE_FROM


def _problem(value: Any, multiline: bool) -> str | None:
    if isinstance(value, str):
        return text_problem(value, multiline=multiline)
    if isinstance(value, date):
        return date_problem(value)
    if isinstance(value, list | tuple | set | frozenset):
        return next((p for v in value if (p := _problem(v, multiline)) is not None), None)
    if isinstance(value, dict):
        for key, item in value.items():
            problem = _problem(key, False) or _problem(item, True)
            if problem is not None:
                return problem
    return None


class Input(BaseModel):
    """Base of every request body: unknown fields are refused (TEN-3); text and dates
    follow the storage rules of :mod:`pactum.core.text` (IN-1)."""

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    @field_validator("*", mode="after")
    @classmethod
    def _storable(cls, value: Any, info: ValidationInfo) -> Any:
        """Refuse control, bidirectional-override and non-characters, and dates outside
        1900–2200, in any field (line breaks and tabs only in multi-line text)."""
        checked, multiline = _rules(cls, info.field_name or "")
        if checked:
            problem = _problem(value, multiline)
            if problem is not None:
                raise ValueError(problem)
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
