"""Every derived figure, as pure functions on Decimal. No I/O, no floats.

Sign conventions (DESIGN.md §3): revenue is positive, costs negative, net = revenue + costs.
Each function's docstring is its definition; the README's "How figures are computed" repeats
them for readers who do not read code.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

ZERO = Decimal(0)
HUNDRED = Decimal(100)

# How many kronor one unit is.
UNIT_FACTORS: dict[str, Decimal] = {"kr": Decimal(1), "tkr": Decimal(1000), "mkr": Decimal(10**6)}

POSSIBLE_RISK_INDEXES = frozenset(a * b for a in range(1, 5) for b in range(1, 5))


def vp_change(this_year: Decimal, last_year: Decimal) -> Decimal:
    """VP "Förändring" = |this year| − |last year|.

    Positive means the line grew: more revenue, or more cost. This is the convention of the
    source documents' cost and net rows; their revenue rows printed the sign wrongly.
    """
    return abs(this_year) - abs(last_year)


def budget_deviation(outcome: Decimal, budget: Decimal) -> Decimal:
    """ÅR "Budgetavvikelse" = outcome − budget, on signed values: positive is better than budget
    (more revenue, or a smaller cost)."""
    return outcome - budget


def forecast_deviation(outcome: Decimal, forecast: Decimal) -> Decimal:
    """ÅR "Prognosavvikelse" = outcome − last forecast, on signed values: positive is better
    than forecast. (The source documents used three definitions; this is the one snplan uses.)"""
    return outcome - forecast


def percent_change(this_year: Decimal, last_year: Decimal) -> Decimal | None:
    """"% 23/22" = (outcome(y) / outcome(y−1) − 1) × 100, on signed values.

    For a cost (negative) that grew, both are negative and the result is positive. None when
    last year is zero: there is no percentage of nothing.
    """
    if last_year == ZERO:
        return None
    return (this_year / last_year - 1) * HUNDRED


def net(revenue: Decimal, costs: Decimal) -> Decimal:
    """Net = revenue + costs (costs are negative, so a net cost is negative)."""
    return revenue + costs


def total(values: Iterable[Decimal]) -> Decimal:
    """The sum of a breakdown, from unrounded values."""
    return sum(values, ZERO)


def convert(amount: Decimal, from_unit: str, to_unit: str) -> Decimal:
    """Convert between kr, tkr and mkr exactly (no rounding)."""
    return amount * UNIT_FACTORS[from_unit] / UNIT_FACTORS[to_unit]


def round_half_up(value: Decimal, places: int) -> Decimal:
    """Round for display only: half away from zero, as people round by hand (2,45 → 2,5)."""
    return value.quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP)


def risk_index(likelihood: int, consequence: int) -> int:
    """Risk index = likelihood × consequence, each on a scale 1–4, so 1…16."""
    for name, value in (("likelihood", likelihood), ("consequence", consequence)):
        if not 1 <= value <= 4:
            raise ValueError(f"{name} must be 1–4, got {value}")
    return likelihood * consequence


def percentage_points(this_year: Decimal, last_year: Decimal) -> Decimal:
    """Change of a percentage (sick leave) in percentage points: this year − last year."""
    return this_year - last_year


def headcount_change(this_year: int, last_year: int) -> int:
    """Change of a count (employees, women, men): this year − last year."""
    return this_year - last_year


def annual_sum(series: Sequence[Decimal]) -> Decimal:
    """Annual figure of a measure that adds up over the months (care days)."""
    return total(series)


def annual_mean(series: Sequence[Decimal]) -> Decimal:
    """Annual figure of a measure counted per month (people, households, kronor): the mean
    of the months."""
    if not series:
        raise ValueError("an empty series has no mean")
    return total(series) / len(series)


def annual_figure(series: Sequence[Decimal], aggregation: str) -> Decimal:
    """The annual figure of a monthly series by its declared aggregation ('summa' or 'medel')."""
    if aggregation == "summa":
        return annual_sum(series)
    if aggregation == "medel":
        return annual_mean(series)
    raise ValueError(f"unknown aggregation {aggregation!r}")


def latest_month(series: Sequence[Decimal | None]) -> tuple[int, Decimal] | None:
    """The last month that has a value, as (month number 1–12, value)."""
    for index in range(len(series) - 1, -1, -1):
        value = series[index]
        if value is not None:
            return index + 1, value
    return None


def decimals_of(value: Decimal) -> int:
    """How many decimals a figure was written with (51.0 → 1, 2077 → 0)."""
    exponent = value.as_tuple().exponent
    return max(0, -exponent) if isinstance(exponent, int) else 0


def rounding_tolerance(rows: int, decimals: int) -> Decimal:
    """How far a printed total may lie from the sum of its printed rows when every row was
    rounded on its own: half a unit of the last digit per row (DESIGN.md §2)."""
    return Decimal(rows) * Decimal("0.5") * Decimal(1).scaleb(-decimals)


@dataclass(frozen=True)
class Total:
    """A total of a breakdown: the value shown, the sum of the rows, and whether the value is a
    printed total entered beside rounded rows."""

    value: Decimal
    row_sum: Decimal
    entered: bool
    tolerance: Decimal

    @property
    def within_tolerance(self) -> bool:
        return abs(self.value - self.row_sum) <= self.tolerance


def resolve_total(rows: Sequence[Decimal], entered: Decimal | None) -> Total:
    """The total of a breakdown: the entered printed total when there is one (it is then
    checked against the sum within the rounding tolerance), otherwise the sum of the rows."""
    row_sum = total(rows)
    if entered is None:
        return Total(row_sum, row_sum, False, ZERO)
    places = max([decimals_of(entered), *(decimals_of(r) for r in rows)])
    return Total(entered, row_sum, True, rounding_tolerance(len(rows), places))
