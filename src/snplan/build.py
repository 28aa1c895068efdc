"""Building documents: context → template → Markdown → Word, written atomically.

The CLI calls these functions; tests call them directly.
"""

from __future__ import annotations

import concurrent.futures
import io
import multiprocessing
import os
import re
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from jinja2 import TemplateError, UndefinedError
from jinja2.sandbox import SecurityError

from .contexts import common, matter, plan, report
from .contexts.common import Built, ContextError
from .documents import KINDS, Target
from .load import Dataset
from .problems import Problem
from .render import pdf
from .render.docx import DocxRenderer, RenderError
from .render.meta import DocumentMeta
from .render.output import reproducible_zip, write_all
from .render.pdf import PDF_FORMATS, PdfUnavailable
from .templating import environment

PACKAGE_ROOT = Path(__file__).resolve().parent
DEFAULT_TEMPLATES = PACKAGE_ROOT.parent.parent / "templates"


class BuildError(Exception):
    """A document could not be built; `problems` name the places in the data or templates."""

    def __init__(self, problems: list[Problem]) -> None:
        super().__init__("; ".join(p.format() for p in problems))
        self.problems = problems

    def __reduce__(self):  # noqa: ANN204 - keep the problems across process boundaries
        return (BuildError, (self.problems,))


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


def context_for(ds: Dataset, target: Target, settings: Settings) -> Built:
    assert ds.organisation is not None
    env = environment(settings.templates, ds.organisation.belopp_enhet)
    if target.kind == "verksamhetsplan":
        return plan.build(ds, target.year, env)
    if target.kind == "arsredovisning":
        return report.build(ds, target.year, env)
    if target.kind == "tjansteskrivelse":
        return matter.build_memo(ds, target.year, target.slug, env)
    return matter.build_mbl(ds, target.year, target.slug, env)


def render_markdown(ds: Dataset, target: Target, settings: Settings) -> tuple[str, Built]:
    """The document as Markdown text (what the Word file says), and its context."""
    assert ds.organisation is not None
    try:
        built = context_for(ds, target, settings)
    except ContextError as exc:
        raise BuildError(exc.problems) from None
    env = environment(settings.templates, ds.organisation.belopp_enhet)
    template_name = KINDS[target.kind].template
    template_path = settings.templates / template_name
    try:
        template = env.get_template(template_name)
        text = template.render(built.context)
    except (UndefinedError, SecurityError) as exc:
        raise BuildError([Problem(str(template_path), _template_line(exc), "",
                                  f"template error: {exc}")]) from None
    except TemplateError as exc:
        line = getattr(exc, "lineno", None)
        raise BuildError([Problem(str(template_path), line, "",
                                  f"template error: {exc}")]) from None
    return text, built


def _template_line(exc: Exception) -> int | None:
    tb = exc.__traceback__
    line = None
    while tb is not None:
        if tb.tb_frame.f_code.co_filename.endswith(".j2"):
            line = tb.tb_lineno
        tb = tb.tb_next
    return line


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
        document = renderer.render(text, meta)
    except RenderError as exc:
        raise BuildError([Problem(str(settings.templates / KINDS[target.kind].template), None,
                                  "", f"cannot lay out the document: {exc}")]) from None
    buffer = io.BytesIO()
    document.save(buffer)
    return reproducible_zip(buffer.getvalue())


def charts_for(ds: Dataset, target: Target) -> dict[str, bytes]:
    """The pictures a document shows: the report's monthly measures, one per group."""
    if target.kind != "arsredovisning":
        return {}
    entry = ds.years[target.year]
    if entry.outcome is None or entry.outcome.verksamhetsmatt is None:
        return {}
    from .render.charts import cached_group_chart
    from .views import monthly_view

    return {chart.name: chart.png
            for chart in (cached_group_chart(g) for g in monthly_view(ds, target.year))}


FORMATS = ("docx", "xlsx", "pdf", "pdfa", "md", "all")
WORKBOOK_KINDS = frozenset({"verksamhetsplan", "arsredovisning"})
_DIRECTIVE_LINE = re.compile(r"^<!--.*-->\s*$", re.MULTILINE)
_PICTURE = re.compile(r"!\[([^\]]*)\]\(chart:[^)]*\)")


def formats_for(target: Target, requested: str) -> list[str]:
    """The output formats a target gets (`all` is Word, Excel and PDF; `pdfa` is PDF that
    is PDF/A as well); workbooks exist for plans and reports only."""
    wanted = ["docx", "xlsx", "pdf"] if requested == "all" else [requested]
    return [f for f in wanted if f != "xlsx" or target.kind in WORKBOOK_KINDS]


def render_xlsx(ds: Dataset, target: Target) -> bytes:
    from .workbooks import plan_workbook, report_workbook

    if target.kind == "verksamhetsplan":
        return plan_workbook(ds, target.year)
    return report_workbook(ds, target.year)


def render_md(ds: Dataset, target: Target, settings: Settings) -> bytes:
    """The document as Markdown: what the Word file says, with its tables, for reviewing how a
    document's wording and figures change in a pull request."""
    text, _ = render_markdown(ds, target, settings)
    text = _DIRECTIVE_LINE.sub("", text)
    text = _PICTURE.sub(lambda m: f"*Diagram: {m.group(1)}*", text)
    text = re.sub(r"\n{3,}", "\n\n", text).strip() + "\n"
    return text.encode("utf-8")


