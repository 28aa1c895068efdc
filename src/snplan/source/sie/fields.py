"""The fields of one SIE record: splitting a line, and reading amounts, dates and periods.

SIE 4 separates fields by spaces or tabs; a field with spaces is quoted, and a quote inside it
is written `\\"` (the only escape the format has: any other backslash is itself, so Windows
paths such as `"C:\\Program\\"` read as written). Braces hold an object list of dimension and
object pairs, whose items may be quoted too: `{1 "100" 6 "P1"}`, `{1 Nord}`, `{}`.

Every reader here raises `FieldError` with a sentence for the user; the record reader turns it
into a Problem at the line, so one bad field never stops the file.
"""

from __future__ import annotations

import re
from datetime import date
from decimal import Decimal
from functools import lru_cache
from typing import Literal, NamedTuple

from ...messages import _

# A field is a text or the items of an object list (still texts; `object_list` pairs them).
Field = str | tuple[str, ...]
# An object list as a key: (dimension, object id) pairs, sorted, so that {1 "100" 6 "P1"} and
# {6 "P1" 1 "100"} are one key; () is the account itself.
Objects = tuple[tuple[int, str], ...]


class FieldError(ValueError):
    """A field that cannot be read; its text is the sentence the user sees. A warning is for
    a record that is read but disagrees with an earlier one in a way no figure depends on."""

    def __init__(self, message: str, severity: Literal["error", "warning"] = "error") -> None:
        super().__init__(message)
        self.severity: Literal["error", "warning"] = severity


# One token of a line. A bare text may hold a quote after its first character (`Kaffe"bröd`)
# but never a brace, which always belongs to an object list; `lone` is a quote never closed.
_TOKEN = re.compile(r'[ \t]*(?:"(?P<quoted>(?:\\"|[^"])*)"|(?P<open>\{)|(?P<close>\})'
                    r'|(?P<bare>[^ \t"{}][^ \t{}]*)|(?P<lone>"))')
_ESCAPED_QUOTE = re.compile(r'\\"')
_OTHER_SPACE = re.compile(r"[^\S \t]")  # whitespace that does not separate SIE fields
_AMOUNT = re.compile(r"-?[0-9]+(?:\.[0-9]+)?")
_COMMA_AMOUNT = re.compile(r"-?[0-9]+,[0-9]+")
_INTEGER = re.compile(r"-?[0-9]+")
_DIGITS = re.compile(r"[0-9]+")
# Beyond this many digits before the point an amount is no ledger's, and sums of many of them
# would exceed Decimal's 28 significant digits (and be rounded).
MAX_INTEGER_DIGITS = 15


def split_fields(text: str) -> list[Field]:
    """The fields of a line (keyword first). A line without escaped quotes, nearly every line
    of a large file, is split by str methods, which are several times faster than the token
    expression that reads the rest; both read the same fields."""
    if _OTHER_SPACE.search(text):  # str.split would split at it, SIE does not
        return _split_tokens(text)
    if '"' not in text and "{" not in text and "}" not in text:
        return text.split()
    parts = text.split('"')
    if "\\" in text or not _quotes_delimit(parts):
        return _split_tokens(text)
    fields: list[Field] = []
    items: list[str] | None = None  # the object list being read, if any
    for position, part in enumerate(parts):
        if position % 2:
            (fields if items is None else items).append(part)
            continue
        for word in part.replace("{", " { ").replace("}", " } ").split():
            if word == "{":
                if items is not None:
                    raise FieldError(_("an object list '{' is opened inside another"))
                items = []
            elif word == "}":
                if items is None:
                    raise FieldError(_("a '}' closes an object list that was never opened"))
                fields.append(tuple(items))
                items = None
            else:
                (fields if items is None else items).append(word)
    if items is not None:
        raise FieldError(_("an object list '{' is opened and never closed on this line"))
    return fields


def _quotes_delimit(parts: list[str]) -> bool:
    """Whether every quote of a line (split at its quotes) opens or closes a whole field, so
    that the parts between them are the quoted fields; otherwise (a quote never closed, one
    inside a word) the token expression decides."""
    if len(parts) % 2 == 0:
        return False
    last = len(parts) - 1
    for position in range(0, len(parts), 2):
        part = parts[position]
        if position and (not part and position != last or part and part[0] not in " \t}"):
            return False
        if position != last and part[-1:] not in (" ", "\t", "{"):
            return False
    return True


