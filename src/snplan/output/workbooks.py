"""A document's workbook: one sheet per table of its outline that has figures, written from
the same table objects as the Word document, so the two cannot disagree.

Every figure read from the data is an input cell; every total the data does not enter is a
formula over the cells of its rows; every computed column is the formula of its computation
(`tables.ops`), empty when an operand is empty — never a wrong figure. Monthly measures get a
sheet of their own with native line charts.
"""

from __future__ import annotations

from decimal import Decimal

from openpyxl.styles import Alignment
from openpyxl.utils import get_column_letter

from ..blocks.monthly import MONTHS, monthly_view
from ..blocks.table import footnotes
from ..documents import KINDS, Target
from ..documents.context import document_title, tables_of, timestamp_for
from ..source.load import Dataset
from ..tables import Column, Table
from ..tables.engine import heading
from ..tables.ops import excel_formula
from .xlsx import (
    BOLD,
    TOTAL_BORDER,
    SheetBuilder,
    legend_sheet,
    line_chart,
    new_workbook,
    put_formula,
    put_input,
    put_text,
    sheet_name,
    workbook_bytes,
)


def number_format(column: Column, decimals: int) -> str:
    """An Excel number format: thousands grouped, the printed decimals; percentages as such
    (a percentage cell holds the ratio)."""
    places = "." + "0" * decimals if decimals else ""
    return f"0{places} %" if column.percent else f"#,##0{places}"


def table_sheet(builder: SheetBuilder, table: Table) -> None:
    """Write one table: a header row, then every row (labels indented like the document's,
    totals bold), then its footnotes."""
    breakdown = table.spec.indelning is not None
    first_column = 2 if breakdown else 1
    columns = table.columns
    letters = {c.id: get_column_letter(first_column + i) for i, c in enumerate(columns)}
    header = ([table.caption] if breakdown else []) + [c.header.replace("\u00ad", "")
                                                      for c in columns]
    builder.header(header)
    start = builder.row
    for index, row in enumerate(table.rows):
        r = builder.row = start + index
        if breakdown:
            cell = builder.label(row.label, bold=row.total)
            if row.indent:
                cell.alignment = Alignment(indent=row.indent)
        for column in columns:
            cell = builder.ws.cell(r, first_column + columns.index(column))
            content = row.cells[column.id]
            fmt = number_format(column, content.decimals)
            if content.origin == "blank":
                continue
            if not column.figure:
                text = table.text(row, column)
                put_text(cell, text)
                builder.note_width(first_column + columns.index(column), text)
                cell.alignment = Alignment(wrap_text=True, vertical="top")
            elif content.origin in {"input", "entered"}:
                value = content.value
                if column.percent and isinstance(value, Decimal):
                    value = value / 100
                put_input(cell, value, fmt)
            elif content.origin == "sum":
                refs = [f"{letters[column.id]}{start + i}" for i in row.children]
                put_formula(cell, _sum_formula(refs), fmt)
            elif content.origin == "derived":
                assert column.spec.berakning is not None
                refs = [f"{letters[ref]}{r}" for ref in column.spec.av]
                put_formula(cell, excel_formula(column.spec.berakning, refs, table.context),
                            fmt)
            elif content.origin == "field":
                value = content.value
                if isinstance(value, Decimal) and column.percent:
                    value = value / 100
                put_input(cell, value, fmt)
        if row.total:
            for column in range(1, first_column + len(columns)):
                builder.ws.cell(r, column).font = BOLD
                builder.ws.cell(r, column).border = TOTAL_BORDER
    builder.row = start + len(table.rows)
    notes = footnotes(table) + list(getattr(table.content, "fotnoter", []) or [])
    if notes:
        builder.row += 1
        for note in notes:
            builder.label(note)
            builder.row += 1


