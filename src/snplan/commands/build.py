"""`snplan build`: choose the documents, skip every document and format whose inputs are
unchanged since the last build, render the rest on every core, write only what changed, and
record it.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from .. import documents
from ..documents import Target
from ..documents.resolve import document_title
from ..errors import DataError, UsageError
from ..messages import _
from ..output import html, pdf
from ..output.files import OutputPathError, refuse_link, write_all
from ..output.manifest import NAME, Inputs, Manifest, bytes_hash, file_hash
from ..output.package import reference_problem
from ..output.pdf import PDF_FORMATS
from ..problems import Problem, display_path
from ..rules.report import load_clean, require_year
from ..source.load import Dataset, data_files
from . import uptodate
from .rendering import (
    FORMATS,
    LABELS,
    WORKBOOK_KINDS,
    convert_to_pdf,
    formats_for,
    output_path,
    render_many,
    suffix_of,
)
from .uptodate import Request, nothing_changed


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


def _check_request(request: Request) -> None:
    if request.requested not in FORMATS:
        raise UsageError(_("--format must be one of {FORMATS}").format(FORMATS=', '.join(FORMATS)))
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
    _check_request(request)
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


def _doc_id(target: Target) -> str:
    return f"{target.year}/{target.filename}"


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
    _check_request(request)
    progress = progress or Progress()
    settings = request.settings
    out = settings.out
    manifest = Manifest.read(out)
    if nothing_changed(request, manifest):
        return Result(nothing_changed=True)
    fingerprint = uptodate.fingerprint(request)
    inputs = Inputs.scan(request.data, data_files(request.data), settings.templates,
                         request.reference)
    report = load_clean(request.data)
    ds = report.dataset
    targets = select(ds, request, report.todo)
    _check_reference(request.reference)
    result = Result()
    if request.kind is None:
        for kind, year, count in documents.unfinished(ds, report.todo):
            result.skipped.append(_("{label} {year}: {count} value(s) still to be filled in (see "
                                    "snplan validate)").format(
                                      label=documents.KINDS[kind].label, year=year, count=count))
    wants_pdf_formats = request.requested in {*PDF_FORMATS, "all"}
    pdf_missing = pdf.unavailable() if wants_pdf_formats and settings.pdf_by_libreoffice \
        else None
    if pdf_missing is not None:
        if request.requested != "all":
            pdf.require()  # raises PdfUnavailable, saying what to install
        result.skipped.append(f"PDF ({pdf_missing})")
    keys: dict[tuple[Target, str], str] = {}
    jobs: list[tuple[Target, tuple[str, ...]]] = []
    published: dict[Target, tuple[str, ...]] = {}  # the formats each page links
    for target in targets:
        files = documents.inputs_of(ds, target)
        needed = []
        wanted = [f for f in formats_for(target, request.requested)
                  if f not in PDF_FORMATS or pdf_missing is None]
        published[target] = tuple(wanted)
        for fmt in wanted:
            key = inputs.key(_doc_id(target), _keyed_format(fmt, wanted, settings.pdf_engine),
                             files)
            keys[(target, fmt)] = key
            if not request.force and manifest.up_to_date(out, _doc_id(target), fmt, key):
                result.up_to_date.append(output_path(settings, target, suffix_of(fmt)))
            else:
                needed.append(fmt)
        if needed:
            jobs.append((target, tuple(needed)))
    _check_outputs(out, [output_path(settings, target, suffix_of(fmt))
                         for target, formats in jobs for fmt in formats] + [out / INDEX])
    by_office = settings.pdf_by_libreoffice
    pdf_count = sum(1 for _unused, formats in jobs
                    if PDF_FORMATS & set(formats)) if by_office else 0
    progress.start(len(jobs) + pdf_count)
    try:
        rendered = render_many(ds, jobs, settings, progress.step, result.notes, published) \
            if jobs else {}
        outputs: list[tuple[Target | None, str, Path, bytes]] = []
        wants_pdf: list[tuple[Path, bytes]] = []
        pdf_targets: dict[Path, tuple[Target, str]] = {}
        for target, formats in jobs:
            for fmt, data in rendered[target].items():
                path = output_path(settings, target, suffix_of(fmt))
                if fmt in formats:
                    outputs.append((target, fmt, path, data))
                pdf_format = next((f for f in formats if f in PDF_FORMATS), None)
                if fmt == "docx" and pdf_format is not None and by_office:
                    wants_pdf.append((path, data))
                    pdf_targets[path.with_suffix(".pdf")] = (target, pdf_format)
        if wants_pdf:
            archive = request.requested == "pdfa"
            for path, data in convert_to_pdf(wants_pdf, archive, progress.step, result.notes):
                target, pdf_format = pdf_targets[path]
                outputs.append((target, pdf_format, path, data))
    finally:
        progress.finish()
    if request.kind is None and "html" in formats_for(Target(0, "verksamhetsplan"),
                                                      request.requested):
        outputs.append(index_page(ds, targets, request))
    changed = []
    for target, fmt, path, data in outputs:
        digest = bytes_hash(data)
        if not path.is_symlink() and file_hash(path) == digest:
            result.unchanged.append(path)
        else:
            changed.append((path, data))
        if target is not None:
            manifest.remember(_doc_id(target), fmt, keys[(target, fmt)],
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
    return result


INDEX = "index.html"


def index_page(ds: Dataset, targets: list[Target], request: Request
               ) -> tuple[Target | None, str, Path, bytes]:
    """The organisation's web index: every document of the build with a link to each format
    it is published in (`build --all`)."""
    org = ds.organisation
    assert org is not None
    entries = []
    for target in targets:
        kind = documents.KINDS[target.kind]
        document = ds.years[target.year].document(target.kind, target.slug)
        assert document is not None
        title = document_title(ds, kind, document)
        formats = tuple((LABELS[f], f"{target.year}/{target.filename}{suffix_of(f)}")
                        for f in formats_for(target, request.requested))
        entries.append(html.IndexEntry(target.year, title, formats))
    style = html.style_from_reference(request.settings.reference_for(ds.root))
    page = html.index(f"{org.namnd}, {org.kommun}", entries, style=style)
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


__all__ = ["Progress", "Request", "Result", "run", "select"]
