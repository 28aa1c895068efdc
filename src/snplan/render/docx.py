"""Markdown (as rendered by the Jinja templates) to a Word document.

Templates lay out; this module maps Markdown tokens to the named styles of a reference .docx
that carries the organisation's fonts, header and footer. The dialect:

- `#`, `##`, `###` headings → Heading 1–3 (real heading styles, so the table of contents and
  screen readers work); paragraphs, `- ` bullets, `1.` numbered lists, `**bold**`, `*italic*`;
- pipe tables: the header row is marked as a header row repeated on every page; a column whose
  separator is `---:` is right-aligned (numbers); a row whose first cell is bold is a total row
  and is bold throughout; `<br>` inside a cell breaks the line;
- `![alt text](file.png)` inserts a picture with its alt text;
- directives as HTML comments on a line of their own: `<!-- toc -->` (table of contents),
  `<!-- pagebreak -->`, `<!-- style NAME -->` (the next paragraph gets style NAME),
  `<!-- keep -->` (the next table is kept on one page where it fits).
"""

from __future__ import annotations

import io
import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from docx import Document
from docx.document import Document as DocumentObject
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_BREAK
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Cm
from docx.table import Table
from docx.text.paragraph import Paragraph
from markdown_it import MarkdownIt
from markdown_it.token import Token

from .meta import DocumentMeta, apply_meta, fld_char, instr_text

_DIRECTIVE = re.compile(r"^<!--\s*(toc|pagebreak|keep|style\s+[^>]+?)\s*-->\s*$")
_MD = MarkdownIt("commonmark", {"html": True}).enable("table")


class RenderError(Exception):
    """The rendered Markdown uses something the Word renderer cannot place."""


@dataclass
class _State:
    next_style: str | None = None
    keep_next_table: bool = False
    list_stack: list[str] = field(default_factory=list)
    headings: list[tuple[int, str]] = field(default_factory=list)


def _inline_runs(paragraph: Paragraph, children: Sequence[Token], *, bold: bool = False,
                 images: dict[str, bytes] | None = None) -> None:
    """Append the inline tokens to a paragraph as runs with bold and italic."""
    strong = 1 if bold else 0
    em = 0
    for child in children:
        kind = child.type
        if kind == "text" or kind == "code_inline":
            if child.content:
                run = paragraph.add_run(child.content)
                run.bold = strong > 0 or None
                run.italic = em > 0 or None
        elif kind == "strong_open":
            strong += 1
        elif kind == "strong_close":
            strong -= 1
        elif kind == "em_open":
            em += 1
        elif kind == "em_close":
            em -= 1
        elif kind in {"softbreak"}:
            paragraph.add_run(" ")
        elif kind == "hardbreak" or (kind == "html_inline" and
                                     child.content.lower().startswith("<br")):
            paragraph.add_run().add_break(WD_BREAK.LINE)
        elif kind == "image":
            _picture(paragraph, child, images or {})
        elif kind in {"link_open", "link_close"}:
            continue
        elif kind == "html_inline":
            paragraph.add_run(child.content)
        else:
            raise RenderError(f"unsupported inline element {kind}")


def _picture(paragraph: Paragraph, token: Token, images: dict[str, bytes]) -> None:
    """A picture made by the build (`chart:NAME`), with its alt text. Pictures are never read
    from disk: a template cannot pull in a file from outside the build."""
    src = str(token.attrs.get("src", ""))
    alt = "".join(c.content for c in (token.children or [])) or token.content
    if not src.startswith("chart:") or src[len("chart:"):] not in images:
        raise RenderError(f"picture {src} is not one the build made")
    run = paragraph.add_run()
    shape = run.add_picture(io.BytesIO(images[src[len("chart:"):]]), width=Cm(16))
    doc_pr = shape._inline.docPr
    doc_pr.set("descr", alt)
    doc_pr.set("title", alt)
    doc_pr.set("name", Path(src).name)


def _mark_header_row(table: Table) -> None:
    tr_pr = table.rows[0]._tr.get_or_add_trPr()
    header = OxmlElement("w:tblHeader")
    header.set(qn("w:val"), "true")
    tr_pr.append(header)


