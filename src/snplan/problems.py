"""Problems found in the data: every check returns these instead of raising, so that one run
reports all of them (the beancount way)."""

from __future__ import annotations

import difflib
import re
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Literal

from .messages import _

if TYPE_CHECKING:
    from .source.load import Source

# "todo": a value `snplan new` left to be filled in. It fails nothing but `validate --complete`
# (and `--strict`) and the build of the document that holds it, so a half-filled new year
# never blocks the years before it.
Severity = Literal["error", "warning", "todo"]

# Characters a terminal would act on or cannot encode: C0 and C1 controls (but tab and line
# feed), lone surrogates, and the two non-characters; and characters that change how the rest
# of the line reads without being seen: the bidirectional controls (U+202E RIGHT-TO-LEFT
# OVERRIDE shows "exe.txt" as "txt.exe"), the invisible marks and zero-width characters, and
# the line and paragraph separators. A message quoting a value from a hostile file shows them
# as escapes.
_UNPRINTABLE = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u061c\u200b-\u200f\u2028-\u202e"
                          "\u2060-\u2069\ufeff\ud800-\udfff\ufffe\uffff]")


def printable(text: str) -> str:
    """`text` with every unprintable character written as an escape, such as `\\x07`."""
    return _UNPRINTABLE.sub(lambda m: ascii(m.group())[1:-1], text)


@dataclass(frozen=True, order=True)
class Problem:
    """One thing wrong with the data, located in a file (and a line, where there is one).

    `also` names the other side of a disagreement between two places.
    """

    path: str
    line: int | None
    field: str
    message: str
    severity: Severity = "error"
    also: str | None = None

    def format(self) -> str:
        where = self.path if self.line is None else f"{self.path}:{self.line}"
        label = {"error": "", "warning": _("warning: "), "todo": _("to do: ")}[self.severity]
        subject = f"{self.field}: " if self.field else ""
        text = f"{where}: {label}{subject}{self.message}"
        if self.also:
            text += _(" (see {place})").format(place=self.also)
        return printable(text)


def display_path(path: Path, base: Path | None = None) -> str:
    """A path as the user would type it: relative to the working directory when possible."""
    for root in (base, Path.cwd()):
        if root is None:
            continue
        try:
            return str(_resolved(path).relative_to(_resolved(root)))
        except ValueError:
            continue
    return str(path)


def _resolved(path: Path) -> Path:
    """`path` made absolute with its directories resolved but not its last part: a symbolic
    link is named as itself (where it points is a message's business), and one that loops,
    which `resolve` refuses, is named too."""
    try:
        if path.name in {"", ".", ".."}:
            return path.resolve()
        return path.parent.resolve() / path.name
    except (OSError, RuntimeError):
        return path.absolute()


def field_path(loc: tuple[str | int, ...]) -> str:
    """`('resultatrakning', 'rader', 'bidrag', 'utfall')` → `resultatrakning.rader.bidrag.utfall`;
    list indices are shown as `[2]`."""
    text = ""
    for part in loc:
        if isinstance(part, int):
            text += f"[{part}]"
        else:
            text += ("." if text else "") + str(part)
    return text


class HasProblems:
    """Errors and warnings of a `problems` list (a loaded dataset, a validation report)."""

    problems: list[Problem]

    @property
    def errors(self) -> list[Problem]:
        return [p for p in self.problems if p.severity == "error"]

    @property
    def warnings(self) -> list[Problem]:
        return [p for p in self.problems if p.severity == "warning"]

    @property
    def todo(self) -> list[Problem]:
        """Values still to be filled in (what `snplan new` left as a placeholder)."""
        return [p for p in self.problems if p.severity == "todo"]


# ------------------------------------------------------------------------------ making them
# A problem at a place of a loaded file: the rules and the block types make them the same way.

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
    guess = _("; did you mean '{name}'?").format(name=close[0]) if close else ""
    hint = ", ".join(names) if 0 < len(names) <= 12 else None
    suffix = _(" (known: {names})").format(names=hint) if hint else ""
    message = _("no {what} with id '{value}' in {where}").format(what=what, value=value,
                                                                  where=where)
    return [problem(source, loc, message + suffix + guess)]


def duplicates(source: Source | None, loc: Loc, ids: Iterable[str], what: str
               ) -> list[Problem]:
    problems = []
    seen: dict[str, int] = {}
    for index, value in enumerate(ids):
        if value in seen:
            first = source.line(*loc, seen[value]) if source else None
            problems.append(problem(source, loc + (index,),
                                    _("the {what} id '{value}' is used twice").format(
                                        what=what, value=value),
                                    also=_("line {line}").format(line=first) if first
                                    else None))
        else:
            seen[value] = index
    return problems
