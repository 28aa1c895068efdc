"""A resolved document as one accessible web page.

The document's head (its cover, a memo's or a protocol's head) becomes the page's `<header>`
with the title as its only `<h1>`; the table of contents, where the tree has one, its
`<nav>`; everything else `<main>`. Because the title is the h1, chapter headings (level 1 in
the tree) are h2 and the rest follow one lower; a heading is never more than one level below
the one before it, whatever the tree says, while its class keeps the tree's level so it
looks as it does in Word.

The table of contents is made where the tree has a `Contents` node and only there: the
outline decides what a document holds in every format, and the documents without one (memos,
protocols) are a screen or two long, where a list of two headings is noise.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from ...tree import (
    Block,
    Contents,
    Cover,
    Document,
    Figure,
    ListBlock,
    MemoHead,
    PageBreak,
    Paragraph,
    ProtocolHead,
    Section,
    Signatures,
    Signer,
    Table,
    plain,
    walk,
)
from ..charts.svg import figure_svg
from .ids import Ids
from .markup import esc, relative_href, runs, safe_href
from .page import MAIN_ID, language_of, page
from .style import WebStyle, font_family
from .tables import panel_table, table

Head = Cover | MemoHead | ProtocolHead
TOC_ID = "innehallsforteckning"


@dataclass
class _Parts:
    """The document's blocks sorted into the page's landmarks."""

    head: Head | None = None
    head_break: bool = False
    contents: Contents | None = None
    contents_break: bool = False
    body: list[Block] = field(default_factory=list)


def _split(blocks: tuple[Block, ...]) -> _Parts:
    """The first head (before any content) to the header, the first Contents to the nav; a
    page break right after either becomes a break after it in print."""
    parts = _Parts()
    last: str = ""
    for block in blocks:
        if isinstance(block, Cover | MemoHead | ProtocolHead) and parts.head is None \
                and not parts.body:
            parts.head, last = block, "head"
        elif isinstance(block, Contents) and parts.contents is None:
            parts.contents, last = block, "contents"
        elif isinstance(block, PageBreak) and last in {"head", "contents"}:
            if last == "head":
                parts.head_break = True
            else:
                parts.contents_break = True
            last = ""
        else:
            parts.body.append(block)
            last = "body"
    return parts


class _Writer:
    def __init__(self, document: Document, style: WebStyle,
                 links: dict[str, str] | None) -> None:
        self.document = document
        self.style = style
        self.links = links or {}
        self.ids = Ids(reserved=(MAIN_ID, TOC_ID, f"{TOC_ID}-rubrik"))
        self.figures = 0
        self.last_heading = 1
        blocks = tuple(walk(document.blocks))
        self.shift = 1 if any(isinstance(b, Section) and _titled(b) and b.level <= 1
                              for b in blocks) else 0
        # every section's id first, so a link may lead forward
        self.section_ids: dict[int, str] = {}
        for block in blocks:
            if isinstance(block, Section) and _titled(block):
                assert block.title is not None
                self.section_ids[id(block)] = self.ids.anchor(block.anchor, plain(block.title))

    def target(self, fragment: str) -> str:
        return self.ids.target(fragment)

    # ------------------------------------------------------------------ the page

    def write(self) -> bytes:
        meta = self.document.meta
        parts = _split(self.document.blocks)
        header = self.header(parts.head, parts.head_break)
        nav = self.contents(parts.contents, parts.contents_break) if parts.contents else ""
        main = self.blocks(tuple(parts.body))
        title = meta.title if not meta.author else f"{meta.title} – {meta.author}"
        return page(title=title, style=self.style, header=header, nav=nav, main=main,
                    footer=self.footer(), language=language_of(meta.language),
                    description=meta.subject, author=meta.author, keywords=meta.keywords)

    def header(self, head: Head | None, page_break: bool) -> str:
        meta = self.document.meta
        after = " break-after" if page_break else ""
        # the running header of the Word file, less what the head itself already says
        said = set(head.lines) if isinstance(head, MemoHead) else set()
        masthead = " · ".join(t for t in (meta.organisation, meta.administration)
                              if t and t not in said)
        if isinstance(head, Cover):
            lines = "".join(f'<p class="cover-line">{esc(line)}</p>' for line in head.lines)
            body = (f'<p class="organisation">{esc(head.organisation)}</p>'
                    f'<p class="committee">{esc(head.committee)}</p>'
                    f"<h1>{esc(head.title)}</h1>{lines}")
            kind = "cover"
        elif isinstance(head, MemoHead):
            details = "<br>".join(esc(line) for line in head.lines)
            body = (self._masthead(masthead) + f'<p class="kind">{esc(head.kind)}</p>'
                    + (f'<p class="details">{details}</p>' if head.lines else "")
                    + f"<h1>{esc(head.title)}</h1>")
            kind = "memo-head"
        elif isinstance(head, ProtocolHead):
            fields = "".join(f"<div><dt>{esc(label)}</dt><dd>{esc(value)}</dd></div>"
                             for label, value in head.fields)
            body = (self._masthead(masthead) + f"<h1>{esc(head.title)}</h1>"
                    + (f'<dl class="fields">{fields}</dl>' if head.fields else ""))
            kind = "protocol-head"
        else:
            body = self._masthead(masthead) + f"<h1>{esc(meta.title)}</h1>"
            kind = "plain-head"
        return f'<header class="{kind}{after}">{body}{self.formats()}</header>'

    @staticmethod
    def _masthead(text: str) -> str:
        return f'<p class="masthead">{esc(text)}</p>' if text else ""

    def formats(self) -> str:
        """Links to the same document in the other formats it was built in."""
        items = []
        for label, href in self.links.items():
            safe = relative_href(href) or safe_href(href)
            items.append(f'<li><a href="{esc(safe)}">{esc(label)}</a></li>' if safe
                         else f"<li>{esc(label)}</li>")
        if not items:
            return ""
        return ('<div class="formats"><p id="format-rubrik">Dokumentet i andra format:</p>'
                f'<ul aria-labelledby="format-rubrik">{"".join(items)}</ul></div>')

    def footer(self) -> str:
        meta = self.document.meta
        date = meta.timestamp.date().isoformat()
        who = " · ".join(esc(t) for t in (meta.kind_label, meta.author) if t)
        lead = f"{who} · " if who else ""
        return (f'<footer><p>{lead}<time datetime="{date}">{date}</time></p></footer>')

    def contents(self, contents: Contents, page_break: bool) -> str:
        """The headings of levels 1 to `depth`, nested as the document nests them."""
        entries: list[tuple[int, str, str]] = []
        for block in walk(tuple(self._body_blocks())):
            if isinstance(block, Section) and _titled(block) and block.level <= contents.depth:
                assert block.title is not None
                entries.append((block.level, self.section_ids[id(block)],
                                esc(plain(block.title))))
        self.last_heading = 2
        after = " break-after" if page_break else ""
        return (f'<nav class="toc{after}" aria-labelledby="{TOC_ID}-rubrik">'
                f'<h2 id="{TOC_ID}-rubrik" class="l1">{esc(contents.title)}</h2>'
                f"{_nested(entries)}</nav>")

    def _body_blocks(self) -> list[Block]:
        return _split(self.document.blocks).body

    # ------------------------------------------------------------------ blocks

    def block(self, block: Block) -> str:
        if isinstance(block, Section):
            return self.section(block)
        if isinstance(block, Paragraph):
            return self.paragraph(block)
        if isinstance(block, ListBlock):
            return self.list(block)
        if isinstance(block, Table):
            return table(block, self.ids, self.target) if block.printed else ""
        if isinstance(block, Figure):
            return self.figure(block)
        if isinstance(block, Signatures):
            return self.signatures(block)
        if isinstance(block, PageBreak):
            return '<div class="page-break"></div>'
        if isinstance(block, Cover | MemoHead | ProtocolHead):
            return self.inner_head(block)
        return ""  # a second Contents: the nav already lists the headings

    def heading(self, level: int, content: str, element_id: str) -> str:
        wanted = level + self.shift
        rendered = max(2, min(wanted, self.last_heading + 1, 6))
        self.last_heading = rendered
        size = min(max(level, 1), 6)
        return f'<h{rendered} id="{element_id}" class="l{size}">{content}</h{rendered}>'

    def section(self, section: Section) -> str:
        if not _titled(section):
            inner = self.blocks(section.blocks)
            if section.page_break:
                return f'<div class="break-before">{inner}</div>'
            return inner
        assert section.title is not None
        cls = ' class="break-before"' if section.page_break else ""
        title = self.heading(section.level, runs(section.title, target=self.target),
                             self.section_ids[id(section)])
        return f"<section{cls}>{title}\n{self.blocks(section.blocks)}</section>"

    def blocks(self, blocks: tuple[Block, ...]) -> str:
        return "\n".join(h for h in (self.block(b) for b in blocks) if h)

    def paragraph(self, paragraph: Paragraph) -> str:
        if not paragraph.runs:
            return ""
        content = runs(paragraph.runs, target=self.target)
        if paragraph.role == "code":
            return f'<pre class="code"><code>{esc(plain(paragraph.runs))}</code></pre>'
        cls = f' class="{paragraph.role}"' if paragraph.role != "text" else ""
        return f"<p{cls}>{content}</p>"

    def list(self, block: ListBlock) -> str:
        items = []
        for item in block.items:
            parts = list(item.blocks)
            first = ""
            if parts and isinstance(parts[0], Paragraph) and parts[0].role == "text":
                first = runs(parts.pop(0).runs, target=self.target)
            rest = "".join(self.block(b) for b in parts)
            items.append(f"<li>{first}{rest}</li>")
        if block.ordered:
            start = f' start="{block.start}"' if block.start != 1 else ""
            return f"<ol{start}>{''.join(items)}</ol>"
        return f"<ul>{''.join(items)}</ul>"

    def figure(self, figure: Figure) -> str:
        """The chart as inline SVG, its numbered caption, and the values it draws as tables
        in a disclosure under it. A chart of several panels is drawn a panel to a picture
        (each with the legend), two side by side where there is room and one under the other
        on a phone, where the whole figure in one picture would shrink to unreadable type.
        The first picture carries the figure's alternative text, the others their panel's
        title."""
        self.figures += 1
        number = self.figures
        base = self.ids.new(f"figur-{figure.id}", "figur")
        panels = [p for p in figure.panels
                  if any(v is not None for s in p.series for v in s.values)]
        parts = [figure] if len(panels) <= 1 else [
            Figure(figure.id, figure.alt if index == 0 else "",
                   f"{figure.caption} – {panel.title}" if figure.caption else panel.title,
                   (panel,))
            for index, panel in enumerate(panels)]
        pictures = []
        for index, part in enumerate(parts, start=1):
            svg_id = f"{base}-bild" if len(parts) == 1 else f"{base}-bild-{index}"
            self.ids.reserve(svg_id, f"{svg_id}-title", f"{svg_id}-desc")
            pictures.append(figure_svg(part, font=font_family(self.style.body_font),
                                       element_id=svg_id))
        caption = f"Figur {number}. {figure.caption}" if figure.caption else f"Figur {number}"
        data = "".join(panel_table(p, self.ids) for p in figure.panels)
        details = (f'<details class="chart-data"><summary>Värdena i figur {number}</summary>'
                   f"{data}</details>" if figure.panels else "")
        return (f'<figure class="chart" id="{base}"><div class="chart-image">'
                f'{"".join(pictures)}</div>'
                f"<figcaption>{esc(caption)}</figcaption></figure>{details}")

    def signatures(self, block: Signatures) -> str:
        """Signers with room to sign on paper: one list per side where the sides are named,
        one list of everyone where they are not."""
        width = max((len(r) for r in block.rows), default=0)
        if block.labels:
            sides = []
            for column in range(max(width, len(block.labels))):
                signers = [r[column] for r in block.rows if column < len(r)]
                label = block.labels[column] if column < len(block.labels) else ""
                heading = f'<p class="side-label">{esc(label)}</p>' if label else ""
                sides.append(f'<div class="signature-side">{heading}{_signers(signers)}</div>')
            return f'<div class="signatures">{"".join(sides)}</div>'
        signers = [s for row in block.rows for s in row]
        return f'<div class="signatures">{_signers(signers)}</div>'

    def inner_head(self, head: Head) -> str:
        """A head after the document's start (an attachment's): its title a heading."""
        element_id = self.ids.new(head.title, "del")
        title = self.heading(1, esc(head.title), element_id)
        if isinstance(head, Cover):
            lines = [head.organisation, head.committee, *head.lines]
            rest = "".join(f"<p>{esc(line)}</p>" for line in lines if line)
        elif isinstance(head, MemoHead):
            rest = f'<p class="kind">{esc(head.kind)}</p>' + "".join(
                f'<p class="details">{esc(line)}</p>' for line in head.lines)
        else:
            rest = ('<dl class="fields">' + "".join(
                f"<div><dt>{esc(k)}</dt><dd>{esc(v)}</dd></div>" for k, v in head.fields)
                + "</dl>") if head.fields else ""
        return f'<div class="inner-head">{title}{rest}</div>'


def _titled(section: Section) -> bool:
    """Whether a section has a heading: a title with something to read in it."""
    return section.title is not None and bool(plain(section.title).strip())


def _signers(signers: list[Signer | None]) -> str:
    items = []
    for signer in signers:
        if signer is None:
            continue
        name = f'<span class="name">{esc(signer.name)}</span>' if signer.name else ""
        roles = "".join(f'<span class="role">{esc(line)}</span>' for line in signer.lines)
        if not name and not roles:
            roles = '<span class="visually-hidden">Underskrift</span>'
        items.append(f'<li class="signer"><span class="sign-here"></span>{name}{roles}</li>')
    return f'<ul class="signers">{"".join(items)}</ul>' if items else ""


def _nested(entries: list[tuple[int, str, str]]) -> str:
    """Headings as nested lists: each under the nearest heading before it of a lower level."""
    if not entries:
        return ""
    out: list[str] = ["<ul>"]
    stack: list[int] = [entries[0][0]]
    for index, (level, anchor, title) in enumerate(entries):
        if index:
            if level > stack[-1]:
                out.append("<ul>")
                stack.append(level)
            else:
                out.append("</li>")
                while len(stack) > 1 and level < stack[-1] and level <= stack[-2]:
                    out.append("</ul></li>")
                    stack.pop()
        out.append(f'<li><a href="#{anchor}">{title}</a>')
    out.append("</li>")
    while len(stack) > 1:
        out.append("</ul></li>")
        stack.pop()
    out.append("</ul>")
    return "".join(out)


def write(document: Document, style: WebStyle | None = None, *,
          links: dict[str, str] | None = None) -> bytes:
    """The document as one HTML page (UTF-8 bytes, the same for the same tree), in the
    organisation's look (`style`, the shipped one when None). `links` maps a format's label
    to the relative address of the same document in it ("PDF" → "arsredovisning-2023.pdf"):
    the page offers them under its title, as a municipality's site puts the PDF beside the
    web edition."""
    return _Writer(document, style or WebStyle(), links).write()
