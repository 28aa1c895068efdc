"""Small resolved documents for the web edition's tests, beside tests/tree_samples.py: what
the three samples do not hold (an assessment column, heading rows with sub-rows, amounts in
tkr and a unit column, a chart of several panels, a tree that skips heading levels, repeats
anchors and links with every scheme an attacker would try)."""

from __future__ import annotations

import dataclasses
import io
import re
import zipfile
from decimal import Decimal as D
from pathlib import Path

from snplan.tree import (
    Cell,
    Column,
    Contents,
    Document,
    Figure,
    Panel,
    Paragraph,
    Row,
    Section,
    Series,
    Table,
    Text,
)

from .tree_samples import META, figure_cell, label

MONTHS = ("jan", "feb", "mar", "apr", "maj", "jun", "jul", "aug", "sep", "okt", "nov", "dec")
HOSTILE = '<img src=x onerror=alert(1)> "citat" & \'apostrof\' </style><script>alert(2)</script>'
BAD_LINKS = ("javascript:alert(1)", "JaVaScRiPt:alert(2)", "java\tscript:alert(3)",
             "data:text/html,<script>alert(4)</script>", "file:///etc/passwd",
             "vbscript:msgbox", " javascript:alert(5)", "//evil.example/x", "https:evil",
             "http://", "ftp://example.org/")
GOOD_LINKS = ("https://www.solna.se/", "http://example.org/a?b=1&c=2", "mailto:sn@solna.se",
              "#malen")


def assessment_cell(text: str, value: str) -> Cell:
    return Cell(lines=((Text(text),),), value=value)


def goals_table() -> Table:
    """Goals with their assessment: symbol and words, symbol alone (words in the value), a
    symbol with nothing else."""
    columns = (Column("mal", "Mål"), Column("bedomning", "Bedömning", "assessment"))
    rows = (Row("m1", "Mål 1", (label("Fler i egen försörjning"),
                               assessment_cell("● Uppfyllt", "niva1"))),
            Row("m2", "Mål 2", (label("Kortare väntetider"),
                                Cell(lines=((Text("◆"),),), value="Delvis uppfyllt"))),
            Row("m3", "Mål 3", (label("Färre placeringar"),
                                Cell(lines=((Text("▲"),),), value="niva3"))))
    return Table("mal", columns, rows, name="Måluppfyllelse", row_headers=True, id="mal")


def breakdown_table() -> Table:
    """Costs in tkr under a heading row, sub-rows indented, a cost per day in kr/dag, and a
    row with two lines in its label."""
    columns = (Column("", "Kostnader (tkr)"),
               Column("budget", "Budget 2024", "number", "right"),
               Column("dygn", "Kostnad per dygn", "number", "right", unit="kr/dag"),
               Column("intern", "Intern", "number", "right", hidden=True))
    blank = Cell(blank=True)
    rows = (Row("kostnader", "Kostnader", (label("Kostnader"), blank, blank, blank),
                role="heading"),
            Row("personal", "Personalkostnader",
                (label("Personalkostnader"), figure_cell(D("-12500"), 0),
                 figure_cell(D("2150"), 0), figure_cell(D("1"), 0)), indent=1),
            Row("lokal", "Lokalkostnader",
                (Cell(lines=((Text("Lokal- och"),), (Text("kapitalkostnader"),)),
                      value="Lokal- och kapitalkostnader"),
                 figure_cell(D("-3100"), 0), Cell(), figure_cell(D("2"), 0)), indent=1),
            Row("kostnader", "Summa kostnader",
                (label("Summa kostnader"), figure_cell(D("-15600"), 0, entered=False), blank,
                 figure_cell(D("3"), 0)), role="subtotal"),
            Row("intakter", "Intäkter", (label("Intäkter"), blank, blank, blank),
                role="heading"),
            Row("avgifter", "Avgifter", (label("Avgifter"), figure_cell(D("900"), 0), blank,
                                         figure_cell(D("4"), 0)), indent=1),
            Row("summa", "Nettokostnad", (label("Nettokostnad"),
                                          figure_cell(D("-14700"), 0, entered=False), blank,
                                          figure_cell(D("7"), 0)), role="total"))
    return Table("kostnader", columns, rows, name="Kostnader per slag", row_headers=True,
                 notes=((Text("Kostnad per dygn är årets kostnad delad med antalet dygn."),),),
                 id="kostnader")


