"""Safe YAML reading that remembers where every value came from.

PyYAML's safe loader silently keeps the last of two equal keys and turns 42.4 into a binary
float. Here a duplicated key is an error, a float becomes a Decimal built from its text, and
every mapping key and sequence item is recorded with its line, so that a validation error on
`resultatrakning.rader.bidrag.utfall` can point at the line a person has to change.
"""

from __future__ import annotations

import os
import re
import stat
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any

import yaml
from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode

from ..errors import DataError
from ..messages import _
from ..problems import field_path

Path_ = tuple[str | int, ...]

# libyaml's parser is about ten times faster than the pure-Python one and gives the same nodes
# and marks; validation runs on every save, so it matters.
_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)

# Limits that keep a hostile file from exhausting the machine.
MAX_BYTES = 5 * 1024 * 1024
MAX_NODES = 100_000  # the largest shipped file holds under 1 000 values
MAX_DEPTH = 60
# Aliases let a small file stand for a huge one; the text of every scalar is counted each time
# an alias repeats it. A file without aliases never comes near this (it is at most MAX_BYTES).
MAX_EXPANDED_CHARS = 2 * MAX_BYTES
# The largest magnitude of a figure: beyond it, Decimal rounding and formatting overflow (and no
# committee's budget comes near it, even in kronor).
MAX_DIGITS = 15
MAX_MAGNITUDE = 10**MAX_DIGITS
# The nesting depth is measured on the text by `nesting_depth` before any YAML parser sees it:
# libyaml's composer recurses in C (a file nested some hundred thousand levels deep crashes
# the interpreter), and newer releases refuse deep files with their own message. Measuring
# first makes the refusal snplan's, the same whatever the parser version.


def too_large(value: object) -> bool:
    """Whether a number is beyond MAX_MAGNITUDE (or not finite), without arithmetic that could
    itself overflow (Decimal('1e999999') has no absolute value in the default context)."""
    if isinstance(value, bool):
        return False
    if isinstance(value, Decimal):
        return not value.is_finite() or (not value.is_zero()
                                         and value.adjusted() >= MAX_DIGITS)
    if isinstance(value, int):
        return abs(value) >= MAX_MAGNITUDE
    return False


class SourceError(DataError):
    """A file that cannot be read as YAML at all; carries the line when YAML gave one, and the
    field when the trouble is in one value."""

    def __init__(self, path: Path, line: int | None, message: str, field: str = "") -> None:
        super().__init__(message)
        self.path = path
        self.line = line
        self.message = message
        self.field = field


# Numbers YAML 1.1 (PyYAML's) reads other than a person reads them: a leading zero makes an
# octal number (061 is 49), 0x and 0b make hexadecimal and binary ones, and colons make a
# base-60 number (1:20 is 80, an unquoted time 10:00 is 36000). They are refused where they
# stand, never converted.
_SURPRISING_NUMBER = re.compile(r"[-+]?(?:0[0-9_]*[1-9][0-9_]*|0x[0-9a-fA-F_]+|0b[01_]+"
                                r"|[0-9][0-9_]*(?::[0-5]?[0-9])+(?:\.[0-9_]*)?)")

# Characters YAML 1.1 reads as line breaks although editors and people do not: NEL, LINE
# SEPARATOR and PARAGRAPH SEPARATOR, pasted from web pages, PDF files and Word. In a plain
# text they break the line (a confusing syntax error a line off); anywhere they would reach
# Word as an invisible break. They are named as such, with the field they are in.
_YAML_BREAKS = {"\x85": "U+0085 (NEXT LINE)", "\u2028": "U+2028 (LINE SEPARATOR)",
                "\u2029": "U+2029 (PARAGRAPH SEPARATOR)"}
# Stand-ins for them while the text is parsed (characters of the private use area, used only
# when the text holds none of them).
_STAND_INS = {"\x85": "\ue085", "\u2028": "\ue028", "\u2029": "\ue029"}


