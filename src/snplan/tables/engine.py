"""Building a table of one document: its rows (a breakdown's, in its order, with group and
grand totals; or rows entered in the data), its columns (figures read from any year, fields of
the row, computations over other columns) and every cell's value and origin.

Rules, each in one place:
- a figure is read from the year it belongs to (`FigureStore`);
- a total is the sum of its rows from unrounded values, unless the data enters a printed total
  beside rounded rows (then that is shown, and `rules` checks it lies within the rounding
  tolerance of its rows);
- a computed cell uses its own row's cells, on total rows too (DESIGN.md §2);
- a cell whose inputs are missing is empty: never a wrong figure.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from ..model.organisation import Indelning, Organisation, Rad
from . import format as fmt
from . import ops
from .figures import TOTAL, FigureStore, StoredBlock
from .numbers import decimals_of, round_half_up
from .spec import Kolumn, TabellSpec

if TYPE_CHECKING:
    from ..source.load import Dataset


class TableError(Exception):
    """The table cannot be built as its outline says (a breakdown the organisation lacks)."""


@dataclass
class Column:
    """A column with its heading and definition resolved for one document."""

    spec: Kolumn
    header: str
    description: str
    figure: bool
    percent: bool

    @property
    def id(self) -> str:
        return self.spec.id


@dataclass
class Cell:
    """A cell: its value (a Decimal for figures; text, a list of lines, a date or a level for
    fields; None when unknown) and how it came about: `input` (read), `entered` (a printed
    total the data enters), `sum` (the sum of the rows in `Row.children`), `derived`
    (computed), `field`, or `blank` (nothing belongs there)."""

    value: Any
    origin: str
    decimals: int = 0
    comment: str = ""


@dataclass
class Row:
    """A row of the table. `children` are the indexes of the rows a total adds up."""

    id: str
    label: str
    depth: int
    total: bool = False
    indent: int = 0
    children: list[int] = field(default_factory=list)
    unit: str | None = None
    decimals: int | None = None
    cells: dict[str, Cell] = field(default_factory=dict)


@dataclass
class Table:
    """One table of one document."""

    key: str
    year: int
    spec: TabellSpec
    caption: str
    columns: list[Column]
    rows: list[Row]
    content: Any
    context: ops.Context
    exact: bool = False

    @property
    def visible(self) -> list[Column]:
        return [c for c in self.columns if not c.spec.dold]

    def column(self, column_id: str) -> Column:
        return next(c for c in self.columns if c.id == column_id)

    def text(self, row: Row, column: Column) -> str:
        """A cell as printed: figures in Swedish format, rounded half up for display only."""
        cell = row.cells[column.id]
        if cell.origin == "blank":
            return ""
        value = cell.value
        if column.figure:
            if value is None:
                return "–"
            if column.percent:
                return fmt.percent(value, cell.decimals, empty="–")
            return fmt.number(value, cell.decimals)
        if value is None:
            return ""
        if isinstance(value, list):
            return "\n\n".join(str(v) for v in value)
        if isinstance(value, dt.date):
            return value.isoformat()
        return str(value)

    def shown(self, row: Row, column: Column) -> Decimal | None:
        """A figure as printed, as a number (rounded to its printed decimals)."""
        cell = row.cells[column.id]
        if not column.figure or cell.value is None or cell.origin == "blank":
            return None
        return round_half_up(cell.value, cell.decimals)

    def namespace(self) -> dict[str, dict[str, Any]]:
        """The table's figures for prose expressions: row id → column id → value."""
        result: dict[str, dict[str, Any]] = {}
        for row in self.rows:
            result[row.id] = {c.id: row.cells[c.id].value for c in self.columns}
        return result

    def unbalanced(self) -> list[tuple[Row, Column]]:
        """Totals whose printed figure differs from the sum of its rows' printed figures, in
        the columns that add up over rows."""
        found = []
        for row in self.rows:
            if not row.total or not row.children:
                continue
            for column in self.columns:
                if not self.additive(column, row):
                    continue
                total = self.shown(row, column)
                parts = [self.shown(self.rows[i], column) for i in row.children]
                if total is None or any(p is None for p in parts):
                    continue
                if sum(p for p in parts if p is not None) != total:
                    found.append((row, column))
        return found

    def additive(self, column: Column, total: Row) -> bool:
        """Whether a column's cells of a total's rows add up to the total's cell: figures that
        are read, and linear computations (an absolute change only where every row and the
        total have one sign in both years)."""
        if not column.figure or column.percent or column.spec.bara_summor:
            return False
        if column.spec.falt is not None:
            return False
        if column.spec.berakning is None:
            return True
        op = ops.OPS[column.spec.berakning]
        if op.linear(self.context):
            return True
        if column.spec.berakning != "forandring":
            return False
        rows = [total, *(self.rows[i] for i in total.children)]
        signs = set()
        for row in rows:
            for ref in column.spec.av:
                value = row.cells[ref].value
                if isinstance(value, Decimal) and value != 0:
                    signs.add(value > 0)
        return len(signs) <= 1


