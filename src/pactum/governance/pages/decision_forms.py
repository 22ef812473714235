"""The forms of the decision page: our party's vote, the final-say party's decision, our
party's stated position, the rationale, withdrawing; and the dossier download."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, Response
from starlette.datastructures import FormData

from pactum.access import open_alliance
from pactum.governance import documents, invitations
from pactum.governance.pages import common
from pactum.governance.pages.decisions import decision_page
from pactum.governance.schemas import FinalSayIn, PositionIn, RationaleIn, VoteCreate
from pactum.governance.service import decisions, dossier, due
from pactum.http.db import DbSession
from pactum.web.forms import FORM_ERRORS, attempt, form_errors, form_version, redirect
from pactum.web.session import Form, WebUser, field

router = APIRouter()

BASE = "/alliances/{alliance_id}/decisions/{decision_id}"
VOTE_FIELDS = {"choice": "vote-choice", "option": "vote-option", "comment": "vote-comment"}
VOTE_LABELS = {
    "vote-choice": "Your party's vote",
    "vote-option": "Option",
    "vote-comment": "Comment",
}
FINAL_FIELDS = {
    "choice": "final-choice",
    "option": "final-option",
    "rationale": "final-rationale",
}
FINAL_LABELS = {
    "final-choice": "Decision",
    "final-option": "Option",
    "final-rationale": "Rationale",
}


def _vote(form: FormData) -> dict[str, str]:
    return {
        "vote-choice": field(form, "choice"),
        "vote-option": field(form, "option"),
        "vote-comment": common.raw(form, "comment"),
    }


def _final(form: FormData) -> dict[str, str]:
    return {
        "final-choice": field(form, "choice"),
        "final-option": field(form, "option"),
        "final-rationale": common.raw(form, "rationale"),
    }


def _form_route(
    name: str,
    read: Callable[[FormData], dict[str, str]],
    act: Callable[[Any, Any, uuid.UUID, dict[str, str], FormData], None],
    fields: dict[str, str],
    labels: dict[str, str],
    done: str,
    doc: str,
) -> Callable[..., Response]:
    def endpoint(
        request: Request,
        alliance_id: uuid.UUID,
        decision_id: uuid.UUID,
        db: DbSession,
        info: WebUser,
        form: Form,
    ) -> Response:
        view = open_alliance(db, info.principal, alliance_id)
        decisions.get_decision(db, view, decision_id)
        values = read(form)
        try:
            with attempt(db):
                act(db, view, decision_id, values, form)
        except FORM_ERRORS as exc:
            errors = form_errors(exc, fields, labels, form=name, thing="decision")
            found = decisions.get_decision(db, view, decision_id)
            return decision_page(request, db, view, found, errors, values)
        url = f"{common.alliance_url(alliance_id)}/decisions/{decision_id}"
        return redirect(url, done, "standing-heading")

    endpoint.__name__ = f"decision_{name.replace('-', '_')}"
    endpoint.__doc__ = doc
    return endpoint


def _cast(db: Any, view: Any, decision_id: uuid.UUID, values: dict[str, str], _f: Any) -> None:
    choice = values["vote-choice"]
    data = VoteCreate.model_validate(
        {
            "choice": choice,
            "option": values["vote-option"] if choice == "yes" else "",
            "comment": values["vote-comment"],
        }
    )
    decisions.cast_vote(db, view, decision_id, data)


def _decide(db: Any, view: Any, decision_id: uuid.UUID, values: dict[str, str], _f: Any) -> None:
    choice = values["final-choice"]
    data = FinalSayIn.model_validate(
        {
            "choice": choice,
            "option": values["final-option"] if choice == "yes" else "",
            "rationale": values["final-rationale"],
        }
    )
    decisions.decide_final_say(db, view, decision_id, data)


def _position(db: Any, view: Any, decision_id: uuid.UUID, values: dict[str, str], _f: Any) -> None:
    data = PositionIn.model_validate({"text": values["position-text"]})
    decisions.state_position(db, view, decision_id, data)


def _rationale(db: Any, view: Any, decision_id: uuid.UUID, values: dict[str, str], f: Any) -> None:
    data = RationaleIn.model_validate({"rationale": values["rationale-text"]})
    decisions.set_rationale(db, view, decision_id, data.rationale, expected_version=form_version(f))


def _withdraw(db: Any, view: Any, decision_id: uuid.UUID, _v: dict[str, str], f: Any) -> None:
    decisions.withdraw(db, view, decision_id, expected_version=form_version(f))


Reader = Callable[[FormData], dict[str, str]]
Act = Callable[[Any, Any, uuid.UUID, dict[str, str], FormData], None]
FORMS: tuple[tuple[str, Reader, Act, dict[str, str], dict[str, str], str, str], ...] = (
    (
        "vote",
        _vote,
        _cast,
        VOTE_FIELDS,
        VOTE_LABELS,
        "vote_cast",
        "Cast our party's one vote as one of its voting members of the body deciding.",
    ),
    (
        "final-say",
        _final,
        _decide,
        FINAL_FIELDS,
        FINAL_LABELS,
        "final_say_given",
        "Decide under our party's final say, with the rationale.",
    ),
    (
        "position",
        lambda f: {"position-text": common.raw(f, "text")},
        _position,
        {"text": "position-text", "status": "position-text"},
        {"position-text": "Our position"},
        "position_saved",
        "State (or restate) our party's position on the escalated matter.",
    ),
    (
        "rationale",
        lambda f: {"rationale-text": common.raw(f, "rationale")},
        _rationale,
        {"rationale": "rationale-text", "status": "rationale-text"},
        {"rationale-text": "Rationale"},
        "rationale_saved",
        "Record the rationale of the decided matter in the register.",
    ),
    (
        "withdraw",
        lambda f: {},
        _withdraw,
        {},
        {},
        "decision_withdrawn",
        "Withdraw the undecided matter (the proposing party's alliance manager).",
    ),
)

for _name, _read, _act, _fields, _labels, _done, _doc in FORMS:
    router.add_api_route(
        f"{BASE}/{_name}",
        _form_route(_name, _read, _act, _fields, _labels, _done, _doc),
        methods=["POST"],
        response_class=HTMLResponse,
    )


@router.get(f"{BASE}/dossier.zip")
def decision_dossier(
    alliance_id: uuid.UUID, decision_id: uuid.UUID, db: DbSession, info: WebUser
) -> Response:
    """The dossier for arbitration: a ZIP with the PDF, CSV tables, minutes and manifest."""
    view = open_alliance(db, info.principal, alliance_id)
    shown = due.as_of_one(db, view, decisions.get_decision(db, view, decision_id))
    doc = dossier.dossier_doc(db, view, shown)
    return invitations.zip_response(
        documents.dossier_zip(doc), f"dossier-{shown.decision.reference}"
    )
