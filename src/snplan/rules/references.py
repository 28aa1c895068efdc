"""Ids are unique and what refers to them exists: the organisation's people, unions, goals,
breakdowns and measures; the outlines' breakdowns; every block's goals, rows, measures and
signatories; a year's own number; matters' registration numbers."""

from __future__ import annotations

from typing import Any

from ..blocks.goals import MalNod
from ..model.disposition import Kapitel
from ..problems import Problem
from ..source.load import Dataset, Document, Source
from ..tables.figures import TOTAL
from .common import duplicates, problem, unknown


def check_organisation(ds: Dataset) -> list[Problem]:
    """Ids are unique within their list; what people, key figures and breakdowns refer to
    exists; no row of a breakdown takes the id reserved for its grand total."""
    org, src = ds.organisation, ds.organisation_source
    if org is None:
        return []
    problems: list[Problem] = []
    for name, items, what in (("personer", org.personer, "person"),
                              ("fack", org.fack, "union"),
                              ("verksamhetsmatt", org.verksamhetsmatt, "measure group")):
        problems += duplicates(src, (name,), (i.id for i in items), what)
    goals = [g.id for top in org.mal for g in top.walk()]
    for goal in sorted({g for g in goals if goals.count(g) > 1}):
        problems.append(problem(src, ("mal",), f"the goal id '{goal}' is used twice"))
    seen: set[str] = set()
    for g, group in enumerate(org.verksamhetsmatt):
        for m, measure in enumerate(group.matt):
            if measure.id in seen:
                problems.append(problem(src, ("verksamhetsmatt", g, "matt", m, "id"),
                                        f"the measure id '{measure.id}' is used twice"))
            seen.add(measure.id)
    unions = {f.id for f in org.fack}
    for index, person in enumerate(org.personer):
        if person.fack is not None:
            problems += unknown(src, ("personer", index, "fack"), person.fack, unions,
                                "union", "fack")
    for key, breakdown in org.indelningar.items():
        ids = [row.id for row in breakdown.walk()]
        problems += duplicates(src, ("indelningar", key, "rader"), ids, "row")
        if TOTAL in ids:
            problems.append(problem(src, ("indelningar", key),
                                    f"'{TOTAL}' is the id of a breakdown's grand total; "
                                    "give the row another id"))
        for row in breakdown.walk():
            if row.mal is not None and row.mal not in set(goals):
                problems += unknown(src, ("indelningar", key, "rader"), row.mal, goals,
                                    "goal", "mal")
        for other in breakdown.samma_summa_som:
            problems += unknown(src, ("indelningar", key, "samma_summa_som"), other,
                                org.indelningar, "breakdown", "indelningar")
    return problems


def check_dispositions(ds: Dataset) -> list[Problem]:
    """Every breakdown an outline's table uses is declared in organisation.yaml; `ar` is not
    a block key (prose uses it for the year)."""
    if ds.organisation is None:
        return []
    problems: list[Problem] = []
    for kind in ds.dispositions:
        source = ds.disposition_sources.get(kind)
        disposition = ds.dispositions[kind]
        for node, loc in _located_blocks(disposition.kapitel, ("kapitel",)):
            if node.block == "ar":
                problems.append(problem(source, loc + ("block",),
                                        "'ar' is the year in prose expressions; name the "
                                        "block otherwise"))
            if node.tabell is not None and node.tabell.indelning is not None:
                problems += unknown(source, loc + ("tabell", "indelning"),
                                    node.tabell.indelning, ds.organisation.indelningar,
                                    "breakdown", "organisation.yaml indelningar")
    return problems


def _located_blocks(nodes: list[Kapitel], loc: tuple[str | int, ...]
                    ) -> list[tuple[Kapitel, tuple[str | int, ...]]]:
    found = []
    for index, node in enumerate(nodes):
        here = loc + (index,)
        if node.block is not None:
            found.append((node, here))
        found += _located_blocks(node.kapitel, here + ("kapitel",))
    return found


