"""Text from the data as nodes of the resolved document, parsed once.

Prose in the data is a small Markdown subset (paragraphs, `- ` bullets and `1.` numbered
lists, `**bold**`, `*italics*`, links, and what CommonMark adds); names, labels and cells are
one line of inline Markdown. Both become `tree` nodes here, so no writer ever parses text for
structure. Character entities stay the text that was typed (`&amp;` prints as `&amp;`), a
backslash escape is the character it escapes, and raw HTML is text (markdown-it's `html`
option is off): nothing from the data becomes markup.

Figures that prose expressions produced arrive between the marks FIGURE_START and FIGURE_END
(set by the evaluation), so their runs are marked `figure` without a second look at the
text.
"""

from __future__ import annotations

import re
from functools import lru_cache
from typing import Any

from ..tree import (
    Block,
    Break,
    Cell,
    Column,
    Inline,
    ListBlock,
    ListItem,
    PageBreak,
    Paragraph,
    Row,
    Runs,
    Section,
    Table,
    Text,
)
from .sandbox import FIGURE_END, FIGURE_START

_MARKS = re.compile(f"[{FIGURE_START}{FIGURE_END}]")
# Characters XML 1.0 cannot hold (the data guards refuse them; this is the last wall).
_XML_ILLEGAL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff\ud800-\udfff]")
# Text that inline Markdown leaves as it is: no emphasis, link, code, escape or entity.
_PLAIN = re.compile(r"[^*_`\[\]\\&<!\ue000\ue001]*")
_BLOCK_PLAIN = re.compile(r"[^*_`\[\]\\&<!\ue000\ue001#>|~=+\-0-9\n]*")


def unmarked(text: str) -> str:
    """The data's text without the figure marks (which only the evaluation may set)."""
    return _MARKS.sub("", text)


@lru_cache(maxsize=1)
def _parser() -> Any:
    from markdown_it import MarkdownIt

    parser = MarkdownIt("commonmark", {"html": False}).enable("table")
    # Without text_join, entities and backslash escapes stay separate tokens that still carry
    # what was typed, so an entity can be printed as typed.
    parser.core.ruler.disable("text_join")
    return parser


def _special(token: Any) -> str:
    """An entity as typed (`&amp;` stays `&amp;`); a backslash escape as the character."""
    if token.info == "entity":
        return token.markup
    return token.content


class _Runs:
    """Inline tokens to runs: emphasis, links and figure marks as state."""

    def __init__(self) -> None:
        self.runs: list[Inline] = []
        self.bold = 0
        self.italic = 0
        self.link: str | None = None
        self.figure = False

    def text(self, content: str, code: bool = False) -> None:
        for index, piece in enumerate(re.split(f"([{FIGURE_START}{FIGURE_END}])", content)):
            if index % 2:
                self.figure = piece == FIGURE_START
                continue
            if piece:
                self._add(Text(piece, bold=self.bold > 0, italic=self.italic > 0, code=code,
                               link=self.link, figure=self.figure))

    def _add(self, run: Text) -> None:
        last = self.runs[-1] if self.runs else None
        if isinstance(last, Text) and (last.bold, last.italic, last.code, last.link,
                                       last.figure) == (run.bold, run.italic, run.code,
                                                        run.link, run.figure):
            self.runs[-1] = Text(last.text + run.text, run.bold, run.italic, run.code,
                                 run.link, run.figure)
        else:
            self.runs.append(run)

    def feed(self, children: list[Any]) -> Runs:
        for child in children:
            kind = child.type
            if kind == "text":
                self.text(child.content)
            elif kind == "text_special":
                self.text(_special(child))
            elif kind == "code_inline":
                self.text(child.content, code=True)
            elif kind == "strong_open":
                self.bold += 1
            elif kind == "strong_close":
                self.bold -= 1
            elif kind == "em_open":
                self.italic += 1
            elif kind == "em_close":
                self.italic -= 1
            elif kind == "softbreak":
                self.text(" ")
            elif kind == "hardbreak":
                self.runs.append(Break())
            elif kind == "link_open":
                self.link = str(child.attrs.get("href", ""))
            elif kind == "link_close":
                self.link = None
            elif kind == "image":  # refused in prose by validation; its text stays
                self.feed(list(child.children or []))
            else:  # html_inline cannot occur with html off; anything else stays text
                self.text(child.content)
        return tuple(self.runs)


def inline(text: str) -> Runs:
    """One line of inline Markdown (a name, a heading, a cell's line) as runs; line breaks
    inside it are spaces."""
    text = _XML_ILLEGAL.sub("", text)
    flat = " ".join(text.split())
    if _PLAIN.fullmatch(flat):
        return (Text(flat),) if flat else ()
    tokens = _parser().parseInline(flat)
    children = tokens[0].children if tokens else []
    return _Runs().feed(list(children or []))


