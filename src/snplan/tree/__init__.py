"""The resolved document: the node types every writer reads and nothing else.

`documents.resolve` turns an outline and the data into one `Document` per target; the Word,
Excel, Markdown, HTML and PDF writers in `output/` read only these nodes (the role
pandoc-types plays for pandoc). A writer never guesses structure back from text: a total row
is a row whose `role` says so, a figure that came from a prose expression is a `Text` marked
`figure`, a page break is a `PageBreak`.

Nodes are plain frozen dataclasses holding text, numbers and other nodes, so a tree can be
compared, pickled and walked without the data it came from. This module imports nothing of
snplan's.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from dataclasses import dataclass
from decimal import Decimal
from typing import Literal

# ------------------------------------------------------------------------------ inline


@dataclass(frozen=True, slots=True)
class Text:
    """A run of text with its emphasis. `link` is an address (https:, mailto: or an anchor
    `#…`); `figure` marks text that a prose expression produced (a computed figure)."""

    text: str
    bold: bool = False
    italic: bool = False
    code: bool = False
    link: str | None = None
    figure: bool = False


@dataclass(frozen=True, slots=True)
class Break:
    """A line break inside a paragraph or a cell."""


Inline = Text | Break
Runs = tuple[Inline, ...]


def plain(runs: Runs) -> str:
    """The text of runs as a reader hears it (a line break is a space)."""
    return "".join(r.text if isinstance(r, Text) else " " for r in runs)


def lines_of(runs: Runs) -> list[Runs]:
    """Runs cut at their line breaks."""
    lines: list[list[Inline]] = [[]]
    for run in runs:
        if isinstance(run, Break):
            lines.append([])
        else:
            lines[-1].append(run)
    return [tuple(line) for line in lines]


def text(value: str, *, bold: bool = False, italic: bool = False) -> Runs:
    """Plain text as runs; a line feed is a line break."""
    runs: list[Inline] = []
    for index, line in enumerate(value.split("\n")):
        if index:
            runs.append(Break())
        if line:
            runs.append(Text(line, bold=bold, italic=italic))
    return tuple(runs)


# ------------------------------------------------------------------------------ blocks

ParagraphRole = Literal["text", "note", "details", "code"]


@dataclass(frozen=True, slots=True)
class Paragraph:
    """A paragraph. `role`: ordinary text, a note under a table or paragraph (`note`), the
    lines of who sends a matter and when (`details`, a memo's or an attachment's), or a line
    of code as typed (`code`)."""

    runs: Runs
    role: ParagraphRole = "text"


@dataclass(frozen=True, slots=True)
class ListItem:
    blocks: tuple[Block, ...]


@dataclass(frozen=True, slots=True)
class ListBlock:
    """A bulleted or numbered list; a numbered one starts at `start` (a list that continues
    another's numbering across a paragraph starts where it left off)."""

    items: tuple[ListItem, ...]
    ordered: bool = False
    start: int = 1


@dataclass(frozen=True, slots=True)
class Section:
    """A part of the document under a heading (`title`, at heading `level` 1–6), or a group
    of blocks without one (`title` None). `anchor` is a stable name for links and the table
    of contents; `page_break`: the section starts on a new page."""

    title: Runs | None
    level: int
    blocks: tuple[Block, ...]
    anchor: str = ""
    page_break: bool = False


# ------------------------------------------------------------------------------ tables

Align = Literal["left", "right"]
ColumnKind = Literal["text", "number", "percent", "assessment"]
RowRole = Literal["data", "heading", "subtotal", "total"]


@dataclass(frozen=True, slots=True)
class Column:
    """A column: `id` (the outline's, for prose names and metrics), the heading as printed
    (may hold soft hyphens, U+00AD), what its cells are, and `hidden` (the outline's `dold`:
    in the workbook and metrics, not on the page). `unit` names the unit of its figures where
    the heading does not (`kr/dag`)."""

    id: str
    header: str
    kind: ColumnKind = "text"
    align: Align = "left"
    hidden: bool = False
    description: str = ""
    unit: str = ""

    @property
    def figure(self) -> bool:
        return self.kind in {"number", "percent"}


@dataclass(frozen=True, slots=True)
class Formula:
    """How a spreadsheet computes a cell: `template` is an Excel formula whose `{0}`, `{1}` …
    stand for the cells `refs` of the same table, each (row index, column index) counted
    from the table's first body row and first column. `tables.ops` writes the template, from
    the same definition that gives the cell's value."""

    template: str
    refs: tuple[tuple[int, int], ...] = ()


CellValue = Decimal | int | str | dt.date | None


@dataclass(frozen=True, slots=True)
class Cell:
    """A cell: its lines as printed (`lines`, each a paragraph of the cell), the value behind
    them (a Decimal for figures; text, a date or a level for fields; None when unknown),
    the decimals it is printed with, how a spreadsheet computes it (`formula`), whether it was
    entered in the data (`entered`: an input cell of the workbook), and `blank` where nothing
    belongs (a percentage shown on totals only)."""

    lines: tuple[Runs, ...] = ()
    value: CellValue = None
    decimals: int = 0
    formula: Formula | None = None
    entered: bool = False
    blank: bool = False

    @property
    def text(self) -> str:
        """The cell as one line of text (lines joined by a space)."""
        return " ".join(plain(line) for line in self.lines if line)


@dataclass(frozen=True, slots=True)
class Row:
    """A row: its id (a breakdown row's id, a group's for its total, `summa` for the grand
    total), its label as printed, its role (`heading`: a group's heading without figures;
    `subtotal`: a group's total; `total`: the grand total) and its level of indentation
    (rows under a heading row)."""

    id: str
    label: str
    cells: tuple[Cell, ...]
    role: RowRole = "data"
    indent: int = 0

    @property
    def emphasised(self) -> bool:
        return self.role != "data"


@dataclass(frozen=True, slots=True)
class Table:
    """A table. `key` is the block it shows (prose names it so); `name` says what it is (its
    chapter's heading, caption or key: a web page's caption, a workbook sheet's name);
    `title` is printed above it when the table itself carries no heading cell; `row_headers`:
    the first column labels the rows. `notes` are printed under it (definitions of computed
    columns, the rounding policy, the data's own notes). `keep`: kept on one page where it
    fits. `printed`: on the page (a table the outline reads but does not print is still in
    the workbook). `sheet`: the workbook sheet it goes on (None: not in the workbook); tables
    of one `sheet` follow each other there under their `sheet_group` labels. `listed`: one of
    the document's tables of figures, which `snplan metrics` and `snplan diff` show."""

    key: str
    columns: tuple[Column, ...]
    rows: tuple[Row, ...]
    name: str = ""
    title: str = ""
    row_headers: bool = False
    notes: tuple[Runs, ...] = ()
    keep: bool = False
    printed: bool = True
    sheet: str | None = None
    sheet_group: str = ""
    id: str = ""
    listed: bool = False

    @property
    def visible(self) -> tuple[int, ...]:
        """The indexes of the columns printed on the page."""
        return tuple(i for i, c in enumerate(self.columns) if not c.hidden)

    def namespace(self) -> dict[str, dict[str, CellValue]]:
        """The table's values for prose: row id → column id → value."""
        return {row.id: {c.id: row.cells[i].value for i, c in enumerate(self.columns) if c.id}
                for row in self.rows}


# ------------------------------------------------------------------------------ figures


@dataclass(frozen=True, slots=True)
class Series:
    """One line of a chart: its label (a year) and one value per category (a month)."""

    label: str
    values: tuple[Decimal | None, ...]


@dataclass(frozen=True, slots=True)
class Panel:
    """One small chart: its title, the unit of its values, the categories along its axis,
    its lines, whether its values are counts (whole numbers on the axis), and the id of the
    table that holds the same values (a workbook's chart reads its cells)."""

    title: str
    unit: str
    categories: tuple[str, ...]
    series: tuple[Series, ...]
    counts: bool = True
    table: str = ""


@dataclass(frozen=True, slots=True)
class Figure:
    """A chart of one or more panels, with its alternative text (what it shows, for anyone
    who cannot see it) and its caption (printed under it, numbered)."""

    id: str
    alt: str
    caption: str
    panels: tuple[Panel, ...]


# ------------------------------------------------------------------------------ parts


@dataclass(frozen=True, slots=True)
class Signer:
    name: str
    lines: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class Signatures:
    """Who signs, side by side with room to sign: rows of signers (None: an empty place),
    under column labels where the sides are named ("För arbetsgivaren")."""

    rows: tuple[tuple[Signer | None, ...], ...]
    labels: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class Cover:
    """A cover page: the organisation, the committee, the title and the lines under it (the
    year, the registration number, the date of decision). No header or footer on it."""

    organisation: str
    committee: str
    title: str
    lines: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class MemoHead:
    """A memo's head: the kind of document, who sends it, its date and registration number,
    and its title (a heading of level 1)."""

    kind: str
    lines: tuple[str, ...]
    title: str


@dataclass(frozen=True, slots=True)
class ProtocolHead:
    """A protocol's head: its title (a heading of level 1) and its labelled facts."""

    title: str
    fields: tuple[tuple[str, str], ...]


@dataclass(frozen=True, slots=True)
class Contents:
    """The table of contents (headings of levels 1–2, with their pages where pages exist)."""

    title: str = "Innehållsförteckning"
    depth: int = 2


@dataclass(frozen=True, slots=True)
class PageBreak:
    pass


Block = (Paragraph | ListBlock | Section | Table | Figure | Signatures | Cover | MemoHead
         | ProtocolHead | Contents | PageBreak)


# ------------------------------------------------------------------------------ document


@dataclass(frozen=True, slots=True)
class Meta:
    """What a document says about itself: its title, subject and author (document
    properties), the organisation, committee and administration (the running header), the
    kind's label, its fixed timestamp (from the data, never the clock), its language and the
    unit its amounts are in."""

    title: str
    subject: str
    author: str
    organisation: str
    administration: str
    kind_label: str
    timestamp: dt.datetime
    language: str = "sv-SE"
    keywords: str = ""
    unit: str = ""
    committee: str = ""


@dataclass(frozen=True, slots=True)
class Document:
    """One resolved document: its properties and its blocks in order."""

    meta: Meta
    blocks: tuple[Block, ...]
    name: str = ""

    def walk(self) -> Iterator[Block]:
        """Every block in document order, sections' and list items' blocks included."""
        yield from walk(self.blocks)

    def tables(self) -> Iterator[Table]:
        return (b for b in self.walk() if isinstance(b, Table))

    def figures(self) -> Iterator[Figure]:
        return (b for b in self.walk() if isinstance(b, Figure))


def walk(blocks: tuple[Block, ...]) -> Iterator[Block]:
    for block in blocks:
        yield block
        if isinstance(block, Section):
            yield from walk(block.blocks)
        elif isinstance(block, ListBlock):
            for item in block.items:
                yield from walk(item.blocks)


__all__ = ["Block", "Break", "Cell", "Column", "Contents", "Cover", "Document", "Figure",
           "Formula", "Inline", "ListBlock", "ListItem", "MemoHead", "Meta", "PageBreak",
           "Panel", "Paragraph", "ProtocolHead", "Row", "Runs", "Section", "Series",
           "Signatures", "Signer", "Table", "Text", "lines_of", "plain", "text", "walk"]