def render_target(ds: Dataset, target: Target, settings: Settings, requested: str
                  ) -> list[tuple[Path, bytes]]:
    """Every file of one target, rendered in memory. PDF is made afterwards from the Word
    file (one LibreOffice for all documents), so a Word file is rendered for it too."""
    files = []
    wanted = formats_for(target, requested)
    if PDF_FORMATS & set(wanted) and "docx" not in wanted:
        wanted = ["docx", *wanted]
    for fmt in wanted:
        if fmt == "docx":
            data = render_docx(ds, target, settings)
        elif fmt == "xlsx":
            data = render_xlsx(ds, target)
        elif fmt == "md":
            data = render_md(ds, target, settings)
        else:
            continue
        files.append((output_path(settings, target, f".{fmt}"), data))
    return files


def output_path(settings: Settings, target: Target, suffix: str = ".docx") -> Path:
    return settings.out / str(target.year) / f"{target.filename}{suffix}"


# The worker processes of a parallel build inherit these when they are forked.
_WORKER: dict[str, object] = {}


def _render_in_worker(target: Target) -> tuple[Target, list[tuple[Path, bytes]] | None,
                                                list[Problem]]:
    ds, settings, requested = _WORKER["ds"], _WORKER["settings"], _WORKER["requested"]
    try:
        return target, render_target(ds, target, settings, requested), []  # type: ignore[arg-type]
    except BuildError as exc:
        return target, None, exc.problems


def _workers(count: int) -> int:
    if count < 2 or multiprocessing.get_start_method(allow_none=True) not in (None, "fork"):
        return 1
    if "fork" not in multiprocessing.get_all_start_methods():
        return 1
    return max(1, min(os.cpu_count() or 1, 4, count))


def build_many(ds: Dataset, targets: list[Target], settings: Settings,
               progress: Callable[[int, int, Target, Path | None], None] | None = None,
               requested: str = "docx", skipped: list[str] | None = None,
               notes: list[str] | None = None) -> list[Path]:
    """Build several documents, on every core; every file is rendered before any is written,
    so a failure leaves the output directory as it was. `skipped` receives what could not be
    made here (PDF without LibreOffice), `notes` what the user should know (a font
    substituted in the PDFs)."""
    rendered: list[tuple[Path, bytes]] = []
    problems: list[Problem] = []
    results: list[tuple[Target, list[tuple[Path, bytes]] | None, list[Problem]]] = []
    workers = _workers(len(targets))
    if workers == 1:
        for index, target in enumerate(targets, start=1):
            _WORKER.update(ds=ds, settings=settings, requested=requested)
            results.append(_render_in_worker(target))
            if progress is not None:
                progress(index, len(targets), target, None)
    else:
        _WORKER.update(ds=ds, settings=settings, requested=requested)
        context = multiprocessing.get_context("fork")
        with concurrent.futures.ProcessPoolExecutor(workers, mp_context=context) as pool:
            futures = [pool.submit(_render_in_worker, t) for t in targets]
            for index, future in enumerate(concurrent.futures.as_completed(futures), start=1):
                result = future.result()
                results.append(result)
                if progress is not None:
                    progress(index, len(targets), result[0], None)
        results.sort(key=lambda r: targets.index(r[0]))
    wants_pdf: list[tuple[Path, bytes]] = []
    for target, files, found in results:
        problems.extend(found)
        wanted = formats_for(target, requested)
        for path, data in files or []:
            if path.suffix == ".docx" and PDF_FORMATS & set(wanted):
                wants_pdf.append((path, data))
                if "docx" not in wanted:
                    continue
            rendered.append((path, data))
    if problems:
        raise BuildError(problems)
    if wants_pdf:
        missing = pdf.unavailable() if requested == "all" else None
        if missing is not None:
            if skipped is not None:
                skipped.append(f"PDF ({missing})")
        else:
            rendered.extend(_pdf_files(wants_pdf, requested, progress, notes))
    return write_all(rendered)


def _pdf_files(documents: list[tuple[Path, bytes]], requested: str,
               progress: Callable[[int, int, Target, Path | None], None] | None,
               notes: list[str] | None) -> list[tuple[Path, bytes]]:
    """The PDFs of Word documents (render/pdf.py does the work); its failures as BuildError."""

    def step(index: int, total: int, path: Path) -> None:
        if progress is not None:
            progress(index, total, PdfStep(path), None)  # type: ignore[arg-type]

    try:
        converted = pdf.convert(documents, archive=requested == "pdfa", progress=step)
    except pdf.PdfFailed as exc:
        raise BuildError(exc.problems) from None
    if notes is not None:
        notes.extend(f"PDF: {note}" for note in converted.notes)
    return converted.files


@dataclass(frozen=True)
class PdfStep:
    """A document's PDF, as the progress of a build shows it."""

    path: Path

    @property
    def label(self) -> str:
        return f"PDF {self.path.name}"


__all__ = ["BuildError", "PdfUnavailable", "Settings", "build_many", "common",
           "render_markdown"]
