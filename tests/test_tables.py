"""The table engine on the shipped data, asserted against figures printed in the source
documents (and, where DESIGN.md §7 lists a mistake, against the corrected figure)."""

from __future__ import annotations

from decimal import Decimal as D

import pytest

from snplan.blocks.monthly import monthly_view
from snplan.documents.resolve import tables_of
from snplan.source.load import Dataset, load
from snplan.tables import Table
from snplan.tables.format import number, percent

from .conftest import DATA


@pytest.fixture(scope="module")
def ds() -> Dataset:
    return load(DATA)


def cells(table: Table, row_id: str) -> dict[str, D | None]:
    row = next(r for r in table.rows if r.id == row_id)
    return {column: cell.value for column, cell in row.cells.items()}


def test_vp_2022_against_budget_2021(ds: Dataset) -> None:
    tables = tables_of(ds, "verksamhetsplan", 2022)
    frame = tables["driftbudget"]
    revenue = cells(frame, "intakter")
    assert (revenue["budget"], revenue["fjol"], revenue["forandring"]) == (
        D("42.4"), D("47.9"), D("-5.5"))  # the source printed "5,5" (DESIGN.md §7)
    assert cells(frame, "kostnader")["forandring"] == D("-9.1")
    net = cells(frame, "summa")
    assert (net["budget"], net["fjol"], net["forandring"]) == (D("-226.2"), D("-229.8"),
                                                               D("-3.6"))
    units = tables["budget_per_enhet"]
    assert {r.id: r.cells["forandring"].value for r in units.rows} == {
        "stab": D("0.2"), "vuxen": D("0.7"), "ekonomi-arbetsmarknad": D("-5.4"),
        "barn-ungdom": D("0.9"), "summa": D("-3.6")}
    investments = tables["investeringsbudget"]
    row = cells(investments, "inventarier")
    assert (row["budget"], row["fjol"], row["forandring"]) == (D("0.2"), D("0.2"), D("0.0"))
    # the row's label of 2022 ("… mm") is the one VP 2022 printed
    assert investments.rows[0].label == "Kapitalinventarier, arbetsmiljöåtgärder mm"


def test_vp_2020_against_budget_2019(ds: Dataset) -> None:
    tables = tables_of(ds, "verksamhetsplan", 2020)
    frame = tables["driftbudget"]
    assert cells(frame, "intakter")["forandring"] == D("-8.3")  # printed "8,3" (§7)
    assert cells(frame, "kostnader")["forandring"] == D("-12.9")
    assert cells(frame, "summa")["forandring"] == D("-4.6")
    units = tables["budget_per_enhet"]
    assert cells(units, "stab")["forandring"] == D("-4.9")
    assert cells(units, "vuxen")["forandring"] == D("0.4")
    assert cells(units, "barn-ungdom")["forandring"] == D("0.5")


def test_ar_2023_income_statement(ds: Dataset) -> None:
    statement = tables_of(ds, "arsredovisning", 2023)["resultatrakning"]
    revenue, costs, net = (cells(statement, k) for k in ("intakter", "kostnader", "summa"))
    assert (revenue["utfall"], revenue["fjol"], revenue["budget"], revenue["prognos"]) == (
        D("51.0"), D("48.1"), D("42.2"), D("51.3"))
    assert revenue["budgetavvikelse"] == D("8.8")
    assert costs["budgetavvikelse"] == D("19.7")
    assert percent(costs["procent"]) == "0,9 %"
    assert percent(net["procent"]) == "-0,4 %"
    assert percent(revenue["procent"]) == "6,0 %"  # the source printed 6,2 % (DESIGN.md §7)
    # one net budget deviation in both tables: 28,6 from the printed net outcome and budget
    assert net["budgetavvikelse"] == D("28.6")
    activities = tables_of(ds, "arsredovisning", 2023)["verksamheter"]
    assert cells(activities, "summa")["budgetavvikelse"] == D("28.6")
    # forecast deviation = outcome − forecast; the prose says the net deviates by 4,5 mkr
    assert net["prognosavvikelse"] == D("4.5")
    assert cells(statement, "bidrag")["budgetavvikelse"] == D("12.1")
    assert cells(statement, "personalkostnader")["budgetavvikelse"] == D("1.5")
    assert cells(statement, "lokalkostnader")["budgetavvikelse"] == D("1.0")  # printed 0,9
    # the hidden change column (for prose and metrics): −198,8 against −199,6
    assert net["forandring"] == D("0.8")
    # percentages only on total rows, as the source documents print them
    assert statement.rows[0].cells["procent"].origin == "blank"


