"""Ids are unique and what refers to them exists: the organisation's people, unions, goals,
breakdowns and measures; the outlines' breakdowns; a year's own number; matters'
registration numbers. (What a block refers to, its type checks: `rules.blocks`.)"""

from __future__ import annotations

import difflib

from ..messages import _
from ..model.disposition import Disposition, Kapitel
from ..model.kinds import KINDS
from ..problems import Problem, duplicates, problem, unknown
from ..source.load import Dataset, Source
from ..tables.figures import TOTAL


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
        problems.append(problem(src, ("mal",), _("the goal id '{goal}' is used twice").format(
                                                   goal=goal)))
    seen: set[str] = set()
    for g, group in enumerate(org.verksamhetsmatt):
        for m, measure in enumerate(group.matt):
            if measure.id in seen:
                problems.append(problem(src, ("verksamhetsmatt", g, "matt", m, "id"),
                                        _("the measure id '{id}' is used twice").format(
                                            id=measure.id)))
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
                                    _("'{TOTAL}' is the id of a breakdown's grand total; give "
                                      "the row another id").format(TOTAL=TOTAL)))
        for row in breakdown.walk():
            if row.mal is not None and row.mal not in set(goals):
                problems += unknown(src, ("indelningar", key, "rader"), row.mal, goals,
                                    "goal", "mal")
        for other in breakdown.samma_summa_som:
            problems += unknown(src, ("indelningar", key, "samma_summa_som"), other,
                                org.indelningar, "breakdown", "indelningar")
    return problems


def check_dispositions(ds: Dataset) -> list[Problem]:
    """Every breakdown a table of an outline in force uses is declared in organisation.yaml,
    named at the outline's line: every table of the organisation's own outline, and the
    tables of a shipped outline that a document fills; `ar` is not a block key (prose uses it
    for the year)."""
    if ds.organisation is None:
        return []
    problems: list[Problem] = []
    for kind in KINDS:
        source = ds.disposition_source(kind)
        disposition = ds.disposition(kind)
        own = kind in ds.dispositions
        # the shipped outline holds what any organisation may use: a table of it matters
        # where a document holds its block
        used = {key for document in ds.documents() if document.kind == kind
                for key in document.blocks}
        for node, loc in _located_blocks(disposition.kapitel, ("kapitel",)):
            if not own and node.block not in used:
                continue
            if node.block == "ar":
                problems.append(problem(source, loc + ("block",),
                                        _("'ar' is the year in prose expressions; name the block "
                                          "otherwise")))
            problems += _columns_reading(disposition, node, source, loc)
            wanted = node.tabell.indelning if node.tabell is not None else None
            if wanted is not None and wanted not in ds.organisation.indelningar:
                known = sorted(ds.organisation.indelningar)
                close = difflib.get_close_matches(wanted, known, n=1, cutoff=0.6)
                problems.append(problem(
                    source, loc + ("tabell", "indelning"),
                    _("the table '{block}' uses the breakdown '{wanted}', which "
                      "organisation.yaml does not declare (indelningar: {known})").format(
                        block=node.block, wanted=wanted, known=', '.join(known))
                    + (_("; did you mean '{close}'?").format(close=close[0]) if close else "")))
    return problems


# The months the law's delårsrapport may close: at least half, at most two thirds of the year.
LEGAL_INTERIM_MONTHS = range(6, 9)


def check_period_outlines(ds: Dataset) -> list[Problem]:
    """A period report that is the law's delårsrapport (`period: {delarsrapport: true}`)
    covers at least half and at most two thirds of the year (LKBR 13 kap., RKR R 17)."""
    problems: list[Problem] = []
    for kind in KINDS:
        period = ds.disposition(kind).period
        if period is None or not period.delarsrapport or period.manad in LEGAL_INTERIM_MONTHS:
            continue
        problems.append(problem(
            ds.disposition_source(kind), ("period", "manad"),
            f"a delårsrapport covers at least half and at most two thirds of the year "
            f"(LKBR 13 kap., RKR R 17), so it closes in June, July or August (6–8), not in "
            f"month {period.manad}; a follow-up of another period is the committee's own "
            "(drop delarsrapport: true)"))
    return problems


def _columns_reading(disposition: Disposition, node: Kapitel, source: Source,
                     loc: tuple[str | int, ...]) -> list[Problem]:
    """A column that reads another table names a table of figures of the same outline and
    one of its columns, and no table reads itself however indirectly."""
    if node.tabell is None:
        return []
    problems = []
    for index, column in enumerate(node.tabell.kolumner):
        if column.block is None:
            continue
        where = loc + ("tabell", "kolumner", index, "block")
        other = disposition.block(column.block)
        spec = other.tabell if other is not None else None
        if spec is None or not spec.kolumner:
            tables = sorted(n.block for n in disposition.blocks()
                            if n.tabell is not None and n.tabell.kolumner and n.block)
            problems.append(problem(source, where, _("the column '{id}' reads the table "
                                                     "'{block}', which is not a table of this "
                                                     "outline (tables: {tables})").format(
                                                       id=column.id, block=column.block,
                                                       tables=', '.join(tables))))
            continue
        ids = [c.id for c in spec.kolumner]
        if column.varde not in ids:
            problems.append(problem(source, loc + ("tabell", "kolumner", index, "varde"),
                                    _("the table '{block}' has no column '{varde}' (columns: "
                                      "{ids})").format(
                                        block=column.block, varde=column.varde,
                                        ids=', '.join(ids))))
        if column.ar == 0 and _reads_back(disposition, column.block, node.block or "", set()):
            problems.append(problem(source, where, _("the tables '{block}' and '{block2}' read "
                                                     "each other in a circle").format(
                                                       block=node.block, block2=column.block)))
    return problems


def _reads_back(disposition: Disposition, start: str, target: str, seen: set[str]) -> bool:
    """Whether table `start` reads table `target` (in the same year), however indirectly."""
    if start == target:
        return True
    if start in seen:
        return False
    seen.add(start)
    node = disposition.block(start)
    if node is None or node.tabell is None:
        return False
    return any(_reads_back(disposition, c.block, target, seen)
               for c in node.tabell.kolumner if c.block is not None and c.ar == 0)


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
                                            _("the file says {ar} but lies in the directory for "
                                              "{number}").format(ar=ar, number=number)))
    return problems


def check_matters(ds: Dataset) -> list[Problem]:
    """Registration numbers are unique among a year's matters."""
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
                                        _("{number} is also the registration number of another "
                                          "matter this year").format(
                                              number=number), also=seen[number]))
            else:
                seen[number] = document.source.path
    return problems
