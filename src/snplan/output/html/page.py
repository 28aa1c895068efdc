"""The frame every page of the web edition shares: the document head with its inline style
sheet, the skip link, and the landmarks in the order a screen reader lists them (header, nav,
main, footer). One file, no script, nothing fetched: the page works saved to a disk, mailed
or opened from an archive, and the same input gives the same bytes.
"""

from __future__ import annotations

from functools import lru_cache
from importlib.resources import files

from .markup import esc
from .style import WebStyle, font_family

SKIP_TEXT = "Hoppa till innehållet"
MAIN_ID = "innehall"


@lru_cache(maxsize=1)
def _base_css() -> str:
    return files(__package__).joinpath("page.css").read_text(encoding="utf-8")


def stylesheet(style: WebStyle) -> str:
    """The page's CSS: the organisation's fonts, sizes and colours as custom properties in
    front of the shipped rules that use them. Screen sizes follow the browser's text size
    (the reference's body size relative to the shipped 10.5 pt); print uses the reference's
    points."""
    s = style.legible()
    body = s.body_size

    def ratio(size: float) -> str:
        return f"{size / body:.3f}em"

    variables = {
        "--text": s.text_colour, "--background": s.background,
        "--heading": s.heading_colour, "--head-fill": s.header_fill,
        "--head-text": s.header_colour, "--link": s.link_colour,
        "--body-font": font_family(s.body_font), "--heading-font": font_family(s.heading_font),
        "--screen-size": f"{body / 10.5:.3f}rem", "--print-size": f"{body:g}pt",
        "--h1": ratio(s.heading_sizes[0]), "--h2": ratio(s.heading_sizes[1]),
        "--h3": ratio(s.heading_sizes[2]),
    }
    root = ":root {\n" + "".join(f"  {k}: {v};\n" for k, v in variables.items()) + "}\n"
    return root + _base_css()


def page(*, title: str, style: WebStyle, header: str, main: str, nav: str = "",
         footer: str = "", language: str = "sv", description: str = "", author: str = "",
         keywords: str = "") -> bytes:
    """A whole page from its parts (each already HTML)."""
    meta = "".join(f'<meta name="{name}" content="{esc(value)}">\n'
                   for name, value in (("description", description), ("author", author),
                                       ("keywords", keywords)) if value)
    parts = [
        "<!DOCTYPE html>\n",
        f'<html lang="{esc(language)}">\n<head>\n<meta charset="utf-8">\n',
        '<meta name="viewport" content="width=device-width, initial-scale=1">\n',
        f"<title>{esc(title)}</title>\n", meta,
        f"<style>\n{stylesheet(style)}</style>\n</head>\n<body>\n",
        f'<a class="skip-link" href="#{MAIN_ID}">{SKIP_TEXT}</a>\n',
        header, "\n",
        nav, "\n" if nav else "",
        f'<main id="{MAIN_ID}" tabindex="-1">\n{main}\n</main>\n',
        footer, "\n" if footer else "",
        "</body>\n</html>\n",
    ]
    return "".join(parts).encode("utf-8")


def language_of(tag: str) -> str:
    """The page's language from the document's ("sv-SE" → "sv"): the primary subtag is what
    browsers match hyphenation and voices on."""
    primary = tag.split("-")[0].strip().lower()
    return primary if primary.isascii() and primary.isalpha() and 2 <= len(primary) <= 3 \
        else "sv"
