"""The annual report (årsredovisning) of a year."""

from .kind import DocumentKind

REPORT = DocumentKind("arsredovisning", "Årsredovisning", ("ar",), workbook=True)
