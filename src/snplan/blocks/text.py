"""Prose sections (`text`): a text, an optional free table, sub-sections at the next heading
level; and lists of such sections (`avsnitt`), each under its own heading."""

from __future__ import annotations

from ..model.common import Avsnitt
from ..model.common import Section as SectionData
from ..problems import Problem
from ..tables.engine import free_table
from ..tree import Block, Section
from .base import BlockInput, BlockType, Checked, heading, prose
from .table import free_table_problems, table_nodes


def section_blocks(content: Avsnitt, block: BlockInput, level: int) -> list[Block]:
    """A section's text, its table and its sub-sections (one level below `level`)."""
    out = prose(content.text)
    if content.tabell is not None:
        out += table_nodes(free_table(content.tabell, block.org, block.year), block, level)
    out += [section(sub, block, level + 1) for sub in content.underavsnitt]
    return out


def section(content: Avsnitt, block: BlockInput, level: int) -> Section:
    """A section under its own heading (none: its blocks stand under the one above)."""
    title = heading(content.rubrik) if content.rubrik else None
    return Section(title, level, tuple(section_blocks(content, block, level)))


def section_problems(content: Avsnitt, block: Checked, loc: tuple[str | int, ...]
                     ) -> list[Problem]:
    """The free tables of a section and its sub-sections, checked cell by cell."""
    found = free_table_problems(block.source, loc + ("tabell",), content.tabell) \
        if content.tabell is not None else []
    for index, sub in enumerate(content.underavsnitt):
        found += section_problems(sub, block, loc + ("underavsnitt", index))
    return found


class TextBlock(BlockType):
    """A text block; its own heading (rubrik) replaces the chapter's, so it is not repeated
    here."""

    typ = "text"
    model = SectionData

    def title(self, content: Avsnitt) -> str | None:
        return content.rubrik

    def check(self, block: Checked) -> list[Problem]:
        return section_problems(block.content, block, (block.key,))

    def resolve(self, block: BlockInput) -> list[Block]:
        return section_blocks(block.content, block, block.level)


class Sections(BlockType):
    """Free sections, each under its own heading at the chapter's level."""

    typ = "avsnitt"
    model = list[SectionData]

    def check(self, block: Checked) -> list[Problem]:
        return [p for index, part in enumerate(block.content)
                for p in section_problems(part, block, (block.key, index))]

    def resolve(self, block: BlockInput) -> list[Block]:
        return [section(s, block, block.level) for s in block.content]
