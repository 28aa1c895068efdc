"""The document's own parts besides the body: properties, header and footer, settings, language,
numbering, and the section properties that tie the page to them.

The timestamps in the document properties come from the data (or SOURCE_DATE_EPOCH), never
from the clock, so that the same input gives the same bytes. Every element is written where
the schema puts it: Word answers a misplaced one with "unreadable content".
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

from lxml import etree

from ..tree import Meta
from . import package as pkg
from .package import R, W, w
from .word.xml import esc, field_runs, rpr, text_run

# What a document says about itself: title and subject in the properties, header text.
DocumentMeta = Meta


@dataclass(frozen=True)
class HeaderFooter:
    """Relationship ids of the header and footer (and of the blank ones of a cover page)."""

    header: str
    footer: str
    first_header: str | None = None
    first_footer: str | None = None


NAMESPACES = {
    "w": W,
    "r": R,
    "wp": "http://schemas.openxmlformats.org/drawingml/2006/wordprocessingDrawing",
    "a": pkg.A,
    "pic": "http://schemas.openxmlformats.org/drawingml/2006/picture",
}
ROOT_NAMESPACES = " ".join(f'xmlns:{p}="{u}"' for p, u in NAMESPACES.items())
_DECLARATION = re.compile(r' xmlns:(\w+)="([^"]*)"')


def fragment(element: etree._Element) -> str:
    """An element as XML text without the namespace declarations the part's root makes."""
    text = etree.tostring(element, encoding="unicode")
    return _DECLARATION.sub(
        lambda m: "" if NAMESPACES.get(m.group(1)) == m.group(2) else m.group(0), text)


def _field(instruction: str, result: str) -> str:
    return field_runs(instruction, result)


def _run(text: str, bold: bool = False) -> str:
    return text_run(text, rpr(bold=bold))


def _header_like(reference: pkg.Reference, part: str | None, tag: str, style: str,
                 lines: list[str]) -> bytes:
    """A header or footer part with `lines` as its paragraphs, set like the reference's own:
    the properties of its first paragraph and any picture in it (a logo) are kept."""
    properties = ""
    pictures = ""
    first = None
    if part is not None:
        try:
            first = pkg.parse_xml(reference.parts[part], f"the reference's {tag}").find(w("p"))
        except pkg.ReferenceError:
            first = None
    if first is not None:
        found = first.find(w("pPr"))
        if found is not None:
            properties = fragment(found)
        pictures = "".join(fragment(run) for run in first.findall(w("r"))
                           if run.find(f".//{w('drawing')}") is not None
                           or run.find(f".//{w('pict')}") is not None)
    if not properties:
        style_id = reference.styles.id_of(style)
        properties = f'<w:pPr><w:pStyle w:val="{style_id}"/></w:pPr>' if style_id else ""
    body = "".join(f"<w:p>{properties}{pictures if i == 0 else ''}{line}</w:p>"
                   for i, line in enumerate(lines))
    return ('<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
            f"<w:{tag} {ROOT_NAMESPACES}>{body}</w:{tag}>").encode()


def header_footer(package: pkg.PackageWriter, reference: pkg.Reference, meta: DocumentMeta,
                  titlepage: bool) -> HeaderFooter:
    """Write the header (organisation, administration and kind of document) and the footer
    (page X of Y), reusing the reference's parts; blank ones for a cover page."""
    header = _header_like(reference, reference.header_part, "hdr", "Header", [
        _run(meta.organisation.upper(), bold=True),
        _run(f"{meta.administration} · {meta.kind_label}")])
    footer = _header_like(reference, reference.footer_part, "ftr", "Footer", [
        _run("SID ") + _field("PAGE", "1") + _run(" (") + _field("NUMPAGES", "1") + _run(")")])
    header_id = _place(package, reference, reference.header_part, header, "header")
    footer_id = _place(package, reference, reference.footer_part, footer, "footer")
    result = HeaderFooter(header_id, footer_id)
    if titlepage:
        blank_header = _header_like(reference, None, "hdr", "Header", [""])
        blank_footer = _header_like(reference, None, "ftr", "Footer", [""])
        result = HeaderFooter(header_id, footer_id,
                              _place(package, reference, None, blank_header, "header"),
                              _place(package, reference, None, blank_footer, "footer"))
    return result


def _place(package: pkg.PackageWriter, reference: pkg.Reference, part: str | None,
           data: bytes, kind: str) -> str:
    content_type = pkg.CT_HEADER if kind == "header" else pkg.CT_FOOTER
    rel_type = pkg.REL_HEADER if kind == "header" else pkg.REL_FOOTER
    if part is not None:
        package.set(part, data, content_type)
        for rel in package.main_rels:
            if rel.type == rel_type and pkg._resolve(reference.main, rel.target) == part:
                return rel.id
    name = package.unused_name(f"word/{kind}{{}}.xml")
    package.set(name, data, content_type)
    return package.relate(rel_type, name[len("word/"):])


