"""`snplan diff`: what changed in the data between two git revisions, for a reviewer."""

from __future__ import annotations

from pathlib import Path

from ..errors import UsageError
from ..problems import printable

FORMATS = ("text", "markdown", "json")


def run(data: Path, base: str | None, head: str | None, fmt: str) -> str:
    from .. import diff

    if fmt not in FORMATS:
        raise UsageError(f"--format must be one of {', '.join(FORMATS)}")
    if not data.is_dir():
        raise UsageError(f"the data directory {data} does not exist")
    try:
        report = diff.run(data, base, head)
    except diff.DiffError as exc:
        raise UsageError(str(exc)) from None
    text = diff.render(report, fmt)
    # file names and texts from the data reach the terminal with their control and
    # direction characters escaped (JSON escapes what it must itself)
    return text if fmt == "json" else printable(text)
