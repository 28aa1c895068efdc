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
from ..messages import _
from ..problems import HasProblems, Problem, display_path
from ..source import snapshot
from ..source.load import DataDirectoryError, Dataset, load
from . import run_all


@dataclass
class Report(HasProblems):
    dataset: Dataset
    problems: list[Problem]
    year: int | None


def run(data: Path, year: int | None = None) -> Report:
    """Load and check a data directory; raise UsageError when there is nothing to check.
    The whole directory's report is kept between runs (`source.snapshot`): a build of
    unchanged data starts from it instead of reading and checking every file again."""
    if year is None:
        key = snapshot.key(data, "report")
        kept = snapshot.load(key)
        if isinstance(kept, Report):
            return kept
        report = _checked(data, None)
        snapshot.store(key, report)
        return report
    return _checked(data, year)


def _checked(data: Path, year: int | None) -> Report:
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
    problems.sort(key=_cause_first)
    return Report(dataset, problems, year)


def _cause_first(problem: Problem) -> tuple[int, str, int, str]:
    """Problems in the order a reader fixes them: what every file depends on first (the
    outlines, organisation.yaml, the outlines snplan ships), then file by file and line by
    line, so an error that only follows from another comes after its cause."""
    path = problem.path.replace("\\", "/")
    first = "/disposition/" in f"/{path}" or path.endswith("organisation.yaml") \
        or "/dispositioner/" in path
    return (0 if first else 1, problem.path, problem.line or 0, problem.field)


def require_year(dataset: Dataset, year: int) -> None:
    """A year the data does not have is a usage error (exit 2) in every command."""
    if year not in dataset.years:
        known = ", ".join(str(y) for y in sorted(dataset.years)) or "none"
        raise UsageError(_("there is no data for {year} in {root} (years: {known})").format(
                             year=year, root=display_path(dataset.root), known=known))


def load_clean(data: Path, consequence: str | None = None) -> Report:
    """Load and validate; raise DataError with every error when the data has errors. Values
    still to be filled in and warnings do not stop the command. `consequence` says, in the
    messages' language, what the command did not do (default: nothing was built)."""
    report = run(data)
    if report.errors:
        said = consequence if consequence is not None else _("nothing was built")
        raise DataError(_("the data has errors; {consequence} (see snplan validate)").format(
                            consequence=said),
                        problems=report.errors)
    return report
