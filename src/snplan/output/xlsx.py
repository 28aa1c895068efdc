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
import weakref
import zipfile
from collections.abc import Sequence
from copy import copy
from dataclasses import dataclass
from decimal import Decimal
from functools import cache
from typing import Any

from lxml import etree
from openpyxl import Workbook
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE, Cell
from openpyxl.chart import LineChart, Reference
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

from .files import zip_parts

INPUT_FILL = PatternFill("solid", fgColor="FFF8DC")
INPUT_FONT = Font(color="1F4E79")
HEADER_FILL = PatternFill("solid", fgColor="E7E6E6")
BOLD = Font(bold=True)
THIN = Side(style="thin", color="BFBFBF")
TOTAL_BORDER = Border(top=THIN)
NO_FILL = PatternFill(fill_type=None)
PLAIN_FONT = Font()
WRAP_TOP = Alignment(wrap_text=True, vertical="top")
HEADER_ALIGNMENT = {side: Alignment(horizontal=side, vertical="bottom", wrap_text=True)
                    for side in ("left", "right")}


@cache
def indented(indent: int) -> Alignment:
    """The alignment of a row label `indent` steps in (made once per depth: `styled` knows
    a style by the object)."""
    return Alignment(indent=indent)


# Per workbook: the style a cell ends up with, by the style it had and the styles given.
_STYLED: weakref.WeakKeyDictionary[Workbook, dict[tuple[Any, ...], tuple[Any, Any]]] = \
    weakref.WeakKeyDictionary()


def styled(cell: Cell, **styles: Any) -> None:
    """Give `cell` the styles named (`number_format`, `font`, `fill`, `alignment`,
    `border`), as assigning them would.

    openpyxl finds each style in the workbook's list by a hash it computes anew from every
    attribute, and that was a third of writing a workbook; the combination a cell ends up
    with is remembered per workbook and copied to the next cell that starts from the same
    style and is given the same ones. Styles are known by the object (the module's
    constants), a number format by its text."""
    workbook = cell.parent.parent
    known = _STYLED.setdefault(workbook, {})
    key = (tuple(cell._style or ()), *((name, value if isinstance(value, str) else id(value))
                                 for name, value in sorted(styles.items())))
    found = known.get(key)
    if found is not None:
        cell._style = copy(found[0])
        return
    for name, value in styles.items():
        setattr(cell, name, value)
    # the entry holds the styles it names by id, so no other object can take their ids
    known[key] = (copy(cell._style), tuple(styles.values()))
_BAD_SHEET_CHARS = re.compile(r"[\[\]:*?/\\]")


def amount_format(unit: str) -> str:
    """One decimal for mkr, none for tkr and kr."""
    return "#,##0.0" if unit == "mkr" else "#,##0"


PERCENT = "0.0 %"


def _cut(text: str, length: int) -> str:
    """`text` in at most `length` characters, cut at a word (a word longer than that is cut
    where it must be)."""
    if len(text) <= length:
        return text
    cut = text[:length + 1].rsplit(" ", 1)[0].rstrip(" ,.;:–-")
    return cut if cut and len(cut) <= length else text[:length]


def sheet_name(name: str, taken: set[str]) -> str:
    """A sheet name Excel accepts: no []:*?/\\, at most 31 characters (cut at a word), unique
    (a number added, the name cut to make room for it)."""
    clean = " ".join(_BAD_SHEET_CHARS.sub("-", name).strip("'").split()) or "Blad"
    candidate = _cut(clean, 31)
    counter = 2
    while candidate.lower() in {t.lower() for t in taken}:
        suffix = f" ({counter})"
        candidate = _cut(clean, 31 - len(suffix)) + suffix
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
    styled(cell, number_format=number_format, fill=INPUT_FILL, font=INPUT_FONT)


def put_formula(cell: Cell, formula: str, number_format: str) -> None:
    cell.value = formula
    styled(cell, number_format=number_format)


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
            styled(cell, font=BOLD, fill=HEADER_FILL,
                   alignment=HEADER_ALIGNMENT["left" if column == 1 else "right"])
            self.note_width(column, label)
        self.row += 1
        return self.row - 1

    def label(self, text: str, *, bold: bool = False, wrap: bool = False) -> Cell:
        cell = self.ws.cell(self.row, 1)
        put_text(cell, text)
        if bold:
            styled(cell, font=BOLD)
        if wrap:
            styled(cell, alignment=WRAP_TOP)
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
    """The workbook as reproducible bytes that an OOXML validator finds nothing in.
    `Workbook.save` stamps the properties' modified time with the clock, so the writer is
    called directly and the time set from the data stays; what openpyxl writes outside the
    schema is then put right (`schema_clean`)."""
    from openpyxl.writer.excel import ExcelWriter

    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED, allowZip64=True) as archive:
        ExcelWriter(wb, archive).save()
    with zipfile.ZipFile(io.BytesIO(buffer.getvalue())) as written:
        parts = [(name, written.read(name)) for name in written.namelist()]
    return zip_parts(schema_clean(parts))


# --- what openpyxl writes outside the schema, put right ---------------------------------------

