"""Pydantic models of every kind of data file, and the kinds of document.

A document's data file holds the document's own fields (`meta`) and its blocks, whose keys
and types come from the document kind's outline (`disposition`); `files.file_model` builds
the model of such a file for one outline. `kinds` says where each kind's files lie. This
package's own import pulls in only the kinds (the outline model is built from the block
types, which import the models below it).
"""

from .kinds import DISPOSITION_DIR, KINDS, Kind

# The kinds by name, as the loader and the schemas have always named them.
DOCUMENT_FILES = KINDS

__all__ = ["DISPOSITION_DIR", "DOCUMENT_FILES", "KINDS", "Kind"]
