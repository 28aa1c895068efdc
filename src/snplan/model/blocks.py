"""What the data holds for each type of block. A data file maps block keys (named by the
document's outline) to content of the block's type.

Most content models are fixed; a table's rows depend on its columns, so `content_model` builds
the model of one block from its outline entry (see `documents.schema_for`).
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Annotated, Any, Literal

from pydantic import (
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    create_model,
    model_validator,
)

from .common import (
    Amount,
    FreeCell,
    FreeColumnItem,
    Id,
    Lines,
    Section,
    Strict,
    Tabell,
    Text,
    named,
)
from .disposition import Kapitel, TabellSpec

Niva = Literal["niva1", "niva2", "niva3", "niva4"]


# ------------------------------------------------------------------------------- goal chain


class Aktivitet(Strict):
    """An activity, with its description where the plan gives one (a row of the plan's
    activity table; a report lists activities by name)."""

    namn: str
    beskrivning: Text | None = None


class MattPlan(Strict):
    """A measure of a goal: what is measured, in which unit, from which baseline, to which
    target level per year; in a report also its outcome and assessment."""

    namn: str
    enhet: str | None = None
    utgangsvarde: Amount | None = None
    malvarden: dict[int, Amount] = {}
    utfall: Amount | None = None
    bedomning: Niva | None = None
    kommentar: Text = ""


class MalNod(Strict):
    """One goal (or assignment) of a chain: a goal of the organisation (`mal`, its id) or one
    named here (`namn`), with prose, an assessment (in a report), activities, measures and the
    goals under it (`delmal`)."""

    mal: Id | None = None
    id: Id | None = None
    namn: str | None = None
    niva: str | None = None
    bedomning: Niva | None = None
    matning: Text = ""
    text: Text = ""
    aktiviteter_text: str | None = None
    aktiviteter: list[Annotated[Aktivitet, named("namn", Aktivitet)]] = []
    matt: list[Annotated[MattPlan, named("namn", MattPlan)]] = []
    matt_saknas: str | None = None
    delmal: list[MalNod] = []

    @model_validator(mode="after")
    def _named(self) -> MalNod:
        if (self.mal is None) == (self.namn is None):
            raise ValueError("a goal is either one of the organisation's (mal: ID) or named "
                             "here (namn: TEXT)")
        return self


MalNod.model_rebuild()


class MalBlock(Strict):
    """A goal chain: prose before it, the vision it starts from (printed in italics), prose
    before the goals, and the goals."""

    text: Text = ""
    vision: Text = ""
    mal_text: Text = ""
    mal: list[MalNod] = []


class UppdragBlock(Strict):
    """Assignments given to the committee (uppdrag), assessed on the assignment scale."""

    text: Text = ""
    uppdrag: list[MalNod] = []


# ------------------------------------------------------------------------------- tables


class FiguresRow(BaseModel):
    """A row of a table of a breakdown: its figures by kind (`budget: -17.3`), and a label
    used this year only (`namn`, where a document printed a row differently)."""

    model_config = ConfigDict(extra="allow", validate_default=True)
    __pydantic_extra__: dict[str, Amount] = Field(init=False)  # type: ignore[assignment]
    namn: str | None = None

    def figures(self) -> dict[str, Decimal]:
        return dict(self.__pydantic_extra__ or {})


_TABLE_KEYS = frozenset({"rubrik", "text", "kolumner", "rader", "efter", "fotnoter"})


def _table_shorthand(value: Any) -> Any:
    """A table written as just its rows: `driftbudget: {intakter: 42.4, kostnader: -268.6}` or
    a list of rows."""
    if isinstance(value, list):
        return {"rader": value}
    if isinstance(value, dict) and value and not (set(value) & _TABLE_KEYS):
        return {"rader": value}
    return value


class TableContent(Strict):
    """The common fields of a table block: prose before (`text`) and after (`efter`) it, a
    caption of this year (`rubrik`), footnotes, and its rows."""

    rubrik: str | None = None
    text: Text = ""
    efter: Text = ""
    fotnoter: list[str] = []


def _figure_row(value: Any, standard: str | None) -> Any:
    if isinstance(value, int | float | Decimal | str) and not isinstance(value, bool):
        if standard is None:
            return value  # let validation say a mapping of figures is expected
        return {standard: value}
    return value


_TABLE_MODELS: dict[str, Any] = {}


def _table_model(spec: TabellSpec) -> Any:
    """The content model of one table block (made once per distinct table)."""
    key = spec.model_dump_json()
    if key not in _TABLE_MODELS:
        _TABLE_MODELS[key] = _new_table_model(spec)
    return _TABLE_MODELS[key]


def _new_table_model(spec: TabellSpec) -> Any:
    name = "Tabell"
    if spec.indelning is not None:
        standard = spec.standard

        def row(value: Any) -> Any:
            return _figure_row(value, standard)

        Row = Annotated[FiguresRow, BeforeValidator(  # noqa: N806
            row, json_schema_input_type=FiguresRow | Amount)]
        model = create_model(name, __base__=TableContent, rader=(dict[Id, Row], {}))
        shorthand: Any = dict[Id, FiguresRow | Amount]
    elif not spec.kolumner:
        model = create_model(name, __base__=TableContent,
                             kolumner=(list[FreeColumnItem], Field(min_length=1)),
                             rader=(list[list[FreeCell]], []))
        shorthand = None
    else:
        row_model = _data_row_model(spec)
        model = create_model(name, __base__=TableContent, rader=(list[row_model], []))
        shorthand = list[row_model]
    accepted = model if shorthand is None else model | shorthand
    return Annotated[model, BeforeValidator(_table_shorthand, json_schema_input_type=accepted)]


_FIELD_TYPES: dict[str | None, Any] = {
    None: Text, "text": Text, "belopp": Amount, "tal": Amount, "procent": Amount,
    "datum": dt.date, "lista": list[str], "bedomning": Niva,
}


def _data_row_model(spec: TabellSpec) -> type[BaseModel]:
    """The model of a row entered in the data: the fields and figures its columns read."""
    fields: dict[str, Any] = {"id": (Id | None, None)}
    figure_kinds = {c.varde for c in spec.kolumner if c.varde} | {
        c.inmatad for c in spec.kolumner if c.inmatad}
    operands = {ref for c in spec.kolumner for ref in c.av}
    for column in spec.kolumner:
        if column.falt is not None:
            kind = Lines if column.typ == "lista" else _FIELD_TYPES[column.typ]
            fields[column.falt] = (kind | None, None)
        if column.kommentar is not None:
            fields[column.kommentar] = (Text, "")
    for kind in figure_kinds:
        fields.setdefault(kind, (Amount | None, None))
    for ref in operands:  # a computed column may use a field column's value
        fields.setdefault(ref, (Amount | None, None))
    fields.setdefault(spec.radnamn, (str | None, None))
    return create_model("Rad", __base__=Strict, **fields)


# ------------------------------------------------------------------------------- monthly


class ManadsmattBlock(Strict):
    """Monthly activity measures of the year: twelve values per measure, keyed by measure id."""

    text: Text = ""
    varden: dict[Id, list[Amount]] = {}

    @model_validator(mode="after")
    def _twelve_months(self) -> ManadsmattBlock:
        for key, series in self.varden.items():
            if len(series) != 12:
                raise ValueError(
                    f"{key}: a monthly series has 12 values, this one has {len(series)}")
        return self


# ------------------------------------------------------------------------------- memos


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


class Narvarande(Strict):
    """Who attended (or signs) for the employer and for the employees."""

    arbetsgivare: list[Id] = Field(min_length=1)
    arbetstagare: list[Id] = Field(min_length=1)


class Stallningstagande(Strict):
    """A union's stance, recorded in the paragraph that holds it."""

    fack: Id
    stallning: Literal["enig", "oenig"]


