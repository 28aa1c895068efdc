"""The arithmetic of derived figures — the table engine's one definition of each (`tables.ops`)
and its numbers (`tables.numbers`) — with figures from the source documents and properties
that must hold for any input."""

from __future__ import annotations

from decimal import Decimal as D

import pytest
from hypothesis import given
from hypothesis import strategies as st

from snplan.tables import numbers
from snplan.tables.format import amount, number, percent
from snplan.tables.ops import Context, annual_figure, compute

ABSOLUTE = Context(change="absolut")
SIGNED = Context(change="signerad")
EXPENDITURE = Context(expenditure_positive=True)


def vp_change(this: D, last: D) -> D | None:
    """VP "Förändring" in Solna's convention: |this| − |last|."""
    return compute("forandring", [this, last], ABSOLUTE)


def deviation(outcome: D, reference: D) -> D | None:
    """ÅR "Budgetavvikelse" and "Prognosavvikelse": outcome − reference, signed."""
    return compute("avvikelse", [outcome, reference], SIGNED)


def percent_change(this: D, last: D) -> D | None:
    """ÅR "% 23/22" on last year's base."""
    return compute("procent", [this, last], ABSOLUTE)

amounts = st.decimals(min_value=D("-1e9"), max_value=D("1e9"), places=1,
                      allow_nan=False, allow_infinity=False)


def test_vp_change_follows_the_absolute_convention() -> None:
    # VP 2022: revenue 42,4 against 47,9 is −5,5 (the source printed "5,5", DESIGN.md §7)
    assert vp_change(D("42.4"), D("47.9")) == D("-5.5")
    # VP 2020: revenue 48,5 against 56,8 is −8,3 (the source printed "8,3")
    assert vp_change(D("48.5"), D("56.8")) == D("-8.3")
    # costs −268,6 against −277,7: less cost, −9,1; net −226,2 against −229,8: −3,6
    assert vp_change(D("-268.6"), D("-277.7")) == D("-9.1")
    assert vp_change(D("-226.2"), D("-229.8")) == D("-3.6")
    # VP 2020, "Stab och central ledning": −18,1 against −23 is −4,9
    assert vp_change(D("-18.1"), D("-23")) == D("-4.9")


def test_deviations_are_outcome_minus_plan() -> None:
    # ÅR 2023: revenue 51,0 against budget 42,2 is +8,8; costs −249,9 against −269,6 is +19,7
    assert deviation(D("51.0"), D("42.2")) == D("8.8")
    assert deviation(D("-249.9"), D("-269.6")) == D("19.7")
    # net −198,8 against −227,4 is +28,6 (the source's 28,5 came from unprinted ledger figures)
    assert deviation(D("-198.8"), D("-227.4")) == D("28.6")
    # forecast deviation on signed values: −198,8 against forecast −203,3 is +4,5, which is
    # the figure the report's prose gives ("avviker ... med 4,5 mkr")
    assert deviation(D("-198.8"), D("-203.3")) == D("4.5")


def test_percent_change_on_signed_values() -> None:
    # ÅR 2023 "% 23/22": costs 0,9 %, net −0,4 %, revenue 6,0 % (the source printed 6,2 %)
    assert percent(percent_change(D("-249.9"), D("-247.6"))) == "0,9 %"
    assert percent(percent_change(D("-198.8"), D("-199.6"))) == "-0,4 %"
    assert percent(percent_change(D("51.0"), D("48.1"))) == "6,0 %"
    assert percent_change(D(5), D(0)) is None


def test_net_and_totals() -> None:
    assert compute("summa", [D("42.4"), D("-268.6")], SIGNED) == D("-226.2")
    assert compute("summa", [D("-17.3"), D("-72.9"), D("-47.4"), D("-88.6")], SIGNED) \
        == D("-226.2")
    assert compute("summa", [D("42.4"), None], SIGNED) is None  # an unknown part: unknown


def test_unit_conversion() -> None:
    assert numbers.convert(D("226.2"), "mkr", "tkr") == D("226200")
    assert numbers.convert(D("1500"), "kr", "tkr") == D("1.5")


def test_display_rounding_is_half_up() -> None:
    assert numbers.round_half_up(D("0.25"), 1) == D("0.3")
    assert numbers.round_half_up(D("-0.25"), 1) == D("-0.3")
    assert numbers.round_half_up(D("2.449"), 1) == D("2.4")


