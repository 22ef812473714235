"""What each write route of the API does under N identical concurrent requests.

Every write route of the API is in exactly one of:

- :data:`TRIALS`: an edit or a state change (every route that takes ``If-Match``, and the
  ones that may happen once: a vote, a signature, an invoice, a payment of what is
  owed, an answer to an invitation, a create the database keeps unique): a builder
  makes a fresh record in the right state and returns the request to send N times;
- :data:`CREATES`: routes that add a new record each time (N requests, N records), with
  why that is right.

``test_every_write_route_is_classified`` fails for a route in neither, so a route added
later cannot be forgotten; a route that takes ``If-Match`` must be a trial.
"""

from __future__ import annotations

from tests.concurrency import records as r
from tests.concurrency.harness import Builder, Harness, Trial
from tests.valuation.cases import FAIR

A = "/api/v1/alliances/{alliance_id}"
GONE = frozenset({404, 409, 412})


def _alliance_edit(h: Harness) -> Trial:
    url = f"/api/v1/alliances/{r.alliance(h)['id']}"
    return Trial(
        "PATCH",
        url,
        "a_manager",
        {"description": h.unique("edited")},
        if_match=h.etag(url, "a_manager"),
        etag_url=url,
    )


def _transition(h: Harness) -> Trial:
    made = r.alliance(h)
    url = f"/api/v1/alliances/{made['id']}"
    return Trial(
        "POST",
        f"{url}/transitions",
        "a_manager",
        {"status": "closed", "reason": "Not pursued."},
        if_match=h.etag(url, "a_manager"),
        etag_url=url,
    )


def _member(h: Harness) -> tuple[str, str]:
    made = r.alliance(h)
    added = r.member(h, made["id"], "a_contributor")
    return made["id"], added["id"]


def _member_edit(h: Harness) -> Trial:
    alliance_id, member_id = _member(h)
    url = f"/api/v1/alliances/{alliance_id}/members/{member_id}"
    found = next(
        m
        for m in h.call("GET", f"/api/v1/alliances/{alliance_id}/members", "a_manager")
        if m["id"] == member_id
    )
    return Trial("PATCH", url, "a_manager", {"role": "viewer"}, if_match=f'"{found["version"]}"')


def _member_remove(h: Harness) -> Trial:
    alliance_id, member_id = _member(h)
    found = next(
        m
        for m in h.call("GET", f"/api/v1/alliances/{alliance_id}/members", "a_manager")
        if m["id"] == member_id
    )
    return Trial(
        "DELETE",
        f"/api/v1/alliances/{alliance_id}/members/{member_id}",
        "a_manager",
        if_match=f'"{found["version"]}"',
        losers=GONE,
    )


def _party_answer(answer: str) -> Builder:
    def build(h: Harness) -> Trial:
        made = r.alliance(h, partner="C")
        party = r.party_of(h, made["id"], "C")
        body = {"manager_user_id": str(h.world["c_admin"].user_id)} if answer == "accept" else None
        return Trial("POST", f"/api/v1/invitations/{party}/{answer}", "c_admin", body, losers=GONE)

    return build


def _org_invitation(h: Harness, org: str) -> str:
    made = h.call("POST", "/api/v1/people/invitations", f"{org}_admin", {"email": h.address()})
    return str(made["id"])


def _my_invitation(answer: str, org: str) -> Builder:
    def build(h: Harness) -> Trial:
        invited = h.call(
            "POST", "/api/v1/people/invitations", f"{org}_admin", {"email": "c_admin@example.com"}
        )
        return Trial(
            "POST", f"/api/v1/me/invitations/{invited['id']}/{answer}", "c_admin", losers=GONE
        )

    return build


def _revoke_invitation(h: Harness) -> Trial:
    invitation = _org_invitation(h, "a")
    return Trial("DELETE", f"/api/v1/people/invitations/{invitation}", "a_admin", losers=GONE)


def _invite(h: Harness) -> Trial:
    return Trial("POST", "/api/v1/people/invitations", "a_admin", {"email": h.address()})


