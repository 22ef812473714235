"""Sizes in the rules of error messages: ``10 MB``, ``8 KB``, ``812 bytes``."""

from __future__ import annotations

KB = 1024
MB = 1024 * 1024


def limit_text(size: int) -> str:
    """A limit as people write it: whole MB or KB where it is one, else bytes (``2.5 MB``
    for a limit that is a round half)."""
    for unit, name in ((MB, "MB"), (KB, "KB")):
        if size >= unit and (size * 2) % unit == 0:
            return f"{size / unit:g} {name}"
    return f"{size:,} bytes"
