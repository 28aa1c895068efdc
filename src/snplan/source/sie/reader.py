"""Reading a SIE 4 file into a Ledger, line by line.

A year's export of a municipality's ledger runs to hundreds of megabytes of vouchers, so the
file is read as bytes one line at a time and each voucher is added into per-key sums when its
block closes: memory grows with the number of distinct (year, period, account, objects) keys,
never with the number of vouchers or lines. A voucher is held only while its block is open,
so that one cut off by the end of the file is left out whole rather than counted in part.

Nothing in a file stops the reading: every line that cannot be read is a Problem at its line,
and the rest of the file is read.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from functools import lru_cache
from itertools import combinations
from pathlib import Path
from sys import intern
from typing import Any, BinaryIO

from ...messages import _
from ...problems import Problem, Severity, display_path, printable
from . import encoding as encodings
from .encoding import Encoding
from .fields import (
    Field,
    FieldError,
    Objects,
    Period,
    account_number,
    amount,
    date_field,
    dimension_number,
    objects_field,
    optional_amount,
    optional_date,
    optional_text,
    period_field,
    quick_transaction,
    split_fields,
    text_field,
    year_index,
)
from .ledger import ACCOUNT_TYPES, Account, AccountYear, Amount, Dimension, FinancialYear, Ledger

# A line longer than this is not a SIE record; reading stops at it so that a file without line
# breaks cannot make one line fill the memory.
MAX_LINE = 1024 * 1024
# Beyond this many problems a file is not a ledger with mistakes but something else; the rest
# are counted, not kept.
MAX_PROBLEMS = 1000
# Distinct record kinds counted for the note on records snplan does not read.
MAX_UNREAD_KINDS = 100
_BOM = b"\xef\xbb\xbf"
_VOUCHER_RECORDS = frozenset({"#TRANS", "#RTRANS", "#BTRANS"})
_ZERO = Decimal(0)
_BLANK = " \t\r\n"  # what SIE separates fields by, and line ends


def read_sie(path: Path, base: Path | None = None) -> Ledger:
    """The ledger of a SIE file, with every problem and note about it; never raises for what
    the file holds (a file that cannot be opened is a problem too)."""
    ledger = Ledger(display_path(path, base))
    try:
        with path.open("rb") as stream:
            _Reader(ledger, stream).read()
    except OSError as error:
        ledger.problems.append(Problem(ledger.path, None, "",
                                       _("the file cannot be read: {error}").format(
                                           error=error.strerror or error)))
    return ledger


@dataclass
class _Voucher:
    """A #VER whose block is being read: its rows summed by (account, objects)."""

    line: int
    year: int = 0
    period: Period | None = None
    counted: bool = True  # False when its header or a row could not be read
    rows: dict[tuple[str, Objects], Decimal] = field(default_factory=dict)
    quantities: dict[tuple[str, Objects], Decimal] = field(default_factory=dict)
    total: Decimal = Decimal(0)


