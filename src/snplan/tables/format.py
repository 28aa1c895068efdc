"""Swedish display formatting of figures: "226,2", "2 077", "−0,4 %".

Rounding is half up and happens here, at display time only (Babel itself rounds half to
even, so values are quantised before they reach it). Babel's sv_SE locale supplies the
separators: a no-break space between thousands and a comma as the decimal mark.
"""

from __future__ import annotations

from decimal import Decimal
from functools import lru_cache

from .numbers import decimals_of, round_half_up

LOCALE = "sv_SE"
MINUS = "-"


@lru_cache(maxsize=1)
def _separators() -> tuple[str, str]:
    """The locale's group and decimal symbols, as Babel gives them."""
    from babel.numbers import get_decimal_symbol, get_group_symbol

    return get_group_symbol(LOCALE), get_decimal_symbol(LOCALE)


def number(value: Decimal | int | None, decimals: int | None = None, *,
           empty: str = "–", signed: bool = False) -> str:
    """A figure in Swedish format with `decimals` decimals (default: as written).

    `signed` puts a "+" before positive values (changes and deviations).

    The pattern is the locale's "#,##0.0…" (groups of three, the given decimals), which is
    what Python's own format of a Decimal does with "," grouping; the separators are the
    locale's (tests/test_format.py holds the text equal to Babel's formatting of the
    pattern). Babel's formatting cost 27 µs a figure (a locale look-up for every symbol), a
    tenth of an annual report's build.
    """
    if value is None:
        return empty
    value = Decimal(value)
    places = decimals_of(value) if decimals is None else decimals
    rounded = round_half_up(value, places)
    if rounded == 0:
        rounded = abs(rounded)  # no "-0,0"
    group, point = _separators()
    text = f"{rounded:,.{places}f}".translate({ord(","): group, ord("."): point})
    if signed and rounded > 0:
        text = "+" + text
    return text


def amount(value: Decimal | None, unit: str = "mkr", *, with_unit: bool = False,
           empty: str = "–", decimals: int | None = None) -> str:
    """An amount in the organisation's unit: with `decimals` decimals, by default one for
    mkr and none for tkr and kr."""
    if decimals is None:
        decimals = 1 if unit == "mkr" else 0
    text = number(value, decimals, empty=empty)
    return f"{text} {unit}" if with_unit and value is not None else text


def percent(value: Decimal | None, decimals: int = 1, *, empty: str = "") -> str:
    """A percentage given in percent (0.93 → "0,9 %")."""
    if value is None:
        return empty
    return f"{number(value, decimals)} %"
