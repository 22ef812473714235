"""End to end in a real browser: two companies set up an alliance through the pages, each
keeps a private objective, and neither sees the other's private record."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Browser, BrowserContext, Page, expect

from tests.browser.conftest import Account, Site

pytestmark = pytest.mark.browser

SHARED = {
    "biotech": "Helix shared: IND accepted by the FDA",
    "pharma": "Northwind shared: CMC transfer",
}
PRIVATE = {
    "biotech": "Helix private: royalty floor 8%",
    "pharma": "Northwind private: upfront cap",
}
ACCEPTED = "Invitation accepted. Welcome to the alliance."


def sign_in(page: Page, account: Account) -> None:
    """Sign in through the form."""
    page.goto("/login")
    page.get_by_label("E-mail address").fill(account.email)
    page.get_by_label("Password").fill(account.password)
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_text(f"Signed in as {account.name}")).to_be_visible()


def sign_out(page: Page) -> None:
    """Sign out with the header's button."""
    page.get_by_role("button", name="Sign out").click()
    expect(page.get_by_role("heading", name="Sign in")).to_be_visible()
    expect(page.get_by_role("status")).to_have_text("You have signed out.")


def propose_alliance(page: Page, site: Site, name: str) -> str:
    """Propose an alliance to the pharma company as licensee; returns its page's path."""
    page.goto("/alliances")
    page.get_by_role("link", name=re.compile("Propose")).first.click()
    page.get_by_label("Alliance name").fill(name)
    page.get_by_label("Licensing").check()
    page.get_by_label("Co-development").check()
    page.get_by_label("Therapeutic area").fill("Oncology")
    page.get_by_label(f"Role of {site.biotech}").select_option("licensor")
    page.get_by_label("Partner organisation").select_option(label=site.pharma)
    page.get_by_label("Partner's role").select_option("licensee")
    page.get_by_role("button", name="Propose alliance").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(name)
    path = re.sub(r"^https?://[^/]+", "", page.url).split("?")[0].split("#")[0]
    assert re.fullmatch(r"/alliances/[0-9a-f-]{36}", path), path
    return path


def add_objective(page: Page, alliance: str, title: str, *, private: bool) -> None:
    """Add an objective through the form."""
    page.goto(f"{alliance}/objectives/new")
    page.get_by_label("Title").fill(title)
    page.get_by_label("Measure of success").fill("Written confirmation")
    page.get_by_label("Target date").fill("2027-06-30")
    if private:
        page.get_by_label(re.compile("^Private to")).check()
    else:
        page.get_by_label("Shared with the alliance").check()
    page.get_by_role("button", name="Add objective").click()
    expect(page.get_by_role("status")).to_have_text("Objective added.")


def section_text(page: Page, section_id: str) -> str:
    """The visible text of one part of the page."""
    return page.locator(f"#{section_id}").inner_text()


def fresh_page(browser: Browser, site: Site) -> tuple[BrowserContext, Page]:
    """A second, independent browser profile (its own cookies)."""
    ctx = browser.new_context(base_url=site.url)
    ctx.set_default_timeout(10_000)
    return ctx, ctx.new_page()


