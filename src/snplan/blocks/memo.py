"""The parts of a memo: bulleted lists, attachments and signatures."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, Any

from pydantic import model_validator

from ..model.common import Id, Strict
from ..model.common import Section as SectionData
from ..problems import Problem, unknown
from ..prose.markup import inline
from ..tree import Block, Break, Inline, ListBlock, ListItem, PageBreak, Paragraph, Section, Signer
from ..tree import Signatures as SignatureBlock
from .base import BlockInput, BlockType, Checked, bold_line, heading, plain

if TYPE_CHECKING:
    from ..model.disposition import Kapitel
from ..messages import _
from .text import section_blocks, section_problems


class ListaSpec(Strict):
    """A bulleted list, optionally under a bold label ("Beslutet expedieras till:")."""

    etikett: str | None = None



class Underskrift(Strict):
    """A signature line: a person from the organisation, or only a title when the document
    names no one (ÅR 2023 is signed "Tf. förvaltningschef")."""

    person: Id | None = None
    titel: str | None = None

    @model_validator(mode="after")
    def _someone(self) -> Underskrift:
        if self.person is None and self.titel is None:
            raise ValueError(_("a signature needs a person or a title"))
        return self


class Bilaga(Strict):
    """An attachment printed with the matter (a report, a plan, a follow-up table)."""

    titel: str
    avsandare: str | None = None
    datum: dt.date | None = None
    diarienummer: str | None = None
    avsnitt: list[SectionData] = []


class BulletList(BlockType):
    """Bullets, under an optional bold label from the outline ("Beslutet expedieras
    till:")."""

    typ = "lista"
    model = list[str]
    option = "lista"
    options = ListaSpec
    implied = True

    def next_year(self, node: Kapitel, plain: Any) -> Any:
        return plain  # who a matter goes to stays who it goes to

    def resolve(self, block: BlockInput) -> list[Block]:
        items = list(block.content)
        if not items:
            return []
        label = block.node.lista.etikett if block.node.lista else None
        listing = ListBlock(tuple(ListItem((Paragraph(inline(str(item))),)) for item in items))
        return ([bold_line(label)] if label else []) + [listing]


def details(lines: list[str]) -> Paragraph:
    """Lines of who sends a matter and when, one per line."""
    runs: list[Inline] = []
    for index, line in enumerate(lines):
        if index:
            runs.append(Break())
        runs.extend(inline(line))
    return Paragraph(tuple(runs), role="details")


class Attachments(BlockType):
    """Attachments, each on a new page with its sender, date and registration number above
    its title."""

    typ = "bilagor"
    model = list[Bilaga]

    def check(self, block: Checked) -> list[Problem]:
        return [p for index, attachment in enumerate(block.content)
                for number, part in enumerate(attachment.avsnitt)
                for p in section_problems(part, block, (block.key, index, "avsnitt", number))]

    def resolve(self, block: BlockInput) -> list[Block]:
        out: list[Block] = []
        for attachment in block.content:
            lines = [f"Bilaga: {attachment.avsandare}" if attachment.avsandare else "Bilaga"]
            if attachment.datum:
                lines.append(attachment.datum.isoformat())
            if attachment.diarienummer:
                lines.append(attachment.diarienummer)
            sections: list[Block] = []
            for part in attachment.avsnitt:
                title = heading(part.rubrik) if part.rubrik else None
                sections.append(Section(title, 2, tuple(section_blocks(part, block, 2))))
            out += [PageBreak(), details(lines),
                    Section(heading(attachment.titel), 1, tuple(sections))]
        return out


def signer(block: BlockInput, person_id: str | None, title: str | None) -> Signer:
    """Name and title of a signature; a signature may be a title alone."""
    people = {p.id: p for p in block.org.personer}
    person = people.get(person_id) if person_id else None
    under = title or (person.titel if person and person.titel else "")
    return Signer(plain(person.namn) if person else "", (plain(under),) if under else ())


class SignatureList(BlockType):
    """Who signs, two by two with room to sign."""

    typ = "underskrifter"
    model = list[Underskrift]

    def check(self, block: Checked) -> list[Problem]:
        people = {p.id for p in block.org.personer}
        return [p for index, signature in enumerate(block.content) if signature.person
                for p in unknown(block.source, (block.key, index, "person"), signature.person,
                                 people, "person", "organisation.yaml personer")]

    def next_year(self, node: Kapitel, plain: Any) -> Any:
        return plain

    def resolve(self, block: BlockInput) -> list[Block]:
        people = [signer(block, s.person, s.titel) for s in block.content]
        if not people:
            return []
        rows = tuple(tuple(people[i:i + 2]) for i in range(0, len(people), 2))
        return [SignatureBlock(rows)]
