"""The deal file: a YAML or JSON description of an asset and a deal's terms.

Validated by pydantic; every error names its path and rule, e.g.
``asset.phases[2].probability: must be between 0 and 1, got 1.2``.
Money is in the file's currency unit; rates and shares are fractions (0.08 = 8%).
"""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Annotated, Any, Literal

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, ValidationError, model_validator

from pactum.valuation.defaults import PHASES, TRANSITIONS
from pactum.valuation.documents import DocumentError, load_json, load_yaml

PhaseName = Literal["preclinical", "phase1", "phase2", "phase3", "regulatory"]


def _fraction(value: float) -> float:
    if not 0.0 <= value <= 1.0:
        raise ValueError(f"must be between 0 and 1, got {value}")
    return value


def _non_negative(value: float) -> float:
    if value < 0:
        raise ValueError(f"must not be negative, got {value}")
    return value


def _positive(value: float) -> float:
    if value <= 0:
        raise ValueError(f"must be greater than 0, got {value}")
    return value


def _at_most(limit: float) -> AfterValidator:
    def check(value: float) -> float:
        if value > limit:
            raise ValueError(f"must be at most {limit:g}, got {value:g}")
        return value

    return AfterValidator(check)


# Bounds keep every valid deal computable (no overflow to infinity in a cash flow).
MAX_MONEY = 1e13
MAX_YEARS = 60.0
# The same range as every other date of Pactum (the engine imports nothing of it).
FIRST_YEAR, LAST_YEAR = 1900, 2200


def _sane_date(value: date) -> date:
    if not FIRST_YEAR <= value.year <= LAST_YEAR:
        raise ValueError(f"must be between {FIRST_YEAR}-01-01 and {LAST_YEAR}-12-31")
    return value


Fraction = Annotated[float, AfterValidator(_fraction)]
Money = Annotated[float, AfterValidator(_non_negative), _at_most(MAX_MONEY)]
Years = Annotated[float, AfterValidator(_positive), _at_most(MAX_YEARS)]
NonNegativeYears = Annotated[float, AfterValidator(_non_negative), _at_most(MAX_YEARS)]


class Strict(BaseModel):
    """Unknown keys are errors (a typo must not silently change a valuation)."""

    model_config = ConfigDict(extra="forbid", allow_inf_nan=False)


class Phase(Strict):
    """One development phase; omitted values take the therapeutic area's defaults."""

    name: PhaseName
    probability: Fraction | None = None
    duration_years: Years | None = None
    cost: Money | None = Field(default=None, description="total, spread evenly over the phase")
    cost_per_year: Money | None = None
    probability_range: tuple[Fraction, Fraction] | None = Field(
        default=None, description="Monte Carlo: probability drawn uniformly in [low, high]"
    )

    @model_validator(mode="after")
    def _check(self) -> Phase:
        if self.cost is not None and self.cost_per_year is not None:
            raise ValueError("give cost or cost_per_year, not both")
        if self.probability_range and self.probability_range[0] > self.probability_range[1]:
            raise ValueError("probability_range: low must not exceed high")
        return self


class Triangular(Strict):
    """A triangular multiplier (e.g. on phase durations)."""

    low: Annotated[float, AfterValidator(_positive), _at_most(10.0)]
    mode: Annotated[float, AfterValidator(_positive), _at_most(10.0)]
    high: Annotated[float, AfterValidator(_positive), _at_most(10.0)]

    @model_validator(mode="after")
    def _order(self) -> Triangular:
        if not self.low <= self.mode <= self.high:
            raise ValueError(f"need low <= mode <= high, got {self.low}, {self.mode}, {self.high}")
        return self


