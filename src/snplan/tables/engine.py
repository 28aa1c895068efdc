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
from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from ..errors import DataError
from ..messages import _
from ..model.kinds import MONTHS
from ..model.organisation import Indelning, Organisation, Rad
from . import format as fmt
from . import ops
from .figures import TOTAL, FigureStore, StoredBlock
from .numbers import decimals_of, round_half_up
from .spec import Kolumn, TabellSpec

if TYPE_CHECKING:
    from ..source.load import Dataset


class TableError(DataError):
    """The table cannot be built as its outline says (a breakdown the organisation lacks)."""


@dataclass
class Column:
    """A column with its heading and definition resolved for one document."""

    spec: Kolumn
    header: str
    description: str
    figure: bool
    percent: bool
    # percentage points: a difference of two percentages, printed as a number of points
    # (never with "%", which would say it is a percentage of something)
    points: bool = False

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
    # a cell of a computed row (origin "rowcalc"): the computation, the indexes of the rows it
    # uses, and the factor it is scaled by
    op: str = ""
    rows: list[int] = field(default_factory=list)
    factor: Decimal | None = None
    # a cell read from another table (origin "read"): that table's block, row and column
    source: tuple[str, int, str, str] | None = None


@dataclass
class Row:
    """A row of the table. `children` are the indexes of the rows a total adds up; a
    `heading` row is a group's name above its rows (a group without a total); a `computed`
    row's figures are computed from other rows (`Rad.berakning`)."""

    id: str
    label: str
    depth: int
    total: bool = False
    indent: int = 0
    children: list[int] = field(default_factory=list)
    unit: str | None = None
    decimals: int | None = None
    cells: dict[str, Cell] = field(default_factory=dict)
    heading: bool = False
    computed: Rad | None = None


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
    month: int | None = None  # a period report's month (None: a whole year's document)

    @property
    def visible(self) -> list[Column]:
        return [c for c in self.columns if not c.spec.dold]

    def column(self, column_id: str) -> Column:
        return next(c for c in self.columns if c.id == column_id)

    def index_of(self, row_id: str) -> int | None:
        """The index of the row with `row_id` (a group's id names its total)."""
        for index, row in enumerate(self.rows):
            if row.id == row_id and not row.heading:
                return index
        return None

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

_PLACEHOLDER = re.compile(r"\{(ar|aa)([+-]\d+)?\}|\{(enhet|kommun|namnd|forvaltning)\}"
                          r"|\{(period|Period|manad|Manad)\}")


def heading(template: str, year: int, org: Organisation | None, unit: str | None = None,
            months: int | None = None) -> str:
    """A heading with its placeholders filled in: {ar} and {ar-1} (years), {aa} and {aa-1}
    (two-digit years), {enhet}, {kommun}, {namnd}, {forvaltning}; and the months a document
    covers (`months`, a period report's; else the whole year): {period} "jan–aug",
    {manad} "augusti", capitalised as {Period} and {Manad}, so one outline serves a report
    per any month."""

    def fill(match: re.Match[str]) -> str:
        if match.group(1):
            value = year + int(match.group(2) or 0)
            return str(value) if match.group(1) == "ar" else f"{value % 100:02d}"
        if match.group(4):
            last = MONTHS[(months or 12) - 1]
            text = f"{MONTHS[0][:3]}–{last[:3]}" if match.group(4).lower() == "period" \
                else last
            return text.capitalize() if match.group(4)[0].isupper() else text
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
            raise TableError(_("the computed columns depend on each other in a circle"))
        done.extend(ready)
        pending = [c for c in pending if c not in ready]
    return done


def _context(org: Organisation, spec: TabellSpec, month: int | None = None) -> ops.Context:
    """The table's conventions: its own where it sets them, else the organisation's; a
    period report's months gone."""
    return ops.Context(change=spec.forandring or org.konventioner.forandring,
                       percent_base=spec.procentbas or org.konventioner.procentbas,
                       expenditure_positive=spec.utgifter_positiva, months=month)


# Where a column's figures lie: (year, month of a period report or None for the whole year).
Place = tuple[int, "int | None"]
NO_PERIOD = 0  # the month of a period that does not exist (`senaste` with none earlier)


def place(kolumn: Kolumn, year: int, month: int | None, store: FigureStore) -> Place:
    """The year and period a `varde` column reads, for a document of `year` that reports up
    to `month` (None: a whole year). A column without `period` reads the document's own
    period (of its year `ar`: the same period last year); `helar` the year's figures; a
    month's name that period; `senaste` the latest period report of the year before the
    document's own (for the annual report: the year's last)."""
    target = year + kolumn.ar
    if kolumn.period is None:
        return target, month
    if kolumn.period == "helar":
        return target, None
    if kolumn.period == "senaste":  # none earlier: a period that holds nothing (month 0)
        latest = store.latest(target, month)
        return target, NO_PERIOD if latest is None else latest
    return target, MONTHS.index(kolumn.period) + 1


