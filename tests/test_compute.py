"""The arithmetic of derived figures, with figures from the source documents and properties
that must hold for any input."""

from __future__ import annotations

from decimal import Decimal as D

import pytest
from hypothesis import given
from hypothesis import strategies as st

from snplan import compute
from snplan.fmt import amount, number, percent

amounts = st.decimals(min_value=D("-1e9"), max_value=D("1e9"), places=1,
                      allow_nan=False, allow_infinity=False)


def test_vp_change_follows_the_absolute_convention() -> None:
    # VP 2022: revenue 42,4 against 47,9 is −5,5 (the source printed "5,5", DESIGN.md §7)
    assert compute.vp_change(D("42.4"), D("47.9")) == D("-5.5")
    # VP 2020: revenue 48,5 against 56,8 is −8,3 (the source printed "8,3")
    assert compute.vp_change(D("48.5"), D("56.8")) == D("-8.3")
    # costs −268,6 against −277,7: less cost, −9,1; net −226,2 against −229,8: −3,6
    assert compute.vp_change(D("-268.6"), D("-277.7")) == D("-9.1")
    assert compute.vp_change(D("-226.2"), D("-229.8")) == D("-3.6")
    # VP 2020, "Stab och central ledning": −18,1 against −23 is −4,9
    assert compute.vp_change(D("-18.1"), D("-23")) == D("-4.9")


def test_deviations_are_outcome_minus_plan() -> None:
    # ÅR 2023: revenue 51,0 against budget 42,2 is +8,8; costs −249,9 against −269,6 is +19,7
    assert compute.budget_deviation(D("51.0"), D("42.2")) == D("8.8")
    assert compute.budget_deviation(D("-249.9"), D("-269.6")) == D("19.7")
    # net −198,8 against −227,4 is +28,6 (the source's 28,5 came from unprinted ledger figures)
    assert compute.budget_deviation(D("-198.8"), D("-227.4")) == D("28.6")
    # forecast deviation on signed values: −198,8 against forecast −203,3 is +4,5, which is
    # the figure the report's prose gives ("avviker ... med 4,5 mkr")
    assert compute.forecast_deviation(D("-198.8"), D("-203.3")) == D("4.5")


def test_percent_change_on_signed_values() -> None:
    # ÅR 2023 "% 23/22": costs 0,9 %, net −0,4 %, revenue 6,0 % (the source printed 6,2 %)
    assert percent(compute.percent_change(D("-249.9"), D("-247.6"))) == "0,9 %"
    assert percent(compute.percent_change(D("-198.8"), D("-199.6"))) == "-0,4 %"
    assert percent(compute.percent_change(D("51.0"), D("48.1"))) == "6,0 %"
    assert compute.percent_change(D(5), D(0)) is None


def test_net_and_totals() -> None:
    assert compute.net(D("42.4"), D("-268.6")) == D("-226.2")
    assert compute.total([D("-17.3"), D("-72.9"), D("-47.4"), D("-88.6")]) == D("-226.2")


def test_unit_conversion() -> None:
    assert compute.convert(D("226.2"), "mkr", "tkr") == D("226200")
    assert compute.convert(D("1500"), "kr", "tkr") == D("1.5")


def test_display_rounding_is_half_up() -> None:
    assert compute.round_half_up(D("0.25"), 1) == D("0.3")
    assert compute.round_half_up(D("-0.25"), 1) == D("-0.3")
    assert compute.round_half_up(D("2.449"), 1) == D("2.4")


def test_risk_index() -> None:
    assert compute.risk_index(3, 4) == 12
    assert {1, 2, 3, 4, 6, 8, 9, 12, 16} == compute.POSSIBLE_RISK_INDEXES
    with pytest.raises(ValueError):
        compute.risk_index(5, 1)


def test_monthly_aggregates() -> None:
    # ÅR 2023, households with payments 2023: 93+95+103+84+92+80+87+88+90+90+109+114 = 1125
    series = [D(v) for v in (93, 95, 103, 84, 92, 80, 87, 88, 90, 90, 109, 114)]
    assert compute.annual_sum(series) == D(1125)
    assert compute.annual_mean(series) == D("93.75")
    assert compute.annual_figure(series, "medel") == D("93.75")
    assert compute.latest_month([D(1), D(2), None]) == (2, D(2))
    assert compute.latest_month([None, None]) is None


def test_personnel_changes() -> None:
    # ÅR 2023: 221 against 218 employees is +3; sick leave 8,5 % against 10,2 % is −1,7 points
    assert compute.headcount_change(221, 218) == 3
    assert compute.percentage_points(D("8.5"), D("10.2")) == D("-1.7")


def test_rounded_totals_and_their_tolerance() -> None:
    # ÅR 2023 revenue rows 4,4 + 6,9 + 31,9 + 7,7 + 0,0 = 50,9; printed total 51,0 is within
    # 5 × 0,05 = 0,25 of it and is shown as entered
    rows = [D("4.4"), D("6.9"), D("31.9"), D("7.7"), D("0.0")]
    result = compute.resolve_total(rows, D("51.0"))
    assert result.value == D("51.0") and result.row_sum == D("50.9")
    assert result.tolerance == D("0.25") and result.within_tolerance
    assert not compute.resolve_total(rows, D("51.2")).within_tolerance
    assert compute.resolve_total(rows, None).value == D("50.9")


def test_swedish_display() -> None:
    assert number(D("2077")) == "2\xa0077"
    assert amount(D("-226.2")) == "-226,2"
    assert amount(D("226.2"), with_unit=True) == "226,2 mkr"
    assert number(D("-0.04"), 1) == "0,0"
    assert number(D("8.8"), 1, signed=True) == "+8,8"
    assert amount(D("1234.5"), "tkr") == "1\xa0235"


@given(amounts, amounts)
def test_change_is_antisymmetric(a: D, b: D) -> None:
    assert compute.vp_change(a, b) == -compute.vp_change(b, a)
    assert compute.budget_deviation(a, b) == -compute.budget_deviation(b, a)


@given(st.lists(amounts, min_size=1, max_size=30))
def test_total_equals_the_sum_of_its_rows_before_rounding(rows: list[D]) -> None:
    result = compute.resolve_total(rows, None)
    assert result.value == sum(rows, D(0))
    # rounding the total and summing rounded rows may differ, but by at most the tolerance
    rounded_rows = [compute.round_half_up(r, 0) for r in rows]
    gap = abs(compute.round_half_up(result.value, 0) - sum(rounded_rows, D(0)))
    assert gap <= compute.rounding_tolerance(len(rows), 0) + D("0.5")


@given(amounts, st.sampled_from(["kr", "tkr", "mkr"]), st.sampled_from(["kr", "tkr", "mkr"]))
def test_unit_conversion_round_trips(value: D, a: str, b: str) -> None:
    assert compute.convert(compute.convert(value, a, b), b, a) == value
