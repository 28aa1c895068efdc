"""`snplan build` as a library function: choose the documents, skip those whose inputs are
unchanged since the last build, render the rest on every core, write them, record them.

The CLI maps the exceptions here to exit codes; tests call `run` directly.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from . import documents
from .build import FORMATS, WORKBOOK_KINDS, Settings, build_many, formats_for
from .documents import Target
from .load import Dataset
from .manifest import Inputs, Manifest, file_hash, target_id
from .problems import Problem
from .validate import UsageError
from .validate import run as validate


class DataProblems(Exception):
    """The data has errors: nothing is built."""

    def __init__(self, problems: list[Problem]) -> None:
        super().__init__(f"{len(problems)} problem(s)")
        self.problems = problems


class MissingData(Exception):
    """The document asked for cannot be built from the data; `missing` says what it lacks."""

    def __init__(self, label: str, missing: list[str]) -> None:
        super().__init__(label)
        self.label = label
        self.missing = missing


@dataclass(frozen=True)
class Request:
    """What to build: every document (`kind` None) or one kind for one year."""

    data: Path
    settings: Settings
    requested: str = "docx"
    kind: str | None = None
    year: int | None = None
    matter: str | None = None
    force: bool = False

    @property
    def selection(self) -> str:
        return "all" if self.kind is None else f"{self.kind}:{self.year}:{self.matter or ''}"


@dataclass
class Result:
    written: list[Path] = field(default_factory=list)
    up_to_date: list[Target] = field(default_factory=list)
    skipped: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    unchanged: bool = False


def reference_path(request: Request) -> Path:
    """The style reference a build uses, known before the data is loaded."""
    if request.settings.reference is not None:
        return request.settings.reference
    own = request.data / "reference.docx"
    return own if own.is_file() else request.settings.templates / "reference.docx"


def select(ds: Dataset, request: Request) -> list[Target]:
    """The documents a request names; raises UsageError or MissingData."""
    if request.requested not in FORMATS:
        raise UsageError(f"--format must be one of {', '.join(FORMATS)}")
    if request.kind is None:
        return documents.all_targets(ds)
    spec = documents.kind_named(request.kind)
    if spec is None:
        names = ", ".join(k.name for k in documents.KINDS.values())
        raise UsageError(f"unknown document kind '{request.kind}' (known: {names})")
    if request.year is None:
        raise UsageError("give the year, e.g. snplan build årsredovisning 2023")
    if request.requested == "xlsx" and spec.name not in WORKBOOK_KINDS:
        raise UsageError(f"{spec.label} has no workbook; --format xlsx goes with "
                         "verksamhetsplan and årsredovisning")
    if request.matter is not None and spec.name != "tjansteskrivelse":
        raise UsageError("--matter goes with tjänsteskrivelse")
    missing = documents.missing_for(ds, spec.name, request.year)
    if missing:
        raise MissingData(f"{spec.label} {request.year}", missing)
    targets = documents.targets_for(ds, spec.name, request.year)
    if request.matter is not None:
        slug = documents.find_matter(ds, request.year, request.matter)
        if slug is None:
            known = ", ".join(sorted(ds.years[request.year].matters))
            raise UsageError(f"no matter '{request.matter}' in {request.year} (known: {known})")
        targets = [t for t in targets if t.slug == slug]
    return targets


def run(request: Request,
        progress: Callable[[int, int, Target, Path | None], None] | None = None) -> Result:
    """Build what the request names; see the module docstring."""
    settings = request.settings
    out = settings.out
    manifest = Manifest.read(out)
    inputs = Inputs.scan(request.data, settings.templates, reference_path(request),
                         request.requested)
    fingerprint = inputs.fingerprint(request.selection)
    if (not request.force and manifest.fingerprint == fingerprint and manifest.targets
            and manifest.outputs_intact(out)):
        return Result(unchanged=True, up_to_date=[])
    report = validate(request.data)
    if report.errors:
        raise DataProblems(report.errors)
    ds = report.dataset
    targets = select(ds, request)
    result = Result()
    todo = []
    for target in targets:
        record = manifest.targets.get(target_id(target), {})
        if (not request.force and record.get("key") == inputs.key(target)
                and manifest.outputs_intact(out, [target_id(target)])):
            result.up_to_date.append(target)
        else:
            todo.append(target)
    if todo:
        result.written = build_many(ds, todo, settings, progress, request.requested,
                                    result.skipped, result.notes)
    for target in todo:
        stem = target.filename
        files = {str(p.relative_to(out)): file_hash(p) for p in result.written
                 if p.parent.name == str(target.year) and p.stem == stem}
        manifest.targets[target_id(target)] = {
            "key": inputs.key(target), "files": files,
            "formats": formats_for(target, request.requested)}
    manifest.fingerprint = "" if result.skipped else fingerprint
    manifest.write()
    return result
