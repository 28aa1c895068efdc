"""The plan and budget (verksamhetsplan och budget) of one year: `data/YEAR/verksamhetsplan.yaml`.

A year whose plan is only known through a later plan's comparison column (for example 2019,
which VP 2020 compares with) holds just its `budget`; every narrative field is optional so
that such a file is valid, and `snplan list` says what a full document still lacks.
"""

from __future__ import annotations

import datetime as dt

from pydantic import Field, model_validator

from .common import Amount, Id, Section, Strict, Text, Tvarsektoriellt


class Overgripande(Strict):
    """One of the city's overall goals, with the paragraph that explains it."""

    rubrik: str
    text: Text


class Vision(Strict):
    """The city's vision and overall goals, as the plan quotes them."""

    inledning: Text = ""
    vision: Text
    mal_inledning: Text = ""
    overgripande_mal: list[Overgripande] = []


class Aktivitet(Strict):
    """A row of a goal's activity table: what will be done and how."""

    namn: str
    beskrivning: Text


class MalPlan(Strict):
    """A committee goal as planned: its activities and the measures that will show progress.

    `matt_saknas` holds the sentence printed when a goal has no measures.
    """

    mal: Id
    aktiviteter: list[Aktivitet] = []
    matt: list[str] = []
    matt_saknas: str | None = None


class Uppdrag(Strict):
    """An assignment (uppdrag) given to the committee by the city council."""

    id: Id
    text: Text


class Driftbudget(Strict):
    """The operating budget: revenue and costs for the committee, net per unit.

    Revenue is positive, costs negative. `netto` is entered only where the printed total
    differs from revenue + costs because of rounding; it is then checked against them.
    """

    intakter: Amount
    kostnader: Amount
    netto: Amount | None = None
    per_enhet: dict[Id, Amount] = {}
    summa_per_enhet: Amount | None = None


class Investering(Strict):
    """A line of the investment budget; amounts are positive expenditure."""

    namn: str
    belopp: Amount


class Budget(Strict):
    """The budget chapter: prose around the tables and the tables' inputs."""

    text: Text = ""
    drift: Driftbudget
    per_enhet_text: Text = ""
    investeringar: list[Investering] = []
    investeringar_text: Text = ""


class Taxa(Strict):
    """A row of the fees table (taxor och avgifter)."""

    namn: str
    beslutad_av: str
    beslutsdatum: dt.date
    status: str
    nytt_beslut: dt.date | None = None
    galler_fran: dt.date


class Taxor(Strict):
    text: Text = ""
    rader: list[Taxa] = []


class Kvalitetsdeklaration(Strict):
    namn: str
    beslutsdatum: dt.date
    status: str


class Kvalitetsdeklarationer(Strict):
    text: Text = ""
    rader: list[Kvalitetsdeklaration] = []


class OrganisationsLista(Strict):
    """A heading of the organisation chapter with its bullet list."""

    rubrik: str
    punkter: list[str]


class Upphandlingsavtal(Strict):
    """A contract to be procured again (befintliga avtal som ska upphandlas på nytt)."""

    namn: str
    diarienummer: str


class Konkurrensutsattning(Strict):
    text: Text = ""
    avtal: list[Upphandlingsavtal] = []
    nya_behov: list[str] = []


class Internkontrollrad(Strict):
    """A row of the internal control plan.

    The risk index is likelihood × consequence (each 1–4). Give either `riskindex` (as the
    source documents do) or `sannolikhet` and `konsekvens`, from which the index is computed.
    """

    kategori: str
    process: str
    riskindex: int | None = None
    sannolikhet: int | None = Field(default=None, ge=1, le=4)
    konsekvens: int | None = Field(default=None, ge=1, le=4)
    risker: Text
    kontrollmoment: list[str] = Field(min_length=1)

    @model_validator(mode="after")
    def _one_way_to_the_index(self) -> Internkontrollrad:
        given = self.sannolikhet is not None, self.konsekvens is not None
        if self.riskindex is None and not all(given):
            raise ValueError("give riskindex, or both sannolikhet and konsekvens")
        if self.riskindex is not None and any(given):
            raise ValueError(
                "give riskindex or sannolikhet and konsekvens, not both: the index is computed"
            )
        if any(given) and not all(given):
            raise ValueError("sannolikhet and konsekvens go together")
        return self


class InternKontroll(Strict):
    text: Text = ""
    plan: list[Internkontrollrad] = []


class Verksamhetsplan(Strict):
    """`data/YEAR/verksamhetsplan.yaml`."""

    ar: int = Field(ge=1900, le=2200)
    titel: str | None = None
    diarienummer: str | None = None
    sammanfattning: Section | None = None
    ansvarsomraden: Section | None = None
    styrning: Section | None = None
    vision: Vision | None = None
    namndmal_text: Text = ""
    namndmal: list[MalPlan] = []
    uppdrag_text: Text = ""
    uppdrag: list[Uppdrag] = []
    lopande_verksamhet: Section | None = None
    framtida_utmaningar: Section | None = None
    kvalitetsdeklarationer: Kvalitetsdeklarationer | None = None
    organisation: list[OrganisationsLista] = []
    budget: Budget | None = None
    taxor: Taxor | None = None
    medarbetare: Section | None = None
    kvalitetsarbete: Section | None = None
    tvarsektoriellt: Tvarsektoriellt | None = None
    forvantad_utveckling: Section | None = None
    konkurrensutsattning: Konkurrensutsattning | None = None
    intern_kontroll: InternKontroll | None = None
