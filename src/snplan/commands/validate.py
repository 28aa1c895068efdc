"""`snplan validate`: load, check, and summarise.

This module must stay free of the document renderers (python-docx, openpyxl): a controller
runs validation on every save, and importing those alone costs a third of a second. Jinja's
parser (about 13 ms) is imported only when a prose text holds an expression, to check it
against the prose language (`prose_rules`) as the build would; markdown-it only when a prose
text may hold Markdown that Word cannot place.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from .. import rules
from ..documents import KINDS
from ..errors import DataError, UsageError
from ..problems import HasProblems, Problem, display_path, printable
from ..source.load import DataDirectoryError, Dataset, load


@dataclass
class Report(HasProblems):
    dataset: Dataset
    problems: list[Problem]
    year: int | None

    def failed(self, strict: bool = False, complete: bool = False) -> bool:
        """Errors always fail; values still to be filled in fail with `complete` or `strict`;
        warnings with `strict`."""
        return bool(self.errors or ((strict or complete) and self.todo)
                    or (strict and self.warnings))

    def failure_line(self, strict: bool = False, complete: bool = False) -> str:
        parts = [f"{len(self.errors)} error(s)"]
        if self.todo and (strict or complete):
            parts.append(f"{len(self.todo)} value(s) still to be filled in")
        if self.warnings and strict:
            parts.append(f"{len(self.warnings)} warning(s)")
        suffix = " (warnings count as errors with --strict)" if strict and self.warnings else ""
        return f"validation failed: {', '.join(parts)}{suffix}"

    def summary(self) -> str:
        """What the data holds, per year, in a few lines."""
        ds = self.dataset
        files = (1 if ds.organisation_source else 0) + sum(
            len(y.sources) for y in ds.years.values()
        )
        years = [y for y in sorted(ds.years) if self.year is None or y == self.year]
        notes = []
        if self.warnings:
            notes.append(f"{len(self.warnings)} warning(s)")
        if self.todo:
            notes.append(f"{len(self.todo)} value(s) still to be filled in")
        lines = [
            f"ok: {files} file(s), {len(ds.years)} year(s) in {display_path(ds.root)}"
            + "".join(f", {n}" for n in notes)
        ]
        if ds.organisation:
            org = ds.organisation
            lines.append(
                f"  {org.kommun}, {org.namnd}: {len(org.indelningar)} breakdowns, "
                f"{len(org.goals())} goals, amounts in {org.belopp_enhet}"
            )
        for number in years:
            lines.append(f"  {number}: {describe_year(ds, number, self.todo)}")
        return printable("\n".join(lines))  # names from the data, escaped for the terminal


def describe_year(dataset: Dataset, number: int, todo: list[Problem]) -> str:
    """One line on what a year's data holds, for the summary: each document with its number
    of blocks (a document that cannot be built from them holds figures only), and what is
    still to be filled in."""
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
            held.append(f"{kind.label.lower()} ({blocks} blocks)" if complete
                        else f"{kind.label.lower()}: figures only ({blocks} blocks)")
        else:
            held.append(f"{len(documents)} {kind.label.lower()}")
    for source in year.sources.values():
        pending = sum(1 for p in todo if p.path == source.path)
        if pending:
            held.append(f"{Path(source.path).name}: {pending} value(s) to be filled in")
    return ", ".join(held) if held else "nothing yet"


def run(data: Path, year: int | None = None) -> Report:
    """Load and check a data directory; raise UsageError when there is nothing to check."""
    try:
        dataset = load(data)
    except DataDirectoryError as exc:
        raise UsageError(str(exc)) from None
    if year is not None:
        require_year(dataset, year)
    problems = list(dataset.problems)
    problems.extend(rules.run_all(dataset))
    if year is not None:
        year_dir = display_path(dataset.years[year].directory)
        problems = [p for p in problems
                    if p.path.startswith(year_dir) or (p.also or "").startswith(year_dir)]
    # a placeholder in a number field is reported by the model and by the placeholder check
    problems = list(dict.fromkeys(problems))
    problems.sort(key=lambda p: (p.path, p.line or 0, p.field))
    return Report(dataset, problems, year)


def require_year(dataset: Dataset, year: int) -> None:
    """A year the data does not have is a usage error (exit 2) in every command."""
    if year not in dataset.years:
        known = ", ".join(str(y) for y in sorted(dataset.years)) or "none"
        raise UsageError(f"there is no data for {year} in {display_path(dataset.root)} "
                         f"(years: {known})")


def load_clean(data: Path, consequence: str = "nothing was built") -> Report:
    """Load and validate; raise DataError with every error when the data has errors. Values
    still to be filled in and warnings do not stop the command."""
    report = run(data)
    if report.errors:
        raise DataError(f"the data has errors; {consequence} (see snplan validate)",
                        problems=report.errors)
    return report
