"""Every figure of the data, by year, block, row and kind: where a table finds the figures of
any year (VP 2022's column "Budget 2021" is read from 2021's own data, never from a copy).

A year's figures of one block may come from more than one file of that year (a plan and a
report can both hold a block of the same key); a figure entered twice is a problem that
`rules` reports with both places.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from .ledger import mapping_of

if TYPE_CHECKING:
    from ..model.disposition import Kapitel
    from ..source.load import Dataset, Document

TOTAL = "summa"  # the key of an entered grand total among a table's rows


@dataclass
class Entry:
    """Where one figure came from, for messages."""

    document: Document
    loc: tuple[str | int, ...]


@dataclass
class StoredBlock:
    """One block's figures of one year: rows of a breakdown by id (each with its figures by
    kind and a label of that year), or rows entered in the data (in order)."""

    key: str
    year: int
    figures: dict[str, dict[str, Decimal]] = field(default_factory=dict)
    labels: dict[str, str] = field(default_factory=dict)
    data_rows: list[Any] = field(default_factory=list)
    content: Any = None
    documents: list[Document] = field(default_factory=list)
    where: dict[tuple[str, str], Entry] = field(default_factory=dict)
    twice: list[tuple[Entry, Entry]] = field(default_factory=list)
    breakdown: str | None = None
    # the rows whose figure of the ledger's kind was read from the year's export, and each
    # figure of that kind the data also types for such a row or for a total over such rows
    # (the ledger's figure is used; `rules.ledger` reports the typed one)
    from_ledger: set[str] = field(default_factory=set)
    typed_and_read: list[tuple[str, Entry]] = field(default_factory=list)

    def kinds(self) -> set[str]:
        return {kind for row in self.figures.values() for kind in row}

    def value(self, row: str, kind: str, absent_is_zero: bool = True) -> Decimal | None:
        """A figure of a row: as entered; for an amount of a row the year does not have, zero
        (where the block has that kind of figure at all: an account that did not exist held
        no money); otherwise unknown (None) — a measurement not made is not zero."""
        if row in self.figures:
            return self.figures[row].get(kind)
        return Decimal(0) if absent_is_zero and kind in self.kinds() else None


class FigureStore:
    """The figures of every table block of a dataset, indexed by (year, block key)."""

    @classmethod
    def of(cls, ds: Dataset) -> FigureStore:
        """The dataset's store, made once per dataset."""
        store = ds.cache.get("figures")
        if store is None:
            store = ds.cache["figures"] = cls(ds)
        return store

    def __init__(self, ds: Dataset) -> None:
        self.ds = ds
        self.blocks: dict[tuple[int, str], StoredBlock] = {}
        for document in ds.documents():
            disposition = ds.disposition(document.kind)
            for node in disposition.blocks():
                content = document.block(node.block or "")
                if content is None or node.tabell is None:
                    continue
                self._add(document, node, content)
        self._read_ledgers()

    def _read_ledgers(self) -> None:
        """Each block of a breakdown that reads the ledger gets its rows' outcome from the
        year's export; a typed outcome of a mapped row, or a typed total over mapped rows, is
        set aside for `rules.ledger` to report, so the table shows the exact sum."""
        org = self.ds.organisation
        if org is None:
            return
        kind = org.bokforing.varde
        for (year, _), stored in self.blocks.items():
            if stored.breakdown is None:
                continue
            mapping = mapping_of(self.ds, year, stored.breakdown)
            if mapping is None:
                continue
            mapped = set(mapping.rows)
            for group in [TOTAL, *(r.id for r in mapping.breakdown.walk())]:
                row = next((r for r in mapping.breakdown.walk() if r.id == group), None)
                below = {r.id for r in row.walk()} if row is not None else mapped
                figures = stored.figures.get(group, {})
                if kind in figures and (group in mapped or below & mapped):
                    stored.typed_and_read.append((group, stored.where[(group, kind)]))
                    del figures[kind]
            for row_id, parts in mapping.rows.items():
                # a row nothing was booked on is left as a row the year does not have (zero
                # where the block has outcomes), as the typed data leaves it
                if parts or row_id in stored.figures:
                    stored.figures.setdefault(row_id, {})[kind] = mapping.value(row_id)
                stored.from_ledger.add(row_id)

    def _add(self, document: Document, node: Kapitel, content: Any) -> None:
        assert node.block is not None
        key = (document.year, node.block)
        stored = self.blocks.setdefault(key, StoredBlock(node.block, document.year))
        if node.tabell is not None and node.tabell.indelning:
            stored.breakdown = node.tabell.indelning
        stored.documents.append(document)
        if stored.content is None:
            stored.content = content
        rows = content.rader
        if isinstance(rows, dict):
            for row_id, row in rows.items():
                if row.namn is not None:
                    stored.labels[row_id] = row.namn
                target = stored.figures.setdefault(row_id, {})
                for kind, value in row.figures().items():
                    entry = Entry(document, (node.block, "rader", row_id, kind))
                    if kind in target:
                        stored.twice.append((stored.where[(row_id, kind)], entry))
                        continue
                    target[kind] = value
                    stored.where[(row_id, kind)] = entry
        else:
            stored.data_rows.extend(rows)

    def block(self, year: int, key: str) -> StoredBlock | None:
        return self.blocks.get((year, key))

    def conflicts(self) -> list[tuple[Entry, Entry]]:
        return [pair for stored in self.blocks.values() for pair in stored.twice]
