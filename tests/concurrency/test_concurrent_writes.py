"""DATA-1 and CONC-1: N identical concurrent writes at every edit and state-change route
of the API: exactly one succeeds, the others are refused (412 or 409), the audit trail
shows one change, and a versioned record's ETag is the winner's. The routes come from the
app's own OpenAPI document; a write route that is neither a trial nor a documented
create fails :func:`test_every_write_route_is_classified`."""

from __future__ import annotations

import pytest

from pactum.core.db import make_engine
from pactum.core.time import frozen
from pactum.main import create_app
from pactum.settings import Settings
from tests.concurrency.conftest import NOW
from tests.concurrency.harness import SUCCESS, Harness, N
from tests.concurrency.scenarios import CREATES, TRIALS


def _write_routes() -> list[tuple[str, str, bool]]:
    """(method, path, takes If-Match) of every write route of the API."""
    app = create_app(
        Settings(env="test", database_url="sqlite://", secret_key="c" * 40),
        engine=make_engine("sqlite://"),
    )
    found = []
    for path, operations in app.openapi()["paths"].items():
        for method, operation in operations.items():
            if method in ("get", "head", "options"):
                continue
            conditional = any(
                p.get("in") == "header" and p["name"].lower() == "if-match"
                for p in operation.get("parameters", [])
            )
            found.append((method.upper(), path, conditional))
    return sorted(found)


ROUTES = _write_routes()
assert len(ROUTES) > 50, ROUTES


def test_every_write_route_is_classified() -> None:
    """Each write route is a trial or a create (with its reason); If-Match means a trial."""
    unknown = [(m, p) for m, p, _ in ROUTES if (m, p) not in TRIALS and (m, p) not in CREATES]
    assert unknown == [], f"classify these in tests/concurrency/scenarios.py: {unknown}"
    conditional_creates = [(m, p) for m, p, c in ROUTES if c and (m, p) in CREATES]
    assert conditional_creates == []
    stale = [k for k in [*TRIALS, *CREATES] if k not in {(m, p) for m, p, _ in ROUTES}]
    assert stale == [], f"no such routes any more: {stale}"


TRIAL_ROUTES = sorted(TRIALS)


@pytest.mark.parametrize(
    ("method", "path"), TRIAL_ROUTES, ids=[f"{m} {p}" for m, p in TRIAL_ROUTES]
)
def test_n_identical_writes_one_success(method: str, path: str, harness: Harness) -> None:
    """N identical requests at once: one 2xx and N-1 refusals (or, for an idempotent
    route, the same answer each time); one change in the audit trail; the record's ETag
    is the winner's."""
    with frozen(NOW):
        trial = TRIALS[(method, path)](harness)
        assert trial.method == method
        outcome = harness.fire(trial)
        if trial.all_may_succeed:
            assert all(s in SUCCESS for s in outcome.statuses), outcome.describe()
        else:
            assert len(outcome.winners) == 1, outcome.describe()
            losers = [s for s in outcome.statuses if s not in SUCCESS]
            assert len(losers) == N - 1, outcome.describe()
            assert set(losers) <= trial.losers, outcome.describe()
        assert all(count == 1 for count in outcome.audit.values()), outcome.describe()
        assert outcome.audit or trial.all_may_succeed, outcome.describe()
        if trial.etag_url is not None and outcome.winners and "ETag" in outcome.winners[0].headers:
            now = harness.client.get(trial.etag_url, headers=harness.headers(trial.who))
            assert now.headers["ETag"] == outcome.winners[0].headers["ETag"]
