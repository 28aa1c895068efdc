"""Tables (`tabell`): a table of the engine as a node of the resolved document — typed
columns, rows with their roles, cells holding the value, its display text and the formula a
spreadsheet computes it with — with the scale's legend, footnotes (the definitions of computed
columns, the rounding policy, the data's own notes), or records (a heading and labelled
paragraphs per row)."""

from __future__ import annotations

import dataclasses
import datetime as dt
from decimal import Decimal
from typing import TYPE_CHECKING, Annotated, Any

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field, create_model

from ..model.common import (
    PLACEHOLDER,
    Amount,
    FreeCell,
    FreeColumnItem,
    Id,
    Lines,
    Niva,
    Strict,
)
from ..model.common import Text as Prose
from ..problems import Problem, unknown
from ..prose.markup import inline, lines
from ..tables import Column, Row, Table
from ..tables.engine import free_table, heading
from ..tables.figures import TOTAL
from ..tables.ops import OPS, excel_template, sum_template
from ..tables.spec import TabellSpec
from ..tree import Block, Cell, Formula, Paragraph, Runs, Section, Text
from ..tree import Column as NodeColumn
from ..tree import Row as NodeRow
from ..tree import Table as NodeTable
from .base import SYMBOLS, BlockInput, BlockType, Checked, legend, plain, prose, to_fill

if TYPE_CHECKING:
    from ..model.disposition import Kapitel

# ------------------------------------------------------------------------------ models


class FiguresRow(BaseModel):
    """A row of a table of a breakdown: its figures by kind (`budget: -17.3`), and a label
    used this year only (`namn`, where a document printed a row differently)."""

    model_config = ConfigDict(extra="allow", validate_default=True)
    __pydantic_extra__: dict[str, Amount] = Field(init=False)  # type: ignore[assignment]
    namn: str | None = None

    def figures(self) -> dict[str, Decimal]:
        return dict(self.__pydantic_extra__ or {})


_TABLE_KEYS = frozenset({"rubrik", "text", "kolumner", "rader", "efter", "fotnoter"})


def _table_shorthand(value: Any) -> Any:
    """A table written as just its rows: `driftbudget: {intakter: 42.4, kostnader: -268.6}` or
    a list of rows."""
    if isinstance(value, list):
        return {"rader": value}
    if isinstance(value, dict) and value and not (set(value) & _TABLE_KEYS):
        return {"rader": value}
    return value


class TableContent(Strict):
    """The common fields of a table block: prose before (`text`) and after (`efter`) it, a
    caption of this year (`rubrik`), footnotes, and its rows."""

    rubrik: str | None = None
    text: Prose = ""
    efter: Prose = ""
    fotnoter: list[str] = []


def _figure_row(value: Any, standard: str | None) -> Any:
    if isinstance(value, int | float | Decimal | str) and not isinstance(value, bool):
        if standard is None:
            return value  # let validation say a mapping of figures is expected
        return {standard: value}
    return value


_TABLE_MODELS: dict[str, Any] = {}


def _table_model(spec: TabellSpec) -> Any:
    """The content model of one table block (made once per distinct table)."""
    key = spec.model_dump_json()
    if key not in _TABLE_MODELS:
        _TABLE_MODELS[key] = _new_table_model(spec)
    return _TABLE_MODELS[key]


def _new_table_model(spec: TabellSpec) -> Any:
    name = "Tabell"
    if spec.indelning is not None:
        standard = spec.standard

        def row(value: Any) -> Any:
            return _figure_row(value, standard)

        Row = Annotated[FiguresRow, BeforeValidator(  # noqa: N806
            row, json_schema_input_type=FiguresRow | Amount)]
        model = create_model(name, __base__=TableContent, rader=(dict[Id, Row], {}))
        shorthand: Any = dict[Id, FiguresRow | Amount]
    elif not spec.kolumner:
        model = create_model(name, __base__=TableContent,
                             kolumner=(list[FreeColumnItem], Field(min_length=1)),
                             rader=(list[list[FreeCell]], []))
        shorthand = None
    else:
        row_model = _data_row_model(spec)
        model = create_model(name, __base__=TableContent, rader=(list[row_model], []))
        shorthand = list[row_model]
    accepted = model if shorthand is None else model | shorthand
    return Annotated[model, BeforeValidator(_table_shorthand, json_schema_input_type=accepted)]


