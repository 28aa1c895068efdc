"""The resolved document as a Word file.

Writes the tree (`snplan.tree`) as WordprocessingML in one pass and in the element order the
OOXML schema requires, with the named styles of a reference .docx that carries the
organisation's fonts, page, header and footer:

- sections' headings → Heading 1–6 (real heading styles, so the table of contents and screen
  readers work), kept with what follows and never split; levels 1–2 are bookmarked for the
  contents;
- paragraphs by role (text, notes in "snplan Fotnot", a memo's details in "snplan Uppgift",
  code in a fixed-width font), runs with bold, italics and links (a real hyperlink);
- lists, bulleted and numbered (nested; a numbered list starts at its `start`);
- tables: the header row marked and repeated on every page; figure columns right-aligned,
  never wrapped; total and subtotal rows bold; sub-rows indented. Column widths come from the
  content, measured in the reference's font; a table too wide for the page gets narrower cell
  margins, then the reference's smaller table text ("snplan Tabelltext liten"), then a
  landscape page. A table shorter than a page is kept on one page, a longer one never leaves
  fewer than three rows on a page; its notes follow it on the same page;
- figures: the chart drawn from its data, with its alt text and a numbered caption below it
  ("Figur 1. Caption") when the reference has a Caption style;
- signatures as a block with room to sign and a line above each name;
- the cover (no header or footer on its page), a memo's and a protocol's head, the table of
  contents, page breaks;
- a hyphen between digits (dates such as 2021-10-20) or a minus before a figure never breaks
  the line.

Text is written as it stands in the tree: nothing in it is read as markup.
"""

from __future__ import annotations

import gc
import struct
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from ...errors import DataError
from ...messages import _
from ...tree import (
    Block,
    Break,
    Contents,
    Cover,
    Document,
    Figure,
    ListBlock,
    MemoHead,
    PageBreak,
    Paragraph,
    ProtocolHead,
    Runs,
    Section,
    Signatures,
    Table,
    Text,
    lines_of,
    plain,
)
from .. import package as pkg
from ..layout import CellText, Layout, TextSetting, plan_table
from ..meta import (
    HeaderFooter,
    document_xml,
    finish_package,
    header_footer,
    section_properties,
)
from ..textwidth import metrics
from .xml import attr, field_runs, paragraph, ppr, rpr, text_run

EMU_PER_TWIP = 635
SECTION_BREAK_SPACING = '<w:spacing w:before="0" w:after="0" w:line="20" w:lineRule="exact"/>'
HEADER_FILL = "E7E6E6"
ROLE_STYLES = {"note": "snplan Fotnot", "details": "snplan Uppgift"}

# Draws a figure's chart as a PNG picture (output/charts does, with matplotlib).
Draw = Callable[[Figure], bytes]


class RenderError(DataError):
    """The document holds something the Word writer cannot place."""


# --------------------------------------------------------------------------------------------
# Inline content


@dataclass
class _Inline:
    """Runs of one paragraph or cell, and its text line by line (for measuring)."""

    runs: list[str] = field(default_factory=list)
    lines: list[str] = field(default_factory=lambda: [""])

    @property
    def xml(self) -> str:
        return "".join(self.runs)

    @property
    def text(self) -> str:
        return " ".join(line for line in self.lines if line)


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
    # paragraph, note (a table's), heading, table, picture, pagebreak, toc, spacer
    kind: str = "paragraph"


@dataclass
class _State:
    titlepage: bool = False
    figures: int = 0
    bookmarks: int = 0
    toc_entries: list[tuple[int, str, str]] = field(default_factory=list)


# One step of the flattened document: a heading (level, runs) or a block.
@dataclass(frozen=True)
class _Heading:
    level: int
    runs: Runs


_Item = _Heading | Block


def _flatten(blocks: tuple[Block, ...], out: list[_Item]) -> None:
    """The document as the sequence Word writes: each section's heading, then its blocks; a
    table's notes as note paragraphs after it; tables the page does not show left out. A page
    break where a page has just begun (after another, or at the start) is left out, or it
    would leave a page with nothing but its header and footer."""
    for block in blocks:
        if isinstance(block, PageBreak | Section) and (
                isinstance(block, PageBreak) or block.page_break):
            if out and not isinstance(out[-1], PageBreak):
                out.append(PageBreak())
            if isinstance(block, PageBreak):
                continue
        if isinstance(block, Section):
            if block.title is not None:
                out.append(_Heading(min(block.level, 6), block.title))
            _flatten(block.blocks, out)
        elif isinstance(block, Table):
            if not block.printed:
                continue
            if block.title:
                out.append(Paragraph((Text(block.title, bold=True),)))
            out.append(block)
            out.extend(Paragraph(note, role="note") for note in block.notes)
        else:
            out.append(block)


