"""`snplan list`: which documents each year's data allows, and what the others lack."""

from __future__ import annotations

from pathlib import Path

from .. import documents
from ..messages import _
from ..problems import printable
from ..rules.report import load_clean


def run(data: Path) -> list[str]:
    report = load_clean(data)
    dataset = report.dataset
    lines: list[str] = []
    for year in sorted(dataset.years):
        lines.append(f"{year}")
        for spec in documents.KINDS.values():
            pending = documents.pending_for(dataset, spec.name, year, report.todo)
            if pending:
                lines.append("  " + _("waiting  {document} {year}: {count} value(s) still to "
                                      "be filled in (see snplan validate)").format(
                    document=spec.label, year=year, count=len(pending)))
                continue
            targets = documents.targets_for(dataset, spec.name, year)
            if targets:
                for target in targets:
                    lines.append("  " + _("ok       {document} -> {file}").format(
                        document=target.label, file=f"{year}/{target.filename}.docx"))
            elif not spec.single:
                continue
            else:
                missing = documents.missing_for(dataset, spec.name, year)
                lines.append("  " + _("missing  {document} {year}: ").format(
                    document=spec.label, year=year) + "; ".join(missing))
    return [printable(line) for line in lines]  # titles from the data, escaped