@dataclass
class Located:
    """A loaded document with the line of every value, by field path."""

    path: Path
    data: Any
    lines: dict[Path_, int] = field(default_factory=dict)

    def line_of(self, loc: Path_) -> int | None:
        """The line of the deepest known ancestor of `loc` (pydantic may name a sub-field
        that the YAML does not contain, such as a missing key)."""
        loc = tuple(loc)
        while True:
            if loc in self.lines:
                return self.lines[loc]
            if not loc:
                return None
            loc = loc[:-1]


class _Builder:
    """Turns a composed node tree into plain Python values, checking keys and limits."""

    def __init__(self, path: Path, stand_ins: dict[str, str] | None = None) -> None:
        self.path = path
        self.stand_ins = stand_ins or {}
        self.lines: dict[Path_, int] = {}
        self.count = 0
        self.chars = 0
        self.constructor = yaml.constructor.SafeConstructor()

    def build(self, node: Node, loc: Path_, depth: int) -> Any:
        self.count += 1
        if self.count > MAX_NODES:
            raise SourceError(
                self.path, node.start_mark.line + 1,
                _("the file expands to more than {MAX_NODES} values (an alias bomb?)").format(
                    MAX_NODES=MAX_NODES),
            )
        if depth > MAX_DEPTH:
            raise SourceError(
                self.path, node.start_mark.line + 1,
                _("the data is nested deeper than {MAX_DEPTH} levels").format(MAX_DEPTH=MAX_DEPTH),
            )
        self.lines.setdefault(loc, node.start_mark.line + 1)
        expected = {MappingNode: "tag:yaml.org,2002:map", SequenceNode: "tag:yaml.org,2002:seq"}
        if type(node) in expected and node.tag != expected[type(node)]:
            raise SourceError(
                self.path, node.start_mark.line + 1,
                _("the tag {tag} is not allowed in data files").format(tag=node.tag),
            )
        if isinstance(node, MappingNode):
            result: dict[Any, Any] = {}
            seen: dict[Any, int] = {}
            for key_node, value_node in node.value:
                if key_node.tag == "tag:yaml.org,2002:merge":
                    raise SourceError(
                        self.path, key_node.start_mark.line + 1,
                        _("merge keys (<<) are not supported; write the values out"),
                    )
                key = self.build(key_node, loc + ("<key>",), depth + 1)
                if not isinstance(key, str | int):
                    raise SourceError(
                        self.path, key_node.start_mark.line + 1,
                        _("a key must be a plain word or number"),
                    )
                key_line = key_node.start_mark.line + 1
                if key in seen:
                    raise SourceError(
                        self.path, key_line,
                        _("the key '{key}' appears twice in the same mapping (first on line "
                          "{key2}); YAML would silently keep the last one").format(
                            key=key, key2=seen[key]),
                    )
                seen[key] = key_line
                child = loc + (key,)
                self.lines[child] = key_line
                result[key] = self.build(value_node, child, depth + 1)
            self.lines.pop(loc + ("<key>",), None)
            return result
        if isinstance(node, SequenceNode):
            items = []
            for index, item in enumerate(node.value):
                child = loc + (index,)
                self.lines[child] = item.start_mark.line + 1
                items.append(self.build(item, child, depth + 1))
            return items
        assert isinstance(node, ScalarNode)
        self.chars += len(node.value)
        if self.chars > MAX_EXPANDED_CHARS:
            raise SourceError(
                self.path, node.start_mark.line + 1,
                _("the file expands to more than {MAX_EXPANDED_CHARS} characters of text (an "
                  "alias bomb?)").format(MAX_EXPANDED_CHARS=MAX_EXPANDED_CHARS),
            )
        if node.tag in {"tag:yaml.org,2002:int", "tag:yaml.org,2002:float"} and \
                not node.style and _SURPRISING_NUMBER.fullmatch(node.value):
            raise self._surprising(node, loc)
        if self.stand_ins and node.tag == "tag:yaml.org,2002:str":
            for character, stand_in in self.stand_ins.items():
                if stand_in in node.value:
                    position = node.value.index(stand_in)
                    line = node.start_mark.line + 1
                    if node.style == "|":  # a literal block begins on the line after the '|'
                        line += 1 + node.value.count("\n", 0, position)
                    raise SourceError(
                        self.path, line,
                        _("the text holds the character {character} (character {position}), "
                          "which YAML reads as a line break and Word shows as an invisible one; "
                          "it often comes with text pasted from a web page or a PDF: replace it "
                          "with a space or a new line").format(
                            character=_YAML_BREAKS[character], position=position + 1),
                        _field(loc))
        if node.tag == "tag:yaml.org,2002:int":
            return self._number(node, self._construct(node, loc), loc)
        if node.tag == "tag:yaml.org,2002:timestamp":
            try:
                return self.constructor.construct_object(node)
            except ValueError:
                return node.value  # "2023-13-45": let validation say it is not a date
        if node.tag == "tag:yaml.org,2002:float":
            text = node.value.replace("_", "")
            try:
                value = Decimal(text)
            except InvalidOperation:
                return self.constructor.construct_object(node)
            if not value.is_finite():
                return self.constructor.construct_object(node)
            return self._number(node, value, loc)
        return self._construct(node, loc)

    def _surprising(self, node: ScalarNode, loc: Path_) -> SourceError:
        """The error for a number YAML 1.1 would read other than it looks."""
        text = node.value
        try:
            value = self.constructor.construct_object(node)
        except (yaml.YAMLError, ValueError, TypeError, ArithmeticError):
            value = None
        read = f"{value} " if isinstance(value, int | float) else ""
        if ":" in text:
            how = _("the base-60 number {read}(colons make it one)").format(read=read)
            advice = _("write it in quotes (\"{text}\") if it is a time or a text").format(
                         text=text)
        elif text.lstrip("+-").lower().startswith(("0x", "0b")):
            kind = "hexadecimal" if "x" in text.lower() else "binary"
            how = _("the {kind} number {read}(YAML 1.1 reads 0x and 0b so)").format(
                      kind=kind, read=read)
            advice = _("write the number in decimal, or in quotes (\"{text}\") if it is a "
                       "text").format(text=text)
        else:
            how = _("the octal number {read}(a leading zero makes it octal)").format(read=read)
            plain = text.lstrip("+-").lstrip("0_") or "0"
            sign = "-" if text.startswith("-") else ""
            advice = _("write {sign}{plain} without the zero, or \"{text}\" in quotes if it is a "
                       "text").format(sign=sign, plain=plain, text=text)
        return SourceError(self.path, node.start_mark.line + 1,
                           _("YAML reads {text} as {how}, not as it looks; {advice}").format(
                               text=text[:40], how=how, advice=advice),
                           _field(loc))

    def _construct(self, node: ScalarNode, loc: Path_) -> Any:
        if node.tag == "tag:yaml.org,2002:int":
            digits = sum(c.isdigit() for c in node.value)
            if digits > 40:
                raise SourceError(
                    self.path, node.start_mark.line + 1,
                    _("the number {value}... has {digits} digits; a figure has at most 15 before "
                      "the decimal mark").format(value=node.value[:20], digits=digits), _field(loc),
                )
        try:
            return self.constructor.construct_object(node)
        except yaml.constructor.ConstructorError:
            raise SourceError(
                self.path, node.start_mark.line + 1,
                _("the tag {tag} is not allowed in data files").format(tag=node.tag),
            ) from None
        except (yaml.YAMLError, ValueError, TypeError, ArithmeticError) as exc:
            reason = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
            raise SourceError(
                self.path, node.start_mark.line + 1,
                _("cannot read the value {value!r} ({tag}): {reason}").format(
                    value=node.value[:40], tag=node.tag, reason=reason),
            ) from None

    def _number(self, node: ScalarNode, value: Any, loc: Path_) -> Any:
        """A number too large to be a figure is refused where it stands, naming its field."""
        if too_large(value):
            shown = node.value if len(node.value) <= 20 else node.value[:17] + "..."
            raise SourceError(
                self.path, node.start_mark.line + 1,
                _("the number {shown} is too large: a figure has at most 15 digits before the "
                  "decimal mark").format(shown=shown), _field(loc),
            )
        return value


