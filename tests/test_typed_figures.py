"""Prose that types a figure a table computes draws a warning (an error with --strict) that
points at the expression to write; the shipped data types none; percentages of one figure
against another can be written as expressions."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pytest
from typer.testing import CliRunner

from snplan.cli import app
from snplan.prose.sandbox import filters
from snplan.rules.typed_figures import numbers_in

from .conftest import DATA, line_of, replace_in

runner = CliRunner()


@pytest.mark.parametrize("text, found", [
    ("köp av verksamhet (8,7 mkr) avseende", [("8,7", Decimal("8.7"), 1)]),
    ("ökat från 1 903 till 2\u00a0077 i jämförelse", [("1 903", Decimal(1903), 0),
                                                    ("2\u00a0077", Decimal(2077), 0)]),
    ("minskat något, från 359 till 348.", [("359", Decimal(359), 0), ("348", Decimal(348), 0)]),
    ("28,6 mkr (14,0 %)", [("28,6", Decimal("28.6"), 1), ("14,0", Decimal("14.0"), 1)]),
    # years, small whole numbers, dates, registration numbers, paragraphs and accounts are
    # not table figures
    ("under 2023 och 2024 nådde fyra av 4 mål", []),
    ("beslut 2021-10-20 i SN/2021:59 enligt § 11 på kto 39", []),
    ("lag (2010:1622) och 12:e", []),
    # a number inside an expression is not prose; one marked by a comment is left alone
    ("{{ 28.6 | belopp }} och 4,5{# inte tabellens #} mkr", []),
    ("4,5 {# inte tabellens #} mkr", []),
])
def test_numbers_typed_in_prose(text: str, found: list[tuple[str, Decimal, int]]) -> None:
    assert numbers_in(text) == found


def test_percent_of_one_figure_against_another() -> None:
    procent_av = filters("mkr")["procent_av"]
    # ÅR 2023: budget deviation 28,6 against the net budget −227,4: 28,6 / 227,4 = 12,58 %
    assert procent_av(Decimal("28.6"), Decimal("-227.4")) == "12,6 %"
    # a deviation below budget keeps its sign: −5 / 200 = −2,5 %
    assert procent_av(Decimal("-5"), Decimal("200")) == "-2,5 %"
    assert procent_av(Decimal("1"), Decimal("0")) == "–"
    assert procent_av(None, Decimal("1")) == "–"


def test_the_shipped_data_types_no_table_figure() -> None:
    result = runner.invoke(app, ["validate", "--data", str(DATA)])
    assert result.exit_code == 0, result.output
    assert "the prose types" not in result.output


def test_a_typed_figure_is_named_with_the_expression_to_write(data_copy: Path) -> None:
    # ÅR 2021 states personnel costs' budget deviation (6,2 mkr in its table) by expression;
    # typed back by hand, validate points at the expression
    path = data_copy / "2021" / "arsredovisning.yaml"
    replace_in(path, "lägre personalkostnader ({{ resultatrakning.personalkostnader."
               "budgetavvikelse | belopp }} mkr)", "lägre personalkostnader (6,2 mkr)")
    line = line_of(path, "sammanfattning: |")
    result = runner.invoke(app, ["validate", "--data", str(data_copy)])
    assert result.exit_code == 0, result.output  # a warning
    assert (f"2021/arsredovisning.yaml:{line}: warning: sammanfattning: the prose types 6,2, "
            "which table 'resultatrakning' computes (row 'Personalkostnader', column "
            "'Budgetavvikelse'); write {{ resultatrakning.personalkostnader.budgetavvikelse | "
            "belopp }}") in result.output
    strict = runner.invoke(app, ["validate", "--strict", "--data", str(data_copy)])
    assert strict.exit_code == 1


def test_prose_beside_a_table_is_matched_to_that_table_first(data_copy: Path) -> None:
    # VP 2022: 0,2 is both the investment budget and the staff unit's change; the sentence
    # stands beside the investment table, so that is the figure it names
    path = data_copy / "2022" / "verksamhetsplan.yaml"
    replace_in(path, "uppgår till {{ investeringsbudget.inventarier.budget | belopp }} mkr",
               "uppgår till 0,2 mkr")
    result = runner.invoke(app, ["validate", "--data", str(data_copy)])
    assert ("investeringsbudget.text: the prose types 0,2, which table 'investeringsbudget' "
            "computes") in result.output
    assert "{{ investeringsbudget.inventarier.budget | belopp }}" in result.output


def test_counts_are_suggested_as_numbers_and_decreases_with_abs(data_copy: Path) -> None:
    path = data_copy / "2023" / "arsredovisning.yaml"
    replace_in(path, "{{ nyckeltal['hushall-ekonomiskt-bistand'].utfall | tal }}", "145")
    plan = data_copy / "2022" / "verksamhetsplan.yaml"
    replace_in(plan, "motsvarande {{ driftbudget.summa.forandring | abs | belopp }} mkr",
               "motsvarande 3,6 mkr")
    result = runner.invoke(app, ["validate", "--data", str(data_copy)])
    assert "{{ nyckeltal['hushall-ekonomiskt-bistand'].utfall | tal }}" in result.output
    # VP 2022's units together fell by 3,6 (|226,2| − |229,8|): the change is −3,6, the
    # prose (beside the per-unit table) says 3,6
    assert "{{ budget_per_enhet.summa.forandring | abs | belopp }}" in result.output
