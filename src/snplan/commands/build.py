"""`snplan build`: choose the documents, skip every document and format whose inputs are
unchanged since the last build, render the rest on every core, write only what changed, and
record it.

A build of data unchanged since an earlier build starts from what that build kept
(`commands.kept`: the plan of the request and the resolved documents) and never loads the
data: the model, pydantic and the prose are imported only when something must be read
(`commands.planning`, imported at that point and nowhere else).
"""

from __future__ import annotations

import importlib
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from types import ModuleType
from typing import TYPE_CHECKING

from .. import tree
from ..errors import DataError, UsageError
from ..messages import _
from ..output import pdf
from ..output.files import OutputPathError, refuse_link, write_all
from ..output.manifest import NAME, Inputs, Manifest, bytes_hash, file_hash
from ..output.package import reference_problem
from ..output.pdf import PDF_FORMATS
from ..problems import display_path
from . import kept, uptodate
from .kept import Plan, Planned
from .uptodate import Request
from .writing import (
    FORMATS,
    LABELS,
    convert_to_pdf,
    output_path,
    suffix_of,
    write_many,
    writer,
)

if TYPE_CHECKING:
    from .planning import Loaded


class Progress:
    """What a build reports as it goes: `start` with the number of steps, `step` after each
    (a document rendered, a PDF converted). The command line shows it; tests ignore it."""

    def start(self, total: int) -> None:
        """The build has `total` steps."""

    def step(self, label: str) -> None:
        """One step is done."""

    def finish(self) -> None:
        """The build is over (successfully or not)."""


@dataclass
class Result:
    written: list[Path] = field(default_factory=list)
    unchanged: list[Path] = field(default_factory=list)  # rendered again, same bytes: kept
    up_to_date: list[Path] = field(default_factory=list)  # inputs unchanged: not rendered
    skipped: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)  # e.g. a font that stood in for another
    nothing_changed: bool = False


def _check_reference(path: Path) -> None:
    """A style reference that is not a Word file (or is a zip bomb) ends the build with one
    sentence naming it, before any document is rendered."""
    problem = reference_problem(path)
    if problem is not None:
        raise DataError(_("{path}: {problem}; nothing was built").format(
                            path=display_path(path), problem=problem))


def _planning() -> ModuleType:
    """The half of a build that reads the data (pydantic, the model, the prose), imported
    when a build must read it: a build of unchanged data never does."""
    return importlib.import_module("snplan.commands.planning")


def _keyed_format(fmt: str, formats: list[str], pdf_engine: str = "typst") -> str:
    """The format as its key records it: a web page links the other formats of its build, so
    a page built alone (`--format html`, `snplan serve`) is not up to date for `--all`,
    whose page links Word and PDF; a PDF names the engine that made it (a PDF made by Typst
    is not up to date for `--pdf-engine libreoffice`, nor the other way round)."""
    if fmt in PDF_FORMATS:
        return f"{fmt}:{pdf_engine}"
    if fmt != "html":
        return fmt
    return "html:" + ",".join(f for f in formats if f != "html")


def run(request: Request, progress: Progress | None = None) -> Result:
    """Build what the request names; see the module docstring."""
    if request.requested not in FORMATS:
        raise UsageError(_("--format must be one of {FORMATS}").format(FORMATS=', '.join(FORMATS)))
    progress = progress or Progress()
    settings = request.settings
    out = settings.out
    manifest = Manifest.read(out)
    found = uptodate.contents(request)  # the data and templates, read once for both keys
    fingerprint = uptodate.fingerprint(request, found)
    if uptodate.unchanged_since(request, manifest, fingerprint):
        return Result(nothing_changed=True)
    state = kept.state(request, found)
    plan = kept.plan(state, request)
    loaded = None
    if plan is None:
        loaded = _planning().load(request)
        plan = loaded.plan
        kept.keep_plan(state, request, plan)
    _check_reference(request.reference)
    inputs = Inputs.scan(request.data, list(plan.data_files), settings.templates,
                         request.reference)
    result = Result(skipped=list(plan.skipped))
    wants_pdf_formats = request.requested in {*PDF_FORMATS, "all"}
    pdf_missing = pdf.unavailable() if wants_pdf_formats and settings.pdf_by_libreoffice \
        else None
    if pdf_missing is not None:
        if request.requested != "all":
            pdf.require()  # raises PdfUnavailable, saying what to install
        result.skipped.append(f"PDF ({pdf_missing})")
    keys: dict[tuple[Planned, str], str] = {}
    jobs: list[tuple[Planned, tuple[str, ...]]] = []
    published: dict[Planned, tuple[str, ...]] = {}  # the formats each page links
    for planned in plan.documents:
        needed = []
        wanted = [f for f in planned.formats if f not in PDF_FORMATS or pdf_missing is None]
        published[planned] = tuple(wanted)
        for fmt in wanted:
            key = inputs.key(planned.doc_id,
                             _keyed_format(fmt, wanted, settings.pdf_engine), planned.files)
            keys[(planned, fmt)] = key
            if not request.force and manifest.up_to_date(out, planned.doc_id, fmt, key):
                result.up_to_date.append(output_path(settings, planned, suffix_of(fmt)))
            else:
                needed.append(fmt)
        if needed:
            jobs.append((planned, tuple(needed)))
    _check_outputs(out, [output_path(settings, planned, suffix_of(fmt))
                         for planned, formats in jobs for fmt in formats] + [out / INDEX])
    resolved = {planned: kept.document(state, planned) for planned, _formats in jobs}
    resolve = _resolver(resolved, request, loaded)
    by_office = settings.pdf_by_libreoffice
    pdf_count = sum(1 for _unused, formats in jobs
                    if PDF_FORMATS & set(formats)) if by_office else 0
    progress.start(len(jobs) + pdf_count)
    try:
        to_keep = frozenset(planned for planned, document in resolved.items()
                            if document is None) if state is not None else frozenset()
        written = write_many(jobs, resolve, request.data, settings, progress.step,
                             result.notes, published, to_keep) if jobs else {}
        for planned, (_files, document) in written.items():
            if planned in to_keep and document is not None:
                kept.keep_document(state, planned, document)
        outputs: list[tuple[Planned | None, str, Path, bytes]] = []
        wants_pdf: list[tuple[Path, bytes]] = []
        pdf_targets: dict[Path, tuple[Planned, str]] = {}
        for planned, formats in jobs:
            for fmt, data in written[planned][0].items():
                path = output_path(settings, planned, suffix_of(fmt))
                if fmt in formats:
                    outputs.append((planned, fmt, path, data))
                pdf_format = next((f for f in formats if f in PDF_FORMATS), None)
                if fmt == "docx" and pdf_format is not None and by_office:
                    wants_pdf.append((path, data))
                    pdf_targets[path.with_suffix(".pdf")] = (planned, pdf_format)
        if wants_pdf:
            archive = request.requested == "pdfa"
            for path, data in convert_to_pdf(wants_pdf, archive, progress.step, result.notes):
                planned, pdf_format = pdf_targets[path]
                outputs.append((planned, pdf_format, path, data))
    finally:
        progress.finish()
    if request.kind is None and request.requested in {"html", "all"}:
        outputs.append(index_page(plan, request))
    _write_and_record(outputs, keys, manifest, request, fingerprint, result)
    return result


