"""Monthly activity measures (`manadsmatt`): each measure's twelve months for the last few
years (each year read from its own data), with the annual sum or mean, and one chart per
group of measures."""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal
from statistics import median
from typing import TYPE_CHECKING

from pydantic import Field, model_validator

from ..messages import _
from ..model.common import Amount, Id, Strict
from ..model.common import Text as Prose
from ..problems import Problem, problem, unknown
from ..tables import format as fmt
from ..tables.ops import Context, annual_figure, annual_template, compute, excel_template
from ..tree import Block, Cell, Column, Figure, Formula, Panel, Row, Section, Series, Table, Text
from .base import BlockInput, BlockType, Checked, heading, plain, prose

if TYPE_CHECKING:
    from ..model.disposition import Kapitel
    from ..source.load import Dataset

# ------------------------------------------------------------------------------ models


class ManadsmattSpec(Strict):
    """Monthly measures: the `ar` years up to the document's year, one table per measure and
    one chart per group of measures (`diagram`)."""

    ar: int = Field(default=3, ge=1, le=10)
    diagram: bool = True



class ManadsmattBlock(Strict):
    """Monthly activity measures of the year: a value per month, keyed by measure id (twelve
    in a plan or a report; in a period report the months up to its own, checked by the block
    type, which knows the document's period)."""

    text: Prose = ""
    varden: dict[Id, list[Amount]] = {}

    @model_validator(mode="after")
    def _at_most_twelve_months(self) -> ManadsmattBlock:
        for key, series in self.varden.items():
            if not 1 <= len(series) <= 12:
                raise ValueError(_("{key}: a monthly series has 1 to 12 values (one a month), "
                                   "this one has {count}").format(key=key, count=len(series)))
        return self


# ------------------------------------------------------------------------------ resolving

MONTHS = ["jan", "feb", "mar", "apr", "maj", "jun", "jul", "aug", "sep", "okt", "nov", "dec"]
SHEET = "Verksamhetsmått"


@dataclass(frozen=True)
class MeasureSeries:
    year: int
    values: list[Decimal] | None

    def annual(self, aggregation: str) -> Decimal | None:
        return None if self.values is None else annual_figure(self.values, aggregation)


@dataclass(frozen=True)
class MeasureView:
    id: str
    name: str
    unit: str
    aggregation: str
    series: list[MeasureSeries]

    @property
    def annual_decimals(self) -> int:
        """A sum of counts is a count; a mean gets one decimal."""
        return 0 if self.aggregation == "summa" else 1


@dataclass(frozen=True)
class MeasureGroupView:
    id: str
    name: str
    measures: list[MeasureView] = field(default_factory=list)


def months_of(ds: Dataset, kind: str) -> int:
    """How many months a document of `kind` holds: a period report's, up to its own month;
    a plan's or a report's, twelve."""
    return ds.period(kind) or 12


def monthly_view(ds: Dataset, kind: str, key: str, year: int, span: int = 3
                 ) -> list[MeasureGroupView]:
    """The organisation's measure groups with the series of `year` and the years before it,
    each read from that year's document of the same kind (block `key`; a period report's
    years are the same months of each year)."""
    if ds.organisation is None:
        return []
    years = list(range(year - span + 1, year + 1))

    def series_of(y: int, measure_id: str) -> list[Decimal] | None:
        entry = ds.years.get(y)
        document = entry.document(kind) if entry else None
        content = document.block(key) if document else None
        return content.varden.get(measure_id) if content is not None else None

    groups = []
    for group in ds.organisation.verksamhetsmatt:
        measures = [
            MeasureView(m.id, m.namn, m.enhet, m.aggregering,
                        [MeasureSeries(y, series_of(y, m.id)) for y in years])
            for m in group.matt
        ]
        if any(s.values is not None for m in measures for s in m.series):
            groups.append(MeasureGroupView(group.id, group.namn, measures))
    return groups


