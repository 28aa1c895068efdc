"""A second organisation end to end: tests/fixtures/exempelby, Exempelby kommun's vård- och
omsorgsnämnd, uses every generality of the data model with its own outlines, and snplan
serves it without a line of code changing.

Every expected figure below is calculated by hand from the YAML of the fixture; the
arithmetic stands beside it. The organisation's conventions (`konventioner`):

- Förändring = this − last on signed values (`signerad`): a cost that grew is negative;
- procent = (this − last) / this (`procentbas: i_ar`), one decimal, half up;
- amounts in tkr, no decimals; fees in kronor.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
import yaml
from docx.document import Document as DocumentObject
from jsonschema import Draft202012Validator
from openpyxl import load_workbook
from typer.testing import CliRunner

from snplan.cli import app

from .docx_read import all_text, headings, open_docx, rows_of, table_starting_with
from .test_schemas import _EditorLoader
from .test_workbooks import assert_every_table_adds_up, assert_workbook_equals_word, recalculate

FIXTURE = Path(__file__).resolve().parent / "fixtures" / "exempelby"

runner = CliRunner()

DOCUMENTS = [
    "2023/arsredovisning-2023",
    "2023/delarsrapport-2023",
    "2023/tertialrapport-2023",
    "2023/tjansteskrivelse-delarsrapport-2023",
    "2023/verksamhetsplan-2023",
    "2024/mbl-verksamhetsplan-2024",
    "2024/tjansteskrivelse-verksamhetsplan-2024",
    "2024/verksamhetsplan-2024",
]
WORKBOOKS = ["2023/arsredovisning-2023", "2023/delarsrapport-2023",
             "2023/tertialrapport-2023", "2023/verksamhetsplan-2023",
             "2024/verksamhetsplan-2024"]


@pytest.fixture(scope="module")
def out(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Every document of every year, built once in Word, Excel and Markdown."""
    target = tmp_path_factory.mktemp("exempelby")
    for kind in ("docx", "xlsx", "md"):
        result = runner.invoke(app, ["build", "--all", "--data", str(FIXTURE), "--out",
                                     str(target), "--format", kind])
        assert result.exit_code == 0, result.output
    return target


