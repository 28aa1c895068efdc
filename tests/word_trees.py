"""Resolved documents for the Word writer's tests, written compactly: prose as Markdown (read
by the same reader the data's prose goes through) and tables in a pipe notation, where a
`---:` column holds figures and a row whose first cell is `**bold**` is a total. The notation
is the tests' own shorthand for tree nodes; the writer itself sees only the nodes."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Sequence
from pathlib import Path

from snplan.commands.rendering import DEFAULT_TEMPLATES
from snplan.output import word
from snplan.prose.markup import blocks, inline
from snplan.tree import Block, Cell, Column, Document, Figure, Meta, Row, Table, Text

REFERENCE = DEFAULT_TEMPLATES / "reference.docx"
META = Meta(title="Prov", subject="Socialnämnden, Prov", author="Socialnämnden, Solna stad",
            organisation="Solna stad", administration="Socialförvaltningen",
            kind_label="Årsredovisning", timestamp=dt.datetime(2024, 2, 1, 12, 0))
_BOLD = re.compile(r"^\*\*(.*)\*\*$")


def pipe(text: str, *, keep: bool = False, title: str = "") -> Table:
    """A table from pipe notation: a header line, an alignment line, rows."""
    lines = [line.strip() for line in text.strip().splitlines() if line.strip()]

    def split(line: str) -> list[str]:
        return [c.strip() for c in line.strip("|").split("|")]

    header, align, *rows = lines
    rights = ["---:" in a for a in split(align)]
    columns = tuple(Column(f"k{i}", h, "number" if rights[i] else "text",
                           "right" if rights[i] else "left")
                    for i, h in enumerate(split(header)))
    body = []
    for number, line in enumerate(rows):
        cells = split(line)
        total = bool(cells and _BOLD.match(cells[0]))
        row_cells = []
        for cell in cells:
            plain = _BOLD.sub(r"\1", cell)
            parts = plain.split("<br>")
            row_cells.append(Cell(tuple(inline(p) for p in parts if p), plain))
        row_cells += [Cell()] * (len(columns) - len(row_cells))
        body.append(Row(str(number), _BOLD.sub(r"\1", cells[0]) if cells else "",
                        tuple(row_cells), "total" if total else "data"))
    return Table("t", columns, tuple(body), keep=keep, title=title)


def md(text: str) -> list[Block]:
    """Prose and pipe tables, in order."""
    out: list[Block] = []
    chunk: list[str] = []
    table: list[str] = []

    def flush() -> None:
        if chunk:
            out.extend(blocks("\n".join(chunk)))
            chunk.clear()
        if table:
            out.append(pipe("\n".join(table)))
            table.clear()

    for line in text.split("\n"):
        if line.startswith("|"):
            if chunk:
                out.extend(blocks("\n".join(chunk)))
                chunk.clear()
            table.append(line)
        else:
            if table:
                out.append(pipe("\n".join(table)))
                table.clear()
            chunk.append(line)
    flush()
    return out


def draw_with(pictures: dict[str, bytes]) -> word.writer.Draw:
    return lambda figure: pictures[figure.id]


def render(content: str | Sequence[Block], pictures: dict[str, bytes] | None = None,
           reference: Path = REFERENCE, meta: Meta = META) -> bytes:
    nodes = md(content) if isinstance(content, str) else list(content)
    return word.write(Document(meta, tuple(nodes)), reference, draw_with(pictures or {}))


def figure(name: str, alt: str, caption: str) -> Figure:
    return Figure(name, alt, caption, ())


def bold(text: str) -> Text:
    return Text(text, bold=True)


__all__ = ["META", "REFERENCE", "figure", "md", "pipe", "render"]
