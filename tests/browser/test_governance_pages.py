"""In a real browser, through the pages, by people of two parties: executive officers
above a JSC (final say over development for the biotech), seats, a JSC meeting with a
decision item, attendance (quorate), the decision proposed from the item; the parties
split, so it deadlocks, escalates to the executive officers when the clock runs out,
deadlocks again, and the biotech decides under its final say. Both parties' approvers
sign the minutes, and the minutes PDF shows both signatures."""

from __future__ import annotations

import io
import re
from datetime import UTC, date, datetime

import pytest
from playwright.sync_api import Browser, BrowserContext, Page, expect
from pypdf import PdfReader

from pactum.core.time import freeze
from pactum.governance.rules import add_business_days
from tests.browser.conftest import Account, Site
from tests.browser.test_alliance_pages import ACCEPTED, fresh_page, propose_alliance, sign_in

pytestmark = pytest.mark.browser

START = datetime(2030, 11, 25, 9, 0, tzinfo=UTC)  # a Monday
LIVE_TIMEOUT_MS = 5_000


def _path(page: Page) -> str:
    return re.sub(r"^https?://[^/]+", "", page.url).split("?")[0].split("#")[0]


def _flash(page: Page, text: str) -> None:
    expect(page.locator(".flash")).to_have_text(text)


def _at(day: date) -> datetime:
    return datetime(day.year, day.month, day.day, 9, 0, tzinfo=UTC)


def _add_member(page: Page, alliance: str, name: str) -> None:
    page.goto(alliance)
    form = page.locator("#add-member")
    form.get_by_label("Person").select_option(label=name)
    form.get_by_label("Alliance role").select_option("committee_member")
    form.get_by_role("button", name="Add member").click()
    _flash(page, "Member added to the alliance.")


def _committee(page: Page, alliance: str, name: str, kind: str, days: str, **extra: str) -> str:
    page.goto(f"{alliance}/governance")
    page.get_by_role("link", name="Set up a committee").first.click()
    page.get_by_label("Name").fill(name)
    page.get_by_label("Kind of body").select_option(kind)
    page.get_by_label("Business days to decide").fill(days)
    if "final_say" in extra:
        page.get_by_label("Domain (row 1)").fill("development")
        page.get_by_label("Party with final say (row 1)").select_option(label=extra["final_say"])
    if "escalates_to" in extra:
        page.get_by_label("Escalates to").select_option(label=extra["escalates_to"])
    page.get_by_role("button", name="Set up committee").click()
    _flash(page, "Committee set up with its charter.")
    return _path(page)


def _seat(page: Page, committee: str, name: str, *, approver: bool = False) -> None:
    page.goto(committee)
    page.get_by_label("Person").select_option(label=name)
    expect(page.get_by_label("Voting member")).to_be_checked()
    if approver:
        page.get_by_label("Minutes approver").check()
    page.get_by_role("button", name="Add seat").click()
    _flash(page, "Seat added.")


def _vote(page: Page, decision: str, choice: str) -> None:
    page.goto(decision)
    page.locator("#vote-choice").get_by_label(choice, exact=True).check()
    page.get_by_role("button", name="Cast vote").click()
    _flash(page, "Your party's vote was recorded.")


def _sign_minutes(page: Page, meeting: str, account: Account) -> None:
    page.goto(meeting)
    expect(page.get_by_label("Printed name")).to_have_value(account.name)
    page.get_by_label("Your password").fill(account.password)
    page.get_by_role("button", name="Sign the minutes as approval").click()


def _again(ctx: BrowserContext, page: Page, account: Account) -> None:
    """Come back after days have passed: the old session has expired; sign in again (after
    leaving the live page, whose reconnecting stream would fetch a new sign-in form)."""
    page.goto("about:blank")
    ctx.clear_cookies()
    sign_in(page, account)


