"""Gaps found while writing a second organisation's data (tests/fixtures/exempelby), each
shown on the smallest data directory that has it."""

from __future__ import annotations

import textwrap
from pathlib import Path

from docx.shared import Twips
from typer.testing import CliRunner

from snplan.cli import app

from .docx_read import open_docx, rows_of, table_starting_with

runner = CliRunner()

ORGANISATION = """\
kommun: Småby kommun
namnd: Omsorgsnämnden
forvaltning: Omsorgsförvaltningen
belopp_enhet: tkr
indelningar:
  konton:
    summa: Nettokostnad
    rader:
      - {id: intakter, namn: Intäkter}
      - {id: kostnader, namn: Kostnader}
  personal:
    rader:
      - id: anstallda
        namn: Anställda
        placering: fore
        enhet: personer
        rader:
          - {id: kvinnor, namn: varav kvinnor, enhet: personer}
          - {id: man, namn: varav män, enhet: personer}
mal:
  - id: trygg
    niva: Kommunfullmäktiges mål
    namn: Äldre ska känna sig trygga.
    delmal:
      - id: kontinuitet
        niva: Resultatmål
        namn: Färre olika medarbetare hos varje brukare.
fack:
  - {id: vision, namn: Vision}
personer:
  - {id: chef, namn: Maria Berg, titel: Förvaltningschef}
  - {id: hr, namn: Lena Sandberg, titel: HR-strateg}
  - {id: ombud, namn: Peter Ek, fack: vision}
"""

PLAN_OUTLINE = """\
titel: Plan {ar}
kapitel:
  - rubrik: Inledning
    block: sammanfattning
    kravs: true
  - rubrik: Mål
    block: namndmal
    mal: {}
  - rubrik: Budget
    block: budget
    tabell:
      indelning: konton
      rubrik: "{enhet}"
      kolumner:
        - {id: budget, varde: budget, rubrik: "Budget {ar}"}
  - rubrik: Personal
    block: personal
    tabell:
      indelning: personal
      rubrik: Antal
      kolumner:
        - {id: utfall, varde: utfall, rubrik: "{ar}"}
  - rubrik: Bilaga 1 Statistik
    block: bilaga
    tabell:
      fotnot: ["Källa: egen statistik."]
"""


def write(root: Path, files: dict[str, str]) -> Path:
    for name, text in files.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(textwrap.dedent(text), encoding="utf-8")
    return root


def build(data: Path, out: Path, *args: str) -> str:
    result = runner.invoke(app, ["build", *args, "--data", str(data), "--out", str(out),
                                 "--format", "md"])
    assert result.exit_code == 0, result.output
    return result.output


def built_markdown(data: Path, out: Path, kind: str, stem: str) -> str:
    """Build one document of 2024 as Markdown and return its text."""
    build(data, out, kind, "2024")
    return (out / "2024" / f"{stem}.md").read_text(encoding="utf-8")


def test_a_free_table_block_is_printed(tmp_path: Path) -> None:
    """An outline table without columns is a free table (appendices): the data gives its
    columns and rows. It used to print its chapter heading and nothing under it."""
    data = write(tmp_path / "data", {
        "organisation.yaml": ORGANISATION,
        "disposition/verksamhetsplan.yaml": PLAN_OUTLINE,
        "2024/verksamhetsplan.yaml": """\
            ar: 2024
            sammanfattning: Inledning.
            bilaga:
              text: Platser per boende.
              kolumner: [Boende, {rubrik: Platser, typ: tal}, {rubrik: Beläggning, typ: procent},
                         {rubrik: Tillsyn, typ: datum}]
              rader:
                - [Ekbacken, 64, 96.5, 2023-10-12]
            """,
    })
    text = built_markdown(data, tmp_path / "out", "vp", "verksamhetsplan-2024")
    appendix = text[text.index("# Bilaga 1 Statistik"):]
    assert "Platser per boende." in appendix
    assert "| Boende | Platser | Beläggning | Tillsyn |" in appendix
    assert "| Ekbacken | 64 | 96,5 % | 2023-10-12 |" in appendix
    assert "Källa: egen statistik." in appendix  # the outline's footnote


def test_goal_levels_are_named(tmp_path: Path) -> None:
    """A council goal and the committee's result goal under it are told apart by the level
    the organisation names (`niva`), printed under each goal's heading; a goal of the data
    may name its level itself. The level used to be read and never printed."""
    data = write(tmp_path / "data", {
        "organisation.yaml": ORGANISATION,
        "disposition/verksamhetsplan.yaml": PLAN_OUTLINE,
        "2024/verksamhetsplan.yaml": """\
            ar: 2024
            sammanfattning: Inledning.
            namndmal:
              mal:
                - mal: trygg
                  delmal:
                    - mal: kontinuitet
                    - namn: Ett mål bara i år.
                      niva: Verksamhetsmål
            """,
    })
    text = built_markdown(data, tmp_path / "out", "vp", "verksamhetsplan-2024")
    assert ("## Äldre ska känna sig trygga.\n\n*Kommunfullmäktiges mål*\n\n"
            "### Färre olika medarbetare hos varje brukare.\n\n*Resultatmål*\n\n"
            "### Ett mål bara i år.\n\n*Verksamhetsmål*\n") in text