def _columns(spec: TabellSpec, year: int, org: Organisation, unit: str | None,
             months: int | None = None) -> list[Column]:
    result = []
    for kolumn in spec.kolumner:
        header = heading(kolumn.rubrik if kolumn.rubrik is not None else kolumn.id, year, org,
                         unit, months)
        description = heading(kolumn.beskrivning, year, org, unit, months) \
            if kolumn.beskrivning \
            else header.replace("\u00ad", "")
        op = ops.OPS[kolumn.berakning] if kolumn.berakning is not None else None
        percent = kolumn.typ == "procent" or (op is not None and op.percent)
        points = op is not None and op.points
        result.append(Column(kolumn, header, description, kolumn.is_figure, percent, points))
    return result


# The table of another block (and year) a column reads: (block key, year) → table or None.
Lookup = Callable[[str, int], "Table | None"]


def _nothing(key: str, year: int) -> Table | None:
    return None


def build_table(ds: Dataset, store: FigureStore, year: int, key: str, spec: TabellSpec,
                lookup: Lookup = _nothing, month: int | None = None) -> Table | None:
    """The table of block `key` (of outline `spec`) in the document of `year` (a period
    report's up to `month`), or None when the document's data does not hold the block;
    `lookup` gives the tables other blocks' columns read."""
    org = ds.organisation
    if org is None:
        return None
    main = store.block(year, key, month)
    if main is None:
        return None
    breakdown = org.indelningar.get(spec.indelning) if spec.indelning else None
    if spec.indelning is not None and breakdown is None:
        raise TableError(_("the outline's table '{key}' uses the breakdown '{indelning}', which "
                           "organisation.yaml does not declare").format(
                             key=key, indelning=spec.indelning))
    unit = breakdown.enhet if breakdown else None
    columns = _columns(spec, year, org, unit, month)
    caption = heading(spec.rubrik or "", year, org, unit, month)
    if main.content is not None and getattr(main.content, "rubrik", None):
        caption = main.content.rubrik
    table = Table(key, year, spec, caption, columns, [], main.content,
                  _context(org, spec, month), exact=breakdown.exakt if breakdown else False,
                  month=month)
    if breakdown is not None:
        _breakdown_rows(table, store, breakdown, org, lookup)
    elif spec.kolumner:
        _data_rows(table, store, org)
    else:
        _free_rows(table, org)
    return table


def _places(table: Table, store: FigureStore) -> dict[Place, StoredBlock | None]:
    """The stored blocks the table's columns read, by place (its own first)."""
    own: Place = (table.year, table.month)
    wanted = [own] + [place(c, table.year, table.month, store) for c in table.spec.kolumner
                      if c.varde is not None or (c.falt is not None and c.period is not None)]
    return {where: store.block(where[0], table.key, where[1]) for where in wanted}


def _decimals(org: Organisation, breakdown: Indelning | None, rad: Rad | None,
              column: Column, value: Decimal | None, total: bool = False) -> int:
    """How many decimals a figure is printed with: the column's (for totals its
    `decimaler_summor`), the row's, the organisation's for amounts, or as written for other
    quantities (a computed quantity: whole numbers)."""
    if total and column.spec.decimaler_summor is not None:
        return column.spec.decimaler_summor
    if column.percent or column.points:
        return column.spec.decimaler if column.spec.decimaler is not None else 1
    if column.spec.decimaler is not None:
        return column.spec.decimaler
    if rad is not None and rad.decimaler is not None:
        return rad.decimaler
    if rad is not None and rad.computed:
        return 1 if rad.berakning == "andel" else (
            org.amount_decimals() if rad.enhet is None and breakdown is not None
            and breakdown.enhet is None else 0)
    quantity = (rad.enhet if rad is not None else None) or (breakdown.enhet if breakdown
                                                            else None)
    if quantity is None:
        return org.amount_decimals()
    return decimals_of(value) if value is not None else 0


