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


def _measure(measure: MattPlan, years: list[int]) -> dict[str, Any]:
    targets = {year: fmt.number(measure.malvarden[year]) if year in measure.malvarden else ""
               for year in years}
    return {"namn": measure.namn, "enhet": measure.enhet or "",
            "utgangsvarde": fmt.number(measure.utgangsvarde, empty=""),
            "malvarden": [targets[y] for y in years],
            "utfall": fmt.number(measure.utfall, empty=""),
            "bedomning": (f"{SYMBOLS[measure.bedomning]}" if measure.bedomning else ""),
            "kommentar": measure.kommentar}


def _node(node: MalNod, block: BlockInput, spec: MalSpec, level: int) -> dict[str, Any]:
    scale = block.scale(spec.skala)
    activities = node.aktiviteter
    described = bool(activities) and all(a.beskrivning for a in activities)
    measures = node.matt
    detailed = any(not isinstance(m, str) and (m.enhet or m.utgangsvarde is not None
                                                or m.malvarden or m.utfall is not None)
                   for m in measures)
    years = sorted({y for m in measures for y in m.malvarden})
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
        "matt_tabell": ({"years": [str(y) for y in years],
                         "rows": [_measure(m, years) for m in measures]}
                        if detailed else None),
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
