"""`snplan schema`: write or check the JSON Schemas of the data files."""

from __future__ import annotations

from pathlib import Path

from ..errors import DataError, UsageError


def run(out: Path, check: bool) -> list[Path]:
    """The schema files written; with `check`, raise DataError naming the stale ones."""
    from .. import schemas
    from ..render.output import OutputPathError

    if check:
        stale = schemas.stale(out)
        if stale:
            raise DataError("\n".join(f"{out / name}: out of date; run `snplan schema`"
                                      for name in stale))
        return []
    try:
        return schemas.write(out)
    except OutputPathError as exc:
        raise UsageError(str(exc)) from None
    except OSError as exc:
        raise UsageError(f"cannot write to {exc.filename or out}: {exc.strerror or exc}") \
            from None
