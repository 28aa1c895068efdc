"""Rules of a protocol's own fields: a meeting ends after it starts. (Its blocks —
attendance, signing, paragraphs — are checked by their types.)"""

from __future__ import annotations

from ..messages import _
from ..problems import Problem, problem
from ..source.load import Dataset


def check_protocols(ds: Dataset) -> list[Problem]:
    org = ds.organisation
    if org is None:
        return []
    problems: list[Problem] = []
    for document in ds.documents():
        start, end = (getattr(document.model, name, None) for name in ("tid_fran", "tid_till"))
        if start is not None and end is not None and end <= start:
            problems.append(problem(document.source, ("tid_till",),
                                    _("the meeting ends ({end}) before it starts ({start})").format(
                                        end=end, start=start)))
    return problems
