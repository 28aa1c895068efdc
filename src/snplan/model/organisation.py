"""The organisation: everything that is the same from year to year and that years refer to by id.

Nothing about one municipality is written in code; another committee writes its own
`organisation.yaml` with its own breakdowns (accounts, units, activities, key figures), goals,
measures and conventions.
"""

from __future__ import annotations

from collections.abc import Iterator
from decimal import Decimal
from typing import Literal

from pydantic import Field, model_validator

from .common import Id, Strict

BeloppEnhet = Literal["kr", "tkr", "mkr"]
# The organisation's assessment scales (`skalor`), by the name outlines give them.
SkalaNamn = Literal["mal", "uppdrag", "internkontroll"]


class Rad(Strict):
    """A row of a breakdown (an account, a unit, an activity, a key figure), or a group of
    rows with a total of its own.

    A group's total row reads `summa` (printed after its rows, "Summa intäkter") or, with
    `placering: fore`, `namn` printed before its rows ("Antal anställda" above "- varav
    kvinnor"). `enhet` and `decimaler` are for rows that are not amounts (people, kr/dag,
    per cent); `minst` and `hogst` bound what its figures may be (no negative count, no sick
    leave above 100 %); `mal` ties a key figure to the goal it measures.
    """

    id: Id
    namn: str
    enhet: str | None = None
    decimaler: int | None = Field(default=None, ge=0, le=6)
    minst: Decimal | None = None
    hogst: Decimal | None = None
    mal: Id | None = None
    summa: str | None = None
    placering: Literal["fore", "efter"] = "efter"
    rader: list[Rad] = []

    @model_validator(mode="after")
    def _group_rows(self) -> Rad:
        if self.summa is not None and not self.rader:
            raise ValueError("summa labels the total of a group: give its rader too")
        return self

    @property
    def is_group(self) -> bool:
        return bool(self.rader)

    @property
    def total_label(self) -> str:
        return self.namn if self.placering == "fore" else (self.summa or f"Summa {self.namn}")

    def walk(self) -> Iterator[Rad]:
        """This row and every row below it, in order."""
        yield self
        for row in self.rader:
            yield from row.walk()


Rad.model_rebuild()


class Indelning(Strict):
    """A breakdown that tables are made of: its rows in order, and the label of its grand
    total (none: no total row).

    `exakt`: the figures are counts, not rounded amounts, so an entered total must equal its
    rows exactly (otherwise within the rounding tolerance of DESIGN.md §2).
    `samma_summa_som`: other breakdowns of the same total (a plan's budget per unit and its
    frame; a report's activities and its income statement): for every year and kind of figure
    both hold, their grand totals must agree.
    """

    namn: str | None = None
    summa: str | None = None
    enhet: str | None = None
    exakt: bool = False
    samma_summa_som: list[Id] = []
    rader: list[Rad] = Field(min_length=1)

    def walk(self) -> Iterator[Rad]:
        for row in self.rader:
            yield from row.walk()


class Mal(Strict):
    """A goal: a council goal (inriktningsmål), the committee's goal (nämndmål, resultatmål)
    under it, at any depth. Plans and reports refer to it by id, so its wording lives in one
    place. `niva` names the level as the documents do."""

    id: Id
    namn: str
    niva: str | None = None
    delmal: list[Mal] = []

    def walk(self) -> Iterator[Mal]:
        yield self
        for goal in self.delmal:
            yield from goal.walk()


Mal.model_rebuild()


class Fack(Strict):
    """A trade union that takes part in MBL consultations."""

    id: Id
    namn: str


class Person(Strict):
    """Someone who signs a document or attends a consultation.

    `fack` is set for union representatives; `titel` is the title printed under the name
    unless a document overrides it.
    """

    id: Id
    namn: str
    titel: str | None = None
    fack: Id | None = None


class Matt(Strict):
    """A monthly activity measure (verksamhetsmått). `aggregering` says whether its annual
    figure is the sum of the months (care days) or their mean (people, households, kronor)."""

    id: Id
    namn: str
    enhet: str
    aggregering: Literal["summa", "medel"]


class MattGrupp(Strict):
    """A heading under which the report groups its monthly measures."""

    id: Id
    namn: str
    matt: list[Matt] = Field(min_length=1)


class Skala(Strict):
    """The wording of a four-level scale, best level first."""

    niva1: str
    niva2: str
    niva3: str
    niva4: str


class Skalor(Strict):
    """The scales the annual report assesses goals, assignments and internal control on."""

    mal: Skala = Skala(
        niva1="Målet uppfylls i år",
        niva2="Målet uppfylls till stor del i år",
        niva3="Målet uppfylls delvis i år",
        niva4="Målet uppfylls inte i år",
    )
    uppdrag: Skala = Skala(
        niva1="Uppdraget är slutfört",
        niva2="Uppdraget pågår enligt plan",
        niva3="Uppdraget pågår med avvikelse",
        niva4="Uppdraget avbrutet eller har inte startat",
    )
    internkontroll: Skala = Skala(
        niva1="Ingen eller försumbar avvikelse",
        niva2="Lindrig avvikelse",
        niva3="Kännbar avvikelse",
        niva4="Allvarlig avvikelse",
    )


class Konventioner(Strict):
    """How the organisation's documents print derived figures; each is stated in the footnote
    of the tables that use it.

    `forandring`: the change from last year as |this| − |last| ("absolut": positive when a line
    grows, whether revenue or cost, as Solna prints it) or this − last on signed values
    ("signerad"). `procentbas`: a percentage change on last year's base (this / last − 1) or
    on this year's ((this − last) / this). `decimaler`: decimals of amounts (default one for
    mkr, none for tkr and kr).
    """

    forandring: Literal["absolut", "signerad"] = "absolut"
    procentbas: Literal["fjol", "i_ar"] = "fjol"
    decimaler: int | None = Field(default=None, ge=0, le=3)


class Organisation(Strict):
    """`data/organisation.yaml`."""

    kommun: str
    namnd: str
    forvaltning: str
    belopp_enhet: BeloppEnhet
    konventioner: Konventioner = Konventioner()
    indelningar: dict[Id, Indelning] = {}
    mal: list[Mal] = []
    personer: list[Person] = []
    fack: list[Fack] = []
    verksamhetsmatt: list[MattGrupp] = []
    skalor: Skalor = Skalor()

    def goals(self) -> dict[str, Mal]:
        """Every goal at any depth, by id."""
        return {goal.id: goal for top in self.mal for goal in top.walk()}

    def amount_decimals(self) -> int:
        if self.konventioner.decimaler is not None:
            return self.konventioner.decimaler
        return 1 if self.belopp_enhet == "mkr" else 0
