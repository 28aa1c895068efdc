"""Checks that figures agree with each other, within a file and across files.

Every message names both sides of a disagreement (file and line), because the person fixing
it has to decide which of the two is wrong.
"""

from __future__ import annotations

from collections.abc import Sequence
from decimal import Decimal
from statistics import median

from . import compute, views
from .fmt import number
from .load import Dataset, Source
from .model.outcome import Belopp
from .problems import Problem, field_path


def _at(source: Source | None, *loc: str | int) -> str:
    if source is None:
        return "data"
    line = source.line(*loc)
    return f"{source.path}:{line}" if line else source.path


def _problem(source: Source | None, loc: tuple[str | int, ...], message: str,
             also: str | None = None, severity: str = "error") -> Problem:
    return Problem(source.path if source else "data", source.line(*loc) if source else None,
                   field_path(loc), message, severity, also)  # type: ignore[arg-type]


def _entered_total(source: Source | None, loc: tuple[str | int, ...], rows_loc: tuple,
                   rows: Sequence[Decimal], entered: Decimal | None, what: str
                   ) -> list[Problem]:
    """A printed total entered beside rounded rows must lie within the rounding tolerance."""
    if entered is None:
        return []
    result = compute.resolve_total(rows, entered)
    if result.within_tolerance:
        return []
    return [_problem(source, loc,
                     f"the entered {what} {number(entered)} differs from the sum of its "
                     f"{len(rows)} rows, {number(result.row_sum)}, by more than rounding "
                     f"allows (±{number(result.tolerance)})",
                     also=_at(source, *rows_loc))]


def check_plan_budgets(ds: Dataset) -> list[Problem]:
    """Revenue + costs gives the frame; the per-unit budgets add up to the frame."""
    problems: list[Problem] = []
    for number_, year in sorted(ds.years.items()):
        plan, src = year.plan, year.sources.get("verksamhetsplan")
        if plan is None or plan.budget is None:
            continue
        drift = plan.budget.drift
        base = ("budget", "drift")
        problems += _entered_total(src, base + ("netto",), base + ("intakter",),
                                   [drift.intakter, drift.kostnader], drift.netto,
                                   "net (netto)")
        units = list(drift.per_enhet.values())
        if not units:
            continue
        problems += _entered_total(src, base + ("summa_per_enhet",), base + ("per_enhet",),
                                   units, drift.summa_per_enhet, "sum of the units")
        frame = views.frame_total(drift).value
        unit_sum = views.unit_total(drift).value
        if unit_sum != frame:
            where = "summa_per_enhet" if drift.summa_per_enhet is not None else "per_enhet"
            problems.append(_problem(
                src, base + (where,),
                f"the units' budgets add up to {number(unit_sum)} but the budget frame "
                f"(revenue + costs) of {number_} is {number(frame)}",
                also=_at(src, *base, "netto" if drift.netto is not None else "intakter")))
    return problems


def _columns(rows: Sequence[Belopp], entered: Belopp | None, src: Source | None,
             loc: tuple, rows_loc: tuple, what: str) -> list[Problem]:
    problems = []
    for column, pick in views.COLUMNS.items():
        printed = pick(entered) if entered is not None else None
        values = [pick(r) for r in rows]
        if printed is None:
            continue
        if any(v is None for v in values):
            problems.append(_problem(src, loc + (column,),
                                     f"a total {column} is entered but not every row has one"))
            continue
        problems += _entered_total(src, loc + (column,), rows_loc,
                                   [v for v in values if v is not None], printed,
                                   f"{what} ({column})")
    return problems


