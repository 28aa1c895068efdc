"""`snplan reference`: write the default Word style reference, to restyle."""

from __future__ import annotations

from pathlib import Path

from ..errors import UsageError
from ..messages import _
from ..output.files import OutputPathError, atomic_write, refuse_link
from ..output.reference import build_reference
from .rendering import DEFAULT_TEMPLATES

DEFAULT_NAME = "reference.docx"


def run(out: Path | None) -> Path:
    """Write the default reference to `out` (default: reference.docx in the working
    directory). Without `--out` nothing existing is overwritten, least of all the reference
    snplan ships."""
    target = out if out is not None else Path(DEFAULT_NAME)
    if out is None:
        shipped = (DEFAULT_TEMPLATES / DEFAULT_NAME).resolve()
        if target.resolve() == shipped or target.exists() or target.is_symlink():
            raise UsageError(_("{target} already exists; give --out FILE to choose where the "
                               "style reference goes").format(target=target))
    try:
        refuse_link(target)
        atomic_write(target, build_reference())
    except OutputPathError as exc:
        raise UsageError(str(exc)) from None
    except OSError as exc:
        raise UsageError(_("cannot write {target}: {exc}").format(
                             target=target, exc=exc.strerror or exc)) from None
    return target
