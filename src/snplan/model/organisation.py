"""The organisation: everything that is the same from year to year and that years refer to by id.

Nothing about one municipality is written in code; another committee writes its own
`organisation.yaml` with its own breakdowns (accounts, units, activities, key figures), goals,
measures and conventions.
"""

from __future__ import annotations

from collections.abc import Iterator
from decimal import Decimal
from typing import Annotated, Any, Literal

from pydantic import BeforeValidator, Field, StringConstraints, model_validator

from ..messages import _
from .common import Id, Strict

BeloppEnhet = Literal["kr", "tkr", "mkr"]


def _number_as_text(value: Any) -> Any:
    """An account or object written as a bare number in YAML (`konton: [31, 3100-3199]`) is
    its text: account numbers are names, not quantities."""
    if isinstance(value, int) and not isinstance(value, bool) and value >= 0:
        return str(value)
    return value


# An account (number, prefix or range: checked by the ledger rule, which can say why) or an
# object id as the ledger names it.
LedgerKey = Annotated[str, BeforeValidator(_number_as_text),
                      StringConstraints(min_length=1, max_length=100)]
# The organisation's assessment scales (`skalor`), by the name outlines give them.
SkalaNamn = Literal["mal", "uppdrag", "internkontroll"]
# What a row of a breakdown may be computed as from other rows, and from how many (None: two
# or more); each is defined once in `tables.ops`.
RadBerakning = Literal["summa", "differens", "kvot", "andel", "produkt"]
ROW_OPERANDS: dict[str, int | None] = {"summa": None, "differens": 2, "kvot": 2, "andel": 2,
                                       "produkt": None}
# The bases a percentage change may be taken on (DESIGN.md §3 and what other municipalities
# print): last year's (this / last − 1), this year's ((this − last) / this), or the size of
# either year ((this − last) / |last|, (this − last) / |this|: a cost that fell is a positive
# percentage, as the change is).
Procentbas = Literal["fjol", "i_ar", "fjol_absolut", "i_ar_absolut"]