# ------------------------------------------------------------------------------ headings

_PLACEHOLDER = re.compile(r"\{(ar|aa)([+-]\d+)?\}|\{(enhet|kommun|namnd|forvaltning)\}")


def heading(template: str, year: int, org: Organisation | None, unit: str | None = None
            ) -> str:
    """A heading with its placeholders filled in: {ar} and {ar-1} (years), {aa} and {aa-1}
    (two-digit years), {enhet}, {kommun}, {namnd}, {forvaltning}."""

    def fill(match: re.Match[str]) -> str:
        if match.group(1):
            value = year + int(match.group(2) or 0)
            return str(value) if match.group(1) == "ar" else f"{value % 100:02d}"
        name = match.group(3)
        if name == "enhet":
            return unit or (org.belopp_enhet if org else "")
        return getattr(org, name, "") if org else ""

    return _PLACEHOLDER.sub(fill, template)


# ------------------------------------------------------------------------------ building


def _order(columns: list[Kolumn]) -> list[Kolumn]:
    """Columns in an order where every computation comes after the columns it uses."""
    done: list[Kolumn] = []
    pending = list(columns)
    while pending:
        ready = [c for c in pending if all(ref in {d.id for d in done} for ref in c.av)]
        if not ready:  # a cycle: the outline model refuses these, so this is defensive
            raise TableError("the computed columns depend on each other in a circle")
        done.extend(ready)
        pending = [c for c in pending if c not in ready]
    return done


def _context(org: Organisation, spec: TabellSpec) -> ops.Context:
    return ops.Context(change=org.konventioner.forandring,
                       percent_base=org.konventioner.procentbas,
                       expenditure_positive=spec.utgifter_positiva)


def _columns(spec: TabellSpec, year: int, org: Organisation, unit: str | None
             ) -> list[Column]:
    result = []
    for kolumn in spec.kolumner:
        header = heading(kolumn.rubrik if kolumn.rubrik is not None else kolumn.id, year, org,
                         unit)
        description = heading(kolumn.beskrivning, year, org, unit) if kolumn.beskrivning \
            else header.replace("\u00ad", "")
        percent = kolumn.typ == "procent" or (
            kolumn.berakning is not None and ops.OPS[kolumn.berakning].percent)
        result.append(Column(kolumn, header, description, kolumn.is_figure, percent))
    return result


def build_table(ds: Dataset, store: FigureStore, year: int, key: str, spec: TabellSpec
                ) -> Table | None:
    """The table of block `key` (of outline `spec`) in the document of `year`, or None when
    the year's data does not hold the block."""
    org = ds.organisation
    if org is None:
        return None
    main = store.block(year, key)
    if main is None:
        return None
    breakdown = org.indelningar.get(spec.indelning) if spec.indelning else None
    if spec.indelning is not None and breakdown is None:
        raise TableError(f"the outline's table '{key}' uses the breakdown "
                         f"'{spec.indelning}', which organisation.yaml does not declare")
    unit = breakdown.enhet if breakdown else None
    columns = _columns(spec, year, org, unit)
    caption = heading(spec.rubrik or "", year, org, unit)
    if main.content is not None and getattr(main.content, "rubrik", None):
        caption = main.content.rubrik
    table = Table(key, year, spec, caption, columns, [], main.content,
                  _context(org, spec), exact=breakdown.exakt if breakdown else False)
    if breakdown is not None:
        _breakdown_rows(table, ds, store, breakdown, org)
    elif spec.kolumner:
        _data_rows(table, store, org)
    else:
        _free_rows(table, org)
    return table


def _years(spec: TabellSpec, year: int) -> set[int]:
    return {year + c.ar for c in spec.kolumner if c.varde is not None} | {year}


def _decimals(org: Organisation, breakdown: Indelning | None, rad: Rad | None,
              column: Column, value: Decimal | None) -> int:
    """How many decimals a figure is printed with: the column's, the row's, the
    organisation's for amounts, or as written for other quantities."""
    if column.percent:
        return column.spec.decimaler if column.spec.decimaler is not None else 1
    if column.spec.decimaler is not None:
        return column.spec.decimaler
    if rad is not None and rad.decimaler is not None:
        return rad.decimaler
    quantity = (rad.enhet if rad is not None else None) or (breakdown.enhet if breakdown
                                                            else None)
    if quantity is None:
        return org.amount_decimals()
    return decimals_of(value) if value is not None else 0


