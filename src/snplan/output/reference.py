"""The default Word style reference: fonts, heading styles, table styles, page, header, footer.

An organisation can supply its own reference (`--reference FILE`, or `reference.docx` in the
data directory); it needs the style names used here. `snplan reference` writes this default so
it can be opened in Word, restyled and supplied back. The styles the writer uses:

- Normal, Heading 1–4, Title, Subtitle, Caption, Hyperlink, TOC Heading, TOC 1–2, Header,
  Footer, List Bullet (2, 3), List Number (2, 3), List Continue;
- snplan Tabell (table grid), snplan Tabelltext and snplan Tabellhuvud (table text, 9 pt), and
  their smaller variants "… liten" (8 pt) for tables that do not fit otherwise;
- snplan Efter tabell (the space after a table), snplan Fotnot (notes under tables);
- snplan Omslag, snplan Omslagsrubrik and snplan Omslagsuppgift (the cover page of plans and
  reports, with Title);
- snplan Dokumenttyp, snplan Uppgift (the head of memos and protocols);
- snplan Underskrift (a signer's name, with room to sign and a line above it), snplan
  Underskriftstitel (the title under it), snplan Underskrifter (the borderless signature table).

python-docx builds it from its default template; the result is then cleaned with lxml: fonts
are named outright (a theme font would override them in Word), the language is Swedish, unused
styles and the parts Word regenerates (thumbnail, stylesWithEffects) are left out, and lists get
numbering definitions of their own.
"""

from __future__ import annotations

import io
import zipfile
from typing import Any

from lxml import etree

from . import package as pkg
from .files import reproducible_zip

FONT = "Arial"
LANGUAGE = "sv-SE"
TEXT_WIDTH_TWIPS = 9072  # A4 less two margins of 2,5 cm

# Styles kept from python-docx's template besides those made here (and what they are based on).
_KEEP = {"Normal", "DefaultParagraphFont", "TableNormal", "NoList", "TableGrid", "Header",
         "HeaderChar", "Footer", "FooterChar", "Title", "TitleChar", "Subtitle",
         "SubtitleChar", "Caption", "TOCHeading", "ListBullet", "ListBullet2", "ListBullet3",
         "ListNumber", "ListNumber2", "ListNumber3", "ListContinue", "ListParagraph", "Strong",
         "Emphasis", *(f"Heading{n}" for n in range(1, 10)),
         *(f"Heading{n}Char" for n in range(1, 10))}


