"""Writing output files: byte-identical for the same input, and never half-written."""

from __future__ import annotations

import contextlib
import io
import os
import shutil
import tempfile
import zipfile
from pathlib import Path

from ..errors import UsageError
from ..messages import _

# The earliest date a zip entry can carry; any fixed value would do.
ZIP_EPOCH = (1980, 1, 1, 0, 0, 0)


def reproducible_zip(data: bytes) -> bytes:
    """Rewrite an Office file (a zip) with fixed entry timestamps and attributes.

    python-docx and openpyxl stamp every zip entry with the current time, so two builds of the
    same document would differ in bytes; publishing from CI would then churn.
    """
    source = zipfile.ZipFile(io.BytesIO(data))
    return zip_parts([(info.filename, source.read(info.filename))
                      for info in source.infolist()])


def zip_parts(parts: list[tuple[str, bytes]]) -> bytes:
    """A zip of `parts` in their order, with fixed entry timestamps and attributes (the same
    parts give the same bytes)."""
    target_buffer = io.BytesIO()
    with zipfile.ZipFile(target_buffer, "w", zipfile.ZIP_DEFLATED) as target:
        for name, content in parts:
            entry = zipfile.ZipInfo(name, date_time=ZIP_EPOCH)
            entry.compress_type = zipfile.ZIP_DEFLATED
            entry.external_attr = 0o644 << 16
            entry.create_system = 3
            target.writestr(entry, content)
    return target_buffer.getvalue()


class OutputPathError(UsageError, ValueError):
    """An output path that would land where output must not go: outside the directory it
    belongs to, or inside the data or template directory."""


def confined(base: Path, *parts: str) -> Path:
    """`base / parts`, resolved, refusing a result outside `base` (a part with '..', an
    absolute part, a symbolic link out of it)."""
    root = base.resolve()
    target = root.joinpath(*parts).resolve()
    if not target.is_relative_to(root):
        raise OutputPathError(f"{Path(*parts)} leads outside {base}")
    return target


def _link_on_the_way(path: Path, root: Path | None) -> Path | None:
    """The first symbolic link among `path` and the directories between `root` and it (`root`
    itself is the user's choice and may be a link), or None."""
    if path.is_symlink():
        return path
    if root is None:
        return None
    try:
        relative = path.relative_to(root)
    except ValueError:
        raise OutputPathError(f"{path} lies outside {root}") from None
    if ".." in relative.parts:
        raise OutputPathError(f"{path} leads outside {root}")
    current = root
    for part in relative.parts[:-1]:
        current = current / part
        if current.is_symlink():
            return current
    return None


def refuse_link(path: Path, root: Path | None = None) -> None:
    """Refuse to write `path` when it is a symbolic link, or when a directory between `root`
    (the output directory) and it is one: a link could lead anywhere (into the data, the
    templates), and snplan never writes through one, nor replaces one."""
    link = _link_on_the_way(path, root)
    if link is not None:
        raise OutputPathError(_("{link} is a symbolic link; snplan never writes through a link: "
                                "remove it").format(link=link))


def leads_through_link(path: Path, root: Path) -> bool:
    """Whether `path`, or a directory between `root` and it, is a symbolic link."""
    try:
        return _link_on_the_way(path, root) is not None
    except OutputPathError:
        return True


def check_output_dir(out: Path, protected: dict[str, Path]) -> None:
    """Refuse an output directory inside (or equal to) a directory that output must never
    touch, such as the data (where a built file would become an unexpected entry) or the
    templates. `protected` maps a description to its directory."""
    target = out.resolve()
    for what, directory in protected.items():
        root = directory.resolve()
        if target.is_relative_to(root):
            raise OutputPathError(_("the output directory {out} lies inside the {what} directory "
                                    "{directory}; choose another --out").format(
                                      out=out, what=what, directory=directory))


def _make_parents(directory: Path) -> list[Path]:
    """Create `directory` and its missing parents; return those created, outermost first.
    On failure, remove what was created and raise."""
    missing: list[Path] = []
    current = directory
    while not current.exists() and current.parent != current:
        missing.append(current)
        current = current.parent
    created: list[Path] = []
    try:
        for folder in reversed(missing):
            folder.mkdir()
            created.append(folder)
    except BaseException:
        _remove_dirs(created)
        raise
    return created


