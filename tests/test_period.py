"""Period reports (issue 21): the delårsrapport per augusti and the tertialrapport per april
of Exempelby 2023, a follow-up kind another organisation defines by its outline alone, the
annual report's forecast read from the year's last period report, and a forecast typed twice.

Every expected figure is calculated by hand from the fixture's YAML (the arithmetic stands
beside it, and in the comments of tests/fixtures/exempelby/2023/delarsrapport.yaml and
tertialrapport.yaml). Exempelby's conventions: amounts in tkr without decimals; Förändring =
this − last on signed values; percentages with one decimal, half up. The period report's own
figures: Förbrukning = utfall / budget; Mot andel av året = förbrukning − månader / 12 (in
percentage points); Prognosavvikelse = prognos − budget (positive is better, as the annual
report's deviations).
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from openpyxl import load_workbook
from typer.testing import CliRunner

from snplan.cli import app
from snplan.model.kinds import KINDS
from snplan.source.load import load

from .conftest import replace_in
from .docx_read import all_text, open_docx, rows_of, table_starting_with
from .test_workbooks import recalculate

FIXTURE = Path(__file__).resolve().parent / "fixtures" / "exempelby"
runner = CliRunner()


def build(data: Path, out: Path, *args: str) -> None:
    result = runner.invoke(app, ["build", *args, "--data", str(data), "--out", str(out)])
    assert result.exit_code == 0, result.output


@pytest.fixture(scope="module")
def out(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The period reports of 2023 (by their Swedish name and their aliases), the memo and the
    annual report, in Word and Excel."""
    target = tmp_path_factory.mktemp("period")
    for fmt in ("docx", "xlsx"):
        build(FIXTURE, target, "delårsrapport", "2023", "--format", fmt)
        build(FIXTURE, target, "tertial", "2023", "--format", fmt)
        build(FIXTURE, target, "ar", "2023", "--format", fmt)
    build(FIXTURE, target, "tjänsteskrivelse", "2023", "--format", "docx")
    return target


def table(path: Path, first_cell: str, containing: str = "") -> dict[str, list[str]]:
    """A Word table by the label of each row (no-break spaces as plain spaces)."""
    rows = rows_of(table_starting_with(open_docx(path), first_cell, containing))
    return {row[0]: [c.replace("\u00a0", " ") for c in row[1:]] for row in rows}


DELAR_HEADER = ["Jan–aug 2023", "Jan–aug 2022", "Förändring", "Budget 2023", "Förbrukning, %",
                "Mot andel av året, procentenheter", "Prognos 2023", "Prognosavvikelse",
                "Prognos april", "Ändring sedan april"]


