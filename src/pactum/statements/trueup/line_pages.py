"""True-up pages for cost lines: add, import (CSV/XLSX), edit, remove, and the other
party's dispute of a line."""

from __future__ import annotations

import uuid
from typing import Annotated

from fastapi import APIRouter, Depends, Request
from fastapi.responses import HTMLResponse, Response

from pactum.access import AllianceView, open_alliance
from pactum.core.errors import Forbidden, ValidationFailed
from pactum.finance.imports import ImportRejected, parse_costs
from pactum.http.db import DbSession
from pactum.models import CostLine, TrueUp
from pactum.statements.page_helpers import Posted, upload_form_of
from pactum.statements.trueup import lines, service
from pactum.statements.trueup.pages import (
    ADD_FIELDS,
    ADD_LABELS,
    LABELS,
    LINE_FIELDS,
    MAX_ROW_ERRORS_SHOWN,
    base_url,
    detail_page,
)
from pactum.statements.trueup.schemas import CostLineCreate, CostLineUpdate, DisputeSet
from pactum.web.forms import (
    FORM_ERRORS,
    FormErrors,
    amount_text,
    attempt,
    form_errors,
    form_version,
    page,
    redirect,
)
from pactum.web.session import Form, WebUser, field

router = APIRouter()


# --- cost lines -----------------------------------------------------------------------


@router.post("/alliances/{alliance_id}/true-ups/{true_up_id}/lines", response_class=HTMLResponse)
def line_add(
    request: Request,
    alliance_id: uuid.UUID,
    true_up_id: uuid.UUID,
    db: DbSession,
    info: WebUser,
    form: Form,
) -> Response:
    """Add a cost line of our party."""
    view = open_alliance(db, info.principal, alliance_id)
    true_up = service.get_true_up(db, view, true_up_id)
    values = {f"add-{k}": field(form, k) for k in ("work_package", "category", "description")}
    values["add-amount"] = field(form, "amount")
    try:
        with attempt(db):
            data = CostLineCreate.model_validate(
                {
                    "work_package": values["add-work_package"],
                    "category": values["add-category"],
                    "description": values["add-description"],
                    "amount": amount_text(values["add-amount"]),
                    "currency": true_up.currency,
                }
            )
            lines.add_lines(db, view, true_up_id, [data])
    except FORM_ERRORS as exc:
        errors = form_errors(exc, ADD_FIELDS, ADD_LABELS, form="add", thing="true-up")
        return detail_page(request, db, view, true_up, values=values, errors=errors)
    return redirect(f"{base_url(alliance_id)}/{true_up_id}", "trueup_line_added", anchor="lines-h")


@router.post(
    "/alliances/{alliance_id}/true-ups/{true_up_id}/lines/submit", response_class=HTMLResponse
)
def lines_submit(
    request: Request,
    alliance_id: uuid.UUID,
    true_up_id: uuid.UUID,
    db: DbSession,
    info: WebUser,
    form: Form,
) -> Response:
    """Submit our party's draft lines to the other party."""
    view = open_alliance(db, info.principal, alliance_id)
    true_up = service.get_true_up(db, view, true_up_id)
    try:
        with attempt(db):
            lines.submit_lines(
                db,
                view,
                true_up_id,
                expected_version=form_version(form),
                seen=field(form, "drafts_sha256"),
            )
    except FORM_ERRORS as exc:
        errors = form_errors(
            exc, {"lines": "submit-lines"}, {}, form="submit-lines", thing="true-up"
        )
        return detail_page(request, db, view, true_up, errors=errors)
    return redirect(f"{base_url(alliance_id)}/{true_up_id}", "trueup_lines_submitted", "lines-h")


# The import form: the anti-forgery token, the file and nothing else of size.
UploadForm = Annotated[Posted, Depends(upload_form_of(lines.MAX_IMPORT, max_fields=10))]


def _row_messages(exc: ImportRejected) -> list[str]:
    shown = [
        f"Row {e.row}, {e.column.replace('_', ' ')}: {e.rule}" if e.row else f"{e.column}: {e.rule}"
        for e in exc.errors[:MAX_ROW_ERRORS_SHOWN]
    ]
    extra = len(exc.errors) - MAX_ROW_ERRORS_SHOWN
    if extra > 0:
        shown.append(f"… and {extra} more problems.")
    return shown


@router.post(
    "/alliances/{alliance_id}/true-ups/{true_up_id}/lines/import", response_class=HTMLResponse
)
def lines_import(
    request: Request,
    alliance_id: uuid.UUID,
    true_up_id: uuid.UUID,
    db: DbSession,
    info: WebUser,
    form: UploadForm,
) -> Response:
    """Import our party's cost lines from a CSV or Excel file: all rows or none."""
    view = open_alliance(db, info.principal, alliance_id)
    true_up = service.get_true_up(db, view, true_up_id)
    errors = FormErrors(form="import")
    try:
        view.require("finance.write")
        form.check()
        if not form.filename:
            raise ValidationFailed("file", "choose a CSV or Excel (.xlsx) file")
        rows = parse_costs(form.file, filename=form.filename, currency=true_up.currency)
        with attempt(db):
            lines.import_lines(db, view, true_up_id, rows)
    except ImportRejected as exc:
        errors.general.append(
            f"The file was not imported: {len(exc.errors)} problem(s). Nothing was added."
        )
        return detail_page(request, db, view, true_up, errors=errors, row_errors=_row_messages(exc))
    except FORM_ERRORS as exc:
        errors = form_errors(exc, {"file": "import-file"}, {"import-file": "File"}, form="import")
        return detail_page(request, db, view, true_up, errors=errors)
    return redirect(f"{base_url(alliance_id)}/{true_up_id}", "trueup_lines_imported", "lines-h")