def test_deadlock_escalation_final_say_and_signed_minutes(
    page: Page, context: BrowserContext, browser: Browser, site: Site
) -> None:
    """The must-show governance flow across two browser profiles, with time passing."""
    freeze(START)
    pharma_ctx = None
    try:
        sign_in(page, site.biotech_manager)
        alliance = propose_alliance(page, site, "Governance in the browser")
        pharma_ctx, pharma = fresh_page(browser, site)
        sign_in(pharma, site.pharma_admin)
        pharma.locator("#invitations").get_by_role(
            "link", name="Review invitation to Governance in the browser"
        ).click()
        pharma.get_by_role("button", name="Accept invitation").click()
        expect(pharma.get_by_role("status")).to_have_text(ACCEPTED)
        _add_member(page, alliance, site.biotech_colleague.name)
        _add_member(pharma, alliance, site.pharma_colleague.name)

        # The biotech's manager sets up the ladder: JSC -> executive officers -> final say.
        page.goto(alliance)
        page.get_by_role("navigation", name=re.compile("sections")).get_by_role(
            "link", name="Governance"
        ).click()
        expect(page.get_by_role("heading", name="No committees yet")).to_be_visible()
        execs = _committee(page, alliance, "Executive officers", "executive_officers", "30")
        jsc = _committee(
            page,
            alliance,
            "Joint Steering Committee",
            "jsc",
            "15",
            final_say=site.biotech,
            escalates_to="Executive officers",
        )
        expect(page.locator("#charter-heading + .summary-list")).to_contain_text(
            f"{site.biotech} decides development matters"
        )

        # Each party seats its own people: managers on the JSC (they sign the minutes),
        # colleagues as executive officers.
        _seat(page, jsc, site.biotech_manager.name, approver=True)
        _seat(page, execs, site.biotech_colleague.name)
        _seat(pharma, jsc, site.pharma_admin.name, approver=True)
        _seat(pharma, execs, site.pharma_colleague.name)

        # A JSC meeting with a decision item; both attend: quorate.
        page.goto(jsc)
        page.get_by_role("link", name="Schedule a meeting").click()
        page.get_by_label("Title").fill("JSC Q4 2030")
        page.get_by_label("Starts (UTC)").fill("2030-11-25T09:00")  # it starts now
        page.get_by_label("Ends (UTC)").fill("2030-11-25T11:00")
        page.get_by_label("Location").fill("Video call")
        page.get_by_role("button", name="Schedule meeting").click()
        _flash(page, "Meeting scheduled. Download the invitation for your calendar.")
        meeting = _path(page)
        page.get_by_label("Kind").select_option("decision")
        page.get_by_label("Title").fill("Start the Phase 2 study")
        page.get_by_role("button", name="Add item").click()
        _flash(page, "Agenda item added; any signatures of the minutes were invalidated.")
        page.get_by_label(re.compile(f"^{site.biotech_manager.name}")).check()
        page.get_by_label(re.compile(f"^{site.pharma_admin.name}")).check()
        page.get_by_role("button", name="Record attendance").click()
        expect(page.locator("#quorum-text")).to_contain_text("Quorum met")

        # The decision is proposed from the item, and voted on the decision page.
        page.get_by_text("Propose the decision on this item").click()
        page.get_by_label("Domain").fill("development")
        page.get_by_role("button", name="Propose decision").click()
        _flash(page, "Decision proposed; the committee's voting members were notified.")
        decision = _path(page)
        expect(page.locator("#waiting")).to_contain_text(site.biotech)
        _vote(page, decision, "Yes")
        expect(page.locator("#waiting")).to_contain_text(site.pharma)

        # The biotech waits on the page; the pharma votes no: deadlocked, live.
        escalates = add_business_days(START.date(), 15)
        with page.expect_response(re.compile(r"/live$")):
            page.goto(decision)
        _vote(pharma, decision, "No")
        deadlock = f"escalates to Executive officers on {escalates.isoformat()}"
        expect(page.locator("#standing-text")).to_contain_text(deadlock, timeout=LIVE_TIMEOUT_MS)

        # Fifteen business days later: before the executive officers, who split again.
        freeze(_at(escalates))
        _again(context, page, site.biotech_colleague)
        page.goto(decision)
        expect(page.locator("#standing-text")).to_contain_text("Open: before Executive officers")
        expect(page.locator("[aria-current='step']")).to_contain_text("Executive officers")
        _vote(page, decision, "Yes")
        _again(pharma_ctx, pharma, site.pharma_colleague)
        _vote(pharma, decision, "No")
        final_day = add_business_days(escalates, 30)
        expect(pharma.locator("#standing-text")).to_contain_text(
            f"escalates to {site.biotech} (final say over development) on {final_day.isoformat()}"
        )

        # Thirty business days later: the biotech's manager decides under its final say.
        freeze(_at(final_day))
        _again(context, page, site.biotech_manager)
        page.goto(decision)
        expect(page.locator("[aria-current='step']")).to_contain_text(f"Final say: {site.biotech}")
        page.locator("#final-choice").get_by_label("Approve").check()
        page.get_by_label("Rationale").fill("The development lead decides development matters.")
        page.get_by_role("button", name="Record the decision").click()
        _flash(page, "Decision recorded under your party's final say.")
        expect(page.locator("#standing-text")).to_contain_text(
            f"Approved: approved by {site.biotech} under its final say."
        )

        # The chair-less meeting's minutes are locked by an alliance manager; then each
        # party's designated approver signs them in their own browser.
        page.goto(meeting)
        expect(page.locator("#minutes-region")).to_contain_text("Draft, being written")
        page.get_by_role("button", name="Lock the minutes for signing").click()
        _flash(page, "Minutes locked for signing; the approvers were told.")
        expect(page.locator("#minutes-region")).to_contain_text("Locked for signing")
        _sign_minutes(page, meeting, site.biotech_manager)
        _flash(page, "Minutes signed. They are approved once each party has signed.")
        _again(pharma_ctx, pharma, site.pharma_admin)
        _sign_minutes(pharma, meeting, site.pharma_admin)
        _flash(pharma, "Signed by every party: the minutes are approved.")

        # The minutes PDF, downloaded through the page's link, shows both signatures.
        page.goto(meeting)
        href = page.get_by_role("link", name="Minutes PDF").get_attribute("href")
        assert href
        pdf = context.request.get(href)
        assert pdf.ok
        assert pdf.headers["content-type"] == "application/pdf"
        text = " ".join(p.extract_text() for p in PdfReader(io.BytesIO(pdf.body())).pages).replace(
            "\n", " "
        )
        assert site.biotech_manager.name in text
        assert site.pharma_admin.name in text
        assert "Signed by all parties" in text
    finally:
        freeze(None)
        if pharma_ctx is not None:
            pharma_ctx.close()
