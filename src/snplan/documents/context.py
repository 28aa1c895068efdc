"""One template context per document: its outline walked chapter by chapter, every block's
content with its prose expressions evaluated, every table built by the table engine, and the
first page (cover, memo heading or protocol heading). Templates only lay this out."""

from __future__ import annotations

import datetime as dt
import os
from dataclasses import dataclass
from typing import Any

from jinja2.sandbox import SandboxedEnvironment

from ..blocks import BlockInput
from ..blocks import context as block_context
from ..errors import UsageError
from ..model.disposition import Disposition, Kapitel
from ..problems import Problem
from ..prose import evaluate
from ..source.load import Dataset, Document
from ..tables import FigureStore, Table, build_table
from ..tables.engine import TableError, heading
from .kind import DocumentKind, Target


class ContextError(Exception):
    """The context could not be built; `problems` say where in the data."""

    def __init__(self, problems: list[Problem]) -> None:
        super().__init__("; ".join(p.format() for p in problems))
        self.problems = problems


@dataclass(frozen=True)
class Built:
    """A context with the metadata the renderer needs."""

    context: dict[str, Any]
    title: str
    subject: str
    kind_label: str
    timestamp: dt.datetime


def timestamp_for(day: dt.date | None, year: int) -> dt.datetime:
    """The document's fixed timestamp: SOURCE_DATE_EPOCH when set, else a date from the data,
    else 1 January of the year. Never the clock, so builds are reproducible."""
    epoch = os.environ.get("SOURCE_DATE_EPOCH")
    if epoch and epoch.isdigit():
        # a date documents can carry: up to the end of year 9999 (a larger one overflows)
        if len(epoch) > 12 or int(epoch) > 253402300799:
            shown = epoch if len(epoch) <= 30 else epoch[:27] + "..."
            raise UsageError(f"SOURCE_DATE_EPOCH is {shown}, which is no date a "
                             "document can carry: give the seconds since 1970-01-01 (at "
                             "most 253402300799, the end of year 9999), or unset it")
        return dt.datetime.fromtimestamp(int(epoch), tz=dt.UTC).replace(tzinfo=None)
    chosen = day or dt.date(year, 1, 1)
    return dt.datetime(chosen.year, chosen.month, chosen.day, 12, 0, 0)


def tables_of(ds: Dataset, kind: str, year: int) -> dict[str, Table]:
    """Every table of the document of `kind` and `year`, by block key (made once)."""
    key = f"tables:{kind}:{year}"
    if key not in ds.cache:
        store = FigureStore.of(ds)
        tables: dict[str, Table] = {}
        for node in ds.disposition(kind).blocks():
            if node.typ != "tabell" or node.tabell is None or not node.tabell.kolumner:
                continue
            table = build_table(ds, store, year, node)
            if table is not None:
                tables[node.block or ""] = table
        ds.cache[key] = tables
    return ds.cache[key]


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
    filled = heading(template, document.year, ds.organisation)
    for name, value in fields.items():
        filled = filled.replace("{" + name + "}", value)
    return filled


def _has_content(node: Kapitel, document: Document) -> bool:
    if node.block is not None and node.visas and document.block(node.block) is not None:
        return True
    return any(_has_content(child, document) for child in node.kapitel)


def _evaluated(document: Document, env: SandboxedEnvironment, names: dict[str, Any],
               problems: list[Problem]) -> dict[str, Any]:
    blocks = {}
    for key, content in document.blocks.items():
        blocks[key] = evaluate(content, document.source, env, names, problems, (key,))
    return blocks


def _chapters(nodes: list[Kapitel], ds: Dataset, document: Document, blocks: dict[str, Any],
              tables: dict[str, Table], level: int) -> list[dict[str, Any]]:
    result = []
    for node in nodes:
        if not _has_content(node, document):
            continue
        own_level = node.niva or level
        title = heading(node.rubrik, document.year, ds.organisation) if node.rubrik else None
        block = None
        if node.block is not None and node.visas and node.block in blocks:
            content = blocks[node.block]
            if node.typ == "text" and getattr(content, "rubrik", None):
                title = content.rubrik
            block = block_context(BlockInput(ds, document, node, content, own_level, tables))
        result.append({
            "rubrik": title,
            "niva": own_level,
            "sidbrytning": node.sidbrytning,
            "block": block,
            "kapitel": _chapters(node.kapitel, ds, document, blocks, tables,
                                 own_level + 1 if title else own_level),
        })
    return result


def _head(ds: Dataset, kind: DocumentKind, document: Document, disposition: Disposition,
          title: str) -> dict[str, Any]:
    org = ds.organisation
    assert org is not None
    model = document.model
    date = getattr(model, "datum", None) or getattr(model, "behandlas", None)
    return {
        "typ": disposition.huvud,
        "titel": title,
        "dokumenttyp": kind.label,
        "kommun": org.kommun,
        "namnd": org.namnd,
        "forvaltning": org.forvaltning,
        "avsandare": getattr(model, "avsandare", None) or org.forvaltning,
        "diarienummer": getattr(model, "diarienummer", None),
        "datum": date.isoformat() if date else None,
        "ar": document.year,
        "arende": getattr(model, "arende", None),
        "plats": getattr(model, "plats", None),
        "tid": (f"{model.datum.isoformat()} kl. {model.tid_fran}–{model.tid_till}"
                if disposition.huvud == "protokoll" else None),
        "innehallsforteckning": disposition.innehallsforteckning,
    }


def build_context(ds: Dataset, target: Target, env: SandboxedEnvironment) -> Built:
    """Everything the template needs for one document; raises ContextError naming every
    failing prose expression (file, line, field)."""
    from . import KINDS

    kind = KINDS[target.kind]
    entry = ds.years[target.year]
    document = entry.document(kind.name, target.slug)
    assert document is not None and ds.organisation is not None
    disposition = kind.disposition(ds)
    problems: list[Problem] = []
    try:
        quoted = kind.quoted(ds, document)
        names = namespace(ds, quoted, target.year)
        tables = tables_of(ds, kind.name, target.year) if kind.single else {}
    except TableError as exc:
        raise ContextError([Problem(document.source.path, None, "", str(exc))]) from None
    blocks = _evaluated(document, env, names, problems)
    title = document_title(ds, kind, document)
    if problems:
        raise ContextError(problems)
    first = 2 if disposition.huvud in {"tjansteskrivelse", "protokoll"} else 1
    context = {
        "huvud": _head(ds, kind, document, disposition, title),
        "kapitel": _chapters(disposition.kapitel, ds, document, blocks, tables, first),
    }
    date = getattr(document.model, "datum", None) or getattr(document.model, "behandlas",
                                                               None)
    org = ds.organisation
    subject = f"{org.namnd}, {title}" if kind.label.lower() in title.lower() \
        else f"{org.namnd}, {kind.label.lower()}: {title}"
    return Built(context, title, subject, kind.label, timestamp_for(date, target.year))
