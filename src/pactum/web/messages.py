"""The fixed messages a page shows after a successful form (``?done=<key>``), every
domain's in one table: plain data, read when a page renders (no module adds to it when
imported). A key is used by exactly one redirect; a test checks each used key is here."""

from __future__ import annotations

DOMAIN_MESSAGES: dict[str, str] = {
    # pactum.governance.pages.common
    "committee_created": "Committee set up with its charter.",
    "committee_saved": "Charter saved. Matters already on their way keep their clocks.",
    "seat_added": "Seat added.",
    "seat_ended": "Seat ended; the person no longer sits on the committee.",
    "meeting_scheduled": "Meeting scheduled. Download the invitation for your calendar.",
    "item_added": "Agenda item added; any signatures of the minutes were invalidated.",
    "item_notes_saved": "Minutes notes saved; any signatures of the minutes were invalidated.",
    "attendance_saved": "Attendance recorded; any signatures of the minutes were invalidated.",
    "action_added": "Action item added and the assignee notified.",
    "action_saved": "Action item saved.",
    "action_done": "Action item marked done.",
    "action_reopened": "Action item reopened.",
    "private_note_added": "Private note added (only your party sees it).",
    "minutes_signed": "Minutes signed. They are approved once each party has signed.",
    "minutes_approved": "Signed by every party: the minutes are approved.",
    "decision_proposed": "Decision proposed; the committee's voting members were notified.",
    "vote_cast": "Your party's vote was recorded.",
    "final_say_given": "Decision recorded under your party's final say.",
    "position_saved": "Your party's position was saved (it goes in the dossier).",
    "rationale_saved": "Rationale recorded in the decision register.",
    "decision_withdrawn": "Decision withdrawn.",
    # pactum.governance.pages.minutes_forms
    "minutes_locked": "Minutes locked for signing; the approvers were told.",
    "minutes_reopened": (
        "Minutes reopened: every signature given so far was invalidated and the signers were "
        "told why."
    ),
    # pactum.governance.pages.paper_forms
    "paper_added": "Paper added; any signatures of the minutes were invalidated.",
    # pactum.agreements.pages
    "agreement_created": "Agreement recorded with its terms as version 1.",
    "agreement_updated": "Agreement saved.",
    "agreement_amended": "Amendment recorded as a new version of the terms.",
    # pactum.ledger.pages
    "payment_recorded": "Payment recorded; both parties see it in the ledger.",
    # pactum.milestones.pages
    "claim_made": "Milestone claimed. The other party has been given its notice period.",
    "claim_confirmed": "Milestone confirmed. The claiming party can now invoice it.",
    "claim_disputed": "Claim disputed; a dispute record was opened.",
    "dispute_resolved": "The dispute's outcome was recorded.",
    "claim_withdrawn": "Claim withdrawn.",
    "claim_invoiced": "Invoice issued.",
    "note_added": "Internal note added (only your party sees it).",
    # pactum.obligations.deadline_pages
    "feed_revoked": "Your calendar feed was revoked; its address no longer works.",
    # pactum.obligations.page_helpers
    "obligation_added": "Obligation added.",
    "obligation_saved": "Obligation saved.",
    "obligation_shared": "Obligation saved and now shared with the alliance.",
    "occurrence_done": "Due date marked done.",
    "occurrence_undone": "Due date marked open again.",
    "event_recorded": "Event date saved; the due date follows from it.",
    "obligation_status": "Obligation status changed.",
    # pactum.obligations.notification_pages
    "notification_read": "Notification marked read.",
    "notifications_read": "All notifications marked read.",
    # pactum.statements.royalty.pages
    "royalty_saved": "Royalty statement saved and recomputed.",
    "royalty_submitted": "Statement submitted. The licensor's finance people approve or reject it.",
    "royalty_approved": "Statement approved. The invoice was issued to the licensee.",
    "royalty_approved_nil": "Statement approved. No royalty is due, so nothing was invoiced.",
    "royalty_rejected": "Statement sent back to the licensee with your reason.",
    # pactum.statements.fx.pages
    "fx_proposed": (
        "Rate proposed. A finance person of the other party agrees it before statements use it."
    ),
    "fx_changed": "New rate proposed. The other party agrees it before statements use it.",
    "fx_agreed": "Rate agreed. Statements of that quarter convert with it.",
    # pactum.statements.trueup.pages
    "trueup_created": "True-up opened. Each party now adds its cost lines.",
    "trueup_saved": "True-up saved; any signatures were invalidated and must be given again.",
    "trueup_line_added": (
        "Cost line added as a draft: only your party sees it until you submit your lines."
    ),
    "trueup_lines_imported": (
        "Cost lines imported as drafts: only your party sees them until you submit them."
    ),
    "trueup_lines_submitted": (
        "Lines submitted: the other party sees them now; any signatures were invalidated."
    ),
    "trueup_line_saved": (
        "Cost line saved (a change to a submitted line invalidates any signatures)."
    ),
    "trueup_line_removed": (
        "Cost line removed (removing a submitted line invalidates any signatures)."
    ),
    "trueup_disputed": "Line disputed; its amount is held until the dispute is resolved.",
    "trueup_dispute_withdrawn": "Dispute withdrawn; the line counts in the payment now.",
    "trueup_signed": "Signed. The true-up is approved once both parties have signed.",
    "trueup_approved": "Signed by both parties: the true-up is approved.",
    # pactum.statements.pnl.pages
    "pnl_saved": "P&L-share statement saved and recomputed.",
    "pnl_submitted": "Statement submitted. The partner's finance people approve or reject it.",
    "pnl_approved": "Statement approved. The balancing-payment invoice was issued.",
    "pnl_approved_nil": "Statement approved. The positions balance, so nothing was invoiced.",
    "pnl_rejected": "Statement sent back to the booking party with your reason.",
}
