"""What a build read and wrote, recorded in the output directory so the next build can skip
every document whose inputs have not changed.

A document's inputs are the data files it reads, the templates, the style reference, the
output format and the snplan version. The manifest also keeps a fingerprint of everything, so a
rebuild with nothing changed is answered without loading the data at all.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field
from pathlib import Path

from . import __version__
from .documents import Target
from .render.output import atomic_write

NAME = ".snplan-manifest.json"
SCHEMA = 1


def file_hash(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def tree_hashes(root: Path) -> dict[str, str]:
    """Hashes of every file below a directory, by relative path (hidden files excluded)."""
    if not root.is_dir():
        return {}
    hashes = {}
    for path in sorted(root.rglob("*")):
        relative = path.relative_to(root)
        if any(part.startswith(".") for part in relative.parts) or not path.is_file():
            continue
        try:
            hashes[str(relative)] = file_hash(path)
        except OSError:
            hashes[str(relative)] = "unreadable"  # validation names the file
    return hashes


def _digest(parts: list[str]) -> str:
    return hashlib.sha256("\n".join(parts).encode("utf-8")).hexdigest()


def target_id(target: Target) -> str:
    return f"{target.year}/{target.filename}"


def inputs_of(target: Target, data: Path) -> list[Path]:
    """The data files a document reads (a superset is fine: it only costs a rebuild)."""
    year = data / str(target.year)
    prev = data / str(target.year - 1)
    files = [data / "organisation.yaml", data / "reference.docx"]
    if target.kind == "verksamhetsplan":
        files += [year / "verksamhetsplan.yaml", prev / "verksamhetsplan.yaml"]
    elif target.kind == "arsredovisning":
        files += [year / "arsredovisning.yaml", prev / "arsredovisning.yaml",
                  data / str(target.year - 2) / "arsredovisning.yaml"]
    elif target.kind == "tjansteskrivelse":
        files += [year / "arenden" / f"{target.slug}.yaml", year / "arsredovisning.yaml",
                  prev / "arsredovisning.yaml", year / "verksamhetsplan.yaml",
                  prev / "verksamhetsplan.yaml"]
    else:
        files += [year / "mbl" / f"{target.slug}.yaml", year / "verksamhetsplan.yaml",
                  prev / "verksamhetsplan.yaml"]
    return files


@dataclass
class Manifest:
    """The record of the last build in an output directory."""

    path: Path
    fingerprint: str = ""
    targets: dict[str, dict[str, object]] = field(default_factory=dict)

    @classmethod
    def read(cls, out: Path) -> Manifest:
        path = out / NAME
        try:
            raw = json.loads(path.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return cls(path)
        if not isinstance(raw, dict) or raw.get("schema") != SCHEMA:
            return cls(path)
        return cls(path, str(raw.get("fingerprint", "")), dict(raw.get("targets", {})))

    def write(self) -> None:
        text = json.dumps({"schema": SCHEMA, "snplan": __version__,
                           "fingerprint": self.fingerprint, "targets": self.targets},
                          ensure_ascii=False, indent=2, sort_keys=True)
        atomic_write(self.path, (text + "\n").encode("utf-8"))

    def outputs_intact(self, out: Path, ids: list[str] | None = None) -> bool:
        """Every file the manifest lists is there and unchanged."""
        for key, record in self.targets.items():
            if ids is not None and key not in ids:
                continue
            files = record.get("files", {})
            assert isinstance(files, dict)
            for name, digest in files.items():
                path = out / name
                if not path.is_file() or file_hash(path) != digest:
                    return False
        return True


@dataclass(frozen=True)
class Inputs:
    """Hashes of what builds read: data files, templates, the style reference."""

    data: Path
    data_hashes: dict[str, str]
    template_hashes: dict[str, str]
    reference_hash: str
    requested: str

    @classmethod
    def scan(cls, data: Path, templates: Path, reference: Path, requested: str) -> Inputs:
        return cls(data, tree_hashes(data), tree_hashes(templates),
                   file_hash(reference) if reference.is_file() else "", requested)

    def fingerprint(self, selection: str) -> str:
        """Everything at once: for answering "nothing changed" without loading the data."""
        parts = [__version__, self.requested, selection, self.reference_hash]
        parts += [f"d:{k}:{v}" for k, v in sorted(self.data_hashes.items())]
        parts += [f"t:{k}:{v}" for k, v in sorted(self.template_hashes.items())]
        return _digest(parts)

    def key(self, target: Target) -> str:
        """The inputs of one document."""
        parts = [__version__, self.requested, target_id(target), self.reference_hash]
        parts += [f"t:{k}:{v}" for k, v in sorted(self.template_hashes.items())]
        for path in inputs_of(target, self.data):
            name = str(path.relative_to(self.data))
            parts.append(f"d:{name}:{self.data_hashes.get(name, '-')}")
        return _digest(parts)
