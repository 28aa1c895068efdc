"""Building documents: context → template → Markdown → Word, written atomically.

The CLI calls these functions; tests call them directly.
"""

from __future__ import annotations

import concurrent.futures
import multiprocessing
import os
import re
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from jinja2 import TemplateError, UndefinedError
from jinja2.sandbox import SandboxedEnvironment, SecurityError

from ..documents import KINDS, Target
from ..documents.context import Built, ContextError, build_context
from ..errors import BuildError
from ..problems import Problem
from ..prose.sandbox import environment
from ..source.load import Dataset
from . import pdf
from .docx import DocxRenderer, RenderError
from .files import write_all
from .meta import DocumentMeta
from .pdf import PDF_FORMATS, PdfUnavailable

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


TEMPLATE = "dokument.md.j2"


def _environment(ds: Dataset, settings: Settings) -> SandboxedEnvironment:
    """The template environment, with the organisation's unit and decimals in its filters."""
    assert ds.organisation is not None
    return environment(settings.templates, ds.organisation.belopp_enhet,
                       ds.organisation.amount_decimals())


def context_for(ds: Dataset, target: Target, settings: Settings) -> Built:
    return build_context(ds, target, _environment(ds, settings))


def render_markdown(ds: Dataset, target: Target, settings: Settings) -> tuple[str, Built]:
    """The document as Markdown text (what the Word file says), and its context."""
    assert ds.organisation is not None
    try:
        built = context_for(ds, target, settings)
    except ContextError as exc:
        raise BuildError(exc.problems) from None
    env = _environment(ds, settings)
    template_path = settings.templates / TEMPLATE
    try:
        template = env.get_template(TEMPLATE)
        text = template.render(built.context)
    except (UndefinedError, SecurityError) as exc:
        filename, line = _template_line(exc)
        raise BuildError([Problem(filename or str(template_path), line, "",
                                  f"template error: {exc}")]) from None
    except TemplateError as exc:
        line = getattr(exc, "lineno", None)
        raise BuildError([Problem(str(template_path), line, "",
                                  f"template error: {exc}")]) from None
    return text, built


def _template_line(exc: Exception) -> tuple[str | None, int | None]:
    """The template file and line a template error arose in (the innermost one)."""
    tb = exc.__traceback__
    where: tuple[str | None, int | None] = (None, None)
    while tb is not None:
        if tb.tb_frame.f_code.co_filename.endswith(".j2"):
            where = (tb.tb_frame.f_code.co_filename, tb.tb_lineno)
        tb = tb.tb_next
    return where


def render_docx(ds: Dataset, target: Target, settings: Settings) -> bytes:
    """The Word document of a target, as reproducible bytes."""
    assert ds.organisation is not None
    text, built = render_markdown(ds, target, settings)
    meta = DocumentMeta(
        title=built.title,
        subject=built.subject,
        author=f"{ds.organisation.namnd}, {ds.organisation.kommun}",
        organisation=ds.organisation.kommun,
        administration=ds.organisation.forvaltning,
        kind_label=built.kind_label,
        timestamp=built.timestamp,
    )
    renderer = DocxRenderer(settings.reference_for(ds), images=charts_for(ds, target))
    try:
        return renderer.render(text, meta)
    except RenderError as exc:
        raise BuildError([Problem(str(settings.templates / TEMPLATE), None,
                                  "", f"cannot lay out the document: {exc}")]) from None


def charts_for(ds: Dataset, target: Target) -> dict[str, bytes]:
    """The pictures a document shows: one chart per group of monthly measures, for every
    monthly-measures block of its outline that asks for charts."""
    document = ds.years[target.year].document(target.kind, target.slug)
    if document is None:
        return {}
    charts: dict[str, bytes] = {}
    for node in ds.disposition(target.kind).blocks():
        if node.typ != "manadsmatt" or document.block(node.block or "") is None:
            continue
        if node.manadsmatt is not None and not node.manadsmatt.diagram:
            continue
        from ..blocks.monthly import monthly_view
        from .charts import cached_group_chart

        span = node.manadsmatt.ar if node.manadsmatt else 3
        for group in monthly_view(ds, target.kind, node.block or "", target.year, span):
            chart = cached_group_chart(group)
            charts[chart.name] = chart.png
    return charts


FORMATS = ("docx", "xlsx", "pdf", "pdfa", "md", "all")
WORKBOOK_KINDS = frozenset(name for name, kind in KINDS.items() if kind.workbook)
_DIRECTIVE_LINE = re.compile(r"^<!--.*-->\s*$", re.MULTILINE)
_PICTURE = re.compile(r"!\[([^\]]*)\]\(chart:[^)]*\)")

# Called after each step of a build (a document rendered, a PDF converted) with its label.
Step = Callable[[str], None]


def formats_for(target: Target, requested: str) -> list[str]:
    """The output formats a target gets (`all` is Word, Excel and PDF; `pdfa` is PDF that
    is PDF/A as well); workbooks exist for plans and reports only."""
    wanted = ["docx", "xlsx", "pdf"] if requested == "all" else [requested]
    return [f for f in wanted if f != "xlsx" or target.kind in WORKBOOK_KINDS]


def render_xlsx(ds: Dataset, target: Target) -> bytes:
    from .workbooks import workbook

    return workbook(ds, target)


def render_md(ds: Dataset, target: Target, settings: Settings) -> bytes:
    """The document as Markdown: what the Word file says, with its tables, for reviewing how a
    document's wording and figures change in a pull request."""
    text, _ = render_markdown(ds, target, settings)
    text = _DIRECTIVE_LINE.sub("", text)
    text = _PICTURE.sub(lambda m: f"*Diagram: {m.group(1)}*", text)
    text = re.sub(r"\n{3,}", "\n\n", text).strip() + "\n"
    return text.encode("utf-8")


def render_target(ds: Dataset, target: Target, settings: Settings, formats: list[str]
                  ) -> dict[str, bytes]:
    """The files of one target in the given formats, rendered in memory. PDF is made
    afterwards from the Word file (one LibreOffice for all documents, output/pdf.py), so
    asking for PDF renders the Word file too."""
    files: dict[str, bytes] = {}
    wanted = [f for f in formats if f not in PDF_FORMATS]
    if PDF_FORMATS & set(formats) and "docx" not in wanted:
        wanted.insert(0, "docx")
    for fmt in wanted:
        if fmt == "docx":
            files[fmt] = render_docx(ds, target, settings)
        elif fmt == "xlsx":
            files[fmt] = render_xlsx(ds, target)
        elif fmt == "md":
            files[fmt] = render_md(ds, target, settings)
    return files


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


__all__ = ["BuildError", "PdfUnavailable", "Settings", "build_many", "render_markdown"]