def _me(h: Harness) -> Trial:
    return Trial(
        "PATCH",
        "/api/v1/me",
        "a_viewer",
        {"name": h.unique("A Viewer")},
        if_match=h.etag("/api/v1/me", "a_viewer"),
        etag_url="/api/v1/me",
    )


def _person(h: Harness) -> Trial:
    url = f"/api/v1/people/{h.world['a_viewer'].user_id}"
    return Trial(
        "PATCH",
        url,
        "a_admin",
        {"title": h.unique("Scientist")},
        if_match=h.etag(url, "a_admin"),
        etag_url=url,
    )


def _token_revoke(h: Harness) -> Trial:
    made = h.call("POST", "/api/v1/tokens", "a_viewer", {"name": h.unique("race")})
    return Trial("DELETE", f"/api/v1/tokens/{made['id']}", "a_viewer", all_may_succeed=True)


def _notification(h: Harness) -> str:
    """A new notification for B's manager (an action item assigned to them); its id."""
    h.call(
        "POST",
        f"{h.base}/actions",
        "a_manager",
        {
            "title": h.unique("Send the plan"),
            "assignee_id": str(h.world["b_manager"].user_id),
            "due_on": "2027-12-01",
        },
    )
    notes = h.call("GET", "/api/v1/notifications", "b_manager")
    return str(notes[0]["id"])


def _read_one(h: Harness) -> Trial:
    note = _notification(h)
    return Trial("POST", f"/api/v1/notifications/{note}/read", "b_manager", all_may_succeed=True)


def _read_all(h: Harness) -> Trial:
    _notification(h)
    return Trial("POST", "/api/v1/notifications/read-all", "b_manager", all_may_succeed=True)


def _edit(make: str, field: str, who: str = "a_manager") -> Builder:
    """A PATCH of one text field of a fresh record ``make`` builds (by path of the record
    in the shared alliance)."""

    def build(h: Harness) -> Trial:
        path = MAKERS[make](h)
        return Trial(
            "PATCH",
            path,
            who,
            {field: h.unique("edited")},
            if_match=h.etag(path, who),
            etag_url=path,
        )

    return build


MAKERS = {
    "objective": lambda h: f"{h.base}/objectives/{r.objective(h)['id']}",
    "scenario": lambda h: f"{h.base}/scenarios/{_scenario(h)}",
    "committee": lambda h: f"{h.base}/committees/{r.committee(h, members=False)['id']}",
    "meeting": lambda h: f"{h.base}/meetings/{r.meeting(h)['id']}",
    "action": lambda h: f"{h.base}/actions/{_action(h)}",
    "agreement": lambda h: f"{h.base}/agreements/{r.agreement_id(h)}",
    "claim": lambda h: f"{h.base}/milestones/{r.claim(h)['id']}",
    "obligation": lambda h: f"{h.base}/obligations/{r.obligation(h)['id']}",
    "true_up": lambda h: f"{h.base}/true-ups/{r.true_up(h)['id']}",
}


def _scenario(h: Harness) -> str:
    made = h.call(
        "POST",
        f"{h.base}/scenarios",
        "a_manager",
        {"name": h.unique("Deal"), "deal": FAIR, "trials": 1000},
    )
    return str(made["id"])


def _action(h: Harness) -> str:
    made = h.call(
        "POST",
        f"{h.base}/actions",
        "a_manager",
        {
            "title": h.unique("Send"),
            "assignee_id": str(h.world["a_contributor"].user_id),
            "due_on": "2027-12-01",
        },
    )
    return str(made["id"])


def _item_edit(h: Harness) -> Trial:
    m = r.meeting(h)
    url = f"{h.base}/meetings/{m['id']}/items/{m['item']['id']}"
    items = h.call("GET", f"{h.base}/meetings/{m['id']}/items", "a_manager")
    return Trial(
        "PATCH",
        url,
        "a_manager",
        {"notes": h.unique("minutes")},
        if_match=f'"{items[0]["version"]}"',
    )


