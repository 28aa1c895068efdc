"""The record of the union consultation before a decision (förhandlingsprotokoll enligt
MBL § 11). Its prose may quote the plan of its year."""

from .kind import DocumentKind

PROTOCOL = DocumentKind("mbl-protokoll", "Förhandlingsprotokoll MBL § 11", ("mbl",),
                        prefix="mbl", quotes="verksamhetsplan")
