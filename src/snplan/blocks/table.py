"""Tables (`tabell`): a table of the engine as a node of the resolved document — typed
columns, rows with their roles, cells holding the value, its display text and the formula a
spreadsheet computes it with — with the scale's legend, footnotes (the definitions of computed
columns, the rounding policy, the data's own notes), or records (a heading and labelled
paragraphs per row)."""

from __future__ import annotations

import dataclasses
import datetime as dt
import difflib
from decimal import Decimal
from typing import TYPE_CHECKING, Annotated, Any

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field, create_model

from ..messages import _
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
from ..model.kinds import KINDS
from ..model.organisation import Rad
from ..problems import Problem, problem, unknown
from ..prose.markup import inline, lines
from ..tables import Column, Row, Table
from ..tables.engine import free_table, heading
from ..tables.figures import TOTAL
from ..tables.format import number as figure_text
from ..tables.ledger import mapping_of
from ..tables.ops import OPS, define, excel_template, sum_template
from ..tables.spec import TabellSpec
from ..tree import Block, Cell, Formula, Paragraph, Runs, Section, Text
from ..tree import Column as NodeColumn
from ..tree import Row as NodeRow
from ..tree import Table as NodeTable
from .base import SYMBOLS, BlockInput, BlockType, Checked, legend, plain, prose, to_fill

if TYPE_CHECKING:
    from ..model.disposition import Kapitel
    from ..source.load import Source

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
    if isinstance(value, dict) and "standard" in value:
        raise ValueError(_("'standard' is not the data's to say: the kind of figure a bare "
                           "number stands for is set in the outline's table (tabell: {standard: "
                           "budget} in data/disposition/KIND.yaml, or the outline snplan ships: "
                           "snplan disposition KIND)"))
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
    """A row written as a bare number stands for the outline's `standard` kind of figure."""
    if isinstance(value, int | float | Decimal) and not isinstance(value, bool):
        if standard is None:
            raise ValueError(
                _("a bare number ({value}) stands for the kind of figure the outline's table "
                  "names as its standard (tabell: {{standard: budget}} in the outline); this "
                  "table's names none: write the row's figures by kind, {{budget: {value}}}")
                      .format(
                    value=value))
        return {standard: value}
    if isinstance(value, str) and standard is not None:
        return {standard: value}  # a placeholder (FYLL I) or text the model names
    return value


_TABLE_MODELS: dict[str, Any] = {}
_ROW_MODELS: dict[str, type[BaseModel]] = {}


def _table_model(spec: TabellSpec) -> Any:
    """The content model of one table block (made once per distinct table)."""
    key = spec.model_dump_json()
    if key not in _TABLE_MODELS:
        _TABLE_MODELS[key] = _new_table_model(spec, key)
    return _TABLE_MODELS[key]


def rebuilt_table_class(spec_json: str, role: str) -> type[BaseModel]:
    """The class a table's content (`role` "tabell") or one of its rows ("rad") was made
    of, made again from the outline's spec: what an unpickled dataset's values need (see
    `model.files.rebuild`)."""
    model = _table_model(TabellSpec.model_validate_json(spec_json))
    return _ROW_MODELS[spec_json] if role == "rad" else model.__origin__


def _new_table_model(spec: TabellSpec, key: str) -> Any:
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
        row_model.__snplan_rebuild__ = (rebuilt_table_class, (key, "rad"))  # type: ignore[attr-defined]
        _ROW_MODELS[key] = row_model
        model = create_model(name, __base__=TableContent, rader=(list[row_model], []))
        shorthand = list[row_model]
    model.__snplan_rebuild__ = (rebuilt_table_class, (key, "tabell"))  # type: ignore[attr-defined]
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


