"""The kinds of document and where their data lies: the one table every command reads.

A kind has its names (Swedish and ASCII), the model of a data file's own fields, and its place
in a year's directory: one file per year (`file`) or one file per matter in a folder
(`folder`). The loader finds files here, the documents stage builds from here, and nothing
else says where a kind's files lie.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml
from pydantic import BaseModel

from .meta import MblMeta, MemoMeta, PeriodMeta, PlanMeta, ReportMeta

# The directory of a data directory that holds an organisation's own outlines.
DISPOSITION_DIR = "disposition"
# Where snplan's own outlines lie (package data of `documents/`; read here as files, never
# imported, so the registry knows the shipped period kinds before anything else is loaded).
SHIPPED_OUTLINES = Path(__file__).resolve().parent.parent / "documents" / "dispositioner"
# The months a period report may close (a period's name in `period: augusti`).
MONTHS = ("januari", "februari", "mars", "april", "maj", "juni", "juli", "augusti",
          "september", "oktober", "november", "december")


def month_number(name: str) -> int | None:
    """A month's number by its Swedish name as a user types it ("Augusti " is 8); None for
    anything else."""
    wanted = name.strip().lower()
    return MONTHS.index(wanted) + 1 if wanted in MONTHS else None


@dataclass(frozen=True)
class Kind:
    """A kind of document.

    `quotes`: the kind whose figures the document's prose may quote when the data does not
    say (a memo names its document in `dokument`; a protocol quotes the plan). `prefix` names
    the output file of a matter (`tjansteskrivelse-SLUG`); a single document is `KIND-YEAR`.
    `workbook`: the document gets a workbook of its tables; `memo`: a memo's checks apply.
    `period`: the month a period report closes (its outline's `period: {manad: 8}`), None for
    the plan, the report and the matters; `own`: the kind is an organisation's, defined by an
    outline of its data directory alone.
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
    period: int | None = None
    own: bool = False

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


def period_kind(name: str, period: dict[str, Any], own: bool = False) -> Kind:
    """The kind an outline with a `period` defines: a period report is data, not a module, so
    a follow-up an organisation invents (a "månadsuppföljning per oktober") needs only its
    outline. Its file is `data/YEAR/NAME.yaml`; it gets a workbook like the annual report."""
    aliases = tuple(str(a) for a in period.get("alias") or ())
    return Kind(name, str(period.get("namn") or name), aliases, PeriodMeta,
                file=f"{name}.yaml", workbook=True, period=int(period["manad"]), own=own)


def _shipped_periods() -> list[Kind]:
    """The period kinds of the outlines snplan ships (every outline with a `period`)."""
    found = []
    for path in sorted(SHIPPED_OUTLINES.glob("*.yaml")):
        text = path.read_text(encoding="utf-8")
        if "\nperiod:" not in text:
            continue
        data = yaml.load(text, Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader))
        found.append(period_kind(path.stem, data["period"]))
    return found


def register(kind: Kind) -> None:
    """Add an organisation's own period kind (the loader does, for each outline of its data
    directory that says a period)."""
    KINDS[kind.name] = kind


def forget_own() -> None:
    """Drop the kinds an earlier data directory defined: one process loads one organisation
    at a time, and its kinds must not leak into the next one's."""
    for name in [k.name for k in KINDS.values() if k.own]:
        del KINDS[name]


KINDS: dict[str, Kind] = {k.name: k for k in (
    Kind("verksamhetsplan", "Verksamhetsplan och budget", ("vp",), PlanMeta,
         file="verksamhetsplan.yaml", workbook=True),
    Kind("arsredovisning", "Årsredovisning", ("ar",), ReportMeta, file="arsredovisning.yaml",
         workbook=True),
    Kind("tjansteskrivelse", "Tjänsteskrivelse", ("ts",), MemoMeta, folder="arenden",
         prefix="tjansteskrivelse", memo=True),
    Kind("mbl-protokoll", "Förhandlingsprotokoll MBL § 11", ("mbl",), MblMeta, folder="mbl",
         prefix="mbl", quotes="verksamhetsplan"),
    *_shipped_periods(),
)}

__all__ = ["DISPOSITION_DIR", "KINDS", "MONTHS", "Kind", "forget_own", "month_number",
           "period_kind", "register"]
