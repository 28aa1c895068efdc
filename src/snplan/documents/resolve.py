"""The resolved document: an outline and the data turned, once per target, into the tree every
writer reads (`snplan.tree`).

The outline is walked once: every table of the document is built by the table engine, every
prose text evaluated against those tables (the figures an expression produces are marked as
such), every block resolved by its type into nodes, the first page made from the kind's head
(a cover, a memo's or a protocol's heading), and the document's properties set. A chapter
whose blocks hold nothing is left out; a table the outline reads but does not print stays in
the tree, unprinted, for the workbook.
"""

from __future__ import annotations

import datetime as dt
import os
from typing import Any

from jinja2.sandbox import SandboxedEnvironment

from ..blocks import REGISTRY, BlockInput
from ..errors import DataError, UsageError
from ..messages import _
from ..model.disposition import Disposition, Kapitel
from ..problems import Problem
from ..prose.evaluate import evaluate
from ..prose.markup import inline
from ..source.load import Dataset, Document
from ..tables import Table, tables_of
from ..tables.engine import TableError, heading
from ..tree import Block, Contents, Cover, MemoHead, Meta, PageBreak, ProtocolHead, Section
from ..tree import Document as Resolved
from . import KINDS
from .kind import DocumentKind, Target


class ContextError(DataError):
    """The document could not be resolved; `problems` say where in the data."""

    def __init__(self, problems: list[Problem]) -> None:
        super().__init__("", problems=problems)


# The latest timestamp a document may carry (a SOURCE_DATE_EPOCH beyond it is not a date).
LAST_EPOCH = 253402300799  # 9999-12-31 23:59:59 UTC


def timestamp_for(day: dt.date | None, year: int) -> dt.datetime:
    """The document's fixed timestamp: SOURCE_DATE_EPOCH when set, else a date from the data,
    else 1 January of the year. Never the clock, so builds are reproducible."""
    epoch = os.environ.get("SOURCE_DATE_EPOCH")
    if epoch and epoch.isdigit():
        # a date documents can carry (a longer text is no number int() may even read)
        if len(epoch) > len(str(LAST_EPOCH)) or int(epoch) > LAST_EPOCH:
            shown = epoch if len(epoch) <= 30 else epoch[:27] + "..."
            raise UsageError(_("SOURCE_DATE_EPOCH is {shown}, which is no date a document can "
                               "carry: give the seconds since 1970-01-01 (at most {LAST_EPOCH}, "
                               "the end of year 9999), or unset it").format(
                                 shown=shown, LAST_EPOCH=LAST_EPOCH))
        return dt.datetime.fromtimestamp(int(epoch), tz=dt.UTC).replace(tzinfo=None)
    chosen = day or dt.date(year, 1, 1)
    return dt.datetime(chosen.year, chosen.month, chosen.day, 12, 0, 0)


def namespace(ds: Dataset, document: Document | None, year: int) -> dict[str, Any]:
    """The names prose in a document may use: `ar`, and every table of the document it quotes
    by block key (`resultatrakning.summa.budgetavvikelse`, `driftbudget.summa.budget`)."""
    names: dict[str, Any] = {"ar": year}
    if document is None:
        return names
    for key, table in tables_of(ds, document.kind, document.year).items():
        if any(c.figure for c in table.columns):
            names[key] = table.namespace()
    return names


def document_title(ds: Dataset, kind: DocumentKind, document: Document) -> str:
    own = getattr(document.model, "titel", None)
    if own and kind.single:
        return own
    template = kind.disposition(ds).titel
    fields = {name: str(getattr(document.model, name) or "")
              for name in type(document.model).model_fields
              if isinstance(getattr(document.model, name), str | int)}
    filled = heading(template, document.year, ds.organisation,
                     months=ds.period(document.kind))
    for name, value in fields.items():
        filled = filled.replace("{" + name + "}", value)
    return filled


def document_date(document: Document) -> dt.date | None:
    """The date a document carries: a memo's or protocol's date, else the day it is
    decided."""
    return getattr(document.model, "datum", None) or getattr(document.model, "behandlas", None)


