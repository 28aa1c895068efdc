"""Monthly activity measures (`manadsmatt`): each measure's twelve months for the last few
years (each year read from its own data), with the annual sum or mean, and one chart per
group of measures."""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal
from typing import TYPE_CHECKING

from pydantic import Field, model_validator

from .. import fmt
from ..model.common import Amount, Id, Strict
from ..model.common import Text as Prose
from ..tables.ops import annual_figure, annual_template
from ..tree import Block, Cell, Column, Figure, Formula, Panel, Row, Section, Series, Table, Text
from .base import BlockInput, BlockType, heading, plain, prose

if TYPE_CHECKING:
    from ..source.load import Dataset

# ------------------------------------------------------------------------------ models


class ManadsmattSpec(Strict):
    """Monthly measures: the `ar` years up to the document's year, one table per measure and
    one chart per group of measures (`diagram`)."""

    ar: int = Field(default=3, ge=1, le=10)
    diagram: bool = True



class ManadsmattBlock(Strict):
    """Monthly activity measures of the year: twelve values per measure, keyed by measure id."""

    text: Prose = ""
    varden: dict[Id, list[Amount]] = {}

    @model_validator(mode="after")
    def _twelve_months(self) -> ManadsmattBlock:
        for key, series in self.varden.items():
            if len(series) != 12:
                raise ValueError(
                    f"{key}: a monthly series has 12 values, this one has {len(series)}")
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


def monthly_view(ds: Dataset, kind: str, key: str, year: int, span: int = 3
                 ) -> list[MeasureGroupView]:
    """The organisation's measure groups with the series of `year` and the years before it,
    each read from that year's document of the same kind (block `key`)."""
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


def measure_table(group: MeasureGroupView, measure: MeasureView, key: str) -> Table:
    """One measure: a row per year (years without figures left out), a column per month and
    the annual sum or mean."""
    word = "Summa" if measure.aggregation == "summa" else "Medel"
    columns = (Column("ar", ""), *(Column(m, m, "number", "right") for m in MONTHS),
               Column("arsvarde", word, "number", "right"))
    rows = []
    for series in measure.series:
        if series.values is None:
            continue
        index = len(rows)
        annual = Formula(annual_template(measure.aggregation), ((index, 1), (index, 12)))
        cells = (Cell(((Text(str(series.year)),),), str(series.year)),
                 *(_figure_cell(v, 0) for v in series.values),
                 _figure_cell(series.annual(measure.aggregation), measure.annual_decimals,
                              annual))
        rows.append(Row(str(series.year), str(series.year), cells))
    return Table(key, columns, tuple(rows), name=plain(measure.name), keep=True, sheet=SHEET,
                 sheet_group=plain(group.name), id=f"{key}-{measure.id}")


def chart(group: MeasureGroupView, key: str) -> Figure:
    panels = []
    for measure in group.measures:
        series = tuple(Series(str(s.year), tuple(s.values)) for s in measure.series
                       if s.values is not None)
        if not series:
            continue
        counts = all(v == v.to_integral_value() for s in series for v in s.values
                     if v is not None)
        panels.append(Panel(plain(measure.name), plain(measure.unit), tuple(MONTHS), series,
                            counts, f"{key}-{measure.id}"))
    return Figure(group.id, alt_text(group), plain(group.name), tuple(panels))


class MonthlyMeasures(BlockType):
    typ = "manadsmatt"
    model = ManadsmattBlock
    option = "manadsmatt"
    options = ManadsmattSpec
    implied = True

    def resolve(self, block: BlockInput) -> list[Block]:
        options = block.node.manadsmatt
        span = options.ar if options else 3
        drawn = options is None or options.diagram
        out = prose(block.content.text)
        level = block.level + 1
        for group in monthly_view(block.ds, block.document.kind, block.key, block.year, span):
            parts: list[Block] = [
                Section(heading(measure.name), level + 1,
                        (measure_table(group, measure, block.key),))
                for measure in group.measures
                if any(s.values is not None for s in measure.series)]
            if drawn:
                parts.append(chart(group, block.key))
            out.append(Section(heading(group.name), level, tuple(parts)))
        return out