def _cant_split(table: Table) -> None:
    for row in table.rows:
        tr_pr = row._tr.get_or_add_trPr()
        element = OxmlElement("w:cantSplit")
        element.set(qn("w:val"), "true")
        tr_pr.append(element)


def _plain(children: Sequence[Token]) -> str:
    return "".join(c.content for c in children if c.type in {"text", "code_inline"})


# Text widths at 9 pt, in centimetres: per character, and the cell's own margins.
_CHAR_CM = 0.19
_CELL_CM = 0.45
_SOFT_HYPHEN = "\u00ad"


def _longest_word(text: str) -> int:
    words = text.replace(_SOFT_HYPHEN, " ").split()
    return max((len(w) for w in words), default=1)


def _set_widths(doc: DocumentObject, table: Table,
                rows: list[list[tuple[list[Token], str]]]) -> None:
    """Column widths from content (python-docx makes them all equal).

    A number column is as wide as its longest figure (or header word); a text column as wide
    as its longest text when everything fits, otherwise text columns share the rest by the
    length of their text. Whatever is left over widens the text columns.
    """
    section = doc.sections[-1]
    available = (section.page_width - section.left_margin - section.right_margin) / 360000
    columns = len(table.columns)
    numeric = [True] * columns
    need = [1.0] * columns
    word = [1] * columns
    volume = [0] * columns
    for row in rows:
        for index, (children, align) in enumerate(row[:columns]):
            text = _plain(children)
            right = "right" in align
            if index == 0 or (not right and text):
                numeric[index] = numeric[index] and right
            length = len(text) if right and not any(c.isalpha() for c in text) else \
                _longest_word(text)
            word[index] = max(word[index], length)
            need[index] = max(need[index], len(text.replace(_SOFT_HYPHEN, "")))
            volume[index] += len(text)
    widths = [0.0] * columns
    for index in range(columns):
        if numeric[index]:
            widths[index] = word[index] * _CHAR_CM + _CELL_CM
    text_columns = [i for i in range(columns) if not numeric[i]]
    remaining = available - sum(widths)
    wanted = {i: need[i] * _CHAR_CM + _CELL_CM for i in text_columns}
    floor = {i: word[i] * _CHAR_CM + _CELL_CM for i in text_columns}
    if text_columns and sum(wanted.values()) <= remaining:
        spare = remaining - sum(wanted.values())
        for i in text_columns:
            widths[i] = wanted[i] + spare * wanted[i] / sum(wanted.values())
    elif text_columns:
        weights = {i: max(volume[i] / max(len(rows), 1), 1) ** 0.5 for i in text_columns}
        total = sum(weights.values())
        for i in text_columns:
            widths[i] = max(remaining * weights[i] / total, min(floor[i], 4.0), 1.2)
    scale = min(1.0, available / sum(widths)) if sum(widths) else 1.0
    table.autofit = False
    layout = OxmlElement("w:tblLayout")
    layout.set(qn("w:type"), "fixed")
    table._tbl.tblPr.append(layout)
    # The grid (read by LibreOffice) and the first row's cells (read by Word with a fixed
    # layout) carry the widths; setting every cell would cost more than the rest of the table.
    for column, width in zip(table.columns, widths, strict=True):
        column.width = Cm(width * scale)
    for cell, width in zip(table.rows[0].cells, widths, strict=False):
        cell.width = Cm(width * scale)


def _shade(row) -> None:  # noqa: ANN001
    for cell in row.cells:
        tc_pr = cell._tc.get_or_add_tcPr()
        shading = OxmlElement("w:shd")
        shading.set(qn("w:val"), "clear")
        shading.set(qn("w:color"), "auto")
        shading.set(qn("w:fill"), "E7E6E6")
        tc_pr.append(shading)