def test_ar_2023_activity_table(ds: Dataset) -> None:
    table = tables_of(ds, "arsredovisning", 2023)["verksamheter"]
    assert cells(table, "vuxen")["budgetavvikelse"] == D("10.1")
    assert cells(table, "ekonomi-arbetsmarknad")["budgetavvikelse"] == D("9.5")
    assert cells(table, "barn-ungdom")["fjol"] == D("-86.6")
    # the prose: Vuxen 2,7 mkr lower cost than forecast, förvaltningsgemensam 1,1 mkr higher
    assert cells(table, "vuxen")["prognosavvikelse"] == D("2.7")
    assert cells(table, "forvaltningsgemensam")["prognosavvikelse"] == D("-1.1")
    total = cells(table, "summa")
    assert total["utfall"] == D("-198.8") and total["fjol"] == D("-199.6")


def test_ar_2021_budget_deviation(ds: Dataset) -> None:
    statement = tables_of(ds, "arsredovisning", 2021)["resultatrakning"]
    assert cells(statement, "summa")["budgetavvikelse"] == D("25.4")
    assert cells(statement, "intakter")["budgetavvikelse"] == D("3.3")
    assert number(cells(statement, "summa")["procent"], 1) == "0,7"
    activities = tables_of(ds, "arsredovisning", 2021)["verksamheter"]
    assert cells(activities, "summa")["budgetavvikelse"] == D("25.4")
    assert cells(statement, "personalkostnader")["budgetavvikelse"] == D("6.2")
    assert cells(statement, "ovriga-kostnader")["budgetavvikelse"] == D("6.9")
    # a row 2020 did not have reads zero for 2020 (the account held no money)
    assert cells(statement, "intern-kostnad-peng")["fjol"] == D("0")


def test_investment_deviations_read_as_the_note_says(ds: Dataset) -> None:
    """Investments are positive expenditure: spending 0,1 less than forecast is +0,1, better,
    as the table's note says (ÅR 2023 printed -0,1)."""
    table = tables_of(ds, "arsredovisning", 2023)["investeringar"]
    row = cells(table, "investeringar")
    assert (row["utfall"], row["prognos"], row["prognosavvikelse"]) == (D("0.0"), D("0.1"),
                                                                        D("0.1"))
    assert row["aterstar"] == D("0.1")


def test_personnel_2023(ds: Dataset) -> None:
    table = tables_of(ds, "arsredovisning", 2023)["personal"]
    assert cells(table, "antal_anstallda")["forandring"] == D(3)
    assert cells(table, "arsarbetare")["forandring"] == D("1.9")
    assert cells(table, "sjukfranvaro")["forandring"] == D("-1.7")
    # 2023 has no HME value: unknown, not zero (a measurement, not an amount)
    assert cells(table, "hme")["utfall"] is None and cells(table, "hme")["forandring"] is None
    assert table.text(table.rows[-1], table.column("utfall")) == "–"


def test_monthly_view_reads_three_years_from_their_own_files(ds: Dataset) -> None:
    groups = {g.id: g for g in monthly_view(ds, "arsredovisning", "verksamhetsmatt", 2023)}
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


def test_a_missing_comparison_year_leaves_its_column_empty(ds: Dataset) -> None:
    # 2020's report has no 2019 income statement: the comparison cells are unknown ("–")
    table = tables_of(ds, "arsredovisning", 2020)["resultatrakning"]
    assert all(row.cells["fjol"].value is None for row in table.rows)
    assert table.text(table.rows[0], table.column("fjol")) == "–"


@pytest.mark.parametrize("year, key", [(2021, "resultatrakning"), (2021, "verksamheter"),
                                       (2021, "investeringar"), (2023, "resultatrakning"),
                                       (2023, "verksamheter"), (2023, "investeringar")])
def test_every_deviation_reads_positive_as_better(ds: Dataset, year: int, key: str) -> None:
    """Each report table's deviation columns follow its note ("Positivt värde är bättre än
    budget respektive prognos"; for investments "en lägre utgift"): on signed figures an
    outcome above its reference is better for revenue and costs (costs are negative), and
    for investments, entered as positive expenditure, an outcome below it is better."""
    table = tables_of(ds, "arsredovisning", year)[key]
    spending = table.spec.utgifter_positiva
    assert any(("lägre utgift" if spending else "bättre") in note for note in table.spec.fotnot)
    deviations = [c for c in table.columns if c.spec.berakning == "avvikelse"]
    assert deviations  # against budget and forecast (investments: forecast only)
    compared = 0
    for row in table.rows:
        for column in deviations:
            outcome, reference = (row.cells[c].value for c in column.spec.av)
            deviation = row.cells[column.id].value
            if outcome is None or reference is None:
                assert deviation is None
                continue
            better = reference - outcome if spending else outcome - reference
            assert deviation == better, (row.id, column.id)
            compared += 1
    assert compared >= len(deviations)
