"""Rules on texts: values still to be filled in, characters Word and Excel cannot hold, the
names prose expressions use, and memos that lack their date or registration number."""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import Any

from ..messages import _
from ..model.common import PLACEHOLDER, PLACEHOLDER_MESSAGE
from ..model.kinds import KINDS
from ..problems import Problem, problem
from ..prose import rules as prose_rules
from ..source.load import Dataset, Document, Source
from ..source.walk import leaves

_EXPRESSION = re.compile(r"{{-?\s*([^\W\d]\w*)")
# Literals Jinja reads as names. (Statements that bind names, `{% for %}` and `{% set %}`, and
# Jinja's own names such as `range` and `loop` are refused by prose_rules before this.)
_KEYWORDS = frozenset({"true", "false", "none", "True", "False", "None"})

# Characters that XML 1.0, and so a Word or Excel file, cannot hold: C0 controls other than
# tab, line feed and carriage return; lone surrogates; U+FFFE and U+FFFF. YAML refuses them
# written raw, but a double-quoted string can spell them as escapes ("\x07", "\uFFFE").
_XML_ILLEGAL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")


def _texts(value: Any, loc: tuple[str | int, ...]
           ) -> Iterable[tuple[tuple[str | int, ...], str]]:
    """Every string of loaded YAML data, keys of mappings included, with its field path."""
    if isinstance(value, str):
        yield loc, value
    elif isinstance(value, dict):
        for key, item in value.items():
            if isinstance(key, str):
                yield loc + (key,), key
            yield from _texts(item, loc + (key,))
    elif isinstance(value, list):
        for index, item in enumerate(value):
            yield from _texts(item, loc + (index,))


def _all_sources(ds: Dataset) -> list[Source]:
    """Every file that was read: organisation.yaml, the outlines and each year's files."""
    sources = [ds.organisation_source] if ds.organisation_source else []
    sources.extend(ds.disposition_sources.values())
    for year in ds.years.values():
        sources.extend(year.sources.values())
    return sources


def check_xml_characters(ds: Dataset) -> list[Problem]:
    """No text holds a character that Word's and Excel's XML cannot carry: the document
    would not open (or the character would silently vanish), so the file, line and field
    are named before anything is built. Every string of the data as read is checked, so the
    line is the string's own."""
    problems: list[Problem] = []
    for source in _all_sources(ds):
        for loc, text in _texts(source.located.data, ()):
            found = _XML_ILLEGAL.search(text)
            if found is None:
                continue
            problems.append(problem(
                source, loc, _("the text holds the control character U+{group:04X} (character "
                               "{start}), which Word and Excel files cannot hold; remove "
                               "it").format(
                                 group=ord(found.group()), start=found.start() + 1)))
    return problems


def check_placeholders(ds: Dataset) -> list[Problem]:
    """Every value `snplan new` left as FYLL I, named with file, line and field, so a new
    year's missing figures and texts are a list to work through (not errors: a half-filled
    year must not block the others)."""
    problems: list[Problem] = []
    for source in _all_sources(ds):
        for loc, text in _texts(source.located.data, ()):
            if text.strip() == PLACEHOLDER and loc:
                problems.append(problem(source, loc, PLACEHOLDER_MESSAGE, "todo"))
    return problems


def prose_names(ds: Dataset, document: Document) -> frozenset[str]:
    """The names prose in a document may use: `ar` and the tables of the document it quotes."""
    quoted = ds.quoted(document)
    if quoted is None:
        return frozenset({"ar"})
    tables = {node.block for node in ds.disposition(quoted.kind).blocks()
              if node.tabell is not None and node.block
              and any(c.is_figure for c in node.tabell.kolumner)}
    return frozenset({"ar", *tables})


def check_prose_names(ds: Dataset) -> list[Problem]:
    """Every prose text keeps to the prose language and to Markdown Word can place
    (`prose_rules.refusals`: no statements, no calls, no names beginning with '_',
    allow-listed filters; no pictures or block quotes), so validation refuses what the build
    would refuse; and the names its expressions use exist. The full evaluation happens when a
    document is built."""
    problems: list[Problem] = []
    for document in ds.documents():
        unreadable = _unreadable_quoted(ds, document)
        names = prose_names(ds, document)
        noted = False
        for loc, text in leaves(document.model):
            if not isinstance(text, str):
                continue
            refused = prose_rules.refusals(text)
            problems += [problem(document.source, loc, reason) for reason in refused]
            if refused or not prose_rules.has_expression(text):
                continue
            if unreadable is not None:
                # the names come from a file that did not load: say so once, not name by name
                if not noted:
                    problems.append(problem(document.source, loc, unreadable, "warning"))
                noted = True
                continue
            problems += _expression_problems(document.source, loc, text, names)
    return problems


def _unreadable_quoted(ds: Dataset, document: Document) -> str | None:
    """Why the names of the document a text quotes cannot be checked (its file was found but
    did not parse or has errors, which are reported at that file), or None: every name would
    otherwise be reported as unknown, an error that only follows from the other one."""
    if ds.quoted(document) is not None:
        return None
    wanted = KINDS.get(getattr(document.model, "dokument", None) or
                       KINDS[document.kind].quotes or "")
    year = ds.years.get(document.year)
    if wanted is None or year is None or wanted.name not in year.unloaded:
        return None
    path, why = year.unloaded[wanted.name]
    return _("not checked: the expressions quote {path}, which {why}").format(path=path,
                                                                              why=why)


def _expression_problems(source: Source, loc: tuple[str | int, ...], text: str,
                         names: frozenset[str]) -> list[Problem]:
    problems = []
    for match in _EXPRESSION.finditer(text):
        name = match.group(1)
        if name in names or name in _KEYWORDS:
            continue
        problems.append(problem(source, loc, _("the expression uses the name '{name}', which "
                                               "does not exist here (known: {names})").format(
                                                 name=name, names=', '.join(sorted(names)))))
    return problems


def check_memos_complete(ds: Dataset) -> list[Problem]:
    """A memo without a date or a registration number is incomplete: a warning (an error with
    --strict) naming the file and field; the built memo says "datum saknas" /
    "diarienummer saknas" where they belong."""
    problems: list[Problem] = []
    for document in ds.documents():
        if not KINDS[document.kind].memo:
            continue
        for name, missing in (("datum", _("the memo has no date; the built memo says "
                                          "'datum saknas' until it is entered")),
                              ("diarienummer", _("the memo has no registration number; the "
                                                 "built memo says 'diarienummer saknas' "
                                                 "until it is entered"))):
            if getattr(document.model, name, None) is None:
                problems.append(problem(document.source, (name,), missing, "warning"))
    return problems
