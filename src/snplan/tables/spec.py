"""What a table of an outline is: its rows (a breakdown's or entered in the data), its
columns (a figure read from the data of any year, a field of the row, or a computation over
other columns) and how it is shown. The table engine builds tables from these; the table block
(`blocks/table`) resolves them into the document."""

from __future__ import annotations

from typing import Literal

from pydantic import Field, model_validator

from ..messages import _
from ..model.common import Id, Strict
from ..model.organisation import Procentbas, SkalaNamn

Berakning = Literal["forandring", "differens", "avvikelse", "procent", "andel", "summa",
                    "kvot", "produkt", "arsandel"]
# The period a column reads (`period:`): a month by its name, the latest period report of
# the year before the document's own (`senaste`), or the whole year's figures (`helar`: the
# plan's budget, the annual report's outcome). Without it, a period report's column reads
# its own period and every other document's the whole year.
PeriodNamn = Literal["januari", "februari", "mars", "april", "maj", "juni", "juli", "augusti",
                     "september", "oktober", "november", "december", "senaste", "helar"]
KolumnTyp = Literal["text", "belopp", "tal", "procent", "datum", "lista", "bedomning"]

# How many operands each computation takes (None: two or more).
OPERANDS: dict[str, int | None] = {"forandring": 2, "differens": 2, "avvikelse": 2,
                                    "procent": 2, "andel": 2, "kvot": 2, "summa": None,
                                    "produkt": None, "arsandel": 1}


class Kolumn(Strict):
    """A column of a table: a figure read from the data (`varde`, a kind of figure such as
    `budget`, of the year `ar` relative to the document's year), a field of the row (`falt`:
    its name, unit, or any field of a row entered in the data), or a figure computed from other
    columns (`berakning` over the columns `av`).

    `rubrik` may use {ar}, {ar-1}, {aa} (two-digit year), {enhet}, {kommun}, {namnd};
    `beskrivning` names the column in the footnote that defines the computed columns ("utfall
    {ar}"; default the heading).
    `bara_summor`: shown on total rows only. `dold`: not printed in the Word table (the workbook,
    prose expressions and `metrics` still have it). `kravs`: the document cannot be built
    without these figures. `inmatad`: a computed column that a row may enter instead (a risk
    index given as a figure rather than likelihood × consequence). `tillatna`: the values a
    field or figure may take. `kommentar`: a field printed under an assessment.
    `block`: the figure (`varde`: a column of that table) is read from another table block of
    the document (of the year `ar`), so it is entered once and both tables show it.
    `decimaler` gives the decimals of the rows, `decimaler_summor` those of the totals.
    `period` names the period whose figures a `varde` column reads (`model`: `PeriodNamn`).
    """

    id: Id
    rubrik: str | None = None
    beskrivning: str | None = None
    varde: Id | None = None
    ar: int = Field(default=0, ge=-20, le=20)
    period: PeriodNamn | None = None
    falt: Id | None = None
    berakning: Berakning | None = None
    av: list[Id] = []
    inmatad: Id | None = None
    typ: KolumnTyp | None = None
    decimaler: int | None = Field(default=None, ge=0, le=6)
    skala: SkalaNamn | None = None
    kommentar: Id | None = None
    block: Id | None = None
    decimaler_summor: int | None = Field(default=None, ge=0, le=6)
    tillatna: list[str | int] = []
    bara_summor: bool = False
    dold: bool = False
    kravs: bool = False

    @model_validator(mode="after")
    def _one_source(self) -> Kolumn:
        given = [name for name in ("varde", "falt", "berakning")
                 if getattr(self, name) is not None]
        if len(given) != 1:
            raise ValueError(_("a column takes its cells from exactly one of varde (a figure), "
                               "falt (a field of the row) or berakning (computed from other "
                               "columns)"))
        if self.berakning is not None:
            wanted = OPERANDS[self.berakning]
            if wanted is not None and len(self.av) != wanted:
                raise ValueError(_("{berakning} is computed from {wanted} columns (av), not {av}")
                    .format(
                                     berakning=self.berakning, wanted=wanted, av=len(self.av)))
            if wanted is None and len(self.av) < 2:
                raise ValueError(_("{berakning} is computed from two or more columns (av)").format(
                                     berakning=self.berakning))
        elif self.av:
            raise ValueError(_("av lists the columns a computed column (berakning) uses"))
        if self.period is not None and self.varde is None and self.falt is None:
            raise ValueError(_("period names the period a figure (varde) or a field (falt) is "
                               "read from"))
        if self.block is not None and self.varde is None:
            raise ValueError(_("block names the table a figure (varde) is read from"))
        if self.inmatad is not None and self.berakning is None:
            raise ValueError(_("inmatad goes with a computed column (berakning)"))
        if self.typ == "bedomning" and self.skala is None:
            raise ValueError(_("an assessment column (typ: bedomning) names its scale (skala)"))
        return self

    @property
    def is_figure(self) -> bool:
        """Whether the cells are numbers (read or computed), not text."""
        if self.falt is not None:
            return self.typ in {"belopp", "tal", "procent"}
        return True


