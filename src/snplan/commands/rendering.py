"""Rendering documents for `snplan build`: each target resolved once into its tree, then
written by each writer the request names (Word, Excel, Markdown; PDF afterwards from the Word
files), in memory and on every core. `commands.build` decides what to render and writes the
files; tests call these functions directly.
"""

from __future__ import annotations

import concurrent.futures
import multiprocessing
import os
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from .. import tree
from ..documents import KINDS, Target
from ..documents.resolve import ContextError, resolve
from ..errors import BuildError
from ..output import excel, markdown, pdf, word
from ..output.charts import png
from ..output.files import write_all
from ..output.pdf import PDF_FORMATS, PdfUnavailable
from ..problems import Problem
from ..prose.sandbox import environment
from ..source.load import Dataset

PACKAGE_ROOT = Path(__file__).resolve().parent.parent  # src/snplan
# The templates and the default style reference are package data, so a non-editable install
# builds documents (the repository's top-level `templates` is a link to this directory).
DEFAULT_TEMPLATES = PACKAGE_ROOT / "templates"


@dataclass(frozen=True)
class Settings:
    """Where templates and the style reference come from, and where output goes."""

    out: Path
    templates: Path = DEFAULT_TEMPLATES
    reference: Path | None = None

    def reference_for(self, ds: Dataset) -> Path:
        """The organisation's own style reference when the data holds one, else the default."""
        if self.reference is not None:
            return self.reference
        own = ds.root / "reference.docx"
        if own.is_file():
            return own
        return self.templates / "reference.docx"


FORMATS = ("docx", "xlsx", "pdf", "pdfa", "md", "all")
WORKBOOK_KINDS = frozenset(name for name, kind in KINDS.items() if kind.workbook)

# Called after each step of a build (a document rendered, a PDF converted) with its label.
Step = Callable[[str], None]


def formats_for(target: Target, requested: str) -> list[str]:
    """The output formats a target gets (`all` is Word, Excel and PDF; `pdfa` is PDF that
    is PDF/A as well); workbooks exist for plans and reports only."""
    wanted = ["docx", "xlsx", "pdf"] if requested == "all" else [requested]
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


def write_format(document: tree.Document, fmt: str, ds: Dataset, settings: Settings) -> bytes:
    """One format of a resolved document."""
    if fmt == "docx":
        try:
            return word.write(document, settings.reference_for(ds), png)
        except word.RenderError as exc:
            raise BuildError([Problem(str(settings.reference_for(ds)), None, "",
                                      f"cannot lay out the document: {exc}")]) from None
    if fmt == "xlsx":
        return excel.write(document)
    if fmt == "md":
        try:
            return markdown.write(document, settings.templates)
        except markdown.TemplateProblem as exc:
            raise BuildError([Problem(exc.filename, exc.line, "", str(exc))]) from None
    raise ValueError(f"no writer for {fmt}")


def render_docx(ds: Dataset, target: Target, settings: Settings) -> bytes:
    """The Word document of a target, as reproducible bytes."""
    return write_format(resolve_target(ds, target, settings), "docx", ds, settings)


def render_target(ds: Dataset, target: Target, settings: Settings, formats: list[str]
                  ) -> dict[str, bytes]:
    """The files of one target in the given formats, rendered in memory from one resolved
    document. PDF is made afterwards from the Word file (one LibreOffice for all documents,
    output/pdf.py), so asking for PDF renders the Word file too."""
    wanted = [f for f in formats if f not in PDF_FORMATS]
    if PDF_FORMATS & set(formats) and "docx" not in wanted:
        wanted.insert(0, "docx")
    document = resolve_target(ds, target, settings)
    return {fmt: write_format(document, fmt, ds, settings) for fmt in wanted}


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


def _render_in_worker(job: Job) -> tuple[Job, dict[str, bytes] | None, list[Problem]]:
    ds, settings = _WORKER["ds"], _WORKER["settings"]
    target, formats = job
    try:
        return job, render_target(ds, target, settings, list(formats)), []  # type: ignore[arg-type]
    except BuildError as exc:
        return job, None, exc.problems


def _workers(count: int) -> int:
    if count < 2 or multiprocessing.get_start_method(allow_none=True) not in (None, "fork"):
        return 1
    if "fork" not in multiprocessing.get_all_start_methods():
        return 1
    return max(1, min(os.cpu_count() or 1, 4, count))


def render_many(ds: Dataset, jobs: list[Job], settings: Settings, step: Step | None = None
                ) -> dict[Target, dict[str, bytes]]:
    """Render several documents in memory, on every core; raise BuildError with the problems
    of every document that failed. PDF files are not made here (see `convert_to_pdf`)."""
    results: list[tuple[Job, dict[str, bytes] | None, list[Problem]]] = []
    _WORKER.update(ds=ds, settings=settings)
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
    problems = [p for _, _, found in results for p in found]
    if problems:
        raise BuildError(problems)
    return {job[0]: files or {} for job, files, _ in results}


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
            path = output_path(settings, target, f".{fmt}")
            if fmt in formats:
                files.append((path, data))
            if fmt == "docx" and PDF_FORMATS & set(formats):
                wants_pdf.append((path, data))
    if wants_pdf:
        files.extend(convert_to_pdf(wants_pdf, requested == "pdfa", step))
    return write_all(files, root=settings.out)


__all__ = ["DEFAULT_TEMPLATES", "FORMATS", "BuildError", "PdfUnavailable", "Settings",
           "build_many", "render_docx", "render_many", "render_target", "resolve_target"]