class Commercial(Strict):
    """Sales after approval."""

    peak_sales: Money
    peak_sales_sigma: Annotated[float, AfterValidator(_non_negative), _at_most(3.0)] = Field(
        default=0.0, description="Monte Carlo: lognormal sigma of peak sales (median = peak)"
    )
    ramp_years: Years = 5.0
    ramp_shape: Literal["linear", "s_curve"] = "linear"
    loe_year: int = Field(
        ge=FIRST_YEAR, le=LAST_YEAR, description="calendar year exclusivity is lost (patent expiry)"
    )
    post_loe_erosion: Fraction = 0.8
    launch_cost: Money = 0.0
    cogs: Fraction = 0.10
    sga: Fraction = 0.25
    tax_rate: Fraction = 0.21


class Asset(Strict):
    """The development programme and its market."""

    therapeutic_area: str = "all"
    current_phase: PhaseName = "phase1"
    phases: list[Phase] = Field(default_factory=list)
    duration_uncertainty: Triangular | None = None
    commercial: Commercial

    @model_validator(mode="after")
    def _phases(self) -> Asset:
        if self.therapeutic_area not in TRANSITIONS:
            known = ", ".join(sorted(TRANSITIONS))
            raise ValueError(f"therapeutic_area: unknown {self.therapeutic_area!r}; use {known}")
        expected = list(PHASES[PHASES.index(self.current_phase) :])
        given = [p.name for p in self.phases]
        if given and given != expected:
            raise ValueError(
                f"phases: must be {expected} in order (from current_phase), got {given}"
            )
        return self


class Instalment(Strict):
    """Part of the upfront, paid ``at_years`` after the valuation date."""

    amount: Money
    at_years: NonNegativeYears = 0.0


class Milestone(Strict):
    """Paid by the licensee when the gate at the end of phase ``gate`` is passed."""

    gate: PhaseName
    amount: Money


class SalesMilestone(Strict):
    """Paid once, at the end of the first year whose net sales reach ``threshold``."""

    threshold: Money
    amount: Money


class Tier(Strict):
    """A royalty rate applying from an annual net-sales level upward."""

    from_sales: Money = Field(alias="from")
    rate: Fraction

    model_config = ConfigDict(extra="forbid", populate_by_name=True)


class ThirdPartyOffset(Strict):
    """Deduct ``creditable`` of third-party royalties (``third_party_rate`` of sales)."""

    type: Literal["third_party_offset"]
    third_party_rate: Fraction
    creditable: Fraction = 0.5
    max_reduction: Fraction = Field(
        default=1.0, description="the offset never removes more than this share of the royalty"
    )


class LoeStepDown(Strict):
    """Reduce the royalty on sales after loss of exclusivity by ``reduction``."""

    type: Literal["loe_step_down"]
    reduction: Fraction


class Royalties(Strict):
    """Tiered royalties on annual net sales, reductions in contract order, then a floor."""

    mode: Literal["marginal", "whole_sales"] = "marginal"
    tiers: list[Tier] = Field(min_length=1)
    reductions: list[Annotated[ThirdPartyOffset | LoeStepDown, Field(discriminator="type")]] = (
        Field(default_factory=list)
    )
    floor: Fraction = 0.0

    @model_validator(mode="after")
    def _tiers(self) -> Royalties:
        starts = [t.from_sales for t in self.tiers]
        if starts[0] != 0 or starts != sorted(starts) or len(set(starts)) != len(starts):
            raise ValueError("tiers: must start at 0 and rise strictly")
        return self


class OptIn(Strict):
    """A right to opt in after a gate: the holder pays ``fee`` to the other party and
    cost sharing (for later phases) and/or a profit split switch on."""

    holder: Literal["licensor", "licensee"] = "licensor"
    after: PhaseName = Field(description="the phase whose successful readout opens the option")
    fee: Money
    cost_share: Fraction | None = Field(
        default=None, description="licensor's share of each later phase's cost once exercised"
    )
    profit_split: Fraction | None = Field(
        default=None, description="licensor's share of commercial profit once exercised"
    )

    @model_validator(mode="after")
    def _switches(self) -> OptIn:
        if self.cost_share is None and self.profit_split is None:
            raise ValueError("an opt-in must switch on cost_share, profit_split or both")
        return self


