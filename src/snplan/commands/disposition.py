"""`snplan disposition KIND`: print the outline a document kind is built from, to read or
to start an organisation's own from (`> data/disposition/KIND.yaml`)."""

from __future__ import annotations

import contextlib
from pathlib import Path

from ..documents import KINDS, kind_named
from ..errors import DataError, UsageError
from ..messages import _
from ..model import DISPOSITION_DIR
from ..problems import Problem, display_path
from ..source.dispositions import default_text
from ..source.load import DataDirectoryError, load


def run(kind_word: str, data: Path, shipped: bool) -> str:
    """The outline's YAML text: the organisation's own when `data` has one (unless
    `shipped`), else the one snplan ships (with its comments). The organisation's is read
    through the loader `snplan validate` uses, so whatever it refuses (a link out of the data
    directory, a FIFO or a device, an outline with errors) is refused here with the same
    message, never answered with the shipped outline instead."""
    kind = kind_named(kind_word)
    if kind is None and not shipped and (data / DISPOSITION_DIR).is_dir():
        # an organisation's own period kind is known once its outlines are loaded
        with contextlib.suppress(DataDirectoryError):  # the command says so below
            load(data)
        kind = kind_named(kind_word)
    if kind is None:
        raise UsageError(_("unknown document kind '{kind_word}'; choose one of {KINDS}").format(
                             kind_word=kind_word, KINDS=', '.join(KINDS)))
    own = data / DISPOSITION_DIR / f"{kind.name}.yaml"
    if shipped or not (own.exists() or own.is_symlink()):
        if kind.own:
            raise UsageError(_("{name} is an organisation's own kind; snplan ships no outline of "
                               "it").format(name=kind.name))
        return default_text(kind.name)
    problems = outline_problems(data, own)
    if problems:
        raise DataError(_("{own} cannot be used as the outline of {name}").format(
                            own=display_path(own), name=kind.name), problems=problems)
    try:
        return own.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise DataError(_("cannot read {own}: {exc}").format(
            own=display_path(own), exc=exc)) from None


def outline_problems(data: Path, path: Path | None = None) -> list[Problem]:
    """The problems the checked loader finds with an organisation's outlines (all of them,
    or the one at `path`): what `snplan validate` says of them."""
    try:
        dataset = load(data)
    except DataDirectoryError as exc:
        raise UsageError(str(exc)) from None
    folder = display_path(data / DISPOSITION_DIR)
    wanted = display_path(path) if path is not None else None
    return [p for p in dataset.problems if p.severity == "error" and (
        p.path == wanted if wanted else p.path.startswith(folder))]
