"""`snplan schema`: write or check the JSON Schemas of the data files."""

from __future__ import annotations

from pathlib import Path

from ..errors import DataError, UsageError


def _dispositions(data: Path | None) -> dict:
    """The organisation's own outlines, when a data directory is given (its files' schemas
    follow them)."""
    if data is None or not data.is_dir():
        return {}
    from ..source.load import load

    return load(data).dispositions


def run(out: Path, check: bool, data: Path | None = None) -> list[Path]:
    """The schema files written; with `check`, raise DataError naming the stale ones."""
    from .. import schemas
    from ..output.files import OutputPathError

    dispositions = _dispositions(data)
    if check:
        stale = schemas.stale(out, dispositions)
        if stale:
            raise DataError("\n".join(f"{out / name}: out of date; run `snplan schema`"
                                      for name in stale))
        return []
    try:
        return schemas.write(out, dispositions)
    except OutputPathError as exc:
        raise UsageError(str(exc)) from None
    except OSError as exc:
        raise UsageError(f"cannot write to {exc.filename or out}: {exc.strerror or exc}") \
            from None
