"""`snplan metrics YEAR`: the year's key figures with their changes and deviations, for a
terminal, a machine (JSON, CSV) or a pull-request comment (Markdown)."""

from __future__ import annotations

import csv
import io
import json
import re
from dataclasses import dataclass
from decimal import Decimal

from . import compute, views
from .fmt import number, percent
from .load import Dataset

FORMATS = ("table", "json", "csv", "markdown")


@dataclass(frozen=True)
class Metric:
    """One key figure. `change` is this − previous, except in the plan where it is the VP
    change |this| − |previous|; `unit` says what the figure counts."""

    section: str
    name: str
    unit: str
    value: Decimal | None
    previous: Decimal | None = None
    change: Decimal | None = None
    percent: Decimal | None = None
    budget: Decimal | None = None
    budget_deviation: Decimal | None = None
    forecast: Decimal | None = None
    forecast_deviation: Decimal | None = None
    decimals: int = 1


def _amount_decimals(unit: str) -> int:
    return 1 if unit == "mkr" else 0


def _from_outcome_row(section: str, unit: str, row: views.OutcomeRow) -> Metric:
    change = None if row.previous is None else row.outcome - row.previous
    return Metric(section, row.label, unit, row.outcome, row.previous, change, row.percent,
                  row.budget, row.budget_deviation, row.forecast, row.forecast_deviation,
                  _amount_decimals(unit))


def collect(ds: Dataset, year: int) -> list[Metric]:
    """Every key figure that the data of `year` allows, in document order."""
    if year not in ds.years:
        raise views.MissingData(f"there is no data for {year}")
    unit = ds.organisation.belopp_enhet if ds.organisation else ""
    result: list[Metric] = []
    entry = ds.years[year]
    if entry.plan is not None and entry.plan.budget is not None:
        budget = views.budget_view(ds, year)
        for row in [*budget.committee, *budget.units, budget.unit_total]:
            result.append(Metric("Budget (VP)", row.label, unit, row.this_year, row.last_year,
                                 row.change, decimals=_amount_decimals(unit)))
    outcome = entry.outcome
    if outcome is not None and outcome.ekonomi is not None:
        income = views.income_view(ds, year)
        for row in (income.revenue_total, income.costs_total, income.net):
            result.append(_from_outcome_row("Resultaträkning", unit, row))
        if outcome.ekonomi.verksamheter is not None:
            activities = views.activity_view(ds, year)
            for row in [*activities.rows, activities.total]:
                result.append(_from_outcome_row("Verksamheter", unit, row))
    if outcome is not None and outcome.personal is not None:
        for index, prow in enumerate(views.personnel_view(ds, year).rows):
            result.append(Metric("Personal", prow.label, prow.unit, prow.this_year,
                                 prow.last_year, prow.change, decimals=0 if index < 3 else 1))
    if outcome is not None and outcome.nyckeltal and ds.organisation is not None:
        prev_entry = ds.years.get(year - 1)
        prev_figures = (prev_entry.outcome.nyckeltal
                        if prev_entry and prev_entry.outcome else {})
        for figure in ds.organisation.nyckeltal:
            if figure.id in outcome.nyckeltal:
                value = outcome.nyckeltal[figure.id]
                previous = prev_figures.get(figure.id)
                result.append(Metric("Nyckeltal", figure.namn, figure.enhet, value, previous,
                                     None if previous is None else value - previous,
                                     decimals=compute.decimals_of(value)))
    if outcome is not None and outcome.verksamhetsmatt is not None:
        for group in views.monthly_view(ds, year, span=2):
            for measure in group.measures:
                previous, current = measure.series
                value = current.annual(measure.aggregation)
                if value is None:
                    continue
                before = previous.annual(measure.aggregation)
                label = "summa" if measure.aggregation == "summa" else "medel per månad"
                result.append(Metric(f"Verksamhetsmått: {group.name}",
                                     f"{measure.name} ({label})", measure.unit, value, before,
                                     None if before is None else value - before,
                                     None if before is None
                                     else compute.percent_change(value, before),
                                     decimals=0 if measure.aggregation == "summa" else 1))
    return result