class Rad(Strict):
    """A row of a breakdown (an account, a unit, an activity, a key figure), or a group of
    rows with a total of its own.

    A group's total row reads `summa` (printed after its rows, "Summa intäkter") or, with
    `placering: fore`, `namn` printed before its rows ("Antal anställda" above "- varav
    kvinnor"); with `summa: false` the group has no total: its `namn` is a heading row above
    its rows (key figures of different units must not be added up). `enhet` and `decimaler`
    are for rows that are not amounts (people, kr/dag, per cent); `minst` and `hogst` bound
    what its figures may be (no negative count, no sick leave above 100 %); `mal` ties a key
    figure to the goal it measures.

    A row may be computed from other rows of the breakdown (`berakning` over the rows `av`:
    `summa`, `differens`, `kvot`, `andel`, `produkt`), scaled by `faktor` (1000: kr a day from
    tkr and days); its figures are never entered, and it is not added into any total. A row
    `utanfor_summa` is printed in the table but not added into its group's or the grand
    total (a line of counts under a table of amounts; at the top level it is printed after
    the grand total).

    A row of a breakdown that reads the ledger (`bokforing` in `organisation.yaml`) names what
    of the ledger it holds: `konton`, accounts by number, prefix (`31`) or range of prefixes
    (`3100-3199`), and/or `objekt`, object ids of the breakdown's `dimension` (a unit's cost
    centres). A row with both holds those accounts booked on those objects. Its outcome is then
    read from the year's export, never typed, so the controller retypes nothing.
    """

    id: Id
    namn: str
    konton: list[LedgerKey] = []
    objekt: list[LedgerKey] = []
    enhet: str | None = None
    decimaler: int | None = Field(default=None, ge=0, le=6)
    minst: Decimal | None = None
    hogst: Decimal | None = None
    mal: Id | None = None
    summa: str | bool | None = None
    placering: Literal["fore", "efter"] = "efter"
    berakning: RadBerakning | None = None
    av: list[Id] = []
    faktor: Decimal | None = None
    utanfor_summa: bool = False
    rader: list[Rad] = []

    @model_validator(mode="after")
    def _group_rows(self) -> Rad:
        if self.summa is not None and self.summa is not False and not self.rader:
            raise ValueError(_("summa labels the total of a group: give its rader too"))
        if self.summa is True:
            raise ValueError(_("summa is the label of a group's total (or false for a group "
                               "without one)"))
        if self.berakning is not None:
            if self.rader:
                raise ValueError(_("a computed row (berakning) is not a group: it has no rader"))
            wanted = ROW_OPERANDS[self.berakning]
            if (wanted is None and len(self.av) < 2) or (wanted and len(self.av) != wanted):
                raise ValueError(_("{berakning} is computed from {wanted} rows (av), not {av}")
                    .format(
                                     berakning=self.berakning,
                                     wanted='two or more' if wanted is None else wanted,
                                     av=len(self.av)))
            if self.id in self.av:
                raise ValueError(_("a row cannot be computed from itself"))
        elif self.av:
            raise ValueError(_("av lists the rows a computed row (berakning) uses"))
        elif self.faktor is not None:
            raise ValueError(_("faktor scales a computed row (berakning)"))
        if (self.konton or self.objekt) and (self.rader or self.berakning is not None):
            raise ValueError(_("konton and objekt map the ledger onto a row that holds figures: "
                               "a group adds up its rows and a computed row is computed, so "
                               "neither names accounts or objects"))
        return self

    @property
    def computed(self) -> bool:
        return self.berakning is not None

    @property
    def has_total(self) -> bool:
        return self.is_group and self.summa is not False

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
    `dimension`: the SIE dimension (`#DIM`) whose objects the rows' `objekt` name (1 is
    kostnadsställe/ansvar in SIE's numbering, 6 projekt); required when a row names objects.
    """

    namn: str | None = None
    summa: str | None = None
    enhet: str | None = None
    exakt: bool = False
    dimension: int | None = Field(default=None, ge=1)
    samma_summa_som: list[Id] = []
    rader: list[Rad] = Field(min_length=1)

    def walk(self) -> Iterator[Rad]:
        for row in self.rader:
            yield from row.walk()

    @model_validator(mode="after")
    def _computed_rows(self) -> Indelning:
        """A computed row uses rows of its own breakdown, and no row is computed from itself
        however indirectly."""
        rows = {r.id: r for r in self.walk()}
        for row in rows.values():
            for ref in row.av:
                if ref not in rows:
                    raise ValueError(_("row '{id}' is computed from '{ref}', which is not a row "
                                       "of this breakdown").format(id=row.id, ref=ref))
        for start in rows:
            stack, seen = list(rows[start].av), set()
            while stack:
                current = stack.pop()
                if current == start:
                    raise ValueError(_("row '{start}' is computed from itself (through the rows "
                                       "it uses)").format(start=start))
                if current not in seen:
                    seen.add(current)
                    stack.extend(rows[current].av)
        if self.dimension is None and any(r.objekt for r in rows.values()):
            raise ValueError(_("rows name objects (objekt): say which dimension they belong to "
                               "(dimension: 1 for the ledger's cost centres, or the number #DIM "
                               "gives)"))
        return self

    def reads_ledger(self) -> bool:
        """Whether the breakdown's outcome is read from the ledger: some row maps accounts or
        objects."""
        return any(r.konton or r.objekt for r in self.walk())


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
    procentbas: Procentbas = "fjol"
    decimaler: int | None = Field(default=None, ge=0, le=3)


class Bokforing(Strict):
    """How the year's ledger export (`data/YEAR/bokforing/*.se`, SIE 4) becomes figures.

    `tecken`: SIE books revenue as credit, a negative balance, and cost as a positive one;
    snplan prints revenue positive and cost negative, so by default (`intakter_positiva`) a
    balance changes sign; `som_i_filen` keeps the file's sign. `varde`: the kind of figure
    the ledger gives (the outcome, `utfall`). `budget`: the kind of figure the export's
    `#PBUDGET` gives (`budget`), where the budget is kept in the accounting system; by default
    none, and the budget is entered in the plan. Amounts are kronor in the file and are
    divided into the organisation's `belopp_enhet` exactly, rounded only when printed.
    """

    tecken: Literal["intakter_positiva", "som_i_filen"] = "intakter_positiva"
    varde: Id = "utfall"
    budget: Id | None = None

    @model_validator(mode="after")
    def _two_kinds(self) -> Bokforing:
        if self.budget is not None and self.budget == self.varde:
            raise ValueError(_("the budget (#PBUDGET) and the outcome (#RES, #PSALDO) are two "
                               "kinds of figure; give budget another name than varde"))
        return self


class Organisation(Strict):
    """`data/organisation.yaml`."""

    kommun: str
    namnd: str
    forvaltning: str
    belopp_enhet: BeloppEnhet
    bokforing: Bokforing = Bokforing()
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
