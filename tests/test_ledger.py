"""Outcomes from the ledger (issue 22, parts 2-5): a year's SIE export mapped by
organisation.yaml gives ÅR 2023's income statement and activities table with the figures the
typed data prints; what the mapping loses, counts twice or says twice fails validate at the
line to change; every figure can be traced to its accounts.

The fixture tests/fixtures/ledger/huvudbok.se was written by hand in kronor (its totals are
stated in tests/fixtures/ledger/organisation.yaml). The expected figures below are worked out
by hand from those amounts, never taken from a run of the code:

    Summa intäkter     4 437 215,50 + 6 942 180,00 + 31 938 612,25 + 7 674 456,75 + 12 340,00
                       = 51 004 804,50 kr = 51,0048045 mkr (printed 51,0; its rows print 50,9)
    Summa kostnader    140 644 318,40 + 64 238 905,10 + 22 941 260,00 + 22 027 762,75
                       = 249 852 246,25 kr, as a cost -249,85224625 mkr (printed -249,9)
    Nettokostnader     51 004 804,50 - 249 852 246,25 = -198 847 441,75 kr (printed -198,8)
    Verksamheter       -89 912 345,60 - 62 287 654,40 - 36 534 210,00 - 10 113 231,75
                       = -198 847 441,75 kr, the same total to the öre
"""

from __future__ import annotations

import shutil
import subprocess
from decimal import Decimal as D
from pathlib import Path

import pytest
from openpyxl import load_workbook
from typer.testing import CliRunner

from snplan.cli import app
from snplan.model.organisation import Organisation
from snplan.source.load import load
from snplan.source.sie import read_sie
from snplan.tables.ledger import map_breakdown, mapping_of

from .conftest import DATA, ROOT, line_after, line_of, replace_in
from .docx_read import open_docx, rows_of, table_starting_with

FIXTURE = Path(__file__).resolve().parent / "fixtures" / "ledger"
runner = CliRunner()


def _without_typed_outcomes(path: Path) -> None:
    """ÅR 2023 as a controller leaves it once the ledger gives the outcome: no `utfall` in the
    income statement and the activities table (a total that held only its outcome goes)."""
    lines = path.read_text(encoding="utf-8").splitlines(keepends=True)
    kept: list[str] = []
    inside = False
    for line in lines:
        if line[:1].isalpha():
            inside = line.startswith(("resultatrakning:", "verksamheter:"))
        if inside and line.strip().startswith("utfall:"):
            continue
        kept.append(line)
    result: list[str] = []
    inside = False
    for index, line in enumerate(kept):
        if line[:1].isalpha():
            inside = line.startswith(("resultatrakning:", "verksamheter:"))
        following = kept[index + 1] if index + 1 < len(kept) else ""
        indent = len(line) - len(line.lstrip())
        if inside and line.rstrip().endswith(":") and indent == 4 \
                and len(following) - len(following.lstrip()) <= indent:
            continue  # `summa:` whose only figure was the outcome
        result.append(line)
    path.write_text("".join(result), encoding="utf-8")


def ledger_data(target: Path) -> Path:
    """The shipped data with the test ledger in 2023 and the organisation that maps it."""
    data = target / "data"
    shutil.copytree(DATA, data)
    shutil.copy(FIXTURE / "organisation.yaml", data / "organisation.yaml")
    (data / "2023" / "bokforing").mkdir()
    shutil.copy(FIXTURE / "huvudbok.se", data / "2023" / "bokforing" / "huvudbok.se")
    _without_typed_outcomes(data / "2023" / "arsredovisning.yaml")
    return data


