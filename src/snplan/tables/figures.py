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

    def _add(self, document: Document, node: Kapitel, content: Any) -> None:
        assert node.block is not None
        key = (document.year, node.block)
        stored = self.blocks.setdefault(key, StoredBlock(node.block, document.year))
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
