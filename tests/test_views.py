"""Derived views on the shipped data, asserted against figures printed in the source documents
(and, where DESIGN.md §7 lists a mistake, against the corrected figure)."""

from __future__ import annotations

from decimal import Decimal as D

import pytest

from snplan import views
from snplan.fmt import number, percent
from snplan.load import Dataset, load

from .conftest import DATA


@pytest.fixture(scope="module")
def ds() -> Dataset:
    return load(DATA)


def test_vp_2022_against_budget_2021(ds: Dataset) -> None:
    view = views.budget_view(ds, 2022)
    revenue, costs, net = view.committee
    assert (revenue.this_year, revenue.last_year, revenue.change) == (
        D("42.4"), D("47.9"), D("-5.5"))  # the source printed "5,5" (DESIGN.md §7)
    assert costs.change == D("-9.1")
    assert (net.this_year, net.last_year, net.change) == (D("-226.2"), D("-229.8"), D("-3.6"))
    by_unit = {row.key: row.change for row in view.units}
    assert by_unit == {"stab": D("0.2"), "vuxen": D("0.7"), "ekonomi-arbetsmarknad": D("-5.4"),
                       "barn-ungdom": D("0.9")}
    assert view.unit_total.change == D("-3.6")
    assert [(r.this_year, r.last_year, r.change) for r in view.investments] == [
        (D("0.2"), D("0.2"), D("0.0"))]


def test_vp_2020_against_budget_2019(ds: Dataset) -> None:
    view = views.budget_view(ds, 2020)
    revenue, costs, net = view.committee
    assert revenue.change == D("-8.3")  # the source printed "8,3" (DESIGN.md §7)
    assert costs.change == D("-12.9")
    assert net.change == D("-4.6")
    by_unit = {row.key: row.change for row in view.units}
    assert by_unit["stab"] == D("-4.9")
    assert by_unit["vuxen"] == D("0.4")
    assert by_unit["barn-ungdom"] == D("0.5")


def test_ar_2023_income_statement(ds: Dataset) -> None:
    view = views.income_view(ds, 2023)
    revenue, costs, net = view.revenue_total, view.costs_total, view.net
    assert (revenue.outcome, revenue.previous, revenue.budget, revenue.forecast) == (
        D("51.0"), D("48.1"), D("42.2"), D("51.3"))
    assert revenue.budget_deviation == D("8.8")
    assert costs.budget_deviation == D("19.7")
    assert percent(costs.percent) == "0,9 %"
    assert percent(net.percent) == "-0,4 %"
    assert percent(revenue.percent) == "6,0 %"  # the source printed 6,2 % (DESIGN.md §7)
    # one net budget deviation in both tables: 28,6 from the printed net outcome and budget
    assert net.budget_deviation == D("28.6")
    assert views.activity_view(ds, 2023).total.budget_deviation == D("28.6")
    # forecast deviation = outcome − forecast; the prose says the net deviates by 4,5 mkr
    assert net.forecast_deviation == D("4.5")
    rows = {r.key: r for r in view.revenue + view.costs}
    assert rows["bidrag"].budget_deviation == D("12.1")
    assert rows["personalkostnader"].budget_deviation == D("1.5")
    assert rows["lokalkostnader"].budget_deviation == D("1.0")  # source printed 0,9


def test_ar_2023_activity_table(ds: Dataset) -> None:
    view = views.activity_view(ds, 2023)
    rows = {r.key: r for r in view.rows}
    assert rows["vuxen"].budget_deviation == D("10.1")
    assert rows["ekonomi-arbetsmarknad"].budget_deviation == D("9.5")
    assert rows["barn-ungdom"].previous == D("-86.6")
    # the prose: Vuxen 2,7 mkr lower cost than forecast, förvaltningsgemensam 1,1 mkr higher
    assert rows["vuxen"].forecast_deviation == D("2.7")
    assert rows["forvaltningsgemensam"].forecast_deviation == D("-1.1")
    assert view.total.outcome == D("-198.8") and view.total.previous == D("-199.6")


def test_ar_2021_budget_deviation(ds: Dataset) -> None:
    view = views.income_view(ds, 2021)
    assert view.net.budget_deviation == D("25.4")
    assert view.revenue_total.budget_deviation == D("3.3")
    assert number(view.net.percent, 1) == "0,7"
    assert views.activity_view(ds, 2021).total.budget_deviation == D("25.4")
    rows = {r.key: r for r in view.costs}
    assert rows["personalkostnader"].budget_deviation == D("6.2")
    assert rows["ovriga-kostnader"].budget_deviation == D("6.9")


def test_personnel_2023(ds: Dataset) -> None:
    rows = {r.label: r for r in views.personnel_view(ds, 2023).rows}
    assert rows["Antal anställda"].change == D(3)
    assert rows["Antal årsarbetare i snitt"].change == D("1.9")
    assert rows["Sjukfrånvaro, %"].change == D("-1.7")
    assert rows["Hållbart medarbetarengagemang-index (HME)"].this_year is None


def test_monthly_view_reads_three_years_from_their_own_files(ds: Dataset) -> None:
    groups = {g.id: g for g in views.monthly_view(ds, 2023)}
    assert list(groups) == ["ekonomiskt-bistand", "barn", "ungdom", "ensamkommande", "vuxna",
                            "vald-i-nara-relation"]
    households = groups["ekonomiskt-bistand"].measures[0]
    assert [s.year for s in households.series] == [2021, 2022, 2023]
    # 2021 row of the 2023 report, read from data/2021 (hand sum 1 910 / 12)
    assert households.series[0].values is not None
    assert sum(households.series[0].values) == 1910
    # mean of ÅR 2023's monthly average support (the goal prose says 9 842 kronor)
    support = groups["ekonomiskt-bistand"].measures[1]
    assert number(support.series[2].annual("medel"), 0) == "9\xa0842"


def test_missing_previous_year_is_reported(ds: Dataset) -> None:
    with pytest.raises(views.MissingData, match="data/2019/arsredovisning.yaml has no ekonomi"):
        views.income_view(ds, 2019)