def _split_tokens(text: str) -> list[Field]:
    fields: list[Field] = []
    items: list[str] | None = None  # the object list being read, if any
    for match in _TOKEN.finditer(text):
        kind = match.lastgroup
        if kind == "lone":
            raise FieldError(_("a quote (\") is opened and never closed on this line"))
        if kind == "open":
            if items is not None:
                raise FieldError(_("an object list '{' is opened inside another"))
            items = []
        elif kind == "close":
            if items is None:
                raise FieldError(_("a '}' closes an object list that was never opened"))
            fields.append(tuple(items))
            items = None
        else:
            value = (_ESCAPED_QUOTE.sub('"', match.group("quoted")) if kind == "quoted"
                     else match.group("bare"))
            (fields if items is None else items).append(value)
    if items is not None:
        raise FieldError(_("an object list '{' is opened and never closed on this line"))
    return fields


def text_field(fields: list[Field], index: int, what: str) -> str:
    """A required text field."""
    if index >= len(fields):
        raise FieldError(_("the {what} is missing").format(what=what))
    value = fields[index]
    if isinstance(value, tuple):
        raise FieldError(_("the {what} should be a text, not an object list in braces").format(
                             what=what))
    return value


def optional_text(fields: list[Field], index: int, what: str) -> str | None:
    """An optional text field; an empty one ("") counts as absent, as SIE writes it for a
    field skipped before a later one."""
    if index >= len(fields) or fields[index] == "":
        return None
    return text_field(fields, index, what)


def objects_field(fields: list[Field], index: int) -> Objects:
    """A required object list, as a key."""
    if index >= len(fields):
        raise FieldError(_("the object list (in braces, {} for none) is missing"))
    value = fields[index]
    if not isinstance(value, tuple):
        raise FieldError(_("expected an object list in braces where it says {value!r} ({{}} for "
                           "none)").format(value=value))
    return object_list(value)


@lru_cache(maxsize=65536)
def object_list(items: tuple[str, ...]) -> Objects:
    """Pairs of dimension number and object id, checked and sorted. Cached: a ledger's
    transactions repeat a few thousand object lists."""
    if len(items) % 2:
        raise FieldError(_("the object list should hold pairs of dimension and object, but has "
                           "{items} items").format(items=len(items)))
    pairs: dict[int, str] = {}
    for position in range(0, len(items), 2):
        dimension = dimension_number(items[position])
        if dimension in pairs:
            raise FieldError(_("dimension {dimension} appears twice in the object list").format(
                                 dimension=dimension))
        pairs[dimension] = items[position + 1]
    return tuple(sorted(pairs.items()))


def dimension_number(text: str) -> int:
    if not _DIGITS.fullmatch(text):
        raise FieldError(_("the dimension number {text!r} is not a whole number").format(text=text))
    return int(text)


def account_number(fields: list[Field], index: int) -> str:
    text = text_field(fields, index, "account number")
    if not _DIGITS.fullmatch(text):
        raise FieldError(_("the account number {text!r} is not a number").format(text=text))
    return text


def year_index(fields: list[Field], index: int) -> int:
    """The year index of #RAR: 0 this year, -1 the year before."""
    text = text_field(fields, index, "year index")
    if not _INTEGER.fullmatch(text):
        raise FieldError(_("the year index {text!r} is not a whole number (0 for this year, -1 "
                           "for the year before)").format(text=text))
    return int(text)


def amount(fields: list[Field], index: int, what: str = "amount") -> Decimal:
    return parse_amount(text_field(fields, index, what), what)


def optional_amount(fields: list[Field], index: int, what: str) -> Decimal | None:
    text = optional_text(fields, index, what)
    return None if text is None else parse_amount(text, what)


def parse_amount(text: str, what: str = "amount") -> Decimal:
    """An amount as SIE writes it: an optional minus, digits, and a decimal point."""
    if not _AMOUNT.fullmatch(text):
        if _COMMA_AMOUNT.fullmatch(text):
            raise FieldError(_("the {what} {text!r} has a decimal comma; SIE writes a decimal "
                               "point, as in {replace}").format(
                                 what=what, text=text, replace=text.replace(',', '.')))
        raise FieldError(_("the {what} {text!r} is not a number (SIE writes amounts such as "
                           "-1234.50)").format(what=what, text=text))
    if len(text.lstrip("-").split(".")[0]) > MAX_INTEGER_DIGITS:
        raise FieldError(_("the {what} {text!r} is too large for an amount").format(
                             what=what, text=text))
    return Decimal(text)


