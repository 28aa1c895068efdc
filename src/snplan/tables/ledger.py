"""A breakdown's outcome read from the year's ledger export through `organisation.yaml`'s
mapping: which part of which account's balance each row holds.

The ledger is cut into parts: each result account's year balance, or, for a breakdown whose
rows name objects of a dimension, each account's balance on each object of that dimension and
the rest of the account booked on none of them. Every part must fall to exactly one row (the
rule `rules.ledger.check_ledger` says which do not), so that nothing is lost and nothing is
counted twice. A row's figure is the sum of its parts in öre, turned into the organisation's
sign and unit exactly; only printing rounds it, so the rows of a table read from the ledger
add up to its totals to the öre.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from decimal import Decimal
from typing import TYPE_CHECKING

from ..messages import _
from ..model.organisation import Indelning, Organisation, Rad
from ..source.sie import AccountPattern, Ledger, Period
from .format import number

if TYPE_CHECKING:
    from ..source.load import Dataset

# kronor in one unit of `belopp_enhet`
SCALE = {"kr": Decimal(1), "tkr": Decimal(1000), "mkr": Decimal(1_000_000)}


@dataclass(frozen=True)
class Part:
    """A piece of the ledger: an account's year balance as the file books it (kronor, credit
    negative), or its part on one object (`object`: dimension and id), or, with `rest`, what of
    it lies on no object of the breakdown's dimension."""

    account: str
    balance: Decimal
    object: tuple[int, str] | None = None
    rest: bool = False

    def describe(self, ledger: Ledger) -> str:
        name = ledger.accounts.get(self.account)
        text = f"account {self.account}"
        if name is not None and name.name:
            text += f" {name.name}"
        if self.object is not None:
            dimension, ident = self.object
            label = ledger.objects.get(self.object)
            text += f" on object {ident}" + (f" {label}" if label else "") + \
                f" (dimension {dimension})"
        elif self.rest:
            text += _(" on no object of the breakdown's dimension")
        return text


@dataclass
class Mapping:
    """One breakdown mapped onto one year's ledger."""

    breakdown_id: str
    breakdown: Indelning
    ledger: Ledger
    year: int
    scale: Decimal
    sign: Decimal
    rows: dict[str, list[Part]] = field(default_factory=dict)  # mapped row id → its parts
    unmapped: list[Part] = field(default_factory=list)
    twice: list[tuple[Part, list[str]]] = field(default_factory=list)
    bad_patterns: dict[str, list[tuple[int, str, str]]] = field(default_factory=dict)
    through: Period | None = None  # a period report's last month; None: the whole year

    def figure(self, kronor: Decimal) -> Decimal:
        """A balance in the file's kronor as snplan's figure: the organisation's sign, its
        unit, exact (zero is 0, never -0)."""
        value = self.sign * kronor / self.scale
        return value if value else Decimal(0)

    def kronor(self, row_id: str) -> Decimal:
        """A mapped row's balance in kronor with snplan's sign (revenue positive)."""
        return self.sign * sum((p.balance for p in self.rows.get(row_id, [])), Decimal(0))

    def value(self, row_id: str) -> Decimal:
        """A mapped row's figure in the organisation's unit (0 for a row whose accounts have
        no balance: nothing was booked there)."""
        return self.figure(sum((p.balance for p in self.rows.get(row_id, [])), Decimal(0)))

    def ledger_total(self) -> Decimal:
        """Every result account's balance summed, in the file's kronor."""
        total = Decimal(0)
        objects = _single_objects(self.ledger, self.through)
        for account in self.ledger.result_accounts():
            value = account_total(self.ledger, account, objects, self.through)
            if value is not None:
                total += value
        return total

    def mapped_total(self) -> Decimal:
        """The mapped rows' balances summed, in the file's kronor (a part in two rows counts
        twice, as the table would count it)."""
        return sum((p.balance for parts in self.rows.values() for p in parts), Decimal(0))


def mapped_rows(breakdown: Indelning) -> list[Rad]:
    """The rows of a breakdown that read the ledger."""
    return [r for r in breakdown.walk() if r.konton or r.objekt]


def _patterns(row: Rad, bad: list[tuple[int, str, str]]) -> list[AccountPattern]:
    found = []
    for index, text in enumerate(row.konton):
        try:
            found.append(AccountPattern.parse(text))
        except ValueError as error:
            bad.append((index, text, str(error)))
    return found


ObjectBalances = dict[str, list[tuple[tuple[int, str], Decimal]]]


def _single_objects(ledger: Ledger, through: Period | None = None) -> ObjectBalances:
    """Each account's year balance on each single object (up to `through`), by account."""
    found: ObjectBalances = {}
    for (account, obj), value in sorted(ledger.object_year_results(0, through).items()):
        found.setdefault(account, []).append((obj, value))
    return found