def footnotes(table: Table, definitions: bool = True, rounding: bool = True) -> list[str]:
    """The table's footnotes: what each computed column and row is, the rounding policy (and
    that totals differ from their rounded rows where they do), then the outline's own notes.
    `definitions` and `rounding` are the document's settings, which a table may override."""
    lines_: list[str] = []
    spec = table.spec
    custom = [heading(line, table.year, None, months=table.month) for line in spec.fotnot]
    if spec.definitioner is not None:
        definitions = spec.definitioner
    if spec.avrundning is not None:
        rounding = spec.avrundning
    if definitions:
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
        lines_ += _row_definitions(table)
    counts = spec.indelning is not None and table.exact
    if rounding and any(row.total for row in table.rows) \
            and any(c.figure for c in table.visible) and not counts:
        lines_.append(ROUNDING)
        if table.unbalanced():
            lines_.append(ROUNDING_DIFFERENCES)
    return lines_ + custom


def _row_definitions(table: Table) -> list[str]:
    """What each computed row is, by the rows it uses (one definition with its value and its
    formula: `tables.ops`)."""
    lines_ = []
    labels = {row.id: row.label for row in table.rows}
    for row in table.rows:
        rad = row.computed
        if rad is None or rad.berakning is None:
            continue
        lines_.append(define(rad.berakning, row.label, [labels.get(r, r) for r in rad.av],
                             table.context, rad.faktor) + ".")
    return lines_


def _kind(column: Column) -> str:
    if column.spec.typ == "bedomning":
        return "assessment"
    if column.percent:
        return "percent"
    return "number" if column.figure else "text"


def _role(row: Row) -> str:
    if row.heading:
        return "heading"
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
        # the sheet of the ledger's balances this table's outcome is read from: its id and
        # the row of each mapped row's sum there
        self.ledger: tuple[str, dict[str, int]] | None = None

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
        if cell.origin == "rowcalc":
            refs = tuple((source, position) for source in cell.rows)
            return Formula(excel_template(cell.op, len(refs), self.table.context, cell.factor),
                           refs)
        if cell.origin == "read" and cell.source is not None:
            return self.read_formula(cell.source)
        if cell.origin == "input" and self.ledger is not None:
            kolumn = column.spec
            ledger_id, sums = self.ledger
            if row.id in sums and kolumn.ar == 0 and kolumn.block is None \
                    and kolumn.varde == self.block.org.bokforing.varde:
                return Formula("={0}", ((sums[row.id], LEDGER_AMOUNT),), table=ledger_id)
        return None

    def read_formula(self, source: tuple[str, int, str, str]) -> Formula | None:
        """A figure read from another table of the same document: in the workbook, a
        reference to that table's cell (a figure of another year's document has no sheet
        here, and is written as a value)."""
        key, year, row_id, column_id = source
        other = self.block.tables.get(key)
        if other is None or year != self.table.year:
            return None
        index = other.index_of(row_id)
        ids = [c.id for c in other.columns]
        if index is None or column_id not in ids:
            return None
        offset = 1 if other.spec.indelning is not None else 0
        return Formula("={0}", ((index, offset + ids.index(column_id)),),
                       table=f"tabell-{key}")

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
    chapter = heading(block.node.rubrik, block.year, block.org,
                      months=block.ds.period(block.document.kind)) if block.node.rubrik else ""
    return chapter or block.around or table.caption or table.key


def table_nodes(table: Table, block: BlockInput, level: int, *, printed: bool = True
                ) -> list[Block]:
    """A table with what goes with it: the legend of its scale before it, its notes, or its
    rows as records."""
    spec = table.spec
    out: list[Block] = []
    columns = table.visible
    scales = [c.spec.skala for c in columns if c.spec.typ == "bedomning" and c.spec.skala]
    if spec.skalforklaring and scales:
        # named by the column of the document's own assessment, not another period's
        on_scale = [c for c in columns if c.spec.skala == scales[0]]
        header = next((c.header for c in on_scale if c.spec.period is None), on_scale[0].header)
        out.append(legend(table.key, block.scale(scales[0]), header))
    outline = block.ds.disposition(block.document.kind)
    notes = [inline(line) for line in footnotes(table, outline.definitioner,
                                                 outline.avrundning)]
    data_notes = list(getattr(table.content, "fotnoter", []) or [])
    if data_notes and spec.fotnoter_rubrik:
        notes.append(inline(spec.fotnoter_rubrik))
    notes += [inline(str(line)) for line in data_notes]
    if spec.visning == "poster":
        out += _records(table, level)
        out += [Paragraph(note, role="note") for note in notes]
        return out
    convert = _Converter(table, block)
    balances = _ledger_balances(table, block)
    if balances is not None:
        convert.ledger = balances[1]
    breakdown = spec.indelning is not None
    title = table.caption if not breakdown and table.caption and not spec.kolumner else ""
    chapter = heading(block.node.rubrik, block.year, block.org,
                      months=block.ds.period(block.document.kind)) if block.node.rubrik else ""
    out.append(NodeTable(
        key=table.key, columns=convert.columns(), rows=convert.rows(),
        name=plain(chapter or table.caption or table.key), title=plain(title),
        row_headers=breakdown, notes=tuple(notes), keep=True, printed=printed,
        sheet=sheet_for(table, block), id=f"tabell-{table.key}",
        listed=bool(spec.kolumner)))
    if balances is not None:
        out.append(balances[0])
    return out