def test_protocol_keeps_abbreviations_in_titles(tmp_path: Path) -> None:
    """A title is printed in lower case after a name in the attendance list ("Maria Berg,
    förvaltningschef") and as written under a signature; a title that begins with an
    abbreviation keeps its capitals. It used to read "hr-strateg" and "Hr-strateg"."""
    data = write(tmp_path / "data", {
        "organisation.yaml": ORGANISATION,
        "2024/mbl/plan.yaml": """\
            arende: Plan 2024
            plats: Kommunhuset
            datum: 2023-11-13
            tid_fran: "09:00"
            tid_till: "10:00"
            narvarande: {arbetsgivare: [chef, hr], arbetstagare: [ombud]}
            paragrafer:
              - text: Förhandlingen avslutas.
                avslutande: true
            justeras: {arbetsgivare: [chef, hr], arbetstagare: [ombud]}
            """,
    })
    text = built_markdown(data, tmp_path / "out", "mbl", "mbl-plan")
    assert "- Maria Berg, förvaltningschef\n" in text
    assert "- Lena Sandberg, HR-strateg\n" in text
    assert "| Maria Berg<br>Förvaltningschef | Peter Ek<br>Vision |" in text
    assert "| Lena Sandberg<br>HR-strateg |  |" in text


def test_a_report_is_rebuilt_when_the_plan_it_reads_changes(tmp_path: Path) -> None:
    """A report's budget column is read from the plan of its year when both hold the block
    (each figure entered once), so a change to the plan makes the report out of date. The
    report used to count only report files as its inputs and stayed stale."""
    report_outline = """\
        titel: Rapport {ar}
        kapitel:
          - rubrik: Inledning
            block: sammanfattning
            kravs: true
          - rubrik: Budget
            block: budget
            tabell:
              indelning: konton
              rubrik: "{enhet}"
              kolumner:
                - {id: utfall, varde: utfall, rubrik: "Utfall {ar}"}
                - {id: budget, varde: budget, rubrik: "Budget {ar}"}
        """
    data = write(tmp_path / "data", {
        "organisation.yaml": ORGANISATION,
        "disposition/verksamhetsplan.yaml": PLAN_OUTLINE,
        "disposition/arsredovisning.yaml": report_outline,
        "2024/verksamhetsplan.yaml": """\
            ar: 2024
            sammanfattning: Inledning.
            budget: {intakter: {budget: 100}, kostnader: {budget: -900}}
            """,
        "2024/arsredovisning.yaml": """\
            ar: 2024
            sammanfattning: Året.
            budget: {intakter: {utfall: 110}, kostnader: {utfall: -950}}
            """,
    })
    out = tmp_path / "out"
    build(data, out, "ar", "2024")
    report = out / "2024" / "arsredovisning-2024.md"
    assert "| **Nettokostnad** | **-840** | **-800** |" in report.read_text(encoding="utf-8")
    plan = data / "2024" / "verksamhetsplan.yaml"
    plan.write_text(plan.read_text(encoding="utf-8").replace("-900", "-920"),
                    encoding="utf-8")
    output = build(data, out, "ar", "2024")
    assert "up to date" not in output
    # -840 = 110 − 950; -820 = 100 − 920
    assert "| **Nettokostnad** | **-840** | **-820** |" in report.read_text(encoding="utf-8")


def test_sub_rows_are_indented_in_word(tmp_path: Path) -> None:
    """Rows under a group's heading row (`placering: fore`) are indented: in Word by the
    paragraph's indentation, so the cell reads as the label alone. The template's em spaces
    used to be trimmed away by the Markdown table parser, and the sub-rows stood flush with
    the rows around them."""
    data = write(tmp_path / "data", {
        "organisation.yaml": ORGANISATION,
        "disposition/verksamhetsplan.yaml": PLAN_OUTLINE,
        "2024/verksamhetsplan.yaml": """\
            ar: 2024
            sammanfattning: Inledning.
            personal: {kvinnor: {utfall: 61}, man: {utfall: 19}}
            """,
    })
    result = runner.invoke(app, ["build", "vp", "2024", "--data", str(data), "--out",
                                 str(tmp_path / "out"), "--format", "docx"])
    assert result.exit_code == 0, result.output
    table = table_starting_with(open_docx(tmp_path / "out" / "2024" /
                                          "verksamhetsplan-2024.docx"), "Antal")
    # 80 = 61 + 19
    assert rows_of(table) == [["Antal", "2024"], ["Anställda", "80"],
                              ["varav kvinnor", "61"], ["varav män", "19"]]
    indents = [row.cells[0].paragraphs[0].paragraph_format.left_indent for row in table.rows]
    assert indents[:2] == [None, None]
    assert indents[2] == indents[3] == Twips(180)


