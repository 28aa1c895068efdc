"""What a build found out, kept between runs: which documents a request names (its plan) and
each document's resolved tree. A build of data that has not changed since the last build —
another format, another PDF engine, an edited style reference, `--force` — starts from these
and goes straight to the writers, without loading the data, the model or pydantic (most of
the time a one-document build took was starting those).

Everything a plan or a resolved document is made from names its entry: every entry under the
data directory and the template directory (as validate's snapshot counts them), snplan's own
code, the installed packages (the times their directories changed: an upgraded Babel formats
figures anew), SOURCE_DATE_EPOCH (the documents' dates) and the language of the messages (a
plan says in it what was skipped). The style reference is not among them: the writers read it,
and a resolved document does not depend on it. A missing or damaged entry is a miss;
`SNPLAN_CACHE=0` turns this off, as it does the snapshot.
"""

from __future__ import annotations

import hashlib
import os
import sys
from dataclasses import dataclass
from pathlib import Path

from .. import messages, tree
from ..source import snapshot
from .uptodate import Request, combined

PLANS = "plans"
DOCUMENTS = "documents"
# A shelf holds this many entries (a resolved document is some hundred kilobytes).
KEPT_DOCUMENTS = 256
KEPT_PLANS = 64


@dataclass(frozen=True)
class Planned:
    """One document of a plan, with what the writers and the manifest need to know of it
    (nothing that takes the model to read)."""

    year: int
    kind: str
    slug: str
    filename: str
    label: str  # what the progress shows
    title: str  # what the web index lists
    formats: tuple[str, ...]  # the formats the request gives it
    files: tuple[Path, ...]  # the data files it reads (its manifest key covers them)

    @property
    def doc_id(self) -> str:
        return f"{self.year}/{self.filename}"


@dataclass(frozen=True)
class Plan:
    """The documents a request names, what it skipped and why, and the data files a build
    reads (which the manifest hashes)."""

    documents: tuple[Planned, ...]
    skipped: tuple[str, ...]
    data_files: tuple[Path, ...]
    organisation: str  # "Socialnämnden, Solna stad": the web index's heading


def _packages() -> str:
    """The installed packages, by the times their directories changed (installing,
    upgrading or removing one changes its directory's listing)."""
    parts = []
    for entry in sys.path:
        try:
            parts.append(f"{entry}:{os.stat(entry).st_mtime_ns}")
        except OSError:
            continue
    return "\n".join(parts)


def state(request: Request, found: str | None) -> str | None:
    """The key of everything a plan or resolved document of this data is made from, from
    the digest of the data and template directories (`uptodate.contents`); None when they
    cannot be read or the cache is off."""
    if not snapshot.enabled():
        return None
    return combined(found, snapshot.code_digest(), _packages(), sys.version,
                    os.environ.get("SOURCE_DATE_EPOCH", ""), messages.current(),
                    # a plan names the data files as the request spelled the data
                    os.getcwd(), str(request.data))


def _name(key: str | None, *parts: str) -> str | None:
    """The entry for `parts` of the data `key` names (None, which the snapshot's shelves
    take for "nothing kept", when there is no key)."""
    if key is None:
        return None
    return hashlib.sha256("\0".join([key, *parts]).encode("utf-8", "surrogateescape")
                          ).hexdigest()


def _plan_entry(key: str | None, request: Request) -> str | None:
    return _name(key, request.selection, request.requested)


def _document_entry(key: str | None, planned: Planned) -> str | None:
    return _name(key, planned.doc_id, planned.kind, planned.slug)


def plan(key: str | None, request: Request) -> Plan | None:
    found = snapshot.load(_plan_entry(key, request), PLANS)
    return found if isinstance(found, Plan) else None


def keep_plan(key: str | None, request: Request, value: Plan) -> None:
    snapshot.store(_plan_entry(key, request), value, PLANS, KEPT_PLANS)


def document(key: str | None, planned: Planned) -> tree.Document | None:
    found = snapshot.load(_document_entry(key, planned), DOCUMENTS)
    return found if isinstance(found, tree.Document) else None


def keep_document(key: str | None, planned: Planned, value: tree.Document) -> None:
    snapshot.store(_document_entry(key, planned), value, DOCUMENTS, KEPT_DOCUMENTS)


__all__ = ["Plan", "Planned", "document", "keep_document", "keep_plan", "plan", "state"]
