"""The computations a table column can make, each defined once: its value on Decimal, the same
as an Excel formula, and the sentence that defines it in the table's footnote.

Conventions (DESIGN.md §3, chosen per organisation in `konventioner`): a change is
|this| − |last| ("absolut": positive when a line grows, revenue or cost) or this − last
("signerad"); a percentage change is on last year's base (this / last − 1) or on this
year's ((this − last) / this); a deviation is outcome − reference on signed values (positive
is better), or reference − outcome where expenditure is written as positive amounts.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from decimal import Decimal

from ..messages import _
from .numbers import HUNDRED, ZERO


@dataclass(frozen=True)
class Context:
    """What a computation depends on beyond its operands."""

    change: str = "absolut"  # forandring: "absolut" or "signerad"
    percent_base: str = "fjol"  # procent: "fjol" or "i_ar"
    expenditure_positive: bool = False  # avvikelse on positive expenditure
    months: int | None = None  # a period report's months gone (arsandel); None: a whole year


@dataclass(frozen=True)
class Op:
    """A computation: its value (None when an operand is missing or a divisor is zero), its
    Excel formula over cell references, the footnote sentence defining it, whether a column of
    it adds up over rows (linear), and whether it is a percentage."""

    value: Callable[[Sequence[Decimal], Context], Decimal | None]
    excel: Callable[[Sequence[str], Context], str]
    define: Callable[[str, Sequence[str], Context], str]
    linear: Callable[[Context], bool]
    percent: bool = False
    points: bool = False  # percentage points: a number, not a percentage (no "%")


def _divide(a: Decimal, b: Decimal) -> Decimal | None:
    return None if b == ZERO else a / b


def _change(values: Sequence[Decimal], ctx: Context) -> Decimal:
    a, b = values
    return abs(a) - abs(b) if ctx.change == "absolut" else a - b


def _percent(values: Sequence[Decimal], ctx: Context) -> Decimal | None:
    a, b = values
    if ctx.percent_base == "fjol":
        ratio = _divide(a, b)
        return None if ratio is None else (ratio - 1) * HUNDRED
    base = {"i_ar": a, "fjol_absolut": abs(b), "i_ar_absolut": abs(a)}[ctx.percent_base]
    ratio = _divide(a - b, base)
    return None if ratio is None else ratio * HUNDRED


_PERCENT_EXCEL = {
    "fjol": lambda r: f'IF({r[1]}=0,"",{r[0]}/{r[1]}-1)',
    "i_ar": lambda r: f'IF({r[0]}=0,"",({r[0]}-{r[1]})/{r[0]})',
    "fjol_absolut": lambda r: f'IF({r[1]}=0,"",({r[0]}-{r[1]})/ABS({r[1]}))',
    "i_ar_absolut": lambda r: f'IF({r[0]}=0,"",({r[0]}-{r[1]})/ABS({r[0]}))',
}
_PERCENT_DEFINED = {
    "fjol": lambda name, n: f"{name} = {n[0]} / {n[1]} − 1",
    "i_ar": lambda name, n: f"{name} = ({n[0]} − {n[1]}) / {n[0]}",
    "fjol_absolut": lambda name, n: (f"{name} = ({n[0]} − {n[1]}) / |{n[1]}|: positiv när "
                                     "intäkterna ökar eller kostnaderna minskar"),
    "i_ar_absolut": lambda name, n: (f"{name} = ({n[0]} − {n[1]}) / |{n[0]}|: positiv när "
                                     "intäkterna ökar eller kostnaderna minskar"),
}


def _deviation(values: Sequence[Decimal], ctx: Context) -> Decimal:
    outcome, reference = values
    return reference - outcome if ctx.expenditure_positive else outcome - reference


def _product(values: Sequence[Decimal], _: Context) -> Decimal:
    result = Decimal(1)
    for value in values:
        result *= value
    return result


def _share_deviation(values: Sequence[Decimal], ctx: Context) -> Decimal | None:
    """A percentage (the outcome's share of the budget) against the share of the year gone,
    in percentage points: 70,0 % used after 8 of 12 months is 70,0 − 66,7 = +3,3."""
    if ctx.months is None:
        return None
    return values[0] - Decimal(ctx.months) * HUNDRED / Decimal(12)


OPS: dict[str, Op] = {
    "forandring": Op(
        _change,
        lambda r, c: f"ABS({r[0]})-ABS({r[1]})" if c.change == "absolut" else f"{r[0]}-{r[1]}",
        lambda name, n, c: (f"{name} = |{n[0]}| − |{n[1]}|: positiv när posten växer (mer "
                            "intäkter eller mer kostnader)" if c.change == "absolut"
                            else f"{name} = {n[0]} − {n[1]}"),
        lambda c: c.change == "signerad"),
    "differens": Op(
        lambda v, _: v[0] - v[1],
        lambda r, _: f"{r[0]}-{r[1]}",
        lambda name, n, _: f"{name} = {n[0]} − {n[1]}",
        lambda _: True),
    "avvikelse": Op(
        _deviation,
        lambda r, c: f"{r[1]}-{r[0]}" if c.expenditure_positive else f"{r[0]}-{r[1]}",
        lambda name, n, c: (f"{name} = {n[1]} − {n[0]}" if c.expenditure_positive
                            else f"{name} = {n[0]} − {n[1]}"),
        lambda _: True),
    "procent": Op(
        _percent,
        lambda r, c: _PERCENT_EXCEL[c.percent_base](r),
        lambda name, n, c: _PERCENT_DEFINED[c.percent_base](name, n),
        lambda _: False, percent=True),
    "andel": Op(
        lambda v, _: (lambda q: None if q is None else q * HUNDRED)(_divide(v[0], v[1])),
        lambda r, _: f'IF({r[1]}=0,"",{r[0]}/{r[1]})',
        lambda name, n, _: f"{name} = {n[0]} / {n[1]}",
        lambda _: False, percent=True),
    "kvot": Op(
        lambda v, _: _divide(v[0], v[1]),
        lambda r, _: f'IF({r[1]}=0,"",{r[0]}/{r[1]})',
        lambda name, n, _: f"{name} = {n[0]} / {n[1]}",
        lambda _: False),
    "summa": Op(
        lambda v, _: sum(v, ZERO),
        lambda r, _: "+".join(r),
        lambda name, n, _: f"{name} = {' + '.join(n)}",
        lambda _: True),
    "arsandel": Op(
        _share_deviation,
        # the share is a ratio in the workbook (a percentage cell); the points a number
        lambda r, c: f"({r[0]}-{c.months}/12)*100" if c.months is not None else '""',
        lambda name, n, c: (f"{name} = {n[0]} − {c.months}/12 (den andel av året som gått), "
                            "i procentenheter"
                            if c.months is not None else f"{name}: bara i en periodrapport"),
        lambda _: False, points=True),
    "produkt": Op(
        _product,
        lambda r, _: "*".join(r),
        lambda name, n, _: f"{name} = {' × '.join(n)}",
        lambda _: False),
}


def compute(op: str, values: Sequence[Decimal | None], ctx: Context) -> Decimal | None:
    """The value of a computation; None when an operand is missing."""
    if any(v is None for v in values):
        return None
    return OPS[op].value([v for v in values if v is not None], ctx)


def compute_scaled(op: str, values: Sequence[Decimal | None], ctx: Context,
                   factor: Decimal | None) -> Decimal | None:
    """A computation scaled by `factor` (a row of kr a day from tkr and days: × 1000)."""
    value = compute(op, values, ctx)
    return value if value is None or factor is None else value * factor


def excel_formula(op: str, refs: Sequence[str], ctx: Context,
                  factor: Decimal | None = None) -> str:
    """The Excel formula of a computation over cell references: empty when an operand is."""
    guard = ",".join(f'{r}=""' for r in refs)
    inner = OPS[op].excel(refs, ctx)
    if factor is not None:  # a division by zero gives "" (empty), which a product cannot take
        inner = f'IFERROR(({inner})*{factor},"")'
    return f'=IF(OR({guard}),"",{inner})'


def excel_template(op: str, count: int, ctx: Context, factor: Decimal | None = None) -> str:
    """The Excel formula of a computation over `count` cells written `{0}`, `{1}` … (the
    resolved document's formula template): empty when an operand is."""
    return excel_formula(op, [f"{{{i}}}" for i in range(count)], ctx, factor)


def define(op: str, name: str, operands: Sequence[str], ctx: Context,
           factor: Decimal | None = None) -> str:
    """The sentence that defines a computed figure in a table's footnote."""
    sentence = OPS[op].define(name, operands, ctx)
    if factor is not None:
        first, _unused, rest = sentence.partition(":")
        sentence = f"{first} × {factor}" + (f":{rest}" if rest else "")
    return sentence


# A total's guard names at most this many of its parts (Excel's OR takes 255 arguments).
SUM_GUARD = 200


def sum_template(count: int) -> str:
    """A total of `count` cells written `{0}` …: empty when one of them is (an unknown part
    gives an unknown total, as in the document)."""
    if not count:
        return "=0"
    refs = [f"{{{i}}}" for i in range(count)]
    guard = ",".join(f'{r}=""' for r in refs[:SUM_GUARD])
    return f'=IF(OR({guard}),"",{"+".join(refs)})'


def annual_figure(series: Sequence[Decimal], aggregation: str) -> Decimal:
    """The annual figure of a monthly series by its declared aggregation: the sum of the
    months (`summa`: care days) or their mean (`medel`: people, households, kronor)."""
    if aggregation == "summa":
        return sum(series, ZERO)
    if not series:
        raise ValueError(_("an empty series has no mean"))
    return sum(series, ZERO) / len(series)


def annual_template(aggregation: str) -> str:
    """The Excel formula of a monthly series' annual figure, over the first and last month
    written `{0}` and `{1}`."""
    return "=SUM({0}:{1})" if aggregation == "summa" else "=AVERAGE({0}:{1})"