def _kind_of(item: _Item) -> str | None:
    """What a step is, for the keep rules: table, list, picture, paragraph, heading or a page
    break (None: nothing a paragraph keeps with)."""
    if isinstance(item, Table | Signatures):
        return "table"
    if isinstance(item, ListBlock):
        return "list"
    if isinstance(item, Figure):
        return "picture"
    if isinstance(item, Paragraph | Cover | MemoHead | ProtocolHead):
        return "paragraph"
    if isinstance(item, _Heading):
        return "heading"
    if isinstance(item, PageBreak):
        return "break"
    return None


def _upcoming(items: list[_Item], position: int) -> tuple[str | None, _Item | None]:
    """What follows the step at `position` (the table of contents is passed over)."""
    for index in range(position + 1, len(items)):
        kind = _kind_of(items[index])
        if kind is not None:
            return kind, items[index]
    return None, None


class _Writer:
    """One document: the body's blocks, the package's new parts and relationships."""

    def __init__(self, reference: pkg.Reference, draw: Draw, package: pkg.PackageWriter
                 ) -> None:
        self.ref = reference
        self.styles = reference.styles
        self.draw = draw
        self.package = package
        self.blocks: list[_Block] = []
        self.state = _State()
        # (new numId, the numId whose list it copies, level, first number)
        self.numbering: list[tuple[str, str, int, int]] = []
        self._media: dict[str, str] = {}  # picture name -> relationship id
        self._links: dict[str, str] = {}
        self._ids = 0
        page = reference.page
        self.portrait_width = page.text_width
        self.landscape_width = page.height - page.left - page.right
        self.settings = self._text_settings()
        self.hyperlink_style = self.style_id("Hyperlink")

    # ----- styles

    def style_id(self, name: str | None, *, required: bool = False) -> str | None:
        if name is None:
            return None
        found = self.styles.id_of(name)
        if found is None and required:
            raise RenderError(_("the style reference has no style named '{name}'").format(
                name=name))
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

    def picture(self, name: str, data: bytes) -> str:
        rel = self._media.get(name)
        if rel is None:
            part = self.package.unused_name("word/media/image{}.png")
            self.package.set(part, data, stored=True)
            self.package.defaults.setdefault("png", "image/png")
            rel = self.package.relate(pkg.REL_IMAGE, part[len("word/"):])
            self._media[name] = rel
        return rel

    # ----- inline

    def inline(self, runs: Runs, *, bold: bool = False, size: float | None = None) -> _Inline:
        """Runs as WordprocessingML: emphasis on each run, links as hyperlinks (an in-page
        anchor or an external address), line breaks as breaks."""
        result = _Inline()
        index = 0
        while index < len(runs):
            run = runs[index]
            if isinstance(run, Break):
                result.runs.append(f"<w:r>{rpr(bold=bold, size=size)}<w:br/></w:r>")
                result.lines.append("")
                index += 1
                continue
            if run.link is None:
                result.runs.append(self._run(run, bold, size, False))
                result.lines[-1] += run.text
                index += 1
                continue
            target = run.link
            inner = []
            while index < len(runs) and isinstance(runs[index], Text) \
                    and runs[index].link == target:  # type: ignore[union-attr]
                part = runs[index]
                assert isinstance(part, Text)
                inner.append(self._run(part, bold, size, True))
                result.lines[-1] += part.text
                index += 1
            if target.startswith("#"):
                opening = f'<w:hyperlink w:anchor="{attr(target[1:])}" w:history="1">'
            else:
                opening = f'<w:hyperlink r:id="{self.hyperlink(target)}" w:history="1">'
            result.runs.append(opening + "".join(inner) + "</w:hyperlink>")
        return result

    def _run(self, run: Text, bold: bool, size: float | None, in_link: bool) -> str:
        style = self.hyperlink_style if in_link else None
        props = rpr(style=style, font="Courier New" if run.code else None,
                    bold=bold or run.bold, italic=run.italic,
                    color="0563C1" if in_link and not style else None,
                    underline=in_link and not style, size=size)
        return text_run(run.text, props)

    # ----- blocks

    def add(self, xml: str, *, keeps_with_next: bool = False, kind: str = "paragraph") -> None:
        self.blocks.append(_Block(xml, keeps_with_next, kind=kind))

    def heading(self, level: int, runs: Runs, style: str | None = None) -> None:
        content = self.inline(runs)
        style_id = self.style_id(style or f"Heading {level}", required=True)
        body = content.xml
        if level <= 2:
            self.state.bookmarks += 1
            name = f"_Toc{self.state.bookmarks:06d}"
            mark = self.state.bookmarks
            self.state.toc_entries.append((level, content.text, name))
            body = (f'<w:bookmarkStart w:id="{mark}" w:name="{name}"/>{body}'
                    f'<w:bookmarkEnd w:id="{mark}"/>')
        self.add(paragraph(body, ppr(style_id, keep_next=True, keep_lines=True)),
                 keeps_with_next=True, kind="heading")

    def paragraph(self, runs: Runs, style: str | None, upcoming: str | None,
                  kind: str = "paragraph") -> None:
        style_id = self.style_id(style, required=style is not None)
        content = self.inline(runs)
        # A short paragraph that introduces a table, a list or a picture ("… är:", a bold
        # title) stays on the page of what it introduces; so does a short line under a
        # heading (a goal's level, "Kommunfullmäktiges mål"), or the heading, which keeps
        # with it, would end a page with nothing of its own below it.
        after_heading = bool(self.blocks) and self.blocks[-1].kind == "heading"
        keep = len(content.text) <= 200 and (
            upcoming in {"table", "list", "picture"}
            or (after_heading and upcoming not in {None, "break"}))
        self.add(paragraph(content.xml, ppr(style_id, keep_next=keep)), keeps_with_next=keep,
                 kind=kind)

    def text_block(self, block: Paragraph, upcoming: str | None) -> None:
        if block.role == "code":
            for line in lines_of(block.runs):
                self.add(paragraph(text_run(plain(line), rpr(font="Courier New"))))
            return
        # a table's notes are kind "note": they stay with their table (on its landscape page)
        self.paragraph(block.runs, ROLE_STYLES.get(block.role), upcoming,
                       "note" if block.role == "note" else "paragraph")

    def page_break(self) -> None:
        self.add(paragraph('<w:r><w:br w:type="page"/></w:r>'), kind="pagebreak")

    def cover(self, cover: Cover) -> None:
        """The cover page: organisation, committee, title and the lines under it; no header
        or footer on its page."""
        self.state.titlepage = True
        lines: list[Text | Break] = []
        for index, line in enumerate(cover.lines):
            if index:
                lines.append(Break())
            lines.append(Text(line))
        for runs, style in (((Text(cover.organisation),), "snplan Omslag"),
                            ((Text(cover.committee),), "snplan Omslagsrubrik"),
                            ((Text(cover.title),), "Title"),
                            (tuple(lines), "snplan Omslagsuppgift")):
            self.paragraph(runs, style, "paragraph")

    def memo_head(self, head: MemoHead) -> None:
        self.paragraph((Text(head.kind),), "snplan Dokumenttyp", "paragraph")
        lines: list[Text | Break] = []
        for index, line in enumerate(head.lines):
            if index:
                lines.append(Break())
            lines.append(Text(line))
        self.paragraph(tuple(lines), "snplan Uppgift", "heading")
        self.heading(1, (Text(head.title),))

    def protocol_head(self, head: ProtocolHead, upcoming: str | None) -> None:
        self.heading(1, (Text(head.title),))
        runs: list[Text | Break] = []
        for index, (label, value) in enumerate(head.fields):
            if index:
                runs.append(Break())
            runs += [Text(f"{label}:", bold=True), Text(f" {value}")]
        self.paragraph(tuple(runs), None, upcoming)

    def figure(self, figure: Figure) -> None:
        """The chart as a picture as wide as the text (or less, so that it fits the page's
        height), with its alt text and numbered caption."""
        data = self.draw(figure)
        caption_style = self.style_id("Caption")
        has_caption = bool(figure.caption and caption_style)
        self.add(paragraph(self._picture_run(figure, data),
                           ppr(None, keep_next=has_caption, keep_lines=True)),
                 keeps_with_next=has_caption, kind="picture")
        if has_caption:
            self.state.figures += 1
            number = self.state.figures
            self.add(paragraph(text_run("Figur ") + field_runs("SEQ Figur \\* ARABIC",
                                                               str(number))
                               + text_run(f". {figure.caption}"), ppr(caption_style)))

    def _picture_run(self, figure: Figure, data: bytes) -> str:
        name = f"{figure.id}.png"
        pixel_width, pixel_height = _png_size(data)
        page = self.ref.page
        width = page.text_width * EMU_PER_TWIP
        height = width * pixel_height // max(pixel_width, 1)
        tallest = int(page.text_height * 0.8) * EMU_PER_TWIP
        if height > tallest:
            width = width * tallest // height
            height = tallest
        rel = self.picture(name, data)
        number = self.next_id()
        alt = figure.alt
        # The caption is printed under the picture; as docPr's title too it would be read
        # twice (LibreOffice's tagged PDF joins title and description).
        return (
            '<w:r><w:drawing><wp:inline distT="0" distB="0" distL="0" distR="0">'
            f'<wp:extent cx="{width}" cy="{height}"/>'
            '<wp:effectExtent l="0" t="0" r="0" b="0"/>'
            f'<wp:docPr id="{number}" name="{attr(name)}" descr="{attr(alt)}"/>'
            '<wp:cNvGraphicFramePr><a:graphicFrameLocks noChangeAspect="1"/>'
            '</wp:cNvGraphicFramePr>'
            '<a:graphic><a:graphicData '
            'uri="http://schemas.openxmlformats.org/drawingml/2006/picture"><pic:pic>'
            f'<pic:nvPicPr><pic:cNvPr id="{number}" name="{attr(name)}" '
            f'descr="{attr(alt)}"/><pic:cNvPicPr/></pic:nvPicPr>'
            f'<pic:blipFill><a:blip r:embed="{rel}"/><a:stretch><a:fillRect/></a:stretch>'
            '</pic:blipFill><pic:spPr><a:xfrm><a:off x="0" y="0"/>'
            f'<a:ext cx="{width}" cy="{height}"/></a:xfrm>'
            '<a:prstGeom prst="rect"><a:avLst/></a:prstGeom></pic:spPr></pic:pic>'
            "</a:graphicData></a:graphic></wp:inline></w:drawing></w:r>")

    def listing(self, block: ListBlock, level: int) -> None:
        ordered = block.ordered
        base = "List Number" if ordered else "List Bullet"
        name = f"{base} {level}" if level > 1 and self.styles.find(f"{base} {level}") else base
        style = self.styles.find(name)
        number = None
        if style is not None and ordered:
            number = self._restarted(name, block.start)
        continued = self.style_id("List Continue")
        for index, item in enumerate(block.items):
            first = True
            last_item = index == len(block.items) - 1
            for inner in item.blocks:
                if isinstance(inner, Paragraph):
                    runs = self.inline(inner.runs)
                    if style is None:  # the reference has no list style: a visible marker
                        marker = f"{block.start + index}. " if ordered else "• "
                        xml = paragraph(text_run(marker if first else "") + runs.xml,
                                        ppr(None, keep_next=not last_item and index == 0))
                    else:
                        xml = paragraph(runs.xml, ppr(
                            style.id if first else continued,
                            keep_next=index == 0 and not last_item,
                            num=number if first else None))
                    self.add(xml)
                    first = False
                elif isinstance(inner, ListBlock):
                    self.listing(inner, level + 1)
                else:
                    raise RenderError(_("a list item holds text or a further list"))

    def _restarted(self, style_name: str, start: int) -> tuple[int, str] | None:
        """A numbering instance of the style's list that starts at `start`: without one,
        every numbered list of the document would continue the previous one's count."""
        style = self.styles.resolved(style_name)
        if style.num_id is None:
            return None
        new_id = str(90000 + len(self.numbering) + 1)
        self.numbering.append((new_id, style.num_id, style.ilvl or 0, start))
        return (style.ilvl or 0, new_id)

    # ----- tables

    def table(self, table: Table, footnote: bool) -> None:
        visible = table.visible
        header = [_TableCell((Text(table.columns[i].header),),
                             table.columns[i].align == "right", True) for i in visible]
        rows = [header]
        for row in table.rows:
            cells = []
            for position, index in enumerate(visible):
                cell = row.cells[index]
                runs = _joined(cell.lines)
                cells.append(_TableCell(runs, table.columns[index].align == "right", False,
                                        row.indent if position == 0 else 0,
                                        row.emphasised))
            rows.append(cells)
        columns = len(visible)
        measured = [[CellText(tuple(c.lines), c.nowrap, c.bold) for c in row] for row in rows]
        margin = max(self.styles.table_cell_margins("snplan Tabell"))
        layout = plan_table(measured, 1, columns, self.settings, margin,
                            self.portrait_width, self.landscape_width)
        xml = self._table_xml(rows, 1, columns, layout, table.keep, footnote)
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
            bold_row = header or bool(row and row[0].row_bold)
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
                if cell is None or not cell.runs:
                    content = ""
                elif len(cell.runs) == 1 and isinstance(cell.runs[0], Text) \
                        and not cell.runs[0].link and not cell.runs[0].bold \
                        and not cell.runs[0].italic and not cell.runs[0].code:
                    content = text_run(cell.runs[0].text, plain_rpr[bold_row])
                else:
                    content = self.inline(cell.runs, bold=bold_row,
                                          size=setting.direct_size).xml
                parts.append(f"<w:p>{properties[key]}{content}</w:p></w:tc>")
            parts.append("</w:tr>")
        parts.append("</w:tbl>")
        return "".join(parts)

    def signatures(self, block: Signatures) -> None:
        """Signers side by side: room to sign, a line, the name, the title."""
        labels = list(block.labels) if any(block.labels) else []
        columns = max([len(labels), *(len(r) for r in block.rows)], default=0)
        if not block.rows or not columns:
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
        parts.extend(f'<w:gridCol w:w="{width}"/>' for _unused in range(columns))
        parts.append("</w:tblGrid>")
        if labels:
            parts.append("<w:tr><w:trPr><w:cantSplit/></w:trPr>")
            for c_index in range(columns):
                label = labels[c_index] if c_index < len(labels) else ""
                content = self.inline((Text(label),), bold=True).xml if label else ""
                parts.append(f'<w:tc><w:tcPr><w:tcW w:w="{width}" w:type="dxa"/></w:tcPr>'
                             + paragraph(content, ppr(label_style, keep_next=True)) + "</w:tc>")
            parts.append("</w:tr>")
        for r_index, row in enumerate(block.rows):
            last = r_index == len(block.rows) - 1
            parts.append("<w:tr><w:trPr><w:cantSplit/></w:trPr>")
            for c_index in range(columns):
                signer = row[c_index] if c_index < len(row) else None
                parts.append(f'<w:tc><w:tcPr><w:tcW w:w="{width}" w:type="dxa"/></w:tcPr>')
                lines = ([signer.name] if signer and signer.name else []) + \
                    (list(signer.lines) if signer else [])
                lines = [line for line in lines if line.strip()]
                if not lines:
                    parts.append(paragraph("", ppr(None, keep_next=not last)))
                for number, line in enumerate(lines):
                    style = name_style if number == 0 else title_style
                    parts.append(paragraph(text_run(line), ppr(style, keep_next=not last,
                                                               keep_lines=True)))
                parts.append("</w:tc>")
            parts.append("</w:tr>")
        parts.append("</w:tbl>")
        self.add("".join(parts))
        self.add(paragraph("", ppr(self.style_id("snplan Efter tabell"))), kind="spacer")

    # ----- table of contents

    def toc(self, contents: Contents) -> str:
        """A table-of-contents field whose cached result lists the headings as links to them,
        each with a PAGEREF field for its page: Word fills the page numbers when the document
        is opened (updateFields is set); the links work in every viewer."""
        heading = self.style_id("TOC Heading")
        out = [paragraph(text_run(contents.title), ppr(heading))]
        entries = self.state.toc_entries or [(1, "", "")]
        begin = ('<w:r><w:fldChar w:fldCharType="begin"/></w:r>'
                 f'<w:r><w:instrText xml:space="preserve"> TOC \\o "1-{contents.depth}" \\h '
                 '\\z \\u </w:instrText></w:r><w:r><w:fldChar w:fldCharType="separate"/></w:r>')
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

    # ----- the whole

    def write(self, items: list[_Item]) -> Contents | None:
        contents = None
        for position, item in enumerate(items):
            upcoming, following = _upcoming(items, position)
            if isinstance(item, _Heading):
                self.heading(item.level, item.runs)
            elif isinstance(item, Paragraph):
                self.text_block(item, upcoming)
            elif isinstance(item, ListBlock):
                self.listing(item, 1)
            elif isinstance(item, Table):
                footnote = isinstance(following, Paragraph) and following.role == "note"
                self.table(item, footnote)
            elif isinstance(item, Signatures):
                self.signatures(item)
            elif isinstance(item, Figure):
                self.figure(item)
            elif isinstance(item, PageBreak):
                self.page_break()
            elif isinstance(item, Contents):
                contents = item
                self.blocks.append(_Block("", kind="toc"))
            elif isinstance(item, Cover):
                self.cover(item)
            elif isinstance(item, MemoHead):
                self.memo_head(item)
            elif isinstance(item, ProtocolHead):
                self.protocol_head(item, upcoming)
            else:  # pragma: no cover - every node type is handled above
                raise RenderError(_("cannot place a {name__}").format(name__=type(item).__name__))
        return contents


