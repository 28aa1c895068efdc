"""Whether a Word style reference (an organisation's `data/reference.docx`, or `--reference`)
can be used, decided before anything reads it whole.

A reference is a zip of XML parts. One that is not a zip, is some other Office file renamed,
or is a zip bomb (a few kilobytes that unpack to gigabytes) must end in one plain sentence
naming the file, never in python-docx's exception or an exhausted machine. The zip's own
directory is read first and bounds everything after it: Python's zip reader never unpacks an
entry past the size the directory declares, so checking the declared sizes bounds the work.

A reference cannot plant anything either. Its parts are carried into every built document,
which others unpack: a part named `../../x.txt`, `/etc/x` or `C:\\x` would be a zip-slip
entry there, and two names that a file system or Word takes for one (`word/Styles.xml` beside
`word/styles.xml`, `word/./styles.xml`) make what is read differ from what is shown. So every
name must be a plain relative part name, unique however it is spelt, and no XML part may
declare a DOCTYPE or entities (entity expansion is the billion-laughs bomb and, resolved, a
way to read local files).
"""

from __future__ import annotations

import posixpath
import re
import stat
import unicodedata
import zipfile
from pathlib import Path

from ..messages import _

# The shipped reference is 37 KB; an organisation's, with its logo in the header, a few MB.
# These bounds are the Word writer's too (`package.read_zip` checks the archive it opens
# against them).
MAX_FILE_BYTES = 20 * 1024 * 1024
MAX_UNPACKED_BYTES = 64 * 1024 * 1024
MAX_ENTRIES = 1000
MAX_CONTENT_TYPES_BYTES = 1024 * 1024
WORD_MAIN = "application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"
WORD_TEMPLATE = "application/vnd.openxmlformats-officedocument.wordprocessingml.template.main+xml"


# Characters a part name may not hold: controls (NUL among them), a backslash (a Windows path
# separator: `a\..\b` climbs there), and those Windows file names cannot hold; a colon also
# makes a drive (`C:x`) or an NTFS stream. Brackets stay allowed: `[Content_Types].xml`.
_BAD_NAME_CHARACTERS = re.compile(r'[\x00-\x1f\x7f\\:*?"<>|]')
_DRIVE = re.compile(r"[A-Za-z]:")
# What marks a DOCTYPE or an entity declaration, in the encodings an XML part may have.
_DECLARATIONS = tuple(marker.encode(encoding) for marker in ("<!doctype", "<!entity")
                      for encoding in ("ascii", "utf-16-le", "utf-16-be"))
XML_SUFFIXES = (".xml", ".rels")


def shown_name(name: str) -> str:
    """A part name as a message may echo it: control and invisible characters escaped, the
    length bounded (the name is the file's, and reaches the terminal)."""
    escaped = "".join(c if c.isprintable() else
                      f"\\x{ord(c):02x}" if ord(c) < 0x100 else f"\\u{ord(c):04x}"
                      for c in name[:120])
    return f"'{escaped}{'...' if len(name) > 120 else ''}'"


def part_name_problem(name: str) -> str | None:
    """Why `name` is not a plain relative part name (as the zip directory holds it), or None.
    A directory entry (`word/`) is plain when its path is."""
    path = name[:-1] if name.endswith("/") else name
    if _DRIVE.match(path):
        return _("is a drive path; a part name is relative to the package")
    if _BAD_NAME_CHARACTERS.search(path):
        found = _BAD_NAME_CHARACTERS.search(path)
        assert found is not None
        what = {"\x00": "a NUL character", "\\": "a backslash"}.get(
            found.group(), f"the character {shown_name(found.group())}")
        return _("holds {what}, which a part name cannot hold").format(what=what)
    if path.startswith("/"):
        return _("is an absolute path; a part name is relative to the package")
    if not path:
        return "is empty"
    segments = path.split("/")
    if ".." in segments:
        return _("climbs out of the package with '..'")
    if any(segment in {"", "."} for segment in segments):
        return _("has an empty or '.' segment; a part name is written plainly")
    if any(segment.endswith((".", " ")) for segment in segments):
        return _("has a segment ending in a dot or a space, which Windows drops")
    return None


def _name_key(name: str) -> str:
    """A part name as Word and file systems compare them: without a trailing slash,
    normalised, in one case (part names are case-insensitive) and one Unicode form."""
    return unicodedata.normalize("NFC", posixpath.normpath(name.rstrip("/"))).casefold()


