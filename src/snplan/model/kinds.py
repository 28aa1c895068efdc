"""The kinds of document and where their data lies: the one table every command reads.

A kind has its names (Swedish and ASCII), the model of a data file's own fields, and its place
in a year's directory: one file per year (`file`) or one file per matter in a folder
(`folder`). The loader finds files here, the documents stage builds from here, and nothing
else says where a kind's files lie.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from pydantic import BaseModel

from .meta import MblMeta, MemoMeta, PlanMeta, ReportMeta

# The directory of a data directory that holds an organisation's own outlines.
DISPOSITION_DIR = "disposition"


@dataclass(frozen=True)
class Kind:
    """A kind of document.

    `quotes`: the kind whose figures the document's prose may quote when the data does not
    say (a memo names its document in `dokument`; a protocol quotes the plan). `prefix` names
    the output file of a matter (`tjansteskrivelse-SLUG`); a single document is `KIND-YEAR`.
    `workbook`: the document gets a workbook of its tables; `memo`: a memo's checks apply.
    """

    name: str
    label: str
    aliases: tuple[str, ...]
    meta: type[BaseModel]
    file: str | None = None
    folder: str | None = None
    workbook: bool = False
    prefix: str = ""
    quotes: str | None = None
    memo: bool = False

    @property
    def single(self) -> bool:
        """One document a year (a plan, a report), not one per matter."""
        return self.file is not None

    @property
    def schema_file(self) -> str:
        return f"{self.name}.schema.json"

    @property
    def description(self) -> str:
        return f"data/YEAR/{self.file}" if self.file else f"data/YEAR/{self.folder}/*.yaml"

    def path(self, root: Path, year: int, slug: str = "") -> Path:
        """Where the data file of a document of this kind lies."""
        folder = root / str(year)
        if self.file:
            return folder / self.file
        assert self.folder is not None
        return folder / self.folder / f"{slug}.yaml"

    def outline(self, root: Path) -> Path:
        """Where an organisation's own outline of this kind lies."""
        return root / DISPOSITION_DIR / f"{self.name}.yaml"


KINDS: dict[str, Kind] = {k.name: k for k in (
    Kind("verksamhetsplan", "Verksamhetsplan och budget", ("vp",), PlanMeta,
         file="verksamhetsplan.yaml", workbook=True),
    Kind("arsredovisning", "Årsredovisning", ("ar",), ReportMeta, file="arsredovisning.yaml",
         workbook=True),
    Kind("tjansteskrivelse", "Tjänsteskrivelse", ("ts",), MemoMeta, folder="arenden",
         prefix="tjansteskrivelse", memo=True),
    Kind("mbl-protokoll", "Förhandlingsprotokoll MBL § 11", ("mbl",), MblMeta, folder="mbl",
         prefix="mbl", quotes="verksamhetsplan"),
)}

__all__ = ["DISPOSITION_DIR", "KINDS", "Kind"]
