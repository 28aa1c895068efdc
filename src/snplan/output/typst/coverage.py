"""Which characters the PDF's fonts can show, and text cut down to them.

A PDF/UA or PDF/A file may not show a character that no embedded font has a glyph for, so
Typst refuses to compile one (an emoji in a heading, a control character pasted into a cell).
Rather than let data stop the build, every text is passed through `Printable` first: a
character no font has becomes U+FFFD (which the fallback font has), so the reader sees that
something was there. The glyph tables are read here from the font files themselves (their
`cmap`), with the standard library only, once per file.
"""

from __future__ import annotations

import struct
from collections.abc import Iterable
from functools import lru_cache
from pathlib import Path

from ...messages import _

REPLACEMENT = "\ufffd"
# Invisible characters a shaper drops when a font lacks them (Unicode's default-ignorable
# code points that Typst accepts in tagged PDF): soft hyphen, joiners, direction marks, word
# joiner, variation selectors, byte order mark, tags.
_IGNORABLE = ((0x00AD, 0x00AD), (0x034F, 0x034F), (0x061C, 0x061C), (0x180B, 0x180F),
              (0x200B, 0x200F), (0x202A, 0x202E), (0x2060, 0x206F), (0xFE00, 0xFE0F),
              (0xFEFF, 0xFEFF), (0xE0000, 0xE0FFF))
_SPACES = {"\t", "\n", "\r", "\v", "\f", "\x1c", "\x1d", "\x1e", "\x85", "\u2028", "\u2029"}


class FontFileError(Exception):
    """A font file that cannot be read as TrueType or OpenType."""


def _tables(data: bytes, index: int) -> dict[bytes, tuple[int, int]]:
    """The table directory of the font (of font `index` in a collection)."""
    start = 0
    if data[:4] == b"ttcf":
        count = struct.unpack_from(">I", data, 8)[0]
        if index >= count:
            raise FontFileError(_("the collection has no font {index}").format(index=index))
        start = struct.unpack_from(">I", data, 12 + 4 * index)[0]
    count = struct.unpack_from(">H", data, start + 4)[0]
    tables = {}
    for n in range(count):
        tag, _unused, offset, length = struct.unpack_from(">4sIII", data, start + 12 + 16 * n)
        tables[tag] = (offset, length)
    return tables


def _format4(data: bytes, at: int) -> set[int]:
    segments = struct.unpack_from(">H", data, at + 6)[0] // 2
    ends = struct.unpack_from(f">{segments}H", data, at + 14)
    starts = struct.unpack_from(f">{segments}H", data, at + 16 + 2 * segments)
    deltas = struct.unpack_from(f">{segments}h", data, at + 16 + 4 * segments)
    range_at = at + 16 + 6 * segments
    offsets = struct.unpack_from(f">{segments}H", data, range_at)
    found: set[int] = set()
    for n, (first, last, delta, offset) in enumerate(zip(starts, ends, deltas, offsets,
                                                          strict=True)):
        if first == 0xFFFF:
            continue
        for code in range(first, last + 1):
            if offset == 0:
                glyph = (code + delta) & 0xFFFF
            else:
                where = range_at + 2 * n + offset + 2 * (code - first)
                glyph = struct.unpack_from(">H", data, where)[0]
                glyph = (glyph + delta) & 0xFFFF if glyph else 0
            if glyph:
                found.add(code)
    return found


def _format12(data: bytes, at: int) -> set[int]:
    groups = struct.unpack_from(">I", data, at + 12)[0]
    found: set[int] = set()
    for n in range(groups):
        first, last, glyph = struct.unpack_from(">III", data, at + 16 + 12 * n)
        found.update(range(first + (1 if glyph == 0 else 0), min(last, 0x10FFFF) + 1))
    return found


@lru_cache(maxsize=32)
def characters(path: Path, index: int = 0) -> frozenset[int]:
    """The code points the font maps to a glyph (its best Unicode `cmap` subtable)."""
    try:
        data = path.read_bytes()
        offset, _unused = _tables(data, index)[b"cmap"]
        count = struct.unpack_from(">H", data, offset + 2)[0]
        subtables: dict[tuple[int, int], int] = {}
        for n in range(count):
            platform, encoding, sub = struct.unpack_from(">HHI", data, offset + 4 + 8 * n)
            subtables[(platform, encoding)] = offset + sub
        for key in ((3, 10), (0, 6), (0, 4), (3, 1), (0, 3), (0, 2), (0, 1), (0, 0)):
            at = subtables.get(key)
            if at is None:
                continue
            kind = struct.unpack_from(">H", data, at)[0]
            if kind == 12:
                return frozenset(_format12(data, at))
            if kind == 4:
                return frozenset(_format4(data, at))
    except (OSError, KeyError, struct.error) as exc:
        raise FontFileError(_("cannot read the characters of the font {path}: {exc}").format(
                                path=path, exc=exc)) from None
    raise FontFileError(_("the font {path} has no Unicode character map").format(path=path))


def _ignorable(code: int) -> bool:
    return any(first <= code <= last for first, last in _IGNORABLE)


class Printable:
    """Text as the fonts can show it: a family's characters are those all its faces share
    (bold text must not lose a glyph the regular face has), and the fallbacks add theirs."""

    def __init__(self, families: Iterable[Iterable[Path]]) -> None:
        covered: set[int] = set()
        for faces in families:
            shared: frozenset[int] | None = None
            for face in faces:
                chars = characters(face)
                shared = chars if shared is None else shared & chars
            covered |= shared or frozenset()
        self.covered = frozenset(covered)
        self.replacement = REPLACEMENT if ord(REPLACEMENT) in covered else "?"
        self._ascii = all(code in covered for code in range(0x20, 0x7F))
        self._cache: dict[str, str] = {}

    def __call__(self, text: str) -> str:
        if self._ascii and text.isascii() and text.isprintable():
            return text
        done = self._cache.get(text)
        if done is not None:
            return done
        out = []
        for char in text:
            code = ord(char)
            if code in self.covered:
                out.append(char)
            elif char in _SPACES:
                out.append(" ")
            elif _ignorable(code):
                out.append(char)
            else:
                out.append(self.replacement)
        done = "".join(out)
        self._cache[text] = done
        return done
