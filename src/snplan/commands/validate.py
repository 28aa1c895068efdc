"""`snplan validate`: load, check, and summarise — answered from the snapshot of the last
check when nothing it read has changed (`source.snapshot`), which takes a tenth of the time.

Only the standard library, the problems and the snapshot are imported before the snapshot is
asked, so an unchanged data directory is answered without importing pydantic or the models;
the checking itself (`rules.report`) is imported when there is something to check.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from ..messages import _
from ..problems import HasProblems, Problem, display_path, printable
from ..source import snapshot

if TYPE_CHECKING:
    from ..rules.report import Report
    from ..source.load import Dataset


@dataclass
class Outcome(HasProblems):
    """What `snplan validate` says: every problem, and the summary of what the data holds."""

    problems: list[Problem]
    summary: str

    def failed(self, strict: bool = False, complete: bool = False) -> bool:
        """Errors always fail; values still to be filled in fail with `complete` or `strict`;
        warnings with `strict`."""
        return bool(self.errors or ((strict or complete) and self.todo)
                    or (strict and self.warnings))

    def failure_line(self, strict: bool = False, complete: bool = False) -> str:
        parts = [_("{count} error(s)").format(count=len(self.errors))]
        if self.todo and (strict or complete):
            parts.append(_("{count} value(s) still to be filled in").format(
                count=len(self.todo)))
        if self.warnings and strict:
            parts.append(_("{count} warning(s)").format(count=len(self.warnings)))
        suffix = (_(" (warnings count as errors with --strict)") if strict and self.warnings
                  else "")
        return _("validation failed: {parts}").format(parts=", ".join(parts)) + suffix


def run(data: Path, year: int | None = None) -> Outcome:
    """The outcome of checking `data` (only the problems of `year`, when given)."""
    key = snapshot.key(data, f"validate:{year}")
    kept = snapshot.load(key)
    if isinstance(kept, Outcome):
        return kept
    from ..rules.report import run as check  # the models and rules: only when needed

    report = check(data, year=year)
    outcome = Outcome(report.problems, summary(report))
    snapshot.store(key, outcome)
    return outcome


def summary(report: Report) -> str:
    """What the data holds, per year, in a few lines."""
    ds = report.dataset
    files = (1 if ds.organisation_source else 0) + sum(
        len(y.sources) for y in ds.years.values()
    )
    years = [y for y in sorted(ds.years) if report.year is None or y == report.year]
    notes = []
    if report.warnings:
        notes.append(_("{count} warning(s)").format(count=len(report.warnings)))
    if report.todo:
        notes.append(_("{count} value(s) still to be filled in").format(count=len(report.todo)))
    lines = [
        _("ok: {files} file(s), {years} year(s) in {root}").format(
            files=files, years=len(ds.years), root=display_path(ds.root))
        + "".join(f", {n}" for n in notes)
    ]
    if ds.organisation:
        org = ds.organisation
        lines.append("  " + _("{kommun}, {namnd}: {breakdowns} breakdowns, {goals} goals, "
                              "amounts in {unit}").format(
            kommun=org.kommun, namnd=org.namnd, breakdowns=len(org.indelningar),
            goals=len(org.goals()), unit=org.belopp_enhet))
    for number in years:
        lines.append(f"  {number}: {describe_year(ds, number, report.todo)}")
    return printable("\n".join(lines))  # names from the data, escaped for the terminal


def describe_year(dataset: Dataset, number: int, todo: list[Problem]) -> str:
    """One line on what a year's data holds, for the summary: each document with its number
    of blocks (a document that cannot be built from them holds figures only), and what is
    still to be filled in."""
    from ..documents import KINDS  # what a document needs: only when the data was checked

    year = dataset.years[number]
    held: list[str] = []
    for kind in KINDS.values():
        documents = year.all(kind.name)
        if not documents:
            continue
        if kind.single:
            document = documents[""]
            blocks = len(document.blocks)
            complete = not kind.missing(dataset, number)
            held.append(_("{document} ({blocks} blocks)").format(
                document=kind.label.lower(), blocks=blocks) if complete
                else _("{document}: figures only ({blocks} blocks)").format(
                    document=kind.label.lower(), blocks=blocks))
        else:
            held.append(f"{len(documents)} {kind.label.lower()}")
    for ledger in year.ledgers:  # so the controller sees the export was found and read
        held.append(_("ledger {file} ({count} result accounts)").format(
            file=Path(ledger.path).name, count=len(ledger.result_accounts())))
    for source in year.sources.values():
        pending = sum(1 for p in todo if p.path == source.path)
        if pending:
            held.append(_("{file}: {count} value(s) to be filled in").format(
                file=Path(source.path).name, count=pending))
    return ", ".join(held) if held else _("nothing yet")