def test_new_year_from_a_plan_with_a_free_table(tmp_path: Path) -> None:
    """`snplan new` carries a free table's columns and each row's first cell, the other
    cells to fill in. It used to stop on an unexpected error (a free table's rows are lists of
    cells, not mappings)."""
    data = write(tmp_path / "data", {
        "organisation.yaml": ORGANISATION,
        "disposition/verksamhetsplan.yaml": PLAN_OUTLINE,
        "2024/verksamhetsplan.yaml": """\
            ar: 2024
            sammanfattning: Inledning.
            bilaga:
              kolumner: [Boende, {rubrik: Platser, typ: tal}]
              rader:
                - [Ekbacken, 64]
            """,
    })
    result = runner.invoke(app, ["new", "2025", "--data", str(data)])
    assert result.exit_code == 0, result.output
    written = (data / "2025" / "verksamhetsplan.yaml").read_text(encoding="utf-8")
    assert "bilaga:\n  kolumner:\n  - rubrik: Boende\n    typ: text\n  - rubrik: Platser\n" \
           "    typ: tal\n  rader:\n  - - Ekbacken\n    - FYLL I\n" in written
    result = runner.invoke(app, ["validate", "--data", str(data)])
    assert result.exit_code == 0, result.output
    assert "bilaga.rader[0][1]: to be filled in (still FYLL I)" in result.output
    # a cell still to fill in is a to-do, not a type error; the build refuses it as one
    result = runner.invoke(app, ["build", "vp", "2025", "--data", str(data), "--out",
                                 str(tmp_path / "out"), "--format", "docx"])
    assert result.exit_code == 1
    assert "2 value(s) are still to be filled in" in result.output
    assert "holds numbers" not in result.output and "bug" not in result.output


def test_protocol_names_who_made_a_protocol_note(tmp_path: Path) -> None:
    """A paragraph that is a union's protocol note (`protokollsanteckning`) says whose it is.
    The unions were checked against the organisation and then never printed."""
    data = write(tmp_path / "data", {
        "organisation.yaml": ORGANISATION,
        "2024/mbl/plan.yaml": """\
            arende: Plan 2024
            plats: Kommunhuset
            datum: 2023-11-13
            tid_fran: "09:00"
            tid_till: "10:00"
            narvarande: {arbetsgivare: [chef], arbetstagare: [ombud]}
            paragrafer:
              - text: Vision anser att bemanningen är för låg.
                protokollsanteckning: [vision]
              - text: Förhandlingen avslutas.
                avslutande: true
            justeras: {arbetsgivare: [chef], arbetstagare: [ombud]}
            """,
    })
    text = built_markdown(data, tmp_path / "out", "mbl", "mbl-plan")
    assert "Vision anser att bemanningen är för låg.\n\nProtokollsanteckning: Vision.\n" in text
    assert text.count("Protokollsanteckning") == 1


def test_measures_table_shows_the_columns_the_measures_have(tmp_path: Path) -> None:
    """A goal's measures table has a column only where some measure has a value: a plan's
    measures no empty outcome and assessment, a report's no empty baseline, and a comment
    on a measure is printed. The table used to print every column, always, and never the
    comment."""
    data = write(tmp_path / "data", {
        "organisation.yaml": ORGANISATION,
        "disposition/verksamhetsplan.yaml": PLAN_OUTLINE,
        "2024/verksamhetsplan.yaml": """\
            ar: 2024
            sammanfattning: Inledning.
            namndmal:
              mal:
                - mal: trygg
                  matt:
                    - {namn: Olika medarbetare, enhet: antal, utgangsvarde: 16,
                       malvarden: {2024: 14, 2025: 12}}
                - mal: kontinuitet
                  matt:
                    - {namn: Nöjda brukare, utfall: 85.5, bedomning: niva2,
                       kommentar: Mätt i oktober.}
            """,
    })
    text = built_markdown(data, tmp_path / "out", "vp", "verksamhetsplan-2024")
    assert ("| Mått | Enhet | Utgångsvärde | Mål 2024 | Mål 2025 |\n|---|---|---:|---:|---:|\n"
            "| Olika medarbetare | antal | 16 | 14 | 12 |\n") in text
    assert ("| Mått | Utfall | Bedömning | Kommentar |\n|---|---:|---|---|\n"
            "| Nöjda brukare | 85,5 | ◆ | Mätt i oktober. |\n") in text
