"""Pydantic models of every kind of data file, and where each kind of file lives.

A document's data file holds the document's own fields (`meta`) and its blocks, whose keys
and types come from the document kind's outline (`disposition`); `files.file_model` builds
the model of such a file for one outline.
"""

from __future__ import annotations

from dataclasses import dataclass

from pydantic import BaseModel

from .disposition import Disposition
from .meta import MblMeta, MemoMeta, PlanMeta, ReportMeta
from .organisation import Organisation


@dataclass(frozen=True)
class DocumentFiles:
    """Where a document kind's data files lie in a year's directory: one file (`file`) or
    one file per matter in a folder (`folder`), and the model of the document's own fields."""

    kind: str
    meta: type[BaseModel]
    file: str | None = None
    folder: str | None = None

    @property
    def schema_file(self) -> str:
        return f"{self.kind}.schema.json"

    @property
    def description(self) -> str:
        return f"data/YEAR/{self.file}" if self.file else f"data/YEAR/{self.folder}/*.yaml"


DOCUMENT_FILES: dict[str, DocumentFiles] = {
    f.kind: f
    for f in (
        DocumentFiles("verksamhetsplan", PlanMeta, file="verksamhetsplan.yaml"),
        DocumentFiles("arsredovisning", ReportMeta, file="arsredovisning.yaml"),
        DocumentFiles("tjansteskrivelse", MemoMeta, folder="arenden"),
        DocumentFiles("mbl-protokoll", MblMeta, folder="mbl"),
    )
}

# The directory of a data directory that holds an organisation's own outlines.
DISPOSITION_DIR = "disposition"

__all__ = ["DISPOSITION_DIR", "DOCUMENT_FILES", "Disposition", "DocumentFiles",
           "Organisation"]
