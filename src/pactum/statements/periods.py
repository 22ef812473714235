"""Pure quarter arithmetic and exact number text for statements: years and quarters,
country codes, decimal strings, the fingerprint of inputs, the other party's role.

It imports no database, audit or web module, so the calculators that use it stay pure
(an import contract keeps it so)."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping
from decimal import Decimal, InvalidOperation
from typing import Annotated, Any

import pycountry
from pydantic import AfterValidator, Field

Year = Annotated[int, Field(ge=2000, le=2100)]
Quarter = Annotated[int, Field(ge=1, le=4)]
MAX_LINES = 10_000
STATUS_LABELS = {
    "draft": "Draft",
    "submitted": "Submitted for approval",
    "approved": "Approved",
    "rejected": "Rejected",
}
EDITABLE = ("draft", "rejected")


def _country(value: str) -> str:
    code = value.strip().upper()
    if len(code) != 2 or pycountry.countries.get(alpha_2=code) is None:
        raise ValueError(f"must be an ISO 3166 alpha-2 country code such as DE, got {value!r}")
    return code


Country = Annotated[str, AfterValidator(_country)]


def is_country(code: str) -> bool:
    """Whether ``code`` is an ISO 3166 alpha-2 country code (any case)."""
    try:
        _country(code)
    except ValueError:
        return False
    return True


def label(year: int, quarter: int) -> str:
    """``2027 Q1``."""
    return f"{year} Q{quarter}"


def dec(value: Decimal) -> str:
    """Exact decimal text for stored inputs and results (``-0`` is written ``0``)."""
    return str(value + 0) if value == 0 else str(value)


def num(value: object) -> Decimal:
    """A stored decimal string back as a Decimal."""
    try:
        return Decimal(str(value))
    except InvalidOperation as exc:  # pragma: no cover - stored values are written by dec()
        raise ValueError(f"not a decimal: {value!r}") from exc


def fingerprint(data: Mapping[str, Any]) -> str:
    """A SHA-256 of a statement's inputs (canonical JSON), for the audit trail."""
    encoded = json.dumps(data, sort_keys=True, separators=(",", ":"), default=str)
    return hashlib.sha256(encoded.encode()).hexdigest()


def other(role: str) -> str:
    """The other party's role."""
    return "licensee" if role == "licensor" else "licensor"
