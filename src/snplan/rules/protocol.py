"""Rules of an MBL § 11 protocol."""

from __future__ import annotations

from ..load import Dataset
from ..problems import Problem
from .common import problem, unknown


def check_protocols(ds: Dataset) -> list[Problem]:
    """Attendees and signatories exist, the employees' side are union members, notes and
    stances name unions that exist, only the last paragraph closes, and the meeting ends after
    it starts."""
    org = ds.organisation
    if org is None:
        return []
    people = {p.id: p for p in org.personer}
    unions = {f.id for f in org.fack}
    problems: list[Problem] = []
    for year in ds.years.values():
        for document in year.mbl.values():
            src = document.source
            for part in ("narvarande", "justeras"):
                sides = document.block(part)
                if sides is None:
                    continue
                for side in ("arbetsgivare", "arbetstagare"):
                    for index, person_id in enumerate(getattr(sides, side)):
                        loc = (part, side, index)
                        if person_id not in people:
                            problems += unknown(src, loc, person_id, people, "person",
                                                "personer")
                        elif side == "arbetstagare" and people[person_id].fack is None:
                            problems.append(problem(
                                src, loc, f"{people[person_id].namn} sits for the employees "
                                "but belongs to no union (set fack in personer)"))
            paragraphs = document.block("paragrafer") or []
            for p_index, paragraph in enumerate(paragraphs):
                for u_index, union in enumerate(paragraph.protokollsanteckning):
                    problems += unknown(src, ("paragrafer", p_index, "protokollsanteckning",
                                              u_index), union, unions, "union", "fack")
                for s_index, stance in enumerate(paragraph.stallningstaganden):
                    problems += unknown(src, ("paragrafer", p_index, "stallningstaganden",
                                              s_index, "fack"), stance.fack, unions, "union",
                                        "fack")
            closing = [i for i, p in enumerate(paragraphs) if p.avslutande]
            if len(closing) > 1 or (closing and closing[0] != len(paragraphs) - 1):
                problems.append(problem(src, ("paragrafer",),
                                        "only the last paragraph can be the closing one"))
            model = document.model
            if model.tid_till <= model.tid_fran:
                problems.append(problem(src, ("tid_till",),
                                        f"the meeting ends ({model.tid_till}) before it "
                                        f"starts ({model.tid_fran})"))
    return problems
