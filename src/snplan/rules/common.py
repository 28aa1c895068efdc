"""Helpers every rule uses: a problem at a place in a file, and "known ids" messages."""

from __future__ import annotations

import difflib
from collections.abc import Iterable

from ..problems import Problem, Severity, field_path
from ..source.load import Source

Loc = tuple[str | int, ...]


def problem(source: Source | None, loc: Loc, message: str, severity: Severity = "error",
            also: str | None = None) -> Problem:
    path = source.path if source else "data"
    line = source.line(*loc) if source else None
    where = source.field(loc) if source else field_path(loc)
    return Problem(path, line, where, message, severity, also)


def at(source: Source | None, *loc: str | int) -> str:
    """`file:line` of a place, for the other side of a disagreement."""
    if source is None:
        return "data"
    line = source.line(*loc)
    return f"{source.path}:{line}" if line else source.path


def unknown(source: Source | None, loc: Loc, value: str, known: Iterable[str], what: str,
            where: str) -> list[Problem]:
    """A reference to an id that does not exist, listing the known ones when few."""
    names = sorted(set(known))
    if value in names:
        return []
    close = difflib.get_close_matches(value, names[:1000], n=1, cutoff=0.75)
    guess = f"; did you mean '{close[0]}'?" if close else ""
    hint = ", ".join(names) if 0 < len(names) <= 12 else None
    suffix = f" (known: {hint})" if hint else ""
    return [problem(source, loc, f"no {what} with id '{value}' in {where}{suffix}{guess}")]


def duplicates(source: Source | None, loc: Loc, ids: Iterable[str], what: str
               ) -> list[Problem]:
    problems = []
    seen: dict[str, int] = {}
    for index, value in enumerate(ids):
        if value in seen:
            first = source.line(*loc, seen[value]) if source else None
            problems.append(problem(source, loc + (index,),
                                    f"the {what} id '{value}' is used twice",
                                    also=f"line {first}" if first else None))
        else:
            seen[value] = index
    return problems
