"""The plan and budget (verksamhetsplan och budget) of a year."""

from .kind import DocumentKind

PLAN = DocumentKind("verksamhetsplan", "Verksamhetsplan och budget", ("vp",), workbook=True)
