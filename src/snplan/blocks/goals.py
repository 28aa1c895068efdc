"""The goal chain (vision → council goals → the committee's goals → activities and measures)
and assignments: a summary table of every goal with its assessment, the scale's legend, and
one section per goal with its assessment, prose, activities and measures."""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal
from typing import Annotated, Any

from pydantic import Field, model_validator

from ..messages import _
from ..model.common import Amount, Id, Niva, Strict, Text, named
from ..model.kinds import MONTHS
from ..model.organisation import SkalaNamn
from ..problems import Problem, problem, unknown
from ..prose.markup import inline
from ..tables import format as fmt
from ..tree import Block, ListBlock, ListItem, Paragraph, Section, Table
from .base import (
    SYMBOLS,
    BlockInput,
    BlockType,
    Checked,
    bold_line,
    heading,
    italic_line,
    legend,
    plain,
    prose,
    simple_table,
)

# ------------------------------------------------------------------------------ models


class MalSpec(Strict):
    """How a goal chain (or a list of assignments) is laid out: a summary table of every
    goal with its assessment, a legend of the scale, and/or one heading per goal with its
    prose, activities and measures. `skala` is the assessment scale; `bedomas`: every goal
    must carry an assessment (a report's goals). `bedomning_rubrik` heads the assessment
    column where it is not the scale's own heading: in a period report the assessment is the
    forecast of the year's achievement ("Prognos måluppfyllelse"). `prognos`: the summary
    shows beside each goal's assessment the forecast of the year's last period report (its
    block of the same key), so the annual report shows how the assessment moved since the
    delårsrapport, read from there and never typed again."""

    skala: SkalaNamn = "mal"
    bedomas: bool = False
    sammanstallning: bool = False
    sammanstallning_rubrik: str = "Nämndmål"
    skalforklaring: bool = False
    detaljer: bool = True
    aktiviteter_rubrik: str = "Aktiviteter"
    aktiviteter_text: str = "Viktiga aktiviteter som bidrar till måluppfyllelse är:"
    matt_rubrik: str = "Mått"
    bedomning_rubrik: str | None = None
    prognos: bool = False



class Aktivitet(Strict):
    """An activity, with its description where the plan gives one (a row of the plan's
    activity table; a report lists activities by name)."""

    namn: str
    beskrivning: Text | None = None


# A measure's level: a figure, or a level in words ("behålla nivån", "plus 1 %", "ej
# aktuellt"), as plans write their target levels.
Level = Annotated[Amount | Text, Field(union_mode="left_to_right")]


class MattPlan(Strict):
    """A measure of a goal: what is measured, in which unit, from which baseline, to which
    target level per year (a figure or words); in a report also its outcome, the forecast
    of the year's outcome (`prognos`, in an interim report) and its assessment."""

    namn: str
    enhet: str | None = None
    utgangsvarde: Level | None = None
    malvarden: dict[int, Level] = {}
    utfall: Level | None = None
    prognos: Level | None = None
    bedomning: Niva | None = None
    kommentar: Text = ""


class MalNod(Strict):
    """One goal (or assignment) of a chain: a goal of the organisation (`mal`, its id) or one
    named here (`namn`), with prose, an assessment (in a report), activities, measures and the
    goals under it (`delmal`)."""

    mal: Id | None = None
    id: Id | None = None
    namn: str | None = None
    niva: str | None = None
    bedomning: Niva | None = None
    matning: Text = ""
    text: Text = ""
    aktiviteter_text: str | None = None
    aktiviteter: list[Annotated[Aktivitet, named("namn", Aktivitet)]] = []
    matt: list[Annotated[MattPlan, named("namn", MattPlan)]] = []
    matt_saknas: str | None = None
    delmal: list[MalNod] = []

    @model_validator(mode="after")
    def _named(self) -> MalNod:
        if (self.mal is None) == (self.namn is None):
            raise ValueError(_("a goal is either one of the organisation's (mal: ID) or named "
                               "here (namn: TEXT)"))
        return self


MalNod.model_rebuild()


class MalBlock(Strict):
    """A goal chain: prose before it, the vision it starts from (printed in italics), prose
    before the goals, and the goals."""

    text: Text = ""
    vision: Text = ""
    mal_text: Text = ""
    mal: list[MalNod] = []


class UppdragBlock(Strict):
    """Assignments given to the committee (uppdrag), assessed on the assignment scale."""

    text: Text = ""
    uppdrag: list[MalNod] = []


