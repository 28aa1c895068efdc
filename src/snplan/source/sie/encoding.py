"""Which encoding a SIE file is really in.

SIE 4 allows one encoding, CP437 (`#FORMAT PC8`), but programs write Windows-1252, Latin-1 or
UTF-8 under the same header, and reading them as CP437 turns "Löner" into "L÷ner" without an
error. The bytes that differ between the candidates are the letters outside ASCII, so the
choice is made by decoding a sample under each and counting the letters a Swedish ledger
plausibly holds (å, ä, ö and a few others) against characters it would not (box drawing,
Greek letters, control characters).
"""

from __future__ import annotations

from dataclasses import dataclass

from ...messages import _


@dataclass(frozen=True)
class Encoding:
    """An encoding as Python decodes it and as a note names it; `alias` names another that
    reads the file's letters the same (Windows-1252 and Latin-1 differ only in 0x80–0x9F)."""

    codec: str
    name: str
    alias: str | None = None

    @property
    def described(self) -> str:
        if self.alias is None:
            return self.name
        return _("{name} or {alias} (the two agree on every letter in it)").format(
                   name=self.name, alias=self.alias)


CP437 = Encoding("cp437", "CP437")
UTF8 = Encoding("utf-8", "UTF-8")
WINDOWS_1252 = Encoding("cp1252", "Windows-1252")
LATIN_1 = Encoding("latin-1", "Latin-1")

# How much of the file, from the first line with a byte outside ASCII, decides the encoding.
SAMPLE_SIZE = 64 * 1024

# Letters that earn a candidate a point; typographic marks that earn nothing and cost nothing
# (Windows-1252 has them in 0x80–0x9F, where CP437 has å, ä, ö); every other character outside
# ASCII costs a point.
_PLAUSIBLE = frozenset("åäöÅÄÖéÉüÜèàáíóúñçøæ")
_NEUTRAL = frozenset("–—‘’“”„…•€§°±½\xa0")
_CANDIDATES = (CP437, UTF8, WINDOWS_1252, LATIN_1)  # ties go to the earlier


def detect(sample: bytes) -> Encoding:
    """The encoding of a sample that holds at least one byte outside ASCII. UTF-8 competes
    like the others (a byte it cannot read costs a point), so one stray byte in a UTF-8 file
    does not make it Windows-1252; the sample ends at a line end, so that a letter cut in two
    by its end costs nothing."""
    end = sample.rfind(b"\n")
    if end > 0:
        sample = sample[:end + 1]
    best = max(_CANDIDATES, key=lambda candidate: (_score(sample, candidate),
                                                   -_CANDIDATES.index(candidate)))
    if best is WINDOWS_1252 and not any(0x80 <= byte <= 0x9F for byte in sample):
        return Encoding(WINDOWS_1252.codec, WINDOWS_1252.name, LATIN_1.name)
    return best


def _score(sample: bytes, candidate: Encoding) -> int:
    text = sample.decode(candidate.codec, errors="replace")
    score = 0
    for character in text:
        if character < "\x80":
            continue
        if character in _PLAUSIBLE:
            score += 1
        elif character not in _NEUTRAL:
            score -= 1
    return score


def decode(raw: bytes, encoding: Encoding) -> tuple[str, bool]:
    """A line's text, and whether every byte was one of the encoding's; bytes that are not
    are shown as U+FFFD so the rest of the line can still be read."""
    try:
        return raw.decode(encoding.codec), True
    except UnicodeDecodeError:
        return raw.decode(encoding.codec, errors="replace"), False