_INDICATORS = re.compile(r"(?:[-?:](?:[ \t]+|$))+")
_INDICATOR = re.compile(r"[-?:](?:[ \t]+|$)")
_BLOCK_SCALAR = re.compile(r"[|>][-+0-9]*$")
_FLOW_CHARS = re.compile(r"[\"'\[\]{}#]")
# A key: plain (a '#' in it is text unless after a blank, where it starts a comment), double-
# or single-quoted; then ':' and a blank or the end of the line. Blanks are YAML's, space and
# tab: a key may begin with another space character (U+00A0, found by the depth property).
_KEY = re.compile(r"""(?:[^ \t#"'\[\]{}](?:[^#]|(?<![ \t])#)*?|"(?:[^"\\]|\\.)*"|'(?:[^']|'')*')"""
                  r""":(?:[ \t]|$)""")


@dataclass
class _Level:
    """A block collection open at one indentation: the depth its latest line reached, and
    whether it began as a mapping (a sequence written at the same indentation as its key is
    one level deeper than the mapping)."""

    indent: int
    base: int
    mapping: bool
    depth: int = 0


class _DepthScanner:
    """Measures how deeply YAML text nests, line by line and without recursion: block
    collections by indentation and by '- ' / '? ' indicators, flow collections by brackets
    outside quotes and comments. The result is never below the true depth and at most a level
    above it for ordinary files (a plain scalar continued on a more indented line counts as a
    level), which is all a limit needs."""

    def __init__(self, limit: int) -> None:
        self.limit = limit
        self.stack: list[_Level] = []
        self.flow = 0
        self.flow_base = 0
        self.quote = ""
        self.scalar_indent: int | None = None
        self.deepest = 0
        self.line = 0

    def _reach(self, depth: int) -> None:
        if depth > self.deepest:
            self.deepest = depth
        if depth > self.limit:
            raise _TooDeep(self.line)

    def _scan_flow(self, text: str, base: int) -> str:
        """Follow quotes and brackets through `text`; return what precedes a comment."""
        position = 0
        while position < len(text):
            if self.quote:
                end = text.find(self.quote, position)
                while end != -1 and self.quote == '"' and _escaped(text, end):
                    end = text.find('"', end + 1)
                if end == -1:
                    return text
                if self.quote == "'" and text.startswith("''", end):
                    position = end + 2
                    continue
                self.quote = ""
                position = end + 1
                continue
            match = _FLOW_CHARS.search(text, position)
            if match is None:
                return text
            char = match.group()
            position = match.end()
            if char == "#":
                if match.start() == 0 or text[match.start() - 1] in " \t":
                    return text[: match.start()]
            elif char in "\"'":
                before = text[: match.start()].rstrip()
                if not before or (self.flow and before[-1] in ",[{") or (
                        before[-1] in ":-?" and text[match.start() - 1] in " \t"):
                    self.quote = char
            elif char in "[{":
                # outside a flow collection a bracket inside a plain scalar is text
                before = text[: match.start()].rstrip()
                if self.flow or not before or (
                        before[-1] in ":-?" and text[match.start() - 1] in " \t"):
                    self.flow += 1
                    self._reach(base + self.flow)
            elif self.flow:
                self.flow -= 1
        return text

    def feed(self, raw: str) -> None:
        self.line += 1
        text = raw.rstrip("\r")
        stripped = text.lstrip(" ")
        indent = len(text) - len(stripped)
        if self.scalar_indent is not None:
            if not stripped.strip() or indent > self.scalar_indent:
                return
            self.scalar_indent = None
        if self.quote or self.flow:
            self._scan_flow(text, self.flow_base)
            return
        if not stripped.strip() or stripped.startswith("#"):
            return
        if stripped.startswith(("---", "...")) and indent == 0 and \
                stripped[3:4] in ("", " ", "\t"):
            self.stack.clear()
            return
        while self.stack and self.stack[-1].indent > indent:
            self.stack.pop()
        indicators = _INDICATORS.match(stripped)
        count = len(_INDICATOR.findall(indicators.group())) \
            if indicators else 0
        rest = stripped[indicators.end():] if indicators else stripped
        starts_sequence = stripped.startswith("-") and count > 0
        if self.stack and self.stack[-1].indent == indent:
            level = self.stack[-1]
        else:
            base = self.stack[-1].depth if self.stack else 0
            level = _Level(indent, base, mapping=not starts_sequence)
            self.stack.append(level)
        depth = level.base + 1 + (1 if starts_sequence and level.mapping else 0)
        level.depth = depth
        if indicators:
            # "- - x" and "? - x" nest a collection per further indicator, each at its own
            # column, where the items of that inner collection line up on the next lines
            for inner in _INDICATOR.finditer(indicators.group(), 1):
                depth += 1
                self._reach(depth)
                self.stack.append(_Level(indent + inner.start(), depth - 1,
                                         inner.group().startswith("?"), depth))
        if count and _KEY.match(rest):
            # "- key: value" opens a mapping at the column after the indicators, where the
            # item's further keys line up
            depth += 1
            self.stack.append(_Level(indent + indicators.end(), depth - 1, True, depth))
        self._reach(depth)
        self.flow_base = depth
        content = self._scan_flow(rest, depth).rstrip()
        if not self.flow and not self.quote and _BLOCK_SCALAR.search(content) and (
                content.endswith(("|", ">")) or content[-2:-1] in "|>" or
                _BLOCK_SCALAR.fullmatch(content.split()[-1])):
            # its text lies deeper than the key that owns it ("- text: |" owns it at the
            # column after the indicator)
            owned_by_key = bool(indicators) and _KEY.match(rest) is not None
            self.scalar_indent = indent + (indicators.end() if owned_by_key and indicators
                                           else 0)