LEDGER_SHEET = "Bokföring"
LEDGER_AMOUNT = 4  # the column of a balance in the organisation's unit and sign


def _ledger_balances(table: Table, block: BlockInput
                     ) -> tuple[NodeTable, tuple[str, dict[str, int]]] | None:
    """The balances a table's outcome is read from, for the workbook (never printed): each
    mapped row's accounts and objects with the balance the export gives (an input cell) and
    the same in the organisation's unit and sign (a formula over it), then the row's sum, which
    the table's outcome cell refers to. A figure in Excel can so be followed to its accounts,
    and a corrected balance flows through to the totals."""
    if table.spec.indelning is None:
        return None
    mapping = mapping_of(block.ds, table.year, table.spec.indelning,
                         block.ds.period(block.document.kind))
    if mapping is None:
        return None
    org = block.org
    ledger = mapping.ledger
    scale = "" if mapping.scale == 1 else f"/{mapping.scale}"
    sign = "-" if mapping.sign < 0 else ""
    decimals = org.amount_decimals()
    columns = (NodeColumn("", table.caption), NodeColumn("konto", "Konto"),
               NodeColumn("objekt", "Objekt"),
               NodeColumn("saldo", "Saldo i filen (kr)", "number", "right"),
               NodeColumn("belopp", f"Belopp ({org.belopp_enhet})", "number", "right"))
    rows: list[NodeRow] = []
    sums: dict[str, int] = {}
    for rad in mapping.breakdown.walk():
        parts = mapping.rows.get(rad.id)
        if parts is None:
            continue
        first = len(rows)
        for part in sorted(parts, key=lambda p: (p.account, p.object or (0, ""))):
            account = ledger.accounts.get(part.account)
            name = f"{part.account} {account.name}" if account and account.name \
                else part.account
            obj = "" if part.object is None else " ".join(
                x for x in (part.object[1], ledger.objects.get(part.object)) if x)
            index = len(rows)
            rows.append(NodeRow(f"{rad.id}-{part.account}", name, (
                Cell((inline(name),), name),
                Cell((inline(part.account),), part.account),
                Cell((inline(obj),) if obj else (), obj or None),
                Cell(((Text(figure_text(part.balance, 2)),),), part.balance, 2, entered=True),
                Cell(((Text(figure_text(mapping.figure(part.balance), decimals)),),),
                     mapping.figure(part.balance), decimals,
                     Formula(f"={sign}{{0}}{scale}", ((index, 3),))))))
        total = mapping.value(rad.id)
        formula = Formula("=SUM({0}:{1})", ((first, LEDGER_AMOUNT), (len(rows) - 1,
                                                                      LEDGER_AMOUNT))) \
            if len(rows) > first else Formula("=0")
        sums[rad.id] = len(rows)
        rows.append(NodeRow(rad.id, rad.namn, (
            Cell((inline(rad.namn),), rad.namn), Cell(), Cell(), Cell(blank=True),
            Cell(((Text(figure_text(total, decimals)),),), total, decimals, formula)),
            "subtotal"))
    ledger_id = f"bokforing-{table.key}"
    node = NodeTable(key=f"{table.key}-bokforing", columns=columns, rows=tuple(rows),
                     name=f"{LEDGER_SHEET}: {table.caption}", row_headers=True,
                     notes=(inline(f"Saldon ur {ledger.path} (kredit negativ); beloppen i "
                                   f"{org.belopp_enhet} med snplans tecken, intäkter "
                                   "positiva."),),
                     printed=False, sheet=LEDGER_SHEET, sheet_group=table.caption,
                     id=ledger_id)
    return node, (ledger_id, sums)