class TabellSpec(Strict):
    """A table: rows from one of the organisation's breakdowns (`indelning`) or entered in the
    data (each a mapping of fields), and its columns.

    Without `kolumner` the table is a free one: the data gives its columns (`kolumner`, each a
    heading or a heading with a type) and rows (lists of cells), as appendices do.

    `rubrik` is the top-left header cell ("Resultaträkning ({enhet})"). `standard` is the kind
    of figure a bare number in the data stands for (`stab: -17.3` under a budget table).
    `radnamn` is the field that labels a row entered in the data. `utgifter_positiva`: the
    figures are expenditure written as positive amounts (investments), so a deviation is
    reference − outcome (positive: spent less). `tom` is printed as the one row of a table
    without rows. `visning: poster` lays each row out as a heading with labelled paragraphs
    (`rubrik_falt` form the heading) instead of a table row. `forandring` and `procentbas`
    set this table's conventions where they differ from the organisation's; `definitioner`
    and `avrundning` switch its footnotes defining the computed columns and stating the
    rounding policy (default: the outline's setting for the whole document). `varden`
    declares kinds of figure the data enters that no column prints (prose or another
    document reads them); any other figure no column reads is refused as a slip.
    """

    indelning: Id | None = None
    rubrik: str | None = None
    kolumner: list[Kolumn] = []
    standard: Id | None = None
    radnamn: Id = "namn"
    utgifter_positiva: bool = False
    forandring: Literal["absolut", "signerad"] | None = None
    procentbas: Procentbas | None = None
    definitioner: bool | None = None
    avrundning: bool | None = None
    fotnot: list[str] = []
    fotnoter_rubrik: str | None = None
    tom: str | None = None
    skalforklaring: bool = False
    visning: Literal["tabell", "poster"] = "tabell"
    rubrik_falt: list[Id] = []
    varden: list[Id] = []

    @model_validator(mode="after")
    def _columns(self) -> TabellSpec:
        if self.indelning is not None and not self.kolumner:
            raise ValueError(_("a table of a breakdown (indelning) needs its kolumner"))
        ids = [c.id for c in self.kolumner]
        for column in self.kolumner:
            if ids.count(column.id) > 1:
                raise ValueError(_("the column id '{id}' is used twice").format(id=column.id))
            for ref in column.av:
                if ref not in ids:
                    raise ValueError(_("column '{id}' is computed from '{ref}', which is not a "
                                       "column of the table (columns: {ids})").format(
                                         id=column.id, ref=ref, ids=', '.join(ids)))
                if not self.column(ref).is_figure:
                    raise ValueError(_("column '{id}' is computed from '{ref}', which holds "
                                       "text, not figures (give it typ: belopp, tal or procent, "
                                       "or compute from a figure column)").format(
                                         id=column.id, ref=ref))
        uses = {c.id: list(c.av) for c in self.kolumner}
        for start in uses:  # a computation may not depend on itself, however indirectly
            stack, seen = list(uses[start]), set()
            while stack:
                current = stack.pop()
                if current == start:
                    raise ValueError(_("column '{start}' is computed from itself (through the "
                                       "columns it uses)").format(start=start))
                if current not in seen:
                    seen.add(current)
                    stack.extend(uses.get(current, []))
        return self

    def column(self, column_id: str) -> Kolumn:
        return next(c for c in self.kolumner if c.id == column_id)