def check_year_matches_directory(ds: Dataset) -> list[Problem]:
    """The `ar` inside a plan or report is the year of its directory."""
    problems = []
    for number, year in ds.years.items():
        for by_slug in year.documents.values():
            for document in by_slug.values():
                ar = getattr(document.model, "ar", None)
                if ar is not None and ar != number:
                    problems.append(problem(document.source, ("ar",),
                                            f"the file says {ar} but lies in the directory "
                                            f"for {number}"))
    return problems


def _goals(nodes: list[MalNod], src: Source, loc: tuple[str | int, ...], known: set[str]
           ) -> list[Problem]:
    problems: list[Problem] = []
    for attribute, what in (("mal", "goal"), ("id", "item")):
        seen: dict[str, int] = {}
        for index, node in enumerate(nodes):
            value = getattr(node, attribute)
            if value is None:
                continue
            if value in seen:
                problems.append(problem(src, loc + (index, attribute),
                                        f"the {what} '{value}' appears twice in this list",
                                        also=f"line {src.line(*loc, seen[value])}"))
            seen.setdefault(value, index)
    for index, node in enumerate(nodes):
        if node.mal is not None:
            problems += unknown(src, loc + (index, "mal"), node.mal, known, "goal",
                                "organisation.yaml mal")
        problems += _goals(node.delmal, src, loc + (index, "delmal"), known)
    return problems


def _unassessed(nodes: list[MalNod], src: Source, loc: tuple[str | int, ...]
                ) -> list[Problem]:
    """Goals of a report without an assessment."""
    found = []
    for index, node in enumerate(nodes):
        if node.bedomning is None:
            found.append(problem(src, loc + (index, "bedomning"),
                                 "the goal has no assessment (bedomning)"))
        found += _unassessed(node.delmal, src, loc + (index, "delmal"))
    return found


def _block(ds: Dataset, document: Document, node: Kapitel, content: Any) -> list[Problem]:
    org = ds.organisation
    assert org is not None and node.block is not None
    src = document.source
    key = node.block
    if node.typ in {"mal", "uppdrag"}:
        field = "uppdrag" if node.typ == "uppdrag" else "mal"
        nodes = getattr(content, field)
        found = _goals(nodes, src, (key, field), set(org.goals()))
        if node.mal is not None and node.mal.bedomas:
            found += _unassessed(nodes, src, (key, field))
        return found
    if node.typ == "tabell" and node.tabell is not None and node.tabell.indelning:
        breakdown = org.indelningar.get(node.tabell.indelning)
        if breakdown is None or not isinstance(content.rader, dict):
            return []
        rows = {r.id for r in breakdown.walk()} | {TOTAL}
        return [p for row in content.rader
                for p in unknown(src, (key, "rader", row), row, rows, "row",
                                 f"organisation.yaml indelningar.{node.tabell.indelning}")]
    if node.typ == "manadsmatt":
        measures = {m.id for g in org.verksamhetsmatt for m in g.matt}
        return [p for measure in content.varden
                for p in unknown(src, (key, "varden", measure), measure, measures,
                                 "measure", "organisation.yaml verksamhetsmatt")]
    if node.typ == "underskrifter":
        people = {p.id for p in org.personer}
        return [p for index, signature in enumerate(content) if signature.person
                for p in unknown(src, (key, index, "person"), signature.person, people,
                                 "person", "organisation.yaml personer")]
    return []


def check_block_references(ds: Dataset) -> list[Problem]:
    """What every block refers to exists: goals, rows of breakdowns, measures, people."""
    if ds.organisation is None:
        return []
    problems: list[Problem] = []
    for document in ds.documents():
        for node in ds.disposition(document.kind).blocks():
            content = document.block(node.block or "")
            if content is not None:
                problems += _block(ds, document, node, content)
    return problems


def check_matters(ds: Dataset) -> list[Problem]:
    """Registration numbers are unique among a year's matters."""
    from ..documents import KINDS

    problems: list[Problem] = []
    for year in ds.years.values():
        seen: dict[str, str] = {}
        for document in year.all_documents():
            if not KINDS[document.kind].memo:
                continue
            number = getattr(document.model, "diarienummer", None)
            if number is None:
                continue
            if number in seen:
                problems.append(problem(document.source, ("diarienummer",),
                                        f"{number} is also the registration number of "
                                        "another matter this year", also=seen[number]))
            else:
                seen[number] = document.source.path
    return problems
