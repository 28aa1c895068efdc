"""Monthly activity measures: each measure's twelve months for the last few years (each year
read from its own data), with the annual sum or mean, and one chart per group of measures."""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from .. import compute, fmt
from ..source.load import Dataset
from .base import BlockInput

MONTHS = ["jan", "feb", "mar", "apr", "maj", "jun", "jul", "aug", "sep", "okt", "nov", "dec"]


@dataclass(frozen=True)
class MeasureSeries:
    year: int
    values: list[Decimal] | None

    def annual(self, aggregation: str) -> Decimal | None:
        return None if self.values is None else compute.annual_figure(self.values, aggregation)


@dataclass(frozen=True)
class MeasureView:
    id: str
    name: str
    unit: str
    aggregation: str
    series: list[MeasureSeries]


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


def groups_of(block: BlockInput) -> list[MeasureGroupView]:
    span = block.node.manadsmatt.ar if block.node.manadsmatt else 3
    return monthly_view(block.ds, block.document.kind, block.node.block or "", block.year,
                        span)


def context(block: BlockInput) -> dict[str, Any] | None:
    from ..output.charts import alt_text

    chart = block.node.manadsmatt is None or block.node.manadsmatt.diagram
    groups = []
    for group in groups_of(block):
        measures = []
        for measure in group.measures:
            rows = [{"ar": str(s.year), "varden": [fmt.number(v, 0) for v in s.values],
                     "annual": fmt.number(s.annual(measure.aggregation),
                                          0 if measure.aggregation == "summa" else 1)}
                    for s in measure.series if s.values is not None]
            measures.append({"namn": measure.name, "rows": rows,
                             "aggregat": "Summa" if measure.aggregation == "summa"
                             else "Medel"})
        groups.append({"namn": group.name, "matt": measures,
                       "bild": f"{group.id}.png" if chart else None,
                       "alt": alt_text(group)})
    return {"text": block.content.text, "manader": MONTHS, "groups": groups,
            "niva": block.level + 1}
