"""Excel workbooks: source figures in input cells, formulas in every computed cell and every
total the data does not enter, the values LibreOffice computes from the formulas equal to the
Word table cell by cell (also after changes that used to split the two), native charts, and
text that stays text."""

from __future__ import annotations

import os
import shutil
import subprocess
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass
from decimal import Decimal as D
from pathlib import Path

import pytest
from docx.table import Table as DocxTable
from openpyxl import Workbook, load_workbook
from openpyxl.worksheet.worksheet import Worksheet
from typer.testing import CliRunner

from snplan.blocks.monthly import chart, monthly_view
from snplan.blocks.table import ROUNDING_DIFFERENCES
from snplan.cli import app
from snplan.documents.resolve import tables_of
from snplan.output.xlsx import BOLD, INPUT_FILL, INPUT_FONT, sheet_name, styled
from snplan.source.load import load
from snplan.tables import Table
from snplan.tables import format as fmt
from snplan.tables.numbers import round_half_up

from .conftest import DATA, OTHER_ORG, ROOT, replace_in
from .docx_read import open_docx, rows_of

W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"

runner = CliRunner()


def build(out: Path, data: Path, *args: str) -> None:
    result = runner.invoke(app, ["build", *args, "--out", str(out), "--data", str(data),
                                 "--templates", str(ROOT / "templates")])
    assert result.exit_code == 0, result.output


def recalculate(files: list[Path], target: Path) -> Path:
    """The workbooks opened, recalculated and saved again by LibreOffice."""
    soffice = shutil.which("soffice") or shutil.which("libreoffice")
    if soffice is None:
        if os.environ.get("CI"):
            pytest.fail("LibreOffice is not installed; .ci/run installs it")
        pytest.skip("LibreOffice is not installed")
    result = subprocess.run(
        [soffice, "--headless", f"-env:UserInstallation=file://{target / 'profile'}",
         "--convert-to", "xlsx", "--outdir", str(target), *map(str, files)],
        capture_output=True, text=True, timeout=600, check=False)
    assert result.returncode == 0, result.stderr
    return target


@pytest.fixture(scope="module")
def out(tmp_path_factory: pytest.TempPathFactory) -> Path:
    target = tmp_path_factory.mktemp("xlsx")
    build(target, DATA, "--all", "--format", "docx")
    build(target, DATA, "--all", "--format", "xlsx")
    return target


