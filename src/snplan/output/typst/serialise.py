"""The resolved document as JSON for the Typst template: the data the template lays out.

This is the one place where the tree meets Typst, and it hands over values, never code: every
text goes into a JSON string, which the template shows as text (Typst does not parse a string
as markup), so nothing in the data can call a Typst function, read a file or change a setting.
Links keep only the schemes a document links to (https:, http:, mailto:) and anchors of its own
sections, renamed to labels this module makes up (`a1`, `a2` …), so no label name comes from
the data either.

The output is stable: keys in a fixed order, no floats but the page and chart sizes, no
timestamps but the document's own, so the same tree gives the same JSON and the same PDF.
Hidden columns and tables that are not printed are left out here; the template never sees them.
"""

from __future__ import annotations

import dataclasses
import json
import re
from collections.abc import Callable
from typing import Any

from ...tree import (
    Block,
    Break,
    Cell,
    Contents,
    Cover,
    Document,
    Figure,
    ListBlock,
    MemoHead,
    Meta,
    PageBreak,
    Panel,
    Paragraph,
    ProtocolHead,
    Row,
    Runs,
    Section,
    Series,
    Signatures,
    Signer,
    Table,
    Text,
    plain,
)
from ..charts.svg import figure_svg
from .setup import PageSetup

Json = dict[str, Any]
Clean = Callable[[str], str]

_LANGUAGE = re.compile(r"^([a-z]{2,3})(?:[-_]([A-Z]{2}))?$")
_SCHEMES = ("https:", "http:", "mailto:")
SVG_POINTS = 0.75  # one SVG user unit (a CSS pixel) in points


def meta_text(text: str) -> str:
    """Text for the PDF's properties and tags (never drawn, so any character but a control
    character or a lone surrogate, which neither JSON nor PDF can carry)."""
    return "".join(" " if c in "\t\n\r" else "\ufffd" if 0xD800 <= ord(c) <= 0xDFFF else c
                   for c in text if ord(c) >= 0x20 or c in "\t\n\r")


def language(tag: str) -> tuple[str, str]:
    """Language and region for Typst from a tag such as sv-SE; Swedish when it is not one."""
    found = _LANGUAGE.match(tag.strip())
    if found is None:
        return "sv", "SE"
    return found.group(1), found.group(2) or ("SE" if found.group(1) == "sv" else "")


