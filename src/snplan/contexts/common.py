"""Pieces every context needs: the organisation, formatting of rows, prose evaluation."""

from __future__ import annotations

import datetime as dt
import os
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from jinja2.sandbox import SandboxedEnvironment

from .. import fmt
from ..load import Dataset, Source
from ..problems import Problem
from ..prose import evaluate

# Level symbols: the assessment is shown as a shape and in words, never by colour alone.
SYMBOLS = {"niva1": "●", "niva2": "◆", "niva3": "▲", "niva4": "■"}


class ContextError(Exception):
    """The context could not be built; `problems` say where in the data."""

    def __init__(self, problems: list[Problem]) -> None:
        super().__init__("; ".join(p.format() for p in problems))
        self.problems = problems


@dataclass(frozen=True)
class Built:
    """A context with the metadata the renderer needs."""

    context: dict[str, Any]
    title: str
    subject: str
    kind_label: str
    timestamp: dt.datetime


def timestamp_for(day: dt.date | None, year: int) -> dt.datetime:
    """The document's fixed timestamp: SOURCE_DATE_EPOCH when set, else a date from the data,
    else 1 January of the year. Never the clock, so builds are reproducible."""
    epoch = os.environ.get("SOURCE_DATE_EPOCH")
    if epoch and epoch.isdigit():
        return dt.datetime.fromtimestamp(int(epoch), tz=dt.UTC).replace(tzinfo=None)
    chosen = day or dt.date(year, 1, 1)
    return dt.datetime(chosen.year, chosen.month, chosen.day, 12, 0, 0)


def organisation(ds: Dataset) -> dict[str, Any]:
    org = ds.organisation
    assert org is not None
    return {"kommun": org.kommun, "namnd": org.namnd, "forvaltning": org.forvaltning,
            "enhet": org.belopp_enhet}


def amount_cells(values: list[Decimal | None], unit: str) -> list[str]:
    return [fmt.amount(v, unit) for v in values]


def evaluated(obj: Any, source: Source | None, env: SandboxedEnvironment,
              namespace: dict[str, Any]) -> Any:
    """`obj` with its prose expressions evaluated; raises ContextError naming every failure."""
    problems: list[Problem] = []
    result = evaluate(obj, source, env, namespace, problems)
    if problems:
        raise ContextError(problems)
    return result


def person_lines(ds: Dataset, person_id: str | None, title: str | None) -> dict[str, str]:
    """Name and title of a signature; a signature may be a title alone."""
    people = {p.id: p for p in ds.organisation.personer} if ds.organisation else {}
    person = people.get(person_id) if person_id else None
    return {"namn": person.namn if person else "",
            "titel": title or (person.titel if person and person.titel else "")}
