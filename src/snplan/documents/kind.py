"""What a document kind asks of the data: what it needs, what it reads, which documents a year
holds. A `DocumentKind` is a kind of the registry (`model.kinds`: its names and where its
files lie) with these questions; nothing outside `documents/` compares kind names."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from ..blocks import REGISTRY
from ..messages import _
from ..model.disposition import Disposition, Kapitel
from ..model.kinds import KINDS, Kind
from ..problems import Problem, display_path
from ..source.load import Dataset, Document
from ..tables.engine import heading as fill
from ..tables.engine import place
from ..tables.figures import TOTAL, FigureStore


@dataclass(frozen=True, order=True)
class Target:
    """One document to build: a kind, a year and, for matters and protocols, a slug."""

    year: int
    kind: str
    slug: str = ""

    @property
    def spec(self) -> DocumentKind:
        return DocumentKind(KINDS[self.kind])

    @property
    def filename(self) -> str:
        return self.spec.filename(self)

    @property
    def label(self) -> str:
        return f"{self.spec.label} {self.year}" + (f" ({self.slug})" if self.slug else "")


@dataclass(frozen=True)
class DocumentKind:
    """A kind of the registry (`spec`) with the questions every command asks of it."""

    spec: Kind

    @property
    def name(self) -> str:
        return self.spec.name

    @property
    def label(self) -> str:
        return self.spec.label

    @property
    def aliases(self) -> tuple[str, ...]:
        return self.spec.aliases

    @property
    def workbook(self) -> bool:
        return self.spec.workbook

    @property
    def prefix(self) -> str:
        return self.spec.prefix

    @property
    def quotes(self) -> str | None:
        return self.spec.quotes

    @property
    def memo(self) -> bool:
        return self.spec.memo

    @property
    def files(self) -> Kind:
        return self.spec

    @property
    def single(self) -> bool:
        return self.spec.single

    @property
    def own(self) -> bool:
        """An organisation's own kind, defined by an outline of its data alone."""
        return self.spec.own

    def filename(self, target: Target) -> str:
        if target.slug:
            return f"{self.prefix or self.name}-{target.slug}"
        return f"{self.name}-{target.year}"

    def disposition(self, ds: Dataset) -> Disposition:
        return ds.disposition(self.name)

    def path(self, ds: Dataset, year: int, slug: str = "") -> Path:
        return self.spec.path(ds.root, year, slug)

    def documents(self, ds: Dataset, year: int) -> dict[str, Document]:
        entry = ds.years.get(year)
        return entry.all(self.name) if entry else {}

    def quoted(self, ds: Dataset, document: Document) -> Document | None:
        """The document whose figures this one's prose may quote (itself for plans and
        reports)."""
        return ds.quoted(document)

    # ---------------------------------------------------------------- what a document needs

    def years_read(self, ds: Dataset) -> set[int]:
        """The year offsets the outline's blocks read (0 is its own)."""
        offsets = {0}
        for node in self.disposition(ds).blocks():
            offsets |= REGISTRY[node.typ or "text"].years_read(node)
        return offsets

    def missing(self, ds: Dataset, year: int, slug: str = "") -> list[str]:
        """What a document lacks, as sentences naming file and field: its file, the blocks
        the outline requires, and the required figures of its tables (a comparison column
        needs the earlier year's block)."""
        entry = ds.years.get(year)
        where = display_path(ds.root / str(year))
        if entry is None:
            return [_("{where}/ does not exist").format(where=where)]
        if not self.single and not slug:  # the kind as a whole: is there any matter?
            if entry.all(self.name):
                return []
            return [f"{where}/{self.files.folder}/: no {self.label.lower()}"]
        document = entry.document(self.name, slug)
        path = display_path(self.path(ds, year, slug))
        if document is None:
            return [_("{path} does not exist (or has errors)").format(path=path)]
        missing = []
        for node in self.disposition(ds).blocks():
            assert node.block is not None
            content = document.block(node.block)
            if node.kravs and content is None:
                missing.append(f"{path}: {node.block}")
                continue
            if content is None or node.tabell is None:
                continue
            missing += self._missing_columns(ds, year, node, path)
        return missing

    def _missing_columns(self, ds: Dataset, year: int, node: Kapitel, path: str
                         ) -> list[str]:
        assert node.tabell is not None and node.block is not None
        store = FigureStore.of(ds)
        month = ds.period(self.name)
        own = store.block(year, node.block, month)
        breakdown = (ds.organisation.indelningar.get(node.tabell.indelning or "")
                     if ds.organisation else None)
        totals = {TOTAL} | ({r.id for r in breakdown.walk() if r.is_group}
                            if breakdown else set())
        missing = []
        for column in node.tabell.kolumner:
            if not column.kravs or column.varde is None:
                continue
            at_year, at_month = place(column, year, month, store)
            other = store.block(at_year, node.block, at_month)
            heading = fill(column.rubrik or column.id, year, None,
                           months=month).replace("\u00ad", "")
            if (at_year, at_month) != (year, month):
                if other is None and at_month is None and month is not None:
                    # a period report's column of the year's figures (its budget)
                    missing.append(_("{at_year}/: {block} in the year's plan or report (the "
                                     "column \"{heading}\")").format(
                                       at_year=display_path(ds.root / str(at_year)),
                                       block=node.block, heading=heading))
                elif other is None:
                    other_path = display_path(self.path(ds, at_year))
                    missing.append(_("{other_path}: {block} (the comparison column \"{heading}\")")
                        .format(
                                       other_path=other_path, block=node.block, heading=heading))
                continue
            if own is not None and any(column.varde not in kinds
                                       for row, kinds in own.figures.items()
                                       if row not in totals):
                missing.append(f"{path}: {node.block} {column.varde} column")
        return missing

    def pending(self, ds: Dataset, year: int, todo: list[Problem]) -> list[Problem]:
        """Values still to be filled in (placeholders) in the files of this kind of a year."""
        entry = ds.root / str(year)
        if self.files.file:
            names = {display_path(entry / self.files.file)}
        else:
            assert self.files.folder is not None
            folder = entry / self.files.folder
            names = {display_path(p) for p in folder.glob("*.yaml")} if folder.is_dir() \
                else set()
        return [p for p in todo if p.path in names]

    def targets(self, ds: Dataset, year: int) -> list[Target]:
        """The documents of this kind that `year` allows (several for matters)."""
        if self.single:
            return [] if self.missing(ds, year) else [Target(year, self.name)]
        return [Target(year, self.name, slug) for slug in sorted(self.documents(ds, year))
                if not self.missing(ds, year, slug)]

    def inputs(self, ds: Dataset, target: Target) -> list[Path]:
        """The data files a document reads (a superset is fine: it only costs a rebuild)."""
        files = [ds.root / "organisation.yaml", ds.root / "reference.docx",
                 self.spec.outline(ds.root)]
        files.append(self.path(ds, target.year, target.slug))
        if self.single:
            files += _figure_files(ds, target.year, self.years_read(ds))
        document = ds.years[target.year].document(self.name, target.slug) \
            if target.year in ds.years else None
        quoted = self.quoted(ds, document) if document is not None else None
        if quoted is not None and quoted is not document:
            kind = DocumentKind(KINDS[quoted.kind])
            files.append(kind.spec.outline(ds.root))
            files += _figure_files(ds, target.year, kind.years_read(ds))
        return files


def _figure_files(ds: Dataset, year: int, offsets: set[int]) -> list[Path]:
    """The files a document's tables may read figures from: a table reads a block of a year
    from every plan and report of that year (the report's budget column is the plan's budget;
    the plan's "Prognos" and "Bokslut" columns are the reports'), so all of them count."""
    return [kind.path(ds.root, year + offset) for offset in sorted(offsets)
            for kind in KINDS.values() if kind.single]
