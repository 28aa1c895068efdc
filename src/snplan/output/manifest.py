"""What a build read and wrote, recorded in the output directory so the next build can skip
every document whose inputs have not changed.

The record is kept per document and per format: building one document and then `--all` (or
the other way round) rebuilds only what the first build did not make. A document's key covers
the data files it reads, the templates, the style reference, the format, the snplan version and
SOURCE_DATE_EPOCH. A fingerprint of everything, per selection and format, answers a rebuild
with nothing changed without loading the data at all.

The manifest is a cache: a missing, unreadable, malformed or oversized one is treated as
absent, never as an error.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import stat
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

from .. import __version__
from .files import atomic_write, leads_through_link

NAME = ".snplan-manifest.json"
SCHEMA = 2
# A manifest of every document in every format is a few tens of kilobytes.
MAX_MANIFEST_BYTES = 4 * 1024 * 1024
# Inputs larger than this are not hashed whole: the loader refuses them anyway (a data file is
# at most 5 MiB), and a build must not read gigabytes to decide it has nothing to do.
MAX_HASHED_BYTES = 64 * 1024 * 1024
_CHUNK = 1024 * 1024


def file_hash(path: Path) -> str:
    """The sha256 of a regular file, or a marker when it is not one, is unreadable or too
    large (reading a FIFO or /dev/zero would never end)."""
    try:
        info = path.stat()
        if not stat.S_ISREG(info.st_mode):
            return "not-a-file"
        if info.st_size > MAX_HASHED_BYTES:
            return f"large:{info.st_size}:{info.st_mtime_ns}"
        digest = hashlib.sha256()
        with path.open("rb") as stream:
            for chunk in iter(lambda: stream.read(_CHUNK), b""):
                digest.update(chunk)
        return digest.hexdigest()
    except OSError:
        return "unreadable"


def bytes_hash(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def hashes(paths: Iterable[Path], root: Path) -> dict[str, str]:
    """Hashes of the given files by their path relative to `root`."""
    result = {}
    for path in paths:
        try:
            name = str(path.relative_to(root))
        except ValueError:
            name = str(path)
        result[name] = file_hash(path)
    return result


def _digest(parts: list[str]) -> str:
    return hashlib.sha256("\n".join(parts).encode("utf-8")).hexdigest()


@dataclass
class Manifest:
    """The record of the builds in an output directory.

    `documents` maps a document id (`2023/arsredovisning-2023`) to its formats, each with the
    key of the inputs it was built from, the file it wrote and that file's hash."""

    path: Path
    fingerprints: dict[str, str] = field(default_factory=dict)
    documents: dict[str, dict[str, dict[str, str]]] = field(default_factory=dict)

    @classmethod
    def read(cls, out: Path) -> Manifest:
        path = out / NAME
        try:
            info = path.lstat()
            if not stat.S_ISREG(info.st_mode) or info.st_size > MAX_MANIFEST_BYTES:
                return cls(path)
            with path.open("rb") as stream:
                raw = json.loads(stream.read(MAX_MANIFEST_BYTES + 1).decode("utf-8"))
        except (OSError, ValueError, RecursionError):
            return cls(path)
        if not isinstance(raw, dict) or raw.get("schema") != SCHEMA:
            return cls(path)
        fingerprints = raw.get("fingerprints")
        documents = raw.get("documents")
        if not isinstance(fingerprints, dict) or not isinstance(documents, dict):
            return cls(path)
        clean_docs: dict[str, dict[str, dict[str, str]]] = {}
        for doc_id, formats in documents.items():
            if not isinstance(formats, dict):
                continue
            for fmt, record in formats.items():
                if isinstance(record, dict) and all(
                        isinstance(record.get(k), str) for k in ("key", "file", "sha256")) \
                        and _inside(record["file"]):
                    clean_docs.setdefault(str(doc_id), {})[str(fmt)] = {
                        k: record[k] for k in ("key", "file", "sha256")}
        return cls(path, {str(k): v for k, v in fingerprints.items() if isinstance(v, str)},
                   clean_docs)

    def write(self) -> None:
        """Record the builds. A link, FIFO or other non-file under the manifest's name was
        read as no manifest; it is replaced by the file (the link itself, never what it
        leads to)."""
        text = json.dumps({"schema": SCHEMA, "snplan": __version__,
                           "fingerprints": self.fingerprints, "documents": self.documents},
                          ensure_ascii=False, indent=2, sort_keys=True)
        with contextlib.suppress(FileNotFoundError):
            info = self.path.lstat()
            if not stat.S_ISREG(info.st_mode) and not stat.S_ISDIR(info.st_mode):
                self.path.unlink()
        atomic_write(self.path, (text + "\n").encode("utf-8"))

    def record(self, doc_id: str, fmt: str) -> dict[str, str] | None:
        return self.documents.get(doc_id, {}).get(fmt)

    def remember(self, doc_id: str, fmt: str, key: str, file: str, digest: str) -> None:
        self.documents.setdefault(doc_id, {})[fmt] = {"key": key, "file": file,
                                                      "sha256": digest}

    def intact(self, out: Path, doc_id: str, fmt: str) -> bool:
        """The file recorded for a document and format is there, unchanged."""
        record = self.record(doc_id, fmt)
        if record is None:
            return False
        path = out / record["file"]
        return not leads_through_link(path, out) and file_hash(path) == record["sha256"]

    def up_to_date(self, out: Path, doc_id: str, fmt: str, key: str) -> bool:
        record = self.record(doc_id, fmt)
        return record is not None and record["key"] == key and self.intact(out, doc_id, fmt)

    def all_intact(self, out: Path, pairs: Iterable[tuple[str, str]]) -> bool:
        return all(self.intact(out, doc_id, fmt) for doc_id, fmt in pairs)


@dataclass(frozen=True)
class Inputs:
    """Hashes of what builds read: the data files the loader reads, the templates, the style
    reference, and the settings that change the bytes."""

    data: Path
    data_hashes: dict[str, str]
    template_hashes: dict[str, str]
    reference_hash: str

    @classmethod
    def scan(cls, data: Path, data_files: list[Path], templates: Path,
             reference: Path) -> Inputs:
        template_files = sorted(p for p in _listing(templates) if p.suffix in {".j2", ".docx"})
        return cls(data, hashes(data_files, data), hashes(template_files, templates),
                   file_hash(reference) if reference.exists() else "")

    def _common(self) -> list[str]:
        return [__version__, os.environ.get("SOURCE_DATE_EPOCH", ""), self.reference_hash]

    def key(self, doc_id: str, fmt: str, files: Iterable[Path]) -> str:
        """The inputs of one document in one format."""
        parts = [*self._common(), doc_id, fmt]
        if fmt != "xlsx":  # workbooks are written without templates
            parts += [f"t:{k}:{v}" for k, v in sorted(self.template_hashes.items())]
        for path in sorted(set(files)):
            try:
                name = str(path.relative_to(self.data))
            except ValueError:
                name = str(path)
            parts.append(f"d:{name}:{self.data_hashes.get(name, '-')}")
        return _digest(parts)


def _inside(name: str) -> bool:
    """A recorded file name that stays inside the output directory (a hand-edited manifest
    could name /etc/passwd or ../data)."""
    path = Path(name)
    return bool(name) and not path.is_absolute() and ".." not in path.parts


def _listing(directory: Path) -> list[Path]:
    try:
        return [p for p in directory.iterdir() if p.is_file()]
    except OSError:
        return []
