"""In a real browser: party A claims a milestone, party B disputes it, the dispute is
resolved and the claim confirmed, the invoice is issued and paid; both parties see the
same ledger."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Browser, Page, expect

from tests.browser.conftest import Site
from tests.browser.test_alliance_pages import ACCEPTED, fresh_page, propose_alliance, sign_in

pytestmark = pytest.mark.browser


def _path(page: Page) -> str:
    return re.sub(r"^https?://[^/]+", "", page.url).split("?")[0].split("#")[0]


def _ledger(page: Page) -> list[str]:
    rows = page.locator("section:has(#ledger-heading) tbody tr")
    return [row.inner_text() for row in rows.all()]


def test_claim_dispute_resolve_confirm_invoice_pay(
    page: Page, browser: Browser, site: Site
) -> None:
    """The whole milestone workflow across two browser profiles."""
    sign_in(page, site.biotech_manager)
    alliance = propose_alliance(page, site, "Milestones in the browser")
    pharma_ctx, pharma = fresh_page(browser, site)
    sign_in(pharma, site.pharma_admin)
    pharma.locator("#invitations").get_by_role(
        "link", name="Review invitation to Milestones in the browser"
    ).click()
    pharma.get_by_role("button", name="Accept invitation").click()
    expect(pharma.get_by_role("status")).to_have_text(ACCEPTED)

    # A records the licence (terms prefilled from the template) and puts it in force.
    page.goto(alliance)
    page.get_by_role("navigation", name=re.compile("sections")).get_by_role(
        "link", name="Agreements"
    ).click()
    expect(page.get_by_role("heading", name="No agreements recorded yet")).to_be_visible()
    page.get_by_role("link", name="Record an agreement").first.click()
    page.get_by_label("Title").fill("KRAS licence")
    page.get_by_label("Licensor (receives milestones and royalties)").select_option(
        label=site.biotech
    )
    page.get_by_label("Licensee (pays them)").select_option(label=site.pharma)
    page.get_by_label("Effective date").fill("2026-01-01")
    page.get_by_role("button", name="Record agreement").click()
    expect(page.get_by_role("status")).to_have_text(
        "Agreement recorded with its terms as version 1."
    )
    page.get_by_role("button", name="Mark in force").click()
    expect(page.get_by_role("status")).to_have_text("Agreement saved.")

    # A claims the Phase 1 milestone suggested by the terms.
    page.goto(f"{alliance}/milestones/new")
    page.get_by_role("link", name=re.compile(r"^Successful completion of Phase 1")).click()
    expect(page.get_by_label("Amount")).to_have_value("15000000.00")
    page.get_by_label("Evidence").fill("Topline data read-out; CSR section 11")
    page.get_by_role("button", name="Claim milestone").click()
    expect(page.get_by_role("status")).to_have_text(
        "Milestone claimed. The other party has been given its notice period."
    )
    claim = _path(page)

    # B disputes with a reason; an empty reason is refused next to the field.
    pharma.goto(claim)
    pharma.get_by_role("button", name="Dispute the claim").click()
    expect(pharma.locator("#reason-error")).to_contain_text("Reason for disputing")
    pharma.get_by_label("Reason for disputing").fill("The primary endpoint was not met")
    pharma.get_by_role("button", name="Dispute the claim").click()
    expect(pharma.get_by_role("status")).to_have_text(
        "Claim disputed; a dispute record was opened."
    )

    # The parties settle it: the claim stands; B confirms.
    pharma.get_by_label("Outcome").select_option("claim_stands")
    pharma.get_by_label("Resolution").fill("Independent statistician confirmed the endpoint")
    pharma.get_by_role("button", name="Record outcome").click()
    expect(pharma.get_by_role("status")).to_have_text("The dispute's outcome was recorded.")
    pharma.get_by_role("button", name="Confirm the milestone was achieved").click()
    expect(pharma.get_by_role("status")).to_have_text(
        "Milestone confirmed. The claiming party can now invoice it."
    )
    timeline = pharma.locator("section:has(#timeline-heading)").inner_text()
    assert "Disputed by Lena Vogel" in timeline
    assert "Confirmed by Lena Vogel" in timeline

    # A issues the invoice; B pays it in full from the invoice page.
    page.goto(claim)
    page.get_by_role("button", name="Issue the invoice").click()
    expect(page.get_by_role("status")).to_have_text("Invoice issued.")
    page.get_by_role("link", name=re.compile(r"^INV-")).click()
    invoice = _path(page)
    pharma.goto(invoice)
    expect(pharma.get_by_label("Amount")).to_have_value("15000000.00")
    pharma.get_by_label("Payment reference").fill("SWIFT 4411")
    pharma.get_by_role("button", name="Record payment").click()
    expect(pharma.get_by_role("status")).to_have_text(
        "Payment recorded; both parties see it in the ledger."
    )
    expect(pharma.locator("h1 + .page-header__meta .badge").first).to_have_text("Paid")

    # Both parties see the same ledger.
    page.goto(f"{alliance}/finance")
    pharma.goto(f"{alliance}/finance")
    a_rows, b_rows = _ledger(page), _ledger(pharma)
    assert len(a_rows) == 1
    assert a_rows == b_rows
    assert "Paid" in a_rows[0]
    assert "15,000,000.00" in a_rows[0]
    expect(page.get_by_role("img", name=re.compile("^Cumulative payments"))).to_be_visible()
    pharma_ctx.close()