def _seat_edit(h: Harness) -> Trial:
    jsc = r.committee(h)
    seats = h.call("GET", f"{h.base}/committees/{jsc['id']}/members", "a_manager")
    seat = next(s for s in seats if s["user_id"] == str(h.world["a_manager"].user_id))
    return Trial(
        "PATCH",
        f"{h.base}/committees/{jsc['id']}/members/{seat['id']}",
        "a_manager",
        {"minutes_approver": False},
        if_match=f'"{seat["version"]}"',
    )


def _seat_add(h: Harness) -> Trial:
    jsc = r.committee(h, members=False)
    return Trial(
        "POST",
        f"{h.base}/committees/{jsc['id']}/members",
        "a_manager",
        {"user_id": str(h.world["a_contributor"].user_id)},
    )


def _attendance(h: Harness) -> Trial:
    m = r.meeting(h)
    url = f"{h.base}/meetings/{m['id']}"
    present = [str(h.world[w].user_id) for w in ("a_manager", "b_manager")]
    return Trial(
        "PUT",
        f"{url}/attendance",
        "a_manager",
        {"present": present},
        if_match=h.etag(url, "a_manager"),
        etag_url=url,
    )


def _lock_minutes(h: Harness, url: str) -> None:
    h.call(
        "POST",
        f"{url}/minutes/lock",
        "a_manager",
        headers_extra={"If-Match": h.etag(url, "a_manager")},
    )


def _minutes_state(action: str) -> Builder:
    def build(h: Harness) -> Trial:
        url = f"{h.base}/meetings/{r.meeting(h, held=True)['id']}"
        body = None
        if action == "reopen":
            _lock_minutes(h, url)
            body = {"reason": "A misrecorded vote"}
        return Trial(
            "POST",
            f"{url}/minutes/{action}",
            "a_manager",
            body,
            if_match=h.etag(url, "a_manager"),
            etag_url=url,
        )

    return build


def _minutes_signature(h: Harness) -> Trial:
    m = r.meeting(h, held=True)
    _lock_minutes(h, f"{h.base}/meetings/{m['id']}")
    minutes = h.call("GET", f"{h.base}/meetings/{m['id']}/minutes", "a_manager")
    return Trial(
        "POST",
        f"{h.base}/meetings/{m['id']}/signatures",
        "a_manager",
        {
            **r.SIGNING,
            "printed_name": "A Manager",
            "minutes_version": minutes["minutes_version"],
            "content_sha256": minutes["content_sha256"],
        },
    )


def _decision_act(state: str, action: str, body: dict[str, str] | None = None) -> Builder:
    def build(h: Harness) -> Trial:
        d = r.decision(h, state=state)
        url = f"{h.base}/decisions/{d['id']}"
        if action in ("votes", "final-say"):
            return Trial("POST", f"{url}/{action}", "a_manager", body)
        method = "PUT" if action == "rationale" else "POST"
        return Trial(
            method,
            f"{url}/{action}",
            "a_manager",
            body,
            if_match=h.etag(url, "a_manager"),
            etag_url=url,
        )

    return build


def _position(h: Harness) -> Trial:
    d = r.decision(h, state="deadlocked")
    return Trial(
        "PUT",
        f"{h.base}/decisions/{d['id']}/position",
        "a_manager",
        {"text": "We want to start in Q1."},
        all_may_succeed=True,
    )


def _amend(h: Harness) -> Trial:
    url = f"{h.base}/agreements/{r.agreement_id(h)}"
    return Trial(
        "POST",
        f"{url}/amendments",
        "a_manager",
        {
            "effective_date": "2027-07-01",
            "summary": "Tiers raised",
            "reason": "First amendment",
            "signed_by": "Both CEOs",
        },
        if_match=h.etag(url, "a_manager"),
        etag_url=url,
    )


def _fx(action: str) -> Builder:
    def build(h: Harness) -> Trial:
        made = r.rate(h, 2, h.next_currency(), agreed=False)
        url = f"{h.base}/fx-rates/{made['id']}"
        if action == "edit":
            return Trial(
                "PATCH", url, "b_finance", {"rate": "1.2"}, if_match=f'"{made["version"]}"'
            )
        return Trial("POST", f"{url}/agree", "a_finance", if_match=f'"{made["version"]}"')

    return build