def _breakdown_rows(table: Table, store: FigureStore, breakdown: Indelning,
                    org: Organisation, lookup: Lookup) -> None:
    """The rows of a table over a breakdown, in its order: leaves with the figures the
    columns read (from this block, another year's, or another table's), groups with their
    totals before or after them (or, without a total, a heading row above), computed rows,
    rows outside the totals, and the grand total."""
    spec = table.spec
    blocks = _places(table, store)
    others: dict[tuple[str, int], Table | None] = {}
    for kolumn in spec.kolumner:
        if kolumn.block is not None:
            where = (kolumn.block, table.year + kolumn.ar)
            if where not in others:
                others[where] = lookup(*where)
    present = {row for stored in blocks.values() if stored is not None
               for row in stored.figures}
    for other in others.values():
        present |= {r.id for r in other.rows if not r.total} if other is not None else set()
    main = blocks[(table.year, table.month)]
    assert main is not None
    order = _order(spec.kolumner)

    def where(kolumn: Kolumn) -> Place:
        return place(kolumn, table.year, table.month, store)

    def read(rad: Rad, kolumn: Kolumn) -> Cell:
        assert kolumn.varde is not None
        if kolumn.block is not None:
            other = others.get((kolumn.block, table.year + kolumn.ar))
            index = other.index_of(rad.id) if other is not None else None
            if other is None or index is None or kolumn.varde not in other.rows[index].cells:
                return Cell(None, "read")
            return Cell(other.rows[index].cells[kolumn.varde].value, "read",
                        source=(kolumn.block, table.year + kolumn.ar, rad.id, kolumn.varde))
        stored = blocks.get(where(kolumn))
        amount = rad.enhet is None and breakdown.enhet is None
        value = stored.value(rad.id, kolumn.varde, amount) if stored is not None else None
        return Cell(value, "input")

    def entered(row_id: str, kolumn: Kolumn) -> Decimal | None:
        stored = blocks.get(where(kolumn)) if kolumn.varde is not None else None
        if stored is None or row_id not in stored.figures or kolumn.varde is None \
                or kolumn.block is not None:
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
            if column.figure:
                value = cell.value if isinstance(cell.value, Decimal) else None
                cell.decimals = _decimals(org, breakdown, rad, column, value, row.total)

    def add_leaf(rad: Rad, depth: int, indent: int) -> int:
        row = Row(rad.id, main.labels.get(rad.id, rad.namn), depth, indent=indent,
                  unit=rad.enhet, decimals=rad.decimaler)
        for kolumn in spec.kolumner:
            if kolumn.varde is not None:
                row.cells[kolumn.id] = read(rad, kolumn)
        finish(row, rad)
        table.rows.append(row)
        return len(table.rows) - 1

    def add_computed(rad: Rad, depth: int, indent: int) -> int:
        """A computed row's place; its cells are filled when every row is in (it may use a
        row or a total that comes after it)."""
        table.rows.append(Row(rad.id, main.labels.get(rad.id, rad.namn), depth,
                              indent=indent, unit=rad.enhet, decimals=rad.decimaler,
                              computed=rad))
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

    def shown(rad: Rad) -> bool:
        if rad.computed:
            return any(ref in present for ref in rad.av)
        if not rad.is_group:
            return rad.id in present
        return any(shown(r) for r in rad.rader)

    def add(rad: Rad, depth: int, indent: int) -> list[int]:
        """Add a row (and a group's rows, its total before or after them, or its heading
        row); the indexes of the rows its parent's total adds up."""
        if not shown(rad):
            return []
        if rad.computed:
            add_computed(rad, depth, indent)
            return []
        if not rad.is_group:
            index = add_leaf(rad, depth, indent)
            return [] if rad.utanfor_summa else [index]
        if not rad.has_total:  # a heading row, its rows under it, no total of its own
            table.rows.append(Row(rad.id, main.labels.get(rad.id, rad.namn), depth,
                                  indent=indent, heading=True,
                                  cells={c.id: Cell(None, "blank") for c in spec.kolumner}))
            counted = [i for r in rad.rader for i in add(r, depth + 1, indent + 1)]
            return [] if rad.utanfor_summa else counted
        placeholder = None
        inner = indent
        if rad.placering == "fore":
            table.rows.append(Row(rad.id, rad.namn, depth, total=True, indent=indent))
            placeholder = len(table.rows) - 1
            inner = indent + 1
        children = [i for r in rad.rader for i in add(r, depth + 1, inner)]
        index = add_total(rad.id, rad.total_label, depth, indent, children, rad, placeholder)
        return [] if rad.utanfor_summa else [index]

    inside = [r for r in breakdown.rader if not r.utanfor_summa]
    outside = [r for r in breakdown.rader if r.utanfor_summa]
    top = [i for rad in inside for i in add(rad, 0, 0)]
    if breakdown.summa is not None and top:
        add_total(TOTAL, breakdown.summa, 0, 0, top, None)
    for rad in outside:  # lines outside the total are printed after it
        add(rad, 0, 0)
    _computed_rows(table, finish)