def alt_text(group: MeasureGroupView) -> str:
    """What the chart shows, for screen readers and for anyone who cannot see the lines."""
    years = sorted({s.year for m in group.measures for s in m.series if s.values is not None})
    span = f"{years[0]}–{years[-1]}" if len(years) > 1 else str(years[0]) if years else ""
    names = "; ".join(m.name for m in group.measures)
    return (f"Linjediagram, {group.name}: månadsvärden per år {span} för {names}. "
            f"Samma värden finns i tabellerna ovan.")


def _figure_cell(value: Decimal | None, decimals: int, formula: Formula | None = None
                 ) -> Cell:
    return Cell(((Text(fmt.number(value, decimals)),),), value, decimals, formula,
                entered=formula is None)


def measure_table(group: MeasureGroupView, measure: MeasureView, key: str, months: int = 12
                  ) -> Table:
    """One measure: a row per year (years without figures left out), a column per month
    (up to a period report's own) and the sum or mean of those months."""
    word = "Summa" if measure.aggregation == "summa" else "Medel"
    if months < 12:
        word += f" {MONTHS[0]}–{MONTHS[months - 1]}"
    columns = (Column("ar", ""), *(Column(m, m, "number", "right") for m in MONTHS[:months]),
               Column("arsvarde", word, "number", "right"))
    rows = []
    for series in measure.series:
        if series.values is None:
            continue
        index = len(rows)
        annual = Formula(annual_template(measure.aggregation), ((index, 1), (index, months)))
        cells = (Cell(((Text(str(series.year)),),), str(series.year)),
                 *(_figure_cell(v, 0) for v in series.values),
                 _figure_cell(series.annual(measure.aggregation), measure.annual_decimals,
                              annual))
        rows.append(Row(str(series.year), str(series.year), cells))
    return Table(key, columns, tuple(rows), name=plain(measure.name), keep=True, sheet=SHEET,
                 sheet_group=plain(group.name), id=f"{key}-{measure.id}")


def chart(group: MeasureGroupView, key: str, months: int = 12) -> Figure:
    panels = []
    for measure in group.measures:
        series = tuple(Series(str(s.year), tuple(s.values)) for s in measure.series
                       if s.values is not None)
        if not series:
            continue
        counts = all(v == v.to_integral_value() for s in series for v in s.values
                     if v is not None)
        panels.append(Panel(plain(measure.name), plain(measure.unit), tuple(MONTHS[:months]),
                            series,
                            counts, f"{key}-{measure.id}"))
    return Figure(group.id, alt_text(group), plain(group.name), tuple(panels))


# A month is "far outside" when it is more than this many times the median of the others and
# the difference is large in absolute terms too (small counts jump by nature).
OUTLIER_RATIO = Decimal(3)
OUTLIER_MIN_DIFFERENCE = Decimal(100)


def _implausible(block: Checked) -> list[Problem]:
    """A month that looks wrong: one equal to its year is almost always the year typed into
    the cell (ÅR 2023 prints January care days as "2 022" and "2 023"); one far above all the
    others of its series is a typo or a pasted figure (warnings)."""
    problems = []
    year = block.document.year
    for key, series in block.content.varden.items():
        for month, value in enumerate(series):
            loc = (block.key, "varden", key, month)
            if value == year:
                problems.append(problem(block.source, loc, _(
                    "month {month} holds {value}, the year itself: is the year typed into "
                    "the cell?").format(month=month + 1, value=value), "warning"))
                continue
            others = [v for i, v in enumerate(series) if i != month]
            if not others:
                continue
            middle = Decimal(median(others))
            if (middle > 0 and value > OUTLIER_RATIO * middle
                    and value - middle >= OUTLIER_MIN_DIFFERENCE):
                problems.append(problem(
                    block.source, loc, _("month {month} holds {value}, more than {OUTLIER_RATIO} "
                                         "times the median of the other months ({middle})").format(
                                           month=month + 1, value=fmt.number(value),
                                           OUTLIER_RATIO=OUTLIER_RATIO,
                                           middle=fmt.number(middle)), "warning"))
    return problems


