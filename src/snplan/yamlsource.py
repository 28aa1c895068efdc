"""Safe YAML reading that remembers where every value came from.

PyYAML's safe loader silently keeps the last of two equal keys and turns 42.4 into a binary
float. Here a duplicated key is an error, a float becomes a Decimal built from its text, and
every mapping key and sequence item is recorded with its line, so that a validation error on
`resultatrakning.rader.bidrag.utfall` can point at the line a person has to change.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any

import yaml
from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode

Path_ = tuple[str | int, ...]

# libyaml's parser is about ten times faster than the pure-Python one and gives the same nodes
# and marks; validation runs on every save, so it matters.
_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)

# Limits that keep a hostile file from exhausting the machine.
MAX_BYTES = 5 * 1024 * 1024
MAX_NODES = 200_000
MAX_DEPTH = 60


class SourceError(Exception):
    """A file that cannot be read as YAML at all; carries the line when YAML gave one."""

    def __init__(self, path: Path, line: int | None, message: str) -> None:
        super().__init__(message)
        self.path = path
        self.line = line
        self.message = message


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

    def __init__(self, path: Path) -> None:
        self.path = path
        self.lines: dict[Path_, int] = {}
        self.count = 0
        self.constructor = yaml.constructor.SafeConstructor()

    def build(self, node: Node, loc: Path_, depth: int) -> Any:
        self.count += 1
        if self.count > MAX_NODES:
            raise SourceError(
                self.path, node.start_mark.line + 1,
                f"the file expands to more than {MAX_NODES} values (an alias bomb?)",
            )
        if depth > MAX_DEPTH:
            raise SourceError(
                self.path, node.start_mark.line + 1,
                f"the data is nested deeper than {MAX_DEPTH} levels",
            )
        self.lines.setdefault(loc, node.start_mark.line + 1)
        expected = {MappingNode: "tag:yaml.org,2002:map", SequenceNode: "tag:yaml.org,2002:seq"}
        if type(node) in expected and node.tag != expected[type(node)]:
            raise SourceError(
                self.path, node.start_mark.line + 1,
                f"the tag {node.tag} is not allowed in data files",
            )
        if isinstance(node, MappingNode):
            result: dict[Any, Any] = {}
            seen: dict[Any, int] = {}
            for key_node, value_node in node.value:
                if key_node.tag == "tag:yaml.org,2002:merge":
                    raise SourceError(
                        self.path, key_node.start_mark.line + 1,
                        "merge keys (<<) are not supported; write the values out",
                    )
                key = self.build(key_node, loc + ("<key>",), depth + 1)
                if not isinstance(key, str | int):
                    raise SourceError(
                        self.path, key_node.start_mark.line + 1,
                        "a key must be a plain word or number",
                    )
                key_line = key_node.start_mark.line + 1
                if key in seen:
                    raise SourceError(
                        self.path, key_line,
                        f"the key '{key}' appears twice in the same mapping "
                        f"(first on line {seen[key]}); YAML would silently keep the last one",
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
            return value
        try:
            return self.constructor.construct_object(node)
        except (yaml.YAMLError, ValueError, TypeError) as exc:
            raise SourceError(
                self.path, node.start_mark.line + 1,
                f"cannot read the value {node.value[:40]!r} ({node.tag}): {exc}",
            ) from None


def parse_text(text: str, path: Path) -> Located:
    """Parse YAML text into plain values plus their lines; raise SourceError on bad YAML."""
    try:
        node = yaml.compose(text, Loader=_LOADER)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = mark.line + 1 if mark else None
        problem = exc.problem or "invalid YAML"
        if line is not None:
            source_line = (text.splitlines() or [""])[min(line, len(text.splitlines())) - 1]
            indent = source_line[: len(source_line) - len(source_line.lstrip(" \t"))]
            if "\t" in indent:
                problem = "a tab character is used for indentation; YAML indents with spaces"
        raise SourceError(path, line, f"YAML syntax error: {problem}") from None
    except yaml.YAMLError as exc:
        raise SourceError(path, None, f"YAML syntax error: {exc}") from None
    except RecursionError:
        raise SourceError(path, None, "the data is nested too deeply to read") from None
    if node is None:
        return Located(path, None)
    builder = _Builder(path)
    try:
        data = builder.build(node, (), 0)
    except RecursionError:
        raise SourceError(path, None, "the data is nested too deeply to read") from None
    return Located(path, data, builder.lines)


def read_file(path: Path) -> Located:
    """Read and parse one file, refusing what is not small UTF-8 text."""
    try:
        size = path.stat().st_size
    except OSError as exc:
        raise SourceError(path, None, f"cannot read the file: {exc.strerror}") from None
    if size > MAX_BYTES:
        raise SourceError(
            path, None, f"the file is {size // 1024} KiB; data files are at most "
            f"{MAX_BYTES // (1024 * 1024)} MiB"
        )
    raw = path.read_bytes()
    if b"\x00" in raw:
        raise SourceError(path, None, "the file is binary, not YAML text")
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        raise SourceError(path, line, "the file is not UTF-8 text; save it as UTF-8") from None
    return parse_text(text.removeprefix("\ufeff"), path)
