"""Royalty statement rules.

- The licensee's finance people prepare a quarter's statement for an agreement: net sales
  by country and product (entered, or imported from CSV/XLSX with a per-row report and
  nothing imported on any error), third-party royalties paid, countries whose royalty term
  ended, countries past loss of exclusivity.
- Lines in another currency are converted with the quarter's *agreed* FX rate into the
  agreement currency (see :mod:`pactum.statements.royalty.calc` for the rounding rule).
- The terms are those in force on the quarter's last day. Year-to-date sales and unused
  offset credit come from the same agreement's earlier statements of the calendar year,
  recomputed in order from their stored inputs (both start at zero each calendar year).
  A quarter's statement may be created only once the previous quarter's exists (unless it
  is the first quarter of the year the agreement is in force), and submitted only once
  the previous quarter's is approved.
- draft → submitted → approved | rejected; a rejected statement is corrected (back to
  draft) and submitted again. Edits only as draft or rejected, with If-Match; every save
  recomputes with the current agreed rates and year-to-date chain.
- A draft is the licensee's working paper (DRAFT-1): until its first submission it is
  private to the licensee's party (lists, reads, counts, exports, the audit trail); the
  licensor sees it from submission on, and the shared audit chain learns of it then, with
  its content at that time. Once submitted it stays shared, also while a rejected
  statement is being corrected: the licensor has seen it and is waiting for the fix.
- The licensor's finance people approve or reject (with a reason); never the party that
  submitted it. Approval issues the invoice: the licensee pays the licensor the royalty,
  due after the payment days of the terms used.
"""

from __future__ import annotations

import uuid
from decimal import Decimal
from typing import Any

from sqlalchemy.orm import Session

from pactum.access import AllianceView, get_scoped, scoped
from pactum.access.records import audit_record
from pactum.core.errors import Conflict, Forbidden, ValidationFailed
from pactum.core.sizes import limit_text
from pactum.core.time import utcnow
from pactum.core.updates import check_version, reject_nulls
from pactum.finance.imports import ImportRejected, RowError, parse_sales_lines
from pactum.finance.money import to_cents
from pactum.invoices import service as invoices
from pactum.models import Agreement, Invoice, RoyaltyStatement
from pactum.statements.fx import service as fx_service
from pactum.statements.periods import EDITABLE, MAX_LINES, dec, fingerprint, label, num
from pactum.statements.quarters import (
    check_decidable,
    find_agreement,
    first_quarter,
    record_decision,
    role_of,
    shared_from_now,
    terms_for_quarter,
)
from pactum.statements.royalty import calc as royalty_calc
from pactum.statements.royalty.schemas import Rejection, RoyaltyCreate, RoyaltyUpdate, SalesLineIn

USER_FIELDS = (
    "lines",
    "third_party_royalties",
    "third_party_currency",
    "term_ended",
    "exclusivity_lost",
)
MAX_UPLOAD = 10 * 1024 * 1024


class RowsRejected(ValidationFailed):
    """An imported file had problems (``rows``); nothing was imported."""

    def __init__(self, rows: list[RowError]) -> None:
        first, *rest = [(f"row[{e.row}].{e.column}", e.rule) for e in rows]
        super().__init__(first[0], first[1], more=rest)
        self.rows = rows


def list_statements(session: Session, view: AllianceView) -> list[RoyaltyStatement]:
    """The alliance's royalty statements, latest quarter first."""
    stmt = scoped(view, RoyaltyStatement).order_by(
        RoyaltyStatement.year.desc(), RoyaltyStatement.quarter.desc(), RoyaltyStatement.created_at
    )
    return list(session.execute(stmt).scalars())


def get_statement(
    session: Session, view: AllianceView, statement_id: uuid.UUID, *, lock: bool = False
) -> RoyaltyStatement:
    """One statement, or 404."""
    return get_scoped(session, view, RoyaltyStatement, statement_id, lock=lock)


def agreement_of(session: Session, view: AllianceView, item: RoyaltyStatement) -> Agreement:
    """The agreement a statement is under."""
    return get_scoped(session, view, Agreement, item.agreement_id)


def invoice_of(session: Session, view: AllianceView, item: RoyaltyStatement) -> Invoice | None:
    """The invoice issued on approval, if any."""
    return invoices.invoice_for(session, view, "royalty", item.id)


def reproducible(item: RoyaltyStatement) -> bool:
    """Whether recomputing from the stored inputs gives the stored result exactly."""
    return bool(item.inputs) and royalty_calc.compute(item.inputs) == item.result


