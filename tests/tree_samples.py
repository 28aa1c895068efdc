"""Small resolved documents built by hand, for the writers' own tests: every node type, so a
writer is tested on the tree alone (no data, no outline)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal as D

from snplan.tree import (
    Break,
    Cell,
    Column,
    Contents,
    Cover,
    Document,
    Figure,
    Formula,
    ListBlock,
    ListItem,
    MemoHead,
    Meta,
    PageBreak,
    Panel,
    Paragraph,
    ProtocolHead,
    Row,
    Section,
    Series,
    Signatures,
    Signer,
    Table,
    Text,
)

META = Meta(title="Årsredovisning 2023", subject="Socialnämnden, Årsredovisning 2023",
            author="Socialnämnden, Solna stad", organisation="Solna stad",
            administration="Socialförvaltningen", kind_label="Årsredovisning",
            timestamp=dt.datetime(2024, 2, 1, 12, 0), unit="mkr")


def figure_cell(value: D | None, decimals: int = 1, *, entered: bool = True,
                formula: Formula | None = None, percent: bool = False) -> Cell:
    if value is None:
        shown = "–"
    else:
        rounded = round(value, decimals)
        shown = f"{rounded:,.{decimals}f}".replace(",", " ").replace(".", ",")
        if percent:
            shown += " %"
    return Cell(lines=((Text(shown),),), value=value, decimals=decimals, formula=formula,
                entered=entered)


def label(text: str) -> Cell:
    return Cell(lines=((Text(text),),), value=text)


def income_statement() -> Table:
    """Three rows, a subtotal, a grand total, a hidden column and a percent column."""
    columns = (Column("", "Resultaträkning (mkr)"),
               Column("utfall", "2023", "number", "right"),
               Column("budget", "Budget", "number", "right"),
               Column("avvikelse", "Budget\u00adavvikelse", "number", "right",
                      description="Budgetavvikelse"),
               Column("procent", "% 23/22", "percent", "right"),
               Column("fjol", "2022", "number", "right", hidden=True))
    dev = "=IF(OR({0}=\"\",{1}=\"\"),\"\",{0}-{1})"

    def row(index: int, row_id: str, name: str, out: str, budget: str, last: str,
            role: str = "data", indent: int = 0, children: tuple[int, ...] = ()) -> Row:
        def value(text: str, column: int) -> Cell:
            if children:
                refs = tuple((i, column) for i in children)
                template = "=" + "+".join(f"{{{n}}}" for n in range(len(refs)))
                return figure_cell(D(text), entered=False, formula=Formula(template, refs))
            return figure_cell(D(text))
        cells = (label(name), value(out, 1), value(budget, 2),
                 figure_cell(D(out) - D(budget), entered=False,
                             formula=Formula(dev, ((index, 1), (index, 2)))),
                 (figure_cell(D(out) / D(last) * 100 - 100, percent=True, entered=False,
                              formula=Formula("=IF({1}=0,\"\",{0}/{1}-1)",
                                              ((index, 1), (index, 5))))
                  if role != "data" else Cell(blank=True)),
                 value(last, 5))
        return Row(row_id, name, cells, role, indent)  # type: ignore[arg-type]

    rows = (
        row(0, "taxor", "Taxor och avgifter", "4.4", "4.4", "4.0", indent=1),
        row(1, "bidrag", "Bidrag <b>&amp;</b> =SUM(A1)", "31.9", "19.8", "27.9", indent=1),
        row(2, "intakter", "Summa intäkter", "36.3", "24.2", "31.9", "subtotal",
            children=(0, 1)),
        row(3, "personal", "Personalkostnader", "-140.6", "-142.1", "-131.0"),
        row(4, "summa", "Verksamhetens nettokostnader", "-104.3", "-117.9", "-99.1", "total",
            children=(2, 3)),
    )
    return Table("resultatrakning", columns, rows, name="Resultaträkning", row_headers=True,
                 notes=((Text("Budgetavvikelse = 2023 − Budget."),),
                        (Text("Beloppen är avrundade var för sig."),)),
                 keep=True, sheet="Resultaträkning (mkr)", id="t1")


def monthly_table() -> Table:
    months = ("jan", "feb", "mar", "apr", "maj", "jun", "jul", "aug", "sep", "okt", "nov", "dec")
    columns = (Column("ar", ""), *(Column(m, m, "number", "right") for m in months),
               Column("medel", "Medel", "number", "right"))
    rows = []
    for index, (year, base) in enumerate((("2022", 90), ("2023", 93))):
        values = [D(base + m) for m in range(12)]
        cells = (label(year), *(figure_cell(v, 0) for v in values),
                 figure_cell(sum(values) / 12, 1, entered=False,
                             formula=Formula("=AVERAGE({0}:{1})", ((index, 1), (index, 12)))))
        rows.append(Row(year, year, cells))
    return Table("verksamhetsmatt", columns, tuple(rows), name="Hushåll med bistånd",
                 keep=True, sheet="Verksamhetsmått", sheet_group="Ekonomiskt bistånd",
                 id="m1")


def chart() -> Figure:
    months = ("jan", "feb", "mar", "apr", "maj", "jun", "jul", "aug", "sep", "okt", "nov", "dec")
    return Figure("ekonomiskt-bistand", "Linjediagram, Ekonomiskt bistånd: månadsvärden per år "
                  "2022–2023 för Hushåll med bistånd. Samma värden finns i tabellerna ovan.",
                  "Ekonomiskt bistånd",
                  (Panel("Hushåll med bistånd", "hushåll", months,
                         (Series("2022", tuple(D(90 + m) for m in range(12))),
                          Series("2023", tuple(D(93 + m) for m in range(12)))),
                         counts=True, table="m1"),))


def report() -> Document:
    """A report: cover, contents, chapters with prose, a list, tables, a chart, signatures."""
    prose = Paragraph((Text("Nettokostnaden uppgår till "), Text("104,3", figure=True),
                       Text(" mkr, se "), Text("Solna stad", link="https://www.solna.se"),
                       Text(". Text med "), Text("fet", bold=True), Text(" och "),
                       Text("kursiv", italic=True), Text(" stil och <script>&amp;.")))
    return Document(META, (
        Cover("Solna stad", "Socialnämnden", "Årsredovisning 2023",
              ("Verksamhetsår 2023", "Diarienummer SN/2024:12",
               "Behandlas i socialnämnden 2024-02-21")),
        PageBreak(),
        Contents(),
        PageBreak(),
        Section((Text("Förvaltningsberättelse"),), 1, (
            Section((Text("Sammanfattning"),), 2, (
                prose,
                ListBlock((ListItem((Paragraph((Text("ett"),)),)),
                           ListItem((Paragraph((Text("två"),)),
                                     ListBlock((ListItem((Paragraph((Text("under"),)),)),)))))),
                ListBlock((ListItem((Paragraph((Text("tre"),)),)),), ordered=True, start=3),
            ), anchor="sammanfattning"),
            Section((Text("Ekonomisk analys"),), 2, (
                Paragraph((Text("Före tabellen."),)),
                income_statement(),
                Paragraph((Text("Efter tabellen."),)),
            ), anchor="ekonomisk-analys"),
        ), anchor="forvaltningsberattelse"),
        Section((Text("Verksamhetsmått"),), 1, (
            Section((Text("Hushåll med bistånd"),), 2, (monthly_table(),)),
            chart(),
        ), anchor="verksamhetsmatt", page_break=True),
        Section((Text("Underskrifter"),), 1, (
            Signatures(((Signer("Anna Ek", ("Förvaltningschef",)),
                         Signer("", ("Tf. controller",))),)),
        )),
    ))


def memo() -> Document:
    return Document(META, (
        MemoHead("Tjänsteskrivelse", ("Socialförvaltningen", "2024-02-01", "SN/2024:12"),
                 "Årsredovisning 2023"),
        Section((Text("Förslag till beslut"),), 2, (
            Paragraph((Text("Socialnämnden godkänner årsredovisningen."),)),)),
        Paragraph((Text("Beslutet expedieras till:", bold=True),)),
        ListBlock((ListItem((Paragraph((Text("Kommunstyrelsen"),)),)),)),
        Signatures(((Signer("Anna Ek", ("Förvaltningschef",)), None),)),
    ))


def protocol() -> Document:
    return Document(META, (
        ProtocolHead("Förhandlingsprotokoll MBL § 11",
                     (("Ärende", "Reviderad verksamhetsplan 2022"), ("Plats", "Solna stadshus"),
                      ("Tid", "2022-03-01 kl. 09:00–10:00"))),
        Section((Text("§ 1"),), 2, (
            Paragraph((Text("Parterna förklarar förhandlingen avslutad."),)),
            Paragraph((Text("Protokollsanteckning: Vision."),), role="note"),
        )),
        Signatures(((Signer("Anna Ek", ("Förvaltningschef",)),
                     Signer("Bo Berg", ("Vision",))),),
                   labels=("För arbetsgivaren", "För arbetstagarorganisationerna")),
        Paragraph((Text("Rad ett"), Break(), Text("Rad två")), role="details"),
    ))
