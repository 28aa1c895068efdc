"""The outlines (dispositions) snplan ships, one per document kind, and reading an
organisation's own. The shipped ones are package data (`documents/dispositioner/*.yaml`) in
the same YAML an organisation writes, so `snplan disposition KIND` can hand one out to edit."""

from __future__ import annotations

from functools import cache
from pathlib import Path

from pydantic import ValidationError

from ..messages import _
from ..model.disposition import Disposition
from ..model.kinds import KINDS
from .yamlsource import Located, parse_text

DEFAULTS_DIR = Path(__file__).resolve().parent.parent / "documents" / "dispositioner"


def default_path(kind: str) -> Path:
    return DEFAULTS_DIR / f"{kind}.yaml"


def default_text(kind: str) -> str:
    return default_path(kind).read_text(encoding="utf-8")


@cache
def default_located(kind: str) -> Located:
    """The shipped outline's text as read, with the line of every value (for messages that
    point into it)."""
    return parse_text(default_text(kind), default_path(kind))


@cache
def default(kind: str) -> Disposition:
    """The outline snplan ships for a document kind (a broken one is a bug in snplan)."""
    if kind not in KINDS:
        raise KeyError(kind)
    located = default_located(kind)
    try:
        return Disposition.model_validate(located.data)
    except ValidationError as exc:  # pragma: no cover - guarded by the tests
        raise RuntimeError(_("the shipped outline {kind} is invalid: {exc}").format(
                               kind=default_path(kind), exc=exc)) \
            from None