def _breakdown_rows(table: Table, ds: Dataset, store: FigureStore, breakdown: Indelning,
                    org: Organisation) -> None:
    spec = table.spec
    blocks: dict[int, StoredBlock | None] = {
        y: store.block(y, table.key) for y in _years(spec, table.year)}
    present = {row for stored in blocks.values() if stored is not None
               for row in stored.figures}
    main = blocks[table.year]
    assert main is not None
    order = _order(spec.kolumner)

    def read(rad: Rad, kolumn: Kolumn) -> Cell:
        stored = blocks.get(table.year + kolumn.ar)
        assert kolumn.varde is not None
        amount = rad.enhet is None and breakdown.enhet is None
        value = stored.value(rad.id, kolumn.varde, amount) if stored is not None else None
        return Cell(value, "input")

    def entered(row_id: str, kolumn: Kolumn) -> Decimal | None:
        stored = blocks.get(table.year + kolumn.ar)
        if stored is None or row_id not in stored.figures or kolumn.varde is None:
            return None
        return stored.figures[row_id].get(kolumn.varde)

    def finish(row: Row, rad: Rad | None) -> None:
        """The computed cells of a row, and every figure's printed decimals."""
        for kolumn in order:
            column = table.column(kolumn.id)
            if kolumn.berakning is not None and kolumn.id not in row.cells:
                if kolumn.bara_summor and not row.total:
                    row.cells[kolumn.id] = Cell(None, "blank")
                else:
                    values = [row.cells[ref].value for ref in kolumn.av]
                    row.cells[kolumn.id] = Cell(
                        ops.compute(kolumn.berakning, values, table.context), "derived")
            elif kolumn.falt is not None:
                row.cells[kolumn.id] = Cell(_row_field(rad, kolumn.falt, row), "field")
            cell = row.cells[kolumn.id]
            if column.figure and isinstance(cell.value, Decimal):
                cell.decimals = _decimals(org, breakdown, rad, column, cell.value)
            elif column.figure:
                cell.decimals = _decimals(org, breakdown, rad, column, None)

    def add_leaf(rad: Rad, depth: int, indent: int) -> int:
        row = Row(rad.id, main.labels.get(rad.id, rad.namn), depth, indent=indent,
                  unit=rad.enhet, decimals=rad.decimaler)
        for kolumn in spec.kolumner:
            if kolumn.varde is not None:
                row.cells[kolumn.id] = read(rad, kolumn)
        finish(row, rad)
        table.rows.append(row)
        return len(table.rows) - 1

    def add_total(row_id: str, label: str, depth: int, indent: int, children: list[int],
                  rad: Rad | None, index: int | None = None) -> int:
        row = Row(row_id, main.labels.get(row_id, label), depth, total=True, indent=indent,
                  children=children, unit=rad.enhet if rad else None,
                  decimals=rad.decimaler if rad else None)
        for kolumn in spec.kolumner:
            if kolumn.varde is None:
                continue
            value = entered(row_id, kolumn)
            if value is not None:
                row.cells[kolumn.id] = Cell(value, "entered")
                continue
            parts = [table.rows[i].cells[kolumn.id].value for i in children]
            known = [p for p in parts if p is not None]
            total = None if len(known) != len(parts) or not parts else sum(known, Decimal(0))
            row.cells[kolumn.id] = Cell(total, "sum")
        finish(row, rad)
        if index is None:
            table.rows.append(row)
            return len(table.rows) - 1
        table.rows[index] = row
        return index

    def add(rad: Rad, depth: int, indent: int) -> int | None:
        """Add a row (and a group's rows, its total before or after them); rows under a
        heading row are indented a level."""
        if not rad.is_group:
            return add_leaf(rad, depth, indent) if rad.id in present else None
        if not any(r.id in present for r in rad.walk() if not r.is_group):
            return None
        placeholder = None
        inner = indent
        if rad.placering == "fore":
            table.rows.append(Row(rad.id, rad.namn, depth, total=True, indent=indent))
            placeholder = len(table.rows) - 1
            inner = indent + 1
        children = [i for i in (add(r, depth + 1, inner) for r in rad.rader) if i is not None]
        return add_total(rad.id, rad.total_label, depth, indent, children, rad, placeholder)

    top = [i for i in (add(rad, 0, 0) for rad in breakdown.rader) if i is not None]
    if breakdown.summa is not None and top:
        add_total(TOTAL, breakdown.summa, 0, 0, top, None)


def _row_field(rad: Rad | None, name: str, row: Row) -> Any:
    if name == "namn":
        return row.label
    if rad is None:
        return None
    return getattr(rad, name, None)


