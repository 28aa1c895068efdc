"""The tables other committees print (issue 20), on Norrby's plan (`tests/fixtures/norrby`):
a line outside the total, a percentage of change on the size of this year's figure, a change
by cause that reads the units table instead of entering its figures again, key-figure groups
without a total under heading rows, computed rows (an average and a sum), a measure whose
target is words, and the document's footnotes switched off as a whole. Every figure below is
calculated by hand in the fixture's comments; each is checked in Word and in the workbook that
LibreOffice recalculated from its formulas."""

from __future__ import annotations

import io
import re
import shutil
from pathlib import Path

import pytest
from docx import Document
from lxml import etree
from openpyxl import load_workbook
from typer.testing import CliRunner

from snplan.cli import app
from snplan.prose.markup import blocks
from snplan.tree import Cover, PageBreak, Section, Text

from .conftest import line_after, line_of, replace_in
from .docx_read import all_text, open_docx, rows_of, table_starting_with
from .test_workbooks import recalculate
from .word_trees import render

NORRBY = Path(__file__).resolve().parent / "fixtures" / "norrby"
runner = CliRunner()
W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"


def _build(out: Path, data: Path, *formats: str) -> None:
    for fmt in formats:
        result = runner.invoke(app, ["build", "vp", "2025", "--format", fmt, "--data",
                                     str(data), "--out", str(out)])
        assert result.exit_code == 0, result.output


@pytest.fixture(scope="module")
def out(tmp_path_factory: pytest.TempPathFactory) -> Path:
    target = tmp_path_factory.mktemp("norrby")
    _build(target, NORRBY, "docx", "xlsx")
    return target


@pytest.fixture(scope="module")
def plan(out: Path):  # noqa: ANN201 - a python-docx document
    return open_docx(out / "2025" / "verksamhetsplan-2025.docx")


def table(plan, first: str) -> list[list[str]]:  # noqa: ANN001
    return [[c.replace("\u00a0", " ") for c in row]
            for row in rows_of(table_starting_with(plan, first))]


def test_a_line_outside_the_total_is_printed_after_it(plan) -> None:  # noqa: ANN001
    rows = table(plan, "Sammanställning (tkr)")
    assert rows == [
        ["Sammanställning (tkr)", "Budget 2024", "Budget 2025", "Förändring"],
        ["Intäkter", "12 500", "13 000", "500"],
        ["Kostnader", "-98 000", "-101 000", "-3 000"],  # signed, this table's convention
        ["Verksamhetens nettokostnad", "-85 500", "-88 000", "-2 500"],
        ["Nettoinvesteringar", "0", "0", "0"],  # not added into the net cost
    ]


def test_the_change_as_a_share_of_this_years_size(plan) -> None:  # noqa: ANN001
    rows = table(plan, "Verksamhet (tkr)")
    assert rows[1:] == [
        ["Individ- och familjeomsorg", "-50 000", "-52 000", "-2 000", "-3,8 %"],
        ["Ekonomiskt bistånd", "-23 923", "-22 278", "1 645", "7,4 %"],  # the cost fell
        ["Stöd och service", "-13 222", "-13 722", "-500", "-3,6 %"],
        ["Summa nämnden", "-87 145", "-88 000", "-855", "-1 %"],  # totals: no decimals
    ]
    text = all_text(plan)
    assert ("Förändring, % = (nettokostnad 2025 − nettokostnad 2024) / |nettokostnad "
            "2025|: positiv när intäkterna ökar eller kostnaderna minskar.") in text


def test_a_column_reads_another_table(plan) -> None:  # noqa: ANN001
    """The change by cause prints last year's and this year's net and the units table's
    change without entering them: entered once, both tables show them."""
    rows = table(plan, "Orsak (tkr)")
    assert rows[1:] == [
        ["Individ- och familjeomsorg", "-50 000", "-1 500", "-800", "300", "-2 000", "-2 000",
         "-52 000"],
        ["Ekonomiskt bistånd", "-23 923", "1 200", "0", "445", "1 645", "1 645", "-22 278"],
        ["Stöd och service", "-13 222", "-200", "-300", "0", "-500", "-500", "-13 722"],
        ["Summa nämnden", "-87 145", "-500", "-1 100", "745", "-855", "-855", "-88 000"],
    ]


