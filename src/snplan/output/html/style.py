"""The web edition's look: fonts, sizes and colours, from the organisation's Word style
reference where it sets them, so the page looks like the organisation's documents.

The reference is untrusted input and its values end up inside a `<style>` element: font names
are cut down to letters, digits, spaces and hyphens, colours to six hex digits, sizes to a sane
range. Every text colour is checked against its background (WCAG 1.4.3, 4.5:1) and darkened
until it passes: an organisation's pale heading colour is made readable rather than published
unreadable.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from pathlib import Path

from ..package import load_reference

# The shipped look: the default reference's Arial, 10.5 pt text, black 16/13/11 pt headings,
# and the header fill and link colour the Word writer uses.
SHIPPED_FONT = "Arial"
HEADER_FILL = "#E7E6E6"
LINK = "#0563C1"
TEXT = "#000000"
BACKGROUND = "#FFFFFF"
CONTRAST = 4.5

# Metric-compatible open fonts, named after the organisation's font so a machine without it
# sets the text with the same widths; then the generic family.
_TWINS = {"arial": ("Liberation Sans", "Arimo", "Helvetica"),
          "helvetica": ("Liberation Sans", "Arimo", "Arial"),
          "calibri": ("Carlito",),
          "cambria": ("Caladea",),
          "times new roman": ("Liberation Serif", "Tinos", "Times"),
          "courier new": ("Liberation Mono", "Cousine")}
_SERIF = {"times new roman", "times", "cambria", "georgia", "garamond", "book antiqua",
          "palatino linotype", "liberation serif"}


@dataclass(frozen=True, slots=True)
class WebStyle:
    """Fonts (a family name each), sizes (points: the print sizes; the screen scales them
    from the browser's own text size) and colours (#RRGGBB)."""

    body_font: str = SHIPPED_FONT
    body_size: float = 10.5
    heading_font: str = SHIPPED_FONT
    heading_sizes: tuple[float, float, float] = (16.0, 13.0, 11.0)
    heading_colour: str = TEXT
    text_colour: str = TEXT
    background: str = BACKGROUND
    header_fill: str = HEADER_FILL
    header_colour: str = TEXT
    link_colour: str = LINK

    def legible(self) -> WebStyle:
        """This style with every text colour readable on its background."""
        background = _colour(self.background, BACKGROUND)
        text = readable(_colour(self.text_colour, TEXT), background)
        fill = _colour(self.header_fill, HEADER_FILL)
        header_text = readable(_colour(self.header_colour, text), fill)
        if contrast(header_text, fill) < CONTRAST:  # even black fails: lighten the fill
            fill = lighten_until(fill, header_text)
        return replace(self, body_font=font_name(self.body_font),
                       heading_font=font_name(self.heading_font),
                       body_size=_size(self.body_size, 10.5),
                       heading_sizes=tuple(_size(s, d) for s, d in  # type: ignore[arg-type]
                                           zip(self.heading_sizes, (16.0, 13.0, 11.0),
                                               strict=True)),
                       background=background, text_colour=text,
                       heading_colour=readable(_colour(self.heading_colour, text), background),
                       header_fill=fill, header_colour=header_text,
                       link_colour=readable(_colour(self.link_colour, LINK), background))


def style_from_reference(path: Path) -> WebStyle:
    """The look of the reference at `path`: "Normal" gives the text's font, size and colour,
    "Heading 1".."Heading 3" the headings' font, sizes and colour, "snplan Tabellhuvud" the
    table header's shading and text colour, "Hyperlink" the links' colour; whatever a style
    does not set keeps the shipped look."""
    styles = load_reference(path).styles
    normal = styles.resolved("Normal")
    headings = [styles.resolved(f"Heading {n}") if styles.find(f"Heading {n}") else None
                for n in (1, 2, 3)]
    head = styles.resolved("snplan Tabellhuvud") if styles.find("snplan Tabellhuvud") else None
    link = styles.find("Hyperlink")
    shipped = WebStyle()
    first = headings[0]
    style = WebStyle(
        body_font=normal.font or shipped.body_font,
        body_size=normal.size or shipped.body_size,
        heading_font=(first.font if first and first.font else normal.font) or shipped.heading_font,
        heading_sizes=tuple(h.size if h and h.size else d  # type: ignore[arg-type]
                            for h, d in zip(headings, shipped.heading_sizes, strict=True)),
        heading_colour=_hash(first.colour if first else None) or _hash(normal.colour) or TEXT,
        text_colour=_hash(normal.colour) or TEXT,
        header_fill=_hash(head.fill if head else None) or HEADER_FILL,
        header_colour=_hash(head.colour if head else None) or _hash(normal.colour) or TEXT,
        link_colour=_hash(link.colour if link else None) or LINK,
    )
    return style.legible()


def font_family(name: str) -> str:
    """A CSS font-family list: the font, its metric-compatible twins, the generic family."""
    name = font_name(name)
    key = name.lower()
    names = [name, *(t for t in _TWINS.get(key, ()) if t.lower() != key)]
    generic = "serif" if key in _SERIF else "monospace" if "mono" in key or "courier" in key \
        else "sans-serif"
    return ", ".join([*(f'"{n}"' for n in names), generic])


def font_name(name: str) -> str:
    """A font's name with nothing but letters, digits, spaces and hyphens (it is written into
    a style sheet); the shipped font when nothing is left."""
    kept = "".join(c for c in name if c.isalnum() or c in " -")
    kept = " ".join(kept.split())[:60]
    return kept or SHIPPED_FONT


def _size(value: float, default: float) -> float:
    try:
        size = float(value)
    except (TypeError, ValueError):
        return default
    return round(min(max(size, 6.0), 40.0), 2) if size == size else default


def _hash(value: str | None) -> str | None:
    return f"#{value.upper()}" if value else None


def _colour(value: str, default: str) -> str:
    text = value.strip().lstrip("#")
    if len(text) == 6 and all(c in "0123456789abcdefABCDEF" for c in text):
        return f"#{text.upper()}"
    return default


def _rgb(colour: str) -> tuple[int, int, int]:
    text = colour.lstrip("#")
    return int(text[0:2], 16), int(text[2:4], 16), int(text[4:6], 16)


def _hex(rgb: tuple[int, int, int]) -> str:
    return "#" + "".join(f"{max(0, min(255, c)):02X}" for c in rgb)


def luminance(colour: str) -> float:
    """Relative luminance as WCAG 2.1 defines it."""
    def channel(value: int) -> float:
        c = value / 255
        return c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4
    r, g, b = _rgb(colour)
    return 0.2126 * channel(r) + 0.7152 * channel(g) + 0.0722 * channel(b)


def contrast(foreground: str, background: str) -> float:
    """The contrast ratio of two colours (1 to 21)."""
    a, b = luminance(foreground), luminance(background)
    light, dark = max(a, b), min(a, b)
    return (light + 0.05) / (dark + 0.05)


def readable(foreground: str, background: str, ratio: float = CONTRAST) -> str:
    """`foreground`, darkened step by step (its hue kept) until it reaches `ratio` against
    `background`; black when nothing lighter does."""
    rgb = _rgb(foreground)
    for step in range(0, 101):
        factor = 1 - step / 100
        candidate = _hex((round(rgb[0] * factor), round(rgb[1] * factor),
                          round(rgb[2] * factor)))
        if contrast(candidate, background) >= ratio:
            return candidate
    return "#000000"


def lighten_until(fill: str, text: str, ratio: float = CONTRAST) -> str:
    """A fill lightened toward white until `text` reaches `ratio` on it."""
    rgb = _rgb(fill)
    for step in range(0, 101):
        t = step / 100
        candidate = _hex(tuple(round(c + (255 - c) * t) for c in rgb))  # type: ignore[arg-type]
        if contrast(text, candidate) >= ratio:
            return candidate
    return BACKGROUND


__all__ = ["WebStyle", "contrast", "font_family", "readable", "style_from_reference"]