# Children of a section's properties, in the schema's order (CT_SectPr).
_SECT_ORDER = ["footnotePr", "endnotePr", "type", "pgSz", "pgMar", "paperSrc", "pgBorders",
               "lnNumType", "pgNumType", "cols", "formProt", "vAlign", "noEndnote", "titlePg",
               "textDirection", "bidi", "rtlGutter", "docGrid", "printerSettings"]


def section_properties(reference: pkg.Reference, refs: HeaderFooter, *, landscape: bool,
                       first: bool, titlepage: bool) -> str:
    """The properties of one section: the reference's page, turned for landscape, with the
    header and footer; a section after the first starts on a new page."""
    source = {etree.QName(child).localname: child for child in reference.sect_pr}
    parts = [f'<w:headerReference w:type="default" r:id="{refs.header}"/>',
             f'<w:footerReference w:type="default" r:id="{refs.footer}"/>']
    if first and titlepage and refs.first_header and refs.first_footer:
        parts.append(f'<w:headerReference w:type="first" r:id="{refs.first_header}"/>')
        parts.append(f'<w:footerReference w:type="first" r:id="{refs.first_footer}"/>')
    page = reference.page
    for name in _SECT_ORDER:
        if name == "type":
            if not first:
                parts.append('<w:type w:val="nextPage"/>')
        elif name == "pgSz":
            width, height = (page.height, page.width) if landscape else (page.width,
                                                                          page.height)
            orient = ' w:orient="landscape"' if landscape else ""
            parts.append(f'<w:pgSz w:w="{width}" w:h="{height}"{orient}/>')
        elif name == "titlePg":
            if first and titlepage:
                parts.append("<w:titlePg/>")
        elif name in source:
            parts.append(fragment(source[name]))
    return f"<w:sectPr>{''.join(parts)}</w:sectPr>"


def document_xml(body: str, final_sect: str) -> bytes:
    return ('<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
            f"<w:document {ROOT_NAMESPACES}><w:body>{body}{final_sect}</w:body></w:document>"
            ).encode()


def _w3cdtf(moment: dt.datetime) -> str:
    return moment.strftime("%Y-%m-%dT%H:%M:%SZ")


def core_xml(meta: DocumentMeta) -> bytes:
    stamp = _w3cdtf(meta.timestamp)
    return (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
        '<cp:coreProperties xmlns:cp="http://schemas.openxmlformats.org/package/2006/metadata/'
        'core-properties" xmlns:dc="http://purl.org/dc/elements/1.1/" '
        'xmlns:dcterms="http://purl.org/dc/terms/" '
        'xmlns:dcmitype="http://purl.org/dc/dcmitype/" '
        'xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">'
        f"<dc:title>{esc(meta.title)}</dc:title><dc:subject>{esc(meta.subject)}</dc:subject>"
        f"<dc:creator>{esc(meta.author)}</dc:creator>"
        f"<cp:keywords>{esc(meta.keywords)}</cp:keywords><dc:description></dc:description>"
        f"<cp:lastModifiedBy>{esc(meta.author)}</cp:lastModifiedBy>"
        f"<cp:revision>1</cp:revision><cp:lastPrinted>{stamp}</cp:lastPrinted>"
        f'<dcterms:created xsi:type="dcterms:W3CDTF">{stamp}</dcterms:created>'
        f'<dcterms:modified xsi:type="dcterms:W3CDTF">{stamp}</dcterms:modified>'
        f"<cp:category>{esc(meta.kind_label)}</cp:category>"
        f"<dc:language>{esc(meta.language)}</dc:language></cp:coreProperties>").encode()


def app_xml(meta: DocumentMeta) -> bytes:
    return (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
        '<Properties xmlns="http://schemas.openxmlformats.org/officeDocument/2006/'
        'extended-properties" xmlns:vt="http://schemas.openxmlformats.org/officeDocument/'
        '2006/docPropsVTypes"><Application>snplan</Application><DocSecurity>0</DocSecurity>'
        f"<Company>{esc(meta.organisation)}</Company></Properties>").encode()


# Settings that follow updateFields in CT_Settings: it is inserted before the first of them.
_AFTER_UPDATE_FIELDS = ["hdrShapeDefaults", "footnotePr", "endnotePr", "compat", "docVars",
                        "rsids", "mathPr", "attachedSchema", "themeFontLang",
                        "clrSchemeMapping", "doNotIncludeSubdocsInStats",
                        "doNotAutoCompressPictures", "forceUpgrade", "captions",
                        "readModeInkLockDown", "smartTagType", "schemaLibrary",
                        "shapeDefaults", "doNotEmbedSmartTags", "decimalSymbol",
                        "listSeparator"]