def build_reference() -> bytes:
    """The default style reference as bytes (reproducible)."""
    from docx import Document
    from docx.enum.style import WD_STYLE_TYPE
    from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_TAB_ALIGNMENT, WD_TAB_LEADER
    from docx.shared import Cm, Pt, RGBColor

    black = RGBColor(0, 0, 0)
    doc = Document()
    section = doc.sections[0]
    section.page_width, section.page_height = Cm(21.0), Cm(29.7)
    section.left_margin = section.right_margin = Cm(2.5)
    section.top_margin, section.bottom_margin = Cm(2.5), Cm(2.2)
    section.header_distance = section.footer_distance = Cm(1.2)
    styles = doc.styles

    def look(style: Any, size: float | None = None, *, bold: bool | None = None,
             italic: bool | None = None, black_text: bool = False, before: float | None = None,
             after: float | None = None, keep: bool | None = None,
             align: WD_ALIGN_PARAGRAPH | None = None) -> Any:
        """Set the font (always the reference's) and what is given of a style's look."""
        style.font.name = FONT
        if size is not None:
            style.font.size = Pt(size)
        if bold is not None:
            style.font.bold = bold
        if italic is not None:
            style.font.italic = italic
        if black_text:
            style.font.color.rgb = black
        spacing = style.paragraph_format
        if before is not None:
            spacing.space_before = Pt(before)
        if after is not None:
            spacing.space_after = Pt(after)
        if keep is not None:
            spacing.keep_with_next = keep
        if align is not None:
            spacing.alignment = align
        return style

    normal = look(styles["Normal"], 10.5, after=6)
    normal.paragraph_format.line_spacing = 1.1
    normal.paragraph_format.widow_control = True

    for level, size in ((1, 16), (2, 13), (3, 11), (4, 10.5)):
        heading = look(styles[f"Heading {level}"], size, bold=True, italic=False,
                       black_text=True, before=14 if level == 1 else 10 if level < 4 else 8,
                       after=4, keep=True)
        heading.paragraph_format.keep_together = True

    def paragraph_style(name: str, size: float, *, bold: bool = False, after: float = 0,
                        before: float = 0, align: WD_ALIGN_PARAGRAPH | None = None,
                        keep: bool = False) -> Any:
        style = styles.add_style(name, WD_STYLE_TYPE.PARAGRAPH)
        style.base_style = normal
        return look(style, size, bold=bold, after=after, before=before, keep=keep,
                    align=align)

    look(styles["Title"], 28, bold=True, black_text=True, before=150, after=12)
    look(styles["Subtitle"], 13, italic=False, black_text=True)
    look(styles["Caption"], 9, bold=True, black_text=True, before=3, after=10)
    look(styles["TOC Heading"], black_text=True)

    for level in (1, 2):
        toc = styles.add_style(f"TOC {level}", WD_STYLE_TYPE.PARAGRAPH)
        toc.base_style = normal
        toc.font.name = FONT
        toc.font.bold = level == 1
        toc.paragraph_format.left_indent = Cm(0.6 * (level - 1))
        toc.paragraph_format.space_before = Pt(4 if level == 1 else 0)
        toc.paragraph_format.space_after = Pt(2)
        toc.paragraph_format.tab_stops.add_tab_stop(
            Pt(TEXT_WIDTH_TWIPS / 20), WD_TAB_ALIGNMENT.RIGHT, WD_TAB_LEADER.DOTS)

    hyperlink = styles.add_style("Hyperlink", WD_STYLE_TYPE.CHARACTER)
    hyperlink.font.color.rgb = RGBColor(0x05, 0x63, 0xC1)
    hyperlink.font.underline = True

    paragraph_style("snplan Tabelltext", 9)
    paragraph_style("snplan Tabellhuvud", 9, bold=True)
    paragraph_style("snplan Tabelltext liten", 8)
    paragraph_style("snplan Tabellhuvud liten", 8, bold=True)
    paragraph_style("snplan Efter tabell", 4)
    paragraph_style("snplan Fotnot", 8.5, after=2)
    paragraph_style("snplan Dokumenttyp", 13, bold=True, after=2)
    paragraph_style("snplan Uppgift", 10, after=0)
    paragraph_style("snplan Omslag", 14, bold=True, after=0)
    paragraph_style("snplan Omslagsrubrik", 13, after=0)
    paragraph_style("snplan Omslagsuppgift", 10.5, before=200, after=0)
    paragraph_style("snplan Underskrift", 10.5, before=40, keep=True)
    paragraph_style("snplan Underskriftstitel", 10, after=0, keep=True)

    header = look(styles["Header"], 9)
    footer = look(styles["Footer"], 9, align=WD_ALIGN_PARAGRAPH.RIGHT)

    table = styles.add_style("snplan Tabell", WD_STYLE_TYPE.TABLE)
    table.base_style = styles["Table Grid"]
    table.font.name = FONT
    table.font.size = Pt(9)
    signatures = styles.add_style("snplan Underskrifter", WD_STYLE_TYPE.TABLE)
    signatures.base_style = styles["Normal Table"]

    # The header and footer exist in the reference so that they can be restyled (or given a
    # logo) in Word; the build writes their text.
    section.header.is_linked_to_previous = False
    section.header.paragraphs[0].text = "ORGANISATION"
    section.header.paragraphs[0].style = header
    section.footer.is_linked_to_previous = False
    section.footer.paragraphs[0].text = "SID 1 (1)"
    section.footer.paragraphs[0].style = footer

    props = doc.core_properties
    props.title = "snplan style reference"
    props.author = "snplan"
    props.comments = ""
    buffer = io.BytesIO()
    doc.save(buffer)
    return reproducible_zip(_cleaned(buffer.getvalue()))


W = pkg.W


def _w(name: str) -> str:
    return f"{{{W}}}{name}"


