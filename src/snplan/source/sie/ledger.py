"""What a SIE file says, as plain data, and the few questions the rest of snplan asks of it.

Balances are kept as the file gives them, keyed by year index, account and object list. An
object list is a sorted tuple of (dimension, object id) pairs; () is the account itself. A
balance with objects is what the file says for the transactions that carry all of them (SIE's
`#PSALDO 0 202301 3010 {1 "100"}` is the part of account 3010 booked on object 100), so an
object filter is answered by the balance whose object list is exactly the filter; it is never
added up from balances of other lists, which would count a transaction once per list it is in.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Hashable, Iterable, Iterator
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from functools import cached_property
from typing import TypeVar

from ...messages import _
from ...problems import Problem
from .fields import Objects, Period

# SIE's account types: T tillgång, S skuld or eget kapital, K kostnad, I intäkt.
ACCOUNT_TYPES = frozenset("TSKI")
RESULT_TYPES = frozenset("KI")
# BAS classes of the result accounts, for a file that gives no #KTYP.
RESULT_CLASSES = frozenset("345678")

K = TypeVar("K", bound=Hashable)
AccountYear = tuple[int, str]
BalanceKey = tuple[int, str, Objects]
PeriodKey = tuple[int, Period, str, Objects]


@dataclass(frozen=True, slots=True)
class Amount:
    """An amount with the quantity SIE may give beside it (hours, days, pieces). With slots:
    a ledger holds one per key, hundreds of thousands of them."""

    amount: Decimal
    quantity: Decimal | None = None

    def plus(self, other: Amount) -> Amount:
        if self.quantity is None and other.quantity is None:
            return Amount(self.amount + other.amount)
        return Amount(self.amount + other.amount,
                      (self.quantity or Decimal(0)) + (other.quantity or Decimal(0)))


@dataclass(frozen=True)
class FinancialYear:
    """A `#RAR`: index 0 is the file's year, -1 the year before."""

    index: int
    start: date
    end: date

    def contains(self, day: date) -> bool:
        return self.start <= day <= self.end

    def contains_period(self, period: Period) -> bool:
        return Period.of(self.start) <= period <= Period.of(self.end)

    def __str__(self) -> str:
        return f"{self.start:%Y%m%d}–{self.end:%Y%m%d}"


@dataclass
class Account:
    number: str
    name: str | None = None
    type: str | None = None  # T, S, K or I from #KTYP


@dataclass(frozen=True)
class Dimension:
    number: int
    name: str
    parent: int | None = None  # the dimension an #UNDERDIM belongs to