def _claim_act(state: str, action: str, who: str, body: dict[str, str] | None = None) -> Builder:
    def build(h: Harness) -> Trial:
        c = r.claim(h, state=state)
        url = f"{h.base}/milestones/{c['id']}"
        if action in ("invoice", "escalate"):
            if action == "escalate":
                jsc = r.committee(h)
                body_ = {"committee_id": jsc["id"], "deadline": "2027-07-30"}
                return Trial("POST", f"{url}/escalate", who, body_)
            return Trial("POST", f"{url}/{action}", who)
        return Trial("POST", f"{url}/{action}", who, body, if_match=h.etag(url, who), etag_url=url)

    return build


def _payment(h: Harness) -> Trial:
    issued = r.invoice(h)
    return Trial(
        "POST",
        f"{h.base}/invoices/{issued['id']}/payments",
        "b_finance",
        {"amount": issued["amount"], "currency": issued["currency"], "paid_on": "2027-06-15"},
        losers=frozenset({409, 422}),
    )


def _obligation_act(
    action: str, body: dict[str, str], rule: dict[str, str] | None = None
) -> Builder:
    def build(h: Harness) -> Trial:
        made = r.obligation(h, rule)
        url = f"{h.base}/obligations/{made['id']}"
        if action == "undone":
            h.call(
                "POST",
                f"{url}/done",
                "a_manager",
                body,
                headers_extra={"If-Match": h.etag(url, "a_manager")},
            )
        return Trial(
            "POST",
            f"{url}/{action}",
            "a_manager",
            body,
            if_match=h.etag(url, "a_manager"),
            etag_url=url,
        )

    return build


def _statement_act(kind: str, action: str, who: str, body: dict[str, str] | None = None) -> Builder:
    def build(h: Harness) -> Trial:
        submitted = action in ("approve", "reject")
        made = (
            r.royalty(h, submitted=submitted)
            if kind == "royalty"
            else r.pnl(h, submitted=submitted)
        )
        path = "royalty-statements" if kind == "royalty" else "pnl-statements"
        url = f"{h.base}/{path}/{made['id']}"
        if action == "edit":
            edit = (
                {"third_party_royalties": "100.00"} if kind == "royalty" else {"cogs": "210000.00"}
            )
            return Trial("PATCH", url, who, edit, if_match=h.etag(url, who), etag_url=url)
        if action == "import":
            return Trial(
                "POST",
                f"{url}/lines/import",
                who,
                content=b"country,product,net_sales,currency\nFR,HLX-204,5000.00,USD\n",
                headers={"Content-Type": "text/csv"},
                if_match=h.etag(url, who),
                etag_url=url,
            )
        return Trial("POST", f"{url}/{action}", who, body, if_match=h.etag(url, who), etag_url=url)

    return build


def _statement_create(kind: str) -> Builder:
    def build(h: Harness) -> Trial:
        if kind == "royalty":
            body = {"agreement_id": str(r.agreement_id(h)), "year": 2027, "quarter": 1}
            return Trial("POST", f"{h.base}/royalty-statements", "b_finance", body)
        if kind == "pnl":
            body = {
                "agreement_id": str(r.agreement_id(h, terms=r.PROFIT_TERMS)),
                "year": 2027,
                "quarter": 2,
                "net_sales": "1000.00",
            }
            return Trial("POST", f"{h.base}/pnl-statements", "b_finance", body)
        body = {
            "agreement_id": str(r.agreement_id(h, terms=r.COST_TERMS, currency="EUR")),
            "year": 2027,
            "quarter": 2,
            "licensor_budget": "1.00",
            "licensor_budget_decision": "JSC",
            "licensee_budget": "1.00",
            "licensee_budget_decision": "JSC",
            "phase": "phase2",
        }
        return Trial("POST", f"{h.base}/true-ups", "a_finance", body)

    return build


