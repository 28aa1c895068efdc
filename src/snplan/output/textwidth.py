"""How wide a text is when set in the style reference's font: the measure behind column widths.

A table's columns are sized from their content, so the writer has to know how much room "9 775"
or "Budgetavvikelse" takes in 9 pt Arial. Guessing a width per character is what made numbers
break inside cells ("9 77 / 5"). The advance widths of the fonts that Word documents are set in
(Arial, Calibri, Times New Roman) are read once from their metric-compatible free twins
(Liberation Sans, Carlito, Liberation Serif) with fontTools and kept in `_fontwidths.py`, so
building a document never reads a font file and gives the same layout on every machine.

    python -m snplan.output.textwidth      # regenerates _fontwidths.py (needs fontTools)

Kerning is ignored: it changes a line of figures by a fraction of a point, less than the slack
the layout keeps.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from ..messages import _

# The families with shipped metrics, and the Word font names that map onto each.
FAMILIES = {
    "Liberation Sans": ("arial", "liberation sans", "helvetica", "arimo", "nimbus sans"),
    "Carlito": ("calibri", "carlito"),
    "Liberation Serif": ("times new roman", "liberation serif", "times", "tinos"),
}
DEFAULT_FAMILY = "Liberation Sans"
SOFT_HYPHEN = "\u00ad"

# Code points measured: Latin-1, Latin Extended-A, and the punctuation and symbols the
# documents print (dashes, quotes, bullets, the assessment symbols ● ◆ ▲ ■, the minus sign).
_EXTRA = [0x2010, 0x2011, 0x2012, 0x2013, 0x2014, 0x2018, 0x2019, 0x201A, 0x201C, 0x201D,
          0x201E, 0x2020, 0x2021, 0x2022, 0x2026, 0x2030, 0x2039, 0x203A, 0x20AC, 0x2122,
          0x2190, 0x2192, 0x2212, 0x2264, 0x2265, 0x25A0, 0x25B2, 0x25C6, 0x25CF, 0x2713]
CODE_POINTS = [*range(0x20, 0x7F), *range(0xA0, 0x180), *_EXTRA]


@dataclass(frozen=True)
class FontMetrics:
    """Advance widths of one face, in font units (`units_per_em` to the em)."""

    family: str
    bold: bool
    units_per_em: int
    line_height: float  # ascent + descent in ems, the height Word gives a single line
    widths: dict[int, int]
    fallback: int  # width of a character the table does not hold (the width of "0")

    def text(self, text: str, size_pt: float) -> float:
        """Width of `text` in points at `size_pt`."""
        widths, fallback = self.widths, self.fallback
        units = 0
        for char in text:
            units += widths.get(ord(char), fallback)
        return units * size_pt / self.units_per_em


def family_for(font_name: str | None) -> str:
    """The shipped family whose widths stand for `font_name`: the metric twin of Arial,
    Calibri or Times New Roman; any other font is measured as Arial (an approximation)."""
    name = (font_name or "").strip().lower()
    for family, names in FAMILIES.items():
        if name in names:
            return family
    return DEFAULT_FAMILY


@lru_cache(maxsize=16)
def metrics(font_name: str | None, bold: bool = False) -> FontMetrics:
    from ._fontwidths import FONTS

    family = family_for(font_name)
    units, line_height, regular, heavy = FONTS[family]
    table = heavy if bold else regular
    widths = dict(zip(CODE_POINTS, table, strict=True))
    widths = {code: width for code, width in widths.items() if width >= 0}
    widths[ord(SOFT_HYPHEN)] = 0  # invisible unless the word breaks there
    return FontMetrics(family, bold, units, line_height, widths, widths[ord("0")])


# ---------------------------------------------------------------------------------------------
# Regenerating the table (development only)

_FILES = {
    "Liberation Sans": ("LiberationSans-Regular.ttf", "LiberationSans-Bold.ttf"),
    "Carlito": ("Carlito-Regular.ttf", "Carlito-Bold.ttf"),
    "Liberation Serif": ("LiberationSerif-Regular.ttf", "LiberationSerif-Bold.ttf"),
}
_FONT_DIRS = [Path("/usr/share/fonts/truetype/liberation"),
              Path("/usr/share/fonts/truetype/crosextra"),
              Path("/usr/share/fonts/truetype/liberation2")]


def _find(name: str) -> Path:
    for directory in _FONT_DIRS:
        if (directory / name).is_file():
            return directory / name
    raise FileNotFoundError(_("{name} not found (Debian: fonts-liberation, "
                              "fonts-crosextra-carlito)").format(name=name))


def _face(path: Path) -> tuple[int, float, list[int]]:
    from fontTools.ttLib import TTFont

    font = TTFont(str(path))
    units = font["head"].unitsPerEm
    os2 = font["OS/2"]
    line = (os2.usWinAscent + os2.usWinDescent) / units
    cmap = font.getBestCmap()
    hmtx = font["hmtx"]
    widths = [hmtx[cmap[code]][0] if code in cmap else -1 for code in CODE_POINTS]
    return units, round(line, 4), widths


def regenerate(target: Path | None = None) -> Path:
    """Write `_fontwidths.py` from the installed font files."""
    target = target or Path(__file__).with_name("_fontwidths.py")
    lines = ['"""Advance widths of the fonts Word documents are set in, read from their metric',
             "twins with fontTools by `python -m snplan.output.textwidth`. Generated; do not edit.",
             "",
             "FONTS[family] = (units per em, line height in ems, regular widths, bold widths),",
             "the widths in the order of textwidth.CODE_POINTS; -1 where the font has no glyph.",
             '"""', "", "FONTS = {"]
    for family, (regular_file, bold_file) in _FILES.items():
        units, line, regular = _face(_find(regular_file))
        _unused, _unused, bold = _face(_find(bold_file))
        lines.append(f"    {family!r}: ({units}, {line}, (")
        lines.extend(_wrapped(regular))
        lines.append("    ), (")
        lines.extend(_wrapped(bold))
        lines.append("    )),")
    lines.append("}")
    target.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return target


def _wrapped(values: list[int]) -> list[str]:
    out, line = [], "        "
    for value in values:
        item = f"{value}, "
        if len(line) + len(item) > 99:
            out.append(line.rstrip())
            line = "        "
        line += item
    out.append(line.rstrip())
    return out


if __name__ == "__main__":
    print(regenerate())