_FIELD_TYPES: dict[str | None, Any] = {
    None: Prose, "text": Prose, "belopp": Amount, "tal": Amount, "procent": Amount,
    "datum": dt.date, "lista": list[str], "bedomning": Niva,
}


def _data_row_model(spec: TabellSpec) -> type[BaseModel]:
    """The model of a row entered in the data: the fields and figures its columns read."""
    fields: dict[str, Any] = {"id": (Id | None, None)}
    figure_kinds = {c.varde for c in spec.kolumner if c.varde} | {
        c.inmatad for c in spec.kolumner if c.inmatad}
    operands = {ref for c in spec.kolumner for ref in c.av}
    for column in spec.kolumner:
        if column.falt is not None:
            kind = Lines if column.typ == "lista" else _FIELD_TYPES[column.typ]
            fields[column.falt] = (kind | None, None)
        if column.kommentar is not None:
            fields[column.kommentar] = (Prose, "")
    for kind in figure_kinds:
        fields.setdefault(kind, (Amount | None, None))
    for ref in operands:  # a computed column may use a field column's value
        fields.setdefault(ref, (Amount | None, None))
    fields.setdefault(spec.radnamn, (str | None, None))
    return create_model("Rad", __base__=Strict, **fields)


# ------------------------------------------------------------------------------ resolving

ROUNDING = ("Beloppen är avrundade var för sig; summor och beräknade värden räknas på de "
            "inmatade beloppen.")
ROUNDING_DIFFERENCES = ("Avrundningsdifferenser förekommer: en summa kan avvika från "
                        "summan av de avrundade raderna.")


def footnotes(table: Table) -> list[str]:
    """The table's footnotes: what each computed column is, the rounding policy (and that
    totals differ from their rounded rows where they do), then the outline's own notes."""
    lines_: list[str] = []
    spec = table.spec
    custom = [heading(line, table.year, None) for line in spec.fotnot]
    if spec.definitioner:
        names = {c.id: c.description for c in table.columns}
        for column in table.visible:
            op = column.spec.berakning
            if op is None:
                continue
            defined = any(line.startswith(f"{column.description} =") for line in custom)
            if not defined:
                lines_.append(OPS[op].define(column.header.replace("\u00ad", ""),
                                             [names[ref] for ref in column.spec.av],
                                             table.context) + ".")
    counts = spec.indelning is not None and table.exact
    if any(row.total for row in table.rows) and any(c.figure for c in table.visible) \
            and not counts:
        lines_.append(ROUNDING)
        if table.unbalanced():
            lines_.append(ROUNDING_DIFFERENCES)
    return lines_ + custom


def _kind(column: Column) -> str:
    if column.spec.typ == "bedomning":
        return "assessment"
    if column.percent:
        return "percent"
    return "number" if column.figure else "text"


def _role(row: Row) -> str:
    if not row.total:
        return "data"
    return "total" if row.id == TOTAL and row.depth == 0 else "subtotal"