def _remove_dirs(created: list[Path]) -> None:
    for folder in reversed(created):
        with contextlib.suppress(OSError):
            folder.rmdir()


def _temporary(path: Path, data: bytes) -> str:
    """`data` in a new temporary file beside `path`, flushed to disk; returns its name."""
    handle, temporary = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp",
                                         dir=path.parent)
    try:
        with os.fdopen(handle, "wb") as stream:
            stream.write(data)
            stream.flush()
            os.fsync(stream.fileno())
        os.chmod(temporary, 0o644)
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(temporary)
        raise
    return temporary


def atomic_write(path: Path, data: bytes, root: Path | None = None) -> None:
    """Write through a temporary file in the same directory and rename it into place, so a
    failed build leaves the previous file untouched and never a half-written one (nor a
    directory it created for it). Never through a symbolic link (see `refuse_link`)."""
    refuse_link(path, root)
    created = _make_parents(path.parent)
    temporary = None
    try:
        temporary = _temporary(path, data)
        os.replace(temporary, path)
    except BaseException:
        if temporary is not None:
            with contextlib.suppress(FileNotFoundError):
                os.unlink(temporary)
        _remove_dirs(created)
        raise


def write_new(path: Path, data: bytes, root: Path | None = None) -> None:
    """Create `path` with `data`, never over an existing file or link (nor through a link on
    the way from `root`), and never half-written: the bytes go to a temporary file that is
    then linked into place, which fails when the name is taken."""
    refuse_link(path, root)
    created = _make_parents(path.parent)
    temporary = None
    try:
        temporary = _temporary(path, data)
        try:
            os.link(temporary, path)
        except FileExistsError:
            raise
        except OSError:  # a file system without hard links: create exclusively
            handle = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL
                             | getattr(os, "O_NOFOLLOW", 0), 0o644)
            with os.fdopen(handle, "wb") as stream:
                stream.write(data)
    except BaseException:
        _remove_dirs(created)
        raise
    finally:
        if temporary is not None:
            with contextlib.suppress(FileNotFoundError):
                os.unlink(temporary)


def write_all(files: list[tuple[Path, bytes]], root: Path | None = None) -> list[Path]:
    """Write several files all or nothing: every one goes to a temporary file first, then
    they are renamed into place; when anything fails, the files already replaced get their
    previous content back and every new file and directory is removed, so the output
    directory holds exactly what it held before. Nothing is written when a file, or a
    directory between `root` and it, is a symbolic link."""
    for path, _unused in files:
        refuse_link(path, root)
    created: list[Path] = []
    staged: list[tuple[Path, str]] = []
    replaced: list[tuple[Path, str | None]] = []  # (path, backup of its previous content)
    try:
        for path, data in files:
            created += _make_parents(path.parent)
            if path.is_dir() or (path.exists() and not path.is_file()):
                raise IsADirectoryError(21, _("in the way of an output file"), str(path))
            staged.append((path, _temporary(path, data)))
        for path, temporary in staged:
            backup = None
            if path.exists():
                backup = tempfile.mktemp(prefix=f".{path.name}.", suffix=".old",
                                         dir=path.parent)
                try:
                    os.link(path, backup)
                except OSError:  # a file system without hard links
                    shutil.copy2(path, backup)
            replaced.append((path, backup))
            os.replace(temporary, path)
    except BaseException:
        for path, backup in reversed(replaced):
            with contextlib.suppress(OSError):
                if backup is not None:
                    # rename() does nothing when both names are links to one file (the
                    # rename that failed left `path` as it was): remove the backup then.
                    os.replace(backup, path)
                    if os.path.lexists(backup):
                        os.unlink(backup)
                else:
                    os.unlink(path)
        for _unused, temporary in staged:
            with contextlib.suppress(OSError):
                os.unlink(temporary)
        _remove_dirs(created)
        raise
    for _unused, backup in replaced:
        if backup is not None:
            with contextlib.suppress(OSError):
                os.unlink(backup)
    return [path for path, _unused in files]