def free_block(block: BlockInput) -> Table | None:
    """A free table block (an outline table without `indelning` or `kolumner`, as appendices
    have): the data gives its columns and rows. The document's tables hold only tables with
    columns of the outline, so it is made here from this document's own content, under the
    outline's table options (footnotes, caption, what an empty table reads)."""
    spec = block.node.tabell
    if spec is None or spec.indelning is not None or spec.kolumner:
        return None
    table = free_table(block.content, block.org, block.year)
    caption = table.caption or heading(spec.rubrik or "", block.year, block.org,
                                       months=block.ds.period(block.document.kind))
    return dataclasses.replace(table, key=block.node.block or "", spec=spec, caption=caption)


FIGURE_TYPES = {"belopp": "amounts", "tal": "numbers", "procent": "percentages"}


def free_table_problems(source: Source, loc: tuple[str | int, ...], content: Any
                        ) -> list[Problem]:
    """A free table's rows hold exactly one cell per column, and each cell is what its column
    says: a number in an amount, number or percentage column, a date (written YYYY-MM-DD, one
    that exists) in a date column. What passes here, the build can print."""
    problems: list[Problem] = []
    columns = list(getattr(content, "kolumner", []) or [])
    for index, row in enumerate(getattr(content, "rader", []) or []):
        where = loc + ("rader", index)
        if len(row) != len(columns):
            problems.append(problem(source, where, _("the row has {row} cell(s) and the table "
                                                     "{columns} column(s) ({columns2}); give "
                                                     "every row one cell per column (an empty "
                                                     "cell: null)").format(
                                                       row=len(row), columns=len(columns),
                                                       columns2='; '.join(
                                                           c.rubrik for c in columns))))
        for number, (column, cell) in enumerate(zip(columns, row, strict=False)):
            if cell is None or cell == "" or cell == PLACEHOLDER:
                continue  # empty, or still to be filled in (listed as a to-do)
            kind = column.typ
            if kind in FIGURE_TYPES and not isinstance(cell, Decimal | int):
                problems.append(problem(source, where + (number,), _("the column '{rubrik}' holds "
                                                                     "{kind}: expected a number, "
                                                                     "got \"{cell}\"").format(
                                                                       rubrik=column.rubrik,
                                                                       kind=FIGURE_TYPES[kind],
                                                                       cell=str(cell)[:40])))
            elif kind == "datum" and not isinstance(cell, dt.date):
                problems.append(problem(source, where + (number,), _("the column '{rubrik}' holds "
                                                                     "dates: expected a date that "
                                                                     "exists, written YYYY-MM-DD, "
                                                                     "got \"{cell}\"").format(
                                                                       rubrik=column.rubrik,
                                                                       cell=str(cell)[:40])))
    return problems


def _kinds_read(block: Checked) -> set[str]:
    """The kinds of figure the tables of block `block.key` read from it, in every outline in
    force (a plan's and a report's block of the same key hold the figures of one year), and
    those their outlines declare (`varden`) or stand for with a bare number (`standard`)."""
    cache = block.ds.cache.setdefault("kinds read", {})
    if block.key not in cache:
        kinds: set[str] = set()
        for kind in KINDS:
            node = block.ds.disposition(kind).block(block.key)
            spec = node.tabell if node is not None else None
            if spec is None:
                continue
            kinds |= {c.varde for c in spec.kolumner if c.varde and c.block is None}
            kinds |= {c.inmatad for c in spec.kolumner if c.inmatad}
            kinds |= set(spec.varden) | ({spec.standard} if spec.standard else set())
        cache[block.key] = kinds
    return cache[block.key]