def _resolver(resolved: dict[Planned, tree.Document | None], request: Request,
              loaded: Loaded | None) -> Callable[[Planned], tree.Document]:
    """How the build gets each document's resolved tree: the one kept, else resolved from
    the data, which is loaded here if the plan came from what was kept."""
    if any(document is None for document in resolved.values()) and loaded is None:
        loaded = _planning().load(request)
    from_data = loaded.resolver(request.settings) if loaded is not None else None

    def resolve(planned: Planned) -> tree.Document:
        document = resolved.get(planned)
        if document is not None:
            return document
        assert from_data is not None  # loaded above for every document not kept
        return from_data(planned)

    return resolve


def _write_and_record(outputs: list[tuple[Planned | None, str, Path, bytes]],
                      keys: dict[tuple[Planned, str], str], manifest: Manifest,
                      request: Request, fingerprint: str | None, result: Result) -> None:
    """Write the files whose bytes changed (all or nothing) and record every file in the
    manifest, with the request's fingerprint when nothing was skipped."""
    out = request.settings.out
    changed = []
    for planned, fmt, path, data in outputs:
        digest = bytes_hash(data)
        if not path.is_symlink() and file_hash(path) == digest:
            result.unchanged.append(path)
        else:
            changed.append((path, data))
        if planned is not None:
            manifest.remember(planned.doc_id, fmt, keys[(planned, fmt)],
                              str(path.relative_to(out)), digest)
    if changed:
        # another request's "nothing changed" spoke of the files as they were: a file this
        # build rewrites (another PDF engine's, a page with other links) makes it stale
        manifest.fingerprints.clear()
    if not result.skipped and fingerprint is not None:
        manifest.fingerprints[request.fingerprint_key] = fingerprint
    else:
        manifest.fingerprints.pop(request.fingerprint_key, None)
    try:
        result.written = write_all(changed, root=out)
    except OutputPathError as exc:
        raise DataError(_("{exc}; nothing was written").format(exc=exc)) from None
    except OSError as exc:
        raise DataError(_("cannot write to {out}: {exc}; nothing was written").format(
                            out=exc.filename or out, exc=exc.strerror or exc)) from None
    try:
        manifest.write()
    except (OSError, OutputPathError) as exc:
        reason = exc.strerror if isinstance(exc, OSError) and exc.strerror else exc
        raise DataError(_("wrote the documents, but cannot record the build in {path}: {reason}")
            .format(
                            path=manifest.path, reason=reason)) from None


INDEX = "index.html"


def index_page(plan: Plan, request: Request) -> tuple[Planned | None, str, Path, bytes]:
    """The organisation's web index: every document of the build with a link to each format
    it is published in (`build --all`)."""
    html = writer("html")
    entries = []
    for planned in plan.documents:
        formats = tuple((LABELS[f], f"{planned.year}/{planned.filename}{suffix_of(f)}")
                        for f in planned.formats)
        entries.append(html.IndexEntry(planned.year, planned.title, formats))
    style = html.style_from_reference(request.reference)
    page = html.index(plan.organisation, entries, style=style)
    return None, "html", request.settings.out / INDEX, page


def _check_outputs(out: Path, paths: list[Path]) -> None:
    """Every file a build will write lies in the output directory with no symbolic link on
    the way (a year directory that is a link into data/ would have the build write there),
    and the manifest's name is not taken by a directory: refused before anything is
    rendered."""
    try:
        for path in paths:
            refuse_link(path, out)
    except OutputPathError as exc:
        raise DataError(_("{exc}; nothing was written").format(exc=exc)) from None
    record = out / NAME
    if record.is_dir() and not record.is_symlink():
        raise DataError(_("{record} is a directory; snplan records its builds in a file of that "
                          "name: remove it; nothing was written").format(record=record))


__all__ = ["Progress", "Request", "Result", "run"]
