"""The user's cache directory for snplan: what is slow to make and changes only with its
input (chart pictures, compiled templates) is kept there between runs, never in the output
directory, which a failed build must leave untouched."""

from __future__ import annotations

import os
from pathlib import Path


def user_cache_dir(name: str) -> Path:
    """`$XDG_CACHE_HOME/snplan/NAME` (by default under ~/.cache); not created here."""
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "snplan" / name
