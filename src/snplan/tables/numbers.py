"""Numbers as the documents hold them: exact Decimal arithmetic, the unit conversion, rounding
for display (half up, at display time only), how many decimals a figure was written with, and
an entered total checked against its rows within the rounding tolerance (DESIGN.md §2).
Every computed figure's own definition is in `ops`."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

ZERO = Decimal(0)
HUNDRED = Decimal(100)

# How many kronor one unit is.
UNIT_FACTORS: dict[str, Decimal] = {"kr": Decimal(1), "tkr": Decimal(1000), "mkr": Decimal(10**6)}


def convert(amount: Decimal, from_unit: str, to_unit: str) -> Decimal:
    """Convert between kr, tkr and mkr exactly (no rounding)."""
    return amount * UNIT_FACTORS[from_unit] / UNIT_FACTORS[to_unit]


def round_half_up(value: Decimal, places: int) -> Decimal:
    """Round for display only: half away from zero, as people round by hand (2,45 → 2,5)."""
    return value.quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP)


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
    row_sum = sum(rows, ZERO)
    if entered is None:
        return Total(row_sum, row_sum, False, ZERO)
    places = max([decimals_of(entered), *(decimals_of(r) for r in rows)])
    return Total(entered, row_sum, True, rounding_tolerance(len(rows), places))
