"""Rendering documents for `snplan build`: each target resolved once into its tree, then
written by each writer the request names (Word, Excel, Markdown; PDF afterwards from the Word
files), in memory and on every core. `commands.build` decides what to render and writes the
files; tests call these functions directly.
"""

from __future__ import annotations

import concurrent.futures
import importlib
import multiprocessing
import os
import threading
from collections.abc import Callable
from pathlib import Path
from types import ModuleType

from .. import tree
from ..documents import KINDS, Target
from ..documents.resolve import ContextError, resolve
from ..errors import BuildError
from ..messages import _
from ..output import markdown, pdf, word
from ..output.charts import png
from ..output.files import write_all
from ..output.package import ReferenceError, load_reference
from ..output.pdf import PDF_FORMATS, PdfUnavailable
from ..problems import Problem
from ..prose.sandbox import environment
from ..source.load import Dataset
from .settings import DEFAULT_TEMPLATES, Settings

FORMATS = ("docx", "xlsx", "pdf", "pdfa", "md", "html", "all")
# The formats a document is published in, and the labels its web page links them by.
LABELS = {"docx": "Word", "xlsx": "Excel", "pdf": "PDF", "pdfa": "PDF", "md": "Markdown",
          "html": "Webb"}


class _WorkbookKinds:
    """The kinds that get a workbook, read live from the registry (a period kind an
    organisation defines joins it when its data is loaded)."""

    def __contains__(self, name: object) -> bool:
        return isinstance(name, str) and name in KINDS and KINDS[name].workbook


WORKBOOK_KINDS = _WorkbookKinds()

# Called after each step of a build (a document rendered, a PDF converted) with its label.
Step = Callable[[str], None]


def formats_for(target: Target, requested: str) -> list[str]:
    """The output formats a target gets (`all` is Word, Excel, PDF and the web page; `pdfa` is
    PDF that is PDF/A as well); workbooks exist for plans and reports only."""
    wanted = ["docx", "xlsx", "pdf", "html"] if requested == "all" else [requested]
    return [f for f in wanted if f != "xlsx" or target.kind in WORKBOOK_KINDS]


def resolve_target(ds: Dataset, target: Target, settings: Settings) -> tree.Document:
    """The resolved document of a target; BuildError names every failing expression."""
    assert ds.organisation is not None
    env = environment(settings.templates, ds.organisation.belopp_enhet,
                      ds.organisation.amount_decimals())
    try:
        return resolve(ds, target, env)
    except ContextError as exc:
        raise BuildError(exc.problems) from None


def write_format(document: tree.Document, fmt: str, ds: Dataset, settings: Settings,
                 formats: tuple[str, ...] = (), notes: list[str] | None = None) -> bytes:
    """One format of a resolved document (`formats`: every format it is built in now, which
    its web page links; `notes` receives what the user should know, such as a font that
    stood in for another)."""
    if fmt in PDF_FORMATS:
        return _typst_pdf(document, ds, settings, archive=fmt == "pdfa", notes=notes)
    if fmt == "html":
        html = _writer("html")
        reference = settings.reference_for(ds.root)
        links = {LABELS[f]: f"{document.name}{suffix_of(f)}" for f in formats
                 if f != "html" and f in LABELS}
        return html.write(document, html.style_from_reference(reference), links=links)
    if fmt == "docx":
        try:
            return word.write(document, settings.reference_for(ds.root), png)
        except word.RenderError as exc:
            raise BuildError([Problem(str(settings.reference_for(ds.root)), None, "",
                                      _("cannot lay out the document: "
                                        "{exc}").format(exc=exc))]) from None
    if fmt == "xlsx":
        return _writer("excel").write(document)
    if fmt == "md":
        try:
            return markdown.write(document, settings.templates)
        except markdown.TemplateProblem as exc:
            raise BuildError([Problem(exc.filename, exc.line, "", str(exc))]) from None
    raise ValueError(_("no writer for {fmt}").format(fmt=fmt))