def _escaped(text: str, position: int) -> bool:
    backslashes = 0
    while position > 0 and text[position - 1] == "\\":
        backslashes += 1
        position -= 1
    return backslashes % 2 == 1


class _TooDeep(Exception):
    def __init__(self, line: int) -> None:
        super().__init__(line)
        self.line = line


def nesting_depth(text: str, limit: int = 10**9) -> int:
    """How many collections deep `text` nests (see `_DepthScanner`); raises `_TooDeep` with
    the line as soon as the depth passes `limit`."""
    scanner = _DepthScanner(limit)
    for raw in text.split("\n"):
        scanner.feed(raw)
    return scanner.deepest


def _check_depth(text: str, path: Path) -> None:
    """Refuse a file nested deeper than MAX_DEPTH before a parser sees it."""
    try:
        nesting_depth(text, MAX_DEPTH)
    except _TooDeep as exc:
        raise SourceError(path, exc.line,
                          _("the data is nested deeper than {MAX_DEPTH} levels").format(
                              MAX_DEPTH=MAX_DEPTH)) from None


def _syntax_problem(exc: yaml.YAMLError, text: str, path: Path) -> SourceError:
    """A YAML error as a SourceError with a line and a plain sentence."""
    if isinstance(exc, yaml.reader.ReaderError):
        character = chr(exc.character) if isinstance(exc.character, int) else None
        position = text.find(character) if character else -1
        line = text.count("\n", 0, position) + 1 if position >= 0 else None
        code = f"U+{exc.character:04X}" if isinstance(exc.character, int) else "?"
        return SourceError(path, line, _("the file contains the control character {code}, "
                                       "which a data file cannot hold; remove it")
                                           .format(code=code))
    if isinstance(exc, yaml.MarkedYAMLError):
        origin = _unclosed_quote(exc, text, path)
        if origin is not None:
            return origin
        mark = exc.problem_mark or exc.context_mark
        line = mark.line + 1 if mark else None
        problem = exc.problem or "invalid YAML"
        if "another document" in problem:  # a second "---": YAML would need a stream
            return SourceError(path, line, _("the file holds a second YAML document (after "
                                             "'---'); a data file is one document: remove "
                                             "the '---' line or move what follows into its "
                                             "own file"))
        if line is not None:
            lines = text.splitlines() or [""]
            source_line = lines[max(0, min(line, len(lines)) - 1)]
            indent = source_line[: len(source_line) - len(source_line.lstrip(" \t"))]
            if "\t" in indent:
                problem = _("a tab character is used for indentation; YAML indents with "
                            "spaces")
        return SourceError(path, line, _("YAML syntax error: {problem}").format(problem=problem))
    first = str(exc).splitlines()[0] if str(exc) else "invalid YAML"
    return SourceError(path, None, _("YAML syntax error: {first}").format(first=first))


