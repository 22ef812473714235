"""A fuzz pass of every page form (DATA-4): the forms a person's pages show, found by
following links, each submitted with hostile text in every text field and impossible or
far-future dates in every date field; no 5xx now, and none on any later page or export.

Forms are found on the pages themselves, so a form added later is fuzzed too. Each is
read afresh before each submission (its CSRF token and one-time form key are those of a
real visit).
"""

from __future__ import annotations

import re

import pytest
from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from pactum.core.time import frozen
from tests.concurrency import records as r
from tests.concurrency.conftest import NOW
from tests.concurrency.harness import Harness
from tests.fuzz.crawl import Findings, Form, crawl, parse, web_client
from tests.fuzz.crawl import _shape as shape

TEXT_KINDS = {"text", "textarea", "search", "email", "url", "tel"}
DATE_KINDS = {"date", "datetime-local", "month", "time"}
# Forms that end the visitor's own session or credentials: the crawl must go on.
OWN_SESSION = re.compile(r"/(logout|sign-out|sessions|password|totp|second-factor|tokens)\b")
VARIANTS = (
    ("a\x01b", "2026-02-30"),
    ("x\u202ey", "9999-12-31"),
    ("W" * 25000, "0001-01-01"),
    ('=HYPERLINK("x") </script> 😀 +1', "2200-12-31"),
)


def _value(kind: str, text: str, day: str) -> str:
    if kind in DATE_KINDS:
        return day + ("T22:00" if kind == "datetime-local" else "")
    return text


def _submit(client: TestClient, form: Form, text: str, day: str) -> int:
    """Read the form's page again and submit that form with hostile values."""
    page = client.get(form.page)
    if page.status_code != 200:
        return page.status_code if page.status_code >= 500 else 0
    fresh = next((f for f in parse(form.page, page.text)[1] if f.action == form.action), None)
    if fresh is None:  # the form is gone (a record changed state meanwhile)
        return 0
    data: dict[str, str] = {}
    for name, kind, value in fresh.fields:
        if kind in TEXT_KINDS or kind in DATE_KINDS:
            data[name] = _value(kind, text, day)
        elif kind not in ("file", "submit", "button", "image", "password"):
            data[name] = value
    for name, options in fresh.options.items():
        data.setdefault(name, options[0] if options else "")
    files = {"file": ("x.txt", b"x", "text/plain")} if fresh.multipart else None
    answer = client.post(fresh.action, data=data, files=files, follow_redirects=False)
    return answer.status_code


@pytest.mark.slow
def test_every_page_form_survives_hostile_input(harness: Harness) -> None:
    """Each form, each variant: no 5xx; afterwards every page and export still answers
    and every export parses."""
    found = Findings()
    with frozen(NOW):
        r.meeting(harness, held=True)
        r.decision(harness)
        r.claim(harness)
        r.true_up(harness)
        r.obligation(harness)
        with Session(harness.engine) as session:
            client = web_client(
                harness.client.app,  # type: ignore[arg-type]
                session,
                harness.world["a_manager"].user_id,
            )
        starts = ["/", f"/alliances/{harness.world.alliance_id}", "/account"]
        pages = crawl(client, starts)
        forms: dict[str, Form] = {}
        for form in pages.forms:
            if not OWN_SESSION.search(form.action):
                forms.setdefault(shape(form.action), form)
        assert len(forms) > 30, sorted(forms)
        for form in forms.values():
            for text, day in VARIANTS:
                status = _submit(client, form, text, day)
                found.pages += 1
                if status >= 500:
                    found.failures.append(f"POST {form.action} ({text[:12]!r}, {day}): {status}")
        again = crawl(client, starts)
        found.failures += again.failures
    assert found.failures == [], "\n".join(found.failures[:40])
    assert again.pages > 40, again.pages