def _earlier(
    session: Session, view: AllianceView, agreement: Agreement, year: int, quarter: int
) -> list[RoyaltyStatement]:
    """The agreement's statements of ``year`` before ``quarter``, in order; the previous
    quarter's must exist (unless this is the year's first quarter under the agreement)."""
    stmt = (
        scoped(view, RoyaltyStatement)
        .where(
            RoyaltyStatement.agreement_id == agreement.id,
            RoyaltyStatement.year == year,
            RoyaltyStatement.quarter < quarter,
        )
        .order_by(RoyaltyStatement.quarter)
    )
    earlier = list(session.execute(stmt).scalars())
    have = {s.quarter for s in earlier}
    for needed in range(first_quarter(agreement, year), quarter):
        if needed not in have:
            raise Conflict(
                f"quarter: the {label(year, needed)} statement must be created first "
                "(year-to-date sales and carried credit come from it)"
            )
    return earlier


def carried_in(earlier: list[RoyaltyStatement]) -> tuple[Decimal, Decimal]:
    """Year-to-date royalty-bearing sales and unused offset credit after ``earlier``,
    recomputed in order from their stored inputs."""
    ytd, credit = Decimal(0), Decimal(0)
    for item in earlier:
        result = royalty_calc.compute(
            {**item.inputs, "ytd_before": dec(ytd), "credit_before": dec(credit)}
        )
        ytd, credit = num(result["ytd_sales"]), num(result["credit_carried"])
    return ytd, credit


def _user_part(fields: dict[str, Any], currency: str) -> dict[str, Any]:
    """The figures the licensee reports, as stored text."""
    lines = [SalesLineIn.model_validate(line) for line in fields["lines"]]
    return {
        "lines": [
            {
                "country": line.country,
                "product": line.product,
                "net_sales": dec(to_cents(line.net_sales)),
                "currency": line.currency,
            }
            for line in lines
        ],
        "third_party_royalties": dec(to_cents(Decimal(str(fields["third_party_royalties"])))),
        "third_party_currency": fields.get("third_party_currency") or currency,
        "term_ended": sorted(set(fields["term_ended"])),
        "exclusivity_lost": sorted(set(fields["exclusivity_lost"])),
    }


def _inputs(
    session: Session,
    view: AllianceView,
    agreement: Agreement,
    year: int,
    quarter: int,
    fields: dict[str, Any],
) -> dict[str, Any]:
    """Everything the computation needs, resolved now: terms in force, agreed rates and
    the year-to-date chain."""
    version = terms_for_quarter(session, view, agreement, year, quarter)
    clause = version.terms.get("royalties")
    if not clause:
        raise ValidationFailed(
            "agreement_id", f"has no royalty clause in its terms (version {version.number})"
        )
    part = _user_part(fields, agreement.currency)
    if len(part["lines"]) > MAX_LINES:
        raise ValidationFailed("lines", f"must have at most {MAX_LINES:,} lines")
    rates = fx_service.agreed_rates(session, view, year, quarter, agreement.currency)
    problems = []
    for i, line in enumerate(part["lines"]):
        if line["currency"] != agreement.currency and line["currency"] not in rates:
            problems.append(
                (f"lines[{i}].currency", _no_rate(line["currency"], agreement, year, quarter))
            )
    third = part["third_party_currency"]
    if third != agreement.currency and third not in rates:
        problems.append(("third_party_currency", _no_rate(third, agreement, year, quarter)))
    if problems:
        raise ValidationFailed(problems[0][0], problems[0][1], more=problems[1:])
    used = sorted(({ln["currency"] for ln in part["lines"]} | {third}) - {agreement.currency})
    ytd, credit = carried_in(_earlier(session, view, agreement, year, quarter))
    return {
        "currency": agreement.currency,
        "year": year,
        "quarter": quarter,
        "terms_version": version.number,
        "payment_days": version.payment_days,
        "royalties": clause,
        "fx": {c: dec(rates[c]) for c in used},
        **part,
        "ytd_before": dec(ytd),
        "credit_before": dec(credit),
    }


def _no_rate(currency: str, agreement: Agreement, year: int, quarter: int) -> str:
    return (
        f"{currency} has no agreed rate into {agreement.currency} for {label(year, quarter)}; "
        "agree one in the FX table first"
    )


def _stored(item: RoyaltyStatement) -> dict[str, Any]:
    """The statement's stored inputs (JSON)."""
    return dict(item.inputs)


def _apply(item: RoyaltyStatement, inputs: dict[str, Any]) -> None:
    result = royalty_calc.compute(inputs)
    item.inputs = inputs
    item.result = result
    item.total = num(result["royalty"])


