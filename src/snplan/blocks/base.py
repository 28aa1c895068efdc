"""What a block's layout context is made from."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from ..model.disposition import Kapitel
from ..model.organisation import Organisation, Skala
from ..source.load import Dataset, Document
from ..tables import Table

# Levels of a scale are shown as a shape and in words, never by colour alone.
SYMBOLS = {"niva1": "●", "niva2": "◆", "niva3": "▲", "niva4": "■"}
LEVELS = ("niva1", "niva2", "niva3", "niva4")


@dataclass
class BlockInput:
    """One block of one document: its outline entry, its content with prose expressions
    evaluated, the heading level it sits under, and the document's tables."""

    ds: Dataset
    document: Document
    node: Kapitel
    content: Any
    level: int
    tables: dict[str, Table] = field(default_factory=dict)

    @property
    def org(self) -> Organisation:
        assert self.ds.organisation is not None
        return self.ds.organisation

    @property
    def year(self) -> int:
        return self.document.year

    def scale(self, name: str) -> Skala:
        return getattr(self.org.skalor, name)


def legend(scale: Skala, header: str) -> dict[str, Any]:
    """The legend of a four-level scale: symbol and wording of each level."""
    return {"header": ["Symbol", header],
            "rows": [[SYMBOLS[n], getattr(scale, n)] for n in LEVELS]}
