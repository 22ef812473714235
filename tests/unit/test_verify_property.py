"""Property: any change to any hashed field of any entry in a chain is detected."""

from __future__ import annotations

import copy
from typing import Any

from hypothesis import given
from hypothesis import strategies as st

from pactum.audit.verify import GENESIS, HASHED_FIELDS, check_entries, entry_hash

texts = st.text(max_size=20)


@st.composite
def chains(draw: st.DrawFn) -> list[dict[str, Any]]:
    """A valid chain of 1..8 entries with arbitrary (unicode) content."""
    entries = []
    prev = GENESIS
    for seq in range(1, draw(st.integers(1, 8)) + 1):
        entry: dict[str, Any] = {
            "chain": "alliance:x:shared",
            "seq": seq,
            "ts": "2026-11-22T06:00:00.000000Z",
            "alliance_id": None,
            "actor_user_id": None,
            "actor_org_id": None,
            "actor_name": draw(texts),
            "action": draw(texts),
            "object_type": "objective",
            "object_id": draw(texts),
            "old": draw(texts),
            "new": draw(texts),
            "reason": draw(texts),
            "prev_hash": prev,
        }
        entry["hash"] = entry_hash(entry)
        prev = entry["hash"]
        entries.append(entry)
    return entries


@given(chain=chains())
def test_intact_chains_verify(chain: list[dict[str, Any]]) -> None:
    """A chain built by the rules verifies, with its head."""
    heads = {"alliance:x:shared": {"seq": len(chain), "hash": chain[-1]["hash"]}}
    assert check_entries(chain, heads) is None


@given(chain=chains(), data=st.data())
def test_any_single_change_is_detected(chain: list[dict[str, Any]], data: st.DataObject) -> None:
    """Changing one hashed field of one entry always breaks verification at or after it."""
    index = data.draw(st.integers(0, len(chain) - 1))
    field = data.draw(st.sampled_from([f for f in HASHED_FIELDS if f not in {"chain"}]))
    tampered = copy.deepcopy(chain)
    original = tampered[index][field]
    replacement = data.draw(st.one_of(st.text(max_size=5), st.integers(0, 10), st.none()))
    if replacement == original:
        return
    tampered[index][field] = replacement
    heads = {"alliance:x:shared": {"seq": len(chain), "hash": chain[-1]["hash"]}}
    problem = check_entries(tampered, heads)
    assert problem is not None
