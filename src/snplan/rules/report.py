"""A data directory loaded and checked: every problem the loader and the rules find, and a
summary of what each year holds. Every command that reads data starts here (`load_clean`), so
what `snplan validate` refuses, no command uses.

This module stays free of the document writers (python-docx, openpyxl, Jinja's templates): a
controller runs validation on every save.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from ..errors import DataError, UsageError
from ..problems import HasProblems, Problem, display_path
from ..source.load import DataDirectoryError, Dataset, load
from . import run_all


@dataclass
class Report(HasProblems):
    dataset: Dataset
    problems: list[Problem]
    year: int | None


def run(data: Path, year: int | None = None) -> Report:
    """Load and check a data directory; raise UsageError when there is nothing to check."""
    try:
        dataset = load(data)
    except DataDirectoryError as exc:
        raise UsageError(str(exc)) from None
    if year is not None:
        require_year(dataset, year)
    problems = list(dataset.problems)
    problems.extend(run_all(dataset))
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