def _summary(item: RoyaltyStatement) -> dict[str, Any]:
    return {
        "status": item.status,
        "total": item.total,
        "lines": len(_stored(item).get("lines", [])),
        "inputs_sha256": fingerprint(item.inputs),
    }


def _require_licensee(view: AllianceView, agreement: Agreement) -> None:
    view.require("finance.write")
    if role_of(agreement, view.org_id) != "licensee":
        raise Forbidden("Only the licensee's finance people prepare royalty statements.")


def create(session: Session, view: AllianceView, data: RoyaltyCreate) -> RoyaltyStatement:
    """A draft statement for a quarter, computed at once."""
    view.require("finance.write")
    agreement = find_agreement(session, view, data.agreement_id)
    _require_licensee(view, agreement)
    existing = session.execute(
        scoped(view, RoyaltyStatement).where(
            RoyaltyStatement.agreement_id == agreement.id,
            RoyaltyStatement.year == data.year,
            RoyaltyStatement.quarter == data.quarter,
        )
    ).first()
    if existing is not None:
        raise Conflict(
            f"quarter: a royalty statement for {label(data.year, data.quarter)} already exists"
        )
    fields = data.model_dump(include=set(USER_FIELDS))
    inputs = _inputs(session, view, agreement, data.year, data.quarter, fields)
    item = RoyaltyStatement(
        alliance_id=view.alliance_id,
        owner_org_id=view.org_id,
        visibility="private",  # the licensee's working paper until submitted
        agreement_id=agreement.id,
        year=data.year,
        quarter=data.quarter,
        currency=agreement.currency,
        status="draft",
        created_by_id=view.principal.user_id,
    )
    _apply(item, inputs)
    session.add(item)
    session.flush()
    audit_record(
        session,
        view,
        item,
        "royalty_statement",
        "royalty_statement.create",
        new={
            "agreement_id": agreement.id,
            "year": item.year,
            "quarter": item.quarter,
            "currency": item.currency,
            **_summary(item),
        },
    )
    return item


def _editable(
    session: Session,
    view: AllianceView,
    statement_id: uuid.UUID,
    expected_version: int | None,
) -> tuple[RoyaltyStatement, Agreement]:
    item = get_statement(session, view, statement_id, lock=True)
    view.require("finance.write")
    agreement = agreement_of(session, view, item)
    _require_licensee(view, agreement)
    check_version(expected_version, item.version)
    if item.status not in EDITABLE:
        raise Conflict(f"status: a {item.status} statement cannot be changed")
    return item, agreement


def _save(
    session: Session,
    view: AllianceView,
    item: RoyaltyStatement,
    agreement: Agreement,
    fields: dict[str, Any],
    action: str,
) -> RoyaltyStatement:
    old = _summary(item)
    inputs = _inputs(session, view, agreement, item.year, item.quarter, fields)
    _apply(item, inputs)
    item.status = "draft"
    item.version += 1
    item.updated_at = utcnow()
    session.flush()
    audit_record(session, view, item, "royalty_statement", action, old=old, new=_summary(item))
    return item


def update(
    session: Session,
    view: AllianceView,
    statement_id: uuid.UUID,
    data: RoyaltyUpdate,
    *,
    expected_version: int | None,
) -> RoyaltyStatement:
    """Correct a draft or rejected statement (it is recomputed and becomes a draft)."""
    item, agreement = _editable(session, view, statement_id, expected_version)
    changes = data.model_dump(exclude_unset=True)
    reject_nulls(changes, nullable=("third_party_currency",))
    fields = {k: item.inputs[k] for k in USER_FIELDS} | changes
    return _save(session, view, item, agreement, fields, "royalty_statement.update")


def parse_file(
    session: Session,
    view: AllianceView,
    agreement: Agreement,
    year: int,
    quarter: int,
    content: bytes,
    filename: str,
) -> list[dict[str, Any]]:
    """Sales lines from an uploaded CSV/XLSX (columns country, product, net_sales,
    currency); any problem rejects the file with a per-row report (:class:`RowsRejected`)."""
    if len(content) > MAX_UPLOAD:
        raise ValidationFailed("file", f"must be at most {limit_text(MAX_UPLOAD)}")
    rates = fx_service.agreed_rates(session, view, year, quarter, agreement.currency)
    try:
        lines = parse_sales_lines(
            content,
            filename=filename,
            target=agreement.currency,
            accepted=set(rates),
            period=label(year, quarter),
        )
    except ImportRejected as exc:
        raise RowsRejected(exc.errors) from exc
    if len(lines) > MAX_LINES:
        raise ValidationFailed("file", f"must have at most {MAX_LINES:,} lines")
    return [
        {
            "country": ln.country,
            "product": ln.product,
            "net_sales": ln.net_sales,
            "currency": ln.currency,
        }
        for ln in lines
    ]