def _csv_cell(value: str | int | None) -> str:
    """A CSV cell that a spreadsheet will not run as a formula: text beginning with =, +, -,
    @, tab or carriage return is prefixed with an apostrophe (the OWASP rule); numbers are
    written as they are."""
    if value is None:
        return ""
    text = str(value)
    if isinstance(value, int) or _NUMBER.fullmatch(text):
        return text
    return "'" + text if text[:1] in FORMULA_STARTS else text


FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
_NUMBER = re.compile(r"-?\d+(\.\d+)?")


COLUMNS = [
    ("name", "Nyckeltal"), ("value", "Värde"), ("previous", "Föregående"),
    ("change", "Förändring"), ("percent", "%"), ("budget", "Budget"),
    ("budget_deviation", "Budgetavvikelse"), ("forecast", "Prognos"),
    ("forecast_deviation", "Prognosavvikelse"),
]


def _cell(metric: Metric, key: str) -> str:
    value = getattr(metric, key)
    if key == "name":
        return metric.name
    if key == "percent":
        return percent(value)
    if value is None:
        return ""
    signed = key in {"change", "budget_deviation", "forecast_deviation"}
    return number(value, metric.decimals, signed=signed)


def _used_columns(metrics: list[Metric]) -> list[tuple[str, str]]:
    return [(k, h) for k, h in COLUMNS
            if k == "name" or any(getattr(m, k) is not None for m in metrics)]


PERCENT_DECIMALS = 1


def _machine(metric: Metric, key: str) -> str | int | None:
    """A field for JSON and CSV: figures rounded (half up) to the precision the documents
    show them with, so a mean of twelve months is 93.8, not 93.83333333333333333333333333."""
    value = getattr(metric, key)
    if not isinstance(value, Decimal):
        return value
    places = PERCENT_DECIMALS if key == "percent" else metric.decimals
    rounded = compute.round_half_up(value, places)
    return str(abs(rounded) if rounded == 0 else rounded)


def render(metrics: list[Metric], year: int, fmt: str) -> str:
    """Metrics as text in one of FORMATS."""
    fields = list(Metric.__dataclass_fields__)
    if fmt == "json":
        return json.dumps(
            {"year": year, "metrics": [{k: _machine(m, k) for k in fields} for m in metrics]},
            ensure_ascii=False, indent=2) + "\n"
    if fmt == "csv":
        buffer = io.StringIO()
        writer = csv.writer(buffer, lineterminator="\n")
        writer.writerow(fields)
        for m in metrics:
            writer.writerow([_csv_cell(_machine(m, f)) for f in fields])
        return buffer.getvalue()
    sections: dict[str, list[Metric]] = {}
    for m in metrics:
        sections.setdefault(m.section, []).append(m)
    out: list[str] = []
    if fmt == "markdown":
        out.append(f"## Nyckeltal {year}\n")
        for section, rows in sections.items():
            cols = _used_columns(rows)
            out.append(f"### {section}\n")
            out.append("| " + " | ".join(h for _, h in cols) + " |")
            out.append("|" + "|".join("---" if k == "name" else "---:" for k, _ in cols) + "|")
            for m in rows:
                out.append("| " + " | ".join(_cell(m, k).replace("|", "\\|")
                                             for k, _ in cols) + " |")
            out.append("")
        return "\n".join(out)
    out.append(f"Nyckeltal {year}")
    for section, rows in sections.items():
        cols = _used_columns(rows)
        table = [[h for _, h in cols]] + [[_cell(m, k) for k, _ in cols] for m in rows]
        widths = [max(len(r[i]) for r in table) for i in range(len(cols))]
        out.append("")
        out.append(section)
        for r_index, r in enumerate(table):
            cells = [r[0].ljust(widths[0])] + [c.rjust(w) for c, w in zip(r[1:], widths[1:],
                                                                          strict=True)]
            out.append("  " + "  ".join(cells).rstrip())
            if r_index == 0:
                out.append("  " + "  ".join("-" * w for w in widths))
    return "\n".join(out) + "\n"
