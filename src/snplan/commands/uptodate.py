"""What a build is asked for, and whether it has anything to do: a build with nothing changed
is answered here from the build manifest, before pydantic, the model or a writer is imported
(a secretary's editor and CI run `snplan build --all` on every save and push).

The fingerprint of a request covers every entry under the data directory and the template
directory (path, kind and content, as validate's snapshot counts them), the style reference,
snplan's own code, SOURCE_DATE_EPOCH and the request itself. It is a superset of what a build
reads: a stray file that changed costs a check of every document's own key (`build.run`), never
a stale answer.
"""

from __future__ import annotations

import hashlib
import os
from dataclasses import dataclass
from pathlib import Path

from ..output.manifest import Manifest, file_hash
from ..source import snapshot
from .settings import Settings


@dataclass(frozen=True)
class Request:
    """What to build: every document (`kind` None) or one kind for one year."""

    data: Path
    settings: Settings
    requested: str = "docx"
    kind: str | None = None
    year: int | None = None
    matter: str | None = None
    force: bool = False

    @property
    def selection(self) -> str:
        return "all" if self.kind is None else f"{self.kind}:{self.year}:{self.matter or ''}"

    @property
    def reference(self) -> Path:
        """The style reference the build uses, known before the data is loaded."""
        return self.settings.reference_for(self.data)

    @property
    def fingerprint_key(self) -> str:
        """Where the manifest keeps this request's fingerprint (the engine makes a PDF's
        bytes, so it is part of what was asked)."""
        return f"{self.selection}|{self.requested}|{self.settings.pdf_engine}"


def contents(request: Request) -> str | None:
    """A digest of every entry under the request's data and template directories (as
    validate's snapshot counts them); None when one cannot be read. Made once per build:
    the fingerprint and what a build kept are both named from it."""
    digest = hashlib.sha256()
    for root in (request.data, request.settings.templates):
        digest.update(f"\0{root.resolve()}\0".encode("utf-8", "surrogateescape"))
        if not root.is_dir() or not snapshot.tree_digest(digest, root):
            return None
    return digest.hexdigest()


def combined(found: str | None, *parts: str) -> str | None:
    """The digest of `parts` and the directories' digest `found` (None stays None)."""
    if found is None:
        return None
    return hashlib.sha256("\0".join([*parts, found]).encode("utf-8", "surrogateescape")
                          ).hexdigest()


def fingerprint(request: Request, found: str | None) -> str | None:
    """Everything the request's documents may be built from, at once, from the digest of
    the directories (`contents`); None when they cannot be read (then nothing is answered
    from the manifest)."""
    reference = request.reference
    return combined(found, snapshot.code_digest(), os.environ.get("SOURCE_DATE_EPOCH", ""),
                    request.fingerprint_key, str(reference),
                    file_hash(reference) if reference.exists() else "")


def unchanged_since(request: Request, manifest: Manifest, now: str | None) -> bool:
    """Whether the last build of this very request recorded the fingerprint `now` and left
    every file it recorded as it wrote it."""
    if request.force or now is None:
        return False
    recorded = [(doc, fmt) for doc, formats in manifest.documents.items() for fmt in formats]
    return (bool(recorded) and manifest.fingerprints.get(request.fingerprint_key) == now
            and manifest.all_intact(request.settings.out, recorded))


def nothing_changed(request: Request) -> bool:
    """Whether nothing the request's documents are made from has changed since its last
    build (the question the command line asks before importing anything more)."""
    if request.force:
        return False
    manifest = Manifest.read(request.settings.out)
    if request.fingerprint_key not in manifest.fingerprints:
        return False
    return unchanged_since(request, manifest, fingerprint(request, contents(request)))


__all__ = ["Request", "combined", "contents", "fingerprint", "nothing_changed",
           "unchanged_since"]
