"""Context of the annual report (årsredovisning)."""

from __future__ import annotations

from typing import Any

from jinja2.sandbox import SandboxedEnvironment

from .. import compute, fmt, views
from ..load import Dataset
from ..render.charts import alt_text
from .common import SYMBOLS, Built, evaluated, organisation, timestamp_for
from .namespace import report_namespace

MONTHS = ["jan", "feb", "mar", "apr", "maj", "jun", "jul", "aug", "sep", "okt", "nov", "dec"]


def _outcome_cells(row: views.OutcomeRow, unit: str) -> list[str]:
    """Outcome, last year, % (totals only, as the source documents), budget deviation,
    budget, forecast, forecast deviation."""
    return [
        fmt.amount(row.outcome, unit),
        fmt.amount(row.previous, unit),
        fmt.percent(row.percent) if row.is_total else "",
        fmt.amount(row.budget_deviation, unit),
        fmt.amount(row.budget, unit),
        fmt.amount(row.forecast, unit),
        fmt.amount(row.forecast_deviation, unit),
    ]


def _rows(rows: list[views.OutcomeRow], unit: str) -> list[dict[str, Any]]:
    return [{"label": r.label, "cells": _outcome_cells(r, unit), "total": r.is_total}
            for r in rows]


def _scale(labels: Any) -> list[dict[str, str]]:
    return [{"niva": n, "symbol": SYMBOLS[n], "text": getattr(labels, n)}
            for n in ("niva1", "niva2", "niva3", "niva4")]


def _measure_decimals(aggregation: str) -> int:
    return 0 if aggregation == "summa" else 1


def build(ds: Dataset, year: int, env: SandboxedEnvironment) -> Built:
    entry = ds.years[year]
    assert entry.outcome is not None and ds.organisation is not None
    org = ds.organisation
    unit = org.belopp_enhet
    report = evaluated(entry.outcome, entry.sources.get("arsredovisning"), env,
                       report_namespace(ds, year))
    goals = {g.id: g.namn for g in org.namndmal}
    scales = org.skalor
    short = f"{year % 100:02d}/{(year - 1) % 100:02d}"
    header = [f"{unit}", str(year), str(year - 1), f"% {short}", "Budget\u00adavvikelse",
              "Budget", "Prognos", "Prognos\u00adavvikelse"]
    economy: dict[str, Any] | None = None
    if report.ekonomi is not None:
        income = views.income_view(ds, year)
        economy = {
            "header": header,
            "resultat": _rows([*income.revenue, income.revenue_total, *income.costs,
                               income.costs_total, income.net], unit),
            "driftredovisning": report.ekonomi.driftredovisning,
            "resultatrakning_kommentar": report.ekonomi.resultatrakning_kommentar,
            "verksamheter": None,
            "verksamheter_kommentar": report.ekonomi.verksamheter_kommentar,
            "investeringar_text": report.ekonomi.investeringar_text,
            "investeringar": [],
        }
        if report.ekonomi.verksamheter is not None:
            activities = views.activity_view(ds, year)
            economy["verksamheter"] = _rows([*activities.rows, activities.total], unit)
        previous = ds.years.get(year - 1)
        prev_inv = {}
        if previous and previous.outcome and previous.outcome.ekonomi:
            prev_inv = {i.namn: i.utfall for i in previous.outcome.ekonomi.investeringar}
        for inv in report.ekonomi.investeringar:
            before = prev_inv.get(inv.namn)
            economy["investeringar"].append({"label": inv.namn, "total": False, "cells": [
                fmt.amount(inv.utfall, unit), fmt.amount(before, unit),
                fmt.amount(None if before is None else inv.utfall - before, unit),
                fmt.amount(None if inv.budget is None else inv.budget - inv.utfall, unit),
                fmt.amount(inv.budget, unit), fmt.amount(inv.prognos, unit),
                fmt.amount(None if inv.prognos is None
                           else compute.forecast_deviation(inv.utfall, inv.prognos), unit),
            ]})
    personnel = None
    if report.personal is not None:
        pview = views.personnel_view(ds, year)
        decimals = [0, 0, 0, 1, 1, 1]
        personnel = {
            "text": report.personal.text,
            "header": ["Periodutfall", str(year), str(year - 1), "Förändring"],
            "rows": [{"label": r.label, "total": False,
                      "cells": [fmt.number(r.this_year, d),
                                                  fmt.number(r.last_year, d),
                                                  fmt.number(r.change, d)]}
                     for r, d in zip(pview.rows, decimals, strict=True)],
            "fotnoter": pview.footnotes,
        }
    months = []
    if report.verksamhetsmatt is not None:
        for group in views.monthly_view(ds, year):
            measures = []
            for m in group.measures:
                label = "Summa" if m.aggregation == "summa" else "Medel"
                rows = []
                for s in m.series:
                    if s.values is None:
                        continue
                    rows.append({"ar": str(s.year),
                                 "varden": [fmt.number(v, 0) for v in s.values],
                                 "annual": fmt.number(s.annual(m.aggregation),
                                                      _measure_decimals(m.aggregation))})
                measures.append({"namn": m.name, "aggregat": label, "rows": rows})
            months.append({"namn": group.name, "matt": measures, "bild": f"{group.id}.png",
                           "alt": alt_text(group)})
    assessments = [{"namn": goals.get(a.mal, a.mal), "symbol": SYMBOLS[a.bedomning],
                    "bedomning": getattr(scales.mal, a.bedomning), "matning": a.matning,
                    "text": a.text, "aktiviteter_text": a.aktiviteter_text,
                    "aktiviteter": a.aktiviteter} for a in report.malbedomningar]
    assignments = [{"text": u.text, "symbol": SYMBOLS[u.status],
                    "status": getattr(scales.uppdrag, u.status), "kommentar": u.kommentar}
                   for u in report.uppdrag]
    control = []
    if report.intern_kontroll is not None:
        control = [{"kategori": r.kategori, "process": r.process,
                    "kontrollmoment": r.kontrollmoment, "symbol": SYMBOLS[r.resultat],
                    "resultat": getattr(scales.internkontroll, r.resultat),
                    "kommentar": r.kommentar} for r in report.intern_kontroll.uppfoljning]
    title = report.titel or f"Årsredovisning {year}"
    context = {
        "org": organisation(ds),
        "ar": year,
        "titel": title,
        "rapport": report,
        "skala_mal": _scale(scales.mal),
        "skala_uppdrag": _scale(scales.uppdrag),
        "skala_internkontroll": _scale(scales.internkontroll),
        "malbedomningar": assessments,
        "uppdrag": assignments,
        "ekonomi": economy,
        "personal": personnel,
        "internkontroll": control,
        "verksamhetsmatt": months,
        "manader": MONTHS,
    }
    return Built(context, title, f"{org.namnd}, {title}", "Årsredovisning",
                 timestamp_for(report.behandlas, year))
