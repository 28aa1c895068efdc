"""The index page of an organisation's publication: every document, in every format it was
built in, newest year first, with the same frame and accessibility as the documents."""

from __future__ import annotations

from dataclasses import dataclass

from .markup import esc, relative_href
from .page import page
from .style import WebStyle


@dataclass(frozen=True, slots=True)
class IndexEntry:
    """One document: its year, its title, and its files as (format label, relative
    address) pairs ("Webbsida", "2023/arsredovisning-2023.html")."""

    year: int
    title: str
    formats: tuple[tuple[str, str], ...]


def index(title: str, entries: list[IndexEntry], *, style: WebStyle | None = None) -> bytes:
    """The index page: a heading per year (newest first), the year's documents in the order
    given, and a link per format whose accessible name also names the document (a screen
    reader's list of links then reads "PDF – Årsredovisning 2023", not "PDF" five times)."""
    years = sorted({e.year for e in entries}, reverse=True)
    sections = []
    for year in years:
        items = []
        for entry in (e for e in entries if e.year == year):
            links = []
            for label, href in entry.formats:
                safe = relative_href(href)
                hidden = f'<span class="visually-hidden"> – {esc(entry.title)}</span>'
                links.append(f'<li><a href="{esc(safe)}">{esc(label)}{hidden}</a></li>' if safe
                             else f"<li>{esc(label)}</li>")
            items.append(f'<li><span class="document-title">{esc(entry.title)}</span>'
                         f'<ul class="format-links">{"".join(links)}</ul></li>')
        sections.append(f'<section><h2 id="ar-{year}" class="l1">{year}</h2>'
                        f'<ul class="documents">{"".join(items)}</ul></section>')
    main = "\n".join(sections) if sections else "<p>Inga dokument har byggts.</p>"
    return page(title=title, style=style or WebStyle(),
                header=f'<header class="plain-head"><h1>{esc(title)}</h1></header>', main=main)
