"""Prose texts read once, not once a run: what the prose rules say of a text and the code Jinja
compiles it to are kept in the user's cache directory, as Python keeps its compiled modules.
Reading and compiling the texts was most of the time a build spends on its prose (an
annual report's eight texts took 0.07 s to check and compile, 0.004 s to evaluate); a text
is the same text in every run until somebody edits it.

An entry is named for the text itself and for everything that decides what it becomes:
snplan's own code (an edited rule is never answered from an old entry), Jinja's and Python's
versions (compiled code differs between them), the language of the messages, and what the
caller says of its environment. A missing, damaged or unreadable entry is a miss, never an
error; `SNPLAN_CACHE=0` turns the cache off, as it does the snapshot.
"""

from __future__ import annotations

import contextlib
import hashlib
import marshal
import sys
from functools import lru_cache
from pathlib import Path
from typing import Any

import jinja2

from .. import messages
from ..source.cache import keep, user_cache_dir
from ..source.snapshot import code_digest, enabled

# At most this many entries are kept (a few kilobytes each); the oldest go first.
KEPT_ENTRIES = 4096


def _directory() -> Path:
    return user_cache_dir("prose")


@lru_cache(maxsize=8)
def _salt(language: str) -> str:
    return f"{code_digest()}\0{jinja2.__version__}\0{sys.version}\0{language}"


def _entry(kind: str, text: str) -> Path:
    name = hashlib.sha256(f"{_salt(messages.current())}\0{kind}\0{text}".encode(
        "utf-8", "surrogatepass")).hexdigest()
    return _directory() / name


def load(kind: str, text: str) -> Any:
    """What was kept of `text` under `kind`, or None."""
    if not enabled():
        return None
    try:
        with open(_entry(kind, text), "rb") as stream:
            return marshal.load(stream)
    except Exception:  # a missing, damaged or foreign entry is a miss
        return None


def store(kind: str, text: str, value: Any) -> None:
    """Keep `value` (anything marshal writes: strings, tuples, code) for `text` under
    `kind`; written atomically, and a failure only costs time."""
    if not enabled():
        return
    entry = _entry(kind, text)
    with contextlib.suppress(OSError, ValueError):
        keep(entry.parent, entry.name, marshal.dumps(value), KEPT_ENTRIES,
             slack=KEPT_ENTRIES // 4)


__all__ = ["load", "store"]
