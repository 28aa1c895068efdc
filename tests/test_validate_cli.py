"""`snplan validate` through typer's runner: exit codes, messages with file, line and field."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from typer.testing import CliRunner

from snplan.cli import app

from .conftest import DATA, OTHER_ORG, line_of, replace_in

runner = CliRunner()


def run(*args: str):
    return runner.invoke(app, list(args))


@pytest.fixture
def other(tmp_path: Path) -> Path:
    target = tmp_path / "annan"
    shutil.copytree(OTHER_ORG, target)
    return target


def test_shipped_data_is_valid_and_summarised() -> None:
    result = run("validate", "--data", str(DATA))
    assert result.exit_code == 0, result.output
    assert "ok:" in result.stdout
    assert "Solna stad, Socialnämnden" in result.stdout
    for year in ("2019", "2020", "2021", "2022", "2023"):
        assert f"  {year}: " in result.stdout


def test_shipped_data_warns_about_the_year_typed_into_january() -> None:
    result = run("validate", "--data", str(DATA), "--strict")
    assert result.exit_code == 1
    assert "holds 2022, the year itself" in result.output
    assert "holds 2023, the year itself" in result.output


def test_second_organisation_in_tkr_validates() -> None:
    result = run("validate", "--data", str(OTHER_ORG))
    assert result.exit_code == 0, result.output
    assert "amounts in tkr" in result.stdout
    assert "7 breakdowns, 3 goals" in result.stdout


def test_a_word_where_a_number_belongs(other: Path) -> None:
    path = other / "2024" / "arsredovisning.yaml"
    replace_in(path, "avgifter: {utfall: 3100", 'avgifter: {utfall: "abc"')
    result = run("validate", "--data", str(other))
    assert result.exit_code == 1
    line = line_of(path, '"abc"')
    assert (f"2024/arsredovisning.yaml:{line}: resultatrakning.avgifter.utfall: "
            'expected a number, got "abc"') in result.output
    assert "Traceback" not in result.output


def test_a_misspelt_key_is_named_with_a_suggestion(other: Path) -> None:
    path = other / "2024" / "verksamhetsplan.yaml"
    replace_in(path, "  intakter: 13000", "  intakter: 13000\n  kostander: 1")
    result = run("validate", "--data", str(other))
    assert result.exit_code == 1
    line = line_of(path, "kostander")
    assert (f"verksamhetsplan.yaml:{line}: driftbudget.kostander: no row with id "
            "'kostander' in organisation.yaml indelningar.driftbudget (known: intakter, "
            "kostnader, summa); did you mean 'kostnader'?") in result.output
    replace_in(path, "sammanfattning:", "sammanfatning:")
    result = run("validate", "--data", str(other))
    assert "unknown key 'sammanfatning'; did you mean 'sammanfattning'?" in result.output


def test_all_problems_are_reported_in_one_run(other: Path) -> None:
    replace_in(other / "2024" / "verksamhetsplan.yaml", "ar: 2024", "ar: 2025")
    replace_in(other / "2024" / "arsredovisning.yaml", "kvinnor: 61", "kvinnor: sextio")
    replace_in(other / "2023" / "verksamhetsplan.yaml", "ifo: -61200", "ifu: -61200")
    result = run("validate", "--data", str(other))
    assert result.exit_code == 1
    assert "the file says 2025 but lies in the directory for 2024" in result.output
    assert "personal.kvinnor: expected a number" in result.output
    assert "no row with id 'ifu'" in result.output
    assert "3 error(s)" in result.output or "error(s)" in result.output


def test_duplicate_key_is_reported_with_its_line(other: Path) -> None:
    path = other / "2024" / "verksamhetsplan.yaml"
    replace_in(path, "ar: 2024\n", "ar: 2024\nar: 2024\n")
    result = run("validate", "--data", str(other))
    assert result.exit_code == 1
    assert "verksamhetsplan.yaml:2: the key 'ar' appears twice" in result.output


def test_impossible_risk_index(other: Path) -> None:
    path = other / "2024" / "verksamhetsplan.yaml"
    replace_in(path, "      sannolikhet: 2\n      konsekvens: 3\n", "      riskindex: 7\n")
    result = run("validate", "--data", str(other))
    assert result.exit_code == 1
    assert "riskindex: '7' is not one of the values allowed here (1, 2, 3, 4, 6, 8, 9, 12, " \
        "16)" in result.output


def test_monthly_series_needs_twelve_values(other: Path) -> None:
    path = other / "2024" / "arsredovisning.yaml"
    replace_in(path, "39, 45]", "39]")
    result = run("validate", "--data", str(other))
    assert result.exit_code == 1
    line = line_of(path, "hushall:")
    assert (f"2024/arsredovisning.yaml:{line}: verksamhetsmatt.varden.hushall: a series of this "
            "document has 12 values, one for each month from jan to dec; this one has 11"
            ) in result.output


def test_unknown_signatory_and_goal(other: Path) -> None:
    replace_in(other / "2024" / "arenden" / "verksamhetsplan-2024.yaml",
               "person: chef", "person: chefen")
    replace_in(other / "2024" / "arsredovisning.yaml", "mal: trygghet", "mal: tryghet")
    result = run("validate", "--data", str(other))
    assert result.exit_code == 1
    assert "no person with id 'chefen'" in result.output
    assert "no goal with id 'tryghet'" in result.output


def test_invalid_date(other: Path) -> None:
    replace_in(other / "2024" / "arenden" / "verksamhetsplan-2024.yaml",
               "datum: 2023-11-20", "datum: 2023-13-45")
    result = run("validate", "--data", str(other))
    assert result.exit_code == 1
    assert "datum: expected a date written YYYY-MM-DD" in result.output


def test_year_filter_and_usage_errors(other: Path, tmp_path: Path) -> None:
    result = run("validate", "--data", str(other), "--year", "2024")
    assert result.exit_code == 0
    assert "2023:" not in result.stdout
    result = run("validate", "--data", str(other), "--year", "1999")
    assert result.exit_code == 2
    assert "there is no data for 1999" in result.output
    result = run("validate", "--data", str(tmp_path / "nowhere"))
    assert result.exit_code == 2
    assert "does not exist" in result.output
    result = run("validate", "--bogus")
    assert result.exit_code == 2


def test_empty_and_non_mapping_files(other: Path) -> None:
    (other / "2024" / "arsredovisning.yaml").write_text("", encoding="utf-8")
    (other / "2024" / "verksamhetsplan.yaml").write_text("- a\n- b\n", encoding="utf-8")
    result = run("validate", "--data", str(other))
    assert result.exit_code == 1
    assert "arsredovisning.yaml: the file is empty" in result.output
    assert "verksamhetsplan.yaml:1: expected a mapping of keys and values" in result.output


def test_unexpected_files_are_reported(other: Path) -> None:
    (other / "2024" / "budget.yaml").write_text("a: 1\n", encoding="utf-8")
    result = run("validate", "--data", str(other))
    assert result.exit_code == 1
    assert "budget.yaml: unexpected entry" in result.output


def test_a_key_that_belongs_elsewhere_is_not_suggested_as_itself(other: Path) -> None:
    # `niva` is a key of a goal, not of a measure group: no "did you mean 'niva'?"
    path = other / "organisation.yaml"
    text = path.read_text(encoding="utf-8")
    assert "verksamhetsmatt:" in text
    path.write_text(text.replace("verksamhetsmatt:\n", "verksamhetsmatt:\n  - id: x\n"
                                 "    namn: X\n    niva: Y\n    matt:\n      - {id: m, namn: M, "
                                 "enhet: st, aggregering: summa}\n", 1), encoding="utf-8")
    result = run("validate", "--data", str(other))
    assert result.exit_code == 1
    assert "unknown key 'niva'" in result.output
    assert "did you mean 'niva'" not in result.output
