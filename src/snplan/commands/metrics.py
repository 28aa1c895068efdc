"""`snplan metrics`: a year's key figures with their changes and deviations."""

from __future__ import annotations

from pathlib import Path

from ..errors import UsageError
from ..problems import printable
from .validate import load_clean, require_year


def run(data: Path, year: int | None, fmt: str) -> str:
    """The metrics of `year` (default: the newest year) as text in `fmt`."""
    from .. import metrics

    if fmt not in metrics.FORMATS:
        raise UsageError(f"--format must be one of {', '.join(metrics.FORMATS)}")
    dataset = load_clean(data, "no figures were computed").dataset
    if year is None:
        if not dataset.years:
            raise UsageError("the data holds no year yet")
        year = max(dataset.years)
    require_year(dataset, year)
    text = metrics.render(metrics.collect(dataset, year), year, fmt)
    # names from the data reach a terminal with control and direction characters escaped;
    # the machine formats (csv, json) carry them as they are
    return printable(text) if fmt in {"table", "markdown"} else text