def test_the_delarsrapport_in_word(out: Path) -> None:
    rows = table(out / "2023" / "delarsrapport-2023.docx", "Resultaträkning (tkr)")
    assert rows["Resultaträkning (tkr)"] == DELAR_HEADER
    # 13 300 − 12 700 = 600; 13 300 / 19 600 = 67,857 %; 67,857 − 66,667 = 1,190;
    # 20 050 − 19 600 = 450; 20 050 − 19 800 = 250
    assert rows["Avgifter"] == ["13 300", "12 700", "600", "19 600", "67,9 %", "1,2",
                                "20 050", "450", "19 800", "250"]
    # −154 800 + 147 600 = −7 200; 154 800 / 229 500 = 67,451 %; 67,451 − 66,667 = 0,784;
    # −232 800 + 229 500 = −3 300; −232 800 + 231 000 = −1 800
    assert rows["Löner"] == ["-154 800", "-147 600", "-7 200", "-229 500", "67,5 %", "0,8",
                             "-232 800", "-3 300", "-231 000", "-1 800"]
    # 13 300 + 18 200 + 2 200 = 33 700; 12 700 + 17 100 + 2 100 = 31 900; 1 800;
    # 19 600 + 23 500 + 3 000 = 46 100; 33 700 / 46 100 = 73,102 %; 73,102 − 66,667 = 6,435;
    # 20 050 + 26 300 + 3 400 = 49 750, − 46 100 = 3 650; 19 800 + 25 000 + 3 100 = 47 900,
    # 49 750 − 47 900 = 1 850
    assert rows["Summa verksamhetens intäkter"] == [
        "33 700", "31 900", "1 800", "46 100", "73,1 %", "6,4", "49 750", "3 650", "47 900",
        "1 850"]
    # −154 800 − 49 600 − 29 000 − 2 700 − 44 100 − 13 400 = −293 600; 2022: −147 600
    # − 47 300 − 28 000 − 2 600 − 42 400 − 13 200 = −281 100, change −12 500; budget −229 500
    # − 73 440 − 43 500 − 4 200 − 64 000 − 18 960 = −433 600; 293 600 / 433 600 = 67,712 %,
    # − 66,667 = 1,046; prognos −232 800 − 74 500 − 43 900 − 4 100 − 66 800 − 20 450 =
    # −442 550, − (−433 600) = −8 950; april −231 000 − 74 000 − 43 700 − 4 150 − 65 500
    # − 19 800 = −438 150, −442 550 + 438 150 = −4 400
    assert rows["Summa verksamhetens kostnader"] == [
        "-293 600", "-281 100", "-12 500", "-433 600", "67,7 %", "1,0", "-442 550",
        "-8 950", "-438 150", "-4 400"]
    # 33 700 − 293 600 = −259 900; 31 900 − 281 100 = −249 200; change −10 700; budget
    # 46 100 − 433 600 = −387 500; 259 900 / 387 500 = 67,071 %, − 66,667 = 0,404; prognos
    # 49 750 − 442 550 = −392 800, + 387 500 = −5 300; april 47 900 − 438 150 = −390 250,
    # −392 800 + 390 250 = −2 550
    assert rows["Verksamhetens nettokostnad"] == [
        "-259 900", "-249 200", "-10 700", "-387 500", "67,1 %", "0,4", "-392 800",
        "-5 300", "-390 250", "-2 550"]
    text = all_text(open_docx(out / "2023" / "delarsrapport-2023.docx")).replace("\u00a0", " ")
    assert ("Mot andel av året, procentenheter = förbrukning − 8/12 (den andel av året som "
            "gått), i procentenheter.") in text
    assert "Prognosavvikelse = prognos 2023 − budget 2023." in text
    # the prose reads the same figures: 259 900, 67,1 %, 392 800, −5 300
    assert ("Nettokostnaden för januari–augusti blev 259 900 tkr, 67,1 % av årets budget när "
            "två tredjedelar av året har gått. Helårsprognosen är en nettokostnad på 392 800 "
            "tkr, en avvikelse mot budget på -5 300 tkr.") in text
    assert "Prognos helår" in text  # the goals' assessment is the year's forecast


def test_the_tertialrapport_in_word(out: Path) -> None:
    rows = table(out / "2023" / "tertialrapport-2023.docx", "Resultaträkning (tkr)")
    assert rows["Resultaträkning (tkr)"] == [
        "Jan–apr 2023", "Budget 2023", "Förbrukning, %", "Mot andel av året, procentenheter",
        "Prognos 2023",
        "Prognosavvikelse"]
    # 6 500 / 19 600 = 33,163 %; 33,163 − 33,333 = −0,170; 19 800 − 19 600 = 200
    assert rows["Avgifter"] == ["6 500", "19 600", "33,2 %", "-0,2", "19 800", "200"]
    # 6 500 + 9 000 + 1 000 = 16 500; −76 000 − 24 300 − 14 500 − 1 350 − 21 800 − 6 500 =
    # −144 450; 16 500 − 144 450 = −127 950; 127 950 / 387 500 = 33,019 %, − 33,333 = −0,314;
    # 47 900 − 438 150 = −390 250, + 387 500 = −2 750
    assert rows["Verksamhetens nettokostnad"] == [
        "-127 950", "-387 500", "33,0 %", "-0,3", "-390 250", "-2 750"]