def _line_page(
    request: Request,
    view: AllianceView,
    true_up: TrueUp,
    line: CostLine,
    values: dict[str, str],
    errors: FormErrors | None = None,
) -> HTMLResponse:
    return page(
        request,
        "trueup_line.html",
        {
            "alliance": view.alliance,
            "true_up": true_up,
            "line": line,
            "values": values,
            "errors": errors or FormErrors(),
            "reload_url": f"{base_url(view.alliance_id)}/{true_up.id}/lines/{line.id}",
        },
        status_code=errors.status_code if errors else 200,
        nav="alliances",
    )


@router.get(
    "/alliances/{alliance_id}/true-ups/{true_up_id}/lines/{line_id}", response_class=HTMLResponse
)
def line_edit(
    request: Request,
    alliance_id: uuid.UUID,
    true_up_id: uuid.UUID,
    line_id: uuid.UUID,
    db: DbSession,
    info: WebUser,
) -> HTMLResponse:
    """The form to edit one of our party's lines."""
    view = open_alliance(db, info.principal, alliance_id)
    true_up = service.get_true_up(db, view, true_up_id)
    line = service.get_line(db, view, true_up, line_id)
    view.require("finance.write")
    if line.party_org_id != view.org_id:
        raise Forbidden("Only the party that incurred a cost edits its line.")
    values = {
        "work_package": line.work_package,
        "category": line.category,
        "description": line.description,
        "amount": str(line.amount),
        "version": str(line.version),
    }
    return _line_page(request, view, true_up, line, values)


@router.post(
    "/alliances/{alliance_id}/true-ups/{true_up_id}/lines/{line_id}", response_class=HTMLResponse
)
def line_update(
    request: Request,
    alliance_id: uuid.UUID,
    true_up_id: uuid.UUID,
    line_id: uuid.UUID,
    db: DbSession,
    info: WebUser,
    form: Form,
) -> Response:
    """Save one of our party's lines."""
    view = open_alliance(db, info.principal, alliance_id)
    true_up = service.get_true_up(db, view, true_up_id)
    line = service.get_line(db, view, true_up, line_id)
    keys = ("work_package", "category", "description", "amount", "version")
    values = {k: field(form, k) for k in keys}
    try:
        with attempt(db):
            data = CostLineUpdate.model_validate(
                {
                    "work_package": values["work_package"],
                    "category": values["category"],
                    "description": values["description"],
                    "amount": amount_text(values["amount"]),
                }
            )
            lines.update_line(
                db, view, true_up_id, line_id, data, expected_version=form_version(form)
            )
    except FORM_ERRORS as exc:
        errors = form_errors(exc, LINE_FIELDS, LABELS, thing="cost line")
        return _line_page(request, view, true_up, line, values, errors)
    return redirect(f"{base_url(alliance_id)}/{true_up_id}", "trueup_line_saved", "lines-h")


@router.post(
    "/alliances/{alliance_id}/true-ups/{true_up_id}/lines/{line_id}/delete",
    response_class=HTMLResponse,
)
def line_remove(
    request: Request,
    alliance_id: uuid.UUID,
    true_up_id: uuid.UUID,
    line_id: uuid.UUID,
    db: DbSession,
    info: WebUser,
    form: Form,
) -> Response:
    """Remove one of our party's lines."""
    view = open_alliance(db, info.principal, alliance_id)
    true_up = service.get_true_up(db, view, true_up_id)
    service.get_line(db, view, true_up, line_id)
    try:
        with attempt(db):
            lines.remove_line(db, view, true_up_id, line_id, expected_version=form_version(form))
    except FORM_ERRORS as exc:
        errors = form_errors(exc, {}, {}, form=f"line-{line_id}", thing="cost line")
        return detail_page(request, db, view, true_up, errors=errors)
    return redirect(f"{base_url(alliance_id)}/{true_up_id}", "trueup_line_removed", "lines-h")


@router.post(
    "/alliances/{alliance_id}/true-ups/{true_up_id}/lines/{line_id}/dispute",
    response_class=HTMLResponse,
)
def line_dispute(
    request: Request,
    alliance_id: uuid.UUID,
    true_up_id: uuid.UUID,
    line_id: uuid.UUID,
    db: DbSession,
    info: WebUser,
    form: Form,
) -> Response:
    """Dispute the other party's line with a reason, or withdraw the dispute."""
    view = open_alliance(db, info.principal, alliance_id)
    true_up = service.get_true_up(db, view, true_up_id)
    service.get_line(db, view, true_up, line_id)
    disputed = field(form, "disputed") == "yes"
    reason_id = f"reason-{line_id}"
    values = {reason_id: field(form, "reason")}
    try:
        with attempt(db):
            data = DisputeSet(disputed=disputed, reason=values[reason_id])
            lines.dispute_line(
                db, view, true_up_id, line_id, data, expected_version=form_version(form)
            )
    except FORM_ERRORS as exc:
        errors = form_errors(
            exc,
            {"reason": reason_id, "disputed": reason_id},
            {reason_id: "Reason for the dispute"},
            form=f"line-{line_id}",
            thing="cost line",
        )
        return detail_page(request, db, view, true_up, values=values, errors=errors)
    done = "trueup_disputed" if disputed else "trueup_dispute_withdrawn"
    return redirect(f"{base_url(alliance_id)}/{true_up_id}", done, "lines-h")
