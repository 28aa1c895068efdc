"""Derived views that documents and `snplan metrics` use: each table of a plan or report with
its computed columns, reading earlier years from their own data, never from a copy."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from decimal import Decimal

from . import compute
from .load import Dataset
from .model.outcome import Arsredovisning, Belopp, Resultatrakning
from .model.plan import Driftbudget


class MissingData(Exception):
    """A view cannot be made because data it needs is missing; the message says what."""


@dataclass(frozen=True)
class ChangeRow:
    """A VP row: this year's budget, last year's, and the change |this| − |last|."""

    label: str
    this_year: Decimal
    last_year: Decimal | None
    key: str = ""
    is_total: bool = False

    @property
    def change(self) -> Decimal | None:
        if self.last_year is None:
            return None
        return compute.vp_change(self.this_year, self.last_year)


@dataclass(frozen=True)
class BudgetView:
    """The plan's operating budget (committee and per unit) and investment budget."""

    year: int
    committee: list[ChangeRow]
    units: list[ChangeRow]
    unit_total: ChangeRow
    investments: list[ChangeRow]
    investment_total: ChangeRow


def frame_total(drift: Driftbudget) -> compute.Total:
    """The budget frame: revenue + costs, or the printed net where one is entered."""
    return compute.resolve_total([drift.intakter, drift.kostnader], drift.netto)


def unit_total(drift: Driftbudget) -> compute.Total:
    """The sum of the per-unit budgets, or the printed sum where one is entered."""
    return compute.resolve_total(list(drift.per_enhet.values()), drift.summa_per_enhet)


def budget_view(ds: Dataset, year: int) -> BudgetView:
    """VP tables of `year` against the budget of `year − 1` (read from that year's data)."""
    plan = ds.years[year].plan if year in ds.years else None
    if plan is None or plan.budget is None:
        raise MissingData(f"data/{year}/verksamhetsplan.yaml has no budget")
    org = ds.organisation
    if org is None:
        raise MissingData("data/organisation.yaml could not be read")
    prev_year = ds.years.get(year - 1)
    prev_plan = prev_year.plan if prev_year else None
    prev = prev_plan.budget if prev_plan and prev_plan.budget else None
    drift = plan.budget.drift
    pdrift = prev.drift if prev else None
    committee = [
        ChangeRow("Intäkter", drift.intakter, pdrift.intakter if pdrift else None, "intakter"),
        ChangeRow("Kostnader", drift.kostnader, pdrift.kostnader if pdrift else None,
                  "kostnader"),
        ChangeRow("Nettokostnader", frame_total(drift).value,
                  frame_total(pdrift).value if pdrift else None, "netto", True),
    ]
    names = {u.id: u.namn for u in org.enheter}
    order = [u.id for u in org.enheter]
    keys = sorted(set(drift.per_enhet) | set(pdrift.per_enhet if pdrift else {}),
                  key=lambda k: order.index(k) if k in order else len(order))
    units = [
        ChangeRow(names.get(k, k), drift.per_enhet.get(k, compute.ZERO),
                  (pdrift.per_enhet.get(k, compute.ZERO) if pdrift else None), k)
        for k in keys
    ]
    units_total = ChangeRow("Summa nettokostnader", unit_total(drift).value,
                            unit_total(pdrift).value if pdrift else None, "summa", True)
    pinv = {i.namn: i.belopp for i in prev.investeringar} if prev else {}
    investments = [ChangeRow(i.namn, i.belopp, pinv.get(i.namn, compute.ZERO) if prev else None)
                   for i in plan.budget.investeringar]
    inv_total = ChangeRow(
        "Summa", compute.total(i.belopp for i in plan.budget.investeringar),
        compute.total(pinv.values()) if prev else None, "summa", True)
    return BudgetView(year, committee, units, units_total, investments, inv_total)


@dataclass(frozen=True)
class OutcomeRow:
    """An ÅR row: outcome, last year's outcome, budget and forecast, and derived columns."""

    label: str
    outcome: Decimal
    previous: Decimal | None
    budget: Decimal | None
    forecast: Decimal | None
    key: str = ""
    is_total: bool = False

    @property
    def percent(self) -> Decimal | None:
        if self.previous is None:
            return None
        return compute.percent_change(self.outcome, self.previous)

    @property
    def budget_deviation(self) -> Decimal | None:
        if self.budget is None:
            return None
        return compute.budget_deviation(self.outcome, self.budget)

    @property
    def forecast_deviation(self) -> Decimal | None:
        if self.forecast is None:
            return None
        return compute.forecast_deviation(self.outcome, self.forecast)


