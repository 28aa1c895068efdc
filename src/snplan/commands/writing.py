"""Writing resolved documents: each document handed to the writers of the formats a build
asks for (Word, Excel, Markdown, the web edition, PDF through Typst; LibreOffice's PDF
afterwards from the Word files), in memory and on every core.

This module knows the resolved document (`tree`) and the writers, never the data or the
model: a build whose documents were resolved by an earlier run (`commands.kept`) writes them
without importing either. What a document is resolved from is the caller's `resolve`.
"""

from __future__ import annotations

import concurrent.futures
import importlib
import multiprocessing
import os
import threading
from collections.abc import Callable, Hashable
from pathlib import Path
from types import ModuleType
from typing import Protocol, TypeVar

from .. import tree
from ..errors import BuildError
from ..messages import _
from ..output import pdf, word
from ..output.charts import png
from ..output.package import ReferenceError, load_reference
from ..output.pdf import PDF_FORMATS
from ..problems import Problem
from .settings import Settings

FORMATS = ("docx", "xlsx", "pdf", "pdfa", "md", "html", "all")
# The formats a document is published in, and the labels its web page links them by.
LABELS = {"docx": "Word", "xlsx": "Excel", "pdf": "PDF", "pdfa": "PDF", "md": "Markdown",
          "html": "Webb"}

# Called after each step of a build (a document rendered, a PDF converted) with its label.
Step = Callable[[str], None]


class Placed(Protocol):
    """What a document's files are named by: its year and file name."""

    @property
    def year(self) -> int: ...

    @property
    def filename(self) -> str: ...


class Item(Placed, Hashable, Protocol):
    """A document a build writes (a target, or a document of a kept plan)."""

    @property
    def label(self) -> str: ...


T = TypeVar("T", bound=Item)


def output_path(settings: Settings, target: Placed, suffix: str = ".docx") -> Path:
    return settings.out / str(target.year) / f"{target.filename}{suffix}"


def suffix_of(fmt: str) -> str:
    """The file name ending of a format: PDF/A is a PDF."""
    return ".pdf" if fmt in PDF_FORMATS else f".{fmt}"


def write_format(document: tree.Document, fmt: str, data: Path, settings: Settings,
                 formats: tuple[str, ...] = (), notes: list[str] | None = None) -> bytes:
    """One format of a resolved document of the data directory `data` (`formats`: every
    format it is built in now, which its web page links; `notes` receives what the user
    should know, such as a font that stood in for another)."""
    reference = settings.reference_for(data)
    if fmt in PDF_FORMATS:
        return _typst_pdf(document, reference, archive=fmt == "pdfa", notes=notes)
    if fmt == "html":
        html = writer("html")
        links = {LABELS[f]: f"{document.name}{suffix_of(f)}" for f in formats
                 if f != "html" and f in LABELS}
        return html.write(document, html.style_from_reference(reference), links=links)
    if fmt == "docx":
        try:
            return word.write(document, reference, png)
        except word.RenderError as exc:
            raise BuildError([Problem(str(reference), None, "",
                                      _("cannot lay out the document: "
                                        "{exc}").format(exc=exc))]) from None
    if fmt == "xlsx":
        return writer("excel").write(document)
    if fmt == "md":
        markdown = writer("markdown")
        try:
            return markdown.write(document, settings.templates)
        except markdown.TemplateProblem as exc:
            raise BuildError([Problem(exc.filename, exc.line, "", str(exc))]) from None
    raise ValueError(_("no writer for {fmt}").format(fmt=fmt))


def writer(name: str) -> ModuleType:
    """A writer's module (`snplan.output.NAME`), imported when a build first asks for it: a
    Word build need not pay for openpyxl (which imports numpy), the Typst compiler, the
    Markdown templates' Jinja or the web edition."""
    return importlib.import_module(f"snplan.output.{name}")


def _typst_pdf(document: tree.Document, reference_path: Path, *, archive: bool,
               notes: list[str] | None) -> bytes:
    """The PDF/UA of a resolved document through Typst, with the reference's page and fonts
    (or their metric twins that snplan ships)."""
    try:
        reference = load_reference(reference_path)
    except ReferenceError as exc:
        raise BuildError([Problem(str(reference_path), None, "", str(exc))]) from None
    typst = writer("typst")
    fonts = typst.Fonts.from_reference(reference)
    if fonts.note and notes is not None:
        notes.append(fonts.note)
    try:
        return typst.write(document, page=typst.PageSetup.from_reference(reference),
                           fonts=fonts, archive=archive)
    except (typst.TypstPdfError, typst.FontFileError) as exc:
        raise BuildError([Problem(f"{document.name}.pdf", None, "", str(exc))]) from None


