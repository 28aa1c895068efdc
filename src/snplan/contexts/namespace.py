"""The names a prose expression can use, with Swedish names a controller recognises.

In a plan:   ar, ram, intakter, kostnader (each with .budget, .fjol, .forandring),
             enhet[ID] (the same per unit).
In a report: ar, netto, intakter, kostnader (each with .utfall, .fjol, .forandring, .procent,
             .budget, .budgetavvikelse, .prognos, .prognosavvikelse), verksamhet[ID] (the same
             per activity), personal (.antal_anstallda, .kvinnor, .man, .arsarbetare,
             .sjukfranvaro, .hme and the same with _fjol), nyckeltal[ID], nyckeltal_fjol[ID].
Amounts are signed as stored (a net cost is negative); use `| abs` to print a cost as a
positive amount, and the filters belopp, tal and procent to format.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from .. import views
from ..load import Dataset


def _plan_row(row: views.ChangeRow) -> dict[str, Decimal | None]:
    return {"budget": row.this_year, "fjol": row.last_year, "forandring": row.change}


def plan_namespace(ds: Dataset, year: int) -> dict[str, Any]:
    view = views.budget_view(ds, year)
    revenue, costs, net = view.committee
    return {
        "ar": year,
        "ram": _plan_row(net),
        "intakter": _plan_row(revenue),
        "kostnader": _plan_row(costs),
        "enhet": {row.key: _plan_row(row) for row in view.units},
    }


def _outcome_row(row: views.OutcomeRow) -> dict[str, Decimal | None]:
    return {
        "utfall": row.outcome,
        "fjol": row.previous,
        "forandring": None if row.previous is None else row.outcome - row.previous,
        "procent": row.percent,
        "budget": row.budget,
        "budgetavvikelse": row.budget_deviation,
        "prognos": row.forecast,
        "prognosavvikelse": row.forecast_deviation,
    }


def report_namespace(ds: Dataset, year: int) -> dict[str, Any]:
    income = views.income_view(ds, year)
    namespace: dict[str, Any] = {
        "ar": year,
        "netto": _outcome_row(income.net),
        "intakter": _outcome_row(income.revenue_total),
        "kostnader": _outcome_row(income.costs_total),
        "konto": {r.key: _outcome_row(r) for r in income.revenue + income.costs},
    }
    entry = ds.years[year]
    assert entry.outcome is not None
    if entry.outcome.ekonomi and entry.outcome.ekonomi.verksamheter:
        activities = views.activity_view(ds, year)
        namespace["verksamhet"] = {r.key: _outcome_row(r) for r in activities.rows}
    previous = ds.years.get(year - 1)
    prev_out = previous.outcome if previous else None
    if entry.outcome.personal is not None:
        p = entry.outcome.personal
        q = prev_out.personal if prev_out else None
        personal: dict[str, Any] = {}
        for name in ("antal_anstallda", "kvinnor", "man", "arsarbetare", "sjukfranvaro", "hme"):
            personal[name] = getattr(p, name)
            personal[f"{name}_fjol"] = getattr(q, name) if q else None
        namespace["personal"] = personal
    namespace["nyckeltal"] = dict(entry.outcome.nyckeltal)
    namespace["nyckeltal_fjol"] = dict(prev_out.nyckeltal) if prev_out else {}
    return namespace