class DiscountRates(Strict):
    """A cost of capital per party (without technical risk)."""

    licensor: Fraction = 0.10
    licensee: Fraction = 0.10
    total: Fraction | None = Field(default=None, description="default: the licensee's rate")


class Terms(Strict):
    """What the licensee pays the licensor, and who bears which costs."""

    upfront: list[Instalment] = Field(default_factory=list)
    milestones: list[Milestone] = Field(default_factory=list)
    sales_milestones: list[SalesMilestone] = Field(default_factory=list)
    royalties: Royalties | None = None
    licensor_cost_share: dict[PhaseName, Fraction] = Field(default_factory=dict)
    profit_split: Fraction | None = Field(
        default=None, description="licensor's share of commercial profit (replaces royalties)"
    )
    opt_in: OptIn | None = None


class Simulation(Strict):
    """Monte Carlo defaults (the command line may override them)."""

    trials: Annotated[int, Field(ge=1, le=100_000_000)] = 100_000
    seed: Annotated[int, Field(ge=0, le=2**63 - 1)] = 1


class DealFile(Strict):
    """A whole deal file."""

    name: str = "Unnamed deal"
    currency: Annotated[str, Field(pattern=r"^[A-Z]{3}$")] = "USD"
    valuation_date: Annotated[date, AfterValidator(_sane_date)]
    horizon_years: Annotated[int, Field(ge=1, le=60)] = 20
    convention: Literal["mid", "end", "begin"] = "mid"
    discount_rate: DiscountRates = Field(default_factory=DiscountRates)
    asset: Asset
    terms: Terms = Field(default_factory=Terms)
    simulation: Simulation = Field(default_factory=Simulation)

    @model_validator(mode="after")
    def _opt_in_gate(self) -> DealFile:
        opt_in = self.terms.opt_in
        if opt_in is not None:
            ahead = PHASES[PHASES.index(self.asset.current_phase) :]
            if opt_in.after not in ahead:
                raise ValueError(
                    f"terms.opt_in.after: {opt_in.after} is not ahead of the asset "
                    f"(current phase {self.asset.current_phase})"
                )
        return self


class DealFileError(ValueError):
    """A deal file that cannot be read; ``problems`` lists ``path: rule`` lines."""

    def __init__(self, problems: list[str]) -> None:
        super().__init__("\n".join(problems))
        self.problems = problems


def _path(loc: tuple[Any, ...]) -> str:
    out = ""
    for part in loc:
        if isinstance(part, int):
            out += f"[{part}]"
        elif part in {"function-after[_fraction(), float]", "tagged-union"}:
            continue
        else:
            out += f".{part}" if out else str(part)
    return out or "(file)"


def format_errors(exc: ValidationError) -> list[str]:
    """``path: rule`` for each validation problem."""
    lines = []
    for err in exc.errors(include_url=False):
        loc = tuple(p for p in err["loc"] if not (isinstance(p, str) and "[" in p and "(" in p))
        message = str(err["msg"]).removeprefix("Value error, ")
        if err["type"] == "extra_forbidden":
            message = "unknown key (check the spelling)"
        elif err["type"] == "missing":
            message = "is required"
        lines.append(f"{_path(loc)}: {message}")
    return lines


def parse(data: Any) -> DealFile:
    """Validate already-loaded data."""
    try:
        return DealFile.model_validate(data)
    except ValidationError as exc:
        raise DealFileError(format_errors(exc)) from exc


def load(path: Path | str) -> DealFile:
    """Read a YAML (.yaml/.yml) or JSON deal file."""
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as exc:
        raise DealFileError([f"(file): cannot read {path}: {exc.strerror}"]) from exc
    try:
        data = load_json(text) if path.suffix == ".json" else load_yaml(text)
    except DocumentError as exc:
        raise DealFileError([f"(file): {exc}"]) from exc
    return parse(data)


def json_schema() -> dict[str, Any]:
    """The deal file's JSON Schema."""
    return DealFile.model_json_schema(by_alias=True)