def _writer(name: str) -> ModuleType:
    """A writer's module, imported when a build first asks for its format: a Word build
    need not pay for openpyxl (which imports numpy) or the Typst compiler."""
    return importlib.import_module(f"snplan.output.{name}")


def _typst_pdf(document: tree.Document, ds: Dataset, settings: Settings, *, archive: bool,
               notes: list[str] | None) -> bytes:
    """The PDF/UA of a resolved document through Typst, with the reference's page and fonts
    (or their metric twins that snplan ships)."""
    reference_path = settings.reference_for(ds.root)
    try:
        reference = load_reference(reference_path)
    except ReferenceError as exc:
        raise BuildError([Problem(str(reference_path), None, "", str(exc))]) from None
    typst = _writer("typst")
    fonts = typst.Fonts.from_reference(reference)
    if fonts.note and notes is not None:
        notes.append(fonts.note)
    try:
        return typst.write(document, page=typst.PageSetup.from_reference(reference),
                           fonts=fonts, archive=archive)
    except (typst.TypstPdfError, typst.FontFileError) as exc:
        raise BuildError([Problem(f"{document.name}.pdf", None, "", str(exc))]) from None


def render_docx(ds: Dataset, target: Target, settings: Settings) -> bytes:
    """The Word document of a target, as reproducible bytes."""
    return write_format(resolve_target(ds, target, settings), "docx", ds, settings)


def render_target(ds: Dataset, target: Target, settings: Settings, formats: list[str],
                  notes: list[str] | None = None, linked: tuple[str, ...] | None = None
                  ) -> dict[str, bytes]:
    """The files of one target in the given formats, rendered in memory from one resolved
    document. With the LibreOffice engine, PDF is made afterwards from the Word file (one
    LibreOffice for all documents, output/pdf.py), so asking for PDF renders the Word file
    too. `linked`: the formats the document is published in by this build, which its web page
    links (default `formats`; a build that renders only the page again still links the
    others)."""
    wanted = list(formats)
    if settings.pdf_by_libreoffice:
        wanted = [f for f in formats if f not in PDF_FORMATS]
        if PDF_FORMATS & set(formats) and "docx" not in wanted:
            wanted.insert(0, "docx")
    document = resolve_target(ds, target, settings)
    published = tuple(formats) if linked is None else linked
    return {fmt: write_format(document, fmt, ds, settings, published, notes)
            for fmt in wanted}


def output_path(settings: Settings, target: Target, suffix: str = ".docx") -> Path:
    return settings.out / str(target.year) / f"{target.filename}{suffix}"


def suffix_of(fmt: str) -> str:
    """The file name ending of a format: PDF/A is a PDF."""
    return ".pdf" if fmt in PDF_FORMATS else f".{fmt}"


def convert_to_pdf(documents: list[tuple[Path, bytes]], archive: bool = False,
                   step: Step | None = None, notes: list[str] | None = None
                   ) -> list[tuple[Path, bytes]]:
    """The PDFs of Word documents (output/pdf.py does the work: tagged PDF/UA, PDF/A-2b as
    well with `archive`); `notes` receives what the user should know, such as a font that
    stood in for one that is not installed."""
    converted = pdf.convert(documents, archive=archive, step=step)
    if notes is not None:
        notes.extend(f"PDF: {note}" for note in converted.notes)
    return converted.files


Job = tuple[Target, tuple[str, ...]]
# The worker processes of a parallel build inherit these when they are forked.
_WORKER: dict[str, object] = {}


Rendered = tuple[Job, dict[str, bytes] | None, list[Problem], list[str]]