def _joined(lines: tuple[Runs, ...]) -> Runs:
    """A cell's lines as one run sequence with line breaks between them."""
    out: list[Text | Break] = []
    for index, line in enumerate(lines):
        if index:
            out.append(Break())
        out.extend(line)
    return tuple(out)


# How far a table cell's paragraph is indented per level of a sub-row (about an em).
INDENT_TWIPS = 180
INDENT_CHAR = "\u2003"  # stands for one level when a cell's width is measured


class _TableCell:
    """A cell's runs with what the layout needs: its lines of text, whether it holds a figure
    (right-aligned, never wrapped), whether it is bold, and how many levels it is indented (a
    sub-row's label)."""

    __slots__ = ("bold", "header", "indent", "lines", "nowrap", "right", "row_bold", "runs")

    def __init__(self, runs: Runs, right: bool, header: bool, indent: int = 0,
                 row_bold: bool = False) -> None:
        self.runs = runs
        self.right = right
        self.header = header
        self.indent = indent
        self.row_bold = row_bold
        self.lines = [plain(line) for line in lines_of(runs)] or [""]
        self.lines[0] = INDENT_CHAR * indent + self.lines[0]
        self.nowrap = right and not header
        self.bold = header or row_bold or any(isinstance(r, Text) and r.bold for r in runs)


