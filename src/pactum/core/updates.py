"""Rules every edit of a versioned record follows (DATA-1, DATA-4)."""

from __future__ import annotations

from collections.abc import Collection, Mapping
from typing import Any

from pactum.core.errors import PreconditionFailed, ValidationFailed


def check_version(expected: int | None, actual: int) -> None:
    """Optimistic concurrency: refuse a write based on a stale version (412)."""
    if expected is not None and expected != actual:
        raise PreconditionFailed(
            f"The record changed since you read it (version {actual}, you sent {expected})."
        )


def reject_nulls(changes: Mapping[str, Any], nullable: Collection[str] = ()) -> None:
    """Refuse an explicit null for a field that must have a value."""
    for key, value in changes.items():
        if value is None and key not in nullable:
            raise ValidationFailed(key, "may not be null")


def diff(record: object, changes: Mapping[str, Any]) -> tuple[dict[str, Any], dict[str, Any]]:
    """(old, new) values of the fields ``changes`` would really change."""
    old = {k: getattr(record, k) for k in changes if getattr(record, k) != changes[k]}
    return old, {k: changes[k] for k in old}
