"""Building blocks shared by every file kind.

Field names are Swedish because the people who edit the YAML are Swedish controllers and
secretaries; the names match the words in the documents they already know.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Annotated, Any

from pydantic import (
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    StringConstraints,
    WithJsonSchema,
)

# A stable identifier that a human types: lower case, digits, '-' and '_'.
Id = Annotated[str, StringConstraints(pattern=r"^[a-z0-9][a-z0-9_-]*$", max_length=64)]

# Money and other measured figures. The loader turns YAML floats into Decimal from their
# text, so 42.4 stays exactly 42.4; NaN and infinity are never a valid amount.
# The schema asks for a YAML number: a figure written as text is a slip an editor should mark.
Amount = Annotated[Decimal, Field(allow_inf_nan=False), WithJsonSchema({"type": "number"})]

# A count of people, households, days: never negative.
Count = Annotated[int, Field(ge=0)]

# What `snplan new` writes where a figure or a year's text is still to be filled in.
PLACEHOLDER = "FYLL I"
PLACEHOLDER_MESSAGE = f"to be filled in (still {PLACEHOLDER})"

# Prose in a small Markdown subset: paragraphs separated by a blank line, "- " bullets.
Text = str


class Strict(BaseModel):
    """Base for every model: unknown keys are errors, so a misspelt key never passes silently."""

    model_config = ConfigDict(extra="forbid", validate_default=True)


def _text_or_mapping(value: Any) -> Any:
    """Let a section be written as a bare string when it has no heading of its own."""
    if isinstance(value, str):
        return {"text": value}
    return value


class Tabell(Strict):
    """A free table, for attachments whose tables carry no figures snplan computes."""

    rubrik: str | None = None
    kolumner: list[str]
    rader: list[list[str]] = []
    fotnoter: list[str] = []


class Avsnitt(Strict):
    """A narrative section: optional heading, text, optional table and sub-sections.

    The heading is optional because most sections have a standard heading that the template
    supplies; a year that used another wording sets `rubrik`.
    """

    rubrik: str | None = None
    text: Text = ""
    tabell: Tabell | None = None
    underavsnitt: list[Section] = []


# The JSON Schema says so too, so an editor accepts the bare string the model accepts.
Section = Annotated[Avsnitt, BeforeValidator(_text_or_mapping,
                                             json_schema_input_type=str | Avsnitt)]
Avsnitt.model_rebuild()


class Tvarsektoriellt(Strict):
    """Cross-sector sections: international work, equal treatment, environment (the same in
    plans and reports)."""

    text: Text = ""
    internationellt: Section | None = None
    likabehandling: Section | None = None
    miljo: Section | None = None
