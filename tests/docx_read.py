"""Reading generated Word documents back for golden checks."""

from __future__ import annotations

from pathlib import Path

from docx import Document
from docx.document import Document as DocumentObject
from docx.table import Table


def open_docx(path: Path) -> DocumentObject:
    return Document(str(path))


def table_starting_with(doc: DocumentObject, first_cell: str, containing: str = "") -> Table:
    """The first table whose top-left cell reads `first_cell` (and whose first row has a cell
    reading `containing`, when given)."""
    for table in doc.tables:
        header = [c.text.replace("\u00ad", "").strip() for c in table.rows[0].cells]
        if header[0] == first_cell and (not containing or containing in header):
            return table
    raise AssertionError(f"no table starting with {first_cell!r}")


def rows_of(table: Table) -> list[list[str]]:
    return [[cell.text.replace("\u00ad", "") for cell in row.cells] for row in table.rows]


def headings(doc: DocumentObject) -> list[str]:
    return [p.text for p in doc.paragraphs if p.style.name.startswith("Heading")]


def all_text(doc: DocumentObject) -> str:
    parts = [p.text for p in doc.paragraphs]
    for table in doc.tables:
        for row in table.rows:
            parts.extend(cell.text for cell in row.cells)
    return "\n".join(parts)
