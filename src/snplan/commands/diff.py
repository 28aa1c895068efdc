"""`snplan diff`: what changed in the data between two git revisions, for a reviewer."""

from __future__ import annotations

from pathlib import Path

from ..errors import UsageError

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
    return diff.render(report, fmt)