def _fx_create(h: Harness) -> Trial:
    body = {"year": 2027, "quarter": 3, "currency": "JPY", "target": "USD", "rate": "150"}
    return Trial("POST", f"{h.base}/fx-rates", "b_finance", body)


def _line_act(action: str) -> Builder:
    def build(h: Harness) -> Trial:
        t = r.true_up(h)
        url = f"{h.base}/true-ups/{t['id']}/lines/{t['line']['id']}"
        lines = h.call("GET", f"{h.base}/true-ups/{t['id']}/lines", "b_finance")
        version = f'"{lines[0]["version"]}"'
        if action == "edit":
            return Trial(
                "PATCH", url, "b_finance", {"description": h.unique("d")}, if_match=version
            )
        if action == "remove":
            return Trial("DELETE", url, "b_finance", if_match=version, losers=GONE)
        return Trial(
            "POST",
            f"{url}/dispute",
            "a_finance",
            {"disputed": True, "reason": "Not in the budget."},
            if_match=version,
        )

    return build


def _lines_submit(h: Harness) -> Trial:
    t = r.true_up(h)
    url = f"{h.base}/true-ups/{t['id']}"
    h.call(
        "POST",
        f"{url}/lines",
        "b_finance",
        {"work_package": "WP2", "category": "CRO", "amount": "10.00", "currency": "EUR"},
    )
    return Trial(
        "POST", f"{url}/lines/submit", "b_finance", if_match=h.etag(url, "b_finance"), etag_url=url
    )


def _trueup_signature(h: Harness) -> Trial:
    t = r.true_up(h)
    return Trial(
        "POST",
        f"{h.base}/true-ups/{t['id']}/signatures",
        "a_finance",
        {**r.SIGNING, "version": t["version"], "printed_name": "A Finance"},
    )