def _column(rows: Sequence[Belopp], pick: Callable[[Belopp], Decimal | None],
            entered: Belopp | None) -> Decimal | None:
    values = [pick(r) for r in rows]
    if any(v is None for v in values):
        return None
    printed = pick(entered) if entered is not None else None
    return compute.resolve_total([v for v in values if v is not None], printed).value


@dataclass(frozen=True)
class IncomeTotals:
    """Revenue, costs and net of one year's income statement, per column."""

    revenue: dict[str, Decimal | None]
    costs: dict[str, Decimal | None]
    net: dict[str, Decimal | None]


COLUMNS: dict[str, Callable[[Belopp], Decimal | None]] = {
    "utfall": lambda b: b.utfall,
    "budget": lambda b: b.budget,
    "prognos": lambda b: b.prognos,
}


def income_totals(ds: Dataset, statement: Resultatrakning) -> IncomeTotals:
    """Totals of an income statement, each the printed total where entered, else the sum."""
    types = {k.id: k.typ for k in ds.organisation.konton} if ds.organisation else {}
    revenue_rows = [b for k, b in statement.rader.items() if types.get(k) == "intakt"]
    cost_rows = [b for k, b in statement.rader.items() if types.get(k) == "kostnad"]
    revenue = {c: _column(revenue_rows, f, statement.summa_intakter) for c, f in COLUMNS.items()}
    costs = {c: _column(cost_rows, f, statement.summa_kostnader) for c, f in COLUMNS.items()}
    net: dict[str, Decimal | None] = {}
    for column, pick in COLUMNS.items():
        r, c = revenue[column], costs[column]
        printed = pick(statement.netto) if statement.netto is not None else None
        net[column] = (None if r is None or c is None
                       else compute.resolve_total([r, c], printed).value)
    return IncomeTotals(revenue, costs, net)


@dataclass(frozen=True)
class IncomeView:
    year: int
    revenue: list[OutcomeRow]
    revenue_total: OutcomeRow
    costs: list[OutcomeRow]
    costs_total: OutcomeRow
    net: OutcomeRow


def _outcome(year: int, ds: Dataset) -> Arsredovisning:
    y = ds.years.get(year)
    if y is None or y.outcome is None or y.outcome.ekonomi is None:
        raise MissingData(f"data/{year}/arsredovisning.yaml has no ekonomi")
    return y.outcome


def _previous(year: int, ds: Dataset) -> Arsredovisning | None:
    y = ds.years.get(year - 1)
    if y is None or y.outcome is None or y.outcome.ekonomi is None:
        return None
    return y.outcome


def income_view(ds: Dataset, year: int) -> IncomeView:
    """The income statement of `year` with last year's outcome read from `year − 1`."""
    out = _outcome(year, ds)
    assert out.ekonomi is not None and ds.organisation is not None
    statement = out.ekonomi.resultatrakning
    prev = _previous(year, ds)
    pstatement = prev.ekonomi.resultatrakning if prev and prev.ekonomi else None
    accounts = ds.organisation.konton

    def rows(kind: str) -> list[OutcomeRow]:
        result = []
        for account in accounts:
            if account.typ != kind or account.id not in statement.rader:
                continue
            b = statement.rader[account.id]
            pb = pstatement.rader.get(account.id) if pstatement else None
            previous = pb.utfall if pb else (compute.ZERO if pstatement else None)
            result.append(OutcomeRow(account.namn, b.utfall, previous, b.budget, b.prognos,
                                     account.id))
        return result

    totals = income_totals(ds, statement)
    ptotals = income_totals(ds, pstatement) if pstatement else None

    def total_row(label: str, key: str, column: dict[str, Decimal | None],
                  pcolumn: dict[str, Decimal | None] | None) -> OutcomeRow:
        outcome = column["utfall"]
        assert outcome is not None
        return OutcomeRow(label, outcome, pcolumn["utfall"] if pcolumn else None,
                          column["budget"], column["prognos"], key, True)

    return IncomeView(
        year,
        rows("intakt"),
        total_row("Summa intäkter", "summa_intakter", totals.revenue,
                  ptotals.revenue if ptotals else None),
        rows("kostnad"),
        total_row("Summa kostnader", "summa_kostnader", totals.costs,
                  ptotals.costs if ptotals else None),
        total_row("Verksamhetens nettokostnader", "netto", totals.net,
                  ptotals.net if ptotals else None),
    )


