"""A document's outline (disposition): its chapters in order, each with a heading and the typed
blocks it shows.

snplan ships a default disposition per document kind (`documents/dispositioner/*.yaml`); an
organisation overrides one by writing its own `data/disposition/KIND.yaml`, so it can reorder,
rename, drop or add chapters and appendices without a line of code. A block names the key of
the data file that holds its content (`block: sammanfattning`); its type (`typ`) says what the
content is and how it is laid out. A chapter whose blocks have no content is not printed:
nothing prints a heading or a table that the data did not ask for.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any, Literal

from pydantic import Field, create_model, model_validator

from ..blocks import REGISTRY
from ..messages import _
from .common import Id, Strict

# The block types, as the registry derives them from the modules of `blocks/`.
BlockTyp = Literal[tuple(REGISTRY)]  # type: ignore[valid-type]
# The outline keys that hold a block type's options (`tabell`, `mal`, …), with their models,
# and the type a block with those options is when it names none.
OPTIONS = {t.option: t.options for t in REGISTRY.values() if t.option and t.options}
IMPLIED = {t.option: t.typ for t in REGISTRY.values() if t.option and t.implied}


class _Chapter(Strict):
    """A chapter of the outline, or a block within one.

    `rubrik` is the heading (none: the block stands without one; a text block's own `rubrik`
    in the data replaces it). `niva` sets the heading level (default: the depth). `block` is
    the key of the data file the content comes from; `typ` what it is (implied by the key of
    its options: `tabell`, `mal`, `manadsmatt`, `lista`). `kravs`: the document cannot be
    built without it. `sidbrytning`: start on a new page. The options of every block type are
    fields of their own, one per type that has them.
    """

    rubrik: str | None = None
    niva: int | None = Field(default=None, ge=1, le=6)
    block: Id | None = None
    typ: BlockTyp | None = None
    kravs: bool = False
    visas: bool = True
    sidbrytning: bool = False
    nytt_ar: Literal["fyll", "behall", "tom"] = "fyll"
    kapitel: list[Kapitel] = []

    def options(self) -> Any:
        """This block's options (its type's key of the outline), or None."""
        key = REGISTRY[self.typ].option if self.typ else None
        return getattr(self, key) if key else None

    @model_validator(mode="after")
    def _type(self) -> _Chapter:
        given = [key for key in OPTIONS if getattr(self, key) is not None]
        if len(given) > 1:
            raise ValueError(_("a block has one type; this one has options for {given}").format(
                                 given=' and '.join(given)))
        if given:
            key = given[0]
            if self.typ is None:
                self.typ = IMPLIED[key]
            elif REGISTRY[self.typ].option != key:
                raise ValueError(_("typ {typ} does not go with {key} options").format(
                                     typ=self.typ, key=key))
        if self.block is None and (self.typ is not None or self.kravs):
            raise ValueError(_("typ and kravs belong to a block: name it (block: KEY)"))
        if self.block is not None and self.typ is None:
            self.typ = "text"
        kind = REGISTRY[self.typ] if self.typ else None
        if kind is not None and kind.missing_options and self.options() is None:
            raise ValueError(kind.missing_options)
        if self.rubrik is None and self.block is None and not self.kapitel:
            raise ValueError(_("an empty chapter: give it a rubrik, a block or kapitel"))
        return self

    def walk(self) -> Iterator[Kapitel]:
        yield self  # type: ignore[misc]
        for chapter in self.kapitel:
            yield from chapter.walk()


Kapitel = create_model("Kapitel", __base__=_Chapter, __module__=__name__,
                       __doc__=_Chapter.__doc__,
                       **{key: (model | None, None) for key, model in OPTIONS.items()})
Kapitel.model_rebuild()
_Chapter.model_rebuild()

Huvud = Literal["framsida", "tjansteskrivelse", "protokoll", "ingen"]


class Period(Strict):
    """What makes an outline a period report's (a kind of document the organisation defines
    by its outline alone): the month the period closes (`manad`: 4 for a tertial per april, 8
    for a delårsrapport per augusti), the kind's name as printed (`namn`) and the other names
    a user may type for it (`alias`). A whole year is the annual report's, so 12 is not a
    period. `delarsrapport`: this is the law's delårsrapport (LKBR 13 kap., RKR R 17), which
    covers at least half and at most two thirds of the year, so it closes in June, July or
    August (`snplan validate` says so at `manad`)."""

    manad: int = Field(ge=1, le=11)
    namn: str
    alias: list[Id] = []
    delarsrapport: bool = False


class Disposition(Strict):
    """`data/disposition/KIND.yaml`: a document kind's outline.

    `titel` is the document's title when the data gives none ({ar} is the year). `huvud` is
    what page 1 starts with: a cover page (`framsida`), a memo's heading block, a protocol's,
    or nothing. `innehallsforteckning`: a table of contents after the cover. `period` makes
    the outline a period report's (`model.kinds.period_kind`).
    `definitioner` and `avrundning` print (or leave out) the footnotes under every table that
    define its computed columns and state the rounding policy; a table may say otherwise.
    """

    titel: str
    huvud: Huvud = "framsida"
    innehallsforteckning: bool = False
    definitioner: bool = True
    avrundning: bool = True
    period: Period | None = None
    kapitel: list[Kapitel] = Field(min_length=1)

    def blocks(self) -> Iterator[Kapitel]:
        """Every block of the outline, in document order."""
        for chapter in self.kapitel:
            for node in chapter.walk():
                if node.block is not None:
                    yield node

    def block(self, key: str) -> Kapitel | None:
        return next((b for b in self.blocks() if b.block == key), None)

    @model_validator(mode="after")
    def _unique_blocks(self) -> Disposition:
        seen: set[str] = set()
        for node in self.blocks():
            assert node.block is not None
            if node.block in seen:
                raise ValueError(_("the block '{block}' appears twice in the outline; a block's "
                                   "content is shown once").format(block=node.block))
            seen.add(node.block)
        return self