TRIALS: dict[tuple[str, str], Builder] = {
    # alliances, members, people
    ("PATCH", A): _alliance_edit,
    ("POST", f"{A}/transitions"): _transition,
    ("PATCH", f"{A}/members/{{member_id}}"): _member_edit,
    ("DELETE", f"{A}/members/{{member_id}}"): _member_remove,
    ("POST", "/api/v1/invitations/{party_id}/accept"): _party_answer("accept"),
    ("POST", "/api/v1/invitations/{party_id}/decline"): _party_answer("decline"),
    ("POST", "/api/v1/me/invitations/{invitation_id}/accept"): _my_invitation("accept", "a"),
    ("POST", "/api/v1/me/invitations/{invitation_id}/decline"): _my_invitation("decline", "b"),
    ("POST", "/api/v1/people/invitations"): _invite,
    ("DELETE", "/api/v1/people/invitations/{invitation_id}"): _revoke_invitation,
    ("PATCH", "/api/v1/me"): _me,
    ("PATCH", "/api/v1/people/{user_id}"): _person,
    ("DELETE", "/api/v1/tokens/{token_id}"): _token_revoke,
    ("POST", "/api/v1/notifications/{notification_id}/read"): _read_one,
    ("POST", "/api/v1/notifications/read-all"): _read_all,
    ("PATCH", f"{A}/objectives/{{objective_id}}"): _edit("objective", "title"),
    ("PATCH", f"{A}/scenarios/{{scenario_id}}"): _edit("scenario", "name"),
    # governance
    ("PATCH", f"{A}/committees/{{committee_id}}"): _edit("committee", "purpose"),
    ("POST", f"{A}/committees/{{committee_id}}/members"): _seat_add,
    ("PATCH", f"{A}/committees/{{committee_id}}/members/{{seat_id}}"): _seat_edit,
    ("PATCH", f"{A}/meetings/{{meeting_id}}"): _edit("meeting", "location"),
    ("PUT", f"{A}/meetings/{{meeting_id}}/attendance"): _attendance,
    ("PATCH", f"{A}/meetings/{{meeting_id}}/items/{{item_id}}"): _item_edit,
    ("POST", f"{A}/meetings/{{meeting_id}}/signatures"): _minutes_signature,
    ("POST", f"{A}/meetings/{{meeting_id}}/minutes/lock"): _minutes_state("lock"),
    ("POST", f"{A}/meetings/{{meeting_id}}/minutes/reopen"): _minutes_state("reopen"),
    ("PATCH", f"{A}/actions/{{action_id}}"): _edit("action", "title"),
    ("POST", f"{A}/decisions/{{decision_id}}/votes"): _decision_act(
        "open", "votes", {"choice": "yes"}
    ),
    ("POST", f"{A}/decisions/{{decision_id}}/final-say"): _decision_act(
        "final_say", "final-say", {"choice": "yes", "rationale": "Development lead decides."}
    ),
    ("POST", f"{A}/decisions/{{decision_id}}/withdraw"): _decision_act("open", "withdraw"),
    ("PUT", f"{A}/decisions/{{decision_id}}/rationale"): _decision_act(
        "approved", "rationale", {"rationale": "Both parties agreed."}
    ),
    ("PUT", f"{A}/decisions/{{decision_id}}/position"): _position,
    # agreements, milestones, invoices, obligations
    ("PATCH", f"{A}/agreements/{{agreement_id}}"): _edit("agreement", "title"),
    ("POST", f"{A}/agreements/{{agreement_id}}/amendments"): _amend,
    ("PATCH", f"{A}/milestones/{{claim_id}}"): _edit("claim", "evidence", "a_finance"),
    ("POST", f"{A}/milestones/{{claim_id}}/confirm"): _claim_act("claimed", "confirm", "b_finance"),
    ("POST", f"{A}/milestones/{{claim_id}}/dispute"): _claim_act(
        "claimed", "dispute", "b_finance", {"reason": "Not final."}
    ),
    ("POST", f"{A}/milestones/{{claim_id}}/withdraw"): _claim_act(
        "claimed", "withdraw", "a_finance"
    ),
    ("POST", f"{A}/milestones/{{claim_id}}/resolve"): _claim_act(
        "disputed", "resolve", "a_finance", {"outcome": "claim_stands", "resolution": "Agreed."}
    ),
    ("POST", f"{A}/milestones/{{claim_id}}/invoice"): _claim_act(
        "confirmed", "invoice", "a_finance"
    ),
    ("POST", f"{A}/milestones/{{claim_id}}/escalate"): _claim_act(
        "disputed", "escalate", "a_finance"
    ),
    ("POST", f"{A}/invoices/{{invoice_id}}/payments"): _payment,
    ("PATCH", f"{A}/obligations/{{obligation_id}}"): _edit("obligation", "title"),
    ("POST", f"{A}/obligations/{{obligation_id}}/done"): _obligation_act(
        "done", {"due_date": "2027-05-15"}
    ),
    ("POST", f"{A}/obligations/{{obligation_id}}/undone"): _obligation_act(
        "undone", {"due_date": "2027-05-15"}
    ),
    ("POST", f"{A}/obligations/{{obligation_id}}/status"): _obligation_act(
        "status", {"status": "waived", "reason": "Not needed."}
    ),
    ("POST", f"{A}/obligations/{{obligation_id}}/event"): _obligation_act(
        "event",
        {"event_date": "2027-05-01"},
        {"type": "after_event", "event": "First dosing", "days": 30},
    ),
    # statements and money
    ("POST", f"{A}/fx-rates"): _fx_create,
    ("PATCH", f"{A}/fx-rates/{{fx_rate_id}}"): _fx("edit"),
    ("POST", f"{A}/fx-rates/{{fx_rate_id}}/agree"): _fx("agree"),
    ("POST", f"{A}/royalty-statements"): _statement_create("royalty"),
    ("PATCH", f"{A}/royalty-statements/{{royalty_statement_id}}"): _statement_act(
        "royalty", "edit", "b_finance"
    ),
    ("POST", f"{A}/royalty-statements/{{royalty_statement_id}}/lines/import"): _statement_act(
        "royalty", "import", "b_finance"
    ),
    ("POST", f"{A}/royalty-statements/{{royalty_statement_id}}/submit"): _statement_act(
        "royalty", "submit", "b_finance"
    ),
    ("POST", f"{A}/royalty-statements/{{royalty_statement_id}}/approve"): _statement_act(
        "royalty", "approve", "a_finance"
    ),
    ("POST", f"{A}/royalty-statements/{{royalty_statement_id}}/reject"): _statement_act(
        "royalty", "reject", "a_finance", {"reason": "US sales missing."}
    ),
    ("POST", f"{A}/pnl-statements"): _statement_create("pnl"),
    ("PATCH", f"{A}/pnl-statements/{{pnl_statement_id}}"): _statement_act(
        "pnl", "edit", "b_finance"
    ),
    ("POST", f"{A}/pnl-statements/{{pnl_statement_id}}/submit"): _statement_act(
        "pnl", "submit", "b_finance"
    ),
    ("POST", f"{A}/pnl-statements/{{pnl_statement_id}}/approve"): _statement_act(
        "pnl", "approve", "a_finance"
    ),
    ("POST", f"{A}/pnl-statements/{{pnl_statement_id}}/reject"): _statement_act(
        "pnl", "reject", "a_finance", {"reason": "COGS missing."}
    ),
    ("POST", f"{A}/true-ups"): _statement_create("true_up"),
    ("PATCH", f"{A}/true-ups/{{true_up_id}}"): _edit("true_up", "note", "a_finance"),
    ("PATCH", f"{A}/true-ups/{{true_up_id}}/lines/{{line_id}}"): _line_act("edit"),
    ("DELETE", f"{A}/true-ups/{{true_up_id}}/lines/{{line_id}}"): _line_act("remove"),
    ("POST", f"{A}/true-ups/{{true_up_id}}/lines/{{line_id}}/dispute"): _line_act("dispute"),
    ("POST", f"{A}/true-ups/{{true_up_id}}/lines/submit"): _lines_submit,
    ("POST", f"{A}/true-ups/{{true_up_id}}/signatures"): _trueup_signature,
}