@dataclass(frozen=True)
class ActivityView:
    year: int
    rows: list[OutcomeRow]
    total: OutcomeRow


def activity_totals(statement_rows: dict[str, Belopp], entered: Belopp | None
                    ) -> dict[str, Decimal | None]:
    """Totals of the per-activity table, per column."""
    rows = list(statement_rows.values())
    return {c: _column(rows, f, entered) for c, f in COLUMNS.items()}


def activity_view(ds: Dataset, year: int) -> ActivityView:
    """The per-activity table of `year` with last year's outcome read from `year − 1`."""
    out = _outcome(year, ds)
    assert out.ekonomi is not None and ds.organisation is not None
    table = out.ekonomi.verksamheter
    if table is None:
        raise MissingData(f"data/{year}/arsredovisning.yaml has no ekonomi.verksamheter")
    prev = _previous(year, ds)
    ptable = prev.ekonomi.verksamheter if prev and prev.ekonomi else None
    rows = []
    for activity in ds.organisation.verksamheter:
        if activity.id not in table.rader:
            continue
        b = table.rader[activity.id]
        pb = ptable.rader.get(activity.id) if ptable else None
        previous = pb.utfall if pb else (compute.ZERO if ptable else None)
        rows.append(OutcomeRow(activity.namn, b.utfall, previous, b.budget, b.prognos,
                               activity.id))
    totals = activity_totals(table.rader, table.netto)
    ptotals = activity_totals(ptable.rader, ptable.netto) if ptable else None
    outcome = totals["utfall"]
    assert outcome is not None
    total = OutcomeRow("Verksamhetens nettokostnader", outcome,
                       ptotals["utfall"] if ptotals else None, totals["budget"],
                       totals["prognos"], "netto", True)
    return ActivityView(year, rows, total)


@dataclass(frozen=True)
class PersonnelRow:
    label: str
    this_year: Decimal | None
    last_year: Decimal | None
    unit: str = ""

    @property
    def change(self) -> Decimal | None:
        if self.this_year is None or self.last_year is None:
            return None
        return self.this_year - self.last_year


@dataclass(frozen=True)
class PersonnelView:
    year: int
    rows: list[PersonnelRow]
    footnotes: list[str]


def personnel_view(ds: Dataset, year: int) -> PersonnelView:
    """Personnel figures of `year` and `year − 1`; sick leave changes in percentage points."""
    y = ds.years.get(year)
    if y is None or y.outcome is None or y.outcome.personal is None:
        raise MissingData(f"data/{year}/arsredovisning.yaml has no personal")
    p = y.outcome.personal
    py = ds.years.get(year - 1)
    q = py.outcome.personal if py and py.outcome else None

    def pair(attr: str) -> tuple[Decimal | None, Decimal | None]:
        a = getattr(p, attr)
        b = getattr(q, attr) if q else None
        return (Decimal(a) if a is not None else None, Decimal(b) if b is not None else None)

    rows = [
        PersonnelRow("Antal anställda", *pair("antal_anstallda")),
        PersonnelRow("- varav kvinnor", *pair("kvinnor")),
        PersonnelRow("- varav män", *pair("man")),
        PersonnelRow("Antal årsarbetare i snitt", *pair("arsarbetare")),
        PersonnelRow("Sjukfrånvaro, %", *pair("sjukfranvaro"), "procentenheter"),
        PersonnelRow("Hållbart medarbetarengagemang-index (HME)", *pair("hme")),
    ]
    return PersonnelView(year, rows, list(p.fotnoter))


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


def monthly_view(ds: Dataset, year: int, span: int = 3) -> list[MeasureGroupView]:
    """Monthly measures for `year` and the years before it, each read from its own year."""
    if ds.organisation is None:
        raise MissingData("data/organisation.yaml could not be read")
    years = list(range(year - span + 1, year + 1))

    def series_of(y: int, measure_id: str) -> list[Decimal] | None:
        entry = ds.years.get(y)
        if entry is None or entry.outcome is None or entry.outcome.verksamhetsmatt is None:
            return None
        return entry.outcome.verksamhetsmatt.varden.get(measure_id)

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