class Paragraf(Strict):
    """A numbered paragraph of the protocol (numbered by its position).

    `protokollsanteckning` lists the unions whose protocol note the paragraph is;
    `avslutande` marks the closing paragraph.
    """

    rubrik: str | None = None
    text: Text
    protokollsanteckning: list[Id] = []
    stallningstaganden: list[Stallningstagande] = []
    avslutande: bool = False


# ------------------------------------------------------------------------------- registry

FIXED: dict[str, Any] = {
    "text": Section,
    "mal": MalBlock,
    "uppdrag": UppdragBlock,
    "manadsmatt": ManadsmattBlock,
    "lista": list[str],
    "avsnitt": list[Section],
    "bilagor": list[Bilaga],
    "underskrifter": list[Underskrift],
    "narvarande": Narvarande,
    "justering": Narvarande,
    "paragrafer": Annotated[list[Paragraf], Field(min_length=1)],
}


def content_model(node: Kapitel) -> Any:
    """The type of the content of one block of an outline."""
    if node.typ == "tabell":
        assert node.tabell is not None
        return _table_model(node.tabell)
    return FIXED[node.typ or "text"]


__all__ = ["Aktivitet", "Bilaga", "FiguresRow", "MalBlock", "MalNod", "ManadsmattBlock",
           "MattPlan", "Narvarande", "Paragraf", "Stallningstagande", "Tabell",
           "TableContent", "Underskrift", "UppdragBlock", "content_model"]
