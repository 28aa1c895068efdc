"""`snplan metrics YEAR`: every figure of the year's documents, for a terminal, a machine (JSON,
CSV) or a pull-request comment (Markdown).

The figures are the documents' own tables (the same table objects the Word and Excel files are
made from, hidden columns included) and the annual figures of the monthly measures, so a
figure here is the figure in the document.
"""

from __future__ import annotations

import csv
import io
import json
import re
from dataclasses import dataclass, field
from decimal import Decimal

from . import compute
from .blocks.monthly import monthly_view
from .fmt import number, percent
from .source.load import Dataset

FORMATS = ("table", "json", "csv", "markdown")


@dataclass(frozen=True)
class Column:
    id: str
    header: str
    percent: bool = False


@dataclass
class Section:
    """One table's figures: its rows (label, total or not) by column."""

    document: str
    key: str
    title: str
    columns: list[Column]
    rows: list[tuple[str, str, bool, dict[str, tuple[Decimal | None, int]]]] = field(
        default_factory=list)


def collect(ds: Dataset, year: int) -> list[Section]:
    """Every table figure and monthly annual figure of the documents of `year`."""
    from .documents import KINDS
    from .documents.resolve import tables_of

    sections: list[Section] = []
    entry = ds.years.get(year)
    if entry is None:
        return sections
    for kind in KINDS.values():
        if not kind.single or entry.document(kind.name) is None:
            continue
        titles = {node.block: node.rubrik for node in kind.disposition(ds).blocks()}
        for key, table in tables_of(ds, kind.name, year).items():
            figures = [c for c in table.columns if c.figure]
            if not figures or not table.rows:
                continue
            heading = table.caption or titles.get(key) or key
            section = Section(kind.label, key, heading.replace("\u00ad", ""),
                              [Column(c.id, c.header.replace("\u00ad", ""), c.percent)
                               for c in figures])
            for row in table.rows:
                cells = {c.id: (row.cells[c.id].value, row.cells[c.id].decimals)
                         for c in figures if row.cells[c.id].origin != "blank"}
                section.rows.append((row.id, row.label, row.total, cells))
            sections.append(section)
        sections += _monthly(ds, kind.name, year, kind.label)
    return sections


def _monthly(ds: Dataset, kind: str, year: int, label: str) -> list[Section]:
    """The annual figure of every monthly measure against last year's."""
    sections = []
    for node in ds.disposition(kind).blocks():
        document = ds.years[year].document(kind)
        if node.typ != "manadsmatt" or document is None or document.block(node.block or "") \
                is None:
            continue
        for group in monthly_view(ds, kind, node.block or "", year, span=2):
            section = Section(label, node.block or "", f"Verksamhetsmått: {group.name}", [
                Column("utfall", str(year)), Column("fjol", str(year - 1)),
                Column("forandring", "Förändring"), Column("procent", "%", percent=True)])
            for measure in group.measures:
                before, current = measure.series
                value = current.annual(measure.aggregation)
                if value is None:
                    continue
                previous = before.annual(measure.aggregation)
                places = 0 if measure.aggregation == "summa" else 1
                kind_of = "summa" if measure.aggregation == "summa" else "medel per månad"
                section.rows.append((measure.id, f"{measure.name} ({kind_of})", False, {
                    "utfall": (value, places), "fjol": (previous, places),
                    "forandring": (None if previous is None else value - previous, places),
                    "procent": (None if previous is None
                                else compute.percent_change(value, previous), 1)}))
            sections.append(section)
    return sections


def _machine(value: Decimal | None, decimals: int) -> str | None:
    """A figure for JSON and CSV: rounded (half up) to the precision the documents show it
    with, so a mean of twelve months is 93.8, not 93.83333333333333333333333333."""
    if value is None:
        return None
    rounded = compute.round_half_up(value, decimals)
    return str(abs(rounded) if rounded == 0 else rounded)


FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
_NUMBER = re.compile(r"-?\d+(\.\d+)?")


def _csv_cell(value: str | None) -> str:
    """A CSV cell that a spreadsheet will not run as a formula: text beginning with =, +, -,
    @, tab or carriage return is prefixed with an apostrophe (the OWASP rule); numbers are
    written as they are."""
    if value is None:
        return ""
    if _NUMBER.fullmatch(value):
        return value
    return "'" + value if value[:1] in FORMULA_STARTS else value


def _shown(value: Decimal | None, decimals: int, is_percent: bool) -> str:
    if value is None:
        return ""
    return percent(value, decimals) if is_percent else number(value, decimals)


def render(sections: list[Section], year: int, fmt: str) -> str:
    """The figures as text in one of FORMATS."""
    if fmt == "json":
        return json.dumps({"year": year, "tables": [{
            "document": s.document, "table": s.key, "title": s.title,
            "columns": [{"id": c.id, "header": c.header} for c in s.columns],
            "rows": [{"id": row_id, "label": label, "total": total,
                      "values": {c: _machine(v, d) for c, (v, d) in cells.items()}}
                     for row_id, label, total, cells in s.rows]}
            for s in sections]}, ensure_ascii=False, indent=2) + "\n"
    if fmt == "csv":
        buffer = io.StringIO()
        writer = csv.writer(buffer, lineterminator="\n")
        writer.writerow(["document", "table", "row", "label", "column", "header", "value"])
        for s in sections:
            headers = {c.id: c.header for c in s.columns}
            for row_id, label, _, cells in s.rows:
                for column, (value, decimals) in cells.items():
                    writer.writerow([_csv_cell(x) for x in (
                        s.document, s.key, row_id, label, column, headers[column],
                        _machine(value, decimals))])
        return buffer.getvalue()
    out: list[str] = []
    if fmt == "markdown":
        out.append(f"## Nyckeltal {year}\n")
        for s in sections:
            out.append(f"### {s.document}: {s.title}\n")
            out.append("| | " + " | ".join(c.header for c in s.columns) + " |")
            out.append("|---|" + "|".join("---:" for _ in s.columns) + "|")
            for _, label, total, cells in s.rows:
                values = [_shown(*cells.get(c.id, (None, 0)), c.percent) for c in s.columns]
                name = f"**{label}**" if total else label
                out.append("| " + " | ".join(x.replace("|", "\\|") for x in [name, *values])
                           + " |")
            out.append("")
        return "\n".join(out)
    out.append(f"Nyckeltal {year}")
    for s in sections:
        table = [["", *(c.header for c in s.columns)]]
        table += [[label, *(_shown(*cells.get(c.id, (None, 0)), c.percent)
                            for c in s.columns)] for _, label, _, cells in s.rows]
        widths = [max(len(r[i]) for r in table) for i in range(len(table[0]))]
        out.append("")
        out.append(f"{s.document}: {s.title}")
        for index, r in enumerate(table):
            cells_ = [r[0].ljust(widths[0])] + [c.rjust(w) for c, w in zip(r[1:], widths[1:],
                                                                           strict=True)]
            out.append("  " + "  ".join(cells_).rstrip())
            if index == 0:
                out.append("  " + "  ".join("-" * w for w in widths))
    return "\n".join(out) + "\n"
