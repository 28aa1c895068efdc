"""Where a build takes its templates and style reference from, and where it writes."""

from __future__ import annotations

from pathlib import Path

from ..errors import UsageError
from ..messages import _
from ..output.files import OutputPathError, check_output_dir
from ..source.reference import container_problem
from .rendering import DEFAULT_TEMPLATES, PDF_ENGINES, Settings


def settings_for(out: Path, templates: Path | None, reference: Path | None,
                 data: Path | None = None, pdf_engine: str = "typst") -> Settings:
    """Settings for a build, refusing a template directory or reference that does not exist,
    an unknown PDF engine, and an output directory inside the data or the templates."""
    if pdf_engine not in PDF_ENGINES:
        raise UsageError(_("--pdf-engine must be one of {PDF_ENGINES}").format(
                             PDF_ENGINES=', '.join(PDF_ENGINES)))
    chosen = templates or DEFAULT_TEMPLATES
    if not chosen.is_dir():
        raise UsageError(_("the template directory {chosen} does not exist").format(chosen=chosen))
    if reference is not None and not reference.is_file():
        raise UsageError(_("the style reference {reference} does not exist").format(
                             reference=reference))
    if reference is not None:
        problem = container_problem(reference)
        if problem is not None:
            raise UsageError(f"{reference}: {problem}")
    protected = {"template": chosen} if data is None else {"data": data, "template": chosen}
    try:
        check_output_dir(out, protected)
    except OutputPathError as exc:
        raise UsageError(str(exc)) from None
    return Settings(out=out, templates=chosen, reference=reference, pdf_engine=pdf_engine)
