"""Document-wide settings: properties, language, header and footer.

The timestamps in the document properties come from the data (or SOURCE_DATE_EPOCH), never
from the clock, so that the same input gives the same bytes.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from docx.document import Document as DocumentObject
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.text.paragraph import Paragraph


@dataclass(frozen=True)
class DocumentMeta:
    """What a document says about itself: title and subject in the properties, header text."""

    title: str
    subject: str
    author: str
    organisation: str
    administration: str
    kind_label: str
    timestamp: dt.datetime
    language: str = "sv-SE"
    keywords: str = ""


def fld_char(kind: str) -> OxmlElement:
    """A field boundary: begin, separate (the cached result follows) or end."""
    element = OxmlElement("w:fldChar")
    element.set(qn("w:fldCharType"), kind)
    return element


def instr_text(instruction: str) -> OxmlElement:
    element = OxmlElement("w:instrText")
    element.set(qn("xml:space"), "preserve")
    element.text = instruction
    return element


def _field(paragraph: Paragraph, instruction: str, placeholder: str) -> None:
    paragraph.add_run()._r.append(fld_char("begin"))
    paragraph.add_run()._r.append(instr_text(f" {instruction} "))
    paragraph.add_run()._r.append(fld_char("separate"))
    paragraph.add_run(placeholder)
    paragraph.add_run()._r.append(fld_char("end"))


def _emptied(paragraphs: list[Paragraph]) -> Paragraph:
    """The first paragraph of a header or footer with its runs removed, the others deleted:
    the style reference's own header text is replaced, its paragraph style kept."""
    for paragraph in paragraphs[1:]:
        paragraph._p.getparent().remove(paragraph._p)
    first = paragraphs[0]
    for run in list(first.runs):
        run._r.getparent().remove(run._r)
    return first


def _set_language(doc: DocumentObject, language: str) -> None:
    styles = doc.styles.element
    doc_defaults = styles.find(qn("w:docDefaults"))
    if doc_defaults is None:
        doc_defaults = OxmlElement("w:docDefaults")
        styles.insert(0, doc_defaults)
    rpr_default = doc_defaults.find(qn("w:rPrDefault"))
    if rpr_default is None:
        rpr_default = OxmlElement("w:rPrDefault")
        doc_defaults.insert(0, rpr_default)
    rpr = rpr_default.find(qn("w:rPr"))
    if rpr is None:
        rpr = OxmlElement("w:rPr")
        rpr_default.append(rpr)
    lang = rpr.find(qn("w:lang"))
    if lang is None:
        lang = OxmlElement("w:lang")
        rpr.append(lang)
    lang.set(qn("w:val"), language)
    lang.set(qn("w:eastAsia"), language)
    lang.set(qn("w:bidi"), "ar-SA")


def _update_fields_on_open(doc: DocumentObject) -> None:
    settings = doc.settings.element
    element = settings.find(qn("w:updateFields"))
    if element is None:
        element = OxmlElement("w:updateFields")
        settings.append(element)
    element.set(qn("w:val"), "true")


def apply_meta(doc: DocumentObject, meta: DocumentMeta) -> None:
    """Set properties, language, and header and footer text on a document."""
    props = doc.core_properties
    props.title = meta.title
    props.subject = meta.subject
    props.author = meta.author
    props.last_modified_by = meta.author
    props.keywords = meta.keywords
    props.language = meta.language
    props.created = meta.timestamp
    props.modified = meta.timestamp
    props.last_printed = meta.timestamp
    props.revision = 1
    props.comments = ""
    props.category = meta.kind_label
    _set_language(doc, meta.language)
    _update_fields_on_open(doc)
    for section in doc.sections:
        header = section.header
        header.is_linked_to_previous = False
        first = _emptied(list(header.paragraphs))
        first.add_run(meta.organisation.upper()).bold = True
        header.add_paragraph(f"{meta.administration} · {meta.kind_label}", style=first.style)
        footer = section.footer
        footer.is_linked_to_previous = False
        line = _emptied(list(footer.paragraphs))
        line.add_run("SID ")
        _field(line, "PAGE", "1")
        line.add_run(" (")
        _field(line, "NUMPAGES", "1")
        line.add_run(")")
