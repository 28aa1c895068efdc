"""The user's cache directory for snplan: what is slow to make and changes only with its
input (chart pictures, compiled templates) is kept there between runs, never in the output
directory, which a failed build must leave untouched."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path


def user_cache_dir(name: str) -> Path:
    """`$XDG_CACHE_HOME/snplan/NAME` (by default under ~/.cache); not created here."""
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "snplan" / name


def keep(directory: Path, name: str, data: bytes, kept: int | None = None,
         slack: int = 0) -> None:
    """Write `data` as the entry `name` of the cache directory `directory` (made, private to
    the user, if need be): through a temporary file renamed into place, so a reader never
    sees half an entry. With `kept`, the newest `kept` entries stay and older ones go; the
    directory is looked at only once it holds `slack` entries more (a store that lists a
    directory of thousands of entries every time would cost more than it saves). Raises
    OSError; a caller whose cache cannot be written only loses time."""
    directory.mkdir(parents=True, exist_ok=True, mode=0o700)
    handle, temporary = tempfile.mkstemp(dir=directory, suffix=".tmp")
    with os.fdopen(handle, "wb") as stream:
        stream.write(data)
    os.replace(temporary, directory / name)
    if kept is not None:
        _prune(directory, kept, slack)


def _prune(directory: Path, kept: int, slack: int) -> None:
    with os.scandir(directory) as scan:
        entries = [entry for entry in scan if entry.is_file(follow_symlinks=False)
                   and not entry.name.endswith(".tmp")]
    if len(entries) <= kept + slack:
        return
    entries.sort(key=lambda entry: entry.stat(follow_symlinks=False).st_mtime_ns)
    for old in entries[:-kept]:
        Path(old.path).unlink(missing_ok=True)
