"""Text of the tree as HTML: every character escaped, emphasis as elements, links only where
they are safe to follow.

A link in the data is followed only when it is an in-page anchor (`#…`) or an address with
the scheme https:, http: or mailto:. Anything else (`javascript:`, `data:`, `file:`, an
address with a control character or a space in it, which browsers would quietly strip) keeps
its text and loses its link: the data cannot make the page run or fetch anything.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from html import escape
from urllib.parse import quote, urlsplit

from ...tree import Break, Runs, Text

SCHEMES = {"https", "http", "mailto"}
_SCHEME = re.compile(r"^([A-Za-z][A-Za-z0-9+.-]*):")
# Units written out for assistive technology, where a table's heading or cell holds one.
UNITS = {"mkr": "miljoner kronor", "tkr": "tusen kronor", "kr": "kronor"}
_UNIT = re.compile(r"(?<![\w\u00ad])(mkr|tkr|kr)(?![\w\u00ad])")


def esc(text: str) -> str:
    """Text for an element's content or an attribute value (quotes escaped too)."""
    return escape(text, quote=True)


def safe_href(link: str, target: Callable[[str], str] = lambda f: f) -> str | None:
    """The address to put in `href`, or None when the link may not be followed. `target`
    maps an in-page anchor to the id it became."""
    if not link or any(ord(c) <= 0x20 or ord(c) == 0x7F for c in link):
        return None
    if link.startswith("#"):
        return "#" + quote(target(link[1:]), safe="-._~")
    match = _SCHEME.match(link)
    if match is None or match.group(1).lower() not in SCHEMES:
        return None
    parts = urlsplit(link)
    if parts.scheme.lower() in {"http", "https"} and not parts.netloc:
        return None
    return link


def relative_href(path: str) -> str | None:
    """A link to another file of the publication (a format of the document, a document of
    the index): a relative path, made safe for an address; None for anything with a scheme,
    a host or a way up out of the folder."""
    if not path or path.startswith(("/", "\\")) or _SCHEME.match(path) or "\\" in path:
        return None
    if any(part == ".." for part in path.split("/")):
        return None
    if any(ord(c) < 0x20 or ord(c) == 0x7F for c in path):
        return None
    return quote(path, safe="/-._~#?=&%")


def with_units(text: str) -> str:
    """Escaped text with each unit (mkr, tkr, kr) as an `<abbr>` naming it in words."""
    out: list[str] = []
    position = 0
    for match in _UNIT.finditer(text):
        out.append(esc(text[position:match.start()]))
        unit = match.group(1)
        out.append(f'<abbr title="{UNITS[unit]}">{unit}</abbr>')
        position = match.end()
    out.append(esc(text[position:]))
    return "".join(out)


def runs(items: Runs, *, target: Callable[[str], str] = lambda f: f,
         units: bool = False) -> str:
    """Runs as inline HTML: bold, italic, code, figure and link each as an element."""
    out: list[str] = []
    for run in items:
        if isinstance(run, Break):
            out.append("<br>")
            continue
        out.append(_run(run, target, units))
    return "".join(out)


def _run(run: Text, target: Callable[[str], str], units: bool) -> str:
    html = with_units(run.text) if units else esc(run.text)
    if run.code:
        html = f"<code>{html}</code>"
    if run.figure:
        html = f'<span class="figure">{html}</span>'
    if run.italic:
        html = f"<em>{html}</em>"
    if run.bold:
        html = f"<strong>{html}</strong>"
    if run.link is not None:
        href = safe_href(run.link, target)
        if href is not None:
            html = f'<a href="{esc(href)}">{html}</a>'
    return html


def lines(items: tuple[Runs, ...], *, target: Callable[[str], str] = lambda f: f,
          units: bool = False) -> str:
    """A cell's lines, one under the other."""
    return "<br>".join(runs(line, target=target, units=units) for line in items)


__all__ = ["esc", "lines", "relative_href", "runs", "safe_href", "with_units"]