def import_lines(
    session: Session,
    view: AllianceView,
    statement_id: uuid.UUID,
    content: bytes,
    filename: str,
    *,
    expected_version: int | None,
) -> RoyaltyStatement:
    """Replace a draft's sales lines with an imported file (all or nothing)."""
    item, agreement = _editable(session, view, statement_id, expected_version)
    lines = parse_file(session, view, agreement, item.year, item.quarter, content, filename)
    fields = {k: item.inputs[k] for k in USER_FIELDS} | {"lines": lines}
    return _save(session, view, item, agreement, fields, "royalty_statement.import")


def submit(
    session: Session, view: AllianceView, statement_id: uuid.UUID, *, expected_version: int | None
) -> RoyaltyStatement:
    """Send the statement to the licensor; it is recomputed with the agreed rates and the
    approved earlier quarters first."""
    item, agreement = _editable(session, view, statement_id, expected_version)
    earlier = _earlier(session, view, agreement, item.year, item.quarter)
    if earlier and earlier[-1].status != "approved":
        raise Conflict(
            f"status: the {label(item.year, earlier[-1].quarter)} statement must be approved "
            "before this one is submitted"
        )
    old = _summary(item)
    fields = {k: item.inputs[k] for k in USER_FIELDS}
    _apply(item, _inputs(session, view, agreement, item.year, item.quarter, fields))
    item.status = "submitted"
    item.note = ""
    item.decided_by_id = None
    item.decided_at = None
    item.version += 1
    item.updated_at = utcnow()
    first = item.visibility == "private"
    item.visibility = "shared"
    session.flush()
    audit_record(
        session,
        view,
        item,
        "royalty_statement",
        "royalty_statement.submit",
        old=None if first else old,  # the draft's own states stay in the licensee's chain
        new={**_summary(item), **(shared_from_now(item) if first else {})},
    )
    return item


def _decidable(
    session: Session,
    view: AllianceView,
    statement_id: uuid.UUID,
    expected_version: int | None,
) -> tuple[RoyaltyStatement, Agreement]:
    item = get_statement(session, view, statement_id, lock=True)
    agreement = agreement_of(session, view, item)
    licensor = role_of(agreement, view.org_id) == "licensor"
    check_decidable(view, item, expected_version, decider=licensor, who="the licensor")
    return item, agreement


def approve(
    session: Session, view: AllianceView, statement_id: uuid.UUID, *, expected_version: int | None
) -> tuple[RoyaltyStatement, Invoice | None]:
    """Approve and invoice the royalty (no invoice when it is zero)."""
    item, agreement = _decidable(session, view, statement_id, expected_version)
    if not reproducible(item):  # pragma: no cover - a guard against tampered rows
        raise Conflict("result: the stored working does not match its inputs; recompute it")
    invoice = None
    if item.total > 0:
        invoice = invoices.issue_invoice(
            session,
            view,
            source_type="royalty",
            source_id=item.id,
            description=f"Royalties {label(item.year, item.quarter)} under {agreement.title}",
            payer_org_id=agreement.licensee_org_id,
            payee_org_id=agreement.licensor_org_id,
            amount=item.total,
            currency=item.currency,
            payment_days=int(_stored(item)["payment_days"]),
        )
    record_decision(session, view, item, "royalty_statement", invoice=invoice)
    return item, invoice


def reject(
    session: Session,
    view: AllianceView,
    statement_id: uuid.UUID,
    data: Rejection,
    *,
    expected_version: int | None,
) -> RoyaltyStatement:
    """Send the statement back with a reason; the licensee corrects and resubmits it."""
    item, _agreement = _decidable(session, view, statement_id, expected_version)
    record_decision(session, view, item, "royalty_statement", reason=data.reason)
    return item


def chain_changed(session: Session, view: AllianceView, item: RoyaltyStatement) -> bool:
    """A draft whose earlier quarters changed since it was computed (shown as a notice)."""
    if item.status not in EDITABLE:
        return False
    agreement = agreement_of(session, view, item)
    try:
        ytd, credit = carried_in(_earlier(session, view, agreement, item.year, item.quarter))
    except Conflict:
        return True
    return (ytd, credit) != (num(item.inputs["ytd_before"]), num(item.inputs["credit_before"]))