def _insert_before(parent: etree._Element, element: etree._Element, followers: list[str],
                   namespace: str = W) -> None:
    for child in parent:
        if etree.QName(child).namespace != namespace or \
                etree.QName(child).localname in followers:
            child.addprevious(element)
            return
    parent.append(element)


def settings_xml(data: bytes) -> bytes:
    """The reference's settings with fields updated on opening (the table of contents gets
    its page numbers), the element in its place in the schema's order."""
    root = pkg.parse_xml(data, "the reference's settings")
    for old in root.findall(w("updateFields")):
        root.remove(old)
    element = etree.Element(w("updateFields"))
    _insert_before(root, element, _AFTER_UPDATE_FIELDS)
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8", standalone=True)


# Run properties that follow lang in CT_RPr.
_AFTER_LANG = ["eastAsianLayout", "specVanish", "oMath"]


def styles_xml(data: bytes, language: str) -> bytes:
    """The reference's styles with the document language as the default of every run (the
    bytes unchanged when the reference already says so)."""
    root = pkg.parse_xml(data, "the reference's styles")
    defaults = root.find(w("docDefaults"))
    if defaults is None:
        defaults = etree.Element(w("docDefaults"))
        root.insert(0, defaults)
    rpr_default = defaults.find(w("rPrDefault"))
    if rpr_default is None:
        rpr_default = etree.Element(w("rPrDefault"))
        defaults.insert(0, rpr_default)
    rpr = rpr_default.find(w("rPr"))
    if rpr is None:
        rpr = etree.SubElement(rpr_default, w("rPr"))
    lang = rpr.find(w("lang"))
    if lang is not None and lang.get(w("val")) == language \
            and lang.get(w("eastAsia")) == language:
        return data
    if lang is None:
        lang = etree.Element(w("lang"))
        _insert_before(rpr, lang, _AFTER_LANG)
    lang.set(w("val"), language)
    lang.set(w("eastAsia"), language)
    lang.set(w("bidi"), "ar-SA")
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8", standalone=True)


def numbering_xml(data: bytes, restarts: list[tuple[str, str, int, int]]) -> bytes:
    """The reference's numbering with one new instance per numbered list, each starting at
    its own first number (`restarts`: new numId, the numId whose list it copies, the level,
    the first number)."""
    if not restarts:
        return data
    root = pkg.parse_xml(data, "the reference's numbering")
    abstract = {num.get(w("numId")): num.find(w("abstractNumId")).get(w("val"))
                for num in root.findall(w("num")) if num.find(w("abstractNumId")) is not None}
    cleanup = root.find(w("numIdMacAtCleanup"))
    for new_id, source, level, start in restarts:
        if source not in abstract:
            continue
        num = etree.Element(w("num"))
        num.set(w("numId"), new_id)
        etree.SubElement(num, w("abstractNumId")).set(w("val"), abstract[source])
        override = etree.SubElement(num, w("lvlOverride"))
        override.set(w("ilvl"), str(level))
        etree.SubElement(override, w("startOverride")).set(w("val"), str(start))
        if cleanup is not None:
            cleanup.addprevious(num)
        else:
            root.append(num)
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8", standalone=True)


CT_MAIN = "application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"


def finish_package(package: pkg.PackageWriter, reference: pkg.Reference, meta: DocumentMeta,
                   document: bytes, restarts: list[tuple[str, str, int, int]]) -> bytes:
    """Put the body and the document's own parts into the package and return its bytes."""
    package.set(reference.main, document, CT_MAIN)
    for rel_type, rewrite in ((pkg.REL_SETTINGS, settings_xml),
                              (pkg.REL_STYLES, lambda d: styles_xml(d, meta.language)),
                              (pkg.REL_NUMBERING, lambda d: numbering_xml(d, restarts))):
        part = reference.part(rel_type)
        if part is not None and part in package.parts:
            package.set(part, rewrite(package.parts[part]))
    # the document properties, in the parts the reference relates them to, or new ones
    for rel_type, rel_id, default, xml, content_type in (
            (pkg.REL_CORE, "rIdCore", "docProps/core.xml", core_xml(meta), pkg.CT_CORE),
            (pkg.REL_APP, "rIdApp", "docProps/app.xml", app_xml(meta), pkg.CT_APP)):
        part = next((pkg._resolve("", r.target) for r in package.package_rels
                     if r.type == rel_type), None)
        if part is None:
            part = default
            package.package_rels.append(pkg.Rel(rel_id, rel_type, part))
        package.set(part, xml, content_type)
    return package.to_bytes()