@pytest.fixture(scope="module")
def recalculated(out: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    return recalculate([out / "2023" / "delarsrapport-2023.xlsx",
                        out / "2023" / "tertialrapport-2023.xlsx"],
                       tmp_path_factory.mktemp("period-recalc"))


def test_the_delarsrapport_workbook_computes_with_formulas(out: Path, recalculated: Path
                                                           ) -> None:
    sheet = load_workbook(out / "2023" / "delarsrapport-2023.xlsx")[
        "Resultaträkning januari–augusti"]
    assert sheet["A2"].value == "Avgifter"
    assert [sheet[f"{c}2"].value for c in "BCEHJ"] == [13300, 12700, 19600, 20050, 19800]
    # the derived columns are formulas over the cells, never typed figures
    assert sheet["F2"].value == '=IF(OR(B2="",E2=""),"",IF(E2=0,"",B2/E2))'
    assert sheet["G2"].value == '=IF(OR(F2=""),"",(F2-8/12)*100)'
    assert sheet["I2"].value == '=IF(OR(H2="",E2=""),"",H2-E2)'
    values = load_workbook(recalculated / "delarsrapport-2023.xlsx", data_only=True)[
        "Resultaträkning januari–augusti"]
    assert values["A14"].value == "Verksamhetens nettokostnad"
    # 33 700 − 293 600; 31 900 − 281 100; −259 900 + 249 200; 46 100 − 433 600
    assert [values[f"{c}14"].value for c in "BCDE"] == [-259900, -249200, -10700, -387500]
    # 259 900 / 387 500 = 0,670710 (67,07 %); (0,670710 − 8/12) × 100 = 0,4043 points
    assert round(values["F14"].value, 6) == 0.670710
    assert round(values["G14"].value, 4) == 0.4043
    # −392 800; −392 800 + 387 500; −390 250; −392 800 + 390 250
    assert [values[f"{c}14"].value for c in "HIJK"] == [-392800, -5300, -390250, -2550]
    tertial = load_workbook(recalculated / "tertialrapport-2023.xlsx", data_only=True)[
        "Resultaträkning januari–april"]
    assert tertial["A2"].value == "Avgifter"
    # 6 500 / 19 600 = 0,331633; (0,331633 − 4/12) × 100 = −0,1701 points; 19 800 − 19 600
    assert round(tertial["D2"].value, 6) == 0.331633
    assert round(tertial["E2"].value, 4) == -0.1701
    assert tertial["G2"].value == 200


def test_the_annual_reports_forecast_is_the_delarsrapports(out: Path) -> None:
    """ÅR 2023 types no forecast: its "Prognos 2023" column reads the delårsrapport's (the
    year's last period report, August after April), row by row."""
    report = table(out / "2023" / "arsredovisning-2023.docx", "Resultaträkning (tkr)")
    interim = table(out / "2023" / "delarsrapport-2023.docx", "Resultaträkning (tkr)")
    column = report["Resultaträkning (tkr)"].index("Prognos 2023")
    forecast = interim["Resultaträkning (tkr)"].index("Prognos 2023")
    assert len(report) == len(interim) == 14
    for label, cells in interim.items():
        if label != "Resultaträkning (tkr)":
            assert report[label][column] == cells[forecast], label
    # 20 050 (not the tertial's 19 800); 49 750 − 442 550 = −392 800
    assert report["Avgifter"][column] == "20 050"
    assert report["Verksamhetens nettokostnad"][column] == "-392 800"


def test_the_memo_puts_the_delarsrapport_before_the_committee(out: Path) -> None:
    text = all_text(open_docx(out / "2023" / "tjansteskrivelse-delarsrapport-2023.docx"))
    text = text.replace("\u00a0", " ")
    assert "Vård- och omsorgsnämnden tar del av delårsrapport per augusti 2023" in text
    # its figures are the delårsrapport's: 259 900, 392 800 and |−5 300|
    assert ("Nettokostnaden för januari–augusti är 259 900 tkr och helårsprognosen 392 800 "
            "tkr, 5 300 tkr över budget.") in text


def test_a_forecast_typed_in_the_report_too_is_refused(tmp_path: Path) -> None:
    data = tmp_path / "data"
    shutil.copytree(FIXTURE, data)
    report = data / "2023" / "arsredovisning.yaml"
    lines = report.read_text(encoding="utf-8").splitlines()
    number = next(i for i, line in enumerate(lines, start=1)
                  if line.strip() == "avgifter: {utfall: 20310}")
    lines[number - 1] = "  avgifter: {utfall: 20310, prognos: 20050}"
    report.write_text("\n".join(lines) + "\n", encoding="utf-8")
    interim = (data / "2023" / "delarsrapport.yaml").read_text(encoding="utf-8").splitlines()
    entered = next(i for i, line in enumerate(interim, start=1)
                   if line.strip().startswith("avgifter: {utfall: 13300"))
    result = runner.invoke(app, ["validate", "--data", str(data)])
    assert result.exit_code == 1
    assert (f"2023/arsredovisning.yaml:{number}: resultatrakning.avgifter.prognos: the year's "
            "forecast is read from its last period report, the delårsrapport per augusti 2023, "
            "which enters it too") in result.output
    assert f"2023/delarsrapport.yaml:{entered})" in result.output


def test_a_period_reports_entered_total_is_checked_like_the_years(tmp_path: Path) -> None:
    """A total entered in a period report lies within the rounding of its rows, as in the
    plan and the report: the tertial's net rows add up to 16 500 − 144 450 = −127 950."""
    data = tmp_path / "data"
    shutil.copytree(FIXTURE, data)
    tertial = data / "2023" / "tertialrapport.yaml"
    text = tertial.read_text(encoding="utf-8") + "  summa: {utfall: -129000}\n"
    tertial.write_text(text, encoding="utf-8")
    line = len(text.splitlines())
    result = runner.invoke(app, ["validate", "--data", str(data)])
    assert result.exit_code == 1
    assert (f"tertialrapport.yaml:{line}: resultatrakning.summa.utfall: the entered total "
            "'Verksamhetens nettokostnad' (utfall) -129 000 differs from the sum of its 2 "
            "rows, -127 950") in result.output.replace("\u00a0", " ")


def test_new_starts_next_years_delarsrapport_from_this_years(tmp_path: Path) -> None:
    data = tmp_path / "data"
    shutil.copytree(FIXTURE, data)
    result = runner.invoke(app, ["new", "2024", "delar", "--data", str(data)])
    assert result.exit_code == 0, result.output
    text = (data / "2024" / "delarsrapport.yaml").read_text(encoding="utf-8")
    assert "started by `snplan new 2024` from data/2023/delarsrapport.yaml" in text
    # the rows are carried, every figure is to be filled in: 9 rows × utfall and prognos
    assert text.count("utfall: FYLL I") == 9 and text.count("prognos: FYLL I") == 9
    listing = runner.invoke(app, ["list", "--data", str(data)])
    assert "  waiting  Delårsrapport per augusti 2024: " in listing.output
    refused = runner.invoke(app, ["new", "2024", "tjänsteskrivelse", "--data", str(data)])
    assert refused.exit_code == 2
    assert "snplan new starts a plan, a report or a period report" in refused.output


def test_the_laws_delarsrapport_covers_half_to_two_thirds_of_the_year(tmp_path: Path
                                                                      ) -> None:
    data = tmp_path / "data"
    shutil.copytree(FIXTURE, data)
    outline = data / "disposition" / "delarsrapport.yaml"
    lines = outline.read_text(encoding="utf-8").splitlines()
    number = lines.index("  manad: 8") + 1
    lines[number - 1] = "  manad: 9"  # per september: three quarters of the year
    outline.write_text("\n".join(lines) + "\n", encoding="utf-8")
    result = runner.invoke(app, ["validate", "--data", str(data)])
    assert result.exit_code == 1
    assert (f"disposition/delarsrapport.yaml:{number}: period.manad: a delårsrapport covers "
            "at least half and at most two thirds of the year (LKBR 13 kap., RKR R 17), so it "
            "closes in June, July or August (6–8), not in month 9") in result.output


def test_metrics_of_one_period() -> None:
    result = runner.invoke(app, ["metrics", "2023", "--period", "augusti", "--format", "csv",
                                 "--data", str(FIXTURE)])
    assert result.exit_code == 0, result.output
    assert "Tertialrapport" not in result.output and "Årsredovisning" not in result.output
    net = "Delårsrapport per augusti,resultatrakning,summa,Verksamhetens nettokostnad,"
    # 259 900 / 387 500 = 67,07 %; 67,07 − 66,67 = 0,40; −392 800 + 387 500 = −5 300
    assert f'{net}forbrukning,"Förbrukning, %",67.1' in result.output
    assert f'{net}mot_aret,"Mot andel av året, procentenheter",0.4' in result.output
    assert f"{net}avvikelse,Prognosavvikelse,-5300" in result.output
    missing = runner.invoke(app, ["metrics", "2023", "--period", "maj", "--data",
                                  str(FIXTURE)])
    assert missing.exit_code == 2
    assert "2023 has no period report that closes in maj" in missing.output


# ------------------------------------------------------------------------------ own kinds

ORGANISATION = """\
kommun: Norrtorp kommun
namnd: Socialnämnden
forvaltning: Socialförvaltningen
belopp_enhet: tkr
indelningar:
  driftbudget:
    namn: Driftbudget
    summa: Nettokostnader
    rader:
      - id: intakter
        namn: Intäkter
      - id: kostnader
        namn: Kostnader
"""

# Norrtorp follows its plan up per October under a name of its own: the outline alone makes
# the kind (no code, no shipped outline); its file is data/YEAR/uppfoljning-oktober.yaml.
OUTLINE = """\
titel: Uppföljning per oktober {ar}
period:
  manad: 10
  namn: Uppföljning per oktober
  alias: [okt]
kapitel:
  - rubrik: Sammanfattning
    block: sammanfattning
    kravs: true
  - rubrik: Ekonomi
    block: driftbudget
    kravs: true
    tabell:
      indelning: driftbudget
      rubrik: "Driftbudget ({enhet})"
      kolumner:
        - {id: utfall, varde: utfall, rubrik: "Jan–okt {ar}"}
        - {id: budget, varde: budget, period: helar, rubrik: "Budget {ar}"}
        - {id: forbrukning, berakning: andel, av: [utfall, budget], rubrik: "Förbrukning"}
        - {id: mot_aret, berakning: arsandel, av: [forbrukning], rubrik: "Mot 10/12"}
        - {id: prognos, varde: prognos, rubrik: "Prognos {ar}"}
        - {id: avvikelse, berakning: avvikelse, av: [prognos, budget], rubrik: "Avvikelse"}
"""


def test_an_organisations_own_follow_up_kind_is_built_from_its_outline(tmp_path: Path) -> None:
    data = tmp_path / "data"
    (data / "disposition").mkdir(parents=True)
    (data / "2025").mkdir()
    (data / "organisation.yaml").write_text(ORGANISATION, encoding="utf-8")
    (data / "disposition" / "uppfoljning-oktober.yaml").write_text(OUTLINE, encoding="utf-8")
    (data / "2025" / "verksamhetsplan.yaml").write_text(
        "ar: 2025\ndriftbudget: {intakter: 1000, kostnader: -9000}\n", encoding="utf-8")
    (data / "2025" / "uppfoljning-oktober.yaml").write_text(
        "ar: 2025\nsammanfattning: Året följer budgeten.\ndriftbudget:\n"
        "  intakter: {utfall: 850, prognos: 1020}\n"
        "  kostnader: {utfall: -7650, prognos: -9100}\n", encoding="utf-8")
    result = runner.invoke(app, ["validate", "--data", str(data)])
    assert result.exit_code == 0, result.output
    out = tmp_path / "out"
    build(data, out, "okt", "2025", "--format", "docx")
    build(data, out, "uppfoljning-oktober", "2025", "--format", "xlsx")
    path = out / "2025" / "uppfoljning-oktober-2025.docx"
    rows = table(path, "Driftbudget (tkr)")
    assert rows["Driftbudget (tkr)"] == ["Jan–okt 2025", "Budget 2025", "Förbrukning",
                                         "Mot 10/12", "Prognos 2025", "Avvikelse"]
    # 850 / 1 000 = 85,0 %; 85,0 − 83,333 = 1,667; 1 020 − 1 000 = 20
    assert rows["Intäkter"] == ["850", "1 000", "85,0 %", "1,7", "1 020", "20"]
    # 7 650 / 9 000 = 85,0 %; 1,667; −9 100 + 9 000 = −100
    assert rows["Kostnader"] == ["-7 650", "-9 000", "85,0 %", "1,7", "-9 100", "-100"]
    # 850 − 7 650 = −6 800; 1 000 − 9 000 = −8 000; 6 800 / 8 000 = 85,0 %; 1 020 − 9 100 =
    # −8 080, + 8 000 = −80
    assert rows["Nettokostnader"] == ["-6 800", "-8 000", "85,0 %", "1,7", "-8 080", "-80"]
    assert "Uppföljning per oktober 2025" in all_text(open_docx(path))
    assert (out / "2025" / "uppfoljning-oktober-2025.xlsx").is_file()
    # its file is an input of the build like the plan's: a changed figure is rebuilt
    again = runner.invoke(app, ["build", "--all", "--format", "docx", "--data", str(data),
                                "--out", str(out)])
    assert again.exit_code == 0 and "wrote" not in again.output
    report = data / "2025" / "uppfoljning-oktober.yaml"
    report.write_text(report.read_text(encoding="utf-8").replace("850", "860"),
                      encoding="utf-8")
    again = runner.invoke(app, ["build", "--all", "--format", "docx", "--data", str(data),
                                "--out", str(out)])
    assert "wrote" in again.output and "uppfoljning-oktober-2025.docx" in again.output
    # `snplan disposition` knows the kind by its alias once the outlines are read
    shown = runner.invoke(app, ["disposition", "okt", "--data", str(data)])
    assert shown.exit_code == 0 and shown.output == OUTLINE
    # the kind is Norrtorp's: loading another organisation's data forgets it
    load(FIXTURE)
    assert "uppfoljning-oktober" not in KINDS


# ------------------------------------------------------------------------------ the shipped outline

SOLNA = Path(__file__).resolve().parent.parent / "data"

# A delårsrapport per augusti 2022 for Solna under the outline snplan ships: the budget is
# the plan 2022's (driftbudget: intäkter 42,4, kostnader −268,6; per unit −17,3, −72,9,
# −47,4, −88,6), no tertial was made, and 2021 has no delårsrapport.
SOLNA_2022 = """\
ar: 2022
sammanfattning: >-
  Nettokostnaden för januari–augusti blev
  {{ driftbudget.summa.utfall | abs | belopp }} mkr.
namndmal:
  mal:
    - mal: egen-forsorjning
      bedomning: niva2
driftbudget:
  intakter: {utfall: 30.1}
  kostnader: {utfall: -180.4}
budget_per_enhet:
  stab: {prognos: -17.0}
  vuxen: {prognos: -73.5}
  ekonomi-arbetsmarknad: {prognos: -47.0}
  barn-ungdom: {prognos: -89.0}
"""


def test_the_shipped_delarsrapport_outline_builds_solnas(tmp_path: Path) -> None:
    data = tmp_path / "data"
    shutil.copytree(SOLNA, data)
    (data / "2022" / "delarsrapport.yaml").write_text(SOLNA_2022, encoding="utf-8")
    out = tmp_path / "out"
    build(data, out, "delarsrapport", "2022", "--format", "docx")
    path = out / "2022" / "delarsrapport-2022.docx"
    rows = table(path, "mkr", "Förbrukning, %")
    assert rows["mkr"][:1] + rows["mkr"][3:] == [
        "Utfall jan–aug 2022", "Budget 2022", "Förbrukning, %",
        "Mot andel av året, procentenheter"]
    # 30,1 / 42,4 = 70,991 %; 70,991 − 66,667 = 4,324; no delårsrapport 2021: no comparison
    assert rows["Intäkter"] == ["30,1", "–", "–", "42,4", "71,0 %", "4,3"]
    # 30,1 − 180,4 = −150,3; 42,4 − 268,6 = −226,2; 150,3 / 226,2 = 66,446 %, − 66,667 = −0,221
    assert rows["Nettokostnader"] == ["-150,3", "–", "–", "-226,2", "66,4 %", "-0,2"]
    units = table(path, "mkr", "Prognos 2022")
    # −17,0 − (−17,3) = 0,3; no tertialrapport 2022, so "Prognos april" (senaste) is empty
    assert units["Stab och central ledning"] == ["-17,3", "-17,0", "0,3", "–"]
    # −17,3 − 72,9 − 47,4 − 88,6 = −226,2; −17,0 − 73,5 − 47,0 − 89,0 = −226,5; −0,3
    assert units["Summa nettokostnader"] == ["-226,2", "-226,5", "-0,3", "–"]
    assert "Nettokostnaden för januari–augusti blev 150,3 mkr." in all_text(open_docx(path))


MEASURES_OUTLINE = """\
titel: Uppföljning per april {ar}
period: {manad: 4, namn: Uppföljning per april, alias: [apr]}
kapitel:
  - rubrik: Verksamhetsmått
    block: verksamhetsmatt
    typ: manadsmatt
    manadsmatt: {ar: 2, diagram: false}
"""


def test_a_period_reports_monthly_measures_are_the_months_up_to_its_own(tmp_path: Path
                                                                         ) -> None:
    data = tmp_path / "data"
    (data / "disposition").mkdir(parents=True)
    (data / "2024").mkdir()
    (data / "2025").mkdir()
    (data / "organisation.yaml").write_text(
        ORGANISATION + "verksamhetsmatt:\n  - id: ekonomi\n    namn: Ekonomiskt bistånd\n"
        "    matt:\n      - {id: hushall, namn: Hushåll, enhet: antal, aggregering: medel}\n"
        "      - {id: utbetalt, namn: Utbetalt, enhet: tkr, aggregering: summa}\n",
        encoding="utf-8")
    (data / "disposition" / "uppfoljning-april.yaml").write_text(MEASURES_OUTLINE,
                                                                 encoding="utf-8")
    (data / "2024" / "uppfoljning-april.yaml").write_text(
        "ar: 2024\nverksamhetsmatt:\n  varden:\n    hushall: [100, 102, 98, 96]\n"
        "    utbetalt: [800, 810, 790, 780]\n", encoding="utf-8")
    (data / "2025" / "uppfoljning-april.yaml").write_text(
        "ar: 2025\nverksamhetsmatt:\n  varden:\n    hushall: [90, 94, 95, 93]\n"
        "    utbetalt: [700, 720, 730, 710]\n", encoding="utf-8")
    result = runner.invoke(app, ["validate", "--data", str(data)])
    assert result.exit_code == 0, result.output
    out = tmp_path / "out"
    build(data, out, "apr", "2025", "--format", "docx")
    path = out / "2025" / "uppfoljning-april-2025.docx"
    # households: mean of January to April 2025, (90 + 94 + 95 + 93) / 4 = 93,0; 2024:
    # (100 + 102 + 98 + 96) / 4 = 99,0
    rows = table(path, "", "Medel jan–apr")
    assert rows[""] == ["jan", "feb", "mar", "apr", "Medel jan–apr"]
    assert rows["2024"] == ["100", "102", "98", "96", "99,0"]
    assert rows["2025"] == ["90", "94", "95", "93", "93,0"]
    # paid: the sum of the four months, 700 + 720 + 730 + 710 = 2 860 (2024: 3 180)
    rows = table(path, "", "Summa jan–apr")
    assert rows["2025"] == ["700", "720", "730", "710", "2 860"]
    assert rows["2024"] == ["800", "810", "790", "780", "3 180"]
    # a period report's series holds its months, no more
    replace_in(data / "2025" / "uppfoljning-april.yaml", "[90, 94, 95, 93]",
               "[90, 94, 95, 93, 91]")
    broken = runner.invoke(app, ["validate", "--data", str(data)])
    assert broken.exit_code == 1
    assert ("verksamhetsmatt.varden.hushall: a series of this document has 4 values, one for "
            "each month from jan to apr; this one has 5") in broken.output


def test_an_own_kinds_file_is_not_checked_while_its_outline_is_broken(tmp_path: Path) -> None:
    """The outline says what the year's file is: while it does not load, the file is the
    outline's and 'not checked', not an unexpected entry of the year."""
    data = tmp_path / "data"
    (data / "disposition").mkdir(parents=True)
    (data / "2025").mkdir()
    (data / "organisation.yaml").write_text(ORGANISATION, encoding="utf-8")
    outline = data / "disposition" / "uppfoljning-oktober.yaml"
    outline.write_text(OUTLINE.replace("    block: sammanfattning\n",
                                       "    block: sammanfattning\n    typ: texter\n"),
                       encoding="utf-8")
    (data / "2025" / "uppfoljning-oktober.yaml").write_text(
        "ar: 2025\nsammanfattning: Året följer budgeten.\n", encoding="utf-8")
    result = runner.invoke(app, ["validate", "--data", str(data)])
    assert result.exit_code == 1
    line = next(n for n, text in enumerate(outline.read_text().splitlines(), 1)
                if "typ: texter" in text)
    assert f"uppfoljning-oktober.yaml:{line}: kapitel[0].typ: expected one of" in result.output
    assert ("2025/uppfoljning-oktober.yaml: not checked: the outline "
            "disposition/uppfoljning-oktober.yaml has errors") in result.output
    assert "unexpected entry" not in result.output


def test_the_annual_report_shows_how_an_internal_control_assessment_moved(tmp_path: Path
                                                                          ) -> None:
    """A field column with a period reads the same row of that period report: the ÅR's
    internal control shows August's result beside the year's (Exempelby's delårsrapport
    assessed the invoicing 'niva2' in August; the year ends 'niva2' too; the medicines were
    not assessed in August)."""
    data = tmp_path / "exempelby"
    shutil.copytree(FIXTURE, data)
    outline = data / "disposition" / "arsredovisning.yaml"
    replace_in(outline, '        - {id: resultat, falt: resultat, typ: bedomning, skala: '
               'internkontroll, kommentar: kommentar, rubrik: "Resultat"}',
               '        - {id: augusti, falt: resultat, period: augusti, typ: bedomning, '
               'skala: internkontroll, rubrik: "Per augusti"}\n'
               '        - {id: resultat, falt: resultat, typ: bedomning, skala: '
               'internkontroll, kommentar: kommentar, rubrik: "Resultat"}')
    out = tmp_path / "out"
    build(data, out, "ar", "2023", "--format", "docx")
    rows = table(out / "2023" / "arsredovisning-2023.docx", "Process eller rutin")
    assert rows["Process eller rutin"] == ["Kontrollmoment", "Metod", "Per augusti",
                                           "Resultat"]
    assert rows["Avgiftsdebitering i hemtjänsten"][2] == "◆ Lindrig avvikelse"
    assert rows["Avgiftsdebitering i hemtjänsten"][3].startswith("◆ Lindrig avvikelse")
    assert rows["Läkemedelshantering"][2] == ""
    assert rows["Läkemedelshantering"][3] == "● Ingen eller försumbar avvikelse"
    # the scale's legend is named by the year's own assessment column
    legend = table(out / "2023" / "arsredovisning-2023.docx", "Symbol", "Resultat")
    assert legend["Symbol"] == ["Resultat"]


@pytest.mark.parametrize("months, period, manad", [
    (8, "jan–aug", "augusti"), (4, "jan–apr", "april"), (10, "jan–okt", "oktober"),
    (None, "jan–dec", "december"),  # a plan's or a report's: the whole year
])
def test_headings_name_the_months_a_document_covers(months: int | None, period: str,
                                                   manad: str) -> None:
    from snplan.tables.engine import heading

    text = heading("Utfall {period} {ar}; {Period}; januari–{manad}; per {Manad}", 2023, None,
                   months=months)
    assert text == (f"Utfall {period} 2023; {period.capitalize()}; januari–{manad}; "
                    f"per {manad.capitalize()}")


def test_diff_of_one_period_shows_only_its_reports(tmp_path: Path,
                                                  monkeypatch: pytest.MonkeyPatch) -> None:
    """`diff --period augusti`: the delårsrapport's changes and the figures they move, not
    the annual report's."""
    from .test_publish import committed

    repo = tmp_path / "repo"
    shutil.copytree(FIXTURE, repo / "data")
    committed(repo)
    monkeypatch.chdir(repo)
    replace_in(repo / "data" / "2023" / "delarsrapport.yaml",
               "  kop: {utfall: -44100, prognos: -66800}",
               "  kop: {utfall: -44200, prognos: -66800}")
    replace_in(repo / "data" / "2023" / "arsredovisning.yaml",
               "  avgifter: {utfall: 20310}", "  avgifter: {utfall: 20320}")
    everything = runner.invoke(app, ["diff", "HEAD"])
    assert "2023/arsredovisning: resultatrakning.rader.avgifter.utfall" in everything.stdout
    result = runner.invoke(app, ["diff", "HEAD", "--period", "augusti"])
    assert result.exit_code == 0, result.output
    out = result.stdout.replace("\u00a0", " ")
    assert "2023/delarsrapport: resultatrakning.rader.kop.utfall: -44 100 → -44 200 (-100)" in out
    # the purchases' change from the same period last year: −44 100 + 42 400 = −1 700, now
    # −44 200 + 42 400 = −1 800; their share of the budget 44 100 / 64 000 = 68,9 %, now
    # 44 200 / 64 000 = 69,1 %
    assert "Köp av verksamhet, Förändring: -1 700 → -1 800 (-100)" in out
    assert "Köp av verksamhet, Förbrukning, %: 68,9 % → 69,1 %" in out
    assert "arsredovisning" not in out and "Årsredovisning" not in out
    wrong = runner.invoke(app, ["diff", "HEAD", "--period", "augustus"])
    assert wrong.exit_code == 2
    assert "--period must be a month" in wrong.output
    none = runner.invoke(app, ["diff", "HEAD", "--period", "oktober"])
    assert none.exit_code == 2
    assert "no period report closes in oktober" in none.output


def test_a_wide_tables_notes_stay_on_its_landscape_page(out: Path) -> None:
    """The delårsrapport's income statement goes on a landscape page; the definitions under
    it go with it (they were left for the next, portrait, page)."""
    from docx.enum.section import WD_ORIENTATION
    from docx.oxml.ns import qn

    document = open_docx(out / "2023" / "delarsrapport-2023.docx")
    sections, current = [], []
    for element in document.element.body.iterchildren():
        current.append("".join(t.text or "" for t in element.iter(qn("w:t"))))
        if element.find(f"{qn('w:pPr')}/{qn('w:sectPr')}") is not None:
            sections.append(current)
            current = []
    sections.append(current)
    orientations = [s.orientation for s in document.sections]
    assert len(sections) == len(orientations)
    where = {text: index for index, texts in enumerate(sections) for text in texts}
    table = next(t for t in where if t.startswith("Resultaträkning (tkr)"))
    note = next(t for t in where if t.startswith("Mot andel av året, procentenheter ="))
    assert orientations[where[table]] == WD_ORIENTATION.LANDSCAPE
    assert where[note] == where[table]