def _png_size(data: bytes) -> tuple[int, int]:
    if data[:8] != b"\x89PNG\r\n\x1a\n" or len(data) < 24:
        raise RenderError(_("a picture of the build is not a PNG image"))
    width, height = struct.unpack(">II", data[16:24])
    return width, height


def write(document: Document, reference: Path, draw: Draw) -> bytes:
    """The Word file of a resolved document, as reproducible bytes."""
    # Python's cyclic collector would scan every live object each time it runs, which makes a
    # long document's time grow faster than its length; nothing built here holds a reference
    # cycle, so reference counting frees it all.
    collecting = gc.isenabled()
    gc.disable()
    try:
        return _write(document, reference, draw)
    finally:
        if collecting:
            gc.enable()


def _write(document: Document, reference_path: Path, draw: Draw) -> bytes:
    try:
        reference = pkg.load_reference(reference_path)
    except pkg.ReferenceError as exc:
        raise RenderError(str(exc)) from None
    package = pkg.PackageWriter(reference)
    writer = _Writer(reference, draw, package)
    items: list[_Item] = []
    _flatten(document.blocks, items)
    contents = writer.write(items)
    meta = document.meta
    refs = header_footer(package, reference, meta, writer.state.titlepage)
    body = _document(writer, refs, contents)
    return finish_package(package, reference, meta, body, writer.numbering)