@pytest.fixture(scope="module")
def recalculated(out: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    return recalculate(sorted(out.rglob("*.xlsx")), tmp_path_factory.mktemp("recalc"))


def doc(out: Path, name: str) -> DocumentObject:
    return open_docx(out / f"{name}.docx")


def table(document: DocumentObject, first_cell: str) -> list[list[str]]:
    """A Word table as printed, with the no-break spaces of figures as plain spaces."""
    return [[cell.replace("\u00a0", " ") for cell in row]
            for row in rows_of(table_starting_with(document, first_cell))]


def text(document: DocumentObject) -> str:
    return all_text(document).replace("\u00a0", " ")


# ------------------------------------------------------------------------------ validate


def test_the_fixture_validates_without_problems() -> None:
    result = runner.invoke(app, ["validate", "--strict", "--data", str(FIXTURE)])
    assert result.exit_code == 0, result.output
    assert "Exempelby kommun, Vård- och omsorgsnämnden" in result.stdout
    assert "3 breakdowns, 5 goals, amounts in tkr" in result.stdout
    assert "warning" not in result.output and "error" not in result.output


def test_every_file_passes_the_schema_of_its_own_outline(tmp_path: Path) -> None:
    """`snplan schema --data` writes schemas that follow the organisation's outlines; every
    file of the fixture passes them (an editor checks the same way)."""
    result = runner.invoke(app, ["schema", "--data", str(FIXTURE), "--out", str(tmp_path)])
    assert result.exit_code == 0, result.output
    kinds = {"verksamhetsplan.yaml": "verksamhetsplan", "arsredovisning.yaml":
             "arsredovisning", "arenden": "tjansteskrivelse", "mbl": "mbl-protokoll",
             "disposition": "disposition", "delarsrapport.yaml": "delarsrapport",
             "tertialrapport.yaml": "tertialrapport"}
    files = sorted(FIXTURE.rglob("*.yaml"))
    assert len(files) == 18  # organisation, 5 outlines, 1 + 3 + 5 + 3 years' files
    for path in files:
        kind = "organisation" if path.name == "organisation.yaml" else \
            kinds.get(path.parent.name) or kinds[path.name]
        schema = json.loads((tmp_path / f"{kind}.schema.json").read_text(encoding="utf-8"))
        data = yaml.load(path.read_text(encoding="utf-8"), Loader=_EditorLoader)  # noqa: S506
        errors = [e.message for e in Draft202012Validator(schema).iter_errors(data)]
        assert errors == [], path


def test_a_budget_entered_in_the_report_too_is_a_fact_entered_twice(tmp_path: Path) -> None:
    """The plan and the report share the block `resultatrakning`: the report's budget column
    is the plan's budget. Entering it in the report as well is refused, with both places."""
    report = FIXTURE / "2023" / "arsredovisning.yaml"
    assert "budget:" not in report.read_text(encoding="utf-8")
    data = tmp_path / "data"
    shutil.copytree(FIXTURE, data)
    copy = data / "2023" / "arsredovisning.yaml"
    copy.write_text(copy.read_text(encoding="utf-8").replace(
        "avgifter: {utfall: 20310}", "avgifter: {budget: 19600, utfall: 20310}"),
        encoding="utf-8")
    result = runner.invoke(app, ["validate", "--data", str(data)])
    assert result.exit_code == 1
    assert "resultatrakning.avgifter.budget: this figure is entered twice" in result.output
    assert "2023/verksamhetsplan.yaml" in result.output


# ------------------------------------------------------------------------------ build


def test_every_kind_of_every_year_is_built_in_every_format(out: Path) -> None:
    built = {str(p.relative_to(out)) for p in out.rglob("*")
             if p.is_file() and not p.name.startswith(".")}
    assert built == ({f"{name}.docx" for name in DOCUMENTS}
                     | {f"{name}.md" for name in DOCUMENTS}
                     | {f"{name}.xlsx" for name in WORKBOOKS})
    # 2021 and 2022 hold only the figures later documents compare with: no document of theirs
    assert not (out / "2021").exists() and not (out / "2022").exists()


# ------------------------------------------------------------------------------ outlines


def test_plan_follows_the_organisations_own_outline(out: Path) -> None:
    """Economy before goals, fees under the economy, an appendix; Solna's chapters absent."""
    plan = doc(out, "2024/verksamhetsplan-2024")
    found = headings(plan)
    goals = ["Äldre i Exempelby ska få en trygg omsorg av god kvalitet.",
             "Brukare med hemtjänst ska möta färre olika medarbetare.",
             "Fler brukare i särskilt boende ska vara nöjda med sitt boende.",
             "Exempelby kommun ska ha en ekonomi i balans.",
             "Varje verksamhet ska hålla sin budgetram."]
    assert found == ["Inledning", "Ekonomi och budget", "Resultatbudget",
                     "Budget per verksamhet", "Förändring mot föregående år per orsak",
                     "Taxor och avgifter", "Mål och resultat", *goals, "Intern kontroll",
                     "Internkontrollplan 2024", "Bilaga 1 Särskilda boenden"]
    for default in ("Sammanfattning", "Nämndens ansvarsområden", "Driftbudget, nämnd",
                    "Konkurrensutsättning", "Medarbetare", "Organisation"):
        assert default not in found
    assert [p.text for p in plan.paragraphs][2] == "Verksamhetsplan med budget 2024"
    # the plan 2023 has no appendix in its data: the chapter is not printed at all
    assert "Bilaga 1 Särskilda boenden" not in headings(doc(out, "2023/verksamhetsplan-2023"))


def test_report_follows_the_organisations_own_outline(out: Path) -> None:
    found = headings(doc(out, "2023/arsredovisning-2023"))
    chapters = [h for h in found if not h.endswith(".")]  # goal headings are sentences
    assert chapters == ["Året i korthet", "Ekonomiskt resultat", "Resultaträkning",
                        "Måluppfyllelse", "Nyckeltal", "Uppföljning av intern kontroll",
                        "Framtid och utveckling"]
    for default in ("Förvaltningsberättelse", "Sammanfattning", "Mål och uppdrag",
                    "Väsentliga personalförhållanden", "Verksamhetsmått",
                    "Konkurrensutsättning"):
        assert default not in found


def test_memo_follows_the_organisations_own_outline(out: Path) -> None:
    memo = doc(out, "2024/tjansteskrivelse-verksamhetsplan-2024")
    assert headings(memo) == ["Verksamhetsplan med budget 2024", "Ärendet",
                              "Ekonomiska konsekvenser", "Förslag till beslut",
                              "Beslutsunderlag"]
    assert "Beslutet skickas till:" in text(memo)
    assert "Beslutet expedieras till:" not in text(memo)


# ------------------------------------------------------------------------------ the plan 2024

PLAN_2024_HEADER = ["Resultatbudget (tkr)", "Bokslut 2022", "Budget 2023", "Prognos 2023",
                    "Budget 2024", "Förändring", "Förändring, %", "Plan 2025", "Plan 2026"]


def test_plan_2024_budget_with_plan_years_sub_rows_and_group_totals(out: Path) -> None:
    """Bokslut 2022 is read from data/2022, Budget 2023 from the plan 2023, Prognos 2023 from
    the report 2023; Budget 2024 and the plan years from the plan 2024. Förändring = budget
    2024 − budget 2023 (signed); % = Förändring / budget 2024."""
    rows = table(doc(out, "2024/verksamhetsplan-2024"), "Resultatbudget (tkr)")
    assert rows[0] == PLAN_2024_HEADER
    assert rows[1:] == [
        # 21 200 − 19 600 = 1 600; 1 600 / 21 200 = 7,547 %
        ["Avgifter", "19 230", "19 600", "20 050", "21 200", "1 600", "7,5 %", "21 800",
         "22 400"],
        # 25 000 − 23 500 = 1 500; 1 500 / 25 000 = 6,0 %
        ["Bidrag", "25 870", "23 500", "26 300", "25 000", "1 500", "6,0 %", "25 000",
         "25 000"],
        # 3 100 − 3 000 = 100; 100 / 3 100 = 3,226 %
        ["Övriga intäkter", "3 120", "3 000", "3 400", "3 100", "100", "3,2 %", "3 100",
         "3 100"],
        # 19 230 + 25 870 + 3 120 = 48 220; 19 600 + 23 500 + 3 000 = 46 100;
        # 20 050 + 26 300 + 3 400 = 49 750; 21 200 + 25 000 + 3 100 = 49 300;
        # 49 300 − 46 100 = 3 200; 3 200 / 49 300 = 6,491 %;
        # 21 800 + 25 000 + 3 100 = 49 900; 22 400 + 25 000 + 3 100 = 50 500
        ["Summa verksamhetens intäkter", "48 220", "46 100", "49 750", "49 300", "3 200",
         "6,5 %", "49 900", "50 500"],
        # the group's total before its rows: −222 480 − 71 190 = −293 670;
        # −229 500 − 73 440 = −302 940; −232 800 − 74 500 = −307 300;
        # −241 800 − 77 380 = −319 180; −319 180 − (−302 940) = −16 240 (more cost: negative);
        # −16 240 / −319 180 = 5,088 %; −247 800 − 79 300 = −327 100;
        # −254 000 − 81 280 = −335 280
        ["Personalkostnader", "-293 670", "-302 940", "-307 300", "-319 180", "-16 240",
         "5,1 %", "-327 100", "-335 280"],
        # −241 800 − (−229 500) = −12 300; 12 300 / 241 800 = 5,087 %
        ["Löner", "-222 480", "-229 500", "-232 800", "-241 800", "-12 300", "5,1 %",
         "-247 800", "-254 000"],
        # −77 380 − (−73 440) = −3 940; 3 940 / 77 380 = 5,092 %
        ["Personalomkostnader", "-71 190", "-73 440", "-74 500", "-77 380", "-3 940",
         "5,1 %", "-79 300", "-81 280"],
        # −45 000 − (−43 500) = −1 500; 1 500 / 45 000 = 3,333 %
        ["Lokalkostnader", "-42 060", "-43 500", "-43 900", "-45 000", "-1 500", "3,3 %",
         "-45 900", "-46 800"],
        # −4 500 − (−4 200) = −300; 300 / 4 500 = 6,667 %
        ["Kapitalkostnader", "-3 870", "-4 200", "-4 100", "-4 500", "-300", "6,7 %",
         "-4 600", "-4 700"],
        # −68 900 − (−64 000) = −4 900; 4 900 / 68 900 = 7,112 %
        ["Köp av verksamhet", "-63 940", "-64 000", "-66 800", "-68 900", "-4 900", "7,1 %",
         "-70 600", "-72 300"],
        # −19 720 − (−18 960) = −760; 760 / 19 720 = 3,854 %
        ["Övriga kostnader", "-20 110", "-18 960", "-20 450", "-19 720", "-760", "3,9 %",
         "-20 000", "-20 300"],
        # −293 670 − 42 060 − 3 870 − 63 940 − 20 110 = −423 650;
        # −302 940 − 43 500 − 4 200 − 64 000 − 18 960 = −433 600;
        # −307 300 − 43 900 − 4 100 − 66 800 − 20 450 = −442 550;
        # −319 180 − 45 000 − 4 500 − 68 900 − 19 720 = −457 300;
        # −457 300 − (−433 600) = −23 700; 23 700 / 457 300 = 5,183 %;
        # −327 100 − 45 900 − 4 600 − 70 600 − 20 000 = −468 200;
        # −335 280 − 46 800 − 4 700 − 72 300 − 20 300 = −479 380
        ["Summa verksamhetens kostnader", "-423 650", "-433 600", "-442 550", "-457 300",
         "-23 700", "5,2 %", "-468 200", "-479 380"],
        # 48 220 − 423 650 = −375 430; 46 100 − 433 600 = −387 500;
        # 49 750 − 442 550 = −392 800; 49 300 − 457 300 = −408 000;
        # −408 000 − (−387 500) = −20 500; 20 500 / 408 000 = 5,025 %;
        # 49 900 − 468 200 = −418 300; 50 500 − 479 380 = −428 880
        ["Verksamhetens nettokostnad", "-375 430", "-387 500", "-392 800", "-408 000",
         "-20 500", "5,0 %", "-418 300", "-428 880"],
    ]


def test_signed_change_and_this_years_percent_base(out: Path) -> None:
    """The conventions show: the costs grew from 433 600 to 457 300 tkr. Signed, the change is
    −457 300 − (−433 600) = −23 700 (the absolute convention would print 23 700), and the
    percentage is on this year's base, 23 700 / 457 300 = 5,2 % (last year's base would give
    23 700 / 433 600 = 5,5 %). Both are stated in the footnotes."""
    plan = doc(out, "2024/verksamhetsplan-2024")
    costs = next(r for r in table(plan, "Resultatbudget (tkr)")
                 if r[0] == "Summa verksamhetens kostnader")
    assert costs[5:7] == ["-23 700", "5,2 %"]
    body = text(plan)
    assert "Förändring = budget 2024 − budget 2023." in body
    assert "Förändring, % = (budget 2024 − budget 2023) / budget 2024." in body
    assert "positiv när posten växer" not in body  # the absolute convention's footnote


def test_plan_2024_revenue_cost_and_net_per_unit(out: Path) -> None:
    """Netto = intäkter + kostnader, of 2024 and (from the hidden columns read from the plan
    2023) of 2023; Förändring = netto 2024 − netto 2023."""
    rows = table(doc(out, "2024/verksamhetsplan-2024"), "Verksamhet (tkr)")
    assert rows == [
        ["Verksamhet (tkr)", "Intäkter 2024", "Kostnader 2024", "Netto 2024", "Netto 2023",
         "Förändring"],
        # 14 800 − 162 800 = −148 000; 13 900 − 153 400 = −139 500;
        # −148 000 − (−139 500) = −8 500
        ["Hemtjänst", "14 800", "-162 800", "-148 000", "-139 500", "-8 500"],
        # 31 200 − 214 200 = −183 000; 29 400 − 204 900 = −175 500; −183 000 + 175 500 = −7 500
        ["Särskilt boende", "31 200", "-214 200", "-183 000", "-175 500", "-7 500"],
        # 2 600 − 57 400 = −54 800; 2 300 − 54 100 = −51 800; −54 800 + 51 800 = −3 000
        ["Hälso- och sjukvård", "2 600", "-57 400", "-54 800", "-51 800", "-3 000"],
        # 700 − 22 900 = −22 200; 500 − 21 200 = −20 700; −22 200 + 20 700 = −1 500
        ["Nämnd och administration", "700", "-22 900", "-22 200", "-20 700", "-1 500"],
        # 14 800 + 31 200 + 2 600 + 700 = 49 300;
        # −162 800 − 214 200 − 57 400 − 22 900 = −457 300; 49 300 − 457 300 = −408 000;
        # 2023: 13 900 + 29 400 + 2 300 + 500 = 46 100,
        # −153 400 − 204 900 − 54 100 − 21 200 = −433 600, 46 100 − 433 600 = −387 500;
        # −408 000 − (−387 500) = −20 500
        ["Summa nämnden", "49 300", "-457 300", "-408 000", "-387 500", "-20 500"],
    ]


def test_plan_2024_change_by_cause_and_its_total(out: Path) -> None:
    """Total förändring = volym + index/pris + besparing + övrigt, per unit and in total; it
    equals each unit's change of net in the per-unit table (entered separately, so this is
    the check that the data agrees with itself)."""
    rows = table(doc(out, "2024/verksamhetsplan-2024"), "Orsak (tkr)")
    assert rows == [
        ["Orsak (tkr)", "Volym", "Index/pris", "Besparing", "Övrigt", "Total förändring"],
        # −4 200 − 3 900 + 1 000 − 1 400 = −8 500
        ["Hemtjänst", "-4 200", "-3 900", "1 000", "-1 400", "-8 500"],
        # −2 800 − 5 100 + 1 600 − 1 200 = −7 500
        ["Särskilt boende", "-2 800", "-5 100", "1 600", "-1 200", "-7 500"],
        # −900 − 1 700 + 300 − 700 = −3 000
        ["Hälso- och sjukvård", "-900", "-1 700", "300", "-700", "-3 000"],
        # 0 − 600 + 200 − 1 100 = −1 500
        ["Nämnd och administration", "0", "-600", "200", "-1 100", "-1 500"],
        # volym −4 200 − 2 800 − 900 + 0 = −7 900; index −3 900 − 5 100 − 1 700 − 600 = −11 300;
        # besparing 1 000 + 1 600 + 300 + 200 = 3 100; övrigt −1 400 − 1 200 − 700 − 1 100 =
        # −4 400; total −7 900 − 11 300 + 3 100 − 4 400 = −20 500 (= −8 500 − 7 500 − 3 000
        # − 1 500, and = the budget's change of net, −408 000 − (−387 500))
        ["Summa nämnden", "-7 900", "-11 300", "3 100", "-4 400", "-20 500"],
    ]


def test_plan_2024_fees_in_kronor_and_their_change(out: Path) -> None:
    """The 2023 fees are read from the plan 2023 by the row's id; a new fee has no change.
    Förändring, kr = 2024 − 2023; Förändring, % = (2024 − 2023) / 2024."""
    rows = table(doc(out, "2024/verksamhetsplan-2024"), "Taxa eller avgift")
    assert rows == [
        ["Taxa eller avgift", "Per", "2023, kr", "2024, kr", "Förändring, kr",
         "Förändring, %"],
        # 360 − 345 = 15; 15 / 360 = 4,167 % (last year's base: 15 / 345 = 4,3 %)
        ["Hemtjänst", "timme", "345", "360", "15", "4,2 %"],
        # 275 − 260 = 15; 15 / 275 = 5,455 %
        ["Trygghetslarm", "månad", "260", "275", "15", "5,5 %"],
        # 70 − 65 = 5; 5 / 70 = 7,143 %
        ["Matdistribution", "portion", "65", "70", "5", "7,1 %"],
        # 2 575 − 2 359 = 216; 216 / 2 575 = 8,388 %
        ["Högkostnadsskydd (maxtaxa)", "månad", "2 359", "2 575", "216", "8,4 %"],
        # new in 2024: no fee of 2023, so no change
        ["Korttidsboende", "dygn", "–", "140", "–", "–"],
    ]


def test_plan_2024_goals_levels_activities_and_measures(out: Path) -> None:
    plan = doc(out, "2024/verksamhetsplan-2024")
    paragraphs = [p.text for p in plan.paragraphs]
    council = paragraphs.index("Äldre i Exempelby ska få en trygg omsorg av god kvalitet.")
    assert paragraphs[council + 1] == "Kommunfullmäktiges mål"
    result = paragraphs.index("Brukare med hemtjänst ska möta färre olika medarbetare.")
    assert paragraphs[result + 1] == "Resultatmål"
    measures = [rows_of(t) for t in plan.tables if t.rows[0].cells[0].text == "Mätetal"]
    header = ["Mätetal", "Enhet", "Utgångsvärde", "Mål 2024", "Mål 2025", "Mål 2026"]
    assert measures == [  # a plan has no outcome: no empty outcome and assessment columns
        [header, ["Olika medarbetare hos en brukare under 14 dagar", "antal", "15,5", "13",
                  "12", "11"]],
        [header, ["Nöjda brukare i särskilt boende", "procent", "85,0", "86", "87", "88"]],
        [header, ["Verksamheter som håller sin budgetram", "av 4", "1", "3", "4", "4"]],
    ]
    activities = table(plan, "Aktivitet")
    assert activities[1] == ["Mindre arbetslag i hemtjänsten",
                             "Varje brukare får ett arbetslag om högst sju medarbetare."]


def test_plan_2024_internal_control_with_method_frequency_and_responsible(out: Path) -> None:
    rows = table(doc(out, "2024/verksamhetsplan-2024"), "Process eller rutin")
    assert rows[0] == ["Process eller rutin", "Kontrollmoment", "Metod", "Frekvens",
                       "Ansvarig", "Rapporteras till"]
    assert rows[2] == ["Läkemedelshantering",
                       "Avvikelser i läkemedelshanteringen följs upp.\nSignerings"
                       "listor granskas.", "Registerkontroll", "Månadsvis",
                       "Medicinskt ansvarig sjuksköterska", "Förvaltningsledningen"]
    assert "Riskindex" not in text(doc(out, "2024/verksamhetsplan-2024"))


def test_plan_2024_appendix_free_table_with_typed_cells(out: Path) -> None:
    """Numbers in Swedish format as written, amounts grouped, percentages with a comma and
    one decimal (98,25 rounds half up to 98,3), dates as written, an empty cell empty."""
    plan = doc(out, "2024/verksamhetsplan-2024")
    assert table(plan, "Boende") == [
        ["Boende", "Platser", "Medelvårdtid, år", "Kostnad per plats, tkr", "Beläggning",
         "Senaste tillsyn"],
        ["Ekbacken", "64", "2,4", "1 290", "96,5 %", "2023-10-12"],
        ["Lindgården", "48", "1,9", "1 345", "92,0 %", "2023-05-04"],
        ["Björkhagen", "56", "2,15", "1 410", "98,3 %", "2024-02-29"],
        ["Solrosen korttidsboende", "12", "0,1", "980", "87,5 %", ""],
    ]
    body = text(plan)
    assert "Beläggning är belagda dygn delat med tillgängliga dygn." in body
    appendix = [p.text for p in plan.paragraphs].index("Bilaga 1 Särskilda boenden")
    assert '<w:br w:type="page"/>' in plan.paragraphs[appendix - 1]._p.xml  # sidbrytning


def test_plan_2024_figures_in_prose(out: Path) -> None:
    body = text(doc(out, "2024/verksamhetsplan-2024"))
    # the budget's net 408 000 (see the budget table), its change 20 500 and 5,0 %
    assert ("Vård- och omsorgsnämnden får en budgetram för 2024 på 408 000 tkr. "
            "Nettokostnaden ökar med 20 500 tkr (5,0 %) jämfört med budget 2023.") in body
    # timtaxa 360 − 345 = 15
    assert "Timtaxan i hemtjänsten höjs med 15 kr till 360 kr." in body
    # the change by cause's total, −20 500
    assert "Nettokostnaden ökar med 20 500 tkr. Så fördelar sig ökningen på orsaker." in body


# ------------------------------------------------------------------------------ the plan 2023


def test_plan_2023_reads_2021_and_2022_from_their_own_years(out: Path) -> None:
    plan = doc(out, "2023/verksamhetsplan-2023")
    rows = {r[0]: r[1:] for r in table(plan, "Resultatbudget (tkr)")}
    assert rows["Resultatbudget (tkr)"] == [
        "Bokslut 2021", "Budget 2022", "Prognos 2022", "Budget 2023", "Förändring",
        "Förändring, %", "Plan 2024", "Plan 2025"]
    # 18 420 + 24 760 + 3 150 = 46 330; 18 900 + 22 000 + 2 800 = 43 700;
    # 19 150 + 25 400 + 3 050 = 47 600; 19 600 + 23 500 + 3 000 = 46 100;
    # 46 100 − 43 700 = 2 400; 2 400 / 46 100 = 5,206 %;
    # 20 100 + 23 500 + 3 000 = 46 600; 20 600 + 23 500 + 3 000 = 47 100
    assert rows["Summa verksamhetens intäkter"] == [
        "46 330", "43 700", "47 600", "46 100", "2 400", "5,2 %", "46 600", "47 100"]
    # −212 600 − 68 030 = −280 630; −219 000 − 70 080 = −289 080;
    # −221 300 − 70 820 = −292 120; −229 500 − 73 440 = −302 940;
    # −302 940 − (−289 080) = −13 860; 13 860 / 302 940 = 4,575 %;
    # −235 200 − 75 260 = −310 460; −241 000 − 77 120 = −318 120
    assert rows["Personalkostnader"] == [
        "-280 630", "-289 080", "-292 120", "-302 940", "-13 860", "4,6 %", "-310 460",
        "-318 120"]
    # −280 630 − 41 200 − 3 820 − 58 900 − 19 330 = −403 880;
    # −289 080 − 42 000 − 4 000 − 60 500 − 18 120 = −413 700;
    # −292 120 − 42 100 − 3 900 − 63 200 − 19 780 = −421 100; −433 600 (as in 2024's table);
    # −433 600 − (−413 700) = −19 900; 19 900 / 433 600 = 4,590 %;
    # −310 460 − 44 400 − 4 300 − 65 600 − 19 340 = −444 100;
    # −318 120 − 45 300 − 4 400 − 67 200 − 19 580 = −454 600
    assert rows["Summa verksamhetens kostnader"] == [
        "-403 880", "-413 700", "-421 100", "-433 600", "-19 900", "4,6 %", "-444 100",
        "-454 600"]
    # 46 330 − 403 880 = −357 550; 43 700 − 413 700 = −370 000; 47 600 − 421 100 = −373 500;
    # 46 100 − 433 600 = −387 500; −387 500 − (−370 000) = −17 500;
    # 17 500 / 387 500 = 4,516 %; 46 600 − 444 100 = −397 500; 47 100 − 454 600 = −407 500
    assert rows["Verksamhetens nettokostnad"] == [
        "-357 550", "-370 000", "-373 500", "-387 500", "-17 500", "4,5 %", "-397 500",
        "-407 500"]
    units = {r[0]: r[1:] for r in table(plan, "Verksamhet (tkr)")}
    # 13 900 − 153 400 = −139 500; 2022: 13 200 − 146 700 = −133 500; −139 500 + 133 500 =
    # −6 000
    assert units["Hemtjänst"] == ["13 900", "-153 400", "-139 500", "-133 500", "-6 000"]
    # 2022: 43 700 and −413 700 (as the budget 2022 above) give −370 000
    assert units["Summa nämnden"] == ["46 100", "-433 600", "-387 500", "-370 000", "-17 500"]
    causes = {r[0]: r[1:] for r in table(plan, "Orsak (tkr)")}
    # volym −3 000 − 3 500 − 600 + 0 = −7 100; index −3 200 − 4 300 − 1 400 − 500 = −9 400;
    # besparing 800 + 1 200 + 200 + 100 = 2 300; övrigt −600 − 1 400 − 500 − 800 = −3 300;
    # total −7 100 − 9 400 + 2 300 − 3 300 = −17 500 (= the budget's change of net)
    assert causes["Summa nämnden"] == ["-7 100", "-9 400", "2 300", "-3 300", "-17 500"]
    fees = {r[0]: r[1:] for r in table(plan, "Taxa eller avgift")}
    # 345 − 330 = 15, 15 / 345 = 4,348 %; 2 359 − 2 170 = 189, 189 / 2 359 = 8,012 %
    assert fees["Hemtjänst"] == ["timme", "330", "345", "15", "4,3 %"]
    assert fees["Högkostnadsskydd (maxtaxa)"] == ["månad", "2 170", "2 359", "189", "8,0 %"]
    assert ("Vård- och omsorgsnämnden får en budgetram för 2023 på 387 500 tkr, 17 500 tkr "
            "mer i nettokostnad än 2022.") in text(plan)


# ------------------------------------------------------------------------------ the report 2023

REPORT_HEADER = ["Resultaträkning (tkr)", "Bokslut 2022", "Bokslut 2023", "Förändring",
                 "Förändring, %", "Budget 2023", "Budgetavvikelse", "Prognos 2023",
                 "Prognosavvikelse"]


def test_report_2023_income_statement(out: Path) -> None:
    """Bokslut 2022 from data/2022; the budget column is the plan 2023's budget (entered once,
    in the plan). Förändring = 2023 − 2022; % = Förändring / 2023; Budgetavvikelse = utfall −
    budget; Prognosavvikelse = utfall − prognos (signed: positive is better)."""
    rows = table(doc(out, "2023/arsredovisning-2023"), "Resultaträkning (tkr)")
    assert rows[0] == REPORT_HEADER
    assert rows[1:] == [
        # 20 310 − 19 230 = 1 080, 1 080 / 20 310 = 5,318 %; 20 310 − 19 600 = 710;
        # 20 310 − 20 050 = 260
        ["Avgifter", "19 230", "20 310", "1 080", "5,3 %", "19 600", "710", "20 050", "260"],
        # 26 940 − 25 870 = 1 070, 1 070 / 26 940 = 3,972 %; 26 940 − 23 500 = 3 440;
        # 26 940 − 26 300 = 640
        ["Bidrag", "25 870", "26 940", "1 070", "4,0 %", "23 500", "3 440", "26 300", "640"],
        # 3 280 − 3 120 = 160, 160 / 3 280 = 4,878 %; 3 280 − 3 000 = 280; 3 280 − 3 400 = −120
        ["Övriga intäkter", "3 120", "3 280", "160", "4,9 %", "3 000", "280", "3 400",
         "-120"],
        # 20 310 + 26 940 + 3 280 = 50 530; 50 530 − 48 220 = 2 310, 2 310 / 50 530 = 4,571 %;
        # 50 530 − 46 100 = 4 430; 50 530 − 49 750 = 780
        ["Summa verksamhetens intäkter", "48 220", "50 530", "2 310", "4,6 %", "46 100",
         "4 430", "49 750", "780"],
        # −233 910 − 74 850 = −308 760; −308 760 − (−293 670) = −15 090,
        # 15 090 / 308 760 = 4,887 %; −308 760 − (−302 940) = −5 820;
        # −308 760 − (−307 300) = −1 460
        ["Personalkostnader", "-293 670", "-308 760", "-15 090", "4,9 %", "-302 940",
         "-5 820", "-307 300", "-1 460"],
        # −233 910 + 222 480 = −11 430, 11 430 / 233 910 = 4,887 %; −233 910 + 229 500 =
        # −4 410; −233 910 + 232 800 = −1 110
        ["Löner", "-222 480", "-233 910", "-11 430", "4,9 %", "-229 500", "-4 410",
         "-232 800", "-1 110"],
        # −74 850 + 71 190 = −3 660, 3 660 / 74 850 = 4,890 %; −74 850 + 73 440 = −1 410;
        # −74 850 + 74 500 = −350
        ["Personalomkostnader", "-71 190", "-74 850", "-3 660", "4,9 %", "-73 440",
         "-1 410", "-74 500", "-350"],
        # −43 750 + 42 060 = −1 690, 1 690 / 43 750 = 3,863 %; −43 750 + 43 500 = −250;
        # −43 750 + 43 900 = 150
        ["Lokalkostnader", "-42 060", "-43 750", "-1 690", "3,9 %", "-43 500", "-250",
         "-43 900", "150"],
        # −4 060 + 3 870 = −190, 190 / 4 060 = 4,680 %; −4 060 + 4 200 = 140;
        # −4 060 + 4 100 = 40
        ["Kapitalkostnader", "-3 870", "-4 060", "-190", "4,7 %", "-4 200", "140", "-4 100",
         "40"],
        # −67 420 + 63 940 = −3 480, 3 480 / 67 420 = 5,162 %; −67 420 + 64 000 = −3 420;
        # −67 420 + 66 800 = −620
        ["Köp av verksamhet", "-63 940", "-67 420", "-3 480", "5,2 %", "-64 000", "-3 420",
         "-66 800", "-620"],
        # −20 640 + 20 110 = −530, 530 / 20 640 = 2,568 %; −20 640 + 18 960 = −1 680;
        # −20 640 + 20 450 = −190
        ["Övriga kostnader", "-20 110", "-20 640", "-530", "2,6 %", "-18 960", "-1 680",
         "-20 450", "-190"],
        # −308 760 − 43 750 − 4 060 − 67 420 − 20 640 = −444 630;
        # −444 630 + 423 650 = −20 980, 20 980 / 444 630 = 4,719 %;
        # −444 630 + 433 600 = −11 030; −444 630 + 442 550 = −2 080
        ["Summa verksamhetens kostnader", "-423 650", "-444 630", "-20 980", "4,7 %",
         "-433 600", "-11 030", "-442 550", "-2 080"],
        # 50 530 − 444 630 = −394 100; −394 100 + 375 430 = −18 670,
        # 18 670 / 394 100 = 4,737 %; −394 100 + 387 500 = −6 600; −394 100 + 392 800 = −1 300
        ["Verksamhetens nettokostnad", "-375 430", "-394 100", "-18 670", "4,7 %",
         "-387 500", "-6 600", "-392 800", "-1 300"],
    ]


def test_report_2023_key_figures_over_three_years_with_units(out: Path) -> None:
    """2021 and 2022 are read from their own years' files. Förändring = 2023 − 2022;
    % = (2023 − 2022) / 2023."""
    rows = table(doc(out, "2023/arsredovisning-2023"), "Nyckeltal")
    assert rows == [
        ["Nyckeltal", "Enhet", "2021", "2022", "2023", "Förändring", "% 23/22"],
        # 23 040 − 22 180 = 860; 860 / 23 040 = 3,733 %
        ["Beviljade hemtjänsttimmar per månad", "timmar", "21 450", "22 180", "23 040", "860",
         "3,7 %"],
        # 447 − 428 = 19; 19 / 447 = 4,251 %
        ["Brukare med hemtjänst", "personer", "412", "428", "447", "19", "4,3 %"],
        # 603 − 579 = 24; 24 / 603 = 3,980 %
        ["Kostnad per hemtjänsttimme", "kr/timme", "562", "579", "603", "24", "4,0 %"],
        # 216 − 210 = 6; 6 / 216 = 2,778 %
        ["Platser i särskilt boende", "platser", "210", "210", "216", "6", "2,8 %"],
        # 2 604 − 2 498 = 106; 106 / 2 604 = 4,071 %
        ["Kostnad per plats och dygn i särskilt boende", "kr/dag", "2 412", "2 498", "2 604",
         "106", "4,1 %"],
        # 85,0 − 83,2 = 1,8 (one decimal, as the row says); 1,8 / 85,0 = 2,118 %
        ["Nöjda brukare i särskilt boende", "procent", "81,5", "83,2", "85,0", "1,8",
         "2,1 %"],
    ]


def test_report_2023_goals_with_outcome_and_assessment(out: Path) -> None:
    report = doc(out, "2023/arsredovisning-2023")
    # beside each assessment, the forecast of the delårsrapport per augusti 2023
    # (data/2023/delarsrapport.yaml: niva2, niva2, niva1, niva3, niva3)
    assert table(report, "Mål") == [
        ["Mål", "Bedömning", "Prognos augusti"],
        ["Äldre i Exempelby ska få en trygg omsorg av god kvalitet.",
         "◆ Målet uppfylls till stor del i år", "◆ Målet uppfylls till stor del i år"],
        ["Brukare med hemtjänst ska möta färre olika medarbetare.",
         "▲ Målet uppfylls delvis i år", "◆ Målet uppfylls till stor del i år"],
        ["Fler brukare i särskilt boende ska vara nöjda med sitt boende.",
         "● Målet uppfylls i år", "● Målet uppfylls i år"],
        ["Exempelby kommun ska ha en ekonomi i balans.", "■ Målet uppfylls inte i år",
         "▲ Målet uppfylls delvis i år"],
        ["Varje verksamhet ska hålla sin budgetram.", "■ Målet uppfylls inte i år",
         "▲ Målet uppfylls delvis i år"],
    ]
    measures = [rows_of(t) for t in report.tables if t.rows[0].cells[0].text == "Mätetal"]
    assert measures == [  # the report gives outcome and assessment, no baseline
        [["Mätetal", "Enhet", "Utfall", "Bedömning", "Kommentar"],
         ["Olika medarbetare hos en brukare under 14 dagar", "antal", "15,5", "▲",
          "Mätt under två veckor i oktober."]],
        [["Mätetal", "Enhet", "Utfall", "Bedömning"],
         ["Nöjda brukare i särskilt boende", "procent", "85,0", "●"]],
    ]
    paragraphs = [p.text for p in report.paragraphs]
    goal = paragraphs.index("Fler brukare i särskilt boende ska vara nöjda med sitt boende.")
    assert paragraphs[goal + 1: goal + 3] == ["Resultatmål", "● Målet uppfylls i år"]


def test_report_2023_internal_control_follow_up(out: Path) -> None:
    rows = table(doc(out, "2023/arsredovisning-2023"), "Process eller rutin")
    assert rows == [
        ["Process eller rutin", "Kontrollmoment", "Metod", "Resultat"],
        ["Avgiftsdebitering i hemtjänsten", "Debiterad tid stäms av mot utförd tid.",
         "Stickprov", "◆ Lindrig avvikelse\nTvå av fyrtio fakturor hade för mycket "
                      "debiterad tid."],
        ["Läkemedelshantering", "Avvikelser i läkemedelshanteringen följs upp.",
         "Registerkontroll", "● Ingen eller försumbar avvikelse"],
    ]


def test_report_2023_figures_in_prose(out: Path) -> None:
    body = text(doc(out, "2023/arsredovisning-2023"))
    # net −394 100; its change −394 100 − (−375 430) = −18 670, 18 670 / 394 100 = 4,7 %;
    # budget deviation −394 100 − (−387 500) = −6 600
    assert ("Nämndens nettokostnad blev 394 100 tkr, 18 670 tkr (4,7 %) mer än 2022. "
            "Budgetavvikelsen är -6 600 tkr.") in body
    # revenue 50 530 − 46 100 = 4 430; staff −308 760 − (−302 940) = −5 820
    assert ("Intäkterna blev 4 430 tkr högre än budget, främst genom statsbidrag. "
            "Personalkostnaderna blev 5 820 tkr högre än budget.") in body
    assert "Nettokostnaden blev 6 600 tkr högre än budget." in body


# ------------------------------------------------------------------------------ memo, MBL


def test_memo_and_protocol_quote_the_plan(out: Path) -> None:
    memo = text(doc(out, "2024/tjansteskrivelse-verksamhetsplan-2024"))
    # the plan 2024's net −408 000 and change −20 500 (5,0 %); volume −7 900 (see the
    # change by cause); maxtaxa (2 575 − 2 359) / 2 575 = 8,4 %
    assert "Budgetramen är 408 000 tkr." in memo
    assert ("Nettokostnaden ökar med 20 500 tkr (5,0 %), varav 7 900 tkr beror på fler "
            "brukare. Högkostnadsskyddet höjs med 8,4 %.") in memo
    protocol = doc(out, "2024/mbl-verksamhetsplan-2024")
    body = text(protocol)
    assert "Arbetsgivaren redogör för förslaget. Budgetramen är 408 000 tkr." in body
    assert "Lena Sandberg, HR-strateg" in body
    assert "Ställningstagande: Vårdförbundet – oenig." in body
    assert "Protokollsanteckning: Vårdförbundet." in body
    assert rows_of(protocol.tables[0])[1:] == [
        ["Maria Berg\nFörvaltningschef", "Eva Nilsson\nKommunal"],
        ["Lena Sandberg\nHR-strateg", "Peter Ek\nVision"],
        ["", "Sara Lund\nVårdförbundet"],
    ]


# ------------------------------------------------------------------------------ workbooks


def test_workbooks_hold_inputs_and_formulas(out: Path) -> None:
    wb = load_workbook(out / "2024" / "verksamhetsplan-2024.xlsx")
    budget = wb["Resultatbudget"]
    assert [c.value for c in budget[1]] == PLAN_2024_HEADER
    assert [c.value for c in budget[2]][:5] == ["Avgifter", 19230, 19600, 20050, 21200]
    # signed change and this year's base, as formulas
    assert budget["F2"].value == '=IF(OR(E2="",C2=""),"",E2-C2)'
    assert budget["G2"].value == '=IF(OR(E2="",C2=""),"",IF(E2=0,"",(E2-C2)/E2))'
    # the staff group (row 6, before its rows 7 and 8) and the costs total are sums
    assert budget["A6"].value == "Personalkostnader"
    assert budget["E6"].value == '=IF(OR(E7="",E8=""),"",E7+E8)'
    assert budget["A7"].alignment.indent == 1
    assert budget["E13"].value == '=IF(OR(E6="",E9="",E10="",E11="",E12=""),"",' \
                                  'E6+E9+E10+E11+E12)'
    assert budget["E14"].value == '=IF(OR(E5="",E13=""),"",E5+E13)'
    units = wb["Budget per verksamhet"]
    assert [c.value for c in units[1]] == ["Verksamhet (tkr)", "Intäkter 2024",
                                          "Kostnader 2024", "Netto 2024", "Intäkter 2023",
                                          "Kostnader 2023", "Netto 2023", "Förändring"]
    assert units["D2"].value == '=IF(OR(B2="",C2=""),"",B2+C2)'
    assert units["H2"].value == '=IF(OR(D2="",G2=""),"",D2-G2)'
    causes = wb[next(n for n in wb.sheetnames if n.startswith("Förändring mot"))]
    assert causes["F2"].value == '=IF(OR(B2="",C2="",D2="",E2=""),"",B2+C2+D2+E2)'
    assert causes["F6"].value == '=IF(OR(B6="",C6="",D6="",E6=""),"",B6+C6+D6+E6)'
    fees = wb["Taxor och avgifter"]
    assert [c.value for c in fees[2]][:4] == ["Hemtjänst", "timme", 345, 360]
    assert fees["E2"].value == '=IF(OR(D2="",C2=""),"",D2-C2)'


def test_recalculated_workbooks_equal_the_word_tables(out: Path, recalculated: Path
                                                      ) -> None:
    """Every figure of every breakdown table, recalculated by LibreOffice from the formulas,
    reads as the Word table prints it; the fees table (rows entered in the data) is compared
    here by hand."""
    assert assert_workbook_equals_word(FIXTURE, out, recalculated) > 400
    fees = load_workbook(recalculated / "verksamhetsplan-2024.xlsx",
                         data_only=True)["Taxor och avgifter"]
    computed = [(row[4], None if row[5] is None else round(row[5] * 1000) / 10)
                for row in fees.iter_rows(min_row=2, max_row=6, values_only=True)]
    # 15, 15 / 360 = 4,2 %; 15, 15 / 275 = 5,5 %; 5, 5 / 70 = 7,1 %; 216, 216 / 2 575 = 8,4 %;
    # the new fee has none
    assert computed == [(15, 4.2), (15, 5.5), (5, 7.1), (216, 8.4), (None, None)]


def test_every_table_adds_up_in_word_and_in_the_workbook(out: Path, recalculated: Path
                                                         ) -> None:
    """Group totals and grand totals of the organisation's own tables (sub-rows, plan years,
    units, causes of change) are the sums of their printed rows in both files."""
    checked, rounded = assert_every_table_adds_up(FIXTURE, out, recalculated)
    assert checked >= 20
    assert rounded == []  # the fixture enters whole tkr: no total can differ by rounding


def test_markdown_output_reads_the_same_figures(out: Path) -> None:
    markdown = (out / "2024" / "verksamhetsplan-2024.md").read_text(encoding="utf-8")
    lines = markdown.replace("\u00a0", " ").splitlines()
    # the net row of the budget table (see test_plan_2024_budget_with_plan_years_...)
    assert ("| **Verksamhetens nettokostnad** | **-375 430** | **-387 500** | **-392 800** | "
            "**-408 000** | **-20 500** | **5,0 %** | **-418 300** | **-428 880** |") in lines
    # a sub-row under its group's heading row, indented by an em space
    assert "| &emsp;Löner | -222 480 | -229 500 | -232 800 | -241 800 | -12 300 | 5,1 % | " \
           "-247 800 | -254 000 |" in lines
