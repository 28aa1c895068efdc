"""The goal chain (vision → council goals → the committee's goals → activities and measures)
and assignments: a summary table of every goal with its assessment, the scale's legend, and
one heading per goal with its assessment, prose, activities and measures."""

from __future__ import annotations

from typing import Any

from .. import fmt
from ..model.blocks import MalNod, MattPlan
from ..model.disposition import MalSpec
from .base import SYMBOLS, BlockInput, legend

ASSESSMENT_HEADERS = {"mal": "Bedömning", "uppdrag": "Status", "internkontroll": "Resultat"}


def _name(node: MalNod, block: BlockInput) -> str:
    if node.namn is not None:
        return node.namn
    goal = block.org.goals().get(node.mal or "")
    return goal.namn if goal is not None else node.mal or ""


def _level_name(node: MalNod, block: BlockInput) -> str:
    """The level of a goal as the documents name it ("Kommunfullmäktiges mål",
    "Resultatmål"): the data's own, else the organisation's for that goal."""
    if node.niva:
        return node.niva
    goal = block.org.goals().get(node.mal or "")
    return (goal.niva or "") if goal is not None else ""


def _measures_table(measures: list[MattPlan], heading: str) -> dict[str, Any]:
    """The table of a goal's measures: the measure, then only the columns some measure has a
    value for (a plan's measures have no outcome, a report's may have no baseline), with a
    target column per year any measure has a target for."""
    years = sorted({y for m in measures for y in m.malvarden})
    columns: list[tuple[str, str, Any]] = [
        ("Enhet", "left", lambda m: m.enhet or ""),
        ("Utgångsvärde", "right", lambda m: fmt.number(m.utgangsvarde, empty="")),
        *((f"Mål {year}", "right",
           lambda m, year=year: fmt.number(m.malvarden[year]) if year in m.malvarden else "")
          for year in years),
        ("Utfall", "right", lambda m: fmt.number(m.utfall, empty="")),
        ("Bedömning", "left", lambda m: SYMBOLS[m.bedomning] if m.bedomning else ""),
        ("Kommentar", "left", lambda m: m.kommentar),
    ]
    shown = [(header, align, cell) for header, align, cell in columns
             if any(cell(m) for m in measures)]
    return {"header": [heading] + [header for header, _, _ in shown],
            "align": ["left"] + [align for _, align, _ in shown],
            "rows": [[m.namn] + [cell(m) for _, _, cell in shown] for m in measures]}


def _node(node: MalNod, block: BlockInput, spec: MalSpec, level: int) -> dict[str, Any]:
    scale = block.scale(spec.skala)
    activities = node.aktiviteter
    described = bool(activities) and all(a.beskrivning for a in activities)
    measures = node.matt
    detailed = any(m.enhet or m.utgangsvarde is not None or m.malvarden
                   or m.utfall is not None or m.bedomning or m.kommentar for m in measures)
    return {
        "namn": _name(node, block),
        "niva": level,
        "niva_namn": _level_name(node, block),
        "symbol": SYMBOLS[node.bedomning] if node.bedomning else "",
        "bedomning": getattr(scale, node.bedomning) if node.bedomning else "",
        "matning": node.matning,
        "text": node.text,
        "aktiviteter_rubrik": spec.aktiviteter_rubrik,
        "aktiviteter_text": (node.aktiviteter_text if node.aktiviteter_text is not None
                             else spec.aktiviteter_text),
        "aktiviteter": [{"namn": a.namn, "beskrivning": a.beskrivning or ""}
                        for a in activities],
        "aktiviteter_tabell": described,
        "matt_rubrik": spec.matt_rubrik,
        "matt": [m.namn for m in measures],
        "matt_tabell": _measures_table(measures, spec.matt_rubrik) if detailed else None,
        "matt_saknas": node.matt_saknas,
        "delmal": [_node(child, block, spec, level + 1) for child in node.delmal],
    }


def _flat(nodes: list[MalNod]) -> list[MalNod]:
    return [n for node in nodes for n in (node, *_flat(node.delmal))]


def context(block: BlockInput) -> dict[str, Any] | None:
    spec = block.node.mal or MalSpec(skala="uppdrag" if block.node.typ == "uppdrag" else "mal")
    content = block.content
    nodes: list[MalNod] = content.uppdrag if block.node.typ == "uppdrag" else content.mal
    assessed = any(n.bedomning for n in _flat(nodes))
    scale = block.scale(spec.skala)
    header = ASSESSMENT_HEADERS[spec.skala]
    summary = None
    if spec.sammanstallning and nodes:
        summary = {"header": [spec.sammanstallning_rubrik] + ([header] if assessed else []),
                   "rows": [[_name(n, block)] + (
                       [f"{SYMBOLS[n.bedomning]} {getattr(scale, n.bedomning)}"
                        if n.bedomning else ""] if assessed else [])
                            for n in _flat(nodes)]}
    return {
        "text": content.text,
        "vision": getattr(content, "vision", ""),
        "mal_text": getattr(content, "mal_text", ""),
        "legend": legend(scale, header) if spec.skalforklaring and assessed else None,
        "summary": summary,
        "nodes": ([_node(n, block, spec, block.level + 1) for n in nodes]
                  if spec.detaljer else []),
    }
