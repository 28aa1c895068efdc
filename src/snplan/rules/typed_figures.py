"""Prose that types a figure a table computes: a warning (an error with --strict) pointing at
the expression to write instead.

A figure typed by hand goes stale: ÅR 2021 said "köp av verksamhet (8,7 mkr)" while its own
income statement, computed from the entered figures, shows 8,6. Written as an expression, the
sentence and the table cannot disagree. The check compares every number in a document's prose
with every figure the tables of the document it quotes print (amounts, changes, deviations,
percentages), as printed: same value and same number of decimals, sign aside (prose says
"a decrease of 0,8", the table −0,8).

Not compared, because in prose they are almost never a table's figure: whole numbers below
10 ("fyra mål"), years (1900–2100 written without a space or decimals), and numbers inside
dates, codes and references (2021-10-20, SN/2021:59, § 11, kto 39). Numbers inside
expressions are not prose. Tables' own cells are entered data, not prose, and are not read.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal

from ..blocks import REGISTRY
from ..messages import _
from ..problems import Problem, problem
from ..source.load import Dataset, Document
from ..source.walk import leaves
from ..tables import tables_of

# A number as Swedish prose writes it: digits grouped by (non-breaking) spaces, an optional
# decimal comma. Not preceded or followed by what makes it part of a date, a code or a word.
_NUMBER = re.compile(
    r"(?<![\w/:§.,\-])(?<!§ )(?<!kto )"
    r"(\d{1,3}(?:[ \u00a0\u202f]\d{3})+|\d+)(?:,(\d+))?"
    r"(?![\w/:\-]|[.,]\d)")
_EXPRESSION = re.compile(r"{{.*?}}|{%.*?%}", re.DOTALL)
_IDENTIFIER = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")


@dataclass(frozen=True)
class Printed:
    """A figure a table prints, and the expression that states it."""

    key: str
    table: str
    row: str
    column: str
    expression: str


def _expression(key: str, row_id: str, column_id: str, shown: str, negative: bool) -> str:
    row = f".{row_id}" if _IDENTIFIER.fullmatch(row_id) else f"['{row_id}']"
    col = f".{column_id}" if _IDENTIFIER.fullmatch(column_id) else f"['{column_id}']"
    return "{{ " + key + row + col + (" | abs" if negative else "") + f" | {shown} }}}}"


def printed_figures(ds: Dataset, document: Document
                    ) -> dict[tuple[Decimal, int], list[Printed]]:
    """Every figure the tables a document's prose quotes print, by (magnitude, decimals),
    each with every cell that prints it."""
    quoted = ds.quoted(document)
    if quoted is None:
        return {}
    found: dict[tuple[Decimal, int], list[Printed]] = {}
    for key, table in tables_of(ds, quoted.kind, quoted.year).items():
        if table.spec.indelning is None:
            continue  # rows entered in the document itself: codes, indexes, levels
        for row in table.rows:
            for column in table.visible:
                value = table.shown(row, column)
                if value is None:
                    continue
                decimals = row.cells[column.id].decimals
                shown = "procent" if column.percent else "belopp" if row.unit is None else "tal"
                found.setdefault((abs(value), decimals), []).append(Printed(
                    key, table.caption, row.label.strip(), column.header.replace("\u00ad", ""),
                    _expression(key, row.id, column.id, shown, value < 0)))
    return found


def numbers_in(text: str) -> list[tuple[str, Decimal, int]]:
    """The numbers a prose text types (outside expressions), each as written, as a value and
    with its number of decimals; those the check leaves alone are left out, and so is a
    number marked with a comment right after it (`4,5{# inte tabellens #} mkr`)."""
    result = []
    prose = _EXPRESSION.sub(" ", text)
    for match in _NUMBER.finditer(prose):
        if prose[match.end():].lstrip(" ").startswith("{#"):
            continue
        whole = re.sub(r"\D", "", match.group(1))
        decimals = match.group(2) or ""
        value = Decimal(f"{whole}.{decimals}" if decimals else whole)
        year_like = match.group(1).isdigit() and 1900 <= value <= 2100
        if not decimals and (value < 10 or year_like):
            continue
        result.append((match.group(0), value, len(decimals)))
    return result


def _prose_test(ds: Dataset, document: Document) -> Callable[[tuple[str | int, ...]], bool]:
    """Whether the text at a place of the document is prose (its block's type says: a
    table's cells and a monthly block's figures are not)."""
    types = {node.block: REGISTRY[node.typ or "text"]
             for node in ds.disposition(document.kind).blocks() if node.block}

    def is_prose(loc: tuple[str | int, ...]) -> bool:
        if not loc or not isinstance(loc[0], str) or loc[0] not in types:
            return True
        return types[loc[0]].is_prose(loc[1:])

    return is_prose


def check_typed_figures(ds: Dataset) -> list[Problem]:
    problems: list[Problem] = []
    for document in ds.documents():
        figures = printed_figures(ds, document)
        if not figures:
            continue
        is_prose = _prose_test(ds, document)
        for loc, text in leaves(document.model):
            if not isinstance(text, str) or not is_prose(loc):
                continue
            for written, value, decimals in numbers_in(text):
                cells = figures.get((value, decimals))
                if not cells:
                    continue
                # the table the prose stands beside, if it prints the figure
                match = next((c for c in cells if loc and c.key == loc[0]), cells[0])
                problems.append(problem(
                    document.source, loc,
                    _("the prose types {written}, which table '{table}' computes (row "
                      "'{row}', column '{column}'); write {expression} so that the text "
                      "follows the table").format(written=written, table=match.key,
                                                  row=match.row, column=match.column,
                                                  expression=match.expression),
                    "warning"))
    return problems
