"""The half of `snplan build` that reads the data: which documents a request names, what it
must skip and why (its plan, `commands.kept.Plan`), and how one of them is resolved. Imported
only when no earlier run kept the plan or a document for unchanged data.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from .. import documents, tree
from ..documents import Target
from ..documents.resolve import document_title
from ..errors import DataError, UsageError
from ..messages import _
from ..problems import Problem
from ..rules.report import load_clean, require_year
from ..source.load import Dataset, data_files
from .kept import Plan, Planned
from .rendering import WORKBOOK_KINDS, formats_for, resolve_target
from .settings import Settings
from .uptodate import Request


def check_request(request: Request) -> None:
    """The kind, year and matter of a request, against the registry of kinds."""
    if request.kind is None:
        return
    spec = documents.kind_named(request.kind)
    if spec is None:
        names = ", ".join(documents.describe_kind(k) for k in documents.KINDS.values())
        raise UsageError(_("unknown document kind '{kind}' (known: {names})").format(
                             kind=request.kind, names=names))
    if request.year is None:
        raise UsageError(_("give the year, e.g. snplan build årsredovisning 2023"))
    if request.requested == "xlsx" and spec.name not in WORKBOOK_KINDS:
        with_workbooks = " and ".join(k.name for k in documents.KINDS.values() if k.workbook)
        raise UsageError(_("{label} has no workbook; --format xlsx goes with {with_workbooks}")
            .format(
                             label=spec.label, with_workbooks=with_workbooks))
    if request.matter is not None and spec.single:
        raise UsageError(_("--matter goes with a kind of which a year holds several documents; "
                           "{label} is one per year").format(label=spec.label))


def select(ds: Dataset, request: Request, pending: list[Problem]) -> list[Target]:
    """The documents a request names; raises UsageError or DataError (saying exactly what a
    document lacks, or which values are still to be filled in)."""
    check_request(request)
    if request.kind is None:
        waiting = {(kind, year) for kind, year, _unused in documents.unfinished(ds, pending)}
        return [t for t in documents.all_targets(ds) if (t.kind, t.year) not in waiting]
    spec = documents.kind_named(request.kind)
    assert spec is not None and request.year is not None
    require_year(ds, request.year)
    unfinished = documents.pending_for(ds, spec.name, request.year, pending)
    if unfinished:
        raise DataError(_("cannot build {label} {year}: {unfinished} value(s) are still to be "
                          "filled in").format(
                            label=spec.label, year=request.year, unfinished=len(unfinished)),
                        problems=unfinished)
    missing = documents.missing_for(ds, spec.name, request.year)
    if missing:
        raise DataError(_("cannot build {label} {year}; missing:\n  ").format(
                            label=spec.label, year=request.year)
                        + "\n  ".join(missing))
    targets = documents.targets_for(ds, spec.name, request.year)
    if request.matter is not None:
        slug = documents.find_matter(ds, request.year, request.matter, spec.name)
        if slug is None:
            known = ", ".join(sorted(spec.documents(ds, request.year)))
            raise UsageError(_("no matter '{matter}' in {year} (known: {known})").format(
                                 matter=request.matter, year=request.year, known=known))
        targets = [t for t in targets if t.slug == slug]
    return targets


@dataclass
class Loaded:
    """The data of a build, once it had to be loaded: the dataset and the plan made from it."""

    dataset: Dataset
    plan: Plan

    def resolver(self, settings: Settings) -> Callable[[Planned], tree.Document]:
        """How a document of the plan is resolved from the data."""

        def resolve(planned: Planned) -> tree.Document:
            target = Target(planned.year, planned.kind, planned.slug)
            return resolve_target(self.dataset, target, settings)

        return resolve


def load(request: Request) -> Loaded:
    """Load and check the data (DataError when it has errors) and plan the request."""
    report = load_clean(request.data)
    ds = report.dataset
    targets = select(ds, request, report.todo)
    skipped = []
    if request.kind is None:
        for kind, year, count in documents.unfinished(ds, report.todo):
            skipped.append(_("{label} {year}: {count} value(s) still to be filled in (see "
                             "snplan validate)").format(
                               label=documents.KINDS[kind].label, year=year, count=count))
    planned = tuple(_planned(ds, target, request.requested) for target in targets)
    org = ds.organisation
    assert org is not None
    plan = Plan(planned, tuple(skipped), tuple(data_files(request.data)),
                f"{org.namnd}, {org.kommun}")
    return Loaded(ds, plan)


def _planned(ds: Dataset, target: Target, requested: str) -> Planned:
    kind = documents.KINDS[target.kind]
    document = ds.years[target.year].document(target.kind, target.slug)
    assert document is not None
    files: tuple[Path, ...] = tuple(documents.inputs_of(ds, target))
    return Planned(target.year, target.kind, target.slug, target.filename, target.label,
                   document_title(ds, kind, document), tuple(formats_for(target, requested)),
                   files)


__all__ = ["Loaded", "check_request", "load", "select"]
