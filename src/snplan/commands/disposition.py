"""`snplan disposition KIND`: print the outline a document kind is built from, to read or
to start an organisation's own from (`> data/disposition/KIND.yaml`)."""

from __future__ import annotations

from pathlib import Path

from ..documents import KINDS, kind_named
from ..errors import UsageError
from ..model import DISPOSITION_DIR
from ..source.dispositions import default_text


def run(kind_word: str, data: Path, shipped: bool) -> str:
    """The outline's YAML text: the organisation's own when `data` has one (unless
    `shipped`), else the one snplan ships (with its comments)."""
    kind = kind_named(kind_word)
    if kind is None:
        raise UsageError(f"unknown document kind '{kind_word}'; choose one of "
                         f"{', '.join(KINDS)}")
    own = data / DISPOSITION_DIR / f"{kind.name}.yaml"
    if not shipped and own.is_file():
        try:
            return own.read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError) as exc:
            raise UsageError(f"cannot read {own}: {exc}") from None
    return default_text(kind.name)
