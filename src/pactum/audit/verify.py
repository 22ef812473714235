#!/usr/bin/env python3
"""Standalone verifier for a Pactum audit export (standard library only).

Usage: ``python verify.py EXPORT.jsonl``. Exit status 0 and ``ok`` when every chain in
the file is intact; exit status 1 and the first broken entry otherwise.

An export holds one JSON object per line, ASCII-escaped, split only on ``\\n``. The first
line is a header (``"format": "pactum-audit-export"``); the rest are entries. Each entry's
``hash`` is SHA-256 over ``prev_hash + "\\n" + canonical(entry)``, where ``canonical`` is the
entry without ``hash``, as JSON with sorted keys, no spaces and ASCII escapes. Within a
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
from collections.abc import Iterable, Mapping
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


def canonical(entry: Mapping[str, Any]) -> bytes:
    """Encode the hashed fields of an entry canonically (sorted keys, ASCII, compact)."""
    body = {key: entry[key] for key in HASHED_FIELDS}
    return json.dumps(body, sort_keys=True, separators=(",", ":"), ensure_ascii=True).encode(
        "ascii"
    )


def entry_hash(entry: Mapping[str, Any]) -> str:
    """Return the SHA-256 hex digest chaining ``entry`` to its ``prev_hash``."""
    digest = hashlib.sha256()
    digest.update(str(entry["prev_hash"]).encode("ascii"))
    digest.update(b"\n")
    digest.update(canonical(entry))
    return digest.hexdigest()


def check_entries(
    entries: Iterable[Mapping[str, Any]], heads: Mapping[str, Mapping[str, Any]] | None = None
) -> str | None:
    """Return a description of the first broken entry, or ``None`` when all chains hold."""
    last: dict[str, tuple[int, str]] = {}
    for entry in entries:
        chain = str(entry.get("chain"))
        try:
            seq = int(entry["seq"])
            prev_seq, prev_hash = last.get(chain, (0, GENESIS))
            where = f"chain {chain} seq {seq}"
            if seq != prev_seq + 1:
                return f"{where}: expected seq {prev_seq + 1} (entry missing or reordered)"
            if entry["prev_hash"] != prev_hash:
                return f"{where}: prev_hash does not match the previous entry's hash"
            if entry_hash(entry) != entry["hash"]:
                return f"{where}: hash mismatch (entry content was altered)"
        except (KeyError, TypeError, ValueError) as exc:
            return f"chain {chain}: malformed entry ({exc!r})"
        last[chain] = (seq, str(entry["hash"]))
    for chain, head in (heads or {}).items():
        seq, digest = last.get(chain, (0, GENESIS))
        if int(head["seq"]) != seq or head["hash"] != digest:
            return (
                f"chain {chain} seq {int(head['seq'])}: head does not match the last entry "
                f"(seq {seq}; entries were removed or added)"
            )
    return None


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
