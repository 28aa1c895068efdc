"""`snplan validate` as a library function: load, check, and summarise.

This module must stay free of the document renderers (python-docx, openpyxl, Jinja): a
controller runs validation on every save, and importing those alone costs a third of a second.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from . import checks
from .load import DataDirectoryError, Dataset, load
from .problems import HasProblems, Problem, display_path


class UsageError(Exception):
    """The command was used wrongly (exit code 2), as opposed to the data being wrong."""


@dataclass
class Report(HasProblems):
    dataset: Dataset
    problems: list[Problem]
    year: int | None

    def failure_line(self, strict: bool) -> str:
        parts = [f"{len(self.errors)} error(s)"]
        if self.warnings:
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
        lines = [
            f"ok: {files} file(s), {len(ds.years)} year(s) in {display_path(ds.root)}"
            + (f", {len(self.warnings)} warning(s)" if self.warnings else "")
        ]
        if ds.organisation:
            org = ds.organisation
            lines.append(
                f"  {org.kommun}, {org.namnd}: {len(org.enheter)} units, "
                f"{len(org.namndmal)} goals, amounts in {org.belopp_enhet}"
            )
        for number in years:
            lines.append(f"  {number}: {describe_year(ds, number)}")
        return "\n".join(lines)


def describe_year(dataset: Dataset, number: int) -> str:
    """One line on what a year's data holds, for the summary."""
    year = dataset.years[number]
    held: list[str] = []
    plan = year.plan
    if plan is not None:
        if plan.sammanfattning is not None:
            held.append(f"plan ({len(plan.namndmal)} goals, "
                        f"{len(plan.intern_kontroll.plan) if plan.intern_kontroll else 0} "
                        "internal-control rows)")
        elif plan.budget is not None:
            held.append("budget only")
    outcome = year.outcome
    if outcome is not None:
        if outcome.sammanfattning is not None:
            held.append(f"annual report ({len(outcome.malbedomningar)} goal assessments)")
        else:
            held.append("outcome figures")
        if outcome.verksamhetsmatt and outcome.verksamhetsmatt.varden:
            held.append(f"{len(outcome.verksamhetsmatt.varden)} monthly series")
    if year.matters:
        held.append(f"{len(year.matters)} matter(s)")
    if year.mbl:
        held.append(f"{len(year.mbl)} MBL protocol(s)")
    return ", ".join(held) if held else "nothing yet"


def run(data: Path, year: int | None = None) -> Report:
    """Load and check a data directory; raise UsageError when there is nothing to check."""
    try:
        dataset = load(data)
    except DataDirectoryError as exc:
        raise UsageError(str(exc)) from None
    if year is not None and year not in dataset.years:
        known = ", ".join(str(y) for y in sorted(dataset.years)) or "none"
        raise UsageError(f"there is no data for {year} in {display_path(data)} (years: {known})")
    problems = list(dataset.problems)
    problems.extend(checks.run_all(dataset))
    if year is not None:
        year_dir = display_path(dataset.years[year].directory)
        problems = [p for p in problems
                    if p.path.startswith(year_dir) or (p.also or "").startswith(year_dir)]
    # a placeholder in a number field is reported by the model and by the placeholder check
    problems = list(dict.fromkeys(problems))
    problems.sort(key=lambda p: (p.path, p.line or 0, p.field))
    return Report(dataset, problems, year)
