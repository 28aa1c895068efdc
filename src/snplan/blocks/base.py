"""What every block type shares: the input it resolves from, the base class that registers a
type, and the small node-making helpers the types use.

A block type is one module under `blocks/` with one subclass of `BlockType`; subclassing
registers it (`REGISTRY`), as mkdocs derives its plugin events from its base class, so adding
a type adds a module and nothing else reads a type's name.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, ClassVar

from pydantic import BaseModel

from ..model.common import PLACEHOLDER
from ..model.organisation import Organisation, Skala
from ..prose.markup import blocks as prose_blocks
from ..prose.markup import inline, lines, unmarked
from ..tree import Block, Cell, Column, Paragraph, Row, Runs, Table, Text

if TYPE_CHECKING:  # the loader builds its models from the block types: types only here
    from ..model.disposition import Kapitel
    from ..problems import Problem
    from ..source.load import Dataset, Document, Source
    from ..tables import Table as EngineTable

# Levels of a scale are shown as a shape and in words, never by colour alone.
SYMBOLS = {"niva1": "●", "niva2": "◆", "niva3": "▲", "niva4": "■"}
LEVELS = ("niva1", "niva2", "niva3", "niva4")


@dataclass
class BlockInput:
    """One block of one document: its outline entry, its content with prose expressions
    evaluated, the heading level it sits under, and the document's tables."""

    ds: Dataset
    document: Document
    node: Kapitel
    content: Any
    level: int
    tables: dict[str, EngineTable] = field(default_factory=dict)
    around: str = ""  # the heading of the chapter the block stands in (a sheet's name)

    @property
    def org(self) -> Organisation:
        assert self.ds.organisation is not None
        return self.ds.organisation

    @property
    def year(self) -> int:
        return self.document.year

    @property
    def key(self) -> str:
        return self.node.block or ""

    def scale(self, name: str) -> Skala:
        return getattr(self.org.skalor, name)


@dataclass
class Checked:
    """One block of one loaded document, for its type's checks: where it lies (`source`,
    the block's `key`), its outline entry and its content as loaded."""

    ds: Dataset
    document: Document
    node: Kapitel
    content: Any

    @property
    def org(self) -> Organisation:
        assert self.ds.organisation is not None
        return self.ds.organisation

    @property
    def key(self) -> str:
        return self.node.block or ""

    @property
    def source(self) -> Source:
        return self.document.source


REGISTRY: dict[str, BlockType] = {}


class BlockType:
    """A type of block: everything about it in one place.

    `typ` is the outline's name for it; `model` the type of its content in a data file
    (`content_model` when it depends on the outline's options); `option` the outline key of
    its options and `options` their model (`implied`: a block with those options is of this
    type when it names none; `missing_options`: the message when a block of this type lacks
    them); `resolve` turns one block's content into nodes of the resolved document.
    """

    typ: ClassVar[str]
    model: ClassVar[Any] = None
    option: ClassVar[str | None] = None
    options: ClassVar[type[BaseModel] | None] = None
    implied: ClassVar[bool] = False
    missing_options: ClassVar[str] = ""

    def content_model(self, node: Kapitel) -> Any:
        """The type of this block's content under its outline entry."""
        return self.model

    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        if "typ" in cls.__dict__:
            REGISTRY[cls.typ] = cls()

    def resolve(self, block: BlockInput) -> list[Block]:
        raise NotImplementedError

    def title(self, content: Any) -> str | None:
        """A heading the content gives itself, replacing the chapter's (none by default)."""
        return None

    def unprinted(self, block: BlockInput) -> list[Block]:
        """What stays in the document of a block the outline reads but does not print
        (`visas: false`): nothing, but for a table, which the workbook still shows."""
        return []

    def check(self, block: Checked) -> list[Problem]:
        """What is wrong with a block's content that its model alone cannot see: what it
        refers to, values that cannot be right (`snplan validate` runs every type's)."""
        return []

    def is_prose(self, loc: tuple[str | int, ...]) -> bool:
        """Whether the text at `loc` (within the block) is prose, where a figure typed by
        hand is a slip; a table's own cells are not."""
        return "tabell" not in loc

    def next_year(self, node: Kapitel, plain: Any) -> Any:
        """The block of next year's plan from this year's (`snplan new`, `nytt_ar: fyll`):
        the structure carried, its texts and figures to be filled in."""
        if isinstance(plain, str):
            return PLACEHOLDER
        return to_fill(plain)

    def years_read(self, node: Kapitel) -> set[int]:
        """The years, relative to the document's, whose data the block reads."""
        return {0}


# ------------------------------------------------------------------------------ helpers

# Fields that name or identify things: carried forward to next year's plan as they are.
KEPT = frozenset({"rubrik", "namn", "mal", "id", "niva", "enhet", "kategori", "process",
                  "risker", "kontrollmoment", "beslutad", "status", "diarienummer",
                  "omrade", "organ", "matt_saknas", "aktiviteter_text"})
# Fields that belong to a report's follow-up, not to a plan: dropped.
DROPPED = frozenset({"bedomning", "matning", "utfall", "kommentar"})


def to_fill(value: Any, key: str | None = None) -> Any:
    """The structure of a value with its texts and figures to be filled in."""
    if isinstance(value, dict):
        return {k: to_fill(v, k) for k, v in value.items() if k not in DROPPED}
    if isinstance(value, list):
        return [to_fill(v, key) for v in value]
    if key in KEPT:
        return value
    if isinstance(value, str | int | float) and not isinstance(value, bool):
        return PLACEHOLDER
    return value



def plain(text: str | None) -> str:
    """Text from the data for a place that holds plain text (a label, a file's name)."""
    return unmarked(" ".join(str(text or "").split()))


def prose(text: str | None, level: int = 1) -> list[Block]:
    """Prose from the data as blocks."""
    return list(prose_blocks(text, level)) if text else []


def text_cell(text: str) -> Cell:
    """A cell of text from the data: each paragraph a line of the cell."""
    return Cell(lines=lines(text) if text else (), value=plain(text) or None)


def simple_table(key: str, header: list[str], rows: list[list[str]], name: str = "",
                 right: set[int] | None = None) -> Table:
    """A table of text cells under one header row (a scale's legend, a summary)."""
    right = right or set()
    columns = tuple(Column(f"k{i + 1}", plain(h), "text", "right" if i in right else "left")
                    for i, h in enumerate(header))
    body = tuple(Row(str(n + 1), plain(r[0]) if r else "", tuple(text_cell(c) for c in r))
                 for n, r in enumerate(rows))
    return Table(key, columns, body, name=name or plain(header[0]) if header else name)


def legend(key: str, scale: Skala, header: str) -> Table:
    """The legend of a four-level scale: symbol and wording of each level."""
    return simple_table(f"{key}-skala", ["Symbol", header],
                        [[SYMBOLS[n], getattr(scale, n)] for n in LEVELS],
                        name=f"{header}: symboler")


def bold_line(text: str) -> Paragraph:
    return Paragraph(tuple(Text(r.text, bold=True, italic=r.italic, link=r.link,
                                figure=r.figure) if isinstance(r, Text) else r
                           for r in inline(text)))


def italic_line(text: str) -> Paragraph:
    return Paragraph(tuple(Text(r.text, bold=r.bold, italic=True, link=r.link,
                                figure=r.figure) if isinstance(r, Text) else r
                           for r in inline(text)))


def heading(text: str) -> Runs:
    return inline(text)