SML = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
PACKAGE_RELS = "http://schemas.openxmlformats.org/package/2006/relationships"
CONTENT_TYPES = "http://schemas.openxmlformats.org/package/2006/content-types"
REL_SHARED_STRINGS = ("http://schemas.openxmlformats.org/officeDocument/2006/relationships/"
                      "sharedStrings")
CT_SHARED_STRINGS = ("application/vnd.openxmlformats-officedocument.spreadsheetml."
                     "sharedStrings+xml")
SHARED_STRINGS = "xl/sharedStrings.xml"
# The children of a font (CT_Font) in the schema's order; openpyxl writes name and color
# before sz, which Excel's validator reports (and Excel may repair).
FONT_ORDER = ("b", "i", "strike", "condense", "extend", "outline", "shadow", "u", "vertAlign",
              "sz", "color", "name", "family", "charset", "scheme")
_XML_PARSER = etree.XMLParser(resolve_entities=False, no_network=True)


def _sml(name: str) -> str:
    return f"{{{SML}}}{name}"


def _xml(element: etree._Element) -> bytes:
    return etree.tostring(element, xml_declaration=True, encoding="UTF-8", standalone=True)


def schema_clean(parts: list[tuple[str, bytes]]) -> list[tuple[str, bytes]]:
    """A workbook's parts with every font's children in schema order and every text in a
    shared-strings part: openpyxl writes texts inline, which the validator warns of (Excel
    moves them into shared strings on its next save, rewriting every sheet). Cell values,
    formulas and styles stay as they are."""
    table = _SharedStrings()
    cleaned: list[tuple[str, bytes]] = []
    for name, data in parts:
        if name == "xl/styles.xml":
            data = _fonts_in_order(data)
        elif name.startswith("xl/worksheets/") and name.endswith(".xml"):
            data = table.take_inline(data)
        cleaned.append((name, data))
    if not table.items:
        return cleaned
    result = []
    for name, data in cleaned:
        if name == "[Content_Types].xml":
            data = _with_shared_strings_type(data)
        elif name == "xl/_rels/workbook.xml.rels":
            data = _with_shared_strings_rel(data)
        elif name == "xl/styles.xml":
            result.append((SHARED_STRINGS, table.part()))
        result.append((name, data))
    return result


def _fonts_in_order(data: bytes) -> bytes:
    """styles.xml with the children of each font (the cell fonts and those of differential
    formats) sorted into the schema's order."""
    root = etree.fromstring(data, _XML_PARSER)
    rank = {name: index for index, name in enumerate(FONT_ORDER)}
    for font in root.iter(_sml("font")):
        children = list(font)
        children.sort(key=lambda child: rank.get(etree.QName(child).localname, len(rank)))
        font[:] = children
    return _xml(root)


class _SharedStrings:
    """The workbook's shared-strings table, filled from the sheets' inline texts, each
    distinct text once."""

    def __init__(self) -> None:
        self.items: list[list[etree._Element]] = []
        self.index: dict[bytes, int] = {}
        self.count = 0

    def take_inline(self, data: bytes) -> bytes:
        """A worksheet with each inline text (`t="inlineStr"`, `<is>`) replaced by its
        index in the table (`t="s"`, `<v>`)."""
        root = etree.fromstring(data, _XML_PARSER)
        for cell in root.iter(_sml("c")):
            inline = cell.find(_sml("is")) if cell.get("t") == "inlineStr" else None
            if inline is None:
                continue
            cell.set("t", "s")
            cell.remove(inline)
            etree.SubElement(cell, _sml("v")).text = str(self._add(list(inline)))
        return _xml(root)

    def _add(self, content: list[etree._Element]) -> int:
        self.count += 1
        key = b"".join(etree.tostring(element) for element in content)
        if key not in self.index:
            self.index[key] = len(self.items)
            self.items.append(content)
        return self.index[key]

    def part(self) -> bytes:
        root = etree.Element(_sml("sst"), nsmap={None: SML})
        root.set("count", str(self.count))
        root.set("uniqueCount", str(len(self.items)))
        for content in self.items:
            item = etree.SubElement(root, _sml("si"))
            item.extend(content)
        return _xml(root)


def _with_shared_strings_type(data: bytes) -> bytes:
    root = etree.fromstring(data, _XML_PARSER)
    override = etree.SubElement(root, f"{{{CONTENT_TYPES}}}Override")
    override.set("PartName", f"/{SHARED_STRINGS}")
    override.set("ContentType", CT_SHARED_STRINGS)
    return _xml(root)


def _with_shared_strings_rel(data: bytes) -> bytes:
    root = etree.fromstring(data, _XML_PARSER)
    taken = {rel.get("Id") for rel in root}
    number = len(taken) + 1
    while f"rId{number}" in taken:
        number += 1
    rel = etree.SubElement(root, f"{{{PACKAGE_RELS}}}Relationship")
    rel.set("Id", f"rId{number}")
    rel.set("Type", REL_SHARED_STRINGS)
    rel.set("Target", "sharedStrings.xml")
    return _xml(root)


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
