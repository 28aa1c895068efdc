"""Building documents: context → template → Markdown → Word, written atomically.

The CLI calls these functions; tests call them directly.
"""

from __future__ import annotations

import io
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
from .render.docx import DocxRenderer, RenderError
from .render.meta import DocumentMeta
from .render.output import atomic_write, reproducible_zip
from .templating import environment

PACKAGE_ROOT = Path(__file__).resolve().parent
DEFAULT_TEMPLATES = PACKAGE_ROOT.parent.parent / "templates"


class BuildError(Exception):
    """A document could not be built; `problems` name the places in the data or templates."""

    def __init__(self, problems: list[Problem]) -> None:
        super().__init__("; ".join(p.format() for p in problems))
        self.problems = problems


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
    renderer = DocxRenderer(settings.reference_for(ds), base=settings.out / str(target.year))
    try:
        document = renderer.render(text, meta)
    except RenderError as exc:
        raise BuildError([Problem(str(settings.templates / KINDS[target.kind].template), None,
                                  "", f"cannot lay out the document: {exc}")]) from None
    buffer = io.BytesIO()
    document.save(buffer)
    return reproducible_zip(buffer.getvalue())


def output_path(settings: Settings, target: Target, suffix: str = ".docx") -> Path:
    return settings.out / str(target.year) / f"{target.filename}{suffix}"


def build_target(ds: Dataset, target: Target, settings: Settings) -> Path:
    """Build one document and write it atomically; returns its path."""
    data = render_docx(ds, target, settings)
    path = output_path(settings, target)
    atomic_write(path, data)
    return path


def build_many(ds: Dataset, targets: list[Target], settings: Settings,
               progress: Callable[[int, int, Target, Path | None], None] | None = None
               ) -> list[Path]:
    """Build several documents; every one is rendered before any is written, so a failure
    leaves the output directory as it was."""
    rendered: list[tuple[Path, bytes]] = []
    problems: list[Problem] = []
    for index, target in enumerate(targets, start=1):
        try:
            rendered.append((output_path(settings, target), render_docx(ds, target, settings)))
        except BuildError as exc:
            problems.extend(exc.problems)
        if progress is not None:
            progress(index, len(targets), target, None)
    if problems:
        raise BuildError(problems)
    paths = []
    for path, data in rendered:
        atomic_write(path, data)
        paths.append(path)
    return paths


__all__ = ["BuildError", "Settings", "build_many", "build_target", "common", "render_markdown"]