class _Resolver:
    """One document's outline walked into nodes."""

    def __init__(self, ds: Dataset, document: Document, blocks: dict[str, Any],
                 tables: dict[str, Table]) -> None:
        self.ds = ds
        self.document = document
        self.blocks = blocks
        self.tables = tables

    def shown(self, node: Kapitel) -> bool:
        if node.block is not None and node.visas and self.document.block(node.block) \
                is not None:
            return True
        return any(self.shown(child) for child in node.kapitel)

    def unprinted(self, node: Kapitel) -> list[Block]:
        """The tables under `node` that the outline reads but does not print."""
        out: list[Block] = []
        for inner in node.walk():
            if inner.block is None or inner.visas or inner.block not in self.blocks:
                continue
            kind = REGISTRY[inner.typ or "text"]
            out += kind.unprinted(self.input(inner, 1))
        return out

    def input(self, node: Kapitel, level: int, around: str = "") -> BlockInput:
        return BlockInput(self.ds, self.document, node, self.blocks[node.block or ""], level,
                          self.tables, around)

    def chapters(self, nodes: list[Kapitel], level: int, around: str = "") -> list[Block]:
        out: list[Block] = []
        org = self.ds.organisation
        for node in nodes:
            if not self.shown(node):
                out += self.unprinted(node)
                continue
            own_level = node.niva or level
            title = heading(node.rubrik, self.document.year, org,
                            months=self.ds.period(self.document.kind)) if node.rubrik else None
            content: list[Block] = []
            if node.block is not None and node.block in self.blocks:
                kind = REGISTRY[node.typ or "text"]
                if node.visas:
                    title = kind.title(self.blocks[node.block]) or title
                    content = kind.resolve(self.input(node, own_level, around))
                else:
                    content = kind.unprinted(self.input(node, own_level, around))
            children = self.chapters(node.kapitel, own_level + 1 if title else own_level,
                                     title or around)
            out.append(Section(inline(title) if title else None, own_level,
                               tuple(content + children), anchor=node.block or "",
                               page_break=node.sidbrytning))
        return out


def _head(ds: Dataset, kind: DocumentKind, document: Document, disposition: Disposition,
          title: str) -> list[Block]:
    """The first page: a cover (with the contents after it), a memo's head or a protocol's."""
    org = ds.organisation
    assert org is not None
    model = document.model
    date = document_date(document)
    number = getattr(model, "diarienummer", None)
    if disposition.huvud == "framsida":
        lines = [f"Verksamhetsår {document.year}"]
        if number:
            lines.append(f"Diarienummer {number}")
        if date:
            lines.append(f"Behandlas i {org.namnd.lower()} {date.isoformat()}")
        out: list[Block] = [Cover(org.kommun, org.namnd, title, tuple(lines)), PageBreak()]
        if disposition.innehallsforteckning:
            out += [Contents(), PageBreak()]
        return out
    if disposition.huvud == "tjansteskrivelse":
        sender = getattr(model, "avsandare", None) or org.forvaltning
        return [MemoHead(kind.label, (sender, date.isoformat() if date else "datum saknas",
                                      number or "diarienummer saknas"), title)]
    if disposition.huvud == "protokoll":
        when = f"{model.datum.isoformat()} kl. {model.tid_fran}–{model.tid_till}"
        return [ProtocolHead(kind.label, (("Ärende", model.arende), ("Plats", model.plats),
                                          ("Tid", when)))]
    return []


def resolve(ds: Dataset, target: Target, env: SandboxedEnvironment) -> Resolved:
    """The resolved document of one target; raises ContextError naming every failing prose
    expression or table (file, line, field)."""
    kind = KINDS[target.kind]
    document = ds.years[target.year].document(kind.name, target.slug)
    assert document is not None and ds.organisation is not None
    disposition = kind.disposition(ds)
    problems: list[Problem] = []
    try:
        quoted = kind.quoted(ds, document)
        names = namespace(ds, quoted, target.year)
        tables = tables_of(ds, kind.name, target.year) if kind.single else {}
    except TableError as exc:
        raise ContextError([Problem(document.source.path, None, "", str(exc))]) from None
    blocks = {key: evaluate(content, document.source, env, names, problems, (key,),
                            marked=True)
              for key, content in document.blocks.items()}
    title = document_title(ds, kind, document)
    if problems:
        raise ContextError(problems)
    first = 2 if disposition.huvud in {"tjansteskrivelse", "protokoll"} else 1
    body = _head(ds, kind, document, disposition, title)
    body += _Resolver(ds, document, blocks, tables).chapters(disposition.kapitel, first)
    org = ds.organisation
    subject = f"{org.namnd}, {title}" if kind.label.lower() in title.lower() \
        else f"{org.namnd}, {kind.label.lower()}: {title}"
    meta = Meta(title=title, subject=subject, author=f"{org.namnd}, {org.kommun}",
                organisation=org.kommun, administration=org.forvaltning,
                kind_label=kind.label,
                timestamp=timestamp_for(document_date(document), target.year),
                unit=org.belopp_enhet, committee=org.namnd)
    return Resolved(meta, tuple(body), name=target.filename)