def date_field(fields: list[Field], index: int, what: str = "date") -> date:
    return parse_date(text_field(fields, index, what), what)


def optional_date(fields: list[Field], index: int, what: str) -> date | None:
    text = optional_text(fields, index, what)
    return None if text is None else parse_date(text, what)


@lru_cache(maxsize=4096)
def parse_date(text: str, what: str = "date") -> date:
    """A date written YYYYMMDD, checked to be a real one. Cached: a ledger's vouchers repeat a
    few hundred dates millions of times."""
    if not (len(text) == 8 and _DIGITS.fullmatch(text)):
        raise FieldError(_("the {what} {text!r} is not a date written YYYYMMDD").format(
                             what=what, text=text))
    try:
        return date(int(text[:4]), int(text[4:6]), int(text[6:]))
    except ValueError:
        raise FieldError(_("the {what} {text!r} is not a real date").format(
            what=what, text=text)) from None


class Period(NamedTuple):
    """A month of the ledger (`#PSALDO 0 202304 …`), ordered so that "up to April" is a
    comparison. A named tuple, not a dataclass: it is part of millions of dictionary keys,
    and a tuple's hash is computed in C."""

    year: int
    month: int

    @classmethod
    def parse(cls, text: str) -> Period:
        """A period written YYYYMM (as in SIE) or YYYY-MM (as a person writes it)."""
        if len(text) == 7 and text[4] == "-":
            return cls.compact(text[:4] + text[5:], shown=text)
        return cls.compact(text)

    @classmethod
    def compact(cls, text: str, shown: str | None = None) -> Period:
        """A period written YYYYMM, the only way SIE writes one."""
        shown = text if shown is None else shown
        if not (len(text) == 6 and _DIGITS.fullmatch(text)):
            raise FieldError(_("the period {shown!r} is not a month written YYYYMM").format(
                                 shown=shown))
        month = int(text[4:])
        if not 1 <= month <= 12:
            raise FieldError(_("the period {shown!r} has no month {month} (months are 01–12)")
                .format(
                                 shown=shown, month=month))
        return cls(int(text[:4]), month)

    @classmethod
    def of(cls, day: date) -> Period:
        return cls(day.year, day.month)

    def __str__(self) -> str:
        return f"{self.year:04d}{self.month:02d}"


def period_field(fields: list[Field], index: int) -> Period:
    return _cached_period(text_field(fields, index, "period"))


@lru_cache(maxsize=1024)
def _cached_period(text: str) -> Period:
    return Period.compact(text)


# The usual shape of a transaction row, read by one expression: account, an object list of
# bare or quoted ids without escapes, amount, and optionally transaction date (or ""), text
# and quantity. Anything else (a sign after the quantity, an escaped quote, a malformed field)
# goes to the general reading, which also gives the messages.
_NUMBER = r"-?[0-9]+(?:\.[0-9]+)?"
_TRANS = re.compile(
    r"#TRANS[ \t]+([0-9]+)[ \t]+\{((?:[ \t]*(?:\"[^\"\\\\{}]*\"|[^ \t\"{}\\\\]+))*)[ \t]*\}"
    rf"[ \t]+({_NUMBER})"
    r"(?:[ \t]+(?:([0-9]{8})|\"\")"
    r"(?:[ \t]+(?:\"[^\"\\\\]*\"|[^ \t\"{}\\\\]+)"
    rf"(?:[ \t]+({_NUMBER}))?)?)?[ \t]*")
_ITEM = re.compile(r'"([^"]*)"|([^ \t"]+)')

Transaction = tuple[str, Objects, Decimal, Decimal | None]


def quick_transaction(text: str) -> Transaction | None:
    """Account, objects, amount and quantity of a #TRANS line of the usual shape, checked as
    the general reading checks them; None for any other line."""
    match = _TRANS.fullmatch(text)
    if match is None:
        return None
    account, inner, value, day, quantity = match.groups()
    if day is not None:
        parse_date(day, "transaction date")
    return (account, _inner_objects(inner), parse_amount(value),
            None if quantity is None else parse_amount(quantity, "quantity"))


@lru_cache(maxsize=65536)
def _inner_objects(inner: str) -> Objects:
    return object_list(tuple(quoted or bare for quoted, bare in _ITEM.findall(inner)))