def check_outcome_totals(ds: Dataset) -> list[Problem]:
    """Printed totals of the income statement and the per-activity table lie within the
    rounding tolerance of their rows; the per-activity table adds up to the statement's net;
    the report's budget column adds up to the adopted plan's budget frame."""
    problems: list[Problem] = []
    if ds.organisation is None:
        return problems
    types = {k.id: k.typ for k in ds.organisation.konton}
    for number_, year in sorted(ds.years.items()):
        out, src = year.outcome, year.sources.get("arsredovisning")
        if out is None or out.ekonomi is None:
            continue
        statement = out.ekonomi.resultatrakning
        base = ("ekonomi", "resultatrakning")
        revenue = [b for k, b in statement.rader.items() if types.get(k) == "intakt"]
        costs = [b for k, b in statement.rader.items() if types.get(k) == "kostnad"]
        problems += _columns(revenue, statement.summa_intakter, src,
                             base + ("summa_intakter",), base + ("rader",), "total revenue")
        problems += _columns(costs, statement.summa_kostnader, src,
                             base + ("summa_kostnader",), base + ("rader",), "total costs")
        totals = views.income_totals(ds, statement)
        if statement.netto is not None:
            for column, pick in views.COLUMNS.items():
                printed = pick(statement.netto)
                r = views._column(revenue, pick, statement.summa_intakter)
                c = views._column(costs, pick, statement.summa_kostnader)
                if printed is None or r is None or c is None:
                    continue
                problems += _entered_total(src, base + ("netto", column),
                                           base + ("summa_intakter",), [r, c], printed,
                                           f"net ({column})")
        table = out.ekonomi.verksamheter
        if table is not None:
            tbase = ("ekonomi", "verksamheter")
            problems += _columns(list(table.rader.values()), table.netto, src,
                                 tbase + ("netto",), tbase + ("rader",),
                                 "total of the activities")
            activity = views.activity_totals(table.rader, table.netto)
            for column in views.COLUMNS:
                a, n = activity[column], totals.net[column]
                if a is None or n is None or a == n:
                    continue
                problems.append(_problem(
                    src, tbase + ("netto" if table.netto else "rader",),
                    f"the activities' {column} adds up to {number(a)} but the income "
                    f"statement's net {column} is {number(n)}",
                    also=_at(src, *base, "netto" if statement.netto else "rader")))
        plan = year.plan
        budget_net = totals.net["budget"]
        if plan is not None and plan.budget is not None and budget_net is not None:
            frame = views.frame_total(plan.budget.drift).value
            if frame != budget_net:
                psrc = year.sources.get("verksamhetsplan")
                problems.append(_problem(
                    src, base + ("netto" if statement.netto else "rader",),
                    f"the report's budget column adds up to a net of {number(budget_net)} "
                    f"but the adopted plan for {number_} has a budget frame of {number(frame)}"
                    f" (a different split is fine, a different total is not)",
                    also=_at(psrc, "budget", "drift")))
    return problems


def check_personnel(ds: Dataset) -> list[Problem]:
    """Women + men = employees."""
    problems = []
    for year in ds.years.values():
        out, src = year.outcome, year.sources.get("arsredovisning")
        if out is None or out.personal is None:
            continue
        p = out.personal
        if p.kvinnor + p.man != p.antal_anstallda:
            problems.append(_problem(src, ("personal", "antal_anstallda"),
                                     f"{p.kvinnor} women + {p.man} men = "
                                     f"{p.kvinnor + p.man}, not {p.antal_anstallda} employees",
                                     also=_at(src, "personal", "kvinnor")))
    return problems


# A month is "far outside" when it is more than this many times the median of the others
# and the difference is large in absolute terms too (small counts jump by nature).
OUTLIER_RATIO = Decimal(3)
OUTLIER_MIN_DIFFERENCE = Decimal(100)


def check_monthly_values(ds: Dataset) -> list[Problem]:
    """Warn about a month that looks wrong: one equal to its year is almost always the year
    typed into the cell (ÅR 2023 prints January care days as "2 022" and "2 023"); one far
    above all the others of its series is a typo or a pasted figure."""
    problems = []
    for number_, year in ds.years.items():
        out, src = year.outcome, year.sources.get("arsredovisning")
        if out is None or out.verksamhetsmatt is None:
            continue
        for key, series in out.verksamhetsmatt.varden.items():
            for month, value in enumerate(series):
                if value == number_:
                    problems.append(_problem(
                        src, ("verksamhetsmatt", "varden", key, month),
                        f"month {month + 1} holds {value}, the year itself: is the year "
                        f"typed into the cell?", severity="warning"))
                    continue
                others = [v for i, v in enumerate(series) if i != month]
                middle = Decimal(median(others))
                if (middle > 0 and value > OUTLIER_RATIO * middle
                        and value - middle >= OUTLIER_MIN_DIFFERENCE):
                    problems.append(_problem(
                        src, ("verksamhetsmatt", "varden", key, month),
                        f"month {month + 1} holds {number(value)}, more than "
                        f"{OUTLIER_RATIO} times the median of the other months "
                        f"({number(middle)})", severity="warning"))
    return problems


ALL = (check_plan_budgets, check_outcome_totals, check_personnel, check_monthly_values)


def run_all(ds: Dataset) -> list[Problem]:
    problems: list[Problem] = []
    for check in ALL:
        problems.extend(check(ds))
    return problems
