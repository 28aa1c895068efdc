"""Context of the plan and budget (verksamhetsplan och budget)."""

from __future__ import annotations

from typing import Any

from jinja2.sandbox import SandboxedEnvironment

from .. import compute, fmt, views
from ..load import Dataset
from .common import Built, amount_cells, evaluated, organisation, timestamp_for
from .namespace import plan_namespace


def _change_rows(rows: list[views.ChangeRow], unit: str) -> list[dict[str, Any]]:
    return [{"label": r.label, "cells": amount_cells([r.this_year, r.last_year, r.change], unit),
             "total": r.is_total} for r in rows]


def build(ds: Dataset, year: int, env: SandboxedEnvironment) -> Built:
    entry = ds.years[year]
    assert entry.plan is not None and ds.organisation is not None
    org = ds.organisation
    unit = org.belopp_enhet
    plan = evaluated(entry.plan, entry.sources.get("verksamhetsplan"), env,
                     plan_namespace(ds, year))
    goals = {g.id: g.namn for g in org.namndmal}
    view = views.budget_view(ds, year)
    header = [unit, f"Budget {year}", f"Budget {year - 1}", "Förändring"]
    budget = None
    if plan.budget is not None:
        budget = {
            "text": plan.budget.text,
            "per_enhet_text": plan.budget.per_enhet_text,
            "investeringar_text": plan.budget.investeringar_text,
            "header": header,
            "namnd": _change_rows(view.committee, unit),
            "per_enhet": _change_rows([*view.units, view.unit_total], unit),
            "investeringar": _change_rows([*view.investments, view.investment_total], unit),
        }
    control = []
    if plan.intern_kontroll is not None:
        for row in plan.intern_kontroll.plan:
            index = (row.riskindex if row.riskindex is not None
                     else compute.risk_index(row.sannolikhet or 0, row.konsekvens or 0))
            control.append({"kategori": row.kategori, "process": row.process,
                            "riskindex": str(index), "risker": row.risker,
                            "kontrollmoment": row.kontrollmoment})
    fees = []
    if plan.taxor is not None:
        fees = [{"namn": t.namn, "beslutad": f"{t.beslutad_av} {t.beslutsdatum.isoformat()}",
                 "status": t.status,
                 "nytt_beslut": t.nytt_beslut.isoformat() if t.nytt_beslut else "",
                 "galler_fran": t.galler_fran.isoformat()} for t in plan.taxor.rader]
    title = plan.titel or f"Verksamhetsplan och budget {year}"
    context = {
        "org": organisation(ds),
        "ar": year,
        "titel": title,
        "plan": plan,
        "mal": [{"namn": goals.get(g.mal, g.mal), "aktiviteter": g.aktiviteter,
                 "matt": g.matt, "matt_saknas": g.matt_saknas} for g in plan.namndmal],
        "budget": budget,
        "internkontroll": control,
        "taxor": fees,
        "ram": fmt.amount(abs(view.committee[2].this_year), unit, with_unit=True),
    }
    return Built(context, title, f"{org.namnd}, {title}", "Verksamhetsplan och budget",
                 timestamp_for(None, year))
