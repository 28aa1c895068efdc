"""Figures that must agree: a copy of the shipped data is broken on purpose and `snplan validate`
must exit 1 naming both places of the disagreement."""

from __future__ import annotations

from pathlib import Path

from typer.testing import CliRunner

from snplan.cli import app

from .conftest import line_after, line_of, replace_in

runner = CliRunner()


def validate(data: Path):
    return runner.invoke(app, ["validate", "--data", str(data)])


def test_units_no_longer_add_up_to_the_frame(data_copy: Path) -> None:
    path = data_copy / "2022" / "verksamhetsplan.yaml"
    replace_in(path, "    vuxen: -72.9", "    vuxen: -73.0")
    result = validate(data_copy)
    assert result.exit_code == 1
    units = line_after(path, "budget_per_enhet:", "rader:")
    frame = line_after(path, "driftbudget:", "rader:")
    assert (f"2022/verksamhetsplan.yaml:{units}: budget_per_enhet.rader: 'budget_per_enhet' "
            "(budget) adds up to -226,3 but 'driftbudget' of 2022 adds up to -226,2: they "
            "break down one total") in result.output
    assert f"2022/verksamhetsplan.yaml:{frame})" in result.output


def test_report_budget_differs_from_the_adopted_plan(data_copy: Path) -> None:
    # ÅR 2021's budget column (net −229,8) must match VP 2021's frame: move the plan's frame
    # by 1,0 (revenue and one unit together, so the plan itself stays consistent)
    plan = data_copy / "2021" / "verksamhetsplan.yaml"
    replace_in(plan, "intakter: 47.9", "intakter: 48.9")
    replace_in(plan, "stab: -17.1", "stab: -16.1")
    result = validate(data_copy)
    assert result.exit_code == 1
    assert ("'resultatrakning' (budget) adds up to -229,8 but 'driftbudget' of 2021 adds up "
            "to -228,8") in result.output
    assert f"2021/verksamhetsplan.yaml:{line_of(plan, 'driftbudget:')}" in result.output
    assert "1 error(s)" in result.output


def test_rounded_total_within_tolerance_is_accepted_outside_rejected(data_copy: Path) -> None:
    # ÅR 2023 revenue rows add to 50,9; the printed 51,0 is accepted (5 rows × 0,05 = 0,25)
    path = data_copy / "2023" / "arsredovisning.yaml"
    assert validate(data_copy).exit_code == 0
    replace_in(path, "    intakter:\n      utfall: 51.0", "    intakter:\n      utfall: 51.4")
    result = validate(data_copy)
    assert result.exit_code == 1
    assert ("resultatrakning.rader.intakter.utfall: the entered total 'Summa intäkter' "
            "(utfall) 51,4 differs from the sum of its 5 rows, 50,9, by more than rounding "
            "allows (±0,25)") in result.output
    rows = line_after(path, "resultatrakning:", "rader:")
    assert f"2023/arsredovisning.yaml:{rows})" in result.output


def test_activities_must_add_up_to_the_net(data_copy: Path) -> None:
    path = data_copy / "2023" / "arsredovisning.yaml"
    replace_in(path, "utfall: -36.5", "utfall: -37.5")
    result = validate(data_copy)
    assert result.exit_code == 1
    assert ("'verksamheter' (utfall) adds up to -199,8 but 'resultatrakning' of 2023 adds up "
            "to -198,8") in result.output


def test_women_and_men_make_the_employees(data_copy: Path) -> None:
    path = data_copy / "2023" / "arsredovisning.yaml"
    replace_in(path, "    kvinnor: 165", "    kvinnor: 166")
    result = validate(data_copy)
    assert result.exit_code == 1
    assert ("the entered total 'Antal anställda' (utfall) 221 differs from the sum of its 2 "
            "rows, 222; counts must add up exactly") in result.output


def test_a_figure_entered_in_two_files_of_a_year(data_copy: Path) -> None:
    """A fact lives once: the plan and the report of a year may not both enter it."""
    report = data_copy / "2021" / "arsredovisning.yaml"
    text = report.read_text(encoding="utf-8")
    report.write_text(text + "driftbudget:\n  intakter: 47.9\n", encoding="utf-8")
    # the report's outline has no block 'driftbudget': an unknown key, named as such
    result = validate(data_copy)
    assert result.exit_code == 1
    assert "unknown key 'driftbudget'" in result.output


def test_a_month_far_outside_the_others_draws_a_warning(data_copy: Path) -> None:
    path = data_copy / "2021" / "arsredovisning.yaml"
    text = path.read_text(encoding="utf-8")
    old = "[ 863,   656,   837,"
    assert old in text
    path.write_text(text.replace(old, "[ 863,  6560,   837,"), encoding="utf-8")
    result = validate(data_copy)
    assert result.exit_code == 0  # a warning only
    assert "month 2 holds 6\xa0560, more than 3 times the median" in result.output
    assert runner.invoke(app, ["validate", "--data", str(data_copy), "--strict"]).exit_code == 1
