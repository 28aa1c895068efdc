"""What a data file says about the document itself, beside its blocks: the year, the title,
the registration number, dates. The blocks a file may hold come from the document kind's
outline (`model.disposition`); `model.files` puts the two together."""

from __future__ import annotations

import datetime as dt

from pydantic import Field

from .common import Strict

Year = int


class PlanMeta(Strict):
    """`data/YEAR/verksamhetsplan.yaml`: the plan and budget of one year. A year known only
    through a later plan's comparison column holds just the blocks with those figures."""

    ar: int = Field(ge=1900, le=2200)
    titel: str | None = None
    diarienummer: str | None = None
    behandlas: dt.date | None = None


class ReportMeta(Strict):
    """`data/YEAR/arsredovisning.yaml`: the outcome of one year (the annual report). A year
    known only through the next report's comparison columns holds just those figures."""

    ar: int = Field(ge=1900, le=2200)
    titel: str | None = None
    diarienummer: str | None = None
    behandlas: dt.date | None = None


class PeriodMeta(Strict):
    """`data/YEAR/KIND.yaml` of a period report (delårsrapport, tertialrapport, or a kind an
    organisation defines by its outline): the outcome up to the period's month, the forecast
    for the whole year and the prose. The period itself is the outline's to say, not the
    file's, so every year's report of one kind covers the same months."""

    ar: int = Field(ge=1900, le=2200)
    titel: str | None = None
    diarienummer: str | None = None
    behandlas: dt.date | None = None


class MemoMeta(Strict):
    """`data/YEAR/arenden/SLUG.yaml`: a cover memo (tjänsteskrivelse).

    The registration number and date are optional only because a source document may have
    lost them (the memo of ÅR 2023); `validate` warns and the built memo says so. `dokument`
    links the memo to the document it puts before the committee, whose figures it may quote.
    """

    diarienummer: str | None = None
    datum: dt.date | None = None
    titel: str
    avsandare: str | None = None
    dokument: str | None = None


class MblMeta(Strict):
    """`data/YEAR/mbl/SLUG.yaml`: förhandlingsprotokoll enligt MBL § 11."""

    arende: str
    diarienummer: str | None = None
    plats: str
    datum: dt.date
    tid_fran: str = Field(pattern=r"^([01]\d|2[0-3]):[0-5]\d$")
    tid_till: str = Field(pattern=r"^([01]\d|2[0-3]):[0-5]\d$")
