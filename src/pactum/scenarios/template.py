"""The documented template deal file (an early-stage oncology licence) that new
scenarios, new agreements' terms, "value this agreement" and the demo start from."""

from __future__ import annotations

import copy
from functools import lru_cache
from pathlib import Path
from typing import Any

import yaml

TEMPLATE = Path(__file__).with_name("template_deal.yaml")


@lru_cache(maxsize=1)
def template_text() -> str:
    """The template as written (with its comments), for forms."""
    return TEMPLATE.read_text(encoding="utf-8")


@lru_cache(maxsize=1)
def _parsed() -> dict[str, Any]:
    data = yaml.safe_load(template_text())
    assert isinstance(data, dict)
    return data


def template_deal() -> dict[str, Any]:
    """The template parsed, a fresh copy the caller may change."""
    return copy.deepcopy(_parsed())