@dataclass
class Ledger:
    """One SIE file read. `results` holds `#RES`, and for an account the file gives no #RES,
    #UB or #PSALDO for, the sum of its vouchers' transactions; `periods` holds `#PSALDO`, and
    for an account without any, its vouchers summed per month and per object list (which
    accounts, `results_from_vouchers` and `periods_from_vouchers` say)."""

    path: str
    encoding: str = "CP437"
    flagga: str | None = None
    format: str | None = None
    sietyp: str | None = None
    program: str | None = None
    program_version: str | None = None
    generated: date | None = None
    generated_by: str | None = None
    fnamn: str | None = None
    orgnr: str | None = None
    omfattn: date | None = None
    years: dict[int, FinancialYear] = field(default_factory=dict)
    accounts: dict[str, Account] = field(default_factory=dict)
    dimensions: dict[int, Dimension] = field(default_factory=dict)
    objects: dict[tuple[int, str], str] = field(default_factory=dict)
    opening: dict[BalanceKey, Amount] = field(default_factory=dict)   # #IB and #OIB
    closing: dict[BalanceKey, Amount] = field(default_factory=dict)   # #UB and #OUB
    results: dict[AccountYear, Amount] = field(default_factory=dict)  # #RES
    periods: dict[PeriodKey, Amount] = field(default_factory=dict)    # #PSALDO
    budgets: dict[PeriodKey, Amount] = field(default_factory=dict)    # #PBUDGET
    # (year, account) whose `results` and whose `periods` were summed from vouchers.
    results_from_vouchers: set[AccountYear] = field(default_factory=set)
    periods_from_vouchers: set[AccountYear] = field(default_factory=set)
    vouchers: int = 0
    problems: list[Problem] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)

    @property
    def errors(self) -> list[Problem]:
        return [p for p in self.problems if p.severity == "error"]

    def year_of(self, period: Period) -> int:
        """The year index a period lies in; 0 for a file without #RAR."""
        for year in self.years.values():
            if year.contains_period(period):
                return year.index
        if not self.years:
            return 0
        raise ValueError(_("the period {period} lies in no financial year of {path}").format(
                             period=period, path=self.path))

    def is_result_account(self, number: str) -> bool:
        """Whether an account belongs to the income statement: its #KTYP is K or I, or, with
        no #KTYP, its BAS class (the first digit) is 3–8."""
        account = self.accounts.get(number)
        if account is not None and account.type is not None:
            return account.type in RESULT_TYPES
        return number[:1] in RESULT_CLASSES

    def result_accounts(self) -> list[str]:
        """The result accounts the file names or gives a figure for."""
        numbers = set(self.accounts) | {account for _unused, account in self.results}
        numbers |= {key[2] for key in self.periods}
        return sorted(n for n in numbers if self.is_result_account(n))

    def year_result(self, account: str, year: int = 0,
                    objects: Iterable[tuple[int, str]] = ()) -> Decimal | None:
        """The year's result of an account (its #RES, else its periods summed), or of the
        part booked on all of `objects`. None when the file has no figure for it: for objects,
        when the account has no balances of that kind of object list at all (a filter on an
        object the account is broken down by, but that has no balance, is 0)."""
        wanted = _objects(objects)
        if not wanted:
            result = self.results.get((year, account))
            if result is not None:
                return result.amount
        return self._sum_periods(year, account, wanted, None)

    def period_total(self, account: str, through: Period | str,
                     objects: Iterable[tuple[int, str]] = (),
                     year: int | None = None) -> Decimal | None:
        """The sum of an account's #PSALDO from the start of the year up to and including the
        month `through` (of the year it lies in, unless `year` is given; ValueError for a month
        in none of the file's years). None as for `year_result`."""
        last = through if isinstance(through, Period) else Period.parse(through)
        return self._sum_periods(self.year_of(last) if year is None else year, account,
                                 _objects(objects), last)

    def year_results(self, year: int = 0) -> dict[str, Decimal]:
        """Every account's year result (for `diff`)."""
        numbers = {a for y, a in self.results if y == year}
        numbers |= {key[2] for key in self.periods if key[0] == year and not key[3]}
        found = {n: self.year_result(n, year) for n in numbers}
        return {n: value for n, value in found.items() if value is not None}

    def object_year_results(self, year: int = 0, through: Period | None = None
                            ) -> dict[tuple[str, tuple[int, str]], Decimal]:
        """The year's result of every account and single object the periods give (up to and
        including the month `through`, for a period report)."""
        totals: dict[tuple[str, tuple[int, str]], Decimal] = defaultdict(Decimal)
        for (y, period, account, objects), value in self.periods.items():
            if y == year and len(objects) == 1 and (through is None or period <= through):
                totals[(account, objects[0])] += value.amount
        return dict(totals)

    def month_of_year(self, month: int, year: int = 0) -> Period | None:
        """The `month`th month of financial year `year` (1 is its first; a calendar year's
        August is 8), as a period; None when the file has no such year."""
        span = self.years.get(year)
        if span is None:
            return None
        index = span.start.year * 12 + span.start.month - 1 + month - 1
        return Period(index // 12, index % 12 + 1)

    def _sum_periods(self, year: int, account: str, objects: Objects,
                     through: Period | None) -> Decimal | None:
        lists = self._period_index.get((year, account))
        if lists is None:
            return None
        months = lists.get(objects)
        if months is None:
            shape = {dimension for dimension, _unused in objects}
            if not any({d for d, _unused in other} == shape for other in lists):
                return None
            return Decimal(0)
        return sum((value for month, value in months.items()
                    if through is None or month <= through), Decimal(0))

    @cached_property
    def _period_index(self) -> dict[AccountYear, dict[Objects, dict[Period, Decimal]]]:
        """The periods by (year, account) and object list, built on the first question (a
        ledger is not changed after it is read)."""
        index: dict[AccountYear, dict[Objects, dict[Period, Decimal]]] = {}
        for (year, period, account, objects), value in self.periods.items():
            months = index.setdefault((year, account), {}).setdefault(objects, {})
            months[period] = value.amount
        return index


def _objects(pairs: Iterable[tuple[int, str]]) -> Objects:
    return tuple(sorted(set(pairs)))


_PATTERN = re.compile(r"\s*([0-9]+)\s*(?:[-–]\s*([0-9]+)\s*)?")


@dataclass(frozen=True)
class AccountPattern:
    """Accounts by prefix (`31`: every account that begins 31) or by range of prefixes
    (`3100-3199`: every account whose first four digits lie from 3100 to 3199, so the range
    also takes five-digit accounts such as 31050, as a municipality's chart may have)."""

    low: str
    high: str

    @classmethod
    def parse(cls, text: str) -> AccountPattern:
        match = _PATTERN.fullmatch(text)
        if match is None:
            raise ValueError(_("{text!r} is not an account, a prefix such as 31 or a range such "
                               "as 3100-3199").format(text=text))
        low, high = match.group(1), match.group(2) or match.group(1)
        if len(low) != len(high):
            raise ValueError(_("the range {text!r} should have as many digits on both sides")
                .format(
                                 text=text))
        if low > high:
            raise ValueError(_("the range {text!r} ends before it begins").format(text=text))
        return cls(low, high)

    def matches(self, account: str) -> bool:
        if len(account) < len(self.low) or not account.isascii() or not account.isdigit():
            return False
        return self.low <= account[:len(self.low)] <= self.high

    def __str__(self) -> str:
        return self.low if self.low == self.high else f"{self.low}-{self.high}"


@dataclass(frozen=True)
class Change:
    """An account's (or an account and object's) year result that differs between exports;
    None where an export has no figure."""

    account: str
    old: Decimal | None
    new: Decimal | None
    object: tuple[int, str] | None = None

    @property
    def difference(self) -> Decimal:
        return (self.new or Decimal(0)) - (self.old or Decimal(0))


def diff(a: Ledger, b: Ledger, year: int = 0) -> list[Change]:
    """What moved from export `a` to export `b` in a year: each account's result, then each
    account and object's. The year is `year` in `a` and the year of the same dates in `b`
    (the same index when either file lacks its #RAR). A figure missing on one side counts as
    0, so an account that appears with 0.00 has not moved."""
    other = _same_year(a, b, year)
    changes = [Change(account, old, new) for account, old, new
               in _moved(a.year_results(year), b.year_results(other))]
    changes += [Change(account, old, new, obj) for (account, obj), old, new
                in _moved(a.object_year_results(year), b.object_year_results(other))]
    return sorted(changes, key=lambda c: (c.account, c.object is not None, c.object or (0, "")))


def _same_year(a: Ledger, b: Ledger, year: int) -> int:
    mine = a.years.get(year)
    if mine is None or not b.years:
        return year
    for theirs in b.years.values():
        if (theirs.start, theirs.end) == (mine.start, mine.end):
            return theirs.index
    raise ValueError(_("{path} has no financial year {mine} to compare with {path2}").format(
                         path=b.path, mine=mine, path2=a.path))


def _moved(old: dict[K, Decimal], new: dict[K, Decimal]
           ) -> Iterator[tuple[K, Decimal | None, Decimal | None]]:
    for key in old.keys() | new.keys():
        before, after = old.get(key), new.get(key)
        if (before or Decimal(0)) != (after or Decimal(0)):
            yield key, before, after
