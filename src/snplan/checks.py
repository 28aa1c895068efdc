"""Rules between values that the models alone cannot express: unique ids, references that
must exist, a year that matches its directory, possible risk indexes, suspicious values.

Each check is a plain function from the loaded dataset to a list of problems carrying file
and line; `run_all` runs every one of them.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from typing import Any

from pydantic import BaseModel

from . import prose_rules
from .load import Dataset, Source, Year
from .model.common import PLACEHOLDER, PLACEHOLDER_MESSAGE
from .problems import Problem, field_path

POSSIBLE_RISK_INDEXES = frozenset(a * b for a in range(1, 5) for b in range(1, 5))

Check = Callable[[Dataset], list[Problem]]


def _problem(source: Source | None, loc: tuple[str | int, ...], message: str,
             severity: str = "error", also: str | None = None) -> Problem:
    path = source.path if source else "data"
    line = source.line(*loc) if source else None
    return Problem(path, line, field_path(loc), message, severity, also)  # type: ignore[arg-type]


def _duplicates(source: Source | None, loc: tuple[str | int, ...],
                ids: Iterable[str], what: str) -> list[Problem]:
    problems = []
    seen: dict[str, int] = {}
    for index, value in enumerate(ids):
        if value in seen:
            first = source.line(*loc, seen[value]) if source else None
            also = f"line {first}" if first else None
            problems.append(_problem(source, loc + (index,),
                                     f"the {what} id '{value}' is used twice", also=also))
        else:
            seen[value] = index
    return problems


def check_organisation(ds: Dataset) -> list[Problem]:
    """Ids are unique within their list and what people and key figures refer to exists."""
    org, src = ds.organisation, ds.organisation_source
    if org is None:
        return []
    problems: list[Problem] = []
    for name, items, what in (
        ("enheter", org.enheter, "unit"),
        ("verksamheter", org.verksamheter, "activity"),
        ("konton", org.konton, "account"),
        ("personer", org.personer, "person"),
        ("fack", org.fack, "union"),
        ("namndmal", org.namndmal, "goal"),
        ("nyckeltal", org.nyckeltal, "key figure"),
        ("verksamhetsmatt", org.verksamhetsmatt, "measure group"),
    ):
        problems += _duplicates(src, (name,), (i.id for i in items), what)
    measures = [(g, m, group) for g, group in enumerate(org.verksamhetsmatt)
                for m, _ in enumerate(group.matt)]
    seen: dict[str, tuple[int, int]] = {}
    for g, m, group in measures:
        measure_id = group.matt[m].id
        if measure_id in seen:
            problems.append(_problem(src, ("verksamhetsmatt", g, "matt", m, "id"),
                                     f"the measure id '{measure_id}' is used twice"))
        seen[measure_id] = (g, m)
    unions = {f.id for f in org.fack}
    for index, person in enumerate(org.personer):
        if person.fack is not None and person.fack not in unions:
            problems.append(_problem(src, ("personer", index, "fack"),
                                     f"no union with id '{person.fack}' in fack"))
    goals = {g.id for g in org.namndmal}
    for index, figure in enumerate(org.nyckeltal):
        if figure.mal is not None and figure.mal not in goals:
            problems.append(_problem(src, ("nyckeltal", index, "mal"),
                                     f"no goal with id '{figure.mal}' in namndmal"))
    return problems


def _ref(source: Source | None, loc: tuple[str | int, ...], value: str,
         known: set[str], what: str, where: str) -> list[Problem]:
    if value in known:
        return []
    hint = ", ".join(sorted(known)) if 0 < len(known) <= 12 else None
    suffix = f" (known: {hint})" if hint else ""
    return [_problem(source, loc, f"no {what} with id '{value}' in organisation.yaml {where}"
                                  f"{suffix}")]


def _category(source: Source | None, loc: tuple[str | int, ...], category: str,
              known: list[str]) -> list[Problem]:
    """An internal-control row's category is one the organisation declares (when it
    declares any)."""
    if not known or category in known:
        return []
    return [_problem(source, loc + ("kategori",),
                     f"'{category}' is not one of the internal control categories "
                     f"({', '.join(known)})")]


def check_year_matches_directory(ds: Dataset) -> list[Problem]:
    """The `ar` inside a plan or report is the year of its directory."""
    problems = []
    for number, year in ds.years.items():
        for kind, obj in (("verksamhetsplan", year.plan), ("arsredovisning", year.outcome)):
            if obj is not None and obj.ar != number:
                problems.append(_problem(year.sources.get(kind), ("ar",),
                                         f"the file says {obj.ar} but lies in the directory "
                                         f"for {number}"))
    return problems


def check_plan(ds: Dataset) -> list[Problem]:
    """References of the plan to goals and units, unique assignments, possible risk indexes."""
    org = ds.organisation
    if org is None:
        return []
    goals = {g.id for g in org.namndmal}
    units = {u.id for u in org.enheter}
    problems: list[Problem] = []
    for year in ds.years.values():
        plan, src = year.plan, year.sources.get("verksamhetsplan")
        if plan is None:
            continue
        for index, goal in enumerate(plan.namndmal):
            problems += _ref(src, ("namndmal", index, "mal"), goal.mal, goals, "goal",
                             "namndmal")
        problems += _duplicates(src, ("namndmal",), (g.mal for g in plan.namndmal), "goal")
        problems += _duplicates(src, ("uppdrag",), (u.id for u in plan.uppdrag), "assignment")
        if plan.budget is not None:
            for unit in plan.budget.drift.per_enhet:
                problems += _ref(src, ("budget", "drift", "per_enhet", unit), unit, units,
                                 "unit", "enheter")
        if plan.intern_kontroll is not None:
            for index, row in enumerate(plan.intern_kontroll.plan):
                loc = ("intern_kontroll", "plan", index)
                problems += _category(src, loc, row.kategori, org.internkontroll_kategorier)
                if row.riskindex is not None and row.riskindex not in POSSIBLE_RISK_INDEXES:
                    possible = ", ".join(str(i) for i in sorted(POSSIBLE_RISK_INDEXES))
                    problems.append(_problem(src, loc + ("riskindex",),
                                             f"{row.riskindex} is not a possible risk index: "
                                             f"likelihood × consequence (1–4 each) gives "
                                             f"{possible}"))
    return problems


def check_outcome(ds: Dataset) -> list[Problem]:
    """References of the report to goals, key figures, accounts, activities and measures."""
    org = ds.organisation
    if org is None:
        return []
    goals = {g.id for g in org.namndmal}
    figures = {f.id for f in org.nyckeltal}
    accounts = {k.id for k in org.konton}
    activities = {v.id for v in org.verksamheter}
    measures = {m.id for g in org.verksamhetsmatt for m in g.matt}
    problems: list[Problem] = []
    for year in ds.years.values():
        out, src = year.outcome, year.sources.get("arsredovisning")
        if out is None:
            continue
        for index, assessment in enumerate(out.malbedomningar):
            problems += _ref(src, ("malbedomningar", index, "mal"), assessment.mal, goals,
                             "goal", "namndmal")
        problems += _duplicates(src, ("malbedomningar",),
                                (a.mal for a in out.malbedomningar), "goal")
        problems += _duplicates(src, ("uppdrag",), (u.id for u in out.uppdrag), "assignment")
        for key in out.nyckeltal:
            problems += _ref(src, ("nyckeltal", key), key, figures, "key figure", "nyckeltal")
        if out.ekonomi is not None:
            for key in out.ekonomi.resultatrakning.rader:
                problems += _ref(src, ("ekonomi", "resultatrakning", "rader", key), key,
                                 accounts, "account", "konton")
            if out.ekonomi.verksamheter is not None:
                for key in out.ekonomi.verksamheter.rader:
                    problems += _ref(src, ("ekonomi", "verksamheter", "rader", key), key,
                                     activities, "activity", "verksamheter")
        if out.verksamhetsmatt is not None:
            for key in out.verksamhetsmatt.varden:
                problems += _ref(src, ("verksamhetsmatt", "varden", key), key, measures,
                                 "measure", "verksamhetsmatt")
        if out.intern_kontroll is not None:
            for index, row in enumerate(out.intern_kontroll.uppfoljning):
                problems += _category(src, ("intern_kontroll", "uppfoljning", index),
                                      row.kategori, org.internkontroll_kategorier)
    return problems


def _people(ds: Dataset) -> dict[str, Any]:
    return {p.id: p for p in ds.organisation.personer} if ds.organisation else {}


def check_matters(ds: Dataset) -> list[Problem]:
    """Signatories exist; registration numbers are unique within a year."""
    if ds.organisation is None:
        return []
    people = set(_people(ds))
    problems: list[Problem] = []
    for year in ds.years.values():
        seen: dict[str, str] = {}
        for slug, matter in year.matters.items():
            src = year.sources.get(f"arenden/{slug}")
            for index, signature in enumerate(matter.underskrifter):
                if signature.person is not None:
                    problems += _ref(src, ("underskrifter", index, "person"), signature.person,
                                     people, "person", "personer")
            if matter.diarienummer is None:
                continue
            if matter.diarienummer in seen:
                problems.append(_problem(src, ("diarienummer",),
                                         f"{matter.diarienummer} is also the registration "
                                         f"number of another matter this year",
                                         also=seen[matter.diarienummer]))
            else:
                seen[matter.diarienummer] = src.path if src else slug
    return problems


def check_mbl(ds: Dataset) -> list[Problem]:
    """Attendees and signatories exist, employees' side are union members, stances refer to
    unions and paragraphs that exist, and the meeting ends after it starts."""
    org = ds.organisation
    if org is None:
        return []
    people = _people(ds)
    unions = {f.id for f in org.fack}
    problems: list[Problem] = []
    for year in ds.years.values():
        for slug, protocol in year.mbl.items():
            src = year.sources.get(f"mbl/{slug}")
            for part in ("narvarande", "justeras"):
                sides = getattr(protocol, part)
                for side in ("arbetsgivare", "arbetstagare"):
                    for index, person_id in enumerate(getattr(sides, side)):
                        loc = (part, side, index)
                        if person_id not in people:
                            problems += _ref(src, loc, person_id, set(people), "person",
                                             "personer")
                        elif side == "arbetstagare" and people[person_id].fack is None:
                            problems.append(_problem(src, loc,
                                                     f"{people[person_id].namn} sits for the "
                                                     f"employees but belongs to no union "
                                                     f"(set fack in personer)"))
            for p_index, paragraph in enumerate(protocol.paragrafer):
                for u_index, union in enumerate(paragraph.protokollsanteckning):
                    problems += _ref(src, ("paragrafer", p_index, "protokollsanteckning",
                                           u_index), union, unions, "union", "fack")
            for index, stance in enumerate(protocol.stallningstaganden):
                problems += _ref(src, ("stallningstaganden", index, "fack"), stance.fack,
                                 unions, "union", "fack")
                if stance.paragraf > len(protocol.paragrafer):
                    problems.append(_problem(src, ("stallningstaganden", index, "paragraf"),
                                             f"the protocol has {len(protocol.paragrafer)} "
                                             f"paragraphs, not § {stance.paragraf}"))
            closing = [i for i, p in enumerate(protocol.paragrafer) if p.avslutande]
            if len(closing) > 1 or (closing and closing[0] != len(protocol.paragrafer) - 1):
                problems.append(_problem(src, ("paragrafer",),
                                         "only the last paragraph can be the closing one"))
            if protocol.tid_till <= protocol.tid_fran:
                problems.append(_problem(src, ("tid_till",),
                                         f"the meeting ends ({protocol.tid_till}) before it "
                                         f"starts ({protocol.tid_fran})"))
    return problems


PLAN_NAMES = frozenset({"ar", "ram", "intakter", "kostnader", "enhet"})
REPORT_NAMES = frozenset({"ar", "netto", "intakter", "kostnader", "konto", "verksamhet",
                          "personal", "nyckeltal", "nyckeltal_fjol"})
_EXPRESSION = re.compile(r"{{-?\s*([^\W\d]\w*)")
_BOUND = re.compile(r"{%-?\s*(?:for\s+([^\W\d][\w, ]*)\s+in|set\s+([^\W\d]\w*))")
_KEYWORDS = frozenset({"true", "false", "none", "True", "False", "None", "range", "loop"})


def _strings(obj: Any, loc: tuple[str | int, ...]) -> Iterable[tuple[tuple[str | int, ...], str]]:
    if isinstance(obj, str):
        yield loc, obj
    elif isinstance(obj, BaseModel):
        for name in type(obj).model_fields:
            yield from _strings(getattr(obj, name), loc + (name,))
    elif isinstance(obj, list):
        for index, item in enumerate(obj):
            yield from _strings(item, loc + (index,))
    elif isinstance(obj, dict):
        for key, item in obj.items():
            yield from _strings(item, loc + (key,))


def _prose_files(ds: Dataset) -> list[tuple[Source | None, Any, frozenset[str]]]:
    """Every loaded file whose prose may hold expressions, with the names it may use."""
    files: list[tuple[Source | None, Any, frozenset[str]]] = []
    for year in ds.years.values():
        files += [
            (year.sources.get("verksamhetsplan"), year.plan, PLAN_NAMES),
            (year.sources.get("arsredovisning"), year.outcome, REPORT_NAMES),
        ]
        for slug, matter in year.matters.items():
            names = {"arsredovisning": REPORT_NAMES, "verksamhetsplan": PLAN_NAMES}.get(
                matter.dokument or "", frozenset({"ar"}))
            files.append((year.sources.get(f"arenden/{slug}"), matter, names))
        for slug, protocol in year.mbl.items():
            files.append((year.sources.get(f"mbl/{slug}"), protocol, PLAN_NAMES))
    return [f for f in files if f[1] is not None]


def check_prose_names(ds: Dataset) -> list[Problem]:
    """Names used in figure expressions in prose exist, and every prose text keeps to the
    prose language and to Markdown Word can place (`prose_rules.refusals`: no statements, no
    calls, no names beginning with '_', allow-listed filters; no pictures or block quotes), so
    validation refuses what the build would refuse. The full evaluation happens when a
    document is built."""
    problems: list[Problem] = []
    for source, obj, names in _prose_files(ds):
        for loc, text in _strings(obj, ()):
            # what the prose language refuses (prose_rules), as `build` refuses it
            problems += [_problem(source, loc, reason) for reason in prose_rules.refusals(text)]
            if "{{" not in text and "{%" not in text:
                continue
            bound = set()
            for match in _BOUND.finditer(text):
                bound.update(n.strip() for n in (match.group(1) or match.group(2)).split(","))
            for match in _EXPRESSION.finditer(text):
                name = match.group(1)
                if name in names or name in bound or name in _KEYWORDS:
                    continue
                problems.append(_problem(
                    source, loc, f"the expression uses the name '{name}', which does not "
                    f"exist here (known: {', '.join(sorted(names))})"))
    return problems


# Characters that XML 1.0, and so a Word or Excel file, cannot hold: C0 controls other than
# tab, line feed and carriage return; lone surrogates; U+FFFE and U+FFFF. YAML refuses them
# written raw, but a double-quoted string can spell them as escapes ("\x07", "\uFFFE").
_XML_ILLEGAL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")


def _texts(value: Any, loc: tuple[str | int, ...]
           ) -> Iterable[tuple[tuple[str | int, ...], str]]:
    """Every string of loaded YAML data, keys of mappings included, with its field path."""
    if isinstance(value, str):
        yield loc, value
    elif isinstance(value, dict):
        for key, item in value.items():
            if isinstance(key, str):
                yield loc + (key,), key
            yield from _texts(item, loc + (key,))
    elif isinstance(value, list):
        for index, item in enumerate(value):
            yield from _texts(item, loc + (index,))


def _all_sources(ds: Dataset) -> list[Source]:
    """Every file that was read: organisation.yaml and each year's files."""
    sources = [ds.organisation_source] if ds.organisation_source else []
    for year in ds.years.values():
        sources.extend(year.sources.values())
    return sources


