"""The document kinds and the questions about them every command asks: which documents a
year allows, what one lacks, what it reads, which values are still to be filled in."""

from __future__ import annotations

import unicodedata
from collections.abc import Iterator, Mapping
from pathlib import Path

from ..model import kinds
from ..problems import Problem
from ..source.load import Dataset
from .kind import DocumentKind, Target


class _Kinds(Mapping[str, DocumentKind]):
    """The registry's kinds as `DocumentKind`s, read live: a period kind an organisation
    defines by its outline joins the registry when its data directory is loaded."""

    def __getitem__(self, name: str) -> DocumentKind:
        return DocumentKind(kinds.KINDS[name])

    def __iter__(self) -> Iterator[str]:
        return iter(list(kinds.KINDS))

    def __len__(self) -> int:
        return len(kinds.KINDS)


KINDS: Mapping[str, DocumentKind] = _Kinds()


def describe_kind(kind: DocumentKind) -> str:
    """`årsredovisning (arsredovisning, ar)`: the names a user may type for a kind."""
    return f"{kind.name} ({', '.join(kind.aliases)})"


def _ascii(text: str) -> str:
    decomposed = unicodedata.normalize("NFKD", text.lower())
    return "".join(c for c in decomposed if not unicodedata.combining(c))


def kind_named(word: str) -> DocumentKind | None:
    """Accept Swedish and ASCII spellings: årsredovisning/arsredovisning, vp, mbl …"""
    wanted = _ascii(word.strip())
    for kind in KINDS.values():
        if wanted == kind.name or wanted in kind.aliases:
            return kind
    return None


def missing_for(ds: Dataset, kind: str, year: int) -> list[str]:
    return KINDS[kind].missing(ds, year)


def targets_for(ds: Dataset, kind: str, year: int) -> list[Target]:
    return KINDS[kind].targets(ds, year)


def all_targets(ds: Dataset) -> list[Target]:
    """Every document the data allows, year by year."""
    return [t for year in sorted(ds.years) for kind in KINDS.values()
            for t in kind.targets(ds, year)]


def inputs_of(ds: Dataset, target: Target) -> list[Path]:
    return KINDS[target.kind].inputs(ds, target)


def pending_for(ds: Dataset, kind: str, year: int, todo: list[Problem]) -> list[Problem]:
    return KINDS[kind].pending(ds, year, todo)


def unfinished(ds: Dataset, todo: list[Problem]) -> list[tuple[str, int, int]]:
    """(kind, year, count) of every document kind of a year that still holds values to be
    filled in."""
    found = []
    for year in sorted(ds.years):
        for kind in KINDS.values():
            count = len(kind.pending(ds, year, todo))
            if count:
                found.append((kind.name, year, count))
    return found


def find_matter(ds: Dataset, year: int, key: str, kind: str) -> str | None:
    """A matter's slug from its slug or its registration number (SN/2021:59)."""
    documents = KINDS[kind].documents(ds, year)
    if key in documents:
        return key
    wanted = key.replace(" ", "")
    for slug, document in documents.items():
        number = getattr(document.model, "diarienummer", None)
        if number and number.replace(" ", "") == wanted:
            return slug
    return None


__all__ = ["KINDS", "DocumentKind", "Target", "all_targets", "describe_kind", "find_matter",
           "inputs_of", "kind_named", "missing_for", "pending_for", "targets_for",
           "unfinished"]
