"""Swedish display of figures: half-up rounding, a no-break space between thousands, a comma
as the decimal mark, a plain minus; and the same text as Babel's own formatting of the
locale's pattern for any figure (number() asks Babel only for the separators)."""

from __future__ import annotations

from decimal import Decimal as D

from babel import Locale
from babel.numbers import parse_pattern
from hypothesis import given
from hypothesis import strategies as st

from snplan.tables.format import LOCALE, MINUS, amount, number, percent
from snplan.tables.numbers import round_half_up


def test_figures_as_the_documents_print_them() -> None:
    assert number(D("2077"), 0) == "2\xa0077"
    assert number(D("226.25"), 1) == "226,3"  # half up, not to even
    assert number(D("2.45"), 1) == "2,5"
    assert number(D("-0.04"), 1) == "0,0"  # no "-0,0"
    assert number(D("-1234567.891"), 2) == "-1\xa0234\xa0567,89"
    assert number(D("51.0")) == "51,0"  # as written
    assert number(D("0.4"), 1, signed=True) == "+0,4"
    assert number(None) == "–"
    assert amount(D("-12.34"), "mkr", with_unit=True) == "-12,3 mkr"
    assert amount(D("9842.5"), "tkr") == "9\xa0843"
    assert percent(D("-0.35")) == "-0,4 %"


@given(st.decimals(min_value=D("-1e15"), max_value=D("1e15"), allow_nan=False,
                   allow_infinity=False, places=4),
       st.integers(min_value=0, max_value=4))
def test_the_same_text_as_babels_pattern(value: D, places: int) -> None:
    rounded = round_half_up(value, places)
    if rounded == 0:
        rounded = abs(rounded)
    pattern = parse_pattern("#,##0" + ("." + "0" * places if places else ""))
    by_babel = pattern.apply(rounded, Locale.parse(LOCALE), decimal_quantization=True)
    assert number(value, places) == by_babel.replace("\u2212", MINUS)
