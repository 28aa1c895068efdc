"""The parts of an MBL § 11 protocol: who attended, the numbered paragraphs with the unions'
notes and stances, and who signs ("Justeras")."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Annotated, Any, Literal

from pydantic import Field

from ..messages import _
from ..model.common import Id, Strict
from ..model.common import Text as Prose
from ..problems import Problem, problem, unknown
from ..prose.markup import inline
from ..tree import Block, ListBlock, ListItem, Paragraph, Section, Signatures, Signer, Text
from .base import BlockInput, BlockType, Checked, bold_line, heading, plain, prose

if TYPE_CHECKING:
    from ..model.disposition import Kapitel


class Narvarande(Strict):
    """Who attended (or signs) for the employer and for the employees."""

    arbetsgivare: list[Id] = Field(min_length=1)
    arbetstagare: list[Id] = Field(min_length=1)


class Stallningstagande(Strict):
    """A union's stance, recorded in the paragraph that holds it."""

    fack: Id
    stallning: Literal["enig", "oenig"]


class Paragraf(Strict):
    """A numbered paragraph of the protocol (numbered by its position).

    `protokollsanteckning` lists the unions whose protocol note the paragraph is;
    `avslutande` marks the closing paragraph.
    """

    rubrik: str | None = None
    text: Prose
    protokollsanteckning: list[Id] = []
    stallningstaganden: list[Stallningstagande] = []
    avslutande: bool = False


def running_title(title: str) -> str:
    """A title as it reads after a name in a list ("Maria Berg, förvaltningschef"): the
    first letter in lower case, unless the title begins with an abbreviation that keeps its
    capitals ("HR-strateg", "MAS")."""
    if len(title) > 1 and title[1].isupper():
        return title
    return title[:1].lower() + title[1:]


@dataclass(frozen=True)
class Attendee:
    """A person's name, title in running text, title as written (printed under a signature)
    and union."""

    name: str
    title: str
    position: str
    union: str


def attendee(block: BlockInput, person_id: str) -> Attendee:
    people = {p.id: p for p in block.org.personer}
    unions = {f.id: f.namn for f in block.org.fack}
    person = people.get(person_id)
    if person is None:
        return Attendee(person_id, "", "", "")
    union = unions.get(person.fack, "") if person.fack else ""
    title = person.titel or ""
    return Attendee(plain(person.namn), plain(running_title(title)), plain(title), plain(union))


def _sides(block: Checked) -> list[Problem]:
    """Attendees and signatories exist; the employees' side are union members."""
    people = {p.id: p for p in block.org.personer}
    problems: list[Problem] = []
    for side in ("arbetsgivare", "arbetstagare"):
        for index, person_id in enumerate(getattr(block.content, side)):
            loc = (block.key, side, index)
            if person_id not in people:
                problems += unknown(block.source, loc, person_id, people, "person",
                                    "personer")
            elif side == "arbetstagare" and people[person_id].fack is None:
                problems.append(problem(
                    block.source, loc, _("{namn} sits for the employees but belongs to no union "
                                         "(set fack in personer)").format(
                                           namn=people[person_id].namn)))
    return problems


def _people(names: list[str]) -> ListBlock:
    return ListBlock(tuple(ListItem((Paragraph(inline(name)),)) for name in names))


class Attendance(BlockType):
    """Who attended for the employer and for the employees."""

    typ = "narvarande"
    model = Narvarande

    def check(self, block: Checked) -> list[Problem]:
        return _sides(block)

    def next_year(self, node: Kapitel, plain: Any) -> Any:
        return plain

    def resolve(self, block: BlockInput) -> list[Block]:
        employer = [attendee(block, p) for p in block.content.arbetsgivare]
        employees = [attendee(block, p) for p in block.content.arbetstagare]
        return [bold_line("För arbetsgivaren:"),
                _people([a.name + (f", {a.title}" if a.title else "") for a in employer]),
                bold_line("För arbetstagarparten:"),
                _people([a.name + (f", {a.union}" if a.union else "") for a in employees])]


class Signing(BlockType):
    """Who signs for each side, paired line by line."""

    typ = "justering"
    model = Narvarande

    def check(self, block: Checked) -> list[Problem]:
        return _sides(block)

    def next_year(self, node: Kapitel, plain: Any) -> Any:
        return plain

    def resolve(self, block: BlockInput) -> list[Block]:
        employer = [attendee(block, p) for p in block.content.arbetsgivare]
        employees = [attendee(block, p) for p in block.content.arbetstagare]
        rows = []
        for index in range(max(len(employer), len(employees))):
            left = employer[index] if index < len(employer) else None
            right = employees[index] if index < len(employees) else None
            rows.append((Signer(left.name, (left.position,) if left.position else ())
                         if left else None,
                         Signer(right.name, (right.union,) if right.union else ())
                         if right else None))
        return [Signatures(tuple(rows), ("För arbetsgivaren",
                                         "För arbetstagarorganisationerna"))]


class Paragraphs(BlockType):
    """Numbered paragraphs (numbered by their position), each with the unions' protocol
    notes and stances."""

    typ = "paragrafer"
    model = Annotated[list[Paragraf], Field(min_length=1)]

    def check(self, block: Checked) -> list[Problem]:
        """Notes and stances name unions that exist; only the last paragraph closes."""
        unions = {f.id for f in block.org.fack}
        src, key, paragraphs = block.source, block.key, block.content
        problems: list[Problem] = []
        for p_index, paragraph in enumerate(paragraphs):
            for u_index, union in enumerate(paragraph.protokollsanteckning):
                problems += unknown(src, (key, p_index, "protokollsanteckning", u_index),
                                    union, unions, "union", "fack")
            for s_index, stance in enumerate(paragraph.stallningstaganden):
                problems += unknown(src, (key, p_index, "stallningstaganden", s_index, "fack"),
                                    stance.fack, unions, "union", "fack")
        closing = [i for i, p in enumerate(paragraphs) if p.avslutande]
        if len(closing) > 1 or (closing and closing[0] != len(paragraphs) - 1):
            problems.append(problem(src, (key,), _("only the last paragraph can be the closing "
                                                   "one")))
        return problems

    def resolve(self, block: BlockInput) -> list[Block]:
        unions = {f.id: f.namn for f in block.org.fack}
        out: list[Block] = []
        for number, paragraph in enumerate(block.content, start=1):
            body: list[Block] = [bold_line(paragraph.rubrik)] if paragraph.rubrik else []
            body += prose(paragraph.text)
            if paragraph.protokollsanteckning:
                names = ", ".join(plain(unions.get(u, u)) for u in paragraph.protokollsanteckning)
                body.append(Paragraph((Text(f"Protokollsanteckning: {names}."),), role="note"))
            for stance in paragraph.stallningstaganden:
                body.append(Paragraph((Text(f"Ställningstagande: "
                                            f"{plain(unions.get(stance.fack, stance.fack))} – "
                                            f"{stance.stallning}."),), role="note"))
            out.append(Section(heading(f"§ {number}"), block.level, tuple(body)))
        return out
