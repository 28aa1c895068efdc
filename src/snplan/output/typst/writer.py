"""Compiling a resolved document to PDF with Typst: tagged PDF/UA-1, PDF/A-2b as well for the
archive, in a fraction of a second and without LibreOffice.

The compiler is shut in: its root is a fresh temporary folder holding only the template and the
document's JSON (so `read`, `json` and `image` reach nothing else), it sees no system fonts, only
those `Fonts` names, and the creation date is the document's own, so the same tree gives the same
bytes on any machine.
"""

from __future__ import annotations

import datetime as dt
import shutil
import tempfile
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources
from pathlib import Path

import typst

from ...messages import _
from ...tree import Document
from .coverage import FontFileError, Printable
from .serialise import document_json
from .setup import FALLBACK, Fonts, PageSetup, shipped_directory

UA = "ua-1"
ARCHIVE = "a-2b"  # Typst combines it with PDF/UA-1 (both on PDF 1.7)


class TypstPdfError(Exception):
    """The PDF could not be made; the message says why in Typst's words."""


@dataclass(frozen=True)
class Compiled:
    """A compiled PDF and what Typst warned about while making it (layout that did not
    converge, a font it could not find: signs of a fault in the template, not in the data)."""

    pdf: bytes
    warnings: tuple[str, ...]


@lru_cache(maxsize=1)
def template() -> bytes:
    return (resources.files(__package__) / "template.typ").read_bytes()


@lru_cache(maxsize=8)
def _printable(families: tuple[tuple[Path, ...], ...]) -> Printable:
    return Printable(families)


@lru_cache(maxsize=4)
def _shipped_fonts(directory: str) -> typst.Fonts:
    """The shipped fonts as Typst's font book, read once per process."""
    return typst.Fonts(include_system_fonts=False, include_embedded_fonts=False,
                       font_paths=[directory])


def _timestamp(moment: dt.datetime) -> dt.datetime:
    """The document's timestamp as Typst takes it (with an offset; a naive one is UTC)."""
    return moment if moment.tzinfo is not None else moment.replace(tzinfo=dt.UTC)


def _message(error: typst.TypstError) -> str:
    text = str(getattr(error, "message", "") or error).strip()
    hints = [h for h in getattr(error, "hints", None) or [] if h]
    return text + "".join(f" (hint: {h})" for h in hints)


def build(document: Document, *, page: PageSetup | None = None, fonts: Fonts | None = None,
          archive: bool = False) -> Compiled:
    """The PDF and Typst's warnings (`write` gives the PDF alone)."""
    page = page or PageSetup()
    fonts = fonts or Fonts()
    families = fonts.families()
    files = {name: tuple(paths) for name, paths in families}
    try:
        clean = _printable((files[fonts.body], files[FALLBACK]))
    except (FontFileError, KeyError) as exc:
        raise TypstPdfError(_("cannot make the PDF: {exc}").format(exc=exc)) from None
    body = [fonts.body, FALLBACK]
    mono = [fonts.mono, fonts.body, FALLBACK]
    data = document_json(document, page=page, body=body, mono=mono, size=fonts.size,
                         clean=clean)
    standards = [ARCHIVE, UA] if archive else [UA]
    with tempfile.TemporaryDirectory(prefix="snplan-typst-") as folder:
        root = Path(folder) / "root"
        root.mkdir()
        (root / "template.typ").write_bytes(template())
        (root / "document.json").write_text(data, encoding="utf-8")
        if fonts.files:
            own = Path(folder) / "fonts"
            own.mkdir()
            for number, path in enumerate(fonts.files):
                target = own / f"{number}-{path.name}"
                try:
                    target.symlink_to(path)
                except OSError:
                    shutil.copyfile(path, target)
            book = typst.Fonts(include_system_fonts=False, include_embedded_fonts=False,
                               font_paths=[str(own), str(shipped_directory())])
        else:
            book = _shipped_fonts(str(shipped_directory()))
        try:
            pdf, warnings = typst.compile_with_warnings(
                str(root / "template.typ"), root=str(root), font_paths=book,
                ignore_system_fonts=True, format="pdf", pdf_standards=standards,
                timestamp=_timestamp(document.meta.timestamp))
        except typst.TypstError as error:
            raise TypstPdfError(_("cannot make the PDF: {error}").format(
                error=_message(error))) from None
    if not isinstance(pdf, bytes):
        raise TypstPdfError(_("cannot make the PDF: Typst returned no PDF"))
    return Compiled(pdf, tuple(_message(w) for w in warnings))  # type: ignore[arg-type]


def write(document: Document, *, page: PageSetup | None = None, fonts: Fonts | None = None,
          archive: bool = False) -> bytes:
    """The document as a tagged PDF/UA-1 file in Swedish (PDF/A-2b as well when `archive`):
    its bytes, the same for the same tree."""
    return build(document, page=page, fonts=fonts, archive=archive).pdf
