"""Where a build takes its templates and style reference from, and where it writes.

Light on purpose (the standard library, messages and two small checks): a build with nothing
to do is answered from these and the manifest before the model or any writer is imported.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from ..errors import UsageError
from ..messages import _
from ..output.files import OutputPathError, check_output_dir
from ..source.reference import container_problem

PACKAGE_ROOT = Path(__file__).resolve().parent.parent  # src/snplan
# The templates and the default style reference are package data, so a non-editable install
# builds documents (the repository's top-level `templates` is a link to this directory).
DEFAULT_TEMPLATES = PACKAGE_ROOT / "templates"


PDF_ENGINES = ("typst", "libreoffice")


@dataclass(frozen=True)
class Settings:
    """Where templates and the style reference come from, where output goes, and which
    engine makes PDF (Typst from the resolved document, by default; LibreOffice converting
    the Word file, for a PDF that is exactly Word's rendering)."""

    out: Path
    templates: Path = DEFAULT_TEMPLATES
    reference: Path | None = None
    pdf_engine: str = "typst"

    @property
    def pdf_by_libreoffice(self) -> bool:
        return self.pdf_engine == "libreoffice"

    def reference_for(self, data: Path) -> Path:
        """The style reference a build of the data directory `data` uses: the one given, the
        organisation's own (`data/reference.docx`) when there is one, else the default."""
        if self.reference is not None:
            return self.reference
        own = data / "reference.docx"
        if own.is_file():
            return own
        return self.templates / "reference.docx"


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
