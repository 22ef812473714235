"""Accessibility in a real browser: axe-core (from PyPI, run locally) finds no WCAG 2.0/2.1
A or AA violation, nor any of its best-practice ones, on the pages of the demo alliance
(lists, detail pages, forms, and a form showing its errors); the keyboard reaches the
skip link first and it moves focus to the main content."""

from __future__ import annotations

import re
from collections.abc import Iterator

import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import Browser, Page

from pactum.ops.demo import DEMO_PASSWORD
from tests.browser.conftest import serve_demo

RULES = {
    "runOnly": {
        "type": "tag",
        "values": ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "best-practice"],
    },
    "resultTypes": ["violations"],
}
UUID = "[0-9a-f-]{36}"
# Detail pages: the first of each kind linked from its list.
DETAILS = (
    "agreements",
    "milestones",
    "obligations",
    "true-ups",
    "committees",
    "meetings",
    "decisions",
)


@pytest.fixture(scope="module")
def demo_url() -> Iterator[str]:
    """Pactum with the demo data."""
    with serve_demo() as url:
        yield url


@pytest.fixture
def amara(browser: Browser, demo_url: str) -> Iterator[Page]:
    """Helix's alliance manager, signed in."""
    context = browser.new_context(base_url=demo_url, viewport={"width": 1280, "height": 900})
    context.set_default_timeout(10_000)
    page = context.new_page()
    page.goto("/login")
    page.fill("input[name=email]", "amara.okafor@helixbio.example")
    page.fill("input[name=password]", DEMO_PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_url(re.compile(r".*/alliances.*|.*/$"))
    yield page
    context.close()


def _violations(page: Page) -> list[str]:
    result = Axe().run(page, options=RULES)
    return [
        f"{page.url}: {v['id']} ({v['impact']}) at {v['nodes'][0]['target']}: {v['help']}"
        for v in result.response["violations"]
    ]


def _first_link(page: Page, kind: str) -> str | None:
    for link in page.locator(f"a[href*='/{kind}/']").all():
        href = link.get_attribute("href") or ""
        if re.search(rf"/{kind}/{UUID}$", href):
            return href
    return None


def test_the_demo_pages_pass_axe(amara: Page) -> None:
    """Every page of the demo alliance's sections, a detail page of each kind, the forms
    and a form with errors: no violations."""
    page = amara
    page.goto("/alliances")
    found = re.search(rf"/alliances/({UUID})", page.content())
    assert found, "the demo alliance is not listed"
    alliance = f"/alliances/{found.group(1)}"
    page.goto(alliance)
    sections = sorted(
        {
            href
            for link in page.locator("nav a").all()
            if (href := link.get_attribute("href") or "").startswith("/")
        }
    )
    assert f"{alliance}/governance" in sections
    urls = [*sections, "/account", "/notifications", "/calendar", "/people", "/actions"]
    urls += [f"{alliance}/{p}" for p in ("decisions", "actions", "decisions/new")]
    urls += [f"{alliance}/{p}" for p in ("committees/new", "meetings/new")]
    for kind in DETAILS:
        listing = f"{alliance}/{'governance' if kind in ('committees', 'meetings') else kind}"
        page.goto(listing)
        detail = _first_link(page, kind)
        assert detail, f"no {kind} in the demo"
        urls.append(detail)
    problems: list[str] = []
    for url in urls:
        response = page.goto(url)
        assert response is not None, url
        assert response.ok, url
        problems += _violations(page)
    page.goto(f"{alliance}/committees/new")
    # No name: the form comes back with its errors.
    page.get_by_role("button", name="Set up committee").click()
    page.wait_for_selector("#error-summary")
    problems += _violations(page)
    assert problems == [], "\n".join(problems)


def test_the_keyboard_reaches_the_skip_link_first(amara: Page) -> None:
    """Tab from the top of a page focuses "Skip to main content", which moves focus to
    the main region."""
    page = amara
    page.goto("/actions")
    page.keyboard.press("Tab")
    focused = page.evaluate("document.activeElement.textContent.trim()")
    assert focused == "Skip to main content"
    page.keyboard.press("Enter")
    assert page.evaluate("location.hash") == "#main"
    assert (
        page.evaluate("document.activeElement.id || document.activeElement.closest('#main')?.id")
        == "main"
    )