def test_groups_without_a_total_and_computed_rows(plan) -> None:  # noqa: ANN001
    rows = table(plan, "Nyckeltal")
    assert rows[1:] == [
        ["HVB-placeringar barn", "", "", ""],  # a heading row: no figures, no total
        ["Vårddygn", "dygn", "2 555", "2 920"],
        ["Placeringar", "antal", "7", "8"],
        ["Kostnad totalt", "tkr", "6 800", "7 894"],
        ["Kostnad per vårddygn", "kr/dygn", "2 661", "2 703"],  # 7 894 / 2 920 × 1 000
        ["Familjehemsplaceringar", "", "", ""],
        ["Vårddygn i egna familjehem", "dygn", "11 000", "11 597"],
        ["Vårddygn i konsulentstödda familjehem", "dygn", "900", "845"],
        ["Vårddygn totalt", "dygn", "11 900", "12 442"],  # 11 597 + 845
    ]
    text = all_text(plan)
    assert "Kostnad per vårddygn = Kostnad totalt / Vårddygn × 1000." in text
    assert ("Vårddygn totalt = Vårddygn i egna familjehem + Vårddygn i konsulentstödda "
            "familjehem.") in text
    # the heading rows are bold and their rows indented under them
    word = table_starting_with(plan, "Nyckeltal")
    heading = word.rows[1].cells[0].paragraphs[0]
    assert all(run.bold for run in heading.runs)
    sub = word.rows[2].cells[0].paragraphs[0]._p
    assert sub.find(f"{W}pPr/{W}ind") is not None


def test_the_document_switches_its_rounding_footnotes_off(plan) -> None:  # noqa: ANN001
    text = all_text(plan)
    assert "Beloppen är avrundade var för sig" not in text
    assert "Summa förändring = Volym + Index + Övrigt." in text  # definitions still printed


def test_a_measure_with_a_target_in_words(plan) -> None:  # noqa: ANN001
    rows = table(plan, "Mått")
    assert rows[1] == ["Andel placerade barn i egna familjehem", "procent", "93",
                       "behålla nivån", "95"]


def test_the_workbook_computes_the_same_figures(out: Path,
                                                tmp_path_factory: pytest.TempPathFactory
                                                ) -> None:
    source = out / "2025" / "verksamhetsplan-2025.xlsx"
    formulas = load_workbook(source)
    cause = formulas["Förändring per orsak"]
    # read from the units table's sheet, not entered again
    assert cause["B2"].value == "='Budget per verksamhet'!B2"
    assert cause["G3"].value == "='Budget per verksamhet'!D3"
    assert formulas["Nyckeltal"]["D6"].value.startswith('=IF(OR(D5="",D3=""),"",')
    recalculated = load_workbook(recalculate([source], tmp_path_factory.mktemp("recalc"))
                                 / source.name, data_only=True)
    units = recalculated["Budget per verksamhet"]
    assert [units["D3"].value, round(units["E3"].value, 4)] == [1645, 0.0738]
    assert round(units["E5"].value, 4) == -0.0097
    cause = recalculated["Förändring per orsak"]
    assert [cause.cell(5, c).value for c in range(2, 9)] == [-87145, -500, -1100, 745,
                                                             -855, -855, -88000]
    keys = recalculated["Nyckeltal"]
    assert round(keys["D6"].value) == 2703 and round(keys["C6"].value) == 2661
    assert keys["D10"].value == 12442
    summary = recalculated["Sammanställning"]
    assert [summary["C4"].value, summary["A5"].value] == [-88000, "Nettoinvesteringar"]