def test_risk_index() -> None:
    # likelihood × consequence, each 1–4 (the outline allows only those): 3 × 4 = 12, and the
    # only products are 1, 2, 3, 4, 6, 8, 9, 12, 16
    assert compute("produkt", [D(3), D(4)], SIGNED) == D(12)
    products = {compute("produkt", [D(a), D(b)], SIGNED) for a in range(1, 5)
                for b in range(1, 5)}
    assert products == {D(v) for v in (1, 2, 3, 4, 6, 8, 9, 12, 16)}


def test_monthly_aggregates() -> None:
    # ÅR 2023, households with payments 2023: 93+95+103+84+92+80+87+88+90+90+109+114 = 1125
    series = [D(v) for v in (93, 95, 103, 84, 92, 80, 87, 88, 90, 90, 109, 114)]
    assert annual_figure(series, "summa") == D(1125)
    assert annual_figure(series, "medel") == D("93.75")
    with pytest.raises(ValueError):
        annual_figure([], "medel")


def test_personnel_changes() -> None:
    # ÅR 2023: 221 against 218 employees is +3; sick leave 8,5 % against 10,2 % is −1,7 points
    assert compute("differens", [D(221), D(218)], SIGNED) == D(3)
    assert compute("differens", [D("8.5"), D("10.2")], SIGNED) == D("-1.7")


def test_expenditure_written_positive() -> None:
    # ÅR 2023 investments: 0,0 spent of a 0,1 forecast is 0,1 better (reference − outcome)
    assert compute("avvikelse", [D("0.0"), D("0.1")], EXPENDITURE) == D("0.1")


def test_shares_and_quotients() -> None:
    # exempelby: an average cost per care day of 7 894 tkr over 2 920 days is 2,703 tkr a day
    assert round(compute("kvot", [D(7894), D(2920)], SIGNED), 3) == D("2.703")
    assert compute("andel", [D("28.6"), D("227.4")], SIGNED).quantize(D("0.1")) == D("12.6")
    assert compute("kvot", [D(1), D(0)], SIGNED) is None  # no share of nothing


def test_rounded_totals_and_their_tolerance() -> None:
    # ÅR 2023 revenue rows 4,4 + 6,9 + 31,9 + 7,7 + 0,0 = 50,9; printed total 51,0 is within
    # 5 × 0,05 = 0,25 of it and is shown as entered
    rows = [D("4.4"), D("6.9"), D("31.9"), D("7.7"), D("0.0")]
    result = numbers.resolve_total(rows, D("51.0"))
    assert result.value == D("51.0") and result.row_sum == D("50.9")
    assert result.tolerance == D("0.25") and result.within_tolerance
    assert not numbers.resolve_total(rows, D("51.2")).within_tolerance
    assert numbers.resolve_total(rows, None).value == D("50.9")


def test_swedish_display() -> None:
    assert number(D("2077")) == "2\xa0077"
    assert amount(D("-226.2")) == "-226,2"
    assert amount(D("226.2"), with_unit=True) == "226,2 mkr"
    assert number(D("-0.04"), 1) == "0,0"
    assert number(D("8.8"), 1, signed=True) == "+8,8"
    assert amount(D("1234.5"), "tkr") == "1\xa0235"


@given(amounts, amounts)
def test_change_is_antisymmetric(a: D, b: D) -> None:
    assert vp_change(a, b) == -vp_change(b, a)
    assert deviation(a, b) == -deviation(b, a)


@given(st.lists(amounts, min_size=1, max_size=30))
def test_total_equals_the_sum_of_its_rows_before_rounding(rows: list[D]) -> None:
    result = numbers.resolve_total(rows, None)
    assert result.value == sum(rows, D(0))
    # rounding the total and summing rounded rows may differ, but by at most the tolerance
    rounded_rows = [numbers.round_half_up(r, 0) for r in rows]
    gap = abs(numbers.round_half_up(result.value, 0) - sum(rounded_rows, D(0)))
    assert gap <= numbers.rounding_tolerance(len(rows), 0) + D("0.5")


@given(amounts, st.sampled_from(["kr", "tkr", "mkr"]), st.sampled_from(["kr", "tkr", "mkr"]))
def test_unit_conversion_round_trips(value: D, a: str, b: str) -> None:
    assert numbers.convert(numbers.convert(value, a, b), b, a) == value