def _render_in_worker(job: Job) -> Rendered:
    ds, settings, linked = _WORKER["ds"], _WORKER["settings"], _WORKER["linked"]
    target, formats = job
    notes: list[str] = []
    try:
        files = render_target(ds, target, settings, list(formats), notes,  # type: ignore[arg-type]
                              linked.get(target))  # type: ignore[attr-defined]
        return job, files, [], notes
    except BuildError as exc:
        return job, None, exc.problems, notes


def _threads() -> int:
    """The threads of this process, native ones included: the Typst compiler keeps a pool of
    its own once it has compiled here (a child forked after that waits for its pool for
    ever), and Python's `threading` does not see those."""
    try:
        return len(os.listdir("/proc/self/task"))
    except OSError:
        return threading.active_count()


def _workers(count: int) -> int:
    """How many processes render: one per core (at most four) where forking is safe. A
    process with other threads alive (`snplan serve`'s server, a test's, the pool of a Typst
    compiler that already ran here) renders alone: a child forked while another thread holds
    a lock it then needs, or whose pool it then needs, waits for ever."""
    if count < 2 or multiprocessing.get_start_method(allow_none=True) not in (None, "fork"):
        return 1
    if _threads() > 1:
        return 1
    if "fork" not in multiprocessing.get_all_start_methods():
        return 1
    return max(1, min(os.cpu_count() or 1, 4, count))


def render_many(ds: Dataset, jobs: list[Job], settings: Settings, step: Step | None = None,
                notes: list[str] | None = None,
                linked: dict[Target, tuple[str, ...]] | None = None
                ) -> dict[Target, dict[str, bytes]]:
    """Render several documents in memory, on every core; raise BuildError with the problems
    of every document that failed. LibreOffice's PDF files are not made here (see
    `convert_to_pdf`). `linked`: per target, the formats its web page links (see
    `render_target`)."""
    results: list[Rendered] = []
    _WORKER.update(ds=ds, settings=settings, linked=linked or {})
    workers = _workers(len(jobs))
    if workers == 1:
        for job in jobs:
            results.append(_render_in_worker(job))
            if step is not None:
                step(job[0].label)
    else:
        context = multiprocessing.get_context("fork")
        with concurrent.futures.ProcessPoolExecutor(workers, mp_context=context) as pool:
            futures = [pool.submit(_render_in_worker, job) for job in jobs]
            for future in concurrent.futures.as_completed(futures):
                result = future.result()
                results.append(result)
                if step is not None:
                    step(result[0][0].label)
    if notes is not None:
        notes.extend(dict.fromkeys(f"PDF: {n}" if not n.startswith("PDF") else n
                                   for _unused, _unused, _unused, said in results for n in said))
    problems = [p for _unused, _unused, found, _unused in results for p in found]
    if problems:
        raise BuildError(problems)
    return {job[0]: files or {} for job, files, _unused, _unused in results}


def build_many(ds: Dataset, targets: list[Target], settings: Settings,
               requested: str = "docx", step: Step | None = None) -> list[Path]:
    """Build several documents and write them all or nothing (no manifest, no skipping: the
    library call behind tests and `commands.build`)."""
    jobs = [(t, tuple(formats_for(t, requested))) for t in targets]
    rendered = render_many(ds, jobs, settings, step)
    files: list[tuple[Path, bytes]] = []
    wants_pdf: list[tuple[Path, bytes]] = []
    for target, formats in jobs:
        for fmt, data in rendered[target].items():
            path = output_path(settings, target, suffix_of(fmt))
            if fmt in formats:
                files.append((path, data))
            if fmt == "docx" and PDF_FORMATS & set(formats) and settings.pdf_by_libreoffice:
                wants_pdf.append((path, data))
    if wants_pdf:
        files.extend(convert_to_pdf(wants_pdf, requested == "pdfa", step))
    return write_all(files, root=settings.out)


__all__ = ["DEFAULT_TEMPLATES", "FORMATS", "BuildError", "PdfUnavailable", "Settings",
           "build_many", "render_docx", "render_many", "render_target", "resolve_target"]
