"""The registry of document kinds: what each is called, which data it needs, which template
renders it, and where its output goes.

This module decides *whether* a document can be built and says exactly what is missing when it
cannot; it imports no renderer, so `snplan list` stays fast.
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass
from pathlib import Path

from .load import Dataset
from .problems import Problem, display_path


@dataclass(frozen=True)
class DocumentKind:
    name: str
    label: str
    aliases: tuple[str, ...]
    template: str


KINDS: dict[str, DocumentKind] = {
    k.name: k
    for k in (
        DocumentKind("verksamhetsplan", "Verksamhetsplan och budget", ("vp",),
                     "verksamhetsplan.md.j2"),
        DocumentKind("arsredovisning", "Årsredovisning", ("ar",), "arsredovisning.md.j2"),
        DocumentKind("tjansteskrivelse", "Tjänsteskrivelse", ("ts",), "tjansteskrivelse.md.j2"),
        DocumentKind("mbl-protokoll", "Förhandlingsprotokoll MBL § 11", ("mbl",), "mbl.md.j2"),
    )
}


def _ascii(text: str) -> str:
    decomposed = unicodedata.normalize("NFKD", text.lower())
    return "".join(c for c in decomposed if not unicodedata.combining(c))


def describe_kind(kind: DocumentKind) -> str:
    """`årsredovisning (arsredovisning, ar)`: the names a user may type for a kind."""
    return f"{kind.name} ({', '.join(kind.aliases)})"


def kind_named(word: str) -> DocumentKind | None:
    """Accept Swedish and ASCII spellings: årsredovisning/arsredovisning, vp, mbl …"""
    wanted = _ascii(word.strip())
    for kind in KINDS.values():
        if wanted == kind.name or wanted in kind.aliases:
            return kind
    return None


@dataclass(frozen=True, order=True)
class Target:
    """One document to build: a kind, a year and, for matters and protocols, a slug."""

    year: int
    kind: str
    slug: str = ""

    @property
    def filename(self) -> str:
        if self.slug:
            prefix = "tjansteskrivelse" if self.kind == "tjansteskrivelse" else "mbl"
            return f"{prefix}-{self.slug}"
        return f"{self.kind}-{self.year}"

    @property
    def label(self) -> str:
        base = KINDS[self.kind].label
        return f"{base} {self.year}" + (f" ({self.slug})" if self.slug else "")


def missing_for(ds: Dataset, kind: str, year: int) -> list[str]:
    """What a document of `kind` for `year` lacks, as sentences naming file and field."""
    entry = ds.years.get(year)
    where = display_path(ds.root / str(year))
    if entry is None:
        return [f"{where}/ does not exist"]
    missing: list[str] = []
    if kind == "verksamhetsplan":
        plan = entry.plan
        if plan is None:
            return [f"{where}/verksamhetsplan.yaml does not exist (or has errors)"]
        for name in ("sammanfattning", "budget"):
            if getattr(plan, name) is None:
                missing.append(f"{where}/verksamhetsplan.yaml: {name}")
        if not plan.namndmal:
            missing.append(f"{where}/verksamhetsplan.yaml: namndmal")
        previous = ds.years.get(year - 1)
        if previous is None or previous.plan is None or previous.plan.budget is None:
            missing.append(f"{display_path(ds.root / str(year - 1))}/verksamhetsplan.yaml: "
                           f"budget (the comparison "
                           f"column \"Budget {year - 1}\")")
    elif kind == "arsredovisning":
        out = entry.outcome
        if out is None:
            return [f"{where}/arsredovisning.yaml does not exist (or has errors)"]
        for name in ("sammanfattning", "ekonomi", "personal"):
            if getattr(out, name) is None:
                missing.append(f"{where}/arsredovisning.yaml: {name}")
        if not out.malbedomningar:
            missing.append(f"{where}/arsredovisning.yaml: malbedomningar")
        if out.ekonomi is not None:
            rows = out.ekonomi.resultatrakning.rader.values()
            if any(r.budget is None for r in rows):
                missing.append(f"{where}/arsredovisning.yaml: ekonomi.resultatrakning budget "
                               "column")
            if any(r.prognos is None for r in rows):
                missing.append(f"{where}/arsredovisning.yaml: ekonomi.resultatrakning prognos "
                               "column")
        previous = ds.years.get(year - 1)
        prev = previous.outcome if previous else None
        if prev is None or prev.ekonomi is None:
            missing.append(f"{display_path(ds.root / str(year - 1))}/arsredovisning.yaml: "
                           f"ekonomi (the comparison "
                           f"column \"{year - 1}\")")
        if prev is None or prev.personal is None:
            missing.append(f"{display_path(ds.root / str(year - 1))}/arsredovisning.yaml: "
                           f"personal (the comparison "
                           f"column \"{year - 1}\")")
    elif kind == "tjansteskrivelse":
        if not entry.matters:
            missing.append(f"{where}/arenden/: no matters")
    elif kind == "mbl-protokoll" and not entry.mbl:
        missing.append(f"{where}/mbl/: no protocols")
    return missing


def targets_for(ds: Dataset, kind: str, year: int) -> list[Target]:
    """The documents of `kind` that `year` holds (several for matters and protocols)."""
    entry = ds.years.get(year)
    if entry is None or missing_for(ds, kind, year):
        return []
    if kind == "tjansteskrivelse":
        return [Target(year, kind, slug) for slug in sorted(entry.matters)]
    if kind == "mbl-protokoll":
        return [Target(year, kind, slug) for slug in sorted(entry.mbl)]
    return [Target(year, kind)]


def all_targets(ds: Dataset) -> list[Target]:
    """Every document the data allows, year by year."""
    result: list[Target] = []
    for year in sorted(ds.years):
        for kind in KINDS:
            result.extend(targets_for(ds, kind, year))
    return result


def find_matter(ds: Dataset, year: int, key: str) -> str | None:
    """A matter's slug from its slug or its registration number (SN/2021:59)."""
    entry = ds.years.get(year)
    if entry is None:
        return None
    if key in entry.matters:
        return key
    for slug, matter in entry.matters.items():
        if matter.diarienummer and matter.diarienummer.replace(" ", "") == key.replace(" ", ""):
            return slug
    return None