def write_formats(document: tree.Document, formats: list[str], data: Path, settings: Settings,
                  notes: list[str] | None = None, linked: tuple[str, ...] | None = None
                  ) -> dict[str, bytes]:
    """The files of one resolved document in the given formats. With the LibreOffice
    engine, PDF is made afterwards from the Word file (one LibreOffice for all documents,
    output/pdf.py), so asking for PDF writes the Word file too. `linked`: the formats the
    document is published in by this build, which its web page links (default `formats`; a
    build that writes only the page again still links the others)."""
    wanted = list(formats)
    if settings.pdf_by_libreoffice:
        wanted = [f for f in formats if f not in PDF_FORMATS]
        if PDF_FORMATS & set(formats) and "docx" not in wanted:
            wanted.insert(0, "docx")
    published = tuple(formats) if linked is None else linked
    return {fmt: write_format(document, fmt, data, settings, published, notes)
            for fmt in wanted}


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


# The worker processes of a parallel build inherit these when they are forked.
_WORKER: dict[str, object] = {}

Written = tuple[tuple[T, tuple[str, ...]], dict[str, bytes] | None, tree.Document | None,
                list[Problem], list[str]]


def _write_in_worker(job: tuple[T, tuple[str, ...]]) -> Written[T]:
    resolve: Callable[[T], tree.Document] = _WORKER["resolve"]  # type: ignore[assignment]
    settings: Settings = _WORKER["settings"]  # type: ignore[assignment]
    data: Path = _WORKER["data"]  # type: ignore[assignment]
    linked: dict[T, tuple[str, ...]] = _WORKER["linked"]  # type: ignore[assignment]
    item, formats = job
    notes: list[str] = []
    try:
        document = resolve(item)
        files = write_formats(document, list(formats), data, settings, notes, linked.get(item))
        returned: frozenset[T] = _WORKER["returned"]  # type: ignore[assignment]
        return job, files, document if item in returned else None, [], notes
    except BuildError as exc:
        return job, None, None, exc.problems, notes


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


def write_many(jobs: list[tuple[T, tuple[str, ...]]], resolve: Callable[[T], tree.Document],
               data: Path, settings: Settings, step: Step | None = None,
               notes: list[str] | None = None, linked: dict[T, tuple[str, ...]] | None = None,
               returned: frozenset[T] = frozenset()
               ) -> dict[T, tuple[dict[str, bytes], tree.Document | None]]:
    """Resolve (`resolve`) and write several documents in memory, on every core: per item
    its files, and its resolved document for the items in `returned` (a document comes back
    from a worker process pickled: only the ones the caller keeps). Raises BuildError with
    the problems of every document that failed. LibreOffice's PDF files are not made here
    (see `convert_to_pdf`). `linked`: per item, the formats its web page links (see
    `write_formats`)."""
    results: list[Written[T]] = []
    _WORKER.update(resolve=resolve, settings=settings, data=data, linked=linked or {},
                   returned=returned)
    workers = _workers(len(jobs))
    if workers == 1:
        for job in jobs:
            results.append(_write_in_worker(job))
            if step is not None:
                step(job[0].label)
    else:
        context = multiprocessing.get_context("fork")
        with concurrent.futures.ProcessPoolExecutor(workers, mp_context=context) as pool:
            futures = [pool.submit(_write_in_worker, job) for job in jobs]
            for future in concurrent.futures.as_completed(futures):
                result = future.result()
                results.append(result)
                if step is not None:
                    step(result[0][0].label)
    if notes is not None:
        notes.extend(dict.fromkeys(f"PDF: {n}" if not n.startswith("PDF") else n
                                   for *_unused, said in results for n in said))
    problems = [p for _job, _files, _document, found, _said in results for p in found]
    if problems:
        raise BuildError(problems)
    return {job[0]: (files or {}, document) for job, files, document, _found, _said in results}


__all__ = ["FORMATS", "LABELS", "Step", "convert_to_pdf", "output_path", "suffix_of",
           "write_format", "write_formats", "write_many", "writer"]
