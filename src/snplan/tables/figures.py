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
FORECAST = "prognos"  # the kind of figure a period report forecasts the whole year with


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
    typed_and_read: list[tuple[str, str, Entry]] = field(default_factory=list)

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
    """The figures of every table block of a dataset, indexed by (year, block key); a period
    report's apart, by (year, month, block key), since its outcome is the outcome so far and
    not the year's.

    The year's forecast (`prognos`) is the last period report's: where the year's plan or
    report holds the block but not its forecast, the forecast of the latest period report of
    the year is the year's, so the annual report's "Prognos" column reads it without a typed
    copy. A forecast typed in the year's file as well is a fact entered twice."""

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
        self.periods: dict[tuple[int, int, str], StoredBlock] = {}
        for document in ds.documents():
            disposition = ds.disposition(document.kind)
            month = ds.period(document.kind)
            for node in disposition.blocks():
                content = document.block(node.block or "")
                if content is None or node.tabell is None:
                    continue
                self._add(document, node, content, month)
        self._read_ledgers()
        self._last_forecasts()

    def _read_ledgers(self) -> None:
        """Each block of a breakdown that reads the ledger gets its rows' outcome from the
        year's export (a period report's block: the months up to its own, from #PSALDO); a
        typed outcome of a mapped row, or a typed total over mapped rows, is set aside for
        `rules.ledger` to report, so the table shows the exact sum."""
        org = self.ds.organisation
        if org is None:
            return
        places: list[tuple[int, int | None, StoredBlock, str, bool]] = [
            (year, None, stored, org.bokforing.varde, False)
            for (year, _unused), stored in self.blocks.items()]
        places += [(year, month, stored, org.bokforing.varde, False)
                   for (year, month, _unused), stored in self.periods.items()]
        if org.bokforing.budget is not None:  # the year's budget, where the export keeps it
            places += [(year, None, stored, org.bokforing.budget, True)
                       for (year, _unused), stored in self.blocks.items()]
        for year, month, stored, kind, budget in places:
            if stored.breakdown is None:
                continue
            mapping = mapping_of(self.ds, year, stored.breakdown, month, budget)
            if mapping is None:
                continue
            mapped = set(mapping.rows)
            for group in [TOTAL, *(r.id for r in mapping.breakdown.walk())]:
                row = next((r for r in mapping.breakdown.walk() if r.id == group), None)
                below = {r.id for r in row.walk()} if row is not None else mapped
                figures = stored.figures.get(group, {})
                if kind in figures and (group in mapped or below & mapped):
                    stored.typed_and_read.append((group, kind, stored.where[(group, kind)]))
                    del figures[kind]
            for row_id, parts in mapping.rows.items():
                # a row nothing was booked on is left as a row the year does not have (zero
                # where the block has outcomes), as the typed data leaves it
                if parts or row_id in stored.figures:
                    stored.figures.setdefault(row_id, {})[kind] = mapping.value(row_id)
                stored.from_ledger.add(row_id)

    def _add(self, document: Document, node: Kapitel, content: Any,
             month: int | None = None) -> None:
        assert node.block is not None
        if month is None:
            stored = self.blocks.setdefault((document.year, node.block),
                                            StoredBlock(node.block, document.year))
        else:
            stored = self.periods.setdefault((document.year, month, node.block),
                                             StoredBlock(node.block, document.year))
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

    def _last_forecasts(self) -> None:
        """The year's forecast from its last period report (see the class)."""
        for year in {y for y, _unused, _unused in self.periods}:
            last = self.months(year)[-1]
            for (y, month, key), period in self.periods.items():
                stored = self.blocks.get((year, key))
                if y != year or month != last or stored is None:
                    continue
                for row_id, kinds in period.figures.items():
                    value = kinds.get(FORECAST)
                    if value is None:
                        continue
                    entry = period.where[(row_id, FORECAST)]
                    target = stored.figures.setdefault(row_id, {})
                    if FORECAST in target:
                        stored.twice.append((entry, stored.where[(row_id, FORECAST)]))
                        continue
                    target[FORECAST] = value
                    stored.where[(row_id, FORECAST)] = entry

    def block(self, year: int, key: str, month: int | None = None) -> StoredBlock | None:
        """A block's figures of a year (`month` None) or of the period report of a year that
        closes in `month`."""
        if month is None:
            return self.blocks.get((year, key))
        return self.periods.get((year, month, key))

    def months(self, year: int) -> list[int]:
        """The months the year's period reports close, in order."""
        return sorted({m for y, m, _unused in self.periods if y == year})

    def latest(self, year: int, before: int | None) -> int | None:
        """The month of the year's latest period report before month `before` (None: before
        the year's end), or None when the year has none."""
        earlier = [m for m in self.months(year) if before is None or m < before]
        return earlier[-1] if earlier else None

    def conflicts(self) -> list[tuple[Entry, Entry]]:
        return [pair for stored in self.blocks.values() for pair in stored.twice]