def _computed_rows(table: Table, finish: Callable[[Row, Rad | None], None]) -> None:
    """Fill the computed rows from the rows they use, in an order where every row comes
    after the computed rows it uses (the breakdown refuses circles)."""
    pending = [i for i, row in enumerate(table.rows) if row.computed is not None]
    done: set[int] = set()
    while pending:
        progressed = False
        for index in list(pending):
            row = table.rows[index]
            rad = row.computed
            assert rad is not None and rad.berakning is not None
            sources = [table.index_of(ref) for ref in rad.av]
            if any(s is not None and table.rows[s].computed is not None and s not in done
                   for s in sources):
                continue
            for kolumn in table.spec.kolumner:
                if kolumn.varde is None:
                    continue
                values = [table.rows[s].cells[kolumn.id].value if s is not None else None
                          for s in sources]
                row.cells[kolumn.id] = Cell(
                    ops.compute_scaled(rad.berakning, values, table.context, rad.faktor),
                    "rowcalc", op=rad.berakning,
                    rows=[s for s in sources if s is not None], factor=rad.faktor)
            finish(row, rad)
            done.add(index)
            pending.remove(index)
            progressed = True
        if not progressed:  # defensive: the breakdown's model refuses circles
            raise TableError(_("the computed rows depend on each other in a circle"))


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
    if column.percent or column.points:
        return 1
    if column.spec.typ in {None, "belopp"} and column.spec.falt is None:
        return org.amount_decimals()
    return decimals_of(value) if isinstance(value, Decimal) else 0


def _data_rows(table: Table, store: FigureStore, org: Organisation) -> None:
    """Rows entered in the data: fields as entered, figures of other years matched by id
    (or by the row's name)."""
    spec = table.spec
    main = store.block(table.year, table.key, table.month)
    assert main is not None
    others = _places(table, store)

    def key_of(data: Any) -> str | None:
        return getattr(data, "id", None) or getattr(data, spec.radnamn, None)

    def match(where: Place, key: str | None) -> Any:
        stored = others.get(where)
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
                at = place(kolumn, table.year, table.month, store)
                source = data if at == (table.year, table.month) else match(at, key)
                cell = Cell(getattr(source, kolumn.varde, None) if source is not None
                            else None, "input")
            elif kolumn.falt is not None:
                # a field of another period's report (an interim assessment beside the year's
                # final one): the row of the same name there, or nothing
                source = data if kolumn.period is None else match(
                    place(kolumn, table.year, table.month, store), key)
                comment = getattr(source, kolumn.kommentar, "") if kolumn.kommentar \
                    and source is not None else ""
                cell = Cell(getattr(source, kolumn.falt, None) if source is not None else None,
                            "field", comment=comment or "")
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


class _DocumentTables:
    """The tables of one kind of document, made on demand: a column may read another table
    of the document (of any year), which is then made first. A table reading itself, however
    indirectly, is left out (`rules.references` names it at the outline's line)."""

    def __init__(self, ds: Dataset, kind: str) -> None:
        self.ds = ds
        self.kind = kind
        self.month = ds.period(kind)
        self.store = FigureStore.of(ds)
        self.made: dict[tuple[str, int], Table | None] = {}
        self.making: set[tuple[str, int]] = set()

    def get(self, key: str, year: int) -> Table | None:
        where = (key, year)
        if where in self.made:
            return self.made[where]
        if where in self.making:
            return None
        node = self.ds.disposition(self.kind).block(key)
        org = self.ds.organisation
        if node is None or node.tabell is None or not node.tabell.kolumner or (
                org is not None and node.tabell.indelning is not None
                and node.tabell.indelning not in org.indelningar):
            self.made[where] = None  # not a table of figures, or its breakdown is missing
            return None
        self.making.add(where)
        try:
            table = build_table(self.ds, self.store, year, key, node.tabell, self.get,
                                self.month)
        finally:
            self.making.discard(where)
        self.made[where] = table
        return table


def tables_of(ds: Dataset, kind: str, year: int) -> dict[str, Table]:
    """Every table of the document of `kind` and `year`, by block key (made once); a table
    whose breakdown organisation.yaml lacks is left out (`rules.references` names it at the
    outline's line, and nothing is built while it stands)."""
    key = f"tables:{kind}:{year}"
    if key not in ds.cache:
        made = ds.cache.setdefault(f"tables:{kind}", _DocumentTables(ds, kind))
        tables = {}
        for node in ds.disposition(kind).blocks():
            table = made.get(node.block or "", year)
            if table is not None:
                tables[node.block or ""] = table
        ds.cache[key] = tables
    return ds.cache[key]
