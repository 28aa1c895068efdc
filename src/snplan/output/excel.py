"""The Excel writer: a resolved document's tables as a workbook, one sheet per table (tables
of one `sheet`, such as the monthly measures, share one), with native charts of its figures.

Every cell the data entered is an input cell (blue on pale yellow); every cell the tree gives
a formula is that formula over the sheet's cells — totals over their rows, computed columns by
their computation's one definition (`tables.ops`) — so editing an input in Excel updates the
rest, and a missing input leaves the cell empty rather than a wrong figure. The writer reads
only the tree.
"""

from __future__ import annotations

from decimal import Decimal

from openpyxl import Workbook
from openpyxl.utils import get_column_letter

from ..tree import Cell, Column, Document, Figure, Formula, Table
from .xlsx import (
    BOLD,
    NO_FILL,
    PLAIN_FONT,
    TOTAL_BORDER,
    WRAP_TOP,
    SheetBuilder,
    indented,
    legend_sheet,
    line_chart,
    new_workbook,
    put_formula,
    put_input,
    put_text,
    sheet_name,
    styled,
    workbook_bytes,
)


def number_format(column: Column, decimals: int) -> str:
    """An Excel number format: thousands grouped, the printed decimals; percentages as such
    (a percentage cell holds the ratio)."""
    places = "." + "0" * decimals if decimals else ""
    return f"0{places} %" if column.kind == "percent" else f"#,##0{places}"


def _header(table: Table) -> list[str]:
    """The header row: each column's heading without soft hyphens; an empty corner is
    named by the table (a monthly table's measure)."""
    labels = [c.header.replace("\u00ad", "") for c in table.columns]
    if labels and not labels[0]:
        labels[0] = table.name
    return labels


def _value(column: Column, cell: Cell) -> Decimal | int | None:
    value = cell.value
    if not isinstance(value, Decimal | int) or isinstance(value, bool):
        return None
    if column.kind == "percent":
        return Decimal(value) / 100
    return value


# A formula that refers to another table's cells, written once every table has its place:
# the cell, its number format and the formula.
Pending = list[tuple[object, str, Formula]]


def write_table(builder: SheetBuilder, table: Table, pending: Pending | None = None
                ) -> tuple[int, int]:
    """One table at the builder's row: its header, then every row (labels indented like the
    document's, totals bold), then its notes; returns the rows of its header and first body
    row. A formula over another table's cells goes to `pending`."""
    header_row = builder.header(_header(table))
    start = builder.row
    for index, row in enumerate(table.rows):
        r = start + index
        builder.row = r
        for position, (column, cell) in enumerate(zip(table.columns, row.cells, strict=True)):
            target = builder.ws.cell(r, position + 1)
            if position == 0 and table.row_headers:
                label = builder.label(row.label, bold=row.emphasised)
                if row.indent:
                    styled(label, alignment=indented(row.indent))
                continue
            if cell.blank:
                continue
            fmt = number_format(column, cell.decimals)
            if not column.figure:
                text = "\n\n".join(line for line in (_plain_line(x) for x in cell.lines) if line)
                put_text(target, text)
                builder.note_width(position + 1, text)
                styled(target, alignment=WRAP_TOP)
            elif cell.formula is not None and cell.formula.table and pending is not None:
                put_input(target, _value(column, cell), fmt)  # until its source is placed
                pending.append((target, fmt, cell.formula))
            elif cell.formula is not None and not cell.formula.table:
                refs = [f"{get_column_letter(c + 1)}{start + i}" for i, c in cell.formula.refs]
                put_formula(target, cell.formula.template.format(*refs), fmt)
            else:
                put_input(target, _value(column, cell), fmt)
        if row.emphasised:
            for position in range(1, len(table.columns) + 1):
                styled(builder.ws.cell(r, position), font=BOLD, border=TOTAL_BORDER)
    builder.row = start + len(table.rows)
    if table.notes:
        builder.row += 1
        for note in table.notes:
            builder.label(_plain_line(note))
            builder.row += 1
    return header_row, start


def _plain_line(runs: tuple) -> str:  # type: ignore[type-arg]
    return "".join(getattr(r, "text", " ") for r in runs)


