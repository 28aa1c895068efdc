"""`snplan new YEAR`: start next year's plan from the last one.

The structure is carried forward (goals with their activities and measures, assignments'
wording is not: they are new each year; the internal control plan's processes, risks and control
steps; quality declarations; fees; organisation lists; the texts about responsibilities,
governance and the city's vision, which change rarely). Every figure and every year-specific
text becomes the placeholder FYLL I, which `snplan validate` lists as missing until it is
replaced. Existing files are never overwritten.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml

from .load import Dataset
from .model.common import PLACEHOLDER
from .model.plan import Verksamhetsplan

HEADER = """# yaml-language-server: $schema=../../schemas/verksamhetsplan.schema.json
# Verksamhetsplan och budget {year}, started by `snplan new {year}` from {source}.
# Every value FYLL I is still to be filled in; `snplan validate` lists them.
"""


class ScaffoldError(Exception):
    """The new year cannot be started (no plan to start from, or files already there)."""


def source_plan(ds: Dataset, year: int) -> tuple[int, Verksamhetsplan]:
    """The most recent complete plan before `year`."""
    for candidate in sorted((y for y in ds.years if y < year), reverse=True):
        plan = ds.years[candidate].plan
        if plan is not None and plan.sammanfattning is not None:
            return candidate, plan
    raise ScaffoldError(f"there is no complete plan before {year} to start from")


def _section(section: Any) -> Any:
    """A narrative section kept with its headings but with every text to fill in."""
    if section is None:
        return None
    result: dict[str, Any] = {}
    if section.rubrik:
        result["rubrik"] = section.rubrik
    result["text"] = PLACEHOLDER
    if section.underavsnitt:
        result["underavsnitt"] = [_section(s) for s in section.underavsnitt]
    return result


def _kept(section: Any) -> Any:
    """A section carried forward as it is."""
    return None if section is None else section.model_dump(exclude_defaults=True)


def next_plan(plan: Verksamhetsplan, year: int, units: list[str]) -> dict[str, Any]:
    """The new year's plan as plain data."""
    data: dict[str, Any] = {"ar": year, "sammanfattning": PLACEHOLDER}
    if plan.ansvarsomraden is not None:
        data["ansvarsomraden"] = _kept(plan.ansvarsomraden)
    if plan.styrning is not None:
        data["styrning"] = _kept(plan.styrning)
    if plan.vision is not None:
        data["vision"] = plan.vision.model_dump(exclude_defaults=True)
    data["namndmal_text"] = PLACEHOLDER
    data["namndmal"] = []
    for goal in plan.namndmal:
        entry: dict[str, Any] = {"mal": goal.mal}
        if goal.aktiviteter:
            entry["aktiviteter"] = [{"namn": a.namn, "beskrivning": PLACEHOLDER}
                                    for a in goal.aktiviteter]
        if goal.matt:
            entry["matt"] = list(goal.matt)
        if goal.matt_saknas:
            entry["matt_saknas"] = goal.matt_saknas
        data["namndmal"].append(entry)
    if plan.lopande_verksamhet is not None:
        data["lopande_verksamhet"] = _kept(plan.lopande_verksamhet)
    if plan.kvalitetsdeklarationer is not None:
        data["kvalitetsdeklarationer"] = {
            "text": PLACEHOLDER,
            "rader": [r.model_dump() for r in plan.kvalitetsdeklarationer.rader]}
    if plan.organisation:
        data["organisation"] = [o.model_dump() for o in plan.organisation]
    data["budget"] = {
        "text": PLACEHOLDER,
        "drift": {"intakter": PLACEHOLDER, "kostnader": PLACEHOLDER,
                  "per_enhet": dict.fromkeys(units, PLACEHOLDER)},
        "per_enhet_text": PLACEHOLDER,
        "investeringar": [{"namn": i.namn, "belopp": PLACEHOLDER}
                          for i in (plan.budget.investeringar if plan.budget else [])],
        "investeringar_text": PLACEHOLDER,
    }
    if plan.taxor is not None:
        data["taxor"] = {"text": PLACEHOLDER,
                         "rader": [r.model_dump(exclude_none=True) for r in plan.taxor.rader]}
    for name in ("medarbetare", "kvalitetsarbete", "forvantad_utveckling"):
        value = getattr(plan, name)
        if value is not None:
            data[name] = _section(value)
    if plan.tvarsektoriellt is not None:
        cross = plan.tvarsektoriellt
        data["tvarsektoriellt"] = {
            "text": PLACEHOLDER,
            **{k: _section(getattr(cross, k)) for k in ("internationellt", "likabehandling",
                                                       "miljo") if getattr(cross, k)}}
    if plan.konkurrensutsattning is not None:
        data["konkurrensutsattning"] = {"text": PLACEHOLDER, "avtal": [],
                                        "nya_behov": list(plan.konkurrensutsattning.nya_behov)}
    if plan.intern_kontroll is not None:
        data["intern_kontroll"] = {
            "text": plan.intern_kontroll.text or PLACEHOLDER,
            "plan": [{"kategori": r.kategori, "process": r.process,
                      "riskindex": PLACEHOLDER, "risker": r.risker,
                      "kontrollmoment": list(r.kontrollmoment)}
                     for r in plan.intern_kontroll.plan]}
    return data


def create(ds: Dataset, year: int) -> Path:
    """Write data/YEAR/verksamhetsplan.yaml; refuses to overwrite anything."""
    if ds.organisation is None:
        raise ScaffoldError("organisation.yaml could not be read")
    target_dir = ds.root / str(year)
    target = target_dir / "verksamhetsplan.yaml"
    if target.exists() or target.is_symlink():
        raise ScaffoldError(f"{target} already exists; snplan new never overwrites a file")
    source_year, plan = source_plan(ds, year)
    data = next_plan(plan, year, [u.id for u in ds.organisation.enheter])
    text = HEADER.format(year=year, source=f"data/{source_year}/verksamhetsplan.yaml")
    text += yaml.safe_dump(data, allow_unicode=True, sort_keys=False, width=100,
                           default_flow_style=False)
    # never over a file, never through a link (the year directory must not be one)
    from .render.output import write_new

    write_new(target, text.encode("utf-8"), root=ds.root)
    return target
