"""The organisation: everything that is the same from year to year and that years refer to by id.

Nothing about one municipality is written in code; another committee writes its own
`organisation.yaml` with its own units, goals, accounts and measures.
"""

from __future__ import annotations

from typing import Literal

from pydantic import Field

from .common import Id, Strict

BeloppEnhet = Literal["kr", "tkr", "mkr"]


class Enhet(Strict):
    """An organisational unit that carries a budget in the plan (VP per-unit table)."""

    id: Id
    namn: str


class Verksamhet(Strict):
    """An activity line of the annual report's per-activity table (may differ from the units)."""

    id: Id
    namn: str


class Konto(Strict):
    """A line of the income statement; `typ` decides whether it sums into revenue or costs."""

    id: Id
    namn: str
    typ: Literal["intakt", "kostnad"]


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


class Namndmal(Strict):
    """A committee goal (nämndmål). Plans and reports refer to it by id, so its wording
    lives in one place."""

    id: Id
    namn: str


class Nyckeltal(Strict):
    """A key figure reported under a goal in the annual report (one value per year)."""

    id: Id
    namn: str
    enhet: str
    mal: Id | None = None


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


class Organisation(Strict):
    """`data/organisation.yaml`."""

    kommun: str
    namnd: str
    forvaltning: str
    belopp_enhet: BeloppEnhet
    enheter: list[Enhet] = Field(min_length=1)
    verksamheter: list[Verksamhet] = []
    konton: list[Konto] = []
    personer: list[Person] = []
    fack: list[Fack] = []
    namndmal: list[Namndmal] = []
    nyckeltal: list[Nyckeltal] = []
    verksamhetsmatt: list[MattGrupp] = []
    internkontroll_kategorier: list[str] = []
    skalor: Skalor = Skalor()
