"""Excel workbooks whose derived cells are formulas over their input cells.

A controller edits an input in Excel and every change, deviation, percentage and total
follows. Inputs and derived cells look different (inputs blue on pale yellow), header rows are
frozen and printed on every page, numbers carry Excel number formats (shown with the reader's
Swedish separators), and text from the data is always written as text, never as a formula.
"""

from __future__ import annotations

import datetime as dt
import io
import re
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal

from openpyxl import Workbook
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE, Cell
from openpyxl.chart import LineChart, Reference
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

from .files import reproducible_zip

INPUT_FILL = PatternFill("solid", fgColor="FFF8DC")
INPUT_FONT = Font(color="1F4E79")
HEADER_FILL = PatternFill("solid", fgColor="E7E6E6")
BOLD = Font(bold=True)
THIN = Side(style="thin", color="BFBFBF")
TOTAL_BORDER = Border(top=THIN)
_BAD_SHEET_CHARS = re.compile(r"[\[\]:*?/\\]")


def amount_format(unit: str) -> str:
    """One decimal for mkr, none for tkr and kr."""
    return "#,##0.0" if unit == "mkr" else "#,##0"


PERCENT = "0.0 %"


def sheet_name(name: str, taken: set[str]) -> str:
    """A sheet name Excel accepts: no []:*?/\\, at most 31 characters, unique."""
    clean = _BAD_SHEET_CHARS.sub("-", name).strip("'") or "Blad"
    candidate = clean[:31]
    counter = 2
    while candidate.lower() in {t.lower() for t in taken}:
        suffix = f" ({counter})"
        candidate = clean[: 31 - len(suffix)] + suffix
        counter += 1
    taken.add(candidate)
    return candidate


# What openpyxl's pattern leaves out but XML cannot carry either: lone surrogates, U+FFFE, U+FFFF.
_ALSO_ILLEGAL = re.compile("[\ud800-\udfff\ufffe\uffff]")


def safe_text(value: str) -> str:
    """Text without the characters XML cannot carry. Validation refuses them in the data with
    file, line and field; this is the last guard, for text that did not come from the data."""
    return _ALSO_ILLEGAL.sub("", ILLEGAL_CHARACTERS_RE.sub("", value))


def put_text(cell: Cell, value: str) -> None:
    """Write text that stays text: a value beginning with =, +, - or @ is not a formula."""
    cell.value = safe_text(value)
    cell.data_type = "s"


def put_input(cell: Cell, value: Decimal | int | None, number_format: str) -> None:
    if value is not None:
        cell.value = value if isinstance(value, int) else Decimal(value)
    cell.number_format = number_format
    cell.fill = INPUT_FILL
    cell.font = INPUT_FONT


def put_formula(cell: Cell, formula: str, number_format: str) -> None:
    cell.value = formula
    cell.number_format = number_format


@dataclass
class SheetBuilder:
    """Writes a sheet row by row and remembers column widths."""

    ws: Worksheet
    row: int = 1

    def __post_init__(self) -> None:
        self.widths: dict[int, int] = {}

    def note_width(self, column: int, text: str) -> None:
        self.widths[column] = max(self.widths.get(column, 0), min(len(text), 60))

    def header(self, labels: Sequence[str]) -> int:
        for column, label in enumerate(labels, start=1):
            cell = self.ws.cell(self.row, column)
            put_text(cell, label)
            cell.font = BOLD
            cell.fill = HEADER_FILL
            cell.alignment = Alignment(horizontal="left" if column == 1 else "right",
                                       vertical="bottom", wrap_text=True)
            self.note_width(column, label)
        self.row += 1
        return self.row - 1

    def label(self, text: str, *, bold: bool = False, wrap: bool = False) -> Cell:
        cell = self.ws.cell(self.row, 1)
        put_text(cell, text)
        if bold:
            cell.font = BOLD
        if wrap:
            cell.alignment = Alignment(wrap_text=True, vertical="top")
        self.note_width(1, text)
        return cell

    def finish(self, freeze: str | None = "B2", print_rows: str | None = "1:1") -> None:
        for column, width in self.widths.items():
            self.ws.column_dimensions[get_column_letter(column)].width = max(width + 2, 9)
        if freeze:
            self.ws.freeze_panes = freeze
        if print_rows:
            self.ws.print_title_rows = print_rows
        self.ws.page_setup.orientation = "landscape"
        self.ws.page_setup.fitToWidth = 1
        self.ws.page_setup.fitToHeight = 0
        self.ws.sheet_properties.pageSetUpPr.fitToPage = True


def new_workbook(title: str, subject: str, author: str, timestamp: dt.datetime) -> Workbook:
    wb = Workbook()
    wb.remove(wb.active)
    props = wb.properties
    props.title = title
    props.subject = subject
    props.creator = author
    props.lastModifiedBy = author
    props.created = timestamp
    props.modified = timestamp
    props.language = "sv-SE"
    return wb


def workbook_bytes(wb: Workbook) -> bytes:
    """The workbook as reproducible bytes. `Workbook.save` stamps the properties' modified
    time with the clock, so the writer is called directly and the time set from the data
    stays."""
    from zipfile import ZIP_DEFLATED, ZipFile

    from openpyxl.writer.excel import ExcelWriter

    buffer = io.BytesIO()
    with ZipFile(buffer, "w", ZIP_DEFLATED, allowZip64=True) as archive:
        ExcelWriter(wb, archive).save()
    return reproducible_zip(buffer.getvalue())


def line_chart(ws: Worksheet, target: Worksheet, title: str, y_title: str, header_row: int,
               first_row: int, last_row: int, anchor: str, categories: int = 12) -> None:
    """A native line chart of the rows of `ws`, placed on `target`: one series per row (its
    label in the first column), the header's next `categories` cells as categories."""
    chart = LineChart()
    chart.title = title
    chart.y_axis.title = y_title
    chart.x_axis.title = "Månad"
    chart.height = 6.5
    chart.width = 16
    data = Reference(ws, min_col=1, max_col=1 + categories, min_row=first_row,
                     max_row=last_row)
    chart.add_data(data, from_rows=True, titles_from_data=True)
    chart.set_categories(Reference(ws, min_col=2, max_col=1 + categories, min_row=header_row,
                                   max_row=header_row))
    chart.x_axis.delete = False
    chart.y_axis.delete = False
    target.add_chart(chart, anchor)


def legend_sheet(wb: Workbook, taken: set[str], lines: list[str]) -> None:
    """A first sheet explaining what the colours and formulas mean."""
    ws = wb.create_sheet(sheet_name("Läs mig", taken), 0)
    builder = SheetBuilder(ws)
    for text in lines:
        builder.label(text)
        builder.row += 1
    sample = ws.cell(builder.row + 1, 1)
    put_text(sample, "Indata (ändra här)")
    sample.fill = INPUT_FILL
    sample.font = INPUT_FONT
    derived = ws.cell(builder.row + 2, 1)
    put_text(derived, "Beräknat med formel (ändras inte för hand)")
    builder.finish(freeze=None, print_rows=None)
    ws.column_dimensions["A"].width = 100
