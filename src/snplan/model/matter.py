"""Matters put before the committee: the cover memo (tjänsteskrivelse) and the record of the
union consultation (MBL § 11 protocol)."""

from __future__ import annotations

import datetime as dt
from typing import Literal

from pydantic import Field, model_validator

from .common import Id, Section, Strict, Text


class Underskrift(Strict):
    """A signature line: a person from the organisation, or only a title when the document
    names no one (ÅR 2023 is signed "Tf. förvaltningschef")."""

    person: Id | None = None
    titel: str | None = None

    @model_validator(mode="after")
    def _someone(self) -> Underskrift:
        if self.person is None and self.titel is None:
            raise ValueError("a signature needs a person or a title")
        return self


class Bilaga(Strict):
    """An attachment printed with the matter (a report, a plan, a follow-up table)."""

    titel: str
    avsandare: str | None = None
    datum: dt.date | None = None
    diarienummer: str | None = None
    avsnitt: list[Section] = []


class Tjansteskrivelse(Strict):
    """`data/YEAR/arenden/SLUG.yaml`.

    The registration number and date are optional only because a source document may have
    lost them (the memo of ÅR 2023); `snplan list` reports a matter without them.
    `dokument` links the memo to the document it puts before the committee (for example
    `arsredovisning`), so the build can keep the two together.
    """

    diarienummer: str | None = None
    datum: dt.date | None = None
    titel: str
    avsandare: str | None = None
    dokument: Literal["verksamhetsplan", "arsredovisning"] | None = None
    forslag_till_beslut: Text
    sammanfattning: Text = ""
    avsnitt: list[Section] = []
    handlingar: list[str] = []
    underskrifter: list[Underskrift] = Field(default=[], min_length=0)
    expedieras_till: list[str] = []
    bilagor: list[Bilaga] = []


class Narvarande(Strict):
    """Who attended for the employer and for the employees."""

    arbetsgivare: list[Id] = Field(min_length=1)
    arbetstagare: list[Id] = Field(min_length=1)


class Paragraf(Strict):
    """A numbered paragraph of the protocol (numbered by its position).

    `protokollsanteckning` lists the unions whose protocol note the paragraph is;
    `avslutande` marks the closing paragraph.
    """

    rubrik: str | None = None
    text: Text
    protokollsanteckning: list[Id] = []
    avslutande: bool = False


class Stallningstagande(Strict):
    """A union's stance in the negotiation, and the paragraph that records it."""

    fack: Id
    stallning: Literal["enig", "oenig"]
    paragraf: int = Field(ge=1)


class Mbl(Strict):
    """`data/YEAR/mbl/SLUG.yaml`: förhandlingsprotokoll enligt MBL § 11."""

    arende: str
    diarienummer: str | None = None
    plats: str
    datum: dt.date
    tid_fran: str = Field(pattern=r"^([01]\d|2[0-3]):[0-5]\d$")
    tid_till: str = Field(pattern=r"^([01]\d|2[0-3]):[0-5]\d$")
    narvarande: Narvarande
    paragrafer: list[Paragraf] = Field(min_length=1)
    stallningstaganden: list[Stallningstagande] = []
    justeras: Narvarande
