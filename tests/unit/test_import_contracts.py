"""The import contracts that a module's file name cannot escape (ARCH-1).

``lint-imports`` checks the layers and the named contracts in ``pyproject.toml``; these
tests check the rules that must hold for every module whatever it is called, read from
the import graph of the installed package:

- only route modules (``api``/``api_*``, ``pages``/``*_pages`` and modules of a
  ``pages`` package, ``*_forms``, ``*_exports``/``exports``, ``index``, ``page_helpers``,
  and the few older web helpers named in ``WEB_HELPERS``) reach the web framework: every
  service, rule, calculator and read model is free of it, directly or through others;
- a route module never imports a route module of another domain (the shared web
  helpers of ``WEB_HELPERS`` excepted);
- pure calculators (``*_calc``, ``calc``, ``rules``, ``periods``) reach no database,
  audit, access or web module.
"""

from __future__ import annotations

import re
from functools import cache

import grimp
import pytest

WEB = ("fastapi", "starlette")
ROUTE = re.compile(r"(^|_)(api|pages|exports|forms|index|page_helpers)($|_)")
# Web helpers whose names predate the anatomy (request bodies, file responses, ICS/PDF
# responses, the account pages): they may use the web framework.
WEB_HELPERS = frozenset(
    {
        "pactum.accounts.joining",
        "pactum.accounts.recovery",
        "pactum.files.imports",
        "pactum.files.web",
        "pactum.governance.invitations",
    }
)
# Whole packages that are the web layer or entry points.
WEB_PACKAGES = ("main", "cli", "web", "http", "live", "migrations")
IMPURE = ("sqlalchemy", "fastapi", "starlette", "pactum.models", "pactum.audit", "pactum.access")


@cache
def graph() -> grimp.ImportGraph:
    return grimp.build_graph("pactum", include_external_packages=True)


def _domain_modules() -> list[str]:
    return sorted(
        m
        for m in graph().modules
        if m.startswith("pactum.") and m.split(".")[1] not in WEB_PACKAGES
    )


def is_route(module: str) -> bool:
    parts = module.split(".")
    return bool(ROUTE.search(parts[-1])) or "pages" in parts[:-1] or module in WEB_HELPERS


def _reaches(module: str, targets: tuple[str, ...]) -> list[str] | None:
    for target in targets:
        if target in graph().modules:
            chain = graph().find_shortest_chain(module, target)
            if chain:
                return list(chain)
    return None


def test_services_rules_and_reads_never_reach_the_web_framework() -> None:
    offenders = {
        m: _reaches(m, WEB) for m in _domain_modules() if not is_route(m) and _reaches(m, WEB)
    }
    assert offenders == {}


def test_route_modules_never_import_another_domains_route_modules() -> None:
    crossing = []
    for module in _domain_modules():
        if not is_route(module):
            continue
        for imported in graph().find_modules_directly_imported_by(module):
            if (
                imported.startswith("pactum.")
                and imported.split(".")[1] not in WEB_PACKAGES
                and is_route(imported)
                and imported not in WEB_HELPERS
                and imported.split(".")[1] != module.split(".")[1]
            ):
                crossing.append((module, imported))
    assert crossing == []


PURE = [
    m
    for m in _domain_modules()
    if re.search(r"(^|[._])calc$|\.rules$|\.periods$", m) and not m.startswith("pactum.valuation")
]


@pytest.mark.parametrize("module", PURE)
def test_pure_calculators_stay_pure(module: str) -> None:
    assert _reaches(module, IMPURE) is None


def test_the_contracts_catch_what_they_forbid() -> None:
    """The rules above fail on a graph that breaks them (so they can fail)."""
    broken = grimp.build_graph("pactum", include_external_packages=True)
    broken.add_import(importer="pactum.statements.royalty.service", imported="fastapi")
    broken.add_import(importer="pactum.statements.royalty.calc", imported="sqlalchemy")
    assert not is_route("pactum.statements.royalty.service")
    assert broken.find_shortest_chain("pactum.statements.royalty.service", "fastapi")
    assert broken.find_shortest_chain("pactum.statements.royalty.calc", "sqlalchemy")
    assert "pactum.statements.royalty.calc" in PURE
    assert is_route("pactum.agreements.api")
    assert is_route("pactum.scenarios.api")
