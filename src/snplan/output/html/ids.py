"""Ids of one page: unique, valid, and readable in an address ("#ekonomisk-analys").

A section's anchor comes from the tree, or from its title when the tree has none; a table's
and a figure's from their ids. Whatever the data holds, an id here is made of a–z, 0–9 and
hyphens, starts with a letter, and is given out once per page (a second "sammanfattning"
becomes "sammanfattning-2"), so every `href="#…"` and `aria-labelledby` finds one element.
"""

from __future__ import annotations

import unicodedata

# Letters that do not decompose into an ASCII letter and a mark.
_LETTERS = {"æ": "ae", "ø": "o", "ß": "ss", "đ": "d", "ł": "l", "þ": "th", "ð": "d"}


def slug(text: str, fallback: str = "avsnitt") -> str:
    """`text` as lower-case ASCII words joined by hyphens ("Förvaltningsberättelse" →
    "forvaltningsberattelse"), starting with a letter."""
    out: list[str] = []
    for char in unicodedata.normalize("NFKD", text.lower()):
        if unicodedata.combining(char):
            continue
        char = _LETTERS.get(char, char)
        if char.isascii() and char.isalnum():
            out.append(char)
        elif out and out[-1] != "-":
            out.append("-")
    result = "".join(out).strip("-")[:64].strip("-")
    if not result:
        return fallback
    return result if result[0].isalpha() else f"{fallback}-{result}"


class Ids:
    """The ids given out on one page, and what each anchor of the tree became."""

    def __init__(self, reserved: tuple[str, ...] = ()) -> None:
        self.taken: set[str] = set(reserved)
        self.anchors: dict[str, str] = {}

    def new(self, wanted: str, fallback: str = "avsnitt") -> str:
        """A fresh id made from `wanted`."""
        base = slug(wanted, fallback)
        candidate, number = base, 2
        while candidate in self.taken:
            candidate = f"{base}-{number}"
            number += 1
        self.taken.add(candidate)
        return candidate

    def anchor(self, anchor: str, title: str) -> str:
        """The id of a section: its anchor (or title) made valid and unique; the first
        section holding an anchor is where in-page links to it lead."""
        made = self.new(anchor or title)
        if anchor and anchor not in self.anchors:
            self.anchors[anchor] = made
        return made

    def reserve(self, *ids: str) -> None:
        self.taken.update(ids)

    def target(self, fragment: str) -> str:
        """Where an in-page link `#fragment` leads: the id its anchor became."""
        return self.anchors.get(fragment, fragment)