def _figure_decimals(org: Organisation, column: Column, value: Any) -> int:
    """Printed decimals of a figure in a row entered in the data: the column's; one for a
    percentage; the organisation's for an amount; as written for other numbers."""
    if column.spec.decimaler is not None:
        return column.spec.decimaler
    if column.percent:
        return 1
    if column.spec.typ in {None, "belopp"} and column.spec.falt is None:
        return org.amount_decimals()
    return decimals_of(value) if isinstance(value, Decimal) else 0


def _data_rows(table: Table, store: FigureStore, org: Organisation) -> None:
    """Rows entered in the data: fields as entered, figures of other years matched by id
    (or by the row's name)."""
    spec = table.spec
    main = store.block(table.year, table.key)
    assert main is not None
    others = {y: store.block(y, table.key) for y in _years(spec, table.year)}

    def key_of(data: Any) -> str | None:
        return getattr(data, "id", None) or getattr(data, spec.radnamn, None)

    def match(year: int, key: str | None) -> Any:
        stored = others.get(year)
        if stored is None or key is None:
            return None
        return next((r for r in stored.data_rows if key_of(r) == key), None)

    order = _order(spec.kolumner)
    for index, data in enumerate(main.data_rows):
        key = key_of(data)
        label = getattr(data, spec.radnamn, None) or str(index + 1)
        row = Row(str(key or index + 1), str(label), 0)
        for kolumn in order:
            column = table.column(kolumn.id)
            if kolumn.varde is not None:
                source = data if kolumn.ar == 0 else match(table.year + kolumn.ar, key)
                cell = Cell(getattr(source, kolumn.varde, None) if source is not None
                            else None, "input")
            elif kolumn.falt is not None:
                comment = getattr(data, kolumn.kommentar, "") if kolumn.kommentar else ""
                cell = Cell(getattr(data, kolumn.falt, None), "field", comment=comment or "")
            else:
                assert kolumn.berakning is not None
                own = getattr(data, kolumn.inmatad, None) if kolumn.inmatad else None
                if own is not None:
                    cell = Cell(own, "input")
                else:
                    values = [row.cells[ref].value for ref in kolumn.av]
                    cell = Cell(ops.compute(kolumn.berakning, values, table.context),
                                "derived")
            if column.figure:
                cell.decimals = _figure_decimals(org, column, cell.value)
            row.cells[kolumn.id] = cell
        table.rows.append(row)


def _free_rows(table: Table, org: Organisation) -> None:
    """A free table: the data gives its columns and rows of cells."""
    content = table.content
    for index, free in enumerate(content.kolumner):
        figure = free.typ in {"belopp", "tal", "procent"}
        kolumn = Kolumn(id=f"k{index + 1}", rubrik=free.rubrik, falt=f"k{index + 1}",
                        typ=free.typ)
        table.columns.append(Column(kolumn, free.rubrik, free.rubrik, figure,
                                    free.typ == "procent"))
    for number, cells in enumerate(content.rader, start=1):
        row = Row(str(number), str(cells[0]) if cells else str(number), 0)
        for index, column in enumerate(table.columns):
            value = cells[index] if index < len(cells) else None
            if column.figure and isinstance(value, int | Decimal):
                value = Decimal(value)
            elif column.figure and value in ("", None):
                value = None
            cell = Cell(value, "field")
            if column.figure:
                cell.decimals = _figure_decimals(org, column, value)
            row.cells[column.id] = cell
        table.rows.append(row)


def free_table(content: Any, org: Organisation, year: int) -> Table:
    """A free table of a text section (`model.common.Tabell`): columns and rows as the data
    gives them, formatted by their types."""
    table = Table("tabell", year, TabellSpec(), content.rubrik or "", [], [], content,
                  _context(org, TabellSpec()))
    _free_rows(table, org)
    return table


def tables_of(ds: Dataset, kind: str, year: int) -> dict[str, Table]:
    """Every table of the document of `kind` and `year`, by block key (made once); a table
    whose breakdown organisation.yaml lacks is left out (`rules.references` names it at the
    outline's line, and nothing is built while it stands)."""
    key = f"tables:{kind}:{year}"
    if key not in ds.cache:
        store = FigureStore.of(ds)
        tables: dict[str, Table] = {}
        org = ds.organisation
        for node in ds.disposition(kind).blocks():
            if node.tabell is None or not node.tabell.kolumner:
                continue
            if org is not None and node.tabell.indelning is not None \
                    and node.tabell.indelning not in org.indelningar:
                continue  # the outline's breakdown is not declared: a problem of its own
            table = build_table(ds, store, year, node.block or "", node.tabell)
            if table is not None:
                tables[node.block or ""] = table
        ds.cache[key] = tables
    return ds.cache[key]
