"""Excel workbooks: formulas in derived cells, source figures in input cells, the values
LibreOffice computes from the formulas equal snplan's engine, native charts, and text that
stays text."""

from __future__ import annotations

import os
import shutil
import subprocess
import zipfile
from decimal import Decimal as D
from pathlib import Path

import pytest
from openpyxl import load_workbook
from typer.testing import CliRunner

from snplan import views
from snplan.cli import app
from snplan.load import load
from snplan.render.xlsx import sheet_name

from .conftest import DATA, ROOT, replace_in
from .docx_read import open_docx

runner = CliRunner()


def build(out: Path, data: Path, *args: str) -> None:
    result = runner.invoke(app, ["build", *args, "--out", str(out), "--data", str(data),
                                 "--templates", str(ROOT / "templates")])
    assert result.exit_code == 0, result.output


@pytest.fixture(scope="module")
def out(tmp_path_factory: pytest.TempPathFactory) -> Path:
    target = tmp_path_factory.mktemp("xlsx")
    build(target, DATA, "--all")
    return target


@pytest.fixture(scope="module")
def recalculated(out: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The workbooks opened, recalculated and saved again by LibreOffice."""
    soffice = shutil.which("soffice") or shutil.which("libreoffice")
    if soffice is None:
        if os.environ.get("CI"):
            pytest.fail("LibreOffice is not installed; .ci/run installs it")
        pytest.skip("LibreOffice is not installed")
    target = tmp_path_factory.mktemp("recalc")
    files = [str(p) for p in sorted(out.rglob("*.xlsx"))]
    result = subprocess.run(
        [soffice, "--headless", f"-env:UserInstallation=file://{target / 'profile'}",
         "--convert-to", "xlsx", "--outdir", str(target), *files],
        capture_output=True, text=True, timeout=600, check=False)
    assert result.returncode == 0, result.stderr
    return target


def test_workbooks_are_built_for_plans_and_reports(out: Path) -> None:
    assert sorted(str(p.relative_to(out)) for p in out.rglob("*.xlsx")) == [
        "2020/verksamhetsplan-2020.xlsx", "2021/arsredovisning-2021.xlsx",
        "2022/verksamhetsplan-2022.xlsx", "2023/arsredovisning-2023.xlsx"]


def test_inputs_are_figures_and_derived_cells_are_formulas(out: Path) -> None:
    wb = load_workbook(out / "2023" / "arsredovisning-2023.xlsx")
    ws = wb["Resultaträkning"]
    assert [c.value for c in ws[1]] == ["Resultaträkning (mkr)", "2023", "2022", "% 23/22",
                                        "Budgetavvikelse", "Budget", "Prognos",
                                        "Prognosavvikelse"]
    bidrag = {c.column_letter: c.value for c in ws[4]}
    assert bidrag["A"] == "Bidrag"
    assert (bidrag["B"], bidrag["C"], bidrag["F"], bidrag["G"]) == (31.9, 27.9, 19.8, 32.5)
    assert bidrag["E"] == "=B4-F4" and bidrag["H"] == "=B4-G4"
    # the revenue total is the printed 51,0 (rows add to 50,9): an input, as in the engine;
    # the cost total of 2022 adds up and is a formula; the net of 2023 is printed
    assert ws["B7"].value == 51.0
    assert ws["C13"].value == "=SUM(C8:C12)"
    assert ws["D13"].value == '=IF(C13=0,"",B13/C13-1)'
    assert ws["B14"].value == -198.8
    assert ws["E14"].value == "=B14-F14"
    assert ws.freeze_panes == "B2"
    assert ws.print_title_rows == "$1:$1"
    assert ws["B4"].fill.fgColor.rgb.endswith("FFF8DC")  # input style
    assert ws["E4"].fill.fgColor.rgb in (None, "00000000")  # derived: no input fill
    assert ws["B4"].number_format == "#,##0.0"
    months = wb["Verksamhetsmått"]
    found = [row for row in months.iter_rows(values_only=True) if row[0] == "2023"][0]
    assert found[1:13] == (93, 95, 103, 84, 92, 80, 87, 88, 90, 90, 109, 114)
    assert str(found[13]).startswith("=AVERAGE(B")
    plan = load_workbook(out / "2022" / "verksamhetsplan-2022.xlsx")
    units = plan["Driftbudget per enhet"]
    assert [c.value for c in units[4]] == ["Ekonomi- och arbetsmarknadsenheten", -47.4, -52.8,
                                           "=ABS(B4)-ABS(C4)"]
    assert units["B6"].value == "=SUM(B2:B5)"
    assert plan["Internkontrollplan"]["E2"].value == 12


def _close(actual: object, expected: D | None, places: int = 1) -> bool:
    if expected is None:
        return actual in (None, "")
    return round(D(str(actual)), places) == round(expected, places)


def test_libreoffice_recalculation_matches_the_engine(recalculated: Path) -> None:
    ds = load(DATA)
    for year in (2021, 2023):
        ws = load_workbook(recalculated / f"arsredovisning-{year}.xlsx", data_only=True)[
            "Resultaträkning"]
        income = views.income_view(ds, year)
        rows = [*income.revenue, income.revenue_total, *income.costs, income.costs_total,
                income.net]
        for number, row in enumerate(rows, start=2):
            cells = [c.value for c in ws[number]]
            assert cells[0] == row.label
            assert _close(cells[1], row.outcome) and _close(cells[2], row.previous)
            assert _close(cells[4], row.budget_deviation), (year, row.label)
            assert _close(cells[7], row.forecast_deviation), (year, row.label)
            if row.is_total:
                assert _close(D(str(cells[3])) * 100, row.percent), (year, row.label)
        activities = load_workbook(recalculated / f"arsredovisning-{year}.xlsx",
                                   data_only=True)["Verksamheter"]
        view = views.activity_view(ds, year)
        for number, row in enumerate([*view.rows, view.total], start=2):
            cells = [c.value for c in activities[number]]
            assert _close(cells[1], row.outcome) and _close(cells[4], row.budget_deviation)
            assert _close(cells[7], row.forecast_deviation)
    wb = load_workbook(recalculated / "arsredovisning-2023.xlsx", data_only=True)
    people = {r[0]: r for r in wb["Personal"].iter_rows(values_only=True)}
    assert people["Antal anställda"][3] == 3
    assert _close(people["Sjukfrånvaro, %"][3], D("-1.7"))
    measures = [r for r in wb["Verksamhetsmått"].iter_rows(values_only=True) if r[0] == "2023"]
    assert _close(measures[0][13], D("93.75"), 2)  # households: 1125 / 12
    for year in (2020, 2022):
        wb = load_workbook(recalculated / f"verksamhetsplan-{year}.xlsx", data_only=True)
        view = views.budget_view(ds, year)
        for sheet, rows in (("Driftbudget nämnd", view.committee),
                            ("Driftbudget per enhet", [*view.units, view.unit_total])):
            ws = wb[sheet]
            for number, row in enumerate(rows, start=2):
                cells = [c.value for c in ws[number]]
                assert _close(cells[1], row.this_year) and _close(cells[2], row.last_year)
                assert _close(cells[3], row.change), (year, sheet, row.label)


def test_native_charts_in_workbooks_and_pictures_in_reports(out: Path) -> None:
    with zipfile.ZipFile(out / "2023" / "arsredovisning-2023.xlsx") as archive:
        charts = [n for n in archive.namelist() if n.startswith("xl/charts/chart")]
    assert len(charts) == 30
    for year in (2021, 2023):
        doc = open_docx(out / str(year) / f"arsredovisning-{year}.docx")
        pictures = doc.inline_shapes
        assert len(pictures) == 6
        for shape in pictures:
            alt = shape._inline.docPr.get("descr")
            assert alt.startswith("Linjediagram, ")
        assert f"månadsvärden per år {year - 2}–{year}" in pictures[0]._inline.docPr.get("descr")


def test_text_beginning_with_equals_stays_text(data_copy: Path, tmp_path: Path) -> None:
    replace_in(data_copy / "2022" / "verksamhetsplan.yaml", "Kontinuitet för",
               "=HYPERLINK(\\\"http://example.invalid\\\")+Kontinuitet för")
    build(tmp_path, data_copy, "vp", "2022", "--format", "xlsx")
    ws = load_workbook(tmp_path / "2022" / "verksamhetsplan-2022.xlsx")["Internkontrollplan"]
    cells = [c for c in ws["B"] if str(c.value).startswith("=HYPERLINK")]
    assert len(cells) == 1 and cells[0].data_type == "s"
    labels = load_workbook(tmp_path / "2022" / "verksamhetsplan-2022.xlsx")["Läs mig"]
    assert labels["A1"].data_type == "s"


def test_labels_starting_with_minus_are_text(out: Path) -> None:
    ws = load_workbook(out / "2023" / "arsredovisning-2023.xlsx")["Personal"]
    assert ws["A3"].value == "- varav kvinnor" and ws["A3"].data_type == "s"


def test_sheet_names_within_excels_limits() -> None:
    taken: set[str] = set()
    assert sheet_name("Resultaträkning", taken) == "Resultaträkning"
    long = sheet_name("Ett mycket långt namn på ett blad som inte får plats", taken)
    assert len(long) == 31
    assert sheet_name("a/b:c*d?[e]", taken) == "a-b-c-d--e-"
    again = sheet_name("resultaträkning", taken)
    assert again == "resultaträkning (2)"


def test_format_option(tmp_path: Path) -> None:
    build(tmp_path, DATA, "årsredovisning", "2023", "--format", "all")
    pdf = ["arsredovisning-2023.pdf"] if shutil.which("soffice") else []
    assert sorted(p.name for p in (tmp_path / "2023").iterdir()) == sorted([
        "arsredovisning-2023.docx", "arsredovisning-2023.xlsx", *pdf])
    result = runner.invoke(app, ["build", "mbl", "2022", "--format", "xlsx", "--data",
                                 str(DATA), "--out", str(tmp_path)])
    assert result.exit_code == 2
    result = runner.invoke(app, ["build", "vp", "2022", "--format", "pptx", "--data",
                                 str(DATA), "--out", str(tmp_path)])
    assert result.exit_code == 2


def test_charts_are_drawn_once_and_cached(chart_cache: Path) -> None:
    from snplan.render.charts import cache_dir, cached_group_chart

    ds = load(DATA)
    group = views.monthly_view(ds, 2023)[0]
    first = cached_group_chart(group)
    assert cache_dir().is_relative_to(chart_cache)
    cached = list(cache_dir().glob("*.png"))
    assert cached
    second = cached_group_chart(group)
    assert second.png == first.png
    assert first.alt.startswith("Linjediagram, Ekonomiskt bistånd: månadsvärden per år 2021–2023")
