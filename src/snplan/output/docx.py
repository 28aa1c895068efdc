"""Markdown (as rendered by the Jinja templates) to a Word document.

Templates lay out; this module writes what they say as WordprocessingML, in one pass and in the
element order the OOXML schema requires, with the named styles of a reference .docx that carries
the organisation's fonts, page, header and footer. The Markdown dialect:

- `#` … `####` headings → Heading 1–4 (real heading styles, so the table of contents and
  screen readers work); headings keep with what follows and never split;
- paragraphs, `- ` bullets and `1.` numbered lists (nested too; each numbered list starts at
  1), `**bold**`, `*italic*`, `` `code` ``, `[text](https://address)` as a real hyperlink;
- pipe tables: the header row is marked as a header row repeated on every page; a column whose
  separator is `---:` is right-aligned and holds figures, which never wrap; a row whose first
  cell is bold is a total row and is bold throughout; `<br>` inside a cell breaks the line.
  Column widths come from the content, measured in the reference's font; a table too wide for
  the page gets narrower cell margins, then the reference's smaller table text ("snplan
  Tabelltext liten"), then a landscape page. A table shorter than a page is kept on one page,
  a longer one never leaves fewer than three rows on a page;
- `![alt text](chart:NAME "Caption")` inserts a picture the build made, with its alt text;
  the optional title becomes a numbered caption below it ("Figur 1. Caption") when the
  reference has a Caption style;
- a hyphen between digits (dates such as 2021-10-20) never breaks the line;
- character entities are printed as typed (`&amp;` stays `&amp;`); the templates' filters
  escape `<` in text from the data as `\\<`, which prints as `<`;
- directives as HTML comments on a line of their own:
  `<!-- toc -->` table of contents (levels 1–2),
  `<!-- pagebreak -->`,
  `<!-- style NAME -->` the next paragraph gets style NAME,
  `<!-- keep -->` the next table is kept on one page even if the estimate finds it long,
  `<!-- titlepage -->` the first page is a cover: no header or footer on it,
  `<!-- caption TEXT -->` the next table gets TEXT as its caption above it (Caption style),
  `<!-- signatures -->` the next table is a signature block: no grid, each cell one signer
  (name, then title lines after `<br>`), with room to sign and a line above the name; a header
  row of empty cells is left out, a header row with text labels the columns.
"""

from __future__ import annotations

import gc
import re
import struct
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from . import package as pkg
from .layout import CellText, Layout, TextSetting, plan_table
from .meta import (
    DocumentMeta,
    HeaderFooter,
    document_xml,
    finish_package,
    header_footer,
    section_properties,
)
from .textwidth import metrics

if TYPE_CHECKING:
    from markdown_it.token import Token

_DIRECTIVE = re.compile(
    r"^<!--\s*(toc|pagebreak|keep|titlepage|signatures|style\s+[^>]+?|caption\s+.+?)\s*-->\s*$")
# Characters XML 1.0 cannot hold (the data guards refuse them; this is the last wall).
_XML_ILLEGAL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff\ud800-\udfff]")
# A hyphen between digits (a date) or a minus sign before a figure ("-6 600" at the start of a
# text or after a space or bracket): never a place to break the line.
_DIGIT_HYPHEN = re.compile(r"(?<=\d)-(?=\d)|(?<![\w\-])-(?=\d)")

EMU_PER_TWIP = 635
SECTION_BREAK_SPACING = '<w:spacing w:before="0" w:after="0" w:line="20" w:lineRule="exact"/>'
HEADER_FILL = "E7E6E6"


class RenderError(Exception):
    """The rendered Markdown uses something the Word renderer cannot place."""


def _parser():  # noqa: ANN202 - markdown_it is imported only when a document is written
    from markdown_it import MarkdownIt

    parser = MarkdownIt("commonmark", {"html": True}).enable("table")
    # Without text_join, entities and backslash escapes stay separate tokens that still carry
    # what was typed, so an entity can be printed as typed.
    parser.core.ruler.disable("text_join")
    return parser


_MD = None


def parse(markdown: str) -> list[Token]:
    global _MD
    if _MD is None:
        _MD = _parser()
    return _MD.parse(_XML_ILLEGAL.sub("", markdown))