def inputs_of(ds: Dataset, target: Target) -> list[Path]:
    """The data files a document reads (a superset is fine: it only costs a rebuild)."""
    data = ds.root
    year = data / str(target.year)
    prev = data / str(target.year - 1)
    files = [data / "organisation.yaml", data / "reference.docx"]
    if target.kind == "verksamhetsplan":
        files += [year / "verksamhetsplan.yaml", prev / "verksamhetsplan.yaml"]
    elif target.kind == "arsredovisning":
        files += [year / "arsredovisning.yaml", prev / "arsredovisning.yaml",
                  data / str(target.year - 2) / "arsredovisning.yaml"]
    elif target.kind == "tjansteskrivelse":
        files += [year / "arenden" / f"{target.slug}.yaml", year / "arsredovisning.yaml",
                  prev / "arsredovisning.yaml", year / "verksamhetsplan.yaml",
                  prev / "verksamhetsplan.yaml"]
    else:
        files += [year / "mbl" / f"{target.slug}.yaml", year / "verksamhetsplan.yaml",
                  prev / "verksamhetsplan.yaml"]
    return files


def own_files(ds: Dataset, kind: str, year: int) -> list[Path]:
    """The files that hold a document's own content (not its comparison columns)."""
    entry = ds.root / str(year)
    if kind == "verksamhetsplan":
        return [entry / "verksamhetsplan.yaml"]
    if kind == "arsredovisning":
        return [entry / "arsredovisning.yaml"]
    folder = "arenden" if kind == "tjansteskrivelse" else "mbl"
    return sorted((entry / folder).glob("*.yaml"))


def pending_for(ds: Dataset, kind: str, year: int, todo: list[Problem]) -> list[Problem]:
    """Values still to be filled in (placeholders) in the files of a document."""
    names = {display_path(p) for p in own_files(ds, kind, year)}
    return [p for p in todo if p.path in names]


def unfinished(ds: Dataset, todo: list[Problem]) -> list[tuple[str, int, int]]:
    """(kind, year, count) of every document that still holds values to be filled in."""
    found = []
    for year in sorted(ds.years):
        for kind in KINDS:
            count = len(pending_for(ds, kind, year, todo))
            if count:
                found.append((kind, year, count))
    return found
