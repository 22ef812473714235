"""In a real browser: a party values the deal privately; the partner cannot see it until it
is shared."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Browser, Page, expect

from tests.browser.conftest import Site
from tests.browser.test_alliance_pages import (
    ACCEPTED,
    fresh_page,
    propose_alliance,
    sign_in,
)

pytestmark = pytest.mark.browser


def test_private_scenario_then_shared(page: Page, browser: Browser, site: Site) -> None:
    """Value with a key input changed, see results and charts; share; the partner sees it."""
    sign_in(page, site.biotech_manager)
    alliance = propose_alliance(page, site, "Valuation in the browser")
    pharma_ctx, pharma = fresh_page(browser, site)
    sign_in(pharma, site.pharma_admin)
    invitations = pharma.locator("#invitations")
    invitations.get_by_role("link", name="Review invitation to Valuation in the browser").click()
    pharma.get_by_role("button", name="Accept invitation").click()
    expect(pharma.get_by_role("status")).to_have_text(ACCEPTED)

    page.goto(alliance)
    page.get_by_role("link", name="Valuation scenarios").click()
    page.get_by_role("link", name="Value a deal").first.click()
    page.get_by_label("Name").fill("Helix base case")
    page.get_by_label("Peak net sales").fill("2000000000")
    page.get_by_label("Monte Carlo trials").fill("20000")
    page.get_by_role("button", name="Value and save").click()
    expect(page.get_by_role("status")).to_have_text("Scenario valued and saved.")
    expect(page.get_by_role("heading", level=1)).to_have_text("Helix base case")
    expect(
        page.get_by_role("img", name="Distribution of NPV per party (Monte Carlo)")
    ).to_be_visible()
    expect(page.get_by_role("img", name="Cumulative expected cash flow by year")).to_be_visible()
    expect(page.get_by_label("Peak net sales")).to_have_value("2000000000")
    scenario_url = re.sub(r"^https?://[^/]+", "", page.url).split("?")[0]

    response = pharma.goto(scenario_url)
    assert response is not None
    assert response.status == 404
    pharma.goto(f"{alliance}/scenarios")
    expect(pharma.get_by_role("heading", level=1)).to_have_text("Valuation scenarios")
    assert "Helix base case" not in pharma.locator("main").inner_text()

    page.get_by_label("Share this scenario with the partner (cannot be undone)").check()
    page.get_by_role("button", name="Revalue and save").click()
    expect(page.get_by_text("Shared with the alliance")).to_be_visible()
    response = pharma.goto(scenario_url)
    assert response is not None
    assert response.status == 200
    expect(pharma.get_by_role("heading", level=1)).to_have_text("Helix base case")
    pharma_ctx.close()