def _toc(doc: DocumentObject, entries: list[tuple[int, str]]) -> None:
    """A table-of-contents field. Its cached result lists the headings (without page numbers)
    so that the contents show in every viewer; Word recomputes it with page numbers when the
    document is opened (updateFields is set)."""
    heading = _add(doc, "TOC Heading" if _has_style(doc, "TOC Heading") else None)
    heading.add_run("Innehållsförteckning")
    lines = entries or [(1, "")]
    paragraphs = []
    for level, _text in lines:
        style = f"TOC {level}" if _has_style(doc, f"TOC {level}") else None
        paragraphs.append(_add(doc, style))
    first = paragraphs[0].add_run()
    first._r.append(fld_char("begin"))
    first._r.append(instr_text('TOC \\o "1-2" \\h \\z \\u'))
    first._r.append(fld_char("separate"))
    for paragraph, (_, text) in zip(paragraphs, lines, strict=True):
        paragraph.add_run(text)
    paragraphs[-1].add_run()._r.append(fld_char("end"))


def _style_ids(doc: DocumentObject) -> dict[str, str]:
    """Style names to ids, read once per document: python-docx looks a style up by scanning
    every style on each use, which made tables quadratic."""
    cache = getattr(doc, "_snplan_style_ids", None)
    if cache is None:
        cache = {style.name: style.style_id for style in doc.styles}
        doc._snplan_style_ids = cache  # type: ignore[attr-defined]
    return cache


def _has_style(doc: DocumentObject, name: str) -> bool:
    return name in _style_ids(doc)


def _set_style(doc: DocumentObject, paragraph: Paragraph, name: str | None) -> Paragraph:
    if name is not None:
        paragraph._p.style = _style_ids(doc)[name]
    return paragraph


def _add(doc: DocumentObject, style: str | None = None, text: str | None = None) -> Paragraph:
    paragraph = doc.add_paragraph(text) if text else doc.add_paragraph()
    return _set_style(doc, paragraph, style)


def _blocks(tokens: list[Token]) -> Iterator[tuple[int, int]]:
    """Index ranges of top-level blocks."""
    index = 0
    while index < len(tokens):
        start = index
        if tokens[index].nesting == 1:
            depth = 0
            while True:
                depth += tokens[index].nesting
                if depth == 0:
                    break
                index += 1
        yield start, index + 1
        index += 1