class _Converter:
    """One engine table as a node: cells with their display, value and formula."""

    def __init__(self, table: Table, block: BlockInput) -> None:
        self.table = table
        self.block = block
        self.breakdown = table.spec.indelning is not None
        self.offset = 1 if self.breakdown else 0
        self.index = {c.id: i + self.offset for i, c in enumerate(table.columns)}

    def columns(self) -> tuple[NodeColumn, ...]:
        out = [NodeColumn("", self.table.caption)] if self.breakdown else []
        for column in self.table.columns:
            kind = _kind(column)
            out.append(NodeColumn(column.id, column.header, kind,  # type: ignore[arg-type]
                                  "right" if column.figure else "left",
                                  hidden=column.spec.dold, description=column.description))
        return tuple(out)

    def cell(self, row_index: int, row: Row, column: Column) -> Cell:
        table = self.table
        cell = row.cells[column.id]
        if cell.origin == "blank":
            return Cell(blank=True)
        value = cell.value
        if column.spec.typ == "bedomning" and column.spec.skala and value:
            scale = self.block.scale(column.spec.skala)
            shown: tuple[Runs, ...] = ((Text(f"{SYMBOLS[value]} {getattr(scale, value)}",
                                             bold=True),),)
            if cell.comment:
                shown += lines(cell.comment)
            return Cell(shown, value, entered=True)
        text = table.text(row, column)
        if not column.figure:
            if isinstance(value, dt.date):
                return Cell(((Text(value.isoformat()),),), value, entered=True)
            if isinstance(value, list):
                return Cell(tuple(inline(str(v)) for v in value),
                            "\n".join(plain(str(v)) for v in value), entered=True)
            shown_lines = lines(text) if text else ()
            return Cell(shown_lines, plain(text) if text else None,
                        entered=cell.origin != "derived")
        return Cell(((Text(text),),), value, cell.decimals, self.formula(row_index, row, column),
                    entered=cell.origin in {"input", "entered", "field"})

    def formula(self, row_index: int, row: Row, column: Column) -> Formula | None:
        cell = row.cells[column.id]
        position = self.index[column.id]
        if cell.origin == "sum":
            refs = tuple((child, position) for child in row.children)
            return Formula(sum_template(len(refs)), refs)
        if cell.origin == "derived" and column.spec.berakning is not None:
            refs = tuple((row_index, self.index[ref]) for ref in column.spec.av)
            return Formula(excel_template(column.spec.berakning, len(refs), self.table.context),
                           refs)
        return None

    def rows(self) -> tuple[NodeRow, ...]:
        out = []
        for index, row in enumerate(self.table.rows):
            cells = [Cell((inline(row.label),), plain(row.label))] if self.breakdown else []
            cells += [self.cell(index, row, column) for column in self.table.columns]
            out.append(NodeRow(row.id, plain(row.label), tuple(cells),
                               _role(row), row.indent))  # type: ignore[arg-type]
        if not out and self.table.spec.tom is not None:
            width = len(self.table.columns) + self.offset
            empty = [Cell((inline(self.table.spec.tom),), plain(self.table.spec.tom))]
            out.append(NodeRow("tom", plain(self.table.spec.tom),
                               tuple(empty + [Cell()] * (width - 1))))
        return tuple(out)


def _records(table: Table, level: int) -> list[Block]:
    """Rows laid out as records: the heading fields, then each other field as a labelled
    paragraph."""
    spec = table.spec
    out: list[Block] = []
    for row in table.rows:
        title = " ".join(table.text(row, table.column(f)) for f in spec.rubrik_falt
                         if row.cells[f].value not in (None, ""))
        fields: list[Block] = []
        for column in table.visible:
            if column.id in spec.rubrik_falt:
                continue
            value = row.cells[column.id].value
            if value in (None, "", []):
                continue
            shown = value.isoformat() if isinstance(value, dt.date) \
                else table.text(row, column)
            label = inline(column.header)
            fields.append(Paragraph((*(Text(r.text, bold=True) for r in label
                                       if isinstance(r, Text)), Text(":", bold=True),
                                     Text(" "), *inline(shown))))
        out.append(Section(inline(title), level + 1, tuple(fields)))
    return out


def sheet_for(table: Table, block: BlockInput) -> str | None:
    """The workbook sheet of a table: tables of the outline with figures and rows."""
    if not table.spec.kolumner or not table.rows or not any(c.figure for c in table.columns):
        return None
    chapter = heading(block.node.rubrik, block.year, block.org) if block.node.rubrik else ""
    return chapter or table.caption or table.key


def table_nodes(table: Table, block: BlockInput, level: int, *, printed: bool = True
                ) -> list[Block]:
    """A table with what goes with it: the legend of its scale before it, its notes, or its
    rows as records."""
    spec = table.spec
    out: list[Block] = []
    columns = table.visible
    scales = [c.spec.skala for c in columns if c.spec.typ == "bedomning" and c.spec.skala]
    if spec.skalforklaring and scales:
        header = next(c.header for c in columns if c.spec.skala == scales[0])
        out.append(legend(table.key, block.scale(scales[0]), header))
    notes = [inline(line) for line in footnotes(table)]
    data_notes = list(getattr(table.content, "fotnoter", []) or [])
    if data_notes and spec.fotnoter_rubrik:
        notes.append(inline(spec.fotnoter_rubrik))
    notes += [inline(str(line)) for line in data_notes]
    if spec.visning == "poster":
        out += _records(table, level)
        out += [Paragraph(note, role="note") for note in notes]
        return out
    convert = _Converter(table, block)
    breakdown = spec.indelning is not None
    title = table.caption if not breakdown and table.caption and not spec.kolumner else ""
    chapter = heading(block.node.rubrik, block.year, block.org) if block.node.rubrik else ""
    out.append(NodeTable(
        key=table.key, columns=convert.columns(), rows=convert.rows(),
        name=plain(chapter or table.caption or table.key), title=plain(title),
        row_headers=breakdown, notes=tuple(notes), keep=True, printed=printed,
        sheet=sheet_for(table, block), id=f"tabell-{table.key}",
        listed=bool(spec.kolumner)))
    return out


