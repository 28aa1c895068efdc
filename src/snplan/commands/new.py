"""`snplan new YEAR`: start a year's plan from the last one."""

from __future__ import annotations

from pathlib import Path

from ..errors import DataError, UsageError
from ..source.load import FIRST_YEAR, LAST_YEAR  # the years validation accepts
from .validate import load_clean


def run(data: Path, year: int) -> Path:
    from .. import scaffold
    from ..output.files import OutputPathError

    if not FIRST_YEAR <= year <= LAST_YEAR:
        raise UsageError(f"{year} is outside the years snplan can validate "
                         f"({FIRST_YEAR}–{LAST_YEAR})")
    existing = data / str(year) / "verksamhetsplan.yaml"
    if existing.exists() or existing.is_symlink():
        raise DataError(f"{existing} already exists; snplan new never overwrites a file")
    dataset = load_clean(data, "nothing was created").dataset
    try:
        return scaffold.create(dataset, year)
    except scaffold.ScaffoldError as exc:
        raise DataError(str(exc)) from None
    except OutputPathError as exc:
        raise UsageError(str(exc)) from None
    except FileExistsError as exc:
        raise DataError(f"{exc.filename or existing} already exists; snplan new never "
                        "overwrites a file") from None
    except OSError as exc:
        raise DataError(f"cannot write {exc.filename or existing}: {exc.strerror or exc}") \
            from None
