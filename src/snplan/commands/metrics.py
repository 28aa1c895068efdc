"""`snplan metrics YEAR`: every figure of the year's documents, for a terminal, a machine (JSON,
CSV) or a pull-request comment (Markdown).

The figures are the resolved documents' tables of figures (the tables the Word and Excel files
are made from, hidden columns and unprinted tables included, and the annual figures of the
monthly measures), so a figure here is the figure in the document.
"""

from __future__ import annotations

import csv
import io
import json
import re
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path

from .. import documents, tree
from ..errors import UsageError
from ..messages import _
from ..model.kinds import MONTHS, month_number
from ..problems import printable
from ..rules.report import load_clean, require_year
from ..source.load import Dataset
from ..tables.engine import round_half_up
from ..tables.format import number, percent
from .rendering import Settings, resolve_target

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


def sections_of(document: tree.Document) -> list[Section]:
    """The tables of figures of one resolved document."""
    sections = []
    for table in document.tables():
        figures = [i for i, c in enumerate(table.columns) if c.figure]
        if not table.listed or not figures or not table.rows:
            continue
        title = (table.columns[0].header if table.row_headers and table.columns[0].header
                 else table.name or table.key).replace("\u00ad", "")
        section = Section(document.meta.kind_label, table.key, title,
                          [Column(table.columns[i].id, table.columns[i].header.replace(
                              "\u00ad", ""), table.columns[i].kind == "percent")
                           for i in figures])
        for row in table.rows:
            cells = {table.columns[i].id: (_number(row.cells[i].value), row.cells[i].decimals)
                     for i in figures if not row.cells[i].blank}
            section.rows.append((row.id, row.label, row.emphasised, cells))
        sections.append(section)
    return sections


def _number(value: object) -> Decimal | None:
    return value if isinstance(value, Decimal) else None


def collect(ds: Dataset, year: int, settings: Settings, month: int | None = None,
            whole_year: bool = False) -> list[Section]:
    """Every table figure and monthly annual figure of the documents of `year`; with `month`
    only the period report that closes then, with `whole_year` only the plan and the
    report (a controller asks for the figures of one follow-up at a time)."""
    sections: list[Section] = []
    entry = ds.years.get(year)
    if entry is None:
        return sections
    for kind in documents.KINDS.values():
        if not kind.single or entry.document(kind.name) is None:
            continue
        own = ds.period(kind.name)
        if (month is not None and own != month) or (whole_year and own is not None):
            continue
        resolved = resolve_target(ds, documents.Target(year, kind.name), settings)
        sections += sections_of(resolved)
    return sections


def run(data: Path, year: int | None, fmt: str, period: str | None = None) -> str:
    """The metrics of `year` (default: the newest year) as text in `fmt`; `period` names a
    period report by its month (or `helar`: the year's plan and report)."""
    if fmt not in FORMATS:
        raise UsageError(_("--format must be one of {FORMATS}").format(FORMATS=', '.join(FORMATS)))
    wanted = (period or "").strip().lower()
    if period is not None and wanted != "helar" and month_number(wanted) is None:
        raise UsageError(_("--period must be a month ({MONTHS}) or helar, got '{period}'").format(
                             MONTHS=', '.join(MONTHS), period=period))
    dataset = load_clean(data, _("no figures were computed")).dataset
    if year is None:
        if not dataset.years:
            raise UsageError(_("the data holds no year yet"))
        year = max(dataset.years)
    require_year(dataset, year)
    settings = Settings(out=data / "unused")
    month = month_number(wanted)
    sections = collect(dataset, year, settings, month, wanted == "helar")
    if period is not None and wanted != "helar" and not sections:
        raise UsageError(_("{year} has no period report that closes in {wanted}").format(
                             year=year, wanted=wanted))
    text = render(sections, year, fmt)
    # names from the data reach a terminal with control and direction characters escaped;
    # the machine formats (csv, json) carry them as they are
    return printable(text) if fmt in {"table", "markdown"} else text


def _machine(value: Decimal | None, decimals: int) -> str | None:
    """A figure for JSON and CSV: rounded (half up) to the precision the documents show it
    with, so a mean of twelve months is 93.8, not 93.83333333333333333333333333."""
    if value is None:
        return None
    rounded = round_half_up(value, decimals)
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
            for row_id, label, _unused, cells in s.rows:
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
            out.append("|---|" + "|".join("---:" for _unused in s.columns) + "|")
            for _unused, label, total, cells in s.rows:
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
                            for c in s.columns)] for _unused, label, _unused, cells in s.rows]
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
