"""What was found of a data directory, kept between runs: `snplan validate` on unchanged data
answers from here in a tenth of the time it takes to load and check it (a controller runs it
on every save, CI on every push).

An entry is keyed like the build manifest: the content of every file the loader reads, the
names and kinds of every entry under the data directory (a stray directory is a problem too),
snplan's own code (its files' sizes and times, so an edited snplan is never answered from an
old entry), the working directory (messages name files relative to it) and the question
asked. A damaged or unreadable entry is a miss, never an error; `SNPLAN_CACHE=0` turns the
cache off. Entries live in the user's cache directory, never in the data or the output.

This module imports nothing but the standard library and `cache`, so the answer from an entry
comes before pydantic or the models are imported at all.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import pickle
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from .. import messages
from .cache import keep, user_cache_dir

PACKAGE = Path(__file__).resolve().parent.parent
# Files larger than this are not hashed by content but named with their size and time: the
# loader refuses data files this large anyway (a 3 GB file lying in data/ is never read).
LARGEST_HASHED = 8 * 1024 * 1024
# Past this much content read in one walk, other files are named by size and time only: a
# directory full of large stray files costs a stat each, never gigabytes read on every run.
# The kinds of file snplan reads (data, outlines, ledgers, style references, templates) are
# always read, whatever lay before them.
MOST_HASHED = 64 * 1024 * 1024
READ_SUFFIXES = frozenset({".yaml", ".yml", ".se", ".docx", ".j2"})
# At most this many entries are kept; the oldest go first.
KEPT_ENTRIES = 64


def enabled() -> bool:
    return os.environ.get("SNPLAN_CACHE", "1") not in {"0", "no", "false"}


def _entries(root: Path) -> Iterator[tuple[str, os.DirEntry[str]]]:
    """Every entry under `root`, depth first in name order, without following links. A
    directory's own entries come right after it, however deep the tree (a stack, not
    recursion: a data directory may hold a thousand nested directories)."""
    pending: list[Iterator[os.DirEntry[str]]] = []

    def listing(directory: str) -> Iterator[os.DirEntry[str]]:
        try:
            with os.scandir(directory) as scan:
                return iter(sorted(scan, key=lambda e: e.name))
        except OSError:
            return iter(())

    pending.append(listing(str(root)))
    while pending:
        entry = next(pending[-1], None)
        if entry is None:
            pending.pop()
            continue
        yield entry.path, entry
        try:
            is_dir = entry.is_dir(follow_symlinks=False)
        except OSError:
            is_dir = False
        if is_dir and not entry.name.startswith("."):
            pending.append(listing(entry.path))


def code_digest() -> str:
    """snplan's own code and data files, by size and time of change: an edited snplan is never
    answered from what an older one kept."""
    parts = [sys.version]
    for path, entry in _entries(PACKAGE):
        if entry.name.endswith((".py", ".yaml", ".j2", ".docx", ".css", ".mo")):
            try:
                info = entry.stat(follow_symlinks=False)
            except OSError:
                continue
            parts.append(f"{path}:{info.st_size}:{info.st_mtime_ns}")
    return hashlib.sha256("\n".join(parts).encode("utf-8", "surrogateescape")).hexdigest()


def key(data: Path, question: str) -> str | None:
    """The key of what `data` holds for `question` (None: the directory cannot be read)."""
    digest = hashlib.sha256()
    digest.update(code_digest().encode())
    # messages are kept in the language they were made in: another language, another entry
    digest.update(f"\0{os.getcwd()}\0{data}\0{question}\0{messages.current()}\0"
                  .encode("utf-8", "surrogateescape"))
    if not data.is_dir() or not tree_digest(digest, data):
        return None
    return digest.hexdigest()


def tree_digest(digest: Any, root: Path) -> bool:
    """Feed `digest` with every entry under `root`: its path, kind and mode, a link's target
    and a file's content (a file larger than LARGEST_HASHED, or a file of a kind snplan does
    not read once MOST_HASHED bytes were read, by its size and time, never read). False when
    an entry cannot be read (the caller has no key)."""
    budget = MOST_HASHED
    for path, entry in _entries(root):
        try:
            info = entry.stat(follow_symlinks=False)
        except OSError:
            return False
        kind = "l" if entry.is_symlink() else "d" if entry.is_dir(follow_symlinks=False) \
            else "f" if entry.is_file(follow_symlinks=False) else "o"
        digest.update(f"{path}\0{kind}\0{info.st_mode}\0".encode("utf-8", "surrogateescape"))
        if kind == "l":
            try:
                digest.update(os.readlink(path).encode("utf-8", "surrogateescape"))
            except OSError:
                return False
        elif kind == "f" and info.st_size <= LARGEST_HASHED and (
                info.st_size <= budget or os.path.splitext(path)[1].lower() in READ_SUFFIXES):
            budget -= info.st_size
            try:
                with open(path, "rb") as stream:
                    digest.update(hashlib.sha256(stream.read()).digest())
            except OSError:
                return False
        elif kind == "f":
            digest.update(f"{info.st_size}:{info.st_mtime_ns}".encode())
    return True


def load(entry: str | None, shelf: str = "snapshots") -> Any:
    """The value kept under `entry` on `shelf` (a directory of the user's cache), or None."""
    if entry is None or not enabled():
        return None
    try:
        with open(user_cache_dir(shelf) / f"{entry}.pickle", "rb") as stream:
            return pickle.load(stream)  # noqa: S301 - our own file in the user's cache
    except Exception:  # a missing, damaged or old entry is a miss
        return None


def store(entry: str | None, value: Any, shelf: str = "snapshots",
          kept: int = KEPT_ENTRIES) -> None:
    """Keep `value` under `entry` on `shelf`, with at most `kept` entries there (written
    atomically; failure only costs time)."""
    if entry is None or not enabled():
        return
    with contextlib.suppress(OSError, pickle.PicklingError, TypeError, AttributeError):
        keep(user_cache_dir(shelf), f"{entry}.pickle",
             pickle.dumps(value, protocol=pickle.HIGHEST_PROTOCOL), kept)