class _Workbook:
    """One document's workbook: its sheets in order and where each table's rows went."""

    def __init__(self, document: Document) -> None:
        meta = document.meta
        self.document = document
        self.wb: Workbook = new_workbook(meta.title, meta.subject, meta.author, meta.timestamp)
        self.taken: set[str] = set()
        self.placed: dict[str, tuple[object, int, int, int]] = {}
        self.pending: Pending = []
        legend_sheet(self.wb, self.taken, [
            f"{meta.committee}: {meta.title}. Belopp i {meta.unit}.",
            "Celler med gul bakgrund och blå text är indata; övriga siffror är formler över "
            "dem (summor, förändringar, avvikelser, procent).",
            "En summa som är indata är den tryckta summan av avrundade rader (den ligger inom "
            "avrundningen av radernas summa).",
            "Under varje tabell står vad dess beräknade kolumner är.",
        ])

    def single(self, table: Table) -> None:
        sheet = self.wb.create_sheet(sheet_name(table.sheet or table.key, self.taken))
        builder = SheetBuilder(sheet)
        header_row, start = write_table(builder, table, self.pending)
        self.placed[table.id] = (sheet, header_row, start, start + len(table.rows) - 1)
        builder.finish()

    def shared(self, name: str, tables: list[Table], figures: list[Figure]) -> None:
        """Tables that share a sheet (the monthly measures), under their group labels, and a
        sheet of native charts of the figures drawn from them."""
        data_ws = self.wb.create_sheet(sheet_name(name, self.taken))
        charts = [f for f in figures if any(p.table in {t.id for t in tables}
                                            for p in f.panels)]
        chart_ws = self.wb.create_sheet(sheet_name("Diagram", self.taken)) if charts else None
        builder = SheetBuilder(data_ws)
        group = None
        for table in tables:
            if table.sheet_group != group:
                if group is not None:
                    builder.row += 1
                group = table.sheet_group
                builder.label(group, bold=True).font = BOLD
            builder.row += 1
            header_row, start = write_table(builder, table, self.pending)
            self.placed[table.id] = (data_ws, header_row, start, start + len(table.rows) - 1)
        builder.row += 1
        builder.finish(freeze="B1", print_rows=None)
        if chart_ws is not None:
            self.charts(chart_ws, charts)

    def charts(self, target: object, figures: list[Figure]) -> None:
        row = 1
        for figure in figures:
            put_text(target.cell(row, 1), figure.caption)  # type: ignore[attr-defined]
            target.cell(row, 1).font = BOLD  # type: ignore[attr-defined]
            row += 1
            panels = [p for p in figure.panels if p.table in self.placed]
            for index, panel in enumerate(panels):
                data_ws, header_row, first, last = self.placed[panel.table]
                if last < first:
                    continue
                column = "A" if index % 2 == 0 else "K"
                line_chart(data_ws, target, panel.title, panel.unit,  # type: ignore[arg-type]
                           header_row, first, last, f"{column}{row}",
                           len(panel.categories))
                if index % 2 == 1 or index == len(panels) - 1:
                    row += 14

    def build(self) -> bytes:
        tables = [t for t in self.document.tables() if t.sheet is not None and t.rows]
        figures = list(self.document.figures())
        counts: dict[str, int] = {}
        for table in tables:
            counts[table.sheet or ""] = counts.get(table.sheet or "", 0) + 1
        shared = {name for name, count in counts.items() if count > 1} | {
            t.sheet or "" for t in tables if t.sheet_group}
        for table in tables:
            if table.sheet not in shared:
                self.single(table)
        for name in dict.fromkeys(t.sheet or "" for t in tables if t.sheet in shared):
            self.shared(name, [t for t in tables if t.sheet == name], figures)
        self.resolve_pending()
        return workbook_bytes(self.wb)

    def resolve_pending(self) -> None:
        """Formulas over another table's cells, now that every table has its place: a
        reference to that sheet's cell, so the figure is entered once in the workbook too."""
        for target, fmt, formula in self.pending:
            placed = self.placed.get(formula.table)
            if placed is None:
                continue  # the other table is not in the workbook: its value stays
            sheet, _unused, start, _unused = placed
            title = sheet.title.replace("'", "''")  # type: ignore[attr-defined]
            refs = [f"'{title}'!{get_column_letter(c + 1)}{start + i}"
                    for i, c in formula.refs]
            put_formula(target, formula.template.format(*refs), fmt)
            styled(target, fill=NO_FILL, font=PLAIN_FONT)  # type: ignore[arg-type]


def write(document: Document) -> bytes:
    """The workbook of a resolved document."""
    return _Workbook(document).build()


__all__ = ["number_format", "write", "write_table"]