# ------------------------------------------------------------------------------ resolving

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


def _level(value: Decimal | str | None) -> str:
    """A measure's level as printed: a figure in Swedish format, words as written."""
    if value is None:
        return ""
    return fmt.number(value) if isinstance(value, Decimal) else plain(value)


def measures_table(key: str, measures: list[MattPlan], header: str) -> Table:
    """The table of a goal's measures: the measure, then only the columns some measure has a
    value for (a plan's measures have no outcome, a report's may have no baseline), with a
    target column per year any measure has a target for."""
    years = sorted({y for m in measures for y in m.malvarden})
    columns: list[tuple[str, bool, Callable[[MattPlan], str]]] = [
        ("Enhet", False, lambda m: m.enhet or ""),
        ("Utgångsvärde", True, lambda m: _level(m.utgangsvarde)),
        *((f"Mål {year}", True, lambda m, year=year: _level(m.malvarden.get(year)))
          for year in years),
        ("Utfall", True, lambda m: _level(m.utfall)),
        ("Prognos", True, lambda m: _level(m.prognos)),
        ("Bedömning", False, lambda m: SYMBOLS[m.bedomning] if m.bedomning else ""),
        ("Kommentar", False, lambda m: m.kommentar),
    ]
    shown = [(name, right, cell) for name, right, cell in columns
             if any(cell(m) for m in measures)]
    right = {i + 1 for i, (_unused, is_right, _unused) in enumerate(shown) if is_right}
    return simple_table(f"{key}-matt", [header] + [name for name, _unused, _unused in shown],
                        [[m.namn] + [cell(m) for _unused, _unused2, cell in shown]
                         for m in measures],
                        right=right)


class _Goals:
    """One goal chain of one block."""

    def __init__(self, block: BlockInput, spec: MalSpec) -> None:
        self.block = block
        self.spec = spec
        self.scale = block.scale(spec.skala)
        self.count = 0

    def node(self, node: MalNod, level: int) -> Section:
        spec = self.spec
        self.count += 1
        key = f"{self.block.key}-{self.count}"
        out: list[Block] = []
        level_name = _level_name(node, self.block)
        if level_name:
            out.append(italic_line(level_name))
        if node.bedomning:
            out.append(bold_line(f"{SYMBOLS[node.bedomning]} "
                                 f"{getattr(self.scale, node.bedomning)}"))
        out += prose(node.matning) + prose(node.text)
        activities = node.aktiviteter
        if activities and all(a.beskrivning for a in activities):
            out.append(simple_table(f"{key}-aktiviteter", [spec.aktiviteter_rubrik,
                                                            "Beskrivning"],
                                    [[a.namn, a.beskrivning or ""] for a in activities]))
        elif activities:
            intro = (node.aktiviteter_text if node.aktiviteter_text is not None
                     else spec.aktiviteter_text)
            out += prose(intro)
            out.append(ListBlock(tuple(ListItem((Paragraph(inline(a.namn)),))
                                       for a in activities)))
        measures = node.matt
        detailed = any(m.enhet or m.utgangsvarde is not None or m.malvarden
                       or m.utfall is not None or m.prognos is not None or m.bedomning
                       or m.kommentar for m in measures)
        if measures and detailed:
            out.append(measures_table(key, measures, spec.matt_rubrik))
        elif measures:
            out.append(bold_line(spec.matt_rubrik))
            out.append(ListBlock(tuple(ListItem((Paragraph(inline(m.namn)),))
                                       for m in measures)))
        elif node.matt_saknas:
            out.append(bold_line(spec.matt_rubrik))
            out += prose(node.matt_saknas)
        out += [self.node(child, level + 1) for child in node.delmal]
        return Section(heading(_name(node, self.block)), level, tuple(out))


def _flat(nodes: list[MalNod]) -> list[MalNod]:
    return [n for node in nodes for n in (node, *_flat(node.delmal))]


def _references(nodes: list[MalNod], block: Checked, loc: tuple[str | int, ...],
                known: set[str]) -> list[Problem]:
    """Goals and items are not repeated in one list; every goal referred to exists."""
    problems: list[Problem] = []
    src = block.source
    for attribute, what in (("mal", "goal"), ("id", "item")):
        seen: dict[str, int] = {}
        for index, node in enumerate(nodes):
            value = getattr(node, attribute)
            if value is None:
                continue
            if value in seen:
                problems.append(problem(src, loc + (index, attribute),
                                        _("the {what} '{value}' appears twice in this list").format(
                                            what=what, value=value),
                                        also=f"line {src.line(*loc, seen[value])}"))
            seen.setdefault(value, index)
    for index, node in enumerate(nodes):
        if node.mal is not None:
            problems += unknown(src, loc + (index, "mal"), node.mal, known, "goal",
                                "organisation.yaml mal")
        problems += _references(node.delmal, block, loc + (index, "delmal"), known)
    return problems