def panels_chart() -> Figure:
    """Three panels: counts, amounts with decimals, a series with gaps."""
    def series(label: str, base: float, step: float, gaps: tuple[int, ...] = ()) -> Series:
        return Series(label, tuple(None if m in gaps else D(str(round(base + step * m, 2)))
                                   for m in range(12)))
    return Figure("placeringar", "Linjediagram, Placeringar: månadsvärden per år 2022–2024 "
                  "för Placerade barn; Kostnad per dygn; Väntetid.", "Placeringar",
                  (Panel("Placerade barn", "antal", MONTHS,
                         (series("2022", 40, 1), series("2023", 44, -0.5),
                          series("2024", 38, 0.25, gaps=(9, 10, 11))), table="t-barn"),
                   Panel("Kostnad per dygn", "kr/dag", MONTHS,
                         (series("2022", 2150.5, 12.25), series("2023", 2300, -8.5),
                          series("2024", 2210, 3)), counts=False, table="t-dygn"),
                   Panel("Väntetid", "dagar", MONTHS,
                         (series("2022", 0.8, 0.05), series("2023", 1.2, -0.04),
                          series("2024", 0.6, 0.01)), counts=False, table="t-vanta")))


def plan() -> Document:
    """A plan without a cover: the title comes from the document's properties."""
    meta = dataclasses.replace(META, title="Verksamhetsplan 2024", unit="tkr",
                               kind_label="Verksamhetsplan")
    return Document(meta, (
        Contents(title="Innehåll"),
        Section((Text("Mål"),), 1, (goals_table(),), anchor="malen"),
        Section((Text("Ekonomi"),), 1, (
            Section((Text("Kostnader"),), 2, (breakdown_table(),)),
            panels_chart(),
        ), anchor="ekonomi"),
    ))


def hostile() -> Document:
    """Every text hostile, every link scheme tried, anchors repeated, empty and invalid,
    heading levels skipped (1 → 3 → 6) and a level-3 heading first."""
    meta = dataclasses.replace(META, title=HOSTILE, author=HOSTILE, subject=HOSTILE,
                               keywords=HOSTILE, organisation=HOSTILE, administration=HOSTILE,
                               kind_label=HOSTILE)
    links = tuple(Text(f"länk {n}", link=address)
                  for n, address in enumerate(BAD_LINKS + GOOD_LINKS))
    columns = (Column("", HOSTILE), Column("x", HOSTILE, "number", "right"))
    hostile_table = Table(HOSTILE, columns, (Row(HOSTILE, HOSTILE, (label(HOSTILE),
                                                                    figure_cell(D("1.5")))),),
                          name=HOSTILE, notes=((Text(HOSTILE),),), id=HOSTILE)
    return Document(meta, (
        Section((Text("Först på nivå tre"),), 3, (Paragraph(links),), anchor="malen"),
        Section((Text(HOSTILE),), 1, (
            Section((Text("Hoppar till tre"),), 3, (
                Section((Text("Och till sex"),), 6, (Paragraph((Text(HOSTILE),)),),
                        anchor="malen"),
            ), anchor='"><script>alert(3)</script>'),
            hostile_table,
        ), anchor=""),
        Section((Text("Samma rubrik"),), 1, (), anchor="sammanfattning"),
        Section((Text("Samma rubrik"),), 1, (), anchor="sammanfattning"),
        Section((Text("2023"),), 1, (), anchor=""),
        Section((Text("   "),), 2, (), anchor=""),
        Figure(HOSTILE, HOSTILE, HOSTILE,
               (Panel(HOSTILE, HOSTILE, (HOSTILE, "feb"),
                      (Series(HOSTILE, (D(1), D(2))),)),)),
    ))


def restyled_reference(target: Path, *, heading: str = "FFE699", fill: str = "1F4E79",
                       font: str = "Georgia", size: int = 24) -> Path:
    """The shipped style reference with an organisation's look that would fail contrast: a
    pale heading colour, a dark table-header fill with black text, another body font."""
    from snplan.output.reference import build_reference

    source = zipfile.ZipFile(io.BytesIO(build_reference()))
    parts = {name: source.read(name) for name in source.namelist()}
    styles = parts["word/styles.xml"].decode("utf-8")
    styles = re.sub(r'(<w:style [^>]*w:styleId="Heading1".*?)<w:color w:val="000000"/>',
                    rf'\1<w:color w:val="{heading}"/>', styles, count=1, flags=re.S)
    styles = re.sub(r'(<w:style [^>]*w:styleId="snplanTabellhuvud".*?<w:pPr>)',
                    rf'\1<w:shd w:val="clear" w:color="auto" w:fill="{fill}"/>', styles,
                    count=1, flags=re.S)
    styles = re.sub(r'(<w:style [^>]*w:styleId="Normal".*?)<w:rFonts w:ascii="Arial" '
                    r'w:hAnsi="Arial"/><w:sz w:val="21"/>',
                    rf'\1<w:rFonts w:ascii="{font}" w:hAnsi="{font}"/><w:sz w:val="{size}"/>',
                    styles, count=1, flags=re.S)
    parts["word/styles.xml"] = styles.encode("utf-8")
    with zipfile.ZipFile(target, "w") as archive:
        for name, data in parts.items():
            archive.writestr(name, data)
    return target
