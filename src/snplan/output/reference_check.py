"""Whether a Word style reference (an organisation's `data/reference.docx`, or `--reference`)
can be used, decided before anything reads it whole.

A reference is a zip of XML parts. One that is not a zip, is some other Office file renamed,
or is a zip bomb (a few kilobytes that unpack to gigabytes) must end in one plain sentence
naming the file, never in python-docx's exception or an exhausted machine. The zip's own
directory is read first and bounds everything after it: Python's zip reader never unpacks an
entry past the size the directory declares, so checking the declared sizes bounds the work.
"""

from __future__ import annotations

import stat
import zipfile
from pathlib import Path

# The shipped reference is 37 KB; an organisation's, with its logo in the header, a few MB.
# These bounds are the Word writer's too (`package.read_zip` checks the archive it opens
# against them).
MAX_FILE_BYTES = 20 * 1024 * 1024
MAX_UNPACKED_BYTES = 64 * 1024 * 1024
MAX_ENTRIES = 1000
MAX_CONTENT_TYPES_BYTES = 1024 * 1024
WORD_MAIN = "application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"
WORD_TEMPLATE = "application/vnd.openxmlformats-officedocument.wordprocessingml.template.main+xml"


def size_problem(size: int) -> str | None:
    """Why a file of `size` bytes is too large to be a style reference, or None."""
    if size > MAX_FILE_BYTES:
        return (f"the style reference is {size // (1024 * 1024)} MiB; a Word style "
                f"reference is at most {MAX_FILE_BYTES // (1024 * 1024)} MiB")
    return None


def directory_problem(entries: list[zipfile.ZipInfo]) -> str | None:
    """Why a zip with this directory is not read (too many parts, or parts that unpack past
    the bound: a zip bomb), or None. Python's zip reader never unpacks an entry past the size
    its directory declares, so these sizes bound the reading."""
    if len(entries) > MAX_ENTRIES:
        return (f"the style reference holds {len(entries)} parts; a Word file holds far "
                f"fewer (at most {MAX_ENTRIES} are read)")
    unpacked = sum(entry.file_size for entry in entries)
    if unpacked > MAX_UNPACKED_BYTES:
        return (f"the style reference unpacks to {unpacked // (1024 * 1024)} MiB (a zip "
                f"bomb?); at most {MAX_UNPACKED_BYTES // (1024 * 1024)} MiB are read")
    return None


def container_problem(path: Path) -> str | None:
    """Why `path` is not a Word file that may be read (not a regular file, too large, not a
    zip, a zip bomb, not a Word document), judged from the zip's directory alone; None when
    it may be read. Cheap: `snplan validate` asks it of `data/reference.docx`."""
    try:
        info = path.stat()
    except (OSError, RuntimeError) as exc:
        reason = exc.strerror if isinstance(exc, OSError) and exc.strerror else "a link loop"
        return f"cannot read the style reference: {reason}"
    if not stat.S_ISREG(info.st_mode):
        return "the style reference is not a file"
    problem = size_problem(info.st_size)
    if problem is not None:
        return problem
    try:
        with zipfile.ZipFile(path) as archive:
            entries = archive.infolist()
            problem = directory_problem(entries)
            if problem is not None:
                return problem
            names = {entry.filename: entry for entry in entries}
            types = names.get("[Content_Types].xml")
            if types is None or "_rels/.rels" not in names:
                return "the style reference is a zip file but not a Word document (.docx)"
            if types.file_size > MAX_CONTENT_TYPES_BYTES:
                return "the style reference's list of content types is too large"
            content_types = archive.read(types).decode("utf-8", "replace")
    except (zipfile.BadZipFile, zipfile.LargeZipFile, EOFError, ValueError,
            NotImplementedError, RuntimeError):
        return "the style reference is not a Word document (.docx): it is not a zip file"
    except OSError as exc:
        return f"cannot read the style reference: {exc.strerror or exc}"
    if WORD_MAIN not in content_types and WORD_TEMPLATE not in content_types:
        return ("the style reference is an Office file but not a Word document (.docx); "
                "save it from Word as a .docx")
    return None


def reference_problem(path: Path) -> str | None:
    """Why `path` cannot serve as the style reference of a build, or None: the container
    checks, then the Word writer reading it (its styles, page and parts, bounded by them), so
    a part that is not the XML Word writes is named before any document is rendered. The
    writer keeps what it read for the build, so the reference is read once."""
    problem = container_problem(path)
    if problem is not None:
        return problem
    from .package import ReferenceError, load_reference

    try:
        load_reference(path)
    except ReferenceError as exc:
        return f"the style reference cannot be used as a Word document: {exc}"
    except Exception as exc:  # any other failure to read it is the file's, said plainly
        first = str(exc).splitlines()[0][:200] if str(exc) else type(exc).__name__
        return f"the style reference cannot be opened as a Word document: {first}"
    return None