def _unassessed(nodes: list[MalNod], block: Checked, loc: tuple[str | int, ...]
                ) -> list[Problem]:
    """Goals of a report without an assessment."""
    found = []
    for index, node in enumerate(nodes):
        if node.bedomning is None:
            found.append(problem(block.source, loc + (index, "bedomning"),
                                 _("the goal has no assessment (bedomning)")))
        found += _unassessed(node.delmal, block, loc + (index, "delmal"))
    return found


class GoalChain(BlockType):
    """Goals (`mal`), assessed on the goal scale unless the outline names another."""

    field = "mal"

    typ = "mal"
    model = MalBlock
    option = "mal"
    options = MalSpec
    implied = True

    def nodes(self, content: Any) -> list[MalNod]:
        return getattr(content, self.field)

    def spec(self, block: BlockInput | Checked) -> MalSpec:
        return block.node.mal or MalSpec(skala="mal")

    def check(self, block: Checked) -> list[Problem]:
        nodes = self.nodes(block.content)
        loc = (block.key, self.field)
        found = _references(nodes, block, loc, set(block.org.goals()))
        if self.spec(block).bedomas:
            found += _unassessed(nodes, block, loc)
        return found

    def resolve(self, block: BlockInput) -> list[Block]:
        spec = self.spec(block)
        content = block.content
        nodes = self.nodes(content)
        assessed = any(n.bedomning for n in _flat(nodes))
        chain = _Goals(block, spec)
        header = spec.bedomning_rubrik or ASSESSMENT_HEADERS[spec.skala]
        out = prose(content.text)
        if getattr(content, "vision", ""):
            out.append(italic_line(content.vision))
        out += prose(getattr(content, "mal_text", ""))
        if spec.skalforklaring and assessed:
            out.append(legend(block.key, chain.scale, header))
        if spec.sammanstallning and nodes:
            def shown(level: str | None) -> str:
                return f"{SYMBOLS[level]} {getattr(chain.scale, level)}" if level else ""

            rows = [[_name(n, block)] + ([shown(n.bedomning)] if assessed else [])
                    for n in _flat(nodes)]
            headers = [spec.sammanstallning_rubrik] + ([header] if assessed else [])
            earlier = self._forecast(block) if spec.prognos else None
            if earlier is not None:
                month, levels = earlier
                headers.append(f"Prognos {MONTHS[month - 1]}")
                for row, n in zip(rows, _flat(nodes), strict=True):
                    row.append(shown(levels.get(_goal_key(n))) or "–")
            out.append(simple_table(f"{block.key}-sammanstallning", headers, rows))
        if spec.detaljer:
            out += [chain.node(n, block.level + 1) for n in nodes]
        return out


    def _forecast(self, block: BlockInput) -> tuple[int, dict[str, str]] | None:
        """The month of the year's last period report before the document's own that holds
        this block, and its goals' assessments by goal; None when there is none."""
        entry = block.ds.years.get(block.year)
        own = block.ds.period(block.document.kind)
        found: tuple[int, Any] | None = None
        for document in entry.all_documents() if entry is not None else []:
            month = block.ds.period(document.kind)
            content = document.block(block.key)
            if month is None or content is None or (own is not None and month >= own):
                continue
            if found is None or month > found[0]:
                found = (month, content)
        if found is None:
            return None
        return found[0], {_goal_key(n): n.bedomning for n in _flat(self.nodes(found[1]))
                          if n.bedomning}


def _goal_key(node: MalNod) -> str:
    """What identifies a goal across documents: its id, else its name."""
    return node.mal or node.id or node.namn or ""


class Assignments(GoalChain):
    """Assignments given to the committee (`uppdrag`), assessed on the assignment scale."""

    typ = "uppdrag"
    model = UppdragBlock
    option = "mal"
    options = MalSpec
    implied = False

    field = "uppdrag"

    def spec(self, block: BlockInput | Checked) -> MalSpec:
        return block.node.mal or MalSpec(skala="uppdrag")
