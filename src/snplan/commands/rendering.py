"""Rendering documents from the data: each target resolved once into its tree, then written
by each writer the request names (`commands.writing`), in memory and on every core. This is
the half of a build that reads the model; `commands.build` decides what to render and writes
the files; tests call these functions directly.
"""

from __future__ import annotations

from pathlib import Path

from .. import tree
from ..documents import KINDS, Target
from ..documents.resolve import ContextError, resolve
from ..errors import BuildError
from ..output.files import write_all
from ..output.pdf import PDF_FORMATS, PdfUnavailable
from ..prose.sandbox import environment
from ..source.load import Dataset
from .settings import DEFAULT_TEMPLATES, Settings
from .writing import (
    FORMATS,
    LABELS,
    Step,
    convert_to_pdf,
    output_path,
    suffix_of,
    write_format,
    write_formats,
    write_many,
)


class _WorkbookKinds:
    """The kinds that get a workbook, read live from the registry (a period kind an
    organisation defines joins it when its data is loaded)."""

    def __contains__(self, name: object) -> bool:
        return isinstance(name, str) and name in KINDS and KINDS[name].workbook


WORKBOOK_KINDS = _WorkbookKinds()


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


def render_docx(ds: Dataset, target: Target, settings: Settings) -> bytes:
    """The Word document of a target, as reproducible bytes."""
    return write_format(resolve_target(ds, target, settings), "docx", ds.root, settings)


def render_target(ds: Dataset, target: Target, settings: Settings, formats: list[str],
                  notes: list[str] | None = None, linked: tuple[str, ...] | None = None
                  ) -> dict[str, bytes]:
    """The files of one target in the given formats, rendered in memory from one resolved
    document (see `writing.write_formats`)."""
    return write_formats(resolve_target(ds, target, settings), formats, ds.root, settings,
                         notes, linked)


Job = tuple[Target, tuple[str, ...]]


def render_many(ds: Dataset, jobs: list[Job], settings: Settings, step: Step | None = None,
                notes: list[str] | None = None,
                linked: dict[Target, tuple[str, ...]] | None = None
                ) -> dict[Target, dict[str, bytes]]:
    """Render several documents in memory, on every core; raise BuildError with the problems
    of every document that failed (see `writing.write_many`)."""
    written = write_many(jobs, lambda target: resolve_target(ds, target, settings), ds.root,
                         settings, step, notes, linked)
    return {target: files for target, (files, _document) in written.items()}


def build_many(ds: Dataset, targets: list[Target], settings: Settings,
               requested: str = "docx", step: Step | None = None) -> list[Path]:
    """Build several documents and write them all or nothing (no manifest, no skipping: the
    library call behind tests)."""
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


__all__ = ["DEFAULT_TEMPLATES", "FORMATS", "LABELS", "WORKBOOK_KINDS", "BuildError",
           "PdfUnavailable", "Settings", "build_many", "formats_for", "render_docx",
           "render_many", "render_target", "resolve_target"]
