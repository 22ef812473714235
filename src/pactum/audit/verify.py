#!/usr/bin/env python3
"""Standalone verifier for a Pactum audit export (standard library only).

Usage: ``python verify.py EXPORT.jsonl``. Exit status 0 and ``ok`` when every chain in
the file is intact; exit status 1 and the first broken entry otherwise.

An export holds one JSON object per line, ASCII-escaped, split only on ``\\n``. The first
line is a header (``"format": "pactum-audit-export"``); the rest are entries. Each entry's
``hash`` is SHA-256 over ``prev_hash + "\\n" + canonical(entry)``, where ``canonical`` is the
JSON array of the entry's ``HASHED_FIELDS`` values in that order, without spaces and with
ASCII escapes. Within a
chain the sequence numbers run 1, 2, 3 ... and each ``prev_hash`` is the previous entry's
``hash`` (64 zeros for the first). The header names each chain's head (last seq and hash),
so a truncated export is detected too.

This file is shipped inside the ``pactum`` package and imported by it, so the application
and the verifier share one definition of the hash.
"""

from __future__ import annotations

import hashlib
import json
import sys
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

GENESIS = "0" * 64
FORMAT = "pactum-audit-export"
HASHED_FIELDS = (
    "chain",
    "seq",
    "ts",
    "alliance_id",
    "actor_user_id",
    "actor_org_id",
    "actor_name",
    "action",
    "object_type",
    "object_id",
    "old",
    "new",
    "reason",
    "prev_hash",
)


def canonical_values(values: Sequence[Any]) -> bytes:
    """Encode the hashed fields, given in ``HASHED_FIELDS`` order, canonically."""
    return json.dumps(list(values), separators=(",", ":"), ensure_ascii=True).encode("ascii")


def canonical(entry: Mapping[str, Any]) -> bytes:
    """Encode the hashed fields of an entry canonically (a JSON array in field order)."""
    return canonical_values([entry[key] for key in HASHED_FIELDS])


def values_hash(values: Sequence[Any]) -> str:
    """SHA-256 over ``prev_hash`` (the last value), a newline and the canonical encoding."""
    digest = hashlib.sha256(str(values[-1]).encode("ascii"))
    digest.update(b"\n")
    digest.update(canonical_values(values))
    return digest.hexdigest()


def entry_hash(entry: Mapping[str, Any]) -> str:
    """Return the SHA-256 hex digest chaining ``entry`` to its ``prev_hash``."""
    return values_hash([entry[key] for key in HASHED_FIELDS])


class ChainChecker:
    """Checks entries fed in chain order; remembers the first problem."""

    def __init__(self) -> None:
        self.last: dict[str, tuple[int, str]] = {}
        self.problem: str | None = None
        self.count = 0

    def feed(self, chain: str, seq: int, prev_hash: str, stored: str, computed: str) -> bool:
        """Check one entry; return ``False`` once a problem is found."""
        self.count += 1
        prev_seq, expected_prev = self.last.get(chain, (0, GENESIS))
        where = f"chain {chain} seq {seq}"
        if seq != prev_seq + 1:
            self.problem = f"{where}: expected seq {prev_seq + 1} (entry missing or reordered)"
        elif prev_hash != expected_prev:
            self.problem = f"{where}: prev_hash does not match the previous entry's hash"
        elif computed != stored:
            self.problem = f"{where}: hash mismatch (entry content was altered)"
        else:
            self.last[chain] = (seq, stored)
            return True
        return False

    def check_heads(self, heads: Mapping[str, Mapping[str, Any]]) -> str | None:
        """Compare each announced head with the last entry seen of its chain."""
        for chain, head in heads.items():
            seq, digest = self.last.get(chain, (0, GENESIS))
            if int(head["seq"]) != seq or head["hash"] != digest:
                return (
                    f"chain {chain} seq {int(head['seq'])}: head does not match the last "
                    f"entry (seq {seq}; entries were removed or added)"
                )
        return None


def check_entries(
    entries: Iterable[Mapping[str, Any]], heads: Mapping[str, Mapping[str, Any]] | None = None
) -> str | None:
    """Return a description of the first broken entry, or ``None`` when all chains hold."""
    checker = ChainChecker()
    for entry in entries:
        chain = str(entry.get("chain"))
        try:
            ok = checker.feed(
                chain, int(entry["seq"]), entry["prev_hash"], entry["hash"], entry_hash(entry)
            )
        except (KeyError, TypeError, ValueError) as exc:
            return f"chain {chain}: malformed entry ({exc!r})"
        if not ok:
            return checker.problem
    return checker.check_heads(heads or {})


def verify_file(path: str) -> str | None:
    """Verify an export file; return the first problem or ``None``."""
    with open(path, "rb") as handle:
        raw = handle.read()
    lines = [line for line in raw.split(b"\n") if line.strip()]
    if not lines:
        return "empty file: no header"
    try:
        header = json.loads(lines[0])
        entries = [json.loads(line) for line in lines[1:]]
    except ValueError as exc:
        return f"not a Pactum audit export: {exc}"
    if not isinstance(header, dict) or header.get("format") != FORMAT:
        return "not a Pactum audit export: bad header"
    heads = header.get("heads") or {}
    unknown = {str(entry.get("chain")) for entry in entries} - set(heads)
    if unknown:
        return f"chain {sorted(unknown)[0]}: not announced in the header"
    return check_entries(entries, heads)


def main(argv: list[str]) -> int:
    """Command-line entry point."""
    if len(argv) != 2 or argv[1] in {"-h", "--help"}:
        print("usage: python verify.py EXPORT.jsonl")
        return 2
    problem = verify_file(argv[1])
    if problem is None:
        print("ok")
        return 0
    print(f"BROKEN: {problem}")
    return 1


if __name__ == "__main__":
    sys.exit(main(sys.argv))