def names_problem(entries: list[zipfile.ZipInfo]) -> str | None:
    """Why the part names of a zip's directory cannot be carried into a Word file (the first
    that is not a plain relative part name, or two that name one part), or None."""
    seen: dict[str, str] = {}
    for entry in entries:
        # the name as the archive holds it: Python's reader cuts it at a NUL character
        name = entry.orig_filename
        problem = part_name_problem(name)
        if problem is not None:
            return _("the style reference holds a part whose name {name} {problem}").format(
                       name=shown_name(name), problem=problem)
        key = _name_key(name)
        if key in seen:
            if seen[key] == name:
                return _("the style reference holds the part {name} twice").format(
                           name=shown_name(name))
            return (_("the style reference holds the parts {key} and {name}, which name one part "
                      "(part names ignore case)").format(
                        key=shown_name(seen[key]), name=shown_name(name)))
        seen[key] = name
    return None


def declaration_problem(name: str, data: bytes) -> str | None:
    """Why the XML part `name` may not be read (it declares a DOCTYPE or entities), or
    None. Word writes neither; an entity expands (a billion laughs) or reads a file."""
    lowered = data.lower()  # ASCII letters only: the UTF-16 spellings lower alike
    if any(marker in lowered for marker in _DECLARATIONS):
        return (_("the part {name} of the style reference declares a DOCTYPE or entities, which "
                  "Word files do not hold").format(name=shown_name(name)))
    return None


def size_problem(size: int) -> str | None:
    """Why a file of `size` bytes is too large to be a style reference, or None."""
    if size > MAX_FILE_BYTES:
        return (_("the style reference is {size} MiB; a Word style reference is at most "
                  "{MAX_FILE_BYTES} MiB").format(
                    size=size // (1024 * 1024), MAX_FILE_BYTES=MAX_FILE_BYTES // (1024 * 1024)))
    return None


def directory_problem(entries: list[zipfile.ZipInfo]) -> str | None:
    """Why a zip with this directory is not read (too many parts, or parts that unpack past
    the bound: a zip bomb), or None. Python's zip reader never unpacks an entry past the size
    its directory declares, so these sizes bound the reading."""
    if len(entries) > MAX_ENTRIES:
        return (_("the style reference holds {entries} parts; a Word file holds far fewer (at "
                  "most {MAX_ENTRIES} are read)").format(
                    entries=len(entries), MAX_ENTRIES=MAX_ENTRIES))
    unpacked = sum(entry.file_size for entry in entries)
    if unpacked > MAX_UNPACKED_BYTES:
        return (_("the style reference unpacks to {unpacked} MiB (a zip bomb?); at most "
                  "{MAX_UNPACKED_BYTES} MiB are read").format(
                    unpacked=unpacked // (1024 * 1024),
                    MAX_UNPACKED_BYTES=MAX_UNPACKED_BYTES // (1024 * 1024)))
    return None


def container_problem(path: Path) -> str | None:
    """Why `path` is not a Word file that may be read (not a regular file, too large, not a
    zip, a zip bomb, not a Word document), judged from the zip's directory alone; None when
    it may be read. Cheap: `snplan validate` asks it of `data/reference.docx`."""
    try:
        info = path.stat()
    except (OSError, RuntimeError) as exc:
        reason = exc.strerror if isinstance(exc, OSError) and exc.strerror else "a link loop"
        return _("cannot read the style reference: {reason}").format(reason=reason)
    if not stat.S_ISREG(info.st_mode):
        return _("the style reference is not a file")
    problem = size_problem(info.st_size)
    if problem is not None:
        return problem
    try:
        with zipfile.ZipFile(path) as archive:
            entries = archive.infolist()
            problem = directory_problem(entries) or names_problem(entries)
            if problem is not None:
                return problem
            problem = _declarations_in(archive, entries)
            if problem is not None:
                return problem
            names = {entry.filename: entry for entry in entries}
            types = names.get("[Content_Types].xml")
            if types is None or "_rels/.rels" not in names:
                return _("the style reference is a zip file but not a Word document (.docx)")
            if types.file_size > MAX_CONTENT_TYPES_BYTES:
                return _("the style reference's list of content types is too large")
            content_types = archive.read(types).decode("utf-8", "replace")
    except (zipfile.BadZipFile, zipfile.LargeZipFile, EOFError, ValueError,
            NotImplementedError, RuntimeError):
        return _("the style reference is not a Word document (.docx): it is not a zip file")
    except OSError as exc:
        return _("cannot read the style reference: {exc}").format(exc=exc.strerror or exc)
    if WORD_MAIN not in content_types and WORD_TEMPLATE not in content_types:
        return (_("the style reference is an Office file but not a Word document (.docx); save "
                  "it from Word as a .docx"))
    return None


def _declarations_in(archive: zipfile.ZipFile, entries: list[zipfile.ZipInfo]) -> str | None:
    """The first XML part that declares a DOCTYPE or entities, as a problem (read within the
    bounds `directory_problem` checked)."""
    for entry in entries:
        if entry.filename.lower().endswith(XML_SUFFIXES) and not entry.is_dir():
            problem = declaration_problem(entry.filename, archive.read(entry))
            if problem is not None:
                return problem
    return None
