"""The cover memo (tjänsteskrivelse) of a matter put before the committee. A memo may quote
the figures of the document it puts forward (its `dokument`)."""

from .kind import DocumentKind

MEMO = DocumentKind("tjansteskrivelse", "Tjänsteskrivelse", ("ts",),
                    prefix="tjansteskrivelse", memo=True)
