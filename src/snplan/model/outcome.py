"""The outcome of one year (årsredovisning): `data/YEAR/arsredovisning.yaml`.

A year's outcome figures live in that year's file even when they were printed only as the
comparison column of the next report (2022's outcome comes from ÅR 2023). Such a file holds
just the figures; the narrative fields are optional.
"""

from __future__ import annotations

import datetime as dt
from typing import Literal

from pydantic import Field, field_validator

from .common import Amount, Count, Id, Section, Strict, Text, Tvarsektoriellt

Niva = Literal["niva1", "niva2", "niva3", "niva4"]


class Malbedomning(Strict):
    """The assessment of one committee goal.

    `bedomning` is a level of the organisation's goal scale (niva1 = met … niva4 = not met).
    """

    mal: Id
    bedomning: Niva
    matning: Text = ""
    text: Text = ""
    aktiviteter_text: Text = ""
    aktiviteter: list[str] = []


class UppdragStatus(Strict):
    """The status of an assignment on the organisation's assignment scale."""

    id: Id
    text: Text
    status: Niva
    kommentar: Text = ""


class Belopp(Strict):
    """Outcome with the budget and the last forecast of the same line (mkr/tkr as declared)."""

    utfall: Amount
    budget: Amount | None = None
    prognos: Amount | None = None


class Resultatrakning(Strict):
    """The income statement: one entry per account line, keyed by account id.

    Totals are the sums of their rows unless a printed total is entered in `summa_intakter`,
    `summa_kostnader` or `netto` because the rounded rows do not add up to it.
    """

    rader: dict[Id, Belopp]
    summa_intakter: Belopp | None = None
    summa_kostnader: Belopp | None = None
    netto: Belopp | None = None


class Verksamheter(Strict):
    """The per-activity table: net cost per activity, keyed by activity id."""

    rader: dict[Id, Belopp]
    netto: Belopp | None = None


class Investeringsrad(Strict):
    """An investment line; amounts are positive expenditure."""

    namn: str
    utfall: Amount
    budget: Amount | None = None
    prognos: Amount | None = None


class Ekonomi(Strict):
    """The economic analysis: prose before and after each table, and the tables' inputs."""

    driftredovisning: Section | None = None
    resultatrakning: Resultatrakning
    resultatrakning_kommentar: Text = ""
    verksamheter: Verksamheter | None = None
    verksamheter_kommentar: Text = ""
    investeringar: list[Investeringsrad] = []
    investeringar_text: Text = ""


class Personal(Strict):
    """Personnel figures at year end (significant personnel conditions)."""

    text: Text = ""
    antal_anstallda: Count
    kvinnor: Count
    man: Count
    arsarbetare: Amount = Field(ge=0)
    sjukfranvaro: Amount = Field(ge=0, le=100)
    hme: Amount | None = Field(default=None, ge=0, le=100)
    fotnoter: list[str] = []


class Upphandlingsuppfoljning(Strict):
    omrade: str
    uppfoljning: Text


class Konkurrensutsattning(Strict):
    """Procurement follow-up and contract follow-up."""

    upphandlingar_text: Text = ""
    upphandlingar: list[Upphandlingsuppfoljning] = []
    avtalsuppfoljning: Text = ""


class Kontrollresultat(Strict):
    """A row of the internal-control follow-up; `resultat` is a level of the control scale."""

    kategori: str
    process: str
    kontrollmoment: str
    resultat: Niva
    kommentar: Text = ""


class InternKontroll(Strict):
    text: Text = ""
    uppfoljning: list[Kontrollresultat] = []


class Verksamhetsmatt(Strict):
    """Monthly activity measures of the year: twelve values per measure, keyed by measure id."""

    text: Text = ""
    varden: dict[Id, list[Amount]] = {}

    @field_validator("varden")
    @classmethod
    def _twelve_months(cls, value: dict[str, list]) -> dict[str, list]:
        for key, series in value.items():
            if len(series) != 12:
                raise ValueError(
                    f"{key}: a monthly series has 12 values, this one has {len(series)}"
                )
        return value


class Aterrapporterat(Strict):
    """A committee decision reported back on."""

    sammantrade: dt.date
    organ: str = "SN"
    arende: str
    diarienummer: str | None = None
    beslut: Text
    aterrapportering: Text


class Aterrapportering(Strict):
    text: Text = ""
    beslut: list[Aterrapporterat] = []
    avslutning: Text = ""


class Arsredovisning(Strict):
    """`data/YEAR/arsredovisning.yaml`."""

    ar: int = Field(ge=1900, le=2200)
    titel: str | None = None
    diarienummer: str | None = None
    behandlas: dt.date | None = None
    sammanfattning: Section | None = None
    handelser: Section | None = None
    styrning: Section | None = None
    ansvarsomraden: Section | None = None
    mal_och_uppdrag_text: Text = ""
    namndmal_text: Text = ""
    malbedomningar: list[Malbedomning] = []
    nyckeltal: dict[Id, Amount] = {}
    uppdrag_text: Text = ""
    uppdrag: list[UppdragStatus] = []
    ekonomi: Ekonomi | None = None
    personal: Personal | None = None
    tvarsektoriellt: Tvarsektoriellt | None = None
    forvantad_utveckling: Section | None = None
    konkurrensutsattning: Konkurrensutsattning | None = None
    intern_kontroll: InternKontroll | None = None
    verksamhetsmatt: Verksamhetsmatt | None = None
    aterrapportering: Aterrapportering | None = None