def _unclosed_quote(exc: yaml.MarkedYAMLError, text: str, path: Path) -> SourceError | None:
    """The error at the quote that caused it, when a quote left open is the cause: YAML then
    reads on to the next quote character, often many lines further, and fails there (or at
    the end of the file). The line a person must change is the one where the quote opened."""
    problem = exc.problem or "invalid YAML"
    if exc.context == "while scanning a quoted scalar" and exc.context_mark is not None:
        return SourceError(path, exc.context_mark.line + 1,
                           _("YAML syntax error: the quote opened on this line is never closed "
                           "({problem}); close it, or write the text without quotes")
                               .format(problem=problem))
    if exc.problem_mark is None:
        return None
    quoted = _quoted_text_ending_on(text, exc.problem_mark.line)
    if quoted is None:
        return None
    start, end = quoted
    return SourceError(path, start, _("YAML syntax error: the quote opened on this line is not "
                       "closed on it, so YAML read the text on to the next quote, on line "
                       "{end}, and failed there ({problem}); close the quote, or write the "
                       "text without quotes").format(end=end, problem=problem))


def _quoted_text_ending_on(text: str, line: int) -> tuple[int, int] | None:
    """(first line, last line), counted from 1, of a quoted text spanning several lines and
    ending on `line` (counted from 0), where a YAML error was found; None when there is none.
    Only read when a file has failed to parse, so scanning it again costs nothing otherwise."""
    found = None
    try:
        for token in yaml.scan(text, Loader=_LOADER):
            if token.start_mark.line > line:
                break
            if isinstance(token, yaml.ScalarToken) and token.style in {'"', "'"} and \
                    token.start_mark.line < token.end_mark.line == line:
                found = (token.start_mark.line + 1, token.end_mark.line + 1)
    except yaml.YAMLError:
        pass
    return found