def _sum_formula(refs: list[str]) -> str:
    """A total of the cells `refs`: empty when one of them is (an unknown part gives an
    unknown total, as in the document)."""
    if not refs:
        return "=0"
    guard = ",".join(f'{r}=""' for r in refs[:200])
    return f'=IF(OR({guard}),"",{"+".join(refs)})'


def _monthly_sheets(wb: object, taken: set[str], ds: Dataset, target: Target) -> None:
    for node in ds.disposition(target.kind).blocks():
        document = ds.years[target.year].document(target.kind)
        if node.typ != "manadsmatt" or document is None or \
                document.block(node.block or "") is None:
            continue
        span = node.manadsmatt.ar if node.manadsmatt else 3
        groups = monthly_view(ds, target.kind, node.block or "", target.year, span)
        if not groups:
            continue
        data_ws = wb.create_sheet(sheet_name("Verksamhetsmått", taken))  # type: ignore[attr-defined]
        chart_ws = wb.create_sheet(sheet_name("Diagram", taken))  # type: ignore[attr-defined]
        b = SheetBuilder(data_ws)
        chart_row = 1
        for group in groups:
            b.label(group.name, bold=True).font = BOLD
            put_text(chart_ws.cell(chart_row, 1), group.name)
            chart_ws.cell(chart_row, 1).font = BOLD
            chart_row += 1
            for index, measure in enumerate(group.measures):
                word = "Summa" if measure.aggregation == "summa" else "Medel"
                b.row += 1
                header_row = b.header([measure.name, *MONTHS, word])
                first = b.row
                for series in measure.series:
                    if series.values is None:
                        continue
                    r = b.row
                    put_text(b.ws.cell(r, 1), str(series.year))
                    for month, value in enumerate(series.values, start=2):
                        put_input(b.ws.cell(r, month), value, "#,##0")
                    function = "SUM" if measure.aggregation == "summa" else "AVERAGE"
                    put_formula(b.ws.cell(r, 14), f"={function}(B{r}:M{r})",
                                "#,##0" if measure.aggregation == "summa" else "#,##0.0")
                    b.row += 1
                if b.row > first:
                    column = "A" if index % 2 == 0 else "K"
                    line_chart(data_ws, chart_ws, measure.name, measure.unit, header_row,
                               first, b.row - 1, f"{column}{chart_row}")
                    if index % 2 == 1 or index == len(group.measures) - 1:
                        chart_row += 14
            b.row += 1
        b.finish(freeze="B1", print_rows=None)


def workbook(ds: Dataset, target: Target) -> bytes:
    """The workbook of a plan or report."""
    assert ds.organisation is not None
    org = ds.organisation
    kind = KINDS[target.kind]
    document = ds.years[target.year].document(target.kind)
    assert document is not None
    title = document_title(ds, kind, document)
    date = getattr(document.model, "behandlas", None)
    wb = new_workbook(title, f"{org.namnd}, {title}", f"{org.namnd}, {org.kommun}",
                      timestamp_for(date, target.year))
    taken: set[str] = set()
    legend_sheet(wb, taken, [
        f"{org.namnd}: {title}. Belopp i {org.belopp_enhet}.",
        "Celler med gul bakgrund och blå text är indata; övriga siffror är formler över "
        "dem (summor, förändringar, avvikelser, procent).",
        "En summa som är indata är den tryckta summan av avrundade rader (den ligger inom "
        "avrundningen av radernas summa).",
        "Under varje tabell står vad dess beräknade kolumner är.",
    ])
    headings = {node.block: heading(node.rubrik, target.year, org)
                for node in kind.disposition(ds).blocks() if node.rubrik}
    for key, table in tables_of(ds, target.kind, target.year).items():
        if not any(c.figure for c in table.columns) or not table.rows:
            continue
        name = headings.get(key) or table.caption or key
        builder = SheetBuilder(wb.create_sheet(sheet_name(name, taken)))
        table_sheet(builder, table)
        builder.finish()
    _monthly_sheets(wb, taken, ds, target)
    return workbook_bytes(wb)