def free_block(block: BlockInput) -> Table | None:
    """A free table block (an outline table without `indelning` or `kolumner`, as appendices
    have): the data gives its columns and rows. The document's tables hold only tables with
    columns of the outline, so it is made here from this document's own content, under the
    outline's table options (footnotes, caption, what an empty table reads)."""
    spec = block.node.tabell
    if spec is None or spec.indelning is not None or spec.kolumner:
        return None
    table = free_table(block.content, block.org, block.year)
    caption = table.caption or heading(spec.rubrik or "", block.year, block.org)
    return dataclasses.replace(table, key=block.node.block or "", spec=spec, caption=caption)


def _breakdown_rows_to_fill(value: dict[str, Any], standard: str | None) -> dict[str, Any]:
    """A breakdown table's rows with every figure to fill in (a row of the table's standard
    figure alone written as just the value, as people write it); printed totals the source
    entered beside its rows are left out."""
    rows: dict[str, Any] = {}
    for row_id, figures in value.items():
        if row_id == TOTAL:
            continue
        if isinstance(figures, dict) and set(figures) == {standard}:
            rows[row_id] = PLACEHOLDER
        elif isinstance(figures, dict):
            rows[row_id] = {k: (v if k == "namn" else PLACEHOLDER) for k, v in figures.items()}
        else:
            rows[row_id] = PLACEHOLDER
    return rows


class TableBlock(BlockType):
    """A table of the outline with the prose before and after it."""

    typ = "tabell"
    option = "tabell"
    options = TabellSpec
    implied = True
    missing_options = "a table block needs its tabell (indelning and kolumner)"

    def content_model(self, node: Kapitel) -> Any:
        assert node.tabell is not None
        return _table_model(node.tabell)

    def check(self, block: Checked) -> list[Problem]:
        """A table of a breakdown names only the breakdown's rows (or its total)."""
        spec = block.node.tabell
        if spec is None or not spec.indelning:
            return []
        breakdown = block.org.indelningar.get(spec.indelning)
        if breakdown is None or not isinstance(block.content.rader, dict):
            return []
        rows = {r.id for r in breakdown.walk()} | {TOTAL}
        return [p for row in block.content.rader
                for p in unknown(block.source, (block.key, "rader", row), row, rows, "row",
                                 f"organisation.yaml indelningar.{spec.indelning}")]

    def is_prose(self, loc: tuple[str | int, ...]) -> bool:
        return loc == ("text",)

    def years_read(self, node: Kapitel) -> set[int]:
        assert node.tabell is not None
        return {c.ar for c in node.tabell.kolumner if c.varde is not None} | {0}

    def next_year(self, node: Kapitel, plain: Any) -> Any:
        """Next year's table: a breakdown's rows and a data table's rows carried with their
        figures to fill in (printed totals left out: the new rows add up); a free table's
        columns carried, each row's first cell (what the row is about) kept."""
        spec = node.tabell
        assert spec is not None
        rest = to_fill({k: v for k, v in plain.items()
                        if k not in {"rader", "fotnoter", "kolumner"}})
        if spec.indelning:
            rest["rader"] = _breakdown_rows_to_fill(plain.get("rader", {}), spec.standard)
        elif not spec.kolumner:
            rest["kolumner"] = plain.get("kolumner", [])
            rest["rader"] = [row[:1] + [PLACEHOLDER] * (len(row) - 1)
                             for row in plain.get("rader", [])]
        else:
            kinds = {c.varde for c in spec.kolumner if c.varde} | {
                c.inmatad for c in spec.kolumner if c.inmatad}
            rest["rader"] = [{k: (PLACEHOLDER if k in kinds else v) for k, v in row.items()}
                             for row in plain.get("rader", [])]
        return rest

    def resolve(self, block: BlockInput) -> list[Block]:
        table = block.tables.get(block.key) or free_block(block)
        if table is None:
            return []
        return (prose(block.content.text) + table_nodes(table, block, block.level)
                + prose(block.content.efter))

    def unprinted(self, block: BlockInput) -> list[Block]:
        """A table the outline reads but does not print: still in the workbook."""
        table = block.tables.get(block.key)
        if table is None:
            return []
        return table_nodes(table, block, block.level, printed=False)


__all__ = ["ROUNDING", "ROUNDING_DIFFERENCES", "TableBlock", "footnotes", "table_nodes"]