class Serialiser:
    """One document's JSON: `clean` makes each text printable in the fonts, `font` names the
    family charts are drawn in."""

    def __init__(self, document: Document, clean: Clean, font: str) -> None:
        self.document = document
        self.clean = clean
        self.font = font
        self.anchors: dict[str, str] = {}
        for block in document.walk():
            if isinstance(block, Section) and block.anchor and block.title is not None:
                self.anchors.setdefault(block.anchor, f"a{len(self.anchors) + 1}")
        self.figures = 0
        # the levels of the headings open at this point, as the tree has them: PDF/UA wants
        # the first heading at level 1 and no level skipped, so a heading's printed level is
        # its depth among them
        self.open: list[int] = []

    # -------------------------------------------------------------------------- inline

    def run(self, run: Text | Break) -> Json:
        if isinstance(run, Break):
            return {"br": True}
        out: Json = {"t": self.clean(run.text)}
        if run.bold:
            out["b"] = True
        if run.italic:
            out["i"] = True
        if run.code:
            out["c"] = True
        if run.link:
            if run.link.startswith("#") and run.link[1:] in self.anchors:
                out["anchor"] = self.anchors[run.link[1:]]
            elif run.link.lower().startswith(_SCHEMES) and not any(
                    ord(c) < 0x21 for c in run.link):
                out["url"] = run.link
        return out

    def runs(self, runs: Runs) -> list[Json]:
        return [self.run(r) for r in runs if not (isinstance(r, Text) and not r.text)]

    # -------------------------------------------------------------------------- blocks

    def blocks(self, blocks: tuple[Block, ...]) -> list[Json]:
        out = []
        for block in blocks:
            item = self.block(block)
            if item is not None:
                out.append(item)
        return out

    def block(self, block: Block) -> Json | None:
        if isinstance(block, Paragraph):
            out: Json = {"k": "p", "role": block.role, "runs": self.runs(block.runs)}
            if block.role == "code":
                out["code"] = self.clean(plain(block.runs))
            return out
        if isinstance(block, Section):
            level = self.heading_level(block.level) if block.title is not None else 0
            return {"k": "section",
                    "title": None if block.title is None else self.runs(block.title),
                    "level": level,
                    "label": self.anchors.get(block.anchor) if block.title is not None
                    else None,
                    "page_break": block.page_break, "blocks": self.blocks(block.blocks)}
        if isinstance(block, ListBlock):
            return {"k": "list", "ordered": block.ordered, "start": max(0, block.start),
                    "items": [self.blocks(item.blocks) for item in block.items]}
        if isinstance(block, Table):
            return self.table(block) if block.printed else None
        if isinstance(block, Figure):
            return self.figure(block)
        if isinstance(block, Signatures):
            return {"k": "signatures", "labels": [self.clean(x) for x in block.labels],
                    "rows": [[self.signer(s) for s in row] for row in block.rows]}
        if isinstance(block, Cover):
            return {"k": "cover", "organisation": self.clean(block.organisation),
                    "committee": self.clean(block.committee), "title": self.clean(block.title),
                    "lines": [self.clean(x) for x in block.lines]}
        if isinstance(block, MemoHead):
            self.open = [1]
            return {"k": "memo", "kind": self.clean(block.kind),
                    "lines": [self.clean(x) for x in block.lines],
                    "title": self.clean(block.title)}
        if isinstance(block, ProtocolHead):
            self.open = [1]
            return {"k": "protocol", "title": self.clean(block.title),
                    "fields": [[self.clean(a), self.clean(b)] for a, b in block.fields]}
        if isinstance(block, Contents):
            return {"k": "contents", "title": self.clean(block.title),
                    "depth": max(1, min(block.depth, 6))}
        if isinstance(block, PageBreak):
            return {"k": "pagebreak"}
        raise TypeError(f"not a block of the resolved document: {type(block).__name__}")

    def heading_level(self, level: int) -> int:
        while self.open and self.open[-1] >= level:
            self.open.pop()
        self.open.append(level)
        return min(len(self.open), 6)

    def signer(self, signer: Signer | None) -> Json | None:
        if signer is None:
            return None
        return {"name": self.clean(signer.name), "lines": [self.clean(x) for x in signer.lines]}

    # -------------------------------------------------------------------------- tables

    def cell(self, cell: Cell) -> Json:
        if cell.blank:
            return {"blank": True}
        return {"lines": [self.runs(line) for line in cell.lines],
                "p": [self.clean(plain(line)) for line in cell.lines]}

    def row(self, row: Row, visible: tuple[int, ...]) -> Json:
        cells = [self.cell(row.cells[i]) if i < len(row.cells) else {"blank": True}
                 for i in visible]
        return {"role": row.role, "indent": max(0, row.indent), "cells": cells}

    def table(self, table: Table) -> Json:
        visible = table.visible
        columns = [{"h": self.clean(table.columns[i].header),
                    "fig": table.columns[i].figure,
                    "right": table.columns[i].align == "right"} for i in visible]
        return {"k": "table", "title": self.clean(table.title),
                "header": any(c["h"].strip() for c in columns),
                "keep": table.keep, "columns": columns,
                "rows": [self.row(r, visible) for r in table.rows],
                "notes": [self.runs(n) for n in table.notes]}

    # -------------------------------------------------------------------------- figures

    def figure(self, figure: Figure) -> Json:
        """The chart as SVG, drawn from a copy of the figure whose printed texts are
        printable (its alternative text goes to the PDF's tags as typed)."""
        self.figures += 1
        clean = self.clean
        printed = dataclasses.replace(figure, caption=clean(figure.caption), panels=tuple(
            Panel(clean(p.title), clean(p.unit), tuple(clean(c) for c in p.categories),
                  tuple(Series(clean(s.label), s.values) for s in p.series), p.counts, p.table)
            for p in figure.panels))
        svg = figure_svg(printed, font=self.font, element_id=f"figure-{self.figures}")
        found = re.search(r'viewBox="0 0 ([0-9.]+) ([0-9.]+)"', svg)
        width = float(found.group(1)) * SVG_POINTS if found else 450.0
        alt = meta_text(figure.alt).strip() or meta_text(figure.caption).strip() or "Diagram"
        return {"k": "figure", "alt": alt, "caption": printed.caption,
                "svg": svg, "width": round(width, 2)}

    # -------------------------------------------------------------------------- document

    def meta(self, meta: Meta) -> Json:
        lang, region = language(meta.language)
        moment = meta.timestamp
        return {"title": meta_text(meta.title),
                "author": [meta_text(meta.author)] if meta.author else [],
                "subject": meta_text(meta.subject),
                "keywords": [meta_text(k).strip() for k in meta.keywords.split(",")
                             if k.strip()],
                "date": [moment.year, moment.month, moment.day, moment.hour, moment.minute,
                         moment.second],
                "lang": lang, "region": region or None}

    def header(self, meta: Meta) -> list[str]:
        """The running header's lines, as the Word file's: the organisation in capitals, then
        the administration and the kind of document."""
        second = " · ".join(x for x in (meta.administration, meta.kind_label) if x)
        return [self.clean(x) for x in (meta.organisation.upper(), second) if x]


def document_json(document: Document, *, page: PageSetup, body: list[str], mono: list[str],
                  size: float, clean: Clean) -> str:
    """The JSON text the template reads (`/document.json`)."""
    serialiser = Serialiser(document, clean, body[0])
    data = {
        "meta": serialiser.meta(document.meta),
        "header": serialiser.header(document.meta),
        "style": {"page": dataclasses.asdict(page),
                  "fonts": {"body": body, "mono": mono, "size": size}},
        "blocks": serialiser.blocks(document.blocks),
    }
    return json.dumps(data, ensure_ascii=False, separators=(",", ":"), allow_nan=False)


__all__ = ["Serialiser", "document_json", "language", "meta_text"]
