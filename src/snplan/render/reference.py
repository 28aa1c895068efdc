"""The default Word style reference: fonts, heading styles, table styles, page layout.

An organisation can supply its own reference (`--reference FILE`, or `reference.docx` in the
data directory); it needs the style names used here. `snplan reference` writes this default so
it can be opened in Word, restyled and supplied back.
"""

from __future__ import annotations

import io

from docx import Document
from docx.document import Document as DocumentObject
from docx.enum.style import WD_STYLE_TYPE
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml.ns import qn
from docx.shared import Cm, Pt, RGBColor

from .output import reproducible_zip

FONT = "Arial"
BLACK = RGBColor(0, 0, 0)


def _font_over_theme(doc: DocumentObject) -> None:
    """Make FONT win where a style names it. python-docx's template gives the headings, title
    and subtitle theme fonts (`asciiTheme`), which Word and LibreOffice prefer to a font
    name: those styles came out in the theme's Calibri (Carlito in the PDF), not in FONT.
    Dropping the theme references where FONT is set leaves one font, one set of metrics."""
    for fonts in doc.styles.element.iter(qn("w:rFonts")):
        if fonts.get(qn("w:ascii")) == FONT:
            for attribute in ("w:asciiTheme", "w:hAnsiTheme"):
                fonts.attrib.pop(qn(attribute), None)


def build_reference() -> bytes:
    """The default style reference as bytes (reproducible)."""
    doc = Document()
    section = doc.sections[0]
    section.page_width, section.page_height = Cm(21.0), Cm(29.7)
    section.left_margin = section.right_margin = Cm(2.5)
    section.top_margin, section.bottom_margin = Cm(2.5), Cm(2.2)
    section.header_distance = section.footer_distance = Cm(1.2)
    styles = doc.styles

    normal = styles["Normal"]
    normal.font.name = FONT
    normal.font.size = Pt(10.5)
    normal.paragraph_format.space_after = Pt(6)
    normal.paragraph_format.line_spacing = 1.1

    for level, size in ((1, 16), (2, 13), (3, 11), (4, 10.5)):
        style = styles[f"Heading {level}"]
        style.font.name = FONT
        style.font.size = Pt(size)
        style.font.bold = True
        style.font.italic = False
        style.font.color.rgb = BLACK
        style.paragraph_format.space_before = Pt(14 if level == 1 else 10 if level < 4 else 8)
        style.paragraph_format.space_after = Pt(4)
        style.paragraph_format.keep_with_next = True

    title = styles["Title"]
    title.font.name = FONT
    title.font.size = Pt(22)
    title.font.color.rgb = BLACK
    subtitle = styles["Subtitle"]
    subtitle.font.name = FONT
    subtitle.font.size = Pt(13)
    subtitle.font.italic = False
    subtitle.font.color.rgb = BLACK

    def paragraph_style(name: str, size: float, *, bold: bool = False, after: float = 0,
                        align: WD_ALIGN_PARAGRAPH | None = None) -> None:
        style = styles.add_style(name, WD_STYLE_TYPE.PARAGRAPH)
        style.base_style = normal
        style.font.name = FONT
        style.font.size = Pt(size)
        style.font.bold = bold
        style.paragraph_format.space_after = Pt(after)
        style.paragraph_format.space_before = Pt(0)
        if align is not None:
            style.paragraph_format.alignment = align

    for level in (1, 2):
        toc = styles.add_style(f"TOC {level}", WD_STYLE_TYPE.PARAGRAPH)
        toc.base_style = normal
        toc.font.name = FONT
        toc.paragraph_format.left_indent = Cm(0.6 * (level - 1))
        toc.paragraph_format.space_after = Pt(2)
    paragraph_style("snplan Tabelltext", 9)
    paragraph_style("snplan Tabellhuvud", 9, bold=True)
    paragraph_style("snplan Efter tabell", 4)
    paragraph_style("snplan Fotnot", 8.5, after=2)
    paragraph_style("snplan Dokumenttyp", 13, bold=True, after=2)
    paragraph_style("snplan Uppgift", 10, after=0)
    paragraph_style("snplan Underskrift", 10.5, after=0)

    header = styles["Header"]
    header.font.name = FONT
    header.font.size = Pt(9)
    footer = styles["Footer"]
    footer.font.name = FONT
    footer.font.size = Pt(9)
    footer.paragraph_format.alignment = WD_ALIGN_PARAGRAPH.RIGHT

    table = styles.add_style("snplan Tabell", WD_STYLE_TYPE.TABLE)
    table.base_style = styles["Table Grid"]
    table.font.name = FONT
    table.font.size = Pt(9)

    _font_over_theme(doc)
    props = doc.core_properties
    props.title = "snplan style reference"
    props.author = "snplan"
    buffer = io.BytesIO()
    doc.save(buffer)
    return reproducible_zip(buffer.getvalue())