def _field(loc: Path_) -> str:
    """A field path as problems show it (`budget.drift.intakter`, `plan[0].risker`)."""
    return field_path(tuple(part for part in loc if part != "<key>"))


def _stand_in_breaks(text: str, path: Path) -> tuple[str, dict[str, str]]:
    """`text` with each YAML-only line break replaced by a stand-in, so the parser counts the
    lines an editor counts and the builder can name the field that holds one."""
    found = {c: s for c, s in _STAND_INS.items() if c in text}
    if not found:
        return text, {}
    if any(s in text for s in found.values()):  # the stand-ins are taken: name the line only
        character = next(iter(found))
        position = text.index(character)
        raise SourceError(path, text.count("\n", 0, position) + 1,
                          _("the file holds the character {character}, which "
                          "YAML reads as a line break; replace it with a space or a new line")
                              .format(character=_YAML_BREAKS[character]))
    for character, stand_in in found.items():
        text = text.replace(character, stand_in)
    return text, found


def parse_text(text: str, path: Path) -> Located:
    """Parse YAML text into plain values plus their lines; raise SourceError on bad YAML."""
    text, stand_ins = _stand_in_breaks(text, path)
    try:
        _check_depth(text, path)
        node = yaml.compose(text, Loader=_LOADER)
    except yaml.YAMLError as exc:
        raise _syntax_problem(exc, text, path) from None
    except RecursionError:
        raise SourceError(path, None, _("the data is nested too deeply to read")) from None
    if node is None:
        return Located(path, None)
    builder = _Builder(path, stand_ins)
    try:
        data = builder.build(node, (), 0)
    except RecursionError:
        raise SourceError(path, None, _("the data is nested too deeply to read")) from None
    return Located(path, data, builder.lines)


