"""Prose sections: a text, an optional free table, sub-sections at the next heading level."""

from __future__ import annotations

from typing import Any

from ..model.common import Avsnitt
from ..tables.engine import free_table
from .base import BlockInput
from .table import table_layout


def section(content: Avsnitt, block: BlockInput, level: int) -> dict[str, Any]:
    return {
        "rubrik": content.rubrik,
        "niva": level,
        "text": content.text,
        "tabell": (table_layout(free_table(content.tabell, block.org, block.year), block)
                   if content.tabell is not None else None),
        "underavsnitt": [section(sub, block, level + 1) for sub in content.underavsnitt],
    }


def context(block: BlockInput) -> dict[str, Any] | None:
    """A text block; its own heading (rubrik) replaces the chapter's, so it is not repeated
    here."""
    content: Avsnitt = block.content
    result = section(content, block, block.level)
    result["rubrik"] = None
    return result