def _validate(data: Path) -> str:
    result = runner.invoke(app, ["validate", "--data", str(data)])
    assert result.exit_code == 1, result.output
    return result.output


@pytest.fixture
def norrby(tmp_path: Path) -> Path:
    target = tmp_path / "norrby"
    shutil.copytree(NORRBY, target)
    return target


def test_a_computed_rows_figure_cannot_be_entered(norrby: Path) -> None:
    plan = norrby / "2025" / "verksamhetsplan.yaml"
    replace_in(plan, "  hvb-kostnad: 7894\n", "  hvb-kostnad: 7894\n  hvb-snitt: 2700\n")
    output = _validate(norrby)
    line = line_of(norrby / "organisation.yaml", "id: hvb-snitt")
    # named as the file writes it (a row of the standard figure written as a bare number)
    assert (f"verksamhetsplan.yaml:{line_of(plan, 'hvb-snitt')}: nyckeltal.hvb-snitt: the "
            f"row 'hvb-snitt' is computed (kvot of hvb-kostnad, hvb-vardygn, "
            f"organisation.yaml:{line}); its figures are never entered") in output


def test_a_figure_another_table_holds_cannot_be_entered_again(norrby: Path) -> None:
    plan = norrby / "2025" / "verksamhetsplan.yaml"
    replace_in(plan, "  ifo: {volym: -1500, index: -800, ovrigt: 300}",
               "  ifo: {volym: -1500, index: -800, ovrigt: 300, netto: -52000}")
    output = _validate(norrby)
    assert re.search(r"verksamhetsplan\.yaml:\d+: forandringsanalys\.ifo\.netto: the "
                     r"table reads netto of 'ifo' from the table 'budget_per_enhet'; a figure "
                     r"is entered once: enter it there", output), output


def test_a_misspelt_kind_of_figure_is_named_with_the_nearest(norrby: Path) -> None:
    plan = norrby / "2025" / "verksamhetsplan.yaml"
    replace_in(plan, "  ifo: {volym: -1500,", "  ifo: {volym: -1500, ovrigtt: 1,")
    output = _validate(norrby)
    assert "forandringsanalys.ifo.ovrigtt: no column reads the figure 'ovrigtt'" \
        in output and "did you mean 'ovrigt'?" in output


def test_standard_is_named_in_both_messages(norrby: Path) -> None:
    plan = norrby / "2025" / "verksamhetsplan.yaml"
    replace_in(plan, "budget_per_enhet:\n", "budget_per_enhet:\n  standard: netto\n")
    assert "budget_per_enhet: 'standard' is not the data's to say" in _validate(norrby)
    replace_in(plan, "budget_per_enhet:\n  standard: netto\n", "budget_per_enhet:\n")
    outline = norrby / "disposition" / "verksamhetsplan.yaml"
    replace_in(outline, "          standard: netto\n", "")
    output = _validate(norrby)
    assert "budget_per_enhet.ifo: a bare number (-52000) stands for the kind of figure the " \
        "outline's table names as its standard (tabell: {standard: budget} in the outline)" \
        in output


def test_a_column_reading_a_table_the_outline_lacks(norrby: Path) -> None:
    outline = norrby / "disposition" / "verksamhetsplan.yaml"
    replace_in(outline, "{id: fjol, block: budget_per_enhet,", "{id: fjol, block: enheter,")
    output = _validate(norrby)
    assert "the column 'fjol' reads the table 'enheter', which is not a table of this " \
        "outline" in output


def test_no_page_holds_only_its_header_and_footer() -> None:
    """A chapter that starts on a new page right after a page break (the cover's) does not
    leave an empty page between them."""
    data = render([Cover("Norrby kommun", "Socialnämnden", "Plan"), PageBreak(),
                   Section((Text("Inledning"),), 1, (), page_break=True)])
    root = etree.fromstring(__import__("zipfile").ZipFile(io.BytesIO(data)).read(
        "word/document.xml"))
    breaks = root.findall(f".//{W}br[@{W}type='page']")
    assert len(breaks) == 1


