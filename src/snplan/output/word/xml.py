"""WordprocessingML pieces in the schema's element order: paragraph and run properties
(CT_PPr, CT_RPr), runs of text, fields, paragraphs. Shared by the body writer and the
document's own parts (header, footer, properties)."""

from __future__ import annotations

import re

# Characters XML 1.0 cannot hold (the data guards refuse them; this is the last wall).
_XML_ILLEGAL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff\ud800-\udfff]")
# A hyphen between digits (a date) or a minus sign before a figure ("-6 600" at the start of a
# text or after a space or bracket): never a place to break the line.
_DIGIT_HYPHEN = re.compile(r"(?<=\d)-(?=\d)|(?<![\w\-])-(?=\d)")


def esc(text: str) -> str:
    text = _XML_ILLEGAL.sub("", text)
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