def _cleaned(data: bytes) -> bytes:
    """python-docx's template, made fit to be a reference (see the module docstring)."""
    source = zipfile.ZipFile(io.BytesIO(data))
    parts = {name: source.read(name) for name in source.namelist()}
    dropped = {"docProps/thumbnail.jpeg", "word/stylesWithEffects.xml",
               *[n for n in parts if n.startswith("customXml/")]}
    for name in dropped:
        parts.pop(name, None)
    parts["word/styles.xml"] = _styles(parts["word/styles.xml"])
    parts["word/settings.xml"] = _settings(parts["word/settings.xml"])
    parts["word/numbering.xml"] = _numbering(parts["word/numbering.xml"])
    for rels in ("_rels/.rels", "word/_rels/document.xml.rels"):
        root = etree.fromstring(parts[rels])
        for rel in list(root):
            target = rel.get("Target", "")
            base = "word/" if rels.startswith("word/") else ""
            resolved = pkg._resolve(base + "x", target) if base else target.lstrip("/")
            if resolved in dropped:
                root.remove(rel)
        parts[rels] = etree.tostring(root, xml_declaration=True, encoding="UTF-8",
                                     standalone=True)
    types = etree.fromstring(parts["[Content_Types].xml"])
    for item in list(types):
        if item.get("PartName", "").lstrip("/") in dropped or item.get("Extension") == "jpeg":
            types.remove(item)
    parts["[Content_Types].xml"] = etree.tostring(types, xml_declaration=True,
                                                  encoding="UTF-8", standalone=True)
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as target:
        for name in source.namelist():
            if name in parts:
                target.writestr(name, parts[name])
    return buffer.getvalue()


def _fonts(rpr: etree._Element) -> None:
    fonts = rpr.find(_w("rFonts"))
    if fonts is None:
        return
    for attribute in ("asciiTheme", "hAnsiTheme", "eastAsiaTheme", "cstheme"):
        fonts.attrib.pop(_w(attribute), None)


def _styles(data: bytes) -> bytes:
    root = etree.fromstring(data)
    defaults = root.find(_w("docDefaults"))
    rpr = defaults.find(f"{_w('rPrDefault')}/{_w('rPr')}")
    fonts = rpr.find(_w("rFonts"))
    for attribute in ("ascii", "hAnsi", "eastAsia", "cs"):
        fonts.set(_w(attribute), FONT)
    _fonts(rpr)
    lang = rpr.find(_w("lang"))
    lang.set(_w("val"), LANGUAGE)
    lang.set(_w("eastAsia"), LANGUAGE)
    styles = {s.get(_w("styleId")): s for s in root.iter(_w("style"))}
    # Styles added with python-docx are marked custom; those Word knows as its own are not.
    for style_id, name in (("TOC1", "toc 1"), ("TOC2", "toc 2"), ("Hyperlink", "Hyperlink")):
        style = styles[style_id]
        style.attrib.pop(_w("customStyle"), None)
        style.find(_w("name")).set(_w("val"), name)
    made = {s.get(_w("styleId")) for s in styles.values() if s.get(_w("customStyle")) == "1"}
    wanted = set(_KEEP) | made | {"TOC1", "TOC2", "Hyperlink"}
    # Keep what the wanted styles are based on or linked to.
    changed = True
    while changed:
        changed = False
        for style_id in list(wanted):
            style = styles.get(style_id)
            if style is None:
                continue
            for link in ("basedOn", "link", "next"):
                element = style.find(_w(link))
                if element is not None and element.get(_w("val")) not in wanted \
                        and element.get(_w("val")) in styles:
                    wanted.add(element.get(_w("val")))
                    changed = True
    for style_id, style in styles.items():
        if style_id not in wanted:
            root.remove(style)
            continue
        for rpr_element in style.iter(_w("rPr")):
            _fonts(rpr_element)
        numbering = style.find(f"{_w('pPr')}/{_w('numPr')}")
        if style_id == "Subtitle" and numbering is not None:  # python-docx's template oddity
            numbering.getparent().remove(numbering)
        border = style.find(f"{_w('pPr')}/{_w('pBdr')}")
        if style_id == "Title" and border is not None:  # a blue rule under the cover's title
            border.getparent().remove(border)
        if style_id == "snplanUnderskrift":  # the line to sign on, above the name
            _signature_line(style)
        if style_id == "ListContinue":
            indent = style.find(f"{_w('pPr')}/{_w('ind')}")
            if indent is not None:
                indent.set(_w("left"), "340")
    _list_styles(styles)
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8", standalone=True)