def test_a_numbered_list_continues_across_a_paragraph() -> None:
    """"3." and "4." after a paragraph print as 3 and 4, not 1 and 2."""
    data = render(list(blocks("1. ett\n2. två\n\nStycke.\n\n3. tre\n4. fyra\n")))
    package = __import__("zipfile").ZipFile(io.BytesIO(data))
    numbering = etree.fromstring(package.read("word/numbering.xml"))
    starts = [o.find(f"{W}startOverride").get(f"{W}val")
              for o in numbering.iter(f"{W}lvlOverride")]
    assert starts == ["1", "3"]
    assert [p.text for p in Document(io.BytesIO(data)).paragraphs] == [
        "ett", "två", "Stycke.", "tre", "fyra"]


def test_a_product_over_a_text_column_is_refused_at_the_outline(norrby: Path) -> None:
    """`berakning` over a column of words is an error at the outline's line, not a crash of
    `validate` when it multiplies text."""
    outline = norrby / "disposition" / "verksamhetsplan.yaml"
    replace_in(outline, "            - {id: total, berakning: summa, av: [volym, index, ovrigt], "
               "rubrik: \"Summa förändring\"}",
               "            - {id: total, berakning: summa, av: [volym, index, ovrigt], "
               "rubrik: \"Summa förändring\"}\n"
               "            - {id: orsak, falt: orsak, typ: text, rubrik: Orsak}\n"
               "            - {id: gange, berakning: produkt, av: [volym, orsak], rubrik: X}")
    result = runner.invoke(app, ["validate", "--data", str(norrby)])
    assert result.exit_code == 1, result.output
    assert "column 'gange' is computed from 'orsak', which holds text, not figures" \
        in result.output
    table_line = line_after(outline, "block: forandringsanalys", "tabell:")
    assert f"disposition/verksamhetsplan.yaml:{table_line}: kapitel[1].kapitel[2].tabell: " \
        "column 'gange'" in result.output
    assert "Traceback" not in result.output


def test_the_text_after_a_table_is_prose_whose_figures_are_checked(tmp_path: Path) -> None:
    # Norrby's ekonomiskt bistånd: −22 278 − (−23 923) = 1 645 tkr, a change the table
    # computes; typed by hand after the table it must be named like one typed before it
    data = tmp_path / "norrby"
    shutil.copytree(NORRBY, data)
    plan = data / "2025" / "verksamhetsplan.yaml"
    replace_in(plan, "budget_per_enhet:\n  ifo: -52000\n  ekonomiskt-bistand: -22278\n"
               "  stod: -13722\n",
               "budget_per_enhet:\n  rader:\n    ifo: -52000\n    ekonomiskt-bistand: -22278\n"
               "    stod: -13722\n  efter: Ekonomiskt bistånd minskar med 1 645 tkr.\n")
    line = line_of(plan, "  efter: Ekonomiskt")
    result = runner.invoke(app, ["validate", "--strict", "--data", str(data)])
    assert result.exit_code == 1, result.output
    assert (f"2025/verksamhetsplan.yaml:{line}: warning: budget_per_enhet.efter: the prose "
            "types 1 645, which table 'budget_per_enhet' computes (row 'Ekonomiskt bistånd', "
            "column 'Förändring')") in result.output
    # written as the expression it names, the same sentence passes and prints 1 645
    replace_in(plan, "med 1 645 tkr", "med {{ budget_per_enhet['ekonomiskt-bistand']."
               "forandring | belopp }} tkr")
    clean = runner.invoke(app, ["validate", "--strict", "--data", str(data)])
    assert clean.exit_code == 0, clean.output
    _build(tmp_path / "out", data, "docx")
    text = all_text(open_docx(tmp_path / "out" / "2025" / "verksamhetsplan-2025.docx"))
    assert "Ekonomiskt bistånd minskar med 1 645 tkr." in text.replace("\u00a0", " ")