def _unread(source: Source, loc: tuple[str | int, ...], kind: str, kinds: set[str]
            ) -> Problem:
    """A figure no column reads: a misspelt kind (`budgte`), or one the outline does not
    print (declare it in the table's `varden` when prose or another document reads it)."""
    close = difflib.get_close_matches(kind, sorted(kinds), n=1, cutoff=0.6)
    hint = _("; did you mean '{name}'?").format(name=close[0]) if close else _(
        "; if prose or another document reads it, declare it in the outline's table "
        "(varden: [...])")
    read = ", ".join(sorted(kinds)) or _("none")
    return problem(source, loc, _("no column reads the figure '{kind}' (the outlines read "
                                  "{read})").format(kind=kind, read=read) + hint)


def _computed_message(block: Checked, rad: Rad) -> str:
    """A computed row's figure entered: say where it is computed."""
    org = block.ds.organisation_source
    line = None
    if org is not None and block.node.tabell is not None:
        line = _row_line(org, block.node.tabell.indelning or "", rad.id)
    where = f"organisation.yaml:{line}" if line else "organisation.yaml"
    operands = ", ".join(rad.av)
    return (_("the row '{id}' is computed ({berakning} of {operands}, {where}); its figures are "
              "never entered").format(
                id=rad.id, berakning=rad.berakning, operands=operands, where=where))


def _row_line(source: Source, breakdown: str, row_id: str) -> int | None:
    """The line of a breakdown row in organisation.yaml (rows nest under `rader`)."""
    data = source.located.data
    try:
        top = data["indelningar"][breakdown]
    except (KeyError, TypeError):
        return None

    def walk(rows: object, loc: tuple[str | int, ...]) -> int | None:
        if not isinstance(rows, list):
            return None
        for index, item in enumerate(rows):
            if isinstance(item, dict) and item.get("id") == row_id:
                return source.line(*loc, index)
            found = walk(item.get("rader") if isinstance(item, dict) else None,
                         loc + (index, "rader"))
            if found:
                return found
        return None

    return walk(top.get("rader") if isinstance(top, dict) else None,
                ("indelningar", breakdown, "rader"))


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
        """A table of a breakdown names only the breakdown's rows (or its total), enters no
        figure of a computed row, and every figure it enters is one a column reads."""
        spec = block.node.tabell
        if spec is not None and spec.indelning is None and not spec.kolumner:
            return free_table_problems(block.source, (block.key,), block.content)
        if spec is None or not spec.indelning:
            return []
        breakdown = block.org.indelningar.get(spec.indelning)
        if breakdown is None or not isinstance(block.content.rader, dict):
            return []
        rows = {r.id: r for r in breakdown.walk()}
        found = [p for row in block.content.rader
                 for p in unknown(block.source, (block.key, "rader", row), row,
                                  set(rows) | {TOTAL}, "row",
                                  f"organisation.yaml indelningar.{spec.indelning}")]
        kinds = _kinds_read(block)
        elsewhere = {c.varde: c.block for c in spec.kolumner
                     if c.block is not None and c.varde is not None}
        for row_id, row in block.content.rader.items():
            rad = rows.get(row_id)
            for kind in row.figures():
                loc = (block.key, "rader", row_id, kind)
                if rad is not None and rad.computed:
                    found.append(problem(block.source, loc, _computed_message(block, rad)))
                elif kind not in kinds and kind in elsewhere:
                    found.append(problem(
                        block.source, loc, _("the table reads {kind} of '{row_id}' from the "
                                             "table '{kind2}'; a figure is entered once: enter "
                                             "it there").format(
                                               kind=kind, row_id=row_id, kind2=elsewhere[kind])))
                elif kind not in kinds:
                    found.append(_unread(block.source, loc, kind, kinds))
        return found

    def is_prose(self, loc: tuple[str | int, ...]) -> bool:
        """The texts before and after the table are prose; its cells are entered data."""
        return loc in {("text",), ("efter",)}

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