CREATES: dict[tuple[str, str], str] = {
    ("POST", "/api/v1/alliances"): "each proposal is a new alliance",
    ("POST", f"{A}/actions"): "each is a new action item (Idempotency-Key not offered)",
    ("POST", f"{A}/agreements"): "each is a new agreement",
    ("POST", f"{A}/agreements/{{agreement_id}}/value"): "each valuation is a new scenario",
    ("POST", f"{A}/committees"): "each is a new committee",
    ("POST", f"{A}/committees/{{committee_id}}/meetings"): "each is a new meeting",
    ("POST", f"{A}/decisions"): "each is a new matter with its own reference",
    ("POST", f"{A}/meetings/{{meeting_id}}/items"): "each is a new agenda item",
    ("POST", f"{A}/meetings/{{meeting_id}}/items/{{item_id}}/papers"): (
        "each upload is a new paper; with one Idempotency-Key it is one (tests/files/test_race)"
    ),
    ("POST", f"{A}/meetings/{{meeting_id}}/notes"): "each is a new private note",
    ("POST", f"{A}/members"): "adds a person (the same person twice is refused: unique)",
    ("POST", f"{A}/milestones"): "each is a new claim",
    ("POST", f"{A}/milestones/{{claim_id}}/notes"): "each is a new private note",
    ("POST", f"{A}/objectives"): "each is a new objective",
    ("POST", f"{A}/obligations"): "each is a new obligation",
    ("POST", f"{A}/scenarios"): "each is a new valuation scenario",
    ("POST", f"{A}/true-ups/{{true_up_id}}/lines"): "each is a new cost line",
    ("POST", f"{A}/true-ups/{{true_up_id}}/lines/import"): "each import adds its lines",
    ("POST", "/api/v1/calendar-feed"): "each call issues a new feed address (the last wins)",
    ("DELETE", "/api/v1/calendar-feed"): "revoking a revoked feed changes nothing",
    ("POST", "/api/v1/tokens"): "each is a new token",
}
