"""Pydantic models for every kind of data file, and the registry that maps a file to its kind."""

from __future__ import annotations

from dataclasses import dataclass

from pydantic import BaseModel

from .matter import Mbl, Tjansteskrivelse
from .organisation import Organisation
from .outcome import Arsredovisning
from .plan import Verksamhetsplan


@dataclass(frozen=True)
class Kind:
    """A kind of data file: its model, where it lives, and its JSON Schema file name."""

    name: str
    model: type[BaseModel]
    description: str

    @property
    def schema_file(self) -> str:
        return f"{self.name}.schema.json"


KINDS: dict[str, Kind] = {
    k.name: k
    for k in (
        Kind("organisation", Organisation, "data/organisation.yaml"),
        Kind("verksamhetsplan", Verksamhetsplan, "data/YEAR/verksamhetsplan.yaml"),
        Kind("arsredovisning", Arsredovisning, "data/YEAR/arsredovisning.yaml"),
        Kind("tjansteskrivelse", Tjansteskrivelse, "data/YEAR/arenden/*.yaml"),
        Kind("mbl", Mbl, "data/YEAR/mbl/*.yaml"),
    )
}

__all__ = [
    "KINDS",
    "Arsredovisning",
    "Kind",
    "Mbl",
    "Organisation",
    "Tjansteskrivelse",
    "Verksamhetsplan",
]