class _Reader:
    def __init__(self, ledger: Ledger, stream: BinaryIO) -> None:
        self.ledger = ledger
        self.stream = stream
        self.encoding: Encoding | None = None  # decided at the first line outside ASCII
        self.bom = False
        self.voucher: _Voucher | None = None   # a voucher whose block is open
        self.header: _Voucher | None = None    # a #VER waiting for its '{'
        self.first_lines: dict[tuple[object, ...], int] = {}
        self.unread: Counter[str] = Counter()
        self.more_problems = 0
        self.any_record = False
        # The vouchers' sums, amounts and (where rows give them) quantities apart: adding
        # Decimals is several times faster than building an Amount per row.
        self.voucher_results = _Sums()
        self.voucher_periods = _Sums()
        self.handlers: dict[str, Callable[[list[Field], int], None]] = {
            "#FLAGGA": self.flagga, "#FORMAT": self.format, "#SIETYP": self.sietyp,
            "#PROGRAM": self.program, "#GEN": self.gen, "#FNAMN": self.fnamn,
            "#ORGNR": self.orgnr, "#OMFATTN": self.omfattn, "#RAR": self.rar,
            "#KONTO": self.konto, "#KTYP": self.ktyp, "#DIM": self.dim,
            "#UNDERDIM": self.underdim, "#OBJEKT": self.objekt,
            "#IB": self.ib, "#UB": self.ub, "#OIB": self.oib, "#OUB": self.oub,
            "#RES": self.res, "#PSALDO": self.psaldo, "#PBUDGET": self.pbudget,
            "#VER": self.ver, "#TRANS": self.trans,
        }

    # -- lines ---------------------------------------------------------------------------

    def read(self) -> None:
        for number, text in self.lines():
            self.line(number, text)
        self.finish()

    def lines(self) -> Iterator[tuple[int, str]]:
        """The file's lines as text, stripped; the encoding is decided from a sample taken at
        the first line with a byte outside ASCII (before it, every candidate reads alike)."""
        number = 0
        while raw := self.stream.readline(MAX_LINE):
            number += 1
            if len(raw) == MAX_LINE and not raw.endswith(b"\n"):
                self.skip_long_line(number)
                continue
            if number == 1 and raw.startswith(_BOM):
                raw, self.bom, self.encoding = raw[len(_BOM):], True, encodings.UTF8
            if self.encoding is None:
                if raw.isascii():
                    yield number, raw.decode("ascii").strip(_BLANK)
                    continue
                self.decide_encoding(raw)
            assert self.encoding is not None
            text, clean = encodings.decode(raw, self.encoding)
            if not clean:
                self.problem(number, "", _("some bytes on this line are not {name}; they are "
                                           "shown as �").format(name=self.encoding.name), "warning")
            yield number, text.strip(_BLANK)

    def skip_long_line(self, number: int) -> None:
        while (rest := self.stream.readline(MAX_LINE)) and not rest.endswith(b"\n"):
            pass
        self.problem(number, "", _("the line is longer than {MAX_LINE} KiB, which no SIE record "
                                   "is; it is not read").format(MAX_LINE=MAX_LINE // 1024))

    def decide_encoding(self, raw: bytes) -> None:
        after = self.stream.tell()
        sample = raw + self.stream.read(encodings.SAMPLE_SIZE)
        self.stream.seek(after)
        self.encoding = encodings.detect(sample)

    def line(self, number: int, text: str) -> None:
        if not text:
            return
        if text == "{":
            return self.open_block(number)
        if text == "}":
            return self.close_block(number)
        if self.header is not None:
            self.problem(self.header.line, "#VER", _("the voucher is not followed by a line with "
                                                     "'{'; its transactions are not counted"))
            self.header = None
        if not text.startswith("#"):
            return self.problem(number, "", _("the line is not a SIE record (a record begins "
                                              "with '#', as #KONTO does)"))
        self.record(number, text)

    def record(self, number: int, text: str) -> None:
        self.any_record = True
        if self.voucher is not None and text.startswith("#TRANS"):
            try:
                row = quick_transaction(text)
            except FieldError:
                row = None  # the general reading says what is wrong
            if row is not None:
                return self.add_row(self.voucher, *row)
        keyword = text.split(None, 1)[0].upper()
        if self.voucher is not None and keyword not in _VOUCHER_RECORDS:
            self.unclosed(f"before line {number}")
        handler = self.handlers.get(keyword)
        if handler is None:
            self.count_unread(keyword)
            return
        try:
            handler(split_fields(text), number)
        except FieldError as error:
            message = str(error)
            if keyword == "#TRANS" and self.voucher is not None and self.voucher.counted:
                self.voucher.counted = False
                message += _("; the voucher it belongs to is not counted")
            self.problem(number, keyword, message, error.severity)

    def count_unread(self, keyword: str) -> None:
        if keyword in self.unread or len(self.unread) < MAX_UNREAD_KINDS:
            self.unread[keyword] += 1
        else:
            self.unread["others"] += 1

    def problem(self, line: int | None, keyword: str, message: str,
                severity: Severity = "error") -> None:
        if len(self.ledger.problems) >= MAX_PROBLEMS:
            self.more_problems += 1
            return
        self.ledger.problems.append(Problem(self.ledger.path, line, keyword, message, severity))

    # -- header --------------------------------------------------------------------------

    def flagga(self, fields: list[Field], line: int) -> None:
        value = text_field(fields, 1, "flag")
        if value not in {"0", "1"}:
            raise FieldError(_("the flag is {value!r}; it is 0 or 1").format(value=value))
        self.ledger.flagga = value

    def format(self, fields: list[Field], line: int) -> None:
        self.ledger.format = text_field(fields, 1, "format").upper()

    def sietyp(self, fields: list[Field], line: int) -> None:
        value = text_field(fields, 1, "SIE type")
        if value not in {"1", "2", "3", "4"}:
            raise FieldError(_("the SIE type is {value!r}; it is 1, 2, 3 or 4").format(value=value))
        self.ledger.sietyp = value

    def program(self, fields: list[Field], line: int) -> None:
        self.ledger.program = text_field(fields, 1, "program name")
        self.ledger.program_version = optional_text(fields, 2, "program version")

    def gen(self, fields: list[Field], line: int) -> None:
        self.ledger.generated = date_field(fields, 1, _("date the file was made"))
        self.ledger.generated_by = optional_text(fields, 2, "signature")

    def fnamn(self, fields: list[Field], line: int) -> None:
        self.ledger.fnamn = text_field(fields, 1, "company name")

    def orgnr(self, fields: list[Field], line: int) -> None:
        self.ledger.orgnr = text_field(fields, 1, "organisation number")

    def omfattn(self, fields: list[Field], line: int) -> None:
        self.ledger.omfattn = date_field(fields, 1, _("date the balances reach"))

    def rar(self, fields: list[Field], line: int) -> None:
        index = year_index(fields, 1)
        start = date_field(fields, 2, _("first day of the year"))
        end = date_field(fields, 3, _("last day of the year"))
        if end < start:
            raise FieldError(_("the year ends ({end:%Y%m%d}) before it begins ({start:%Y%m%d})")
                .format(
                                 end=end, start=start))
        self.once(("#RAR", index), line, f"year {index}")
        self.ledger.years[index] = FinancialYear(index, start, end)

    # -- chart of accounts and objects ---------------------------------------------------

    def konto(self, fields: list[Field], line: int) -> None:
        number = account_number(fields, 1)
        name = text_field(fields, 2, "account name")
        account = self.ledger.accounts.setdefault(number, Account(number))
        if account.name is not None and account.name != name:
            raise FieldError(_("account {number} is named {name!r} before and {name2!r} here; "
                               "the first name is kept").format(
                                 number=number, name=account.name, name2=name), "warning")
        account.name = name

    def ktyp(self, fields: list[Field], line: int) -> None:
        number = account_number(fields, 1)
        kind = text_field(fields, 2, "account type").upper()
        if kind not in ACCOUNT_TYPES:
            raise FieldError(_("the account type is {kind!r}; it is T (asset), S (liability), K "
                               "(cost) or I (income)").format(kind=kind))
        self.ledger.accounts.setdefault(number, Account(number)).type = kind

    def dim(self, fields: list[Field], line: int) -> None:
        number = dimension_number(text_field(fields, 1, "dimension number"))
        name = text_field(fields, 2, "dimension name")
        self.ledger.dimensions[number] = Dimension(number, name)

    def underdim(self, fields: list[Field], line: int) -> None:
        number = dimension_number(text_field(fields, 1, "dimension number"))
        name = text_field(fields, 2, "dimension name")
        parent = dimension_number(text_field(fields, 3, _("dimension it belongs to")))
        self.ledger.dimensions[number] = Dimension(number, name, parent)

    def objekt(self, fields: list[Field], line: int) -> None:
        dimension = dimension_number(text_field(fields, 1, "dimension number"))
        obj = text_field(fields, 2, "object id")
        self.ledger.objects[(dimension, obj)] = text_field(fields, 3, "object name")

    # -- balances ------------------------------------------------------------------------

    def ib(self, fields: list[Field], line: int) -> None:
        self.year_balance(fields, line, "#IB", self.ledger.opening)

    def ub(self, fields: list[Field], line: int) -> None:
        self.year_balance(fields, line, "#UB", self.ledger.closing)

    def oib(self, fields: list[Field], line: int) -> None:
        self.object_balance(fields, line, "#OIB", self.ledger.opening)

    def oub(self, fields: list[Field], line: int) -> None:
        self.object_balance(fields, line, "#OUB", self.ledger.closing)

    def year_balance(self, fields: list[Field], line: int, keyword: str,
                     target: dict[tuple[int, str, Objects], Amount]) -> None:
        year, account = year_index(fields, 1), account_number(fields, 2)
        value = Amount(amount(fields, 3), optional_amount(fields, 4, "quantity"))
        self.once((keyword, year, account), line, _what(year, account))
        target[(year, account, ())] = value

    def object_balance(self, fields: list[Field], line: int, keyword: str,
                       target: dict[tuple[int, str, Objects], Amount]) -> None:
        year, account = year_index(fields, 1), account_number(fields, 2)
        objects = objects_field(fields, 3)
        if not objects:
            raise FieldError(_("the object list is empty; the balance of the account itself is "
                               "{O}").format(O=keyword.replace('O', '', 1)))
        value = Amount(amount(fields, 4), optional_amount(fields, 5, "quantity"))
        self.once((keyword, year, account, objects), line, _what(year, account, objects))
        target[(year, account, objects)] = value

    def res(self, fields: list[Field], line: int) -> None:
        year, account = year_index(fields, 1), account_number(fields, 2)
        value = Amount(amount(fields, 3), optional_amount(fields, 4, "quantity"))
        self.once(("#RES", year, account), line, _what(year, account))
        self.ledger.results[(year, account)] = value

    def psaldo(self, fields: list[Field], line: int) -> None:
        self.period_balance(fields, line, "#PSALDO", self.ledger.periods)

    def pbudget(self, fields: list[Field], line: int) -> None:
        self.period_balance(fields, line, "#PBUDGET", self.ledger.budgets)

    def period_balance(self, fields: list[Field], line: int, keyword: str,
                       target: dict[tuple[int, Period, str, Objects], Amount]) -> None:
        year, period = year_index(fields, 1), period_field(fields, 2)
        account, objects = account_number(fields, 3), objects_field(fields, 4)
        value = Amount(amount(fields, 5), optional_amount(fields, 6, "quantity"))
        known = self.ledger.years.get(year)
        if known is not None and not known.contains_period(period):
            raise FieldError(_("the period {period} lies outside year {year} ({known}) of the "
                               "file's #RAR").format(period=period, year=year, known=known))
        key = (year, period, account, objects)
        self.once((keyword, *key), line, _what(year, account, objects, period))
        target[key] = value

    def once(self, key: tuple[object, ...], line: int, what: str) -> None:
        """Refuses the second record of a key, so that the first is kept: adding the two would
        count a figure twice, keeping the last would hide that the file disagrees with
        itself."""
        earlier = self.first_lines.setdefault(key, line)
        if earlier != line:
            raise FieldError(_("{key} for {what} is given twice (first on line {earlier}); the "
                               "first is kept").format(key=key[0], what=what, earlier=earlier))

    # -- vouchers ------------------------------------------------------------------------

    def ver(self, fields: list[Field], line: int) -> None:
        self.header = voucher = _Voucher(line, counted=False)
        day = date_field(fields, 3, "voucher date")
        optional_text(fields, 4, "voucher text")
        optional_date(fields, 5, "registration date")
        year = self.year_of(day)
        if year is None:
            raise FieldError(_("the voucher's date {day:%Y%m%d} lies in no financial year of the "
                               "file's #RAR; its transactions are not counted").format(day=day))
        voucher.year, voucher.period, voucher.counted = year, _month(day), True

    def year_of(self, day: date) -> int | None:
        """The year index of a voucher's date (by which it is booked, whatever dates its rows
        carry); 0 in a file without #RAR."""
        if not self.ledger.years:
            return 0
        for year in self.ledger.years.values():
            if year.contains(day):
                return year.index
        return None

    def trans(self, fields: list[Field], line: int) -> None:
        voucher = self.voucher
        if voucher is None:
            raise FieldError(_("a transaction outside a voucher's { } block"))
        account, objects = account_number(fields, 1), objects_field(fields, 2)
        value, quantity = amount(fields, 3), optional_amount(fields, 6, "quantity")
        optional_date(fields, 4, "transaction date")
        self.add_row(voucher, account, objects, value, quantity)

    def add_row(self, voucher: _Voucher, account: str, objects: Objects, value: Decimal,
                quantity: Decimal | None) -> None:
        key = (intern(account), objects)  # one string per account in the sums' keys
        voucher.rows[key] = voucher.rows.get(key, _ZERO) + value
        if quantity is not None:
            voucher.quantities[key] = voucher.quantities.get(key, _ZERO) + quantity
        voucher.total += value

    def open_block(self, line: int) -> None:
        if self.header is not None:
            self.voucher, self.header = self.header, None
        elif self.voucher is not None:
            self.problem(line, "#VER", _("a second '{' inside a voucher"))
        else:
            self.problem(line, "#VER", _("a '{' that opens no voucher (it belongs on the line "
                                         "after a #VER)"))

    def close_block(self, line: int) -> None:
        voucher, self.voucher = self.voucher, None
        if voucher is not None:
            self.add_voucher(voucher)
        elif self.header is not None:
            self.problem(self.header.line, "#VER", _("the voucher is not followed by a line with "
                                                     "'{'; its transactions are not counted"))
            self.header = None
        else:
            self.problem(line, "#VER", _("a '}' that closes no voucher"))

    def unclosed(self, where: str) -> None:
        assert self.voucher is not None
        self.problem(self.voucher.line, "#VER", _("the voucher that begins here has no closing "
                                                  "'}}' {where}; its transactions are not "
                                                  "counted").format(
                                                    where=where))
        self.voucher = None

    def add_voucher(self, voucher: _Voucher) -> None:
        """Adds a voucher's rows to the sums: per (year, account), and per month, account and
        every part of each row's object list (the row of {1 "100" 6 "P1"} is part of what
        {1 "100"}, {6 "P1"} and the account itself hold, as #PSALDO would give them)."""
        if not voucher.counted:
            return
        if voucher.total != 0:
            self.problem(voucher.line, "#VER", _("the voucher does not balance: its transactions "
                                                 "add up to {total}, not 0").format(
                                                   total=voucher.total))
        assert voucher.period is not None
        self.ledger.vouchers += 1
        year, period = voucher.year, voucher.period
        for row, value in voucher.rows.items():
            account, objects = row
            quantity = voucher.quantities.get(row)
            self.voucher_results.add((year, account), value, quantity)
            for part in _parts(objects):
                self.voucher_periods.add((year, period, account, part), value, quantity)

    # -- the end -------------------------------------------------------------------------

    def finish(self) -> None:
        if self.header is not None:
            self.problem(self.header.line, "#VER", _("the file ends after the voucher's #VER, "
                                                     "without its { } block"))
        if self.voucher is not None:
            self.unclosed(_("(the file ends inside it)"))
        self.note_encoding()
        if self.any_record and not self.ledger.years:
            self.ledger.notes.append(_("the file has no #RAR, so the dates of its years are "
                                       "unknown; year 0 is taken to be the year of its balances"))
        self.fill_from_vouchers()
        self.note_unread()
        if self.more_problems:
            self.ledger.problems.append(Problem(
                self.ledger.path, None, "", _("{more_problems} more problems are not listed; the "
                                              "file is far from a SIE file").format(
                                                more_problems=self.more_problems)))

    def fill_from_vouchers(self) -> None:
        """The vouchers' sums stand in for the balances the file does not give: an account's
        year result where it has no #RES, #UB or #PSALDO for the year, its months where it
        has no #PSALDO for the year. Where the file gives them, they are what its program
        computed and are kept as given."""
        ledger = self.ledger
        given = set(ledger.results) | {(y, a) for y, a, objects in ledger.closing if not objects}
        with_periods = {(y, a) for y, _unused, a, _unused in ledger.periods}
        given |= with_periods
        for key, value in self.voucher_results.drain():
            if key not in given:
                ledger.results[key] = value
                ledger.results_from_vouchers.add(key)
        for key, value in self.voucher_periods.drain():
            if (key[0], key[2]) not in with_periods:
                ledger.periods[key] = value
                ledger.periods_from_vouchers.add((key[0], key[2]))
        parts = [f"{what} of {_accounts(keys)}" for what, keys in
                 (("the year's result", ledger.results_from_vouchers),
                  ("the months", ledger.periods_from_vouchers)) if keys]
        if parts:
            vouchers = "its voucher" if ledger.vouchers == 1 else f"its {ledger.vouchers} vouchers"
            ledger.notes.append(_("the file gives no balances for some accounts, so their "
                                  "figures are the sums of {vouchers}: "
                                  "").format(vouchers=vouchers) + " and ".join(parts))

    def note_encoding(self) -> None:
        found = self.encoding
        if found is None:
            return
        self.ledger.encoding = found.name
        declared = self.ledger.format
        if self.bom:
            self.ledger.notes.append(_("the file begins with a UTF-8 byte order mark; read as "
                                       "UTF-8"))
        elif declared not in {None, "PC8"}:
            self.ledger.notes.append(
                _("the file says #FORMAT {or_}, which SIE 4 does not define (it has only PC8), "
                  "and its letters are {described}; read as {name}").format(
                    or_=printable(declared or ''), described=found.described, name=found.name))
        elif found is not encodings.CP437:
            says = ("says #FORMAT PC8" if declared else _("has no #FORMAT, so SIE's PC8 (CP437) "
                                                          "applies,"))
            self.ledger.notes.append(_("the file {says} but its letters are {described}; read as "
                                       "{name}").format(
                                         says=says, described=found.described, name=found.name))

    def note_unread(self) -> None:
        if not self.unread:
            return
        total = sum(self.unread.values())
        kinds = ", ".join(f"{printable(kind)} ({count})" for kind, count
                          in sorted(self.unread.items(), key=lambda item: (-item[1], item[0])))
        records = "record" if total == 1 else "records"
        self.ledger.notes.append(_("{total} {records} of kinds snplan does not read: {kinds}")
            .format(
                                     total=total, records=records, kinds=kinds))


@lru_cache(maxsize=65536)
def _parts(objects: Objects) -> tuple[Objects, ...]:
    """Every part of an object list, () first; cached, so that the keys of all the rows with
    one list share its parts."""
    return tuple(part for size in range(len(objects) + 1)
                 for part in combinations(objects, size))


@lru_cache(maxsize=512)
def _month(day: date) -> Period:
    """The period of a voucher date, one object per month for all the keys that hold it."""
    return Period.of(day)


class _Sums:
    """Amounts and quantities summed by key."""

    def __init__(self) -> None:
        self.sums: dict[Any, Decimal] = {}
        self.quantities: dict[Any, Decimal] = {}

    def add(self, key: Any, value: Decimal, quantity: Decimal | None) -> None:
        sums = self.sums
        sums[key] = sums.get(key, _ZERO) + value
        if quantity is not None:
            self.quantities[key] = self.quantities.get(key, _ZERO) + quantity

    def drain(self) -> Iterator[tuple[Any, Amount]]:
        """The sums as Amounts, emptying this as it goes (so that the sums and the ledger's
        copy of them are not both whole in memory)."""
        sums, quantities = self.sums, self.quantities
        while sums:
            key, value = sums.popitem()
            yield key, Amount(value, quantities.pop(key, None))


def _what(year: int, account: str, objects: Objects = (), period: Period | None = None) -> str:
    text = f"account {account}"
    if objects:
        text += " with objects " + " ".join(f"{d} {o!r}" for d, o in objects)
    text += f" in year {year}"
    return text if period is None else text + f", period {period}"


def _accounts(keys: set[AccountYear]) -> str:
    count = len({account for _unused, account in keys})
    return "1 account" if count == 1 else f"{count} accounts"