@pytest.fixture(autouse=True)
def _in_tmp(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Messages name files relative to the working directory: data/… here."""
    monkeypatch.chdir(tmp_path)


def append_to_ledger(data: Path, *records: str) -> None:
    """Records added at the end of the 2023 export, in its code page (CP437)."""
    path = data / "2023" / "bokforing" / "huvudbok.se"
    with path.open("ab") as stream:
        stream.write("".join(f"{r}\r\n" for r in records).encode("cp437"))


def spaced(text: str) -> str:
    """Swedish figures group thousands with (narrow) no-break spaces; plain spaces here."""
    return text.replace("\u202f", " ").replace("\u00a0", " ")


def validate(data: Path) -> tuple[int, str]:
    result = runner.invoke(app, ["validate", "--data", str(data)])
    return result.exit_code, spaced(result.output)


def build(out: Path, data: Path, fmt: str) -> Path:
    result = runner.invoke(app, ["build", "arsredovisning", "2023", "--format", fmt, "--out",
                                 str(out), "--data", str(data), "--templates",
                                 str(ROOT / "templates")])
    assert result.exit_code == 0, result.output
    return out / "2023" / f"arsredovisning-2023.{fmt}"


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """ÅR 2023 built from the typed data and from the ledger, in Word, Markdown and Excel."""
    root = tmp_path_factory.mktemp("ledger")
    data = ledger_data(root)
    files = {"data": data}
    for fmt in ("docx", "md", "xlsx"):
        files[f"typed.{fmt}"] = build(root / "typed", DATA, fmt)
        files[f"ledger.{fmt}"] = build(root / "ledger", data, fmt)
    return files


# ------------------------------------------------------------------------------ the figures


def test_the_fixture_validates_and_its_exact_totals_are_the_hand_sums(tmp_path: Path) -> None:
    data = ledger_data(tmp_path)
    code, output = validate(data)
    assert code == 0, output
    # 3111 3310 3410 3520 3610 3890 4510 5110 5410 6110 6420 7620; 1930 and 2440 are not
    assert "2023: årsredovisning (20 blocks), 1 tjänsteskrivelse, ledger huvudbok.se (12 " \
        "result accounts)" in output
    ds = load(data)
    statement = mapping_of(ds, 2023, "konton")
    units = mapping_of(ds, 2023, "verksamheter")
    assert statement is not None and units is not None
    revenue = ["taxor-avgifter", "hyror-arrenden", "bidrag", "forsaljning", "ovriga-intakter"]
    assert sum(statement.value(r) for r in revenue) == D("51.0048045")
    costs = ["personalkostnader", "kop-av-verksamhet", "lokalkostnader", "kapitalkostnader",
             "ovriga-kostnader"]
    assert sum(statement.value(r) for r in costs) == D("-249.85224625")
    assert statement.value("bidrag") == D("31.93861225")
    assert statement.kronor("bidrag") == D("31938612.25")
    assert sum(statement.value(r) for r in statement.rows) == D("-198.84744175")
    assert sum(units.value(r) for r in units.rows) == D("-198.84744175")
    assert units.value("barn-ungdom") == D("-89.9123456")
    assert units.value("namndverksamhet") == 0
    assert not statement.unmapped and not units.unmapped


def test_word_income_statement_and_activities_print_the_typed_figures(
        built: dict[str, Path]) -> None:
    typed, ledger = open_docx(built["typed.docx"]), open_docx(built["ledger.docx"])
    for caption in ("Resultaträkning (mkr)", "Verksamheter (mkr)"):
        expected = rows_of(table_starting_with(typed, caption))
        assert rows_of(table_starting_with(ledger, caption)) == expected
    rows = {r[0]: r for r in rows_of(table_starting_with(ledger, "Resultaträkning (mkr)"))}
    assert rows["Bidrag"][1] == "31,9"
    assert rows["Summa intäkter"][1] == "51,0"
    assert rows["Summa kostnader"][1] == "-249,9"
    assert rows["Verksamhetens nettokostnader"][1] == "-198,8"


def test_markdown_tables_print_the_typed_figures(built: dict[str, Path]) -> None:
    def tables(path: Path) -> list[str]:
        return [line for line in path.read_text(encoding="utf-8").splitlines()
                if line.startswith("|")]

    assert tables(built["ledger.md"]) == tables(built["typed.md"])


def test_workbook_reads_the_outcome_from_a_sheet_of_the_mapped_balances(
        built: dict[str, Path]) -> None:
    wb = load_workbook(built["ledger.xlsx"])
    balances = wb["Bokföring"]
    rows: dict[str, tuple] = {}  # type: ignore[type-arg]
    for row in balances.iter_rows(values_only=True):  # the income statement's come first
        if row[0]:
            rows.setdefault(row[0], row)
    assert rows["3410 Statsbidrag"][3] == pytest.approx(-7438612.25)
    assert rows["3520 Bidrag från Migrationsverket"][3] == pytest.approx(-24500000)
    assert rows["3410 Statsbidrag"][4].startswith("=-D")
    assert rows["Bidrag"][4].startswith("=SUM(")
    statement = wb["Driftredovisning"]
    bidrag = next(r for r in statement.iter_rows() if r[0].value == "Bidrag")
    assert str(bidrag[1].value).startswith("='Bokföring'!E")
    assert bidrag[5].value == pytest.approx(19.8)  # the budget stays an input


def test_workbook_recalculated_prints_the_typed_figures(built: dict[str, Path],
                                                        tmp_path: Path) -> None:
    soffice = shutil.which("soffice") or shutil.which("libreoffice")
    if soffice is None:
        pytest.skip("LibreOffice is not installed")
    out = tmp_path / "recalc"
    result = subprocess.run(
        [soffice, "--headless", f"-env:UserInstallation=file://{tmp_path / 'profile'}",
         "--convert-to", "xlsx", "--outdir", str(out), str(built["ledger.xlsx"])],
        capture_output=True, text=True, timeout=600, check=False)
    assert result.returncode == 0, result.stderr
    ledger = load_workbook(out / built["ledger.xlsx"].name, data_only=True)
    typed = load_workbook(built["typed.xlsx"])

    def shown(cell: object) -> str | None:
        value = getattr(cell, "value", None)
        if not isinstance(value, int | float):
            return None
        percent = "%" in getattr(cell, "number_format", "")
        places = D("0.1") if not percent else D("0.001")
        return str(D(str(value)).quantize(places, rounding="ROUND_HALF_UP"))

    for sheet in ("Driftredovisning", "Verksamheter"):
        for mine, theirs in zip(ledger[sheet].iter_rows(), typed[sheet].iter_rows(),
                                strict=True):
            for a, b in zip(mine, theirs, strict=True):
                if isinstance(b.value, int | float):
                    assert shown(a) == shown(b), (sheet, a.coordinate)


# ------------------------------------------------------------------------------ validate


def test_an_unmapped_account_fails_validate_with_number_name_balance_and_mapping_line(
        tmp_path: Path) -> None:
    data = ledger_data(tmp_path)
    append_to_ledger(data, '#KONTO 8910 "Extraordinära kostnader"', "#RES 0 8910 1234.56")
    code, output = validate(data)
    assert code == 1, output
    org = data / "organisation.yaml"
    statement = line_after(org, "  konton:", "rader:")
    units = line_after(org, "  verksamheter:", "rader:")
    assert (f"data/organisation.yaml:{statement}: indelningar.konton.rader: account 8910 "
            "Extraordinära kostnader (balance 1 234,56 kr in the file, -1 234,56 kr as snplan "
            "counts it) in data/2023/bokforing/huvudbok.se maps to no row of the breakdown "
            "'konton'") in output
    assert (f"data/organisation.yaml:{units}: indelningar.verksamheter.rader: account 8910 "
            "Extraordinära kostnader on no object of the breakdown's dimension (balance "
            "1 234,56 kr") in output
    # the rows then add up to 1 234,56 kr less cost than the ledger: -198 847 441,75 against
    # -198 847 441,75 - 1 234,56 = -198 848 676,31
    assert ("the mapped rows of 'konton' add up to -198 847 441,75 kr, the result accounts of "
            "data/2023/bokforing/huvudbok.se to -198 848 676,31 kr (difference 1 234,56 kr")\
        in output


def test_an_account_in_two_rows_fails_validate(tmp_path: Path) -> None:
    data = ledger_data(tmp_path)
    org = data / "organisation.yaml"
    replace_in(org, "konton: [4]", "konton: [4, 3890]")
    code, output = validate(data)
    assert code == 1, output
    line = line_of(org, "konton: [4, 3890]")
    first = line_of(org, "- id: ovriga-intakter")
    assert (f"data/organisation.yaml:{line}: indelningar.konton.rader[1].rader[1].konton: "
            "account 3890 Övriga intäkter (balance -12 340,00 kr in the file, 12 340,00 kr as "
            "snplan counts it) in data/2023/bokforing/huvudbok.se maps to the rows "
            "'ovriga-intakter' and 'kop-av-verksamhet'") in output
    assert f"(see data/organisation.yaml:{first})" in output


def test_an_outcome_both_typed_and_read_fails_validate(tmp_path: Path) -> None:
    data = ledger_data(tmp_path)
    report = data / "2023" / "arsredovisning.yaml"
    replace_in(report, "    hyror-arrenden:\n      budget: 8.2",
               "    hyror-arrenden:\n      utfall: 6.9\n      budget: 8.2")
    code, output = validate(data)
    assert code == 1, output
    line = line_after(report, "resultatrakning:", "utfall: 6.9")
    assert (f"data/2023/arsredovisning.yaml:{line}: resultatrakning.rader.hyror-arrenden."
            "utfall: this outcome (utfall) of 'hyror-arrenden' is typed here and also read "
            "from the ledger (data/2023/bokforing/huvudbok.se)") in output


def test_a_typed_total_over_rows_read_from_the_ledger_fails_validate(tmp_path: Path) -> None:
    data = ledger_data(tmp_path)
    report = data / "2023" / "arsredovisning.yaml"
    replace_in(report, "    intakter:\n      budget: 42.2",
               "    intakter:\n      utfall: 51.0\n      budget: 42.2")
    code, output = validate(data)
    assert code == 1, output
    assert "this outcome (utfall) of 'intakter' is typed here and also read" in output


def test_an_object_not_in_the_export_fails_validate(tmp_path: Path) -> None:
    data = ledger_data(tmp_path)
    org = data / "organisation.yaml"
    replace_in(org, 'objekt: ["50"]', 'objekt: ["50", "55"]')
    code, output = validate(data)
    assert code == 1, output
    line = line_of(org, 'objekt: ["50", "55"]')
    assert (f"data/organisation.yaml:{line}: indelningar.verksamheter.rader[4].objekt[1]: "
            "the object '55' of dimension 1 is not among the objects (#OBJEKT) of "
            "data/2023/bokforing/huvudbok.se (known: 10, 20, 30, 40, 50)") in output


def test_an_account_pattern_that_is_no_pattern_fails_validate(tmp_path: Path) -> None:
    data = ledger_data(tmp_path)
    org = data / "organisation.yaml"
    replace_in(org, "konton: [61]", "konton: [61, 6199-6100]")
    code, output = validate(data)
    assert code == 1, output
    line = line_of(org, "konton: [61, 6199-6100]")
    assert (f"data/organisation.yaml:{line}: indelningar.konton.rader[1].rader[2].konton[1]: "
            "the range '6199-6100' ends before it begins") in output


def test_two_exports_of_one_year_fail_validate(tmp_path: Path) -> None:
    data = ledger_data(tmp_path)
    shutil.copy(FIXTURE / "huvudbok.se", data / "2023" / "bokforing" / "kopia.se")
    code, output = validate(data)
    assert code == 1, output
    assert ("data/2023/bokforing/kopia.se: a second ledger export for 2023 (the first is "
            "data/2023/bokforing/huvudbok.se)") in output


# ------------------------------------------------------------------------------ explain, diff


def test_explain_lists_the_accounts_behind_a_figure(tmp_path: Path) -> None:
    data = ledger_data(tmp_path)
    result = runner.invoke(app, ["explain", "2023", "resultatrakning", "bidrag", "utfall",
                                 "--data", str(data)])
    assert result.exit_code == 0, result.output
    text = spaced(result.output)
    line = line_of(data / "organisation.yaml", "konton: [3400-3599]") - 2
    assert f"Bidrag (bidrag: konton 3400-3599, data/organisation.yaml:{line})" in text
    lines = [" ".join(row.split()) for row in text.splitlines()]
    assert "3410 Statsbidrag -7 438 612,25 7 438 612,25" in lines
    assert "3520 Bidrag från Migrationsverket -24 500 000,00 24 500 000,00" in lines
    assert "sum 31 938 612,25 kr = 31,93861225 mkr, printed 31,9 mkr" in lines


def test_explain_of_a_unit_lists_its_accounts_on_its_object(tmp_path: Path) -> None:
    data = ledger_data(tmp_path)
    result = runner.invoke(app, ["explain", "2023", "verksamheter", "forvaltningsgemensam",
                                 "utfall", "--data", str(data)])
    assert result.exit_code == 0, result.output
    lines = [" ".join(row.split()) for row in spaced(result.output)
             .splitlines()]
    assert ("3520 Bidrag från Migrationsverket 1:50 Förvaltningsgemensam verksamhet "
            "-4 500 000,00 4 500 000,00") in lines
    # 4 500 000 + 12 340 - 3 012 230,60 - 4 000 000 - 1 644 318,40 - 3 941 260 - 2 027 762,75
    assert "sum -10 113 231,75 kr = -10,11323175 mkr, printed -10,1 mkr" in lines


def test_explain_of_a_typed_figure_and_of_an_unknown_row(tmp_path: Path) -> None:
    data = ledger_data(tmp_path)
    result = runner.invoke(app, ["explain", "2023", "resultatrakning", "bidrag", "fjol",
                                 "--data", str(data)])
    assert result.exit_code == 0, result.output
    line = line_after(data / "2022" / "arsredovisning.yaml", "  bidrag:", "utfall: 27.9")
    assert f"typed as 27,9 in data/2022/arsredovisning.yaml:{line}" in result.output
    result = runner.invoke(app, ["explain", "2023", "resultatrakning", "bidrgа", "utfall",
                                 "--data", str(data)])
    assert result.exit_code == 2
    assert "has no row" in result.output


def test_diff_names_the_accounts_that_moved(tmp_path: Path) -> None:
    data = ledger_data(tmp_path)
    git = ["git", "-C", str(tmp_path), "-c", "user.email=t@example.org", "-c", "user.name=t"]
    subprocess.run([*git, "init", "-q"], check=True)
    subprocess.run([*git, "add", "-A"], check=True)
    subprocess.run([*git, "commit", "-qm", "base"], check=True)
    path = data / "2023" / "bokforing" / "huvudbok.se"
    text = path.read_bytes().replace(b"#RES 0 3310 -6942180.00", b"#RES 0 3310 -6952180.00")
    text = text.replace(b'3310 {1 "30"} -6942180.00', b'3310 {1 "30"} -6952180.00')
    path.write_bytes(text)
    result = runner.invoke(app, ["diff", "HEAD", "--data", str(data)])
    assert result.exit_code == 0, result.output
    assert ("2023/bokforing/huvudbok.se: konto 3310 Hyror bostäder: -6 942 180,00 → "
            "-6 952 180,00 (-10 000,00)") in spaced(result.output)


# ------------------------------------------------------------------------------ small ledgers


SMALL = """#FLAGGA 0
#FORMAT PC8
#SIETYP 4
#RAR 0 20230101 20231231
#KONTO 3010 Avgifter
#KONTO 5010 Löner
#KONTO 1930 Bank
#RES 0 3010 -1234.50
#RES 0 5010 2000.25
#UB 0 1930 766.25
"""


def _small(tmp_path: Path, unit: str, sign: str) -> tuple[Organisation, Path]:
    path = tmp_path / "liten.se"
    path.write_bytes(SMALL.encode("cp437"))
    org = Organisation.model_validate({
        "kommun": "K", "namnd": "N", "forvaltning": "F", "belopp_enhet": unit,
        "bokforing": {"tecken": sign},
        "indelningar": {"r": {"rader": [{"id": "intakter", "namn": "I", "konton": ["30"]},
                                         {"id": "kostnader", "namn": "K",
                                          "konton": ["5000-5999"]}]}}})
    return org, path


def test_a_small_ledger_in_tkr_with_revenue_positive(tmp_path: Path) -> None:
    org, path = _small(tmp_path, "tkr", "intakter_positiva")
    mapping = map_breakdown(org, "r", org.indelningar["r"], read_sie(path), 2023)
    assert mapping.value("intakter") == D("1.2345")
    assert mapping.value("kostnader") == D("-2.00025")
    assert mapping.unmapped == [] and mapping.twice == []
    assert mapping.mapped_total() == mapping.ledger_total() == D("765.75")  # 1930 not counted


def test_a_small_ledger_in_kr_with_the_file_sign(tmp_path: Path) -> None:
    org, path = _small(tmp_path, "kr", "som_i_filen")
    mapping = map_breakdown(org, "r", org.indelningar["r"], read_sie(path), 2023)
    assert mapping.value("intakter") == D("-1234.50")
    assert mapping.value("kostnader") == D("2000.25")


def test_objects_need_their_dimension() -> None:
    with pytest.raises(ValueError, match="say which dimension"):
        Organisation.model_validate({
            "kommun": "K", "namnd": "N", "forvaltning": "F", "belopp_enhet": "mkr",
            "indelningar": {"r": {"rader": [{"id": "a", "namn": "A", "objekt": ["1"]}]}}})


def test_an_account_given_only_on_objects_counts_once(tmp_path: Path) -> None:
    # no #RES: 3010 is booked 100,00 on object 1:A and 50,25 on 1:B, and the same transactions
    # again on project 6:P (150,25): the account is 150,25 in revenue, not 300,50
    path = tmp_path / "objekt.se"
    path.write_bytes("\r\n".join([
        "#FLAGGA 0", "#SIETYP 4", "#RAR 0 20230101 20231231", '#KONTO 3010 "Avgifter"',
        '#DIM 1 Ansvar', '#DIM 6 Projekt', '#OBJEKT 1 "A" "Enhet A"', '#OBJEKT 1 "B" "Enhet B"',
        '#OBJEKT 6 "P" "Projekt"',
        '#PSALDO 0 202312 3010 {1 "A"} -100.00', '#PSALDO 0 202312 3010 {1 "B"} -50.25',
        '#PSALDO 0 202312 3010 {6 "P"} -150.25', ""]).encode("cp437"))
    org = Organisation.model_validate({
        "kommun": "K", "namnd": "N", "forvaltning": "F", "belopp_enhet": "kr",
        "indelningar": {
            "r": {"rader": [{"id": "avgifter", "namn": "Avgifter", "konton": ["3"]}]},
            "u": {"dimension": 1, "rader": [{"id": "a", "namn": "A", "objekt": ["A"]}]}}})
    ledger = read_sie(path)
    accounts = map_breakdown(org, "r", org.indelningar["r"], ledger, 2023)
    assert accounts.value("avgifter") == D("150.25")
    assert accounts.mapped_total() == accounts.ledger_total() == D("-150.25")
    units = map_breakdown(org, "u", org.indelningar["u"], ledger, 2023)
    assert units.value("a") == D("100.00")
    assert [(p.account, p.object, p.balance) for p in units.unmapped] == [
        ("3010", (1, "B"), D("-50.25"))]


PERIOD_ORGANISATION = """\
kommun: Norrtorp
namnd: Socialnämnden
forvaltning: Socialförvaltningen
belopp_enhet: tkr
bokforing: {tecken: intakter_positiva}
indelningar:
  driftbudget:
    namn: Driftbudget
    summa: Nettokostnader
    rader:
      - {id: intakter, namn: Intäkter, konton: ["3"]}
      - {id: kostnader, namn: Kostnader, konton: ["4000-7999"]}
"""
PERIOD_OUTLINE = """\
titel: Uppföljning per april {ar}
period: {manad: 4, namn: Uppföljning per april, alias: [apr]}
kapitel:
  - rubrik: Sammanfattning
    block: sammanfattning
  - rubrik: Ekonomi
    block: driftbudget
    tabell:
      indelning: driftbudget
      rubrik: "Driftbudget ({enhet})"
      kolumner:
        - {id: utfall, varde: utfall, rubrik: "Jan–apr {ar}"}
        - {id: prognos, varde: prognos, rubrik: "Prognos {ar}"}
"""
# #PSALDO by month, in kronor (revenue negative in SIE): the months after April are the
# year's but not the report's
PERIOD_LEDGER = "\r\n".join([
    "#FLAGGA 0", "#FORMAT PC8", "#SIETYP 4", '#FNAMN "Norrtorp"',
    "#RAR 0 20250101 20251231",
    '#KONTO 3010 "Avgifter"', '#KONTO 4010 "Köp av verksamhet"',
    "#PSALDO 0 202501 3010 {} -100000.00", "#PSALDO 0 202503 3010 {} -50000.00",
    "#PSALDO 0 202505 3010 {} -999000.00",
    "#PSALDO 0 202502 4010 {} 300000.00", "#PSALDO 0 202504 4010 {} 200000.50",
    "#PSALDO 0 202506 4010 {} 1000000.00", ""])


def _period_data(tmp_path: Path, plan: str, report: str, ledger: str,
                 organisation: str = PERIOD_ORGANISATION, outline: str = PERIOD_OUTLINE
                 ) -> Path:
    """Norrtorp's data of 2025: its organisation, its own April report's outline, the plan,
    the report and the year's export."""
    data = tmp_path / "data"
    (data / "disposition").mkdir(parents=True)
    (data / "2025" / "bokforing").mkdir(parents=True)
    (data / "organisation.yaml").write_text(organisation, encoding="utf-8")
    (data / "disposition" / "uppfoljning-april.yaml").write_text(outline, encoding="utf-8")
    (data / "2025" / "verksamhetsplan.yaml").write_text(plan, encoding="utf-8")
    (data / "2025" / "uppfoljning-april.yaml").write_text(report, encoding="utf-8")
    (data / "2025" / "bokforing" / "huvudbok.se").write_bytes(ledger.encode("cp437"))
    return data


def _april_report(tmp_path: Path, data: Path) -> str:
    """The April report built as Markdown (no-break spaces as spaces)."""
    result = runner.invoke(app, ["build", "apr", "2025", "--format", "md", "--out",
                                 str(tmp_path / "out"), "--data", str(data)])
    assert result.exit_code == 0, result.output
    text = (tmp_path / "out" / "2025" / "uppfoljning-april-2025.md").read_text(encoding="utf-8")
    return text.replace("\u00a0", " ")


def test_a_period_report_reads_the_months_up_to_its_own_from_the_ledger(tmp_path: Path
                                                                         ) -> None:
    data = _period_data(
        tmp_path, "ar: 2025\ndriftbudget: {intakter: 1000, kostnader: -9000}\n",
        "ar: 2025\nsammanfattning: Året följer budgeten.\ndriftbudget:\n"
        "  intakter: {prognos: 400}\n  kostnader: {prognos: -1500}\n", PERIOD_LEDGER)
    code, output = validate(data)
    assert code == 0, output
    text = _april_report(tmp_path, data)
    # January to April: revenue 100 000 + 50 000 = 150 000 kr = 150 tkr (May's 999 000 is
    # after the report); costs 300 000 + 200 000,50 = 500 000,50 kr = -500,0005 tkr, printed
    # -500; net 150 − 500,0005 = −350,0005, printed −350; the forecasts are typed
    assert "| Intäkter | 150 | 400 |" in text
    assert "| Kostnader | -500 | -1 500 |" in text
    assert "| **Nettokostnader** | **-350** | **-1 100** |" in text


def test_a_month_of_a_broken_financial_year(tmp_path: Path) -> None:
    # a financial year from May 2024 to April 2025: its 8th month is December 2024, its 9th
    # January 2025
    path = tmp_path / "brutet.se"
    path.write_bytes("\r\n".join(["#FLAGGA 0", "#SIETYP 4", "#RAR 0 20240501 20250430",
                                  ""]).encode("cp437"))
    ledger = read_sie(path)
    assert ledger.month_of_year(8) == (2024, 12)
    assert ledger.month_of_year(9) == (2025, 1)
    assert ledger.month_of_year(1, year=-1) is None


def test_the_budget_can_come_from_the_exports_pbudget(tmp_path: Path) -> None:
    """Where the budget is kept in the accounting system, `bokforing.budget` names the kind
    of figure #PBUDGET gives; the plan then types none for the mapped rows."""
    # the budget: 100 000 kr of revenue and 400 000 kr of cost in each of the twelve months
    budget = [f"#PBUDGET 0 2025{m:02d} 3010 {{}} -100000.00" for m in range(1, 13)]
    budget += [f"#PBUDGET 0 2025{m:02d} 4010 {{}} 400000.00" for m in range(1, 13)]
    data = _period_data(
        tmp_path, "ar: 2025\ndriftbudget: {}\n",
        "ar: 2025\nsammanfattning: Året följer budgeten.\ndriftbudget:\n"
        "  intakter: {prognos: 1250}\n  kostnader: {prognos: -4700}\n",
        PERIOD_LEDGER.rstrip("\r\n") + "\r\n" + "\r\n".join(budget) + "\r\n",
        organisation=PERIOD_ORGANISATION.replace(
            "bokforing: {tecken: intakter_positiva}",
            "bokforing: {tecken: intakter_positiva, budget: budget}"),
        outline=PERIOD_OUTLINE.replace(
            '        - {id: prognos, varde: prognos, rubrik: "Prognos {ar}"}\n',
            '        - {id: budget, varde: budget, period: helar, rubrik: "Budget {ar}"}\n'
            '        - {id: prognos, varde: prognos, rubrik: "Prognos {ar}"}\n'))
    plan = data / "2025" / "verksamhetsplan.yaml"
    code, output = validate(data)
    assert code == 0, output
    text = _april_report(tmp_path, data)
    # budget: 12 × 100 000 = 1 200 000 kr = 1 200 tkr of revenue; 12 × 400 000 = 4 800 000 kr
    # = −4 800 tkr of cost; net 1 200 − 4 800 = −3 600; the outcome January–April as above
    assert "| Intäkter | 150 | 1 200 | 1 250 |" in text
    assert "| Kostnader | -500 | -4 800 | -4 700 |" in text
    assert "| **Nettokostnader** | **-350** | **-3 600** | **-3 450** |" in text
    # typed in the plan as well, it is a fact entered twice
    plan.write_text("ar: 2025\ndriftbudget:\n  intakter: 1000\n", encoding="utf-8")
    code, output = validate(data)
    assert code == 1
    assert ("2025/verksamhetsplan.yaml:3: driftbudget.intakter: this budget (budget) of "
            "'intakter' is typed here and also read from the ledger's #PBUDGET") in output
