"""Live updates in a real browser: the alliance page of one party follows the partner's
changes without a reload, never shows the partner's private records, and keeps what the
person is typing."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Browser, ConsoleMessage, Page, expect

from tests.browser.conftest import Site
from tests.browser.test_alliance_pages import (
    ACCEPTED,
    add_objective,
    fresh_page,
    propose_alliance,
    sign_in,
)

pytestmark = pytest.mark.browser

LIVE_TIMEOUT_MS = 5_000


def test_the_alliance_page_follows_the_partners_objectives_live(
    page: Page, browser: Browser, site: Site
) -> None:
    """Biotech waits on its alliance page; pharma adds objectives in another browser."""
    problems: list[str] = []

    def watch(message: ConsoleMessage) -> None:
        if message.type == "error":
            problems.append(message.text)

    page.on("console", watch)
    sign_in(page, site.biotech_manager)
    alliance = propose_alliance(page, site, "Cirrus live programme")
    pharma_ctx, pharma = fresh_page(browser, site)
    sign_in(pharma, site.pharma_admin)
    pharma.locator("#invitations").get_by_role(
        "link", name="Review invitation to Cirrus live programme"
    ).click()
    pharma.get_by_role("button", name="Accept invitation").click()
    expect(pharma.get_by_role("status")).to_have_text(ACCEPTED)

    with page.expect_response(re.compile(r"/live$")):
        page.goto(alliance)
    page.evaluate("window.pactumNotReloaded = true")

    # A shared objective of the partner appears, announced, without a reload.
    add_objective(pharma, alliance, "Northwind live: CMC transfer", private=False)
    expect(page.locator("#shared")).to_contain_text(
        "Northwind live: CMC transfer", timeout=LIVE_TIMEOUT_MS
    )
    expect(page.locator("[data-live-status]")).to_have_text("Updated")
    expect(page.locator("#activity")).to_contain_text("Northwind live: CMC transfer")
    assert page.evaluate("window.pactumNotReloaded") is True

    # The partner's private objective never shows; the next shared one does.
    add_objective(pharma, alliance, "Northwind live private: upfront cap", private=True)
    add_objective(pharma, alliance, "Northwind live: second shared aim", private=False)
    expect(page.locator("#shared")).to_contain_text(
        "Northwind live: second shared aim", timeout=LIVE_TIMEOUT_MS
    )
    assert "upfront cap" not in page.locator("body").inner_text()

    # Someone typing in a live region keeps their text; a notice offers to reload.
    page.evaluate(
        """() => {
          const field = document.createElement("input");
          field.id = "probe";
          field.setAttribute("aria-label", "Probe");
          document.getElementById("objectives-live").appendChild(field);
        }"""
    )
    page.get_by_label("Probe").fill("half-typed note")
    add_objective(pharma, alliance, "Northwind live: third shared aim", private=False)
    notice = page.locator("[data-live-notice]")
    expect(notice).to_contain_text("This page has changed.", timeout=LIVE_TIMEOUT_MS)
    expect(notice.get_by_role("link", name="Reload the page")).to_be_visible()
    expect(page.get_by_label("Probe")).to_have_value("half-typed note")
    expect(page.locator("#shared")).not_to_contain_text("third shared aim")
    assert page.evaluate("window.pactumNotReloaded") is True
    assert not problems, problems
    pharma_ctx.close()
