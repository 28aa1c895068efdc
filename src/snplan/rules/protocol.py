"""Rules of the blocks a protocol holds (attendance, signing, numbered paragraphs), wherever
an outline places them, and of a meeting's times."""

from __future__ import annotations

from typing import Any

from ..model.organisation import Organisation
from ..problems import Problem
from ..source.load import Dataset, Document
from .common import problem, unknown

# Blocks whose two sides name people (the employer's and the employees').
PEOPLE_BLOCKS = frozenset({"narvarande", "justering"})


def _sides(document: Document, key: str, content: Any, org: Organisation) -> list[Problem]:
    """Attendees and signatories exist; the employees' side are union members."""
    people = {p.id: p for p in org.personer}
    problems: list[Problem] = []
    for side in ("arbetsgivare", "arbetstagare"):
        for index, person_id in enumerate(getattr(content, side)):
            loc = (key, side, index)
            if person_id not in people:
                problems += unknown(document.source, loc, person_id, people, "person",
                                    "personer")
            elif side == "arbetstagare" and people[person_id].fack is None:
                problems.append(problem(
                    document.source, loc, f"{people[person_id].namn} sits for the employees "
                    "but belongs to no union (set fack in personer)"))
    return problems


def _paragraphs(document: Document, key: str, paragraphs: list[Any],
                org: Organisation) -> list[Problem]:
    """Notes and stances name unions that exist; only the last paragraph closes."""
    unions = {f.id for f in org.fack}
    src = document.source
    problems: list[Problem] = []
    for p_index, paragraph in enumerate(paragraphs):
        for u_index, union in enumerate(paragraph.protokollsanteckning):
            problems += unknown(src, (key, p_index, "protokollsanteckning", u_index), union,
                                unions, "union", "fack")
        for s_index, stance in enumerate(paragraph.stallningstaganden):
            problems += unknown(src, (key, p_index, "stallningstaganden", s_index, "fack"),
                                stance.fack, unions, "union", "fack")
    closing = [i for i, p in enumerate(paragraphs) if p.avslutande]
    if len(closing) > 1 or (closing and closing[0] != len(paragraphs) - 1):
        problems.append(problem(src, (key,), "only the last paragraph can be the closing one"))
    return problems


def check_protocols(ds: Dataset) -> list[Problem]:
    org = ds.organisation
    if org is None:
        return []
    problems: list[Problem] = []
    for document in ds.documents():
        for node in ds.disposition(document.kind).blocks():
            key = node.block or ""
            content = document.block(key)
            if content is None:
                continue
            if node.typ in PEOPLE_BLOCKS:
                problems += _sides(document, key, content, org)
            elif node.typ == "paragrafer":
                problems += _paragraphs(document, key, content, org)
        start, end = (getattr(document.model, name, None) for name in ("tid_fran", "tid_till"))
        if start is not None and end is not None and end <= start:
            problems.append(problem(document.source, ("tid_till",),
                                    f"the meeting ends ({end}) before it starts ({start})"))
    return problems