def check_xml_characters(ds: Dataset) -> list[Problem]:
    """No text holds a character that Word's and Excel's XML cannot carry: the document
    would not open (or the character would silently vanish), so the file, line and field
    are named before anything is built. Every string every model is made from is checked,
    on the data as read, so the line is the string's own."""
    problems: list[Problem] = []
    for source in _all_sources(ds):
        for loc, text in _texts(source.located.data, ()):
            found = _XML_ILLEGAL.search(text)
            if found is None:
                continue
            problems.append(_problem(
                source, loc, f"the text holds the control character U+{ord(found.group()):04X}"
                f" (character {found.start() + 1}), which Word and Excel files cannot hold; "
                "remove it"))
    return problems


def check_placeholders(ds: Dataset) -> list[Problem]:
    """Every value `snplan new` left as FYLL I, named with file, line and field, so a new
    year's missing figures and texts are a list to work through."""
    problems: list[Problem] = []
    for source in _all_sources(ds):
        for loc, text in _texts(source.located.data, ()):
            if text.strip() == PLACEHOLDER and loc:
                problems.append(_problem(source, loc, PLACEHOLDER_MESSAGE, "todo"))
    return problems


ALL_CHECKS: tuple[Check, ...] = (
    check_placeholders,
    check_xml_characters,
    check_prose_names,
    check_organisation,
    check_year_matches_directory,
    check_plan,
    check_outcome,
    check_matters,
    check_mbl,
)


def run_all(ds: Dataset) -> list[Problem]:
    """Every structural check, then the figure checks of `consistency`."""
    from . import consistency

    problems: list[Problem] = []
    for check in ALL_CHECKS:
        problems.extend(check(ds))
    problems.extend(consistency.run_all(ds))
    return problems


__all__ = ["ALL_CHECKS", "POSSIBLE_RISK_INDEXES", "Year", "run_all"]
