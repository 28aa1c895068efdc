"""The parts of an MBL § 11 protocol: who attended, the numbered paragraphs with the unions'
notes and stances, and who signs ("Justeras")."""

from __future__ import annotations

from typing import Any

from .base import BlockInput


def running_title(title: str) -> str:
    """A title as it reads after a name in a list ("Maria Berg, förvaltningschef"): the
    first letter in lower case, unless the title begins with an abbreviation that keeps its
    capitals ("HR-strateg", "MAS")."""
    if len(title) > 1 and title[1].isupper():
        return title
    return title[:1].lower() + title[1:]


def _attendee(block: BlockInput, person_id: str) -> dict[str, str]:
    """A person's name, title in running text (`titel`), title as written (`befattning`,
    printed under a signature) and union."""
    people = {p.id: p for p in block.org.personer}
    unions = {f.id: f.namn for f in block.org.fack}
    person = people.get(person_id)
    if person is None:
        return {"namn": person_id, "titel": "", "befattning": "", "fack": ""}
    union = unions.get(person.fack, "") if person.fack else ""
    title = person.titel or ""
    return {"namn": person.namn, "titel": running_title(title), "befattning": title,
            "fack": union}


def attendance_context(block: BlockInput) -> dict[str, Any] | None:
    return {"arbetsgivare": [_attendee(block, p) for p in block.content.arbetsgivare],
            "arbetstagare": [_attendee(block, p) for p in block.content.arbetstagare]}


def signing_context(block: BlockInput) -> dict[str, Any] | None:
    """Who signs for each side, paired line by line."""
    employer = [_attendee(block, p) for p in block.content.arbetsgivare]
    employees = [_attendee(block, p) for p in block.content.arbetstagare]
    pairs = [(employer[index] if index < len(employer) else None,
              employees[index] if index < len(employees) else None)
             for index in range(max(len(employer), len(employees)))]
    return {"arbetsgivare": employer, "arbetstagare": employees, "par": pairs}


def paragraphs_context(block: BlockInput) -> dict[str, Any] | None:
    unions = {f.id: f.namn for f in block.org.fack}
    paragraphs = []
    for number, paragraph in enumerate(block.content, start=1):
        paragraphs.append({
            "nummer": number,
            "rubrik": paragraph.rubrik,
            "text": paragraph.text,
            "anteckning_av": [unions.get(u, u) for u in paragraph.protokollsanteckning],
            "stallningstaganden": [{"fack": unions.get(s.fack, s.fack),
                                    "stallning": s.stallning}
                                   for s in paragraph.stallningstaganden],
        })
    return {"paragrafer": paragraphs, "niva": block.level}