# A text file with a NUL in it holds one or a few (a slip); more, or other control
# characters beside them, make a binary file.
MAX_NULS = 10
_BINARY_CONTROLS = re.compile("[\x01-\x08\x0b\x0c\x0e-\x1f]")


def _nul_problem(raw: bytes, path: Path) -> SourceError:
    """The error for a file holding a NUL byte: in UTF-8 text that is otherwise clean (a
    slip of an editor or a paste) at its line; otherwise the file is binary (a picture,
    UTF-16 text, controls beside the NUL)."""
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError:
        text = None
    if text is None or _BINARY_CONTROLS.search(text) or text.count("\x00") > MAX_NULS:
        return SourceError(path, None, _("the file is binary, not YAML text"))
    position = raw.index(b"\x00")
    line_start = raw.rfind(b"\n", 0, position) + 1
    column = len(raw[line_start:position].decode("utf-8")) + 1
    return SourceError(path, raw.count(b"\n", 0, position) + 1,
                       _("the file holds a NUL character (character {column} of the line), which "
                         "a data file cannot hold; remove it").format(column=column))


def read_file(path: Path) -> Located:
    """Read and parse one file, refusing what is not small UTF-8 text."""
    try:
        # Opened without waiting (a FIFO put in a file's place would block for ever) and
        # judged by what was opened, not by an earlier look at the name.
        handle = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0))
        with os.fdopen(handle, "rb") as stream:
            info = os.fstat(stream.fileno())
            if not stat.S_ISREG(info.st_mode):
                raise SourceError(path, None, _("not a regular file (a directory, FIFO or "
                                                "device); a data file is a YAML text file"))
            size = info.st_size
            if size > MAX_BYTES:
                raise SourceError(
                    path, None, _("the file is {size} KiB; data files are at most {MAX_BYTES} "
                                  "MiB").format(
                                    size=size // 1024, MAX_BYTES=MAX_BYTES // (1024 * 1024))
                )
            # Read at most one byte more than allowed: the size a file reports is not always
            # the size it has (a file that grows).
            raw = stream.read(MAX_BYTES + 1)
    except OSError as exc:
        raise SourceError(path, None, _("cannot read the file: {exc}").format(
                                          exc=exc.strerror or exc)) from None
    if len(raw) > MAX_BYTES:
        raise SourceError(path, None, _("the file is larger than {MAX_BYTES} MiB, the most a "
                                        "data file may be").format(
                                          MAX_BYTES=MAX_BYTES // (1024 * 1024)))
    if b"\x00" in raw:
        raise _nul_problem(raw, path)
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        raise SourceError(path, line, _("the file is not UTF-8 text; save it as UTF-8")) from None
    return parse_text(text.removeprefix("\ufeff"), path)
