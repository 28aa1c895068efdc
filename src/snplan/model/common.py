"""Building blocks shared by every file kind.

Field names are Swedish because the people who edit the YAML are Swedish controllers and
secretaries; the names match the words in the documents they already know.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Annotated, Any, Literal

from pydantic import (
    AfterValidator,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    StringConstraints,
    WithJsonSchema,
)

from ..messages import _
from ..source.yamlsource import MAX_DIGITS, too_large

# A stable identifier that a human types: lower case, digits, '-' and '_'.
Id = Annotated[str, StringConstraints(pattern=r"^[a-z0-9][a-z0-9_-]*$", max_length=64)]


def _within_reach(value: Decimal) -> Decimal:
    """The reader refuses a huge number written as a number; one written as text
    ("1e999999") reaches the model as a string, which Decimal arithmetic and rounding could
    not handle."""
    if too_large(value):
        raise ValueError(_("the number {value} is too large: a figure has at most {MAX_DIGITS} "
                           "digits before the decimal mark").format(
                             value=value, MAX_DIGITS=MAX_DIGITS))
    return value


# Money and other measured figures. The loader turns YAML floats into Decimal from their
# text, so 42.4 stays exactly 42.4; NaN and infinity are never a valid amount.
# The schema asks for a YAML number: a figure written as text is a slip an editor should mark.
Amount = Annotated[Decimal, Field(allow_inf_nan=False), AfterValidator(_within_reach),
                   WithJsonSchema({"type": "number"})]

# A level of a four-level scale (a goal's assessment, an internal control's result).
Niva = Literal["niva1", "niva2", "niva3", "niva4"]

# A count of people, households, days: never negative.
Count = Annotated[int, Field(ge=0)]

# What `snplan new` writes where a figure or a year's text is still to be filled in.
PLACEHOLDER = "FYLL I"
PLACEHOLDER_MESSAGE = f"to be filled in (still {PLACEHOLDER})"

# Prose in a small Markdown subset: paragraphs separated by a blank line, "- " bullets.
Text = str


class Strict(BaseModel):
    """Base for every model: unknown keys are errors, so a misspelt key never passes silently."""

    model_config = ConfigDict(extra="forbid", validate_default=True, defer_build=True)


def _text_or_mapping(value: Any) -> Any:
    """Let a section be written as a bare string when it has no heading of its own."""
    if isinstance(value, str):
        return {"text": value}
    return value


class FreeColumn(Strict):
    """A column of a free table: its heading and what its cells are (amounts and numbers are
    right-aligned and printed in Swedish format, dates as written)."""

    rubrik: str
    typ: Literal["text", "belopp", "tal", "procent", "datum"] = "text"


# A cell of a free table, as written: text, a number or a date.
FreeCell = Annotated[str | Decimal | int | dt.date | None, Field(union_mode="left_to_right")]


def named(field: str, model: Any) -> Any:
    """A validator that lets an item be written as a bare string: `"Handlingar"` stands for
    `{field: "Handlingar"}` (a column by its heading, an activity by its name). The JSON
    Schema says so too, so an editor accepts what the model does."""

    def wrap(value: Any) -> Any:
        return {field: value} if isinstance(value, str) else value

    return BeforeValidator(wrap, json_schema_input_type=str | model)


def _listed(value: Any) -> Any:
    return [value] if isinstance(value, str) else value


# A list of lines written as one string stands for a list of that string.
Lines = Annotated[list[str], BeforeValidator(_listed, json_schema_input_type=str | list[str])]

FreeColumnItem = Annotated[FreeColumn, named("rubrik", FreeColumn)]


class Tabell(Strict):
    """A free table, for sections and attachments whose tables carry no figures snplan
    computes: the data gives the columns (a heading, or a heading and a type) and the rows."""

    rubrik: str | None = None
    kolumner: list[FreeColumnItem] = Field(min_length=1)
    rader: list[list[FreeCell]] = []
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