def account_total(ledger: Ledger, account: str, objects: ObjectBalances,
                  through: Period | None = None) -> Decimal | None:
    """An account's year balance: its #RES (or its periods); for a file that gives it only on
    objects, the sum over the objects of its lowest dimension (each transaction lies on one
    object of a dimension, so one dimension's objects add up to the account without counting
    anything twice). None when the file has no figure for it at all. Up to a month
    (`through`, a period report's) it is the sum of the account's #PSALDO to that month."""
    total = (ledger.year_result(account) if through is None
             else ledger.period_total(account, through, year=0))
    if total is not None:
        return total
    pieces = objects.get(account, [])
    if not pieces:
        return None
    lowest = min(obj[0] for obj, _unused in pieces)
    return sum((v for obj, v in pieces if obj[0] == lowest), Decimal(0))


def _parts(ledger: Ledger, dimension: int | None, through: Period | None = None
           ) -> list[Part]:
    """The ledger's result balances of the year (or up to the month `through`), cut by the
    objects of `dimension`."""
    objects = _single_objects(ledger, through)
    parts = []
    for account in ledger.result_accounts():
        total = account_total(ledger, account, objects, through)
        if total is None:
            continue
        pieces = [(obj, v) for obj, v in objects.get(account, []) if obj[0] == dimension]
        for obj, value in pieces:
            if value != 0:
                parts.append(Part(account, value, obj))
        placed = sum((v for _unused, v in pieces), Decimal(0))
        rest = total - placed
        if rest != 0:
            parts.append(Part(account, rest, None, rest=dimension is not None))
    return parts


def _matches(row: Rad, patterns: list[AccountPattern], part: Part,
             dimension: int | None) -> bool:
    if patterns and not any(p.matches(part.account) for p in patterns):
        return False
    if row.objekt:
        if part.object is None or part.object[0] != dimension:
            return False
        return part.object[1] in row.objekt
    return bool(patterns)


def map_breakdown(org: Organisation, breakdown_id: str, breakdown: Indelning,
                  ledger: Ledger, year: int, through: Period | None = None) -> Mapping:
    """Which parts of the ledger each mapped row of the breakdown holds, and which parts fall
    to no row or to more than one; the year's balances, or up to the month `through`."""
    sign = Decimal(-1) if org.bokforing.tecken == "intakter_positiva" else Decimal(1)
    mapping = Mapping(breakdown_id, breakdown, ledger, year, SCALE[org.belopp_enhet], sign,
                      through=through)
    rows = mapped_rows(breakdown)
    patterns: dict[str, list[AccountPattern]] = {}
    for row in rows:
        bad: list[tuple[int, str, str]] = []
        patterns[row.id] = _patterns(row, bad)
        if bad:
            mapping.bad_patterns[row.id] = bad
        mapping.rows[row.id] = []
    for part in _parts(ledger, breakdown.dimension, through):
        owners = [r.id for r in rows if _matches(r, patterns[r.id], part, breakdown.dimension)]
        for owner in owners:
            mapping.rows[owner].append(part)
        if not owners:
            mapping.unmapped.append(part)
        elif len(owners) > 1:
            mapping.twice.append((part, owners))
    return mapping


def budget_ledger(ledger: Ledger) -> Ledger:
    """The export's budget (#PBUDGET) as a ledger of its own: its months are the budget's, so
    the mapping reads it as it reads the outcome's periods (and never the outcome's #RES)."""
    return replace(ledger, results={}, periods=dict(ledger.budgets), budgets={},
                   results_from_vouchers=set(), periods_from_vouchers=set())


def mapping_of(ds: Dataset, year: int, breakdown_id: str, month: int | None = None,
               budget: bool = False) -> Mapping | None:
    """The mapping of a breakdown onto a year's ledger (made once per dataset), or None when
    the breakdown reads no ledger or the year has no single export. With `month` (a period
    report's), the balances are the #PSALDO of the year's months up to it; with `budget`, the
    year's #PBUDGET."""
    org = ds.organisation
    entry = ds.years.get(year)
    if org is None or entry is None or entry.ledger is None:
        return None
    breakdown = org.indelningar.get(breakdown_id)
    if breakdown is None or not breakdown.reads_ledger():
        return None
    through = None
    if month is not None:
        through = entry.ledger.month_of_year(month)
        if through is None:
            return None
    cache = ds.cache.setdefault("ledger", {})
    key = (year, breakdown_id, month, budget)
    if key not in cache:
        ledger = budget_ledger(entry.ledger) if budget else entry.ledger
        cache[key] = map_breakdown(org, breakdown_id, breakdown, ledger, year, through)
    mapping: Mapping = cache[key]
    return mapping


def kronor_text(value: Decimal) -> str:
    """An amount of kronor for a message: rounded to the öre for display only, in Swedish
    format ("-198 847 441,75", never "-198847441.750000")."""
    return number(value, 2)