def annual_table(group: MeasureGroupView, key: str, year: int) -> Table:
    """The annual figure of every measure of a group against last year's (not printed: the
    figures `snplan metrics` and prose read), with the change and the percentage by the
    table engine's definitions."""
    context = Context(change="signerad", percent_base="fjol")
    columns = (Column("", f"Verksamhetsmått: {plain(group.name)}"),
               Column("utfall", str(year), "number", "right"),
               Column("fjol", str(year - 1), "number", "right"),
               Column("forandring", "Förändring", "number", "right"),
               Column("procent", "%", "percent", "right"))
    rows = []
    for measure in group.measures:
        current = next((s for s in measure.series if s.year == year), None)
        before = next((s for s in measure.series if s.year == year - 1), None)
        value = current.annual(measure.aggregation) if current else None
        if value is None:
            continue
        previous = before.annual(measure.aggregation) if before else None
        places = measure.annual_decimals
        index = len(rows)
        change = compute("differens", [value, previous], context)
        percent = compute("procent", [value, previous], context)
        kind = "summa" if measure.aggregation == "summa" else "medel per månad"
        label = f"{measure.name} ({kind})"
        rows.append(Row(measure.id, plain(label), (
            Cell(((Text(plain(label)),),), plain(label)),
            _figure_cell(value, places), _figure_cell(previous, places),
            _figure_cell(change, places, Formula(excel_template("differens", 2, context),
                                                 ((index, 1), (index, 2)))),
            Cell(((Text(fmt.percent(percent, 1, empty="–")),),), percent, 1,
                 Formula(excel_template("procent", 2, context), ((index, 1), (index, 2)))))))
    return Table(key, columns, tuple(rows), name=f"Verksamhetsmått: {plain(group.name)}",
                 row_headers=True, printed=False, listed=True, id=f"{key}-{group.id}-ar")


class MonthlyMeasures(BlockType):
    typ = "manadsmatt"
    model = ManadsmattBlock
    option = "manadsmatt"
    options = ManadsmattSpec
    implied = True

    def check(self, block: Checked) -> list[Problem]:
        measures = {m.id for g in block.org.verksamhetsmatt for m in g.matt}
        found = [p for measure in block.content.varden
                 for p in unknown(block.source, (block.key, "varden", measure), measure,
                                  measures, "measure", "organisation.yaml verksamhetsmatt")]
        months = months_of(block.ds, block.document.kind)
        for measure, series in block.content.varden.items():
            if len(series) != months:
                found.append(problem(block.source, (block.key, "varden", measure), _(
                    "a series of this document has {months} values, one for each month from "
                    "{first} to {last}; this one has {count}").format(
                        first=MONTHS[0], last=MONTHS[months - 1], months=months,
                        count=len(series))))
        return found + _implausible(block)

    def is_prose(self, loc: tuple[str | int, ...]) -> bool:
        return loc == ("text",)

    def years_read(self, node: Kapitel) -> set[int]:
        span = node.manadsmatt.ar if node.manadsmatt else 3
        return {-i for i in range(span)}

    def resolve(self, block: BlockInput) -> list[Block]:
        options = block.node.manadsmatt
        span = options.ar if options else 3
        drawn = options is None or options.diagram
        out = prose(block.content.text)
        level = block.level + 1
        months = months_of(block.ds, block.document.kind)
        for group in monthly_view(block.ds, block.document.kind, block.key, block.year, span):
            out.append(annual_table(group, block.key, block.year))
            parts: list[Block] = [
                Section(heading(measure.name), level + 1,
                        (measure_table(group, measure, block.key, months),))
                for measure in group.measures
                if any(s.values is not None for s in measure.series)]
            if drawn:
                parts.append(chart(group, block.key, months))
            out.append(Section(heading(group.name), level, tuple(parts)))
        return out
