"""The agreement's terms, read with the valuation engine's model, turned into what the
bookkeeping needs (royalty clause, milestone list)."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pydantic

from pactum.core.errors import ValidationFailed
from pactum.finance.money import to_cents
from pactum.finance.royalty import RoyaltyTerms, StepDown, ThirdPartyOffset, Tier
from pactum.valuation.schema import LoeStepDown, Terms


def parse_terms(data: dict[str, Any], field: str = "terms") -> Terms:
    """Validated terms, or a field error per problem (``terms.<path>``)."""
    try:
        return Terms.model_validate(data)
    except pydantic.ValidationError as exc:
        pairs = []
        for err in exc.errors(include_url=False):
            path = "".join(f"[{p}]" if isinstance(p, int) else f".{p}" for p in err["loc"])
            msg = str(err["msg"]).removeprefix("Value error, ")
            pairs.append((f"{field}{path}", msg[:1].lower() + msg[1:]))
        raise ValidationFailed(pairs[0][0], pairs[0][1], more=pairs[1:]) from exc


def _dec(value: float) -> Decimal:
    """A float from the terms file as the exact decimal it was written as."""
    return Decimal(repr(value))


def royalty_terms(terms: Terms) -> RoyaltyTerms | None:
    """The royalty clause for statements (``None`` when the agreement has no royalties)."""
    clause = terms.royalties
    if clause is None:
        return None
    reductions: list[ThirdPartyOffset | StepDown] = []
    for item in clause.reductions:
        if isinstance(item, LoeStepDown):
            reductions.append(StepDown(_dec(item.reduction)))
        else:
            reductions.append(ThirdPartyOffset(_dec(item.creditable), _dec(item.max_reduction)))
    return RoyaltyTerms(
        tiers=tuple(Tier(_dec(t.from_sales), _dec(t.rate)) for t in clause.tiers),
        mode=clause.mode,
        reductions=tuple(reductions),
        floor=_dec(clause.floor),
    )


PHASE_EVENTS = {
    "preclinical": "Start of preclinical development",
    "phase1": "Successful completion of Phase 1",
    "phase2": "Successful completion of Phase 2",
    "phase3": "Successful completion of Phase 3",
    "regulatory": "Regulatory approval",
}


def payable_events(terms: Terms) -> list[tuple[str, Decimal]]:
    """(event, amount to the cent) the licensee owes the licensor under the terms: upfront
    instalments, development/regulatory milestones and sales milestones."""
    events: list[tuple[str, Decimal]] = []
    for i, item in enumerate(terms.upfront, start=1):
        label = "Upfront payment" if len(terms.upfront) == 1 else f"Upfront instalment {i}"
        events.append((label, to_cents(_dec(item.amount))))
    for milestone in terms.milestones:
        events.append((PHASE_EVENTS[milestone.gate], to_cents(_dec(milestone.amount))))
    for sales in terms.sales_milestones:
        events.append(
            (
                f"Annual net sales first reach {_dec(sales.threshold):,}",
                to_cents(_dec(sales.amount)),
            )
        )
    return events