def lines(text: str) -> tuple[Runs, ...]:
    """A cell's text: each paragraph (blank-line separated) a line of inline Markdown."""
    parts = [p for p in (part.strip() for part in str(text).strip().split("\n\n")) if p]
    return tuple(inline(part) for part in parts)


def blocks(text: str, level: int = 1) -> tuple[Block, ...]:
    """Prose as blocks: paragraphs, lists (a numbered list keeps its start number), and what
    else CommonMark reads (headings at `level` and below, code, rules as page breaks, pipe
    tables). Validation refuses what Word cannot place; whatever remains is text."""
    text = _XML_ILLEGAL.sub("", text).strip()
    if not text:
        return ()
    if _BLOCK_PLAIN.fullmatch(text) and "\n\n" not in text:
        return (Paragraph((Text(" ".join(text.split())),)),)
    tokens = _parser().parse(text)
    result, _ = _blocks(tokens, 0, len(tokens), level)
    return tuple(result)


def _blocks(tokens: list[Any], start: int, end: int, level: int) -> tuple[list[Block], int]:
    out: list[Block] = []
    index = start
    while index < end:
        token = tokens[index]
        kind = token.type
        if kind == "paragraph_open":
            out.append(Paragraph(_Runs().feed(list(tokens[index + 1].children or []))))
            index = _close(tokens, index) + 1
        elif kind == "heading_open":
            depth = min(6, max(1, level + int(token.tag[1]) - 1))
            runs = _Runs().feed(list(tokens[index + 1].children or []))
            out.append(Section(runs, depth, ()))
            index = _close(tokens, index) + 1
        elif kind in {"bullet_list_open", "ordered_list_open"}:
            stop = _close(tokens, index)
            out.append(_list(tokens, index, stop, level))
            index = stop + 1
        elif kind in {"fence", "code_block"}:
            out.extend(Paragraph((Text(line, code=True),), role="code")
                       for line in token.content.rstrip("\n").split("\n"))
            index += 1
        elif kind == "hr":
            out.append(PageBreak())
            index += 1
        elif kind == "table_open":
            stop = _close(tokens, index)
            out.append(_table(tokens, index, stop))
            index = stop + 1
        elif kind == "blockquote_open":  # refused by validation: its text stays
            stop = _close(tokens, index)
            inner, _ = _blocks(tokens, index + 1, stop, level)
            out.extend(inner)
            index = stop + 1
        elif kind == "html_block":
            out.append(Paragraph((Text(token.content.strip()),)))
            index += 1
        else:
            index += 1
    return out, index


def _close(tokens: list[Any], index: int) -> int:
    """The index of the token closing the one at `index`."""
    depth = 0
    while True:
        depth += tokens[index].nesting
        if depth == 0:
            return index
        index += 1


def _list(tokens: list[Any], start: int, stop: int, level: int) -> ListBlock:
    opening = tokens[start]
    ordered = opening.type == "ordered_list_open"
    first = int(opening.attrs.get("start", 1) or 1) if ordered else 1
    items = []
    index = start + 1
    while index < stop:
        if tokens[index].type == "list_item_open":
            close = _close(tokens, index)
            inner, _ = _blocks(tokens, index + 1, close, level)
            items.append(ListItem(tuple(inner)))
            index = close + 1
        else:
            index += 1
    return ListBlock(tuple(items), ordered=ordered, start=first)


def _table(tokens: list[Any], start: int, stop: int) -> Table:
    """A pipe table written in prose: a header row and text cells."""
    header: list[tuple[Runs, str]] = []
    rows: list[list[Runs]] = []
    in_head = False
    for index in range(start, stop):
        token = tokens[index]
        if token.type == "thead_open":
            in_head = True
        elif token.type == "thead_close":
            in_head = False
        elif token.type == "tr_open" and not in_head:
            rows.append([])
        elif token.type in {"th_open", "td_open"}:
            runs = _Runs().feed(list(tokens[index + 1].children or []))
            if in_head:
                align = "right" if "right" in str(token.attrs.get("style", "")) else "left"
                header.append((runs, align))
            else:
                rows[-1].append(runs)
    columns = tuple(Column(f"k{i + 1}", "".join(getattr(r, "text", " ") for r in runs),
                           "text", align)  # type: ignore[arg-type]
                    for i, (runs, align) in enumerate(header))
    body = tuple(Row(str(n + 1), "", tuple(Cell(lines=(cells[i],) if i < len(cells) else ())
                                           for i in range(len(columns))))
                 for n, cells in enumerate(rows))
    return Table("", columns, body)


__all__ = ["FIGURE_END", "FIGURE_START", "blocks", "inline", "lines", "unmarked"]
