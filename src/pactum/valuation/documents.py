"""Reading the YAML and JSON documents people type (deal files, agreement terms): every
key at most once, dates left as text for the schema to check (so ``2026-02-30`` is a
field error, not a crash), and ``NaN`` or ``Infinity`` refused.

Pure: it imports nothing else of Pactum (the valuation engine's rule), so the CLI and
the web pages read documents the same way.
"""

from __future__ import annotations

import json
from typing import Any

import yaml
from yaml.constructor import ConstructorError
from yaml.nodes import MappingNode, ScalarNode


class DocumentError(ValueError):
    """A document that cannot be read; the message says where and why (``key``: the key
    given twice, when that is the problem)."""

    def __init__(self, message: str, *, key: str | None = None) -> None:
        super().__init__(message)
        self.key = key


class _StrictLoader(yaml.SafeLoader):
    """Safe YAML without duplicate keys and without implicit timestamps."""

    def construct_mapping(self, node: MappingNode, deep: bool = False) -> dict[Any, Any]:
        """A mapping whose keys are each given once."""
        seen: set[Any] = set()
        for key_node, _value in node.value:
            key = self.construct_object(key_node, deep=deep)
            try:
                duplicate = key in seen
            except TypeError:  # an unhashable key: the base class reports it
                break
            if duplicate:
                raise ConstructorError(
                    None,
                    None,
                    f"the key {key!r} is given twice",
                    key_node.start_mark,
                )
            seen.add(key)
        return super().construct_mapping(node, deep=deep)


# Dates and times stay strings: the schema that reads them reports an impossible one.
_StrictLoader.yaml_implicit_resolvers = {
    first: [(tag, rx) for tag, rx in resolvers if tag != "tag:yaml.org,2002:timestamp"]
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}


def _finite_float(loader: _StrictLoader, node: ScalarNode) -> float:
    """A float that is a number: NaN and infinities are refused."""
    value = float(loader.construct_yaml_float(node))
    if value != value or value in (float("inf"), float("-inf")):
        raise ConstructorError(None, None, "NaN and infinite numbers are not allowed")
    return value


_StrictLoader.add_constructor("tag:yaml.org,2002:float", _finite_float)


def load_yaml(text: str) -> Any:
    """The document in ``text`` (YAML); :class:`DocumentError` when it cannot be read."""
    try:
        return yaml.load(text, Loader=_StrictLoader)  # noqa: S506  (a safe loader)
    except yaml.YAMLError as exc:
        raise DocumentError(_yaml_message(exc)) from exc
    except (ValueError, RecursionError) as exc:
        raise DocumentError(f"cannot be read: {exc}") from exc


def _yaml_message(exc: yaml.YAMLError) -> str:
    problem = getattr(exc, "problem", None) or exc.__class__.__name__
    mark = getattr(exc, "problem_mark", None)
    where = f" (line {mark.line + 1}, column {mark.column + 1})" if mark is not None else ""
    return f"is not valid YAML: {problem}{where}"


def _pairs(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    found: dict[str, Any] = {}
    for key, value in pairs:
        if key in found:
            raise DocumentError(f"the key {key!r} is given twice", key=key)
        found[key] = value
    return found


def _constant(name: str) -> Any:
    raise DocumentError(f"{name} is not a number JSON allows")


def load_json(text: str | bytes) -> Any:
    """The JSON document in ``text``, every key given once, no NaN or Infinity."""
    try:
        return json.loads(text, object_pairs_hook=_pairs, parse_constant=_constant)
    except DocumentError:
        raise
    except (ValueError, RecursionError) as exc:
        raise DocumentError(f"is not valid JSON: {exc}") from exc