class DocxRenderer:
    """Renders one Markdown text into a document based on a style reference."""

    def __init__(self, reference: Path, images: dict[str, bytes] | None = None) -> None:
        self.reference = reference
        self.images = images or {}

    def render(self, markdown: str, meta: DocumentMeta) -> DocumentObject:
        doc = Document(str(self.reference))
        body = doc.element.body
        for child in list(body):
            if child.tag != qn("w:sectPr"):
                body.remove(child)
        apply_meta(doc, meta)
        tokens = _MD.parse(markdown)
        state = _State()
        state.headings = [(int(t.tag[1]), _plain(tokens[i + 1].children or []))
                          for i, t in enumerate(tokens)
                          if t.type == "heading_open" and int(t.tag[1]) <= 2]
        self._render_tokens(doc, tokens, state)
        return doc

    def _paragraph(self, doc: DocumentObject, style: str | None, state: _State) -> Paragraph:
        chosen = state.next_style or style
        state.next_style = None
        if chosen is not None and not _has_style(doc, chosen):
            raise RenderError(f"the style reference has no style named '{chosen}'")
        return _add(doc, chosen)

    def _render_tokens(self, doc: DocumentObject, tokens: list[Token], state: _State) -> None:
        for start, end in _blocks(tokens):
            token = tokens[start]
            kind = token.type
            if kind == "heading_open":
                level = int(token.tag[1])
                paragraph = self._paragraph(doc, f"Heading {level}", state)
                _inline_runs(paragraph, tokens[start + 1].children or [])
            elif kind == "paragraph_open":
                paragraph = self._paragraph(doc, None, state)
                _inline_runs(paragraph, tokens[start + 1].children or [], images=self.images)
            elif kind in {"bullet_list_open", "ordered_list_open"}:
                self._list(doc, tokens[start:end], state, 1)
            elif kind == "table_open":
                self._table(doc, tokens[start:end], state)
            elif kind == "html_block":
                self._directive(doc, token.content.strip(), state)
            elif kind == "hr":
                doc.add_paragraph().add_run().add_break(WD_BREAK.PAGE)
            elif kind in {"fence", "code_block"}:
                for line in token.content.rstrip("\n").split("\n"):
                    doc.add_paragraph(line)
            else:
                raise RenderError(f"unsupported block element {kind}")

    def _directive(self, doc: DocumentObject, text: str, state: _State) -> None:
        for line in text.splitlines():
            match = _DIRECTIVE.match(line.strip())
            if not match:
                if line.strip().startswith("<!--"):
                    raise RenderError(f"unknown directive {line.strip()!r}")
                raise RenderError("raw HTML is not allowed in documents")
            word = match.group(1)
            if word == "toc":
                _toc(doc, state.headings)
            elif word == "pagebreak":
                doc.add_paragraph().add_run().add_break(WD_BREAK.PAGE)
            elif word == "keep":
                state.keep_next_table = True
            else:
                state.next_style = word.split(None, 1)[1].strip()

    def _list(self, doc: DocumentObject, tokens: list[Token], state: _State, level: int) -> None:
        ordered = tokens[0].type == "ordered_list_open"
        style = "List Number" if ordered else "List Bullet"
        if level > 1 and _has_style(doc, f"{style} {level}"):
            style = f"{style} {level}"
        inner = tokens[1:-1]
        for start, end in _blocks(inner):
            item = inner[start:end]  # list_item_open … list_item_close
            content = item[1:-1]
            first = True
            for c_start, c_end in _blocks(content):
                token = content[c_start]
                if token.type == "paragraph_open":
                    paragraph = (_add(doc, style) if first
                                 else _add(doc, "List Continue"
                                           if _has_style(doc, "List Continue") else None))
                    _inline_runs(paragraph, content[c_start + 1].children or [])
                    first = False
                elif token.type in {"bullet_list_open", "ordered_list_open"}:
                    self._list(doc, content[c_start:c_end], state, level + 1)
                else:
                    raise RenderError(f"unsupported element {token.type} in a list")

    def _table(self, doc: DocumentObject, tokens: list[Token], state: _State) -> None:
        rows: list[list[tuple[list[Token], str]]] = []
        current: list[tuple[list[Token], str]] = []
        header_rows = 0
        in_head = False
        for index, token in enumerate(tokens):
            if token.type == "thead_open":
                in_head = True
            elif token.type == "thead_close":
                in_head = False
            elif token.type == "tr_open":
                current = []
            elif token.type == "tr_close":
                rows.append(current)
                if in_head:
                    header_rows += 1
            elif token.type in {"th_open", "td_open"}:
                align = str(token.attrs.get("style", ""))
                current.append((tokens[index + 1].children or [], align))
        if not rows:
            return
        columns = max(len(r) for r in rows)
        table = doc.add_table(rows=len(rows), cols=columns)
        if _has_style(doc, "snplan Tabell"):
            table._tbl.tblStyle_val = _style_ids(doc)["snplan Tabell"]
        table.alignment = WD_TABLE_ALIGNMENT.LEFT
        for r_index, (row, cells) in enumerate(zip(table.rows, rows, strict=True)):
            is_header = r_index < header_rows
            first = cells[0][0] if cells else []
            is_total = (not is_header and len(first) >= 2
                        and first[0].type in {"strong_open"} or
                        (len(first) >= 3 and first[0].type == "text" and not first[0].content
                         and first[1].type == "strong_open"))
            for cell, (children, align) in zip(row.cells, cells, strict=False):
                paragraph = cell.paragraphs[0]
                if is_header and _has_style(doc, "snplan Tabellhuvud"):
                    _set_style(doc, paragraph, "snplan Tabellhuvud")
                elif _has_style(doc, "snplan Tabelltext"):
                    _set_style(doc, paragraph, "snplan Tabelltext")
                if "right" in align:
                    paragraph.alignment = WD_ALIGN_PARAGRAPH.RIGHT
                _inline_runs(paragraph, children, bold=is_header or is_total)
        _set_widths(doc, table, rows)
        if header_rows:
            _mark_header_row(table)
            _shade(table.rows[0])
        if state.keep_next_table:
            _cant_split(table)
            state.keep_next_table = False
        _add(doc, "snplan Efter tabell" if _has_style(doc, "snplan Efter tabell") else None)