def _signature_line(style: etree._Element) -> None:
    ppr = style.find(_w("pPr"))
    border = etree.Element(_w("pBdr"))
    top = etree.SubElement(border, _w("top"))
    for name, value in (("val", "single"), ("sz", "6"), ("space", "2"), ("color", "auto")):
        top.set(_w(name), value)
    # pBdr follows keepNext, keepLines, pageBreakBefore, framePr, widowControl and numPr
    before = [c for c in ppr if etree.QName(c).localname in
              {"pStyle", "keepNext", "keepLines", "pageBreakBefore", "framePr",
               "widowControl", "numPr", "suppressLineNumbers"}]
    ppr.insert(len(before), border)


# numId of each list style in the numbering written by `_numbering`, and its level.
_LISTS = {"ListBullet": (1, 0), "ListBullet2": (1, 1), "ListBullet3": (1, 2),
          "ListNumber": (2, 0), "ListNumber2": (2, 1), "ListNumber3": (2, 2)}


def _list_styles(styles: dict[str, etree._Element]) -> None:
    for style_id, (num_id, level) in _LISTS.items():
        style = styles.get(style_id)
        if style is None:
            continue
        ppr = style.find(_w("pPr"))
        if ppr is None:
            ppr = etree.SubElement(style, _w("pPr"))
        old = ppr.find(_w("numPr"))
        if old is not None:
            ppr.remove(old)
        numbering = etree.Element(_w("numPr"))
        etree.SubElement(numbering, _w("ilvl")).set(_w("val"), str(level))
        etree.SubElement(numbering, _w("numId")).set(_w("val"), str(num_id))
        ppr.insert(0, numbering)


def _settings(data: bytes) -> bytes:
    root = etree.fromstring(data)
    for name in ("savePreviewPicture", "rsids", "attachedTemplate"):
        for element in root.findall(_w(name)):
            root.remove(element)
    lang = root.find(_w("themeFontLang"))
    if lang is not None:
        lang.set(_w("val"), LANGUAGE)
        lang.attrib.pop(_w("eastAsia"), None)
    for name, value in (("decimalSymbol", ","), ("listSeparator", ";")):
        element = root.find(_w(name))
        if element is not None:
            element.set(_w("val"), value)
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8", standalone=True)


def _numbering(data: bytes) -> bytes:
    """Two lists: bullets (•, –, ▪) and numbers (1., a), i.)), each three levels deep, with
    hanging indents; the build adds an instance per numbered list so each starts at 1."""
    root = etree.fromstring(data)
    for child in list(root):
        root.remove(child)
    definitions = [
        (0, [("bullet", "•"), ("bullet", "–"), ("bullet", "▪")]),
        (1, [("decimal", "%1."), ("lowerLetter", "%2)"), ("lowerRoman", "%3.")]),
    ]
    for abstract_id, levels in definitions:
        abstract = etree.SubElement(root, _w("abstractNum"))
        abstract.set(_w("abstractNumId"), str(abstract_id))
        etree.SubElement(abstract, _w("multiLevelType")).set(_w("val"), "hybridMultilevel")
        for level, (kind, text) in enumerate(levels):
            lvl = etree.SubElement(abstract, _w("lvl"))
            lvl.set(_w("ilvl"), str(level))
            etree.SubElement(lvl, _w("start")).set(_w("val"), "1")
            etree.SubElement(lvl, _w("numFmt")).set(_w("val"), kind)
            etree.SubElement(lvl, _w("lvlText")).set(_w("val"), text)
            etree.SubElement(lvl, _w("lvlJc")).set(_w("val"), "left")
            ppr = etree.SubElement(lvl, _w("pPr"))
            indent = etree.SubElement(ppr, _w("ind"))
            indent.set(_w("left"), str(340 * (level + 1)))
            indent.set(_w("hanging"), "284")
            if kind == "bullet":
                rpr = etree.SubElement(lvl, _w("rPr"))
                fonts = etree.SubElement(rpr, _w("rFonts"))
                fonts.set(_w("ascii"), FONT)
                fonts.set(_w("hAnsi"), FONT)
    for num_id, abstract_id in ((1, 0), (2, 1)):
        num = etree.SubElement(root, _w("num"))
        num.set(_w("numId"), str(num_id))
        etree.SubElement(num, _w("abstractNumId")).set(_w("val"), str(abstract_id))
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8", standalone=True)
