"""The page and the fonts a Typst PDF is set on, by default or from a Word style reference.

The PDF must come out the same on every machine, so the compiler sees no system fonts: the
fonts are snplan's own (package data in `snplan/fonts`, metric twins of Arial and Calibri, so
lines break where Word breaks them) or, where the organisation's reference names a font that
is installed here, that font's files, found once and handed over by path.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from importlib import resources
from pathlib import Path

import typst

from ...messages import _
from ..package import PageGeometry, Reference, w

TWIPS = 20  # twips per point

# The shipped families, each with its files (regular, bold, italic, bold italic where shipped).
SHIPPED: dict[str, tuple[str, ...]] = {
    "Liberation Sans": ("LiberationSans-Regular.ttf", "LiberationSans-Bold.ttf",
                        "LiberationSans-Italic.ttf", "LiberationSans-BoldItalic.ttf"),
    "Carlito": ("Carlito-Regular.ttf", "Carlito-Bold.ttf", "Carlito-Italic.ttf",
                "Carlito-BoldItalic.ttf"),
    "Liberation Mono": ("LiberationMono-Regular.ttf", "LiberationMono-Bold.ttf"),
    "DejaVu Sans": ("DejaVuSans.ttf",),
}
# Fonts a style reference may name, and the shipped font with the same advance widths.
TWINS = {"arial": "Liberation Sans", "helvetica": "Liberation Sans", "arimo": "Liberation Sans",
         "liberation sans": "Liberation Sans", "calibri": "Carlito", "carlito": "Carlito"}
FALLBACK = "DejaVu Sans"  # has the symbols the others lack (◆, ✓, U+FFFD)


def shipped_directory() -> Path:
    """The folder of the shipped fonts (a real folder: the package is installed unzipped)."""
    return Path(str(resources.files("snplan") / "fonts"))


@dataclass(frozen=True)
class PageSetup:
    """The page in points: size, margins, and how far the header and footer stand from the
    edge. Landscape pages are this page turned, with the same margins (as in the Word file)."""

    width: float = 595.3
    height: float = 841.9
    top: float = 70.85
    bottom: float = 62.35
    left: float = 70.85
    right: float = 70.85
    header: float = 34.0
    footer: float = 34.0

    @classmethod
    def from_geometry(cls, page: PageGeometry, header: float = 34.0,
                      footer: float = 34.0) -> PageSetup:
        return cls(page.width / TWIPS, page.height / TWIPS, page.top / TWIPS,
                   page.bottom / TWIPS, page.left / TWIPS, page.right / TWIPS, header, footer)

    @classmethod
    def from_reference(cls, reference: Reference) -> PageSetup:
        """The reference's page, with its header and footer distances where it sets them."""
        margins = reference.sect_pr.find(w("pgMar"))
        distances = []
        for side in ("header", "footer"):
            raw = margins.get(w(side)) if margins is not None else None
            try:
                distances.append(int(raw) / TWIPS if raw is not None else 34.0)
            except ValueError:
                distances.append(34.0)
        return cls.from_geometry(reference.page, distances[0], distances[1])


@dataclass(frozen=True)
class Fonts:
    """The families the PDF is set in (as Typst names them), its body text size, the files of
    any family that is not shipped (found installed), and, when `body` stands in for the
    font the style reference names, that font (`wanted`)."""

    body: str = "Liberation Sans"
    mono: str = "Liberation Mono"
    size: float = 10.5
    files: tuple[Path, ...] = ()
    wanted: str = ""

    @classmethod
    def from_reference(cls, reference: Reference, *, installed: bool = True) -> Fonts:
        """The reference's body font and size: the font itself where it is installed on this
        machine (and `installed` allows looking), else its shipped metric twin, else Liberation
        Sans."""
        normal = reference.styles.resolved("Normal")
        return cls.for_family(normal.font or "Arial", size=normal.size or 10.5,
                              installed=installed)

    @classmethod
    def for_family(cls, family: str, *, size: float = 10.5, installed: bool = True) -> Fonts:
        for name in SHIPPED:
            if name.casefold() == family.casefold():
                return cls(body=name, size=size)
        found = installed_faces(family) if installed else ()
        if found:
            return cls(body=found[0][0], size=size, files=tuple(p for _unused, p in found))
        return cls(body=TWINS.get(family.casefold(), "Liberation Sans"), size=size,
                   wanted=family)

    @property
    def metric_twin(self) -> bool:
        """Whether the stand-in has the wanted font's advance widths (lines break as in Word)."""
        return not self.wanted or TWINS.get(self.wanted.casefold()) == self.body

    @property
    def note(self) -> str | None:
        """What to tell the user when the PDF is not set in the font the reference names."""
        if not self.wanted:
            return None
        if self.metric_twin:
            said = _("the font {family} is not installed; the PDFs are set in {substitute}, "
                     "which has the same metrics")
        else:
            said = _("the font {family} is not installed; the PDFs are set in {substitute}, "
                     "so lines and pages break differently from Word")
        return "PDF: " + said.format(family=self.wanted, substitute=self.body)

    def families(self) -> list[tuple[str, list[Path]]]:
        """Every family the compiler gets, in the order of preference, with its files."""
        shipped = shipped_directory()
        out: list[tuple[str, list[Path]]] = []
        if self.files:
            out.append((self.body, list(self.files)))
        for name in (self.body, self.mono, FALLBACK):
            if name in SHIPPED and name not in {n for n, _unused in out}:
                out.append((name, [shipped / f for f in SHIPPED[name]]))
        return out


@lru_cache(maxsize=1)
def system_fonts() -> tuple[tuple[str, str], ...]:
    """(family, path) of every font installed on this machine, looked up once."""
    fonts = typst.Fonts(include_system_fonts=True, include_embedded_fonts=False)
    return tuple(sorted((f.family, f.path) for f in fonts.fonts() if f.path and f.index == 0))


def installed_faces(family: str) -> tuple[tuple[str, Path], ...]:
    """The installed files of a family (its name as the fonts spell it, and each path)."""
    wanted = family.casefold()
    return tuple((name, Path(path)) for name, path in system_fonts()
                 if name.casefold() == wanted)