@pytest.fixture(scope="module")
def recalculated(out: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    return recalculate(sorted(out.rglob("*.xlsx")), tmp_path_factory.mktemp("recalc"))


def test_workbooks_are_built_for_plans_and_reports(out: Path) -> None:
    assert sorted(str(p.relative_to(out)) for p in out.rglob("*.xlsx")) == [
        "2020/verksamhetsplan-2020.xlsx", "2021/arsredovisning-2021.xlsx",
        "2022/verksamhetsplan-2022.xlsx", "2023/arsredovisning-2023.xlsx"]


def test_inputs_are_figures_and_derived_cells_are_formulas(out: Path) -> None:
    wb = load_workbook(out / "2023" / "arsredovisning-2023.xlsx")
    ws = wb["Driftredovisning"]  # named for its chapter: its heading is the column header
    assert [c.value for c in ws[1]] == ["Resultaträkning (mkr)", "2023", "2022", "% 23/22",
                                        "Budgetavvikelse", "Budget", "Prognos",
                                        "Prognosavvikelse", "Förändring"]
    bidrag = {c.column_letter: c.value for c in ws[4]}
    assert bidrag["A"] == "Bidrag"
    assert (bidrag["B"], bidrag["C"], bidrag["F"], bidrag["G"]) == (31.9, 27.9, 19.8, 32.5)
    assert bidrag["E"] == '=IF(OR(B4="",F4=""),"",B4-F4)'
    assert bidrag["H"] == '=IF(OR(B4="",G4=""),"",B4-G4)'
    assert bidrag["D"] is None  # the percentage is shown on totals only
    # the revenue total is the printed 51,0 (rows add to 50,9): an input, as in the engine;
    # the cost total of 2022 adds up and is a formula over its rows; the 2023 net is printed
    assert ws["B7"].value == 51.0
    assert ws["C13"].value == '=IF(OR(C8="",C9="",C10="",C11="",C12=""),"",C8+C9+C10+C11+C12)'
    assert ws["D13"].value == '=IF(OR(B13="",C13=""),"",IF(C13=0,"",B13/C13-1))'
    assert ws["B14"].value == -198.8
    assert ws.freeze_panes == "B2"
    assert ws.print_title_rows == "$1:$1"
    assert ws["B4"].fill.fgColor.rgb.endswith("FFF8DC")  # input style
    assert ws["E4"].fill.fgColor.rgb in (None, "00000000")  # derived: no input fill
    assert ws["B4"].number_format == "#,##0.0"
    assert ws["D13"].number_format == "0.0 %"
    months = wb["Verksamhetsmått"]
    found = [row for row in months.iter_rows(values_only=True) if row[0] == "2023"][0]
    assert found[1:13] == (93, 95, 103, 84, 92, 80, 87, 88, 90, 90, 109, 114)
    assert str(found[13]).startswith("=AVERAGE(B")
    plan = load_workbook(out / "2022" / "verksamhetsplan-2022.xlsx")
    units = plan["Driftbudget, per verksamhet"]
    assert [c.value for c in units[4]] == ["Ekonomi- och arbetsmarknadsenheten", -47.4, -52.8,
                                           '=IF(OR(B4="",C4=""),"",ABS(B4)-ABS(C4))']
    assert units["B6"].value == '=IF(OR(B2="",B3="",B4="",B5=""),"",B2+B3+B4+B5)'
    control = plan["Internkontrollplan"]
    assert [c.value for c in control[1]][:5] == ["Kategori", "Process/Rutin", "Sannolikhet",
                                                 "Konsekvens", "Riskindex"]
    assert control["E2"].value == 12


def _shown_in_word(value: object, decimals: int, percent: bool) -> str:
    """An Excel value as the Word document prints the same figure."""
    if value in (None, ""):
        return "–"
    figure = D(str(value))
    if percent:
        return fmt.percent(figure * 100, decimals)
    return fmt.number(figure, decimals)


@dataclass
class Matched:
    """One table of one plan or report: the engine's table (its structure), the Word table
    as printed and the recalculated workbook's sheet."""

    stem: str
    key: str
    table: Table
    word: list[list[str]]
    word_table: DocxTable
    sheet: Worksheet


def matched_tables(data: Path, docx_dir: Path, recalculated: Path) -> Iterator[Matched]:
    ds = load(data)
    for path in sorted(docx_dir.rglob("*.docx")):
        stem = path.stem
        kind, _, year_text = stem.rpartition("-")
        if kind not in {"verksamhetsplan", "arsredovisning"}:
            continue
        year = int(year_text)
        doc = open_docx(path)
        workbook = load_workbook(recalculated / f"{stem}.xlsx", data_only=True)
        sheets = [workbook[name] for name in workbook.sheetnames]
        for key, table in tables_of(ds, kind, year).items():
            header = [table.caption] + [c.header.replace("\u00ad", "") for c in table.visible]
            labels = [row.label for row in table.rows]
            matches = [t for t in doc.tables if rows_of(t)[0] == header
                       and [r[0].strip() for r in rows_of(t)[1:]] == labels]
            if not matches:
                continue  # a table the outline does not print (figures for prose only)
            all_headers = [table.caption] + [c.header.replace("\u00ad", "")
                                             for c in table.columns]
            sheet = next(ws for ws in sheets if [c.value for c in ws[1]] == all_headers
                         and [ws.cell(i + 2, 1).value for i in range(len(labels))] == labels)
            yield Matched(stem, key, table, rows_of(matches[0]), matches[0], sheet)


def assert_workbook_equals_word(data: Path, docx_dir: Path, recalculated: Path) -> int:
    """Every figure of every table of every plan and report: the recalculated workbook shows
    what the Word table shows. Returns how many cells were compared."""
    compared = 0
    for m in matched_tables(data, docx_dir, recalculated):
        table, word, stem, key = m.table, m.word, m.stem, m.key
        excel_header = [c.value for c in m.sheet[1]]
        for index, row in enumerate(table.rows, start=1):
            excel_row = [c.value for c in m.sheet[index + 1]]
            assert word[index][0].strip() == row.label == excel_row[0], (stem, key, row.id)
            for column_index, column in enumerate(table.visible, start=1):
                if not column.figure:
                    continue
                cell = row.cells[column.id]
                excel = excel_row[excel_header.index(column.header.replace("\u00ad", ""))]
                expected = word[index][column_index]
                if cell.origin == "blank":
                    assert expected == "" and excel in (None, ""), (stem, key, row.id)
                    continue
                assert _shown_in_word(excel, cell.decimals, column.percent) == expected, (
                    stem, key, row.id, column.id, excel, expected)
                compared += 1
    return compared


def _figure(text: str) -> D | None:
    """A printed figure read back ("-1 234,5", "6,0 %"); None for "–" or an empty cell."""
    text = text.replace("\u00a0", "").replace(" ", "").replace("%", "").replace(",", ".")
    return None if text in ("", "–") else D(text)


def _text_after(table: DocxTable) -> str:
    """The paragraphs after a Word table up to the next table or heading (its footnotes)."""
    lines = []
    element = table._tbl.getnext()
    while element is not None and element.tag.endswith("}p"):
        style = element.find(f"{W}pPr/{W}pStyle")
        if style is not None and style.get(f"{W}val", "").startswith("Heading"):
            break
        lines.append("".join(t.text or "" for t in element.iter(f"{W}t")))
        element = element.getnext()
    return " ".join(lines)


def assert_every_table_adds_up(data: Path, docx_dir: Path, recalculated: Path
                               ) -> tuple[int, list[tuple[str, str, str, str]]]:
    """In every table of every plan and report, every total's printed figure is the sum of
    its rows' printed figures, in each column that adds up (figures and linear
    computations: deviations, differences), in Word and in the recalculated workbook (each
    value rounded as printed); or, where a source total was entered beside rounded rows,
    the table's footnote says that rounding differences occur. Returns the sums checked and
    those that differ by rounding (stem, table, total, column)."""
    checked = 0
    rounded: list[tuple[str, str, str, str]] = []
    for m in matched_tables(data, docx_dir, recalculated):
        table = m.table
        excel_header = [c.value for c in m.sheet[1]]
        footnote = _text_after(m.word_table)
        for total in table.rows:
            if not total.total or not total.children:
                continue
            for number, column in enumerate(table.visible, start=1):
                if not table.additive(column, total):
                    continue
                where = excel_header.index(column.header.replace("\u00ad", ""))
                index = table.rows.index(total)
                parts = [table.rows.index(table.rows[i]) for i in total.children]
                word = [_figure(m.word[i + 1][number]) for i in parts]
                word_total = _figure(m.word[index + 1][number])
                excel = [m.sheet.cell(i + 2, where + 1).value for i in parts]
                excel_total = m.sheet.cell(index + 2, where + 1).value
                if word_total is None or None in word or None in excel or excel_total is None:
                    continue
                decimals = total.cells[column.id].decimals
                shown = [round_half_up(D(str(v)), decimals) for v in excel]
                shown_total = round_half_up(D(str(excel_total)), decimals)
                balanced = sum(word) == word_total  # type: ignore[arg-type]
                assert sum(shown) == shown_total or not balanced, (m.stem, m.key, total.id)
                if not balanced:
                    assert ROUNDING_DIFFERENCES[:40] in footnote, (
                        m.stem, m.key, total.id, column.id, word, word_total)
                    rounded.append((m.stem, m.key, total.id, column.id))
                checked += 1
    return checked, rounded


def test_libreoffice_recalculation_equals_the_word_tables(out: Path, recalculated: Path
                                                          ) -> None:
    assert assert_workbook_equals_word(DATA, out, recalculated) > 300
    wb = load_workbook(recalculated / "arsredovisning-2023.xlsx", data_only=True)
    measures = [r for r in wb["Verksamhetsmått"].iter_rows(values_only=True) if r[0] == "2023"]
    assert round(D(str(measures[0][13])), 2) == D("93.75")  # households: 1125 / 12


def test_every_table_adds_up_in_word_and_in_the_workbook(out: Path, recalculated: Path
                                                         ) -> None:
    checked, rounded = assert_every_table_adds_up(DATA, out, recalculated)
    assert checked >= 60
    # ÅR 2023's cost rows' budget deviations print 1,5 + 14,3 + 1,0 + 0,0 + 3,0 = 19,8 against
    # the total's 19,7 (computed from the entered total −269,6): the footnote says so
    assert ("arsredovisning-2023", "resultatrakning", "kostnader", "budgetavvikelse") in rounded


def test_every_table_of_another_organisation_adds_up(tmp_path: Path) -> None:
    build(tmp_path / "out", OTHER_ORG, "--all", "--format", "docx")
    build(tmp_path / "out", OTHER_ORG, "--all", "--format", "xlsx")
    recalculated = recalculate(sorted((tmp_path / "out").rglob("*.xlsx")), tmp_path / "re")
    assert assert_workbook_equals_word(OTHER_ORG, tmp_path / "out", recalculated) > 20
    assert assert_every_table_adds_up(OTHER_ORG, tmp_path / "out", recalculated)[0] >= 5


def test_changes_that_used_to_split_word_from_excel(data_copy: Path, tmp_path: Path) -> None:
    """Fold a 2023 cost row into another, drop one activity's forecast, and remove a row of
    the previous year: Word and the recalculated workbook still agree cell by cell (the
    folded row shows with zero for 2023 and its 2022 figure; the missing forecast leaves its
    deviation empty, never a figure computed from nothing)."""
    report = data_copy / "2023" / "arsredovisning.yaml"
    # Övriga kostnader (-22,0 / -25,0 / -20,0) folded into Köp av verksamhet
    text = report.read_text(encoding="utf-8")
    start = text.index("    ovriga-kostnader:\n")
    end = text.index("    intakter:\n", start)
    text = text[:start] + text[end:]
    text = text.replace("    kop-av-verksamhet:\n      utfall: -64.2\n      budget: -78.5\n"
                        "      prognos: -70.0\n",
                        "    kop-av-verksamhet:\n      utfall: -86.2\n      budget: -103.5\n"
                        "      prognos: -90.0\n")
    text = text.replace("    vuxen:\n      utfall: -62.3\n      budget: -72.4\n"
                        "      prognos: -65.0\n", "    vuxen:\n      utfall: -62.3\n"
                        "      budget: -72.4\n")
    report.write_text(text, encoding="utf-8")
    previous = data_copy / "2022" / "arsredovisning.yaml"
    replace_in(previous, "  kapitalkostnader:\n    utfall: 0.0\n", "")
    out = tmp_path / "out"
    build(out, data_copy, "ar", "2023", "--format", "docx")
    build(out, data_copy, "ar", "2023", "--format", "xlsx")
    recalculated = recalculate([out / "2023" / "arsredovisning-2023.xlsx"], tmp_path / "re")
    assert assert_workbook_equals_word(data_copy, out, recalculated) > 100
    word = {r[0]: r[1:] for t in open_docx(out / "2023" / "arsredovisning-2023.docx").tables
            for r in rows_of(t)}
    assert word["Övriga kostnader"][:2] == ["0,0", "-25,4"]  # folded in 2023, there in 2022
    assert word["Summa kostnader"][1] == "-247,6"  # 2022's own total, in Word and Excel
    assert word["Vuxen"][5:] == ["–", "–"]  # no forecast: no forecast deviation
    assert word["Kapitalkostnader"][1] == "0,0"  # the row 2022 lacks held no money


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
    ws = load_workbook(out / "2023" / "arsredovisning-2023.xlsx")["Väsentliga personalförhållanden"]
    assert ws["A3"].value == "- varav kvinnor" and ws["A3"].data_type == "s"


def test_sheet_names_within_excels_limits() -> None:
    taken: set[str] = set()
    assert sheet_name("Resultaträkning", taken) == "Resultaträkning"
    long = sheet_name("Ett mycket långt namn på ett blad som inte får plats", taken)
    assert long == "Ett mycket långt namn på ett"  # at most 31 characters, cut at a word
    cut = sheet_name("Förändring mot föregående år per orsak", taken)
    assert cut == "Förändring mot föregående år"  # not "… år pe" (issue 20)
    assert sheet_name("Förändring mot föregående år per enhet", taken) == \
        "Förändring mot föregående (2)"
    assert sheet_name("a/b:c*d?[e]", taken) == "a-b-c-d--e-"
    again = sheet_name("resultaträkning", taken)
    assert again == "resultaträkning (2)"


def test_format_option(tmp_path: Path) -> None:
    build(tmp_path, DATA, "årsredovisning", "2023", "--format", "all")
    # all: Word, Excel, the PDF (through Typst, nothing to install) and the web edition
    assert sorted(p.name for p in (tmp_path / "2023").iterdir()) == sorted([
        "arsredovisning-2023.docx", "arsredovisning-2023.xlsx", "arsredovisning-2023.pdf",
        "arsredovisning-2023.html"])
    result = runner.invoke(app, ["build", "mbl", "2022", "--format", "xlsx", "--data",
                                 str(DATA), "--out", str(tmp_path)])
    assert result.exit_code == 2
    result = runner.invoke(app, ["build", "vp", "2022", "--format", "pptx", "--data",
                                 str(DATA), "--out", str(tmp_path)])
    assert result.exit_code == 2


def test_charts_are_drawn_once_and_cached(chart_cache: Path) -> None:
    from snplan.output.charts import cache_dir, cached_group_chart

    ds = load(DATA)
    group = chart(monthly_view(ds, "arsredovisning", "verksamhetsmatt", 2023)[0],
                  "verksamhetsmatt")
    first = cached_group_chart(group)
    assert cache_dir().is_relative_to(chart_cache)
    cached = list(cache_dir().glob("*.png"))
    assert cached
    second = cached_group_chart(group)
    assert second.png == first.png
    assert first.alt.startswith("Linjediagram, Ekonomiskt bistånd: månadsvärden per år 2021–2023")


def test_a_remembered_style_is_the_one_assignment_would_give() -> None:
    """`styled` copies a remembered combination only to a cell that starts from the same
    style: a bold label given the input fill stays bold, a plain cell given it does not
    become bold, and each has what assigning the styles one by one gives."""
    ws = Workbook().active
    bold, plain, again = ws["A1"], ws["A2"], ws["A3"]
    styled(bold, font=BOLD)
    styled(bold, fill=INPUT_FILL)
    styled(plain, fill=INPUT_FILL)
    styled(again, number_format="#,##0.0", fill=INPUT_FILL, font=INPUT_FONT)
    assert bold.font.b and bold.fill.fgColor.rgb == "00FFF8DC"
    assert not plain.font.b and plain.fill.fgColor.rgb == "00FFF8DC"
    assert again.number_format == "#,##0.0" and again.font.color.rgb == "001F4E79"
    assert again.fill.fgColor.rgb == "00FFF8DC" and not again.font.b