def esc(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def attr(text: str) -> str:
    return esc(text).replace('"', "&quot;")


# --------------------------------------------------------------------------------------------
# Paragraph and run properties, in the schema's order (CT_PPr, CT_RPr)

def ppr(style: str | None = None, *, keep_next: bool = False, keep_lines: bool = False,
        page_break_before: bool = False, num: tuple[int, str] | None = None,
        spacing: str = "", ind: str = "", jc: str | None = None, sect: str = "") -> str:
    parts = []
    if style:
        parts.append(f'<w:pStyle w:val="{attr(style)}"/>')
    if keep_next:
        parts.append("<w:keepNext/>")
    if keep_lines:
        parts.append("<w:keepLines/>")
    if page_break_before:
        parts.append("<w:pageBreakBefore/>")
    if num is not None:
        parts.append(f'<w:numPr><w:ilvl w:val="{num[0]}"/><w:numId w:val="{num[1]}"/>'
                     "</w:numPr>")
    if spacing:
        parts.append(spacing)
    if ind:
        parts.append(ind)
    if jc:
        parts.append(f'<w:jc w:val="{jc}"/>')
    if sect:
        parts.append(sect)
    return f"<w:pPr>{''.join(parts)}</w:pPr>" if parts else ""


def rpr(*, style: str | None = None, font: str | None = None, bold: bool = False,
        italic: bool = False, color: str | None = None, size: float | None = None,
        underline: bool = False) -> str:
    parts = []
    if style:
        parts.append(f'<w:rStyle w:val="{attr(style)}"/>')
    if font:
        parts.append(f'<w:rFonts w:ascii="{attr(font)}" w:hAnsi="{attr(font)}" '
                     f'w:cs="{attr(font)}"/>')
    if bold:
        parts.append("<w:b/><w:bCs/>")
    if italic:
        parts.append("<w:i/><w:iCs/>")
    if color:
        parts.append(f'<w:color w:val="{color}"/>')
    if size:
        half = round(size * 2)
        parts.append(f'<w:sz w:val="{half}"/><w:szCs w:val="{half}"/>')
    if underline:
        parts.append('<w:u w:val="single"/>')
    return f"<w:rPr>{''.join(parts)}</w:rPr>" if parts else ""


def text_run(text: str, props: str = "") -> str:
    """A run of text. Tabs become tab elements, and a hyphen between digits or a minus before
    a figure a non-breaking hyphen, so that a date or a negative amount never breaks at the
    end of a line."""
    if not text:
        return ""
    inner = []
    for index, piece in enumerate(text.split("\t")):
        if index:
            inner.append("<w:tab/>")
        chunks = _DIGIT_HYPHEN.split(piece)
        for number, chunk in enumerate(chunks):
            if number:
                inner.append("<w:noBreakHyphen/>")
            if chunk:
                inner.append(f'<w:t xml:space="preserve">{esc(chunk)}</w:t>')
    return f"<w:r>{props}{''.join(inner)}</w:r>"


def field_runs(instruction: str, result: str, props: str = "") -> str:
    """A complex field (PAGE, NUMPAGES, SEQ, PAGEREF …) with its cached result."""
    return (f'<w:r>{props}<w:fldChar w:fldCharType="begin"/></w:r>'
            f'<w:r>{props}<w:instrText xml:space="preserve"> {esc(instruction)} </w:instrText>'
            f'</w:r><w:r>{props}<w:fldChar w:fldCharType="separate"/></w:r>'
            f"{text_run(result, props)}"
            f'<w:r>{props}<w:fldChar w:fldCharType="end"/></w:r>')


def paragraph(content: str, properties: str = "") -> str:
    return f"<w:p>{properties}{content}</w:p>"


# --------------------------------------------------------------------------------------------
# Inline content

@dataclass
class _Inline:
    """Runs of one paragraph or cell, and its text line by line (for measuring)."""

    runs: list[str] = field(default_factory=list)
    lines: list[str] = field(default_factory=lambda: [""])
    pictures: int = 0

    @property
    def xml(self) -> str:
        return "".join(self.runs)

    @property
    def text(self) -> str:
        return " ".join(line for line in self.lines if line)


def plain(children: Sequence[Token]) -> str:
    """The text of inline tokens as a reader sees it."""
    parts = []
    for child in children:
        if child.type in {"text", "code_inline"}:
            parts.append(child.content)
        elif child.type == "text_special":
            parts.append(_special(child))
        elif child.type in {"softbreak", "hardbreak"}:
            parts.append(" ")
        elif child.type == "image":
            parts.append(plain(child.children or []))
    return "".join(parts)


def _special(token: Token) -> str:
    """An entity as typed (`&amp;` stays `&amp;`); a backslash escape as the character it
    escapes (`\\<`, the templates' escape of `<`)."""
    if token.info == "entity":
        return token.markup
    return token.content


@dataclass
class _Section:
    """One run of pages of the same orientation: its blocks' XML, and for each whether it is
    only the space after a table (that XML, else "")."""

    landscape: bool
    blocks: list[str] = field(default_factory=list)
    spacers: list[str] = field(default_factory=list)


@dataclass
class _Block:
    xml: str
    keeps_with_next: bool = False
    landscape: bool = False
    kind: str = "paragraph"  # paragraph, heading, table, picture, pagebreak, toc


@dataclass
class _State:
    next_style: str | None = None
    keep_next_table: bool = False
    caption: str | None = None
    signatures: bool = False
    titlepage: bool = False
    figures: int = 0
    bookmarks: int = 0
    toc_entries: list[tuple[int, str, str]] = field(default_factory=list)


class _Writer:
    """One document: the body's blocks, the package's new parts and relationships."""

    def __init__(self, reference: pkg.Reference, images: dict[str, bytes],
                 package: pkg.PackageWriter) -> None:
        self.ref = reference
        self.styles = reference.styles
        self.images = images
        self.package = package
        self.blocks: list[_Block] = []
        self.state = _State()
        self.numbering: list[tuple[str, str, int]] = []  # (new numId, abstract source, ilvl)
        self._media: dict[str, str] = {}  # picture name -> relationship id
        self._links: dict[str, str] = {}
        self._ids = 0
        page = reference.page
        self.portrait_width = page.text_width
        self.landscape_width = page.height - page.left - page.right
        self.settings = self._text_settings()

    # ----- styles

    def style_id(self, name: str | None, *, required: bool = False) -> str | None:
        if name is None:
            return None
        found = self.styles.id_of(name)
        if found is None and required:
            raise RenderError(f"the style reference has no style named '{name}'")
        return found

    def _text_settings(self) -> list[TextSetting]:
        """The table text sizes to try, largest first: the reference's table text, its small
        table text, and (when it has none) the table text 1,5 pt smaller set on the runs."""
        result = []
        for body_name, head_name in (("snplan Tabelltext", "snplan Tabellhuvud"),
                                     ("snplan Tabelltext liten", "snplan Tabellhuvud liten")):
            if self.styles.find(body_name) is None:
                continue
            result.append(self._setting(body_name, head_name if self.styles.find(head_name)
                                        else body_name))
        if not result:
            result.append(self._setting(None, None))
        if len(result) == 1:
            base = result[0]
            small = max(base.size - 1.5, 6.5)
            result.append(TextSetting(
                body=base.body, head=base.head, body_bold=base.body_bold, size=small,
                head_size=small, body_style=base.body_style, head_style=base.head_style,
                line_twips=base.line_twips * small / base.size, direct_size=small))
        return result

    def _setting(self, body_name: str | None, head_name: str | None) -> TextSetting:
        body = self.styles.resolved(body_name)
        head = self.styles.resolved(head_name)
        line = body.size * 20 * metrics(body.font).line_height
        if body.line and (body.line_rule or "auto") == "auto":
            line *= body.line / 240
        elif body.line and body.line_rule == "exact":
            line = body.line
        line += (body.before or 0) + (body.after or 0)
        return TextSetting(body=metrics(body.font, bool(body.bold)),
                           head=metrics(head.font, True), body_bold=metrics(body.font, True),
                           size=body.size, head_size=head.size,
                           body_style=self.style_id(body_name),
                           head_style=self.style_id(head_name), line_twips=line)

    # ----- package pieces

    def next_id(self) -> int:
        self._ids += 1
        return self._ids

    def hyperlink(self, href: str) -> str:
        rel = self._links.get(href)
        if rel is None:
            rel = self.package.relate(pkg.REL_HYPERLINK, href, external=True)
            self._links[href] = rel
        return rel

    def picture(self, name: str) -> str:
        rel = self._media.get(name)
        if rel is None:
            part = self.package.unused_name("word/media/image{}.png")
            self.package.set(part, self.images[name], stored=True)
            self.package.defaults.setdefault("png", "image/png")
            rel = self.package.relate(pkg.REL_IMAGE, part[len("word/"):])
            self._media[name] = rel
        return rel

    # ----- inline

    def inline(self, children: Sequence[Token], *, bold: bool = False,
               size: float | None = None, allow_pictures: bool = True) -> _Inline:
        result = _Inline()
        strong = 1 if bold else 0
        em = 0
        link: str | None = None
        link_runs: list[str] = []
        hyperlink_style = self.style_id("Hyperlink")

        def props(code: bool = False) -> str:
            in_link = link is not None
            return rpr(style=hyperlink_style if in_link else None,
                       font="Courier New" if code else None, bold=strong > 0, italic=em > 0,
                       color="0563C1" if in_link and not hyperlink_style else None,
                       underline=in_link and not hyperlink_style, size=size)

        def add(run: str, text: str = "") -> None:
            (link_runs if link is not None else result.runs).append(run)
            if text:
                result.lines[-1] += text

        for child in children:
            kind = child.type
            if kind in {"text", "text_special", "code_inline"}:
                content = _special(child) if kind == "text_special" else child.content
                add(text_run(content, props(kind == "code_inline")), content)
            elif kind == "strong_open":
                strong += 1
            elif kind == "strong_close":
                strong -= 1
            elif kind == "em_open":
                em += 1
            elif kind == "em_close":
                em -= 1
            elif kind == "softbreak":
                add(text_run(" ", props()), " ")
            elif kind == "hardbreak" or (kind == "html_inline" and
                                         child.content.lower().startswith("<br")):
                add(f"<w:r>{props()}<w:br/></w:r>")
                result.lines.append("")
            elif kind == "image":
                if not allow_pictures:
                    raise RenderError("a picture can only stand in a paragraph of its own")
                add(self._picture_run(child))
                result.pictures += 1
            elif kind == "link_open":
                link = str(child.attrs.get("href", ""))
                link_runs = []
            elif kind == "link_close":
                target = link or ""
                link = None
                if target.startswith("#"):
                    opening = f'<w:hyperlink w:anchor="{attr(target[1:])}" w:history="1">'
                else:
                    opening = (f'<w:hyperlink r:id="{self.hyperlink(target)}" '
                               'w:history="1">')
                result.runs.append(opening + "".join(link_runs) + "</w:hyperlink>")
            elif kind == "html_inline":
                add(text_run(child.content, props()), child.content)
            else:
                raise RenderError(f"unsupported inline element {kind}")
        return result

    def _picture_run(self, token: Token) -> str:
        """A picture made by the build (`chart:NAME`), with its alt text, as wide as the text
        (or less, so that it fits the page's height). Pictures are never read from disk: a
        template cannot pull in a file from outside the build."""
        src = str(token.attrs.get("src", ""))
        name = src[len("chart:"):]
        if not src.startswith("chart:") or name not in self.images:
            raise RenderError(f"picture {src} is not one the build made")
        alt = plain(token.children or []) or token.content
        data = self.images[name]
        pixel_width, pixel_height = _png_size(data)
        page = self.ref.page
        width = page.text_width * EMU_PER_TWIP
        height = width * pixel_height // max(pixel_width, 1)
        tallest = int(page.text_height * 0.8) * EMU_PER_TWIP
        if height > tallest:
            width = width * tallest // height
            height = tallest
        rel = self.picture(name)
        number = self.next_id()
        # The title is printed as the caption under the picture; as docPr's title too it
        # would be read twice (LibreOffice's tagged PDF joins title and description).
        return (
            '<w:r><w:drawing><wp:inline distT="0" distB="0" distL="0" distR="0">'
            f'<wp:extent cx="{width}" cy="{height}"/>'
            '<wp:effectExtent l="0" t="0" r="0" b="0"/>'
            f'<wp:docPr id="{number}" name="{attr(Path(name).name)}" descr="{attr(alt)}"/>'
            '<wp:cNvGraphicFramePr><a:graphicFrameLocks noChangeAspect="1"/>'
            '</wp:cNvGraphicFramePr>'
            '<a:graphic><a:graphicData '
            'uri="http://schemas.openxmlformats.org/drawingml/2006/picture"><pic:pic>'
            f'<pic:nvPicPr><pic:cNvPr id="{number}" name="{attr(Path(name).name)}" '
            f'descr="{attr(alt)}"/><pic:cNvPicPr/></pic:nvPicPr>'
            f'<pic:blipFill><a:blip r:embed="{rel}"/><a:stretch><a:fillRect/></a:stretch>'
            '</pic:blipFill><pic:spPr><a:xfrm><a:off x="0" y="0"/>'
            f'<a:ext cx="{width}" cy="{height}"/></a:xfrm>'
            '<a:prstGeom prst="rect"><a:avLst/></a:prstGeom></pic:spPr></pic:pic>'
            "</a:graphicData></a:graphic></wp:inline></w:drawing></w:r>")

    # ----- blocks

    def add(self, xml: str, *, keeps_with_next: bool = False, kind: str = "paragraph") -> None:
        self.blocks.append(_Block(xml, keeps_with_next, kind=kind))

    def paragraph_style(self, default: str | None) -> str | None:
        chosen = self.state.next_style or default
        self.state.next_style = None
        return self.style_id(chosen, required=chosen is not None)

    def heading(self, level: int, children: Sequence[Token]) -> None:
        content = self.inline(children, allow_pictures=False)
        style = self.paragraph_style(f"Heading {level}")
        body = content.xml
        if level <= 2:
            self.state.bookmarks += 1
            name = f"_Toc{self.state.bookmarks:06d}"
            mark = self.state.bookmarks
            self.state.toc_entries.append((level, content.text, name))
            body = (f'<w:bookmarkStart w:id="{mark}" w:name="{name}"/>{body}'
                    f'<w:bookmarkEnd w:id="{mark}"/>')
        self.add(paragraph(body, ppr(style, keep_next=True, keep_lines=True)),
                 keeps_with_next=True, kind="heading")

    def paragraph(self, children: Sequence[Token], upcoming: str | None) -> None:
        style = self.paragraph_style(None)
        content = self.inline(children)
        if content.pictures:
            self._figure(content, style, children)
            return
        # A short paragraph that introduces a table, a list or a picture ("… är:", a bold
        # title) stays on the page of what it introduces; so does a short line under a
        # heading (a goal's level, "Kommunfullmäktiges mål"), or the heading, which keeps
        # with it, would end a page with nothing of its own below it.
        after_heading = bool(self.blocks) and self.blocks[-1].kind == "heading"
        keep = len(content.text) <= 200 and (
            upcoming in {"table", "list", "picture"}
            or (after_heading and upcoming not in {None, "break"}))
        self.add(paragraph(content.xml, ppr(style, keep_next=keep)), keeps_with_next=keep)

    def _figure(self, content: _Inline, style: str | None, children: Sequence[Token]) -> None:
        titles = [str(c.attrs.get("title") or "") for c in children if c.type == "image"]
        caption_style = self.style_id("Caption")
        title = titles[0] if titles else ""
        has_caption = bool(title and caption_style)
        self.add(paragraph(content.xml, ppr(style, keep_next=has_caption, keep_lines=True)),
                 keeps_with_next=has_caption, kind="picture")
        if has_caption:
            self.state.figures += 1
            number = self.state.figures
            self.add(paragraph(text_run("Figur ") + field_runs("SEQ Figur \\* ARABIC",
                                                               str(number))
                               + text_run(f". {title}"), ppr(caption_style)))

    def directive(self, text: str) -> None:
        for line in text.splitlines():
            if not line.strip():
                continue
            match = _DIRECTIVE.match(line.strip())
            if not match:
                if line.strip().startswith("<!--"):
                    raise RenderError(f"unknown directive {line.strip()!r}")
                raise RenderError("raw HTML is not allowed in documents")
            word = match.group(1)
            if word == "toc":
                self.blocks.append(_Block("", kind="toc"))
            elif word == "pagebreak":
                self.add(paragraph('<w:r><w:br w:type="page"/></w:r>'), kind="pagebreak")
            elif word == "keep":
                self.state.keep_next_table = True
            elif word == "titlepage":
                self.state.titlepage = True
            elif word == "signatures":
                self.state.signatures = True
            elif word.startswith("caption"):
                self.state.caption = word.split(None, 1)[1].strip()
            else:
                self.state.next_style = word.split(None, 1)[1].strip()

    def code(self, content: str) -> None:
        for line in content.rstrip("\n").split("\n"):
            self.add(paragraph(text_run(line, rpr(font="Courier New"))))

    def listing(self, tokens: list[Token], level: int) -> None:
        ordered = tokens[0].type == "ordered_list_open"
        base = "List Number" if ordered else "List Bullet"
        name = f"{base} {level}" if level > 1 and self.styles.find(f"{base} {level}") else base
        style = self.styles.find(name)
        number = None
        if style is not None and ordered:
            number = self._restarted(name)
        continued = self.style_id("List Continue")
        inner = tokens[1:-1]
        items = list(_blocks(inner))
        for index, (start, end) in enumerate(items):
            content = inner[start + 1:end - 1]
            first = True
            for c_start, c_end in _blocks(content):
                token = content[c_start]
                if token.type == "paragraph_open":
                    runs = self.inline(content[c_start + 1].children or [])
                    last_item = index == len(items) - 1
                    if style is None:  # the reference has no list style: a visible marker
                        marker = f"{index + 1}. " if ordered else "• "
                        xml = paragraph(text_run(marker if first else "") + runs.xml,
                                        ppr(None, keep_next=not last_item and index == 0))
                    else:
                        xml = paragraph(runs.xml, ppr(
                            style.id if first else continued,
                            keep_next=index == 0 and not last_item,
                            num=number if first else None))
                    self.add(xml)
                    first = False
                elif token.type in {"bullet_list_open", "ordered_list_open"}:
                    self.listing(content[c_start:c_end], level + 1)
                elif token.type in {"fence", "code_block"}:
                    self.code(token.content)
                else:
                    raise RenderError(f"unsupported element {token.type} in a list")

    def _restarted(self, style_name: str) -> tuple[int, str] | None:
        """A numbering instance of the style's list that starts again at 1: without one,
        every numbered list of the document would continue the previous one's count."""
        style = self.styles.resolved(style_name)
        if style.num_id is None:
            return None
        new_id = str(90000 + len(self.numbering) + 1)
        self.numbering.append((new_id, style.num_id, style.ilvl or 0))
        return (style.ilvl or 0, new_id)

    # ----- tables

    def table(self, tokens: list[Token], upcoming: str | None,
              upcoming_style: str | None) -> None:
        rows, header_rows, aligns = _table_rows(tokens)
        if not rows:
            return
        signatures = self.state.signatures
        self.state.signatures = False
        caption, self.state.caption = self.state.caption, None
        forced_keep, self.state.keep_next_table = self.state.keep_next_table, False
        if signatures:
            self._signature_table(rows, header_rows)
            return
        columns = max(len(r) for r in rows)
        cells = [[_TableCell(children, index < len(aligns) and aligns[index] == "right",
                             r_index < header_rows) for index, children in enumerate(row)]
                 for r_index, row in enumerate(rows)]
        measured = [[CellText(tuple(c.lines), c.nowrap, c.bold) for c in row] for row in cells]
        margin = max(self.styles.table_cell_margins("snplan Tabell"))
        layout = plan_table(measured, header_rows, columns, self.settings, margin,
                            self.portrait_width, self.landscape_width)
        if caption:
            caption_style = self.style_id("Caption")
            self.add(paragraph(text_run(caption),
                               ppr(caption_style, keep_next=True, keep_lines=True)),
                     keeps_with_next=True)
        footnote = upcoming == "paragraph" and upcoming_style is not None and \
            "fotnot" in upcoming_style.lower()
        xml = self._table_xml(cells, header_rows, columns, layout, forced_keep, footnote)
        self.blocks.append(_Block(xml, landscape=layout.landscape, kind="table"))
        after = self.style_id("snplan Efter tabell")
        if not footnote:
            self.add(paragraph("", ppr(after)), kind="spacer")

    def _table_xml(self, cells: list[list[_TableCell]], header_rows: int, columns: int,
                   layout: Layout, forced_keep: bool, footnote: bool) -> str:
        setting = layout.setting
        style = self.style_id("snplan Tabell") or self.style_id("Table Grid")
        total_width = sum(layout.widths)
        height_limit = self.ref.page.text_height * (0.9 if not layout.landscape else 0.6)
        keep_all = forced_keep or layout.height <= height_limit
        count = len(cells)
        parts = ["<w:tbl><w:tblPr>"]
        if style:
            parts.append(f'<w:tblStyle w:val="{attr(style)}"/>')
        parts.append(f'<w:tblW w:w="{total_width}" w:type="dxa"/>'
                     '<w:tblInd w:w="0" w:type="dxa"/><w:tblLayout w:type="fixed"/>'
                     f'<w:tblCellMar><w:left w:w="{layout.margin}" w:type="dxa"/>'
                     f'<w:right w:w="{layout.margin}" w:type="dxa"/></w:tblCellMar>'
                     '<w:tblLook w:val="04A0"/></w:tblPr><w:tblGrid>')
        parts.extend(f'<w:gridCol w:w="{width}"/>' for width in layout.widths)
        parts.append("</w:tblGrid>")
        # what repeats in every row, made once: cell properties per column, paragraph
        # properties per kind of cell, run properties of plain and bold text
        tc_head = [f'<w:tc><w:tcPr><w:tcW w:w="{width}" w:type="dxa"/><w:shd w:val="clear" '
                   f'w:color="auto" w:fill="{HEADER_FILL}"/></w:tcPr>'
                   for width in layout.widths]
        tc_text = [f'<w:tc><w:tcPr><w:tcW w:w="{width}" w:type="dxa"/></w:tcPr>'
                   for width in layout.widths]
        tc_figure = [f'<w:tc><w:tcPr><w:tcW w:w="{width}" w:type="dxa"/><w:noWrap/></w:tcPr>'
                     for width in layout.widths]
        properties: dict[tuple[bool, bool, bool, int], str] = {}
        plain_rpr = {False: rpr(size=setting.direct_size),
                     True: rpr(bold=True, size=setting.direct_size)}
        for r_index, row in enumerate(cells):
            header = r_index < header_rows
            last = r_index == count - 1
            if keep_all:
                keep = not last or footnote
            else:  # a long table: its header with two rows, and its last three rows, together
                keep = r_index <= header_rows or r_index >= count - 3 and (not last or footnote)
            parts.append("<w:tr><w:trPr><w:cantSplit/><w:tblHeader/></w:trPr>" if header
                         else "<w:tr><w:trPr><w:cantSplit/></w:trPr>")
            bold_row = header or _is_total(row[0].children if row else [])
            for c_index in range(columns):
                cell = row[c_index] if c_index < len(row) else None
                right = cell is not None and cell.right
                parts.append(tc_head[c_index] if header else
                             tc_figure[c_index] if right else tc_text[c_index])
                indent = cell.indent if cell is not None else 0
                key = (header, keep, right, indent)
                if key not in properties:
                    properties[key] = ppr(setting.head_style if header else setting.body_style,
                                          keep_next=keep, jc="right" if right else None,
                                          ind=(f'<w:ind w:left="{indent * INDENT_TWIPS}"/>'
                                               if indent else ""))
                if cell is None or not cell.children:
                    content = ""
                elif len(cell.children) == 1 and cell.children[0].type == "text":
                    content = text_run(cell.children[0].content, plain_rpr[bold_row])
                else:
                    content = self.inline(cell.children, bold=bold_row,
                                          size=setting.direct_size, allow_pictures=False).xml
                parts.append(f"<w:p>{properties[key]}{content}</w:p></w:tc>")
            parts.append("</w:tr>")
        parts.append("</w:tbl>")
        return "".join(parts)

    def _signature_table(self, rows: list[list[list[Token]]], header_rows: int) -> None:
        """Signers side by side: room to sign, a line, the name, the title."""
        columns = max(len(r) for r in rows)
        labels = rows[:header_rows]
        if all(not plain(cell).strip() for row in labels for cell in row):
            rows = rows[header_rows:]
            header_rows = 0
        if not rows:
            return
        width = self.portrait_width // max(columns, 2)
        gap = 567
        name_style = self.style_id("snplan Underskrift")
        title_style = self.style_id("snplan Underskriftstitel") or name_style
        label_style = self.style_id("snplan Tabellhuvud")
        borders = ('<w:tblBorders><w:top w:val="nil"/><w:left w:val="nil"/>'
                   '<w:bottom w:val="nil"/><w:right w:val="nil"/><w:insideH w:val="nil"/>'
                   '<w:insideV w:val="nil"/></w:tblBorders>')
        parts = ["<w:tbl><w:tblPr>"]
        table_style = self.style_id("snplan Underskrifter")
        if table_style:
            parts.append(f'<w:tblStyle w:val="{attr(table_style)}"/>')
        parts.append(f'<w:tblW w:w="{width * columns}" w:type="dxa"/>'
                     '<w:tblInd w:w="0" w:type="dxa"/>')
        if not table_style:
            parts.append(borders)
        parts.append('<w:tblLayout w:type="fixed"/><w:tblCellMar>'
                     '<w:left w:w="0" w:type="dxa"/>'
                     f'<w:right w:w="{gap}" w:type="dxa"/></w:tblCellMar>'
                     '<w:tblLook w:val="0600"/></w:tblPr><w:tblGrid>')
        parts.extend(f'<w:gridCol w:w="{width}"/>' for _ in range(columns))
        parts.append("</w:tblGrid>")
        for r_index, row in enumerate(rows):
            last = r_index == len(rows) - 1
            parts.append("<w:tr><w:trPr><w:cantSplit/></w:trPr>")
            for c_index in range(columns):
                children = row[c_index] if c_index < len(row) else []
                parts.append(f'<w:tc><w:tcPr><w:tcW w:w="{width}" w:type="dxa"/></w:tcPr>')
                if r_index < header_rows:
                    content = self.inline(children, bold=True).xml
                    parts.append(paragraph(content, ppr(label_style, keep_next=True)))
                else:
                    lines = _split_lines(children)
                    if not any(plain(line).strip() for line in lines):
                        lines = []
                        parts.append(paragraph("", ppr(None, keep_next=not last)))
                    for number, line in enumerate(lines):
                        content = self.inline(line, allow_pictures=False).xml
                        style = name_style if number == 0 else title_style
                        parts.append(paragraph(content, ppr(style, keep_next=not last,
                                                            keep_lines=True)))
                parts.append("</w:tc>")
            parts.append("</w:tr>")
        parts.append("</w:tbl>")
        self.add("".join(parts))
        self.add(paragraph("", ppr(self.style_id("snplan Efter tabell"))), kind="spacer")

    # ----- table of contents

    def toc(self) -> str:
        """A table-of-contents field whose cached result lists the headings as links to them,
        each with a PAGEREF field for its page: Word fills the page numbers when the document
        is opened (updateFields is set); the links work in every viewer."""
        heading = self.style_id("TOC Heading")
        out = [paragraph(text_run("Innehållsförteckning"), ppr(heading))]
        entries = self.state.toc_entries or [(1, "", "")]
        begin = ('<w:r><w:fldChar w:fldCharType="begin"/></w:r>'
                 '<w:r><w:instrText xml:space="preserve"> TOC \\o "1-2" \\h \\z \\u '
                 '</w:instrText></w:r><w:r><w:fldChar w:fldCharType="separate"/></w:r>')
        end = '<w:r><w:fldChar w:fldCharType="end"/></w:r>'
        for index, (level, text, name) in enumerate(entries):
            style = self.style_id(f"TOC {level}")
            body = ""
            if name:
                page = field_runs(f"PAGEREF {name} " + "\\h", "")
                body = (f'<w:hyperlink w:anchor="{name}" w:history="1">{text_run(text)}'
                        f"<w:r><w:tab/></w:r>{page}</w:hyperlink>")
            if index == 0:
                body = begin + body
            if index == len(entries) - 1:
                body += end
            out.append(paragraph(body, ppr(style)))
        return "".join(out)


# How far a table cell's paragraph is indented per level of a sub-row (about an em).
INDENT_TWIPS = 180
INDENT_CHAR = "\u2003"  # stands for one level when a cell's width is measured


class _TableCell:
    """A cell's tokens with what the layout needs: its lines of text, whether it holds a
    figure (right-aligned, never wrapped), whether it is bold, and how many levels it is
    indented (a sub-row's label)."""

    __slots__ = ("bold", "children", "header", "indent", "lines", "nowrap", "right")

    def __init__(self, children: list[Token], right: bool, header: bool) -> None:
        self.children = children
        self.right = right
        self.header = header
        self.indent = _take_indent(children)
        self.lines = [plain(line) for line in _split_lines(children)] or [""]
        self.lines[0] = INDENT_CHAR * self.indent + self.lines[0]
        self.nowrap = right and not header
        self.bold = header or any(c.type == "strong_open" for c in children)


def _take_indent(children: list[Token]) -> int:
    """The levels of indentation a cell starts with: `&emsp;` entities, the templates' way of
    indenting a sub-row's label (a table cell's own leading spaces are trimmed). They are
    taken out of the cell and its paragraph is indented instead, so the cell reads as the
    label alone."""
    levels = 0
    while children and children[0].type == "text_special" \
            and children[0].info == "entity" and children[0].markup == "&emsp;":
        del children[0]
        levels += 1
    return levels


def _split_lines(children: Sequence[Token]) -> list[list[Token]]:
    """Inline tokens cut at `<br>` and hard breaks."""
    lines: list[list[Token]] = [[]]
    for child in children:
        if child.type == "hardbreak" or (child.type == "html_inline" and
                                         child.content.lower().startswith("<br")):
            lines.append([])
        else:
            lines[-1].append(child)
    return lines


def _is_total(first: Sequence[Token]) -> bool:
    """A row whose first cell starts with bold text is a total row."""
    kinds = [c for c in first if not (c.type == "text" and not c.content)]
    return bool(kinds) and kinds[0].type == "strong_open"


def _table_rows(tokens: list[Token]) -> tuple[list[list[list[Token]]], int, list[str]]:
    rows: list[list[list[Token]]] = []
    aligns: list[str] = []
    current: list[list[Token]] = []
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
            if token.type == "th_open":
                style = str(token.attrs.get("style", ""))
                aligns.append("right" if "right" in style else "left")
            current.append(list(tokens[index + 1].children or []))
    return rows, header_rows, aligns


def _png_size(data: bytes) -> tuple[int, int]:
    if data[:8] != b"\x89PNG\r\n\x1a\n" or len(data) < 24:
        raise RenderError("a picture of the build is not a PNG image")
    width, height = struct.unpack(">II", data[16:24])
    return width, height


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


def _upcoming(tokens: list[Token], ranges: list[tuple[int, int]], position: int
              ) -> tuple[str | None, str | None]:
    """What the next block after `position` is (table, list, picture, paragraph, heading),
    skipping directives other than page breaks; and the style a directive gives it."""
    style = None
    for index in range(position + 1, len(ranges)):
        token = tokens[ranges[index][0]]
        start = ranges[index][0]
        if token.type == "html_block":
            text = token.content.strip()
            if "pagebreak" in text:
                return "break", None
            found = re.search(r"<!--\s*style\s+(.+?)\s*-->", text)
            if found:
                style = found.group(1)
            continue
        if token.type == "table_open":
            return "table", style
        if token.type in {"bullet_list_open", "ordered_list_open"}:
            return "list", style
        if token.type == "paragraph_open":
            children = tokens[start + 1].children or []
            if any(c.type == "image" for c in children):
                return "picture", style
            return "paragraph", style
        return token.type.replace("_open", ""), style
    return None, None


class DocxRenderer:
    """Renders one Markdown text into a .docx (bytes) based on a style reference."""

    def __init__(self, reference: Path, images: dict[str, bytes] | None = None) -> None:
        self.reference = reference
        self.images = images or {}

    def render(self, markdown: str, meta: DocumentMeta) -> bytes:
        # Python's cyclic collector would scan every live token and block each time it runs,
        # which makes a long document's time grow faster than its length; nothing built here
        # holds a reference cycle, so reference counting frees it all.
        collecting = gc.isenabled()
        gc.disable()
        try:
            return self._render(markdown, meta)
        finally:
            if collecting:
                gc.enable()

    def _render(self, markdown: str, meta: DocumentMeta) -> bytes:
        try:
            reference = pkg.load_reference(self.reference)
        except pkg.ReferenceError as exc:
            raise RenderError(str(exc)) from None
        tokens = parse(markdown)
        package = pkg.PackageWriter(reference)
        writer = _Writer(reference, self.images, package)
        ranges = list(_blocks(tokens))
        for position, (start, end) in enumerate(ranges):
            token = tokens[start]
            kind = token.type
            if kind == "heading_open":
                writer.heading(int(token.tag[1]), tokens[start + 1].children or [])
            elif kind == "paragraph_open":
                upcoming, _ = _upcoming(tokens, ranges, position)
                writer.paragraph(tokens[start + 1].children or [], upcoming)
            elif kind in {"bullet_list_open", "ordered_list_open"}:
                writer.listing(tokens[start:end], 1)
            elif kind == "table_open":
                upcoming, style = _upcoming(tokens, ranges, position)
                writer.table(tokens[start:end], upcoming, style)
            elif kind == "html_block":
                writer.directive(token.content.strip())
            elif kind == "hr":
                writer.add(paragraph('<w:r><w:br w:type="page"/></w:r>'))
            elif kind in {"fence", "code_block"}:
                writer.code(token.content)
            else:
                raise RenderError(f"unsupported block element {kind}")
        refs = header_footer(package, reference, meta, writer.state.titlepage)
        document = _document(writer, refs)
        return finish_package(package, reference, meta, document, writer.numbering)


# A landscape page takes up to this many paragraphs before or after its tables with it, when a
# page break (or the document's start or end) lies beyond them: an annex's title page and a
# closing line stay on the annex's pages instead of getting a page each.
NEAR_BLOCKS = 4


def _landscape_groups(blocks: list[_Block]) -> None:
    """Mark the blocks that go on landscape pages, around the tables that need them."""
    wide = [i for i, block in enumerate(blocks) if block.landscape]
    if not wide:
        return
    for index in wide:  # headings and titles that keep with a table go with it
        before = index - 1
        while before >= 0 and blocks[before].keeps_with_next and not blocks[before].landscape:
            blocks[before].landscape = True
            before -= 1
    # runs of landscape blocks, joined when only a few blocks and no page break lie between
    runs: list[list[int]] = []
    for index, block in enumerate(blocks):
        if block.landscape:
            if runs and index - runs[-1][1] <= NEAR_BLOCKS + 1 and not any(
                    b.kind == "pagebreak" for b in blocks[runs[-1][1] + 1:index]):
                runs[-1][1] = index
            else:
                runs.append([index, index])
    for start, end in runs:
        for index in range(start, end + 1):
            blocks[index].landscape = True
        for direction in (-1, 1):
            edge = start if direction < 0 else end
            reach = []
            probe = edge + direction
            while 0 <= probe < len(blocks) and len(reach) < NEAR_BLOCKS and \
                    blocks[probe].kind in {"paragraph", "heading", "spacer"} and \
                    not blocks[probe].landscape:
                reach.append(probe)
                probe += direction
            if probe < 0 or probe >= len(blocks) or blocks[probe].kind == "pagebreak":
                for index in reach:
                    blocks[index].landscape = True
                if 0 <= probe < len(blocks):
                    blocks[probe].kind = "dropped"  # the section break starts the new page


def _document(writer: _Writer, refs: HeaderFooter) -> bytes:
    """The body's blocks in sections: landscape pages around the tables that need them (see
    `_landscape_groups`). Each section's properties close it, in a paragraph of their own;
    the last section's are the body's last element."""
    blocks = writer.blocks
    _landscape_groups(blocks)
    sections: list[_Section] = []
    for block in blocks:
        if block.kind == "dropped":
            continue
        if not sections or sections[-1].landscape != block.landscape:
            sections.append(_Section(block.landscape))
        sections[-1].blocks.append(writer.toc() if block.kind == "toc" else
                                   "" if block.kind == "spacer" else block.xml)
        sections[-1].spacers.append(block.xml if block.kind == "spacer" else "")
    if not sections:
        sections.append(_Section(False))
    titlepage = writer.state.titlepage
    out: list[str] = []
    final = ""
    for number, section in enumerate(sections):
        last = number == len(sections) - 1
        # the space after a table is left out where a section ends with it: on a full page
        # it would push the section's end onto a page of its own
        trailing = len(section.blocks)
        while not last and trailing and section.spacers[trailing - 1]:
            trailing -= 1
        for index, xml in enumerate(section.blocks):
            out.append(section.spacers[index] if section.spacers[index] and index < trailing
                       else xml)
        properties = section_properties(writer.ref, refs, landscape=section.landscape,
                                        first=number == 0, titlepage=titlepage)
        if not last:  # a paragraph as small as can be, holding the section's properties
            out.append(paragraph("", ppr(spacing=SECTION_BREAK_SPACING, sect=properties)))
        else:
            final = properties
    return document_xml("".join(out), final)