def test_two_parties_share_objectives_and_keep_private_ones(
    page: Page, browser: Browser, site: Site
) -> None:
    """Biotech proposes, pharma accepts, each adds a shared and a private objective."""
    # The biotech's alliance manager proposes the alliance, then signs out.
    sign_in(page, site.biotech_manager)
    alliance = propose_alliance(page, site, "Aurora KRAS programme")
    expect(page.locator("#lifecycle [aria-current='step']")).to_contain_text("Candidate")
    sign_out(page)

    # The pharma's administrator sees the invitation and accepts it.
    pharma_ctx, pharma = fresh_page(browser, site)
    sign_in(pharma, site.pharma_admin)
    invitations = pharma.locator("#invitations")
    expect(invitations).to_contain_text("Aurora KRAS programme")
    expect(invitations).to_contain_text(site.biotech)
    invitations.get_by_role("link", name=re.compile("Review invitation")).click()
    pharma.get_by_role("button", name="Accept invitation").click()
    expect(pharma.get_by_role("status")).to_have_text(ACCEPTED)
    expect(pharma.get_by_role("heading", level=1)).to_have_text("Aurora KRAS programme")

    # Each party adds one shared and one private objective through the pages.
    add_objective(pharma, alliance, SHARED["pharma"], private=False)
    add_objective(pharma, alliance, PRIVATE["pharma"], private=True)
    sign_in(page, site.biotech_manager)
    add_objective(page, alliance, SHARED["biotech"], private=False)
    add_objective(page, alliance, PRIVATE["biotech"], private=True)

    # Each sees both shared objectives and only its own private one.
    for tab, me, other in ((page, "biotech", "pharma"), (pharma, "pharma", "biotech")):
        tab.goto(alliance)
        shared = section_text(tab, "shared")
        private = section_text(tab, "private")
        assert SHARED["biotech"] in shared
        assert SHARED["pharma"] in shared
        assert PRIVATE[me] in private
        assert PRIVATE[me] not in shared
        body = tab.locator("body").inner_text()
        assert PRIVATE[other] not in body, f"{me} sees {other}'s private objective"
        export = tab.request.get(f"{alliance}/objectives.csv")
        assert export.ok
        assert "attachment" in export.headers["content-disposition"]
        csv_text = export.text()
        assert SHARED["biotech"] in csv_text
        assert SHARED["pharma"] in csv_text
        assert PRIVATE[me] in csv_text
        assert PRIVATE[other] not in csv_text, f"{me}'s export holds {other}'s private objective"

    # The partner guessing the private objective's edit address gets a 404 page.
    page.goto(alliance)
    row = page.locator("#private tr", has_text=PRIVATE["biotech"])
    edit_url = row.get_by_role("link", name=re.compile("Edit")).get_attribute("href")
    assert edit_url
    assert edit_url.endswith("/edit")
    response = pharma.goto(edit_url)
    assert response is not None
    assert response.status == 404
    expect(pharma.get_by_role("heading", level=1)).to_have_text("Not found")
    assert PRIVATE["biotech"] not in pharma.content()
    pharma_ctx.close()


def test_form_error_is_shown_next_to_the_field_and_nothing_is_created(
    page: Page, site: Site
) -> None:
    """An empty title re-shows the form with the message at the field; no objective added."""
    sign_in(page, site.biotech_manager)
    alliance = propose_alliance(page, site, "Borealis antibody collaboration")
    page.goto(f"{alliance}/objectives/new")
    page.get_by_label("Measure of success").fill("Something measurable")
    with page.expect_response(re.compile(r"/objectives/new$")) as posted:
        page.get_by_role("button", name="Add objective").click()
    assert posted.value.status == 422
    title = page.get_by_label("Title")
    expect(title).to_have_attribute("aria-invalid", "true")
    expect(title).to_have_attribute("aria-describedby", re.compile(r"\btitle-error\b"))
    expect(page.locator("#title-error")).to_have_text(re.compile("Title is required"))
    summary = page.locator("#error-summary")
    expect(summary).to_be_visible()
    expect(summary.get_by_role("link", name="Title is required")).to_have_attribute(
        "href", "#title"
    )
    # What was typed is kept.
    expect(page.get_by_label("Measure of success")).to_have_value("Something measurable")
    page.goto(alliance)
    expect(page.locator("#shared")).to_contain_text("No shared objectives yet")
    expect(page.locator("#private")).to_contain_text("Nothing private yet")


def test_login_page_is_labelled_and_works_with_the_keyboard_alone(page: Page, site: Site) -> None:
    """Every input has a label; Tab reaches the fields in order and Enter signs in."""
    page.goto("/login")
    expect(page.get_by_label("E-mail address")).to_have_attribute("type", "email")
    expect(page.get_by_label("Password")).to_have_attribute("type", "password")
    unlabelled = page.evaluate(
        """() => [...document.querySelectorAll('input:not([type=hidden]), select, textarea')]
            .filter(el => !(el.labels && el.labels.length)).map(el => el.name)"""
    )
    assert unlabelled == []
    expect(page.locator("main")).to_have_count(1)
    expect(page.locator("header")).to_have_count(1)

    for _ in range(10):
        page.keyboard.press("Tab")
        if page.evaluate("document.activeElement.id") == "email":
            break
    assert page.evaluate("document.activeElement.id") == "email"
    page.keyboard.type(site.pharma_colleague.email)
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.id") == "password"
    page.keyboard.type(site.pharma_colleague.password)
    page.keyboard.press("Enter")
    expect(page.get_by_text(f"Signed in as {site.pharma_colleague.name}")).to_be_visible()
    assert page.url.endswith("/alliances")
    expect(page.get_by_role("heading", name="My alliances")).to_be_visible()