# A landscape page takes up to this many paragraphs before or after its tables with it, when a
# page break (or the document's start or end) lies beyond them: an annex's title page and a
# closing line stay on the annex's pages instead of getting a page each.
NEAR_BLOCKS = 4


def _landscape_groups(blocks: list[_Block]) -> None:
    """Mark the blocks that go on landscape pages, around the tables that need them."""
    wide = [i for i, block in enumerate(blocks) if block.landscape]
    if not wide:
        return
    for index in wide:  # headings and titles that keep with a table go with it, its notes too
        before = index - 1
        while before >= 0 and blocks[before].keeps_with_next and not blocks[before].landscape:
            blocks[before].landscape = True
            before -= 1
        after = index + 1
        while after < len(blocks) and blocks[after].kind == "note":
            blocks[after].landscape = True
            after += 1
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
                    blocks[probe].kind in {"paragraph", "note", "heading", "spacer"} and \
                    not blocks[probe].landscape:
                reach.append(probe)
                probe += direction
            if probe < 0 or probe >= len(blocks) or blocks[probe].kind == "pagebreak":
                for index in reach:
                    blocks[index].landscape = True
                if 0 <= probe < len(blocks):
                    blocks[probe].kind = "dropped"  # the section break starts the new page


def _document(writer: _Writer, refs: HeaderFooter, contents: Contents | None) -> bytes:
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
        sections[-1].blocks.append(writer.toc(contents or Contents()) if block.kind == "toc"
                                   else "" if block.kind == "spacer" else block.xml)
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
