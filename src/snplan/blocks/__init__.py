"""The typed blocks a document is made of: each type's layout context (what its template
macro prints). Models are in `model.blocks`, rules in `rules`, tables in `tables`."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from . import goals, memo, monthly, protocol, table, text
from .base import BlockInput

CONTEXTS: dict[str, Callable[[BlockInput], dict[str, Any] | None]] = {
    "text": text.context,
    "tabell": table.context,
    "mal": goals.context,
    "uppdrag": goals.context,
    "manadsmatt": monthly.context,
    "lista": memo.list_context,
    "avsnitt": memo.sections_context,
    "bilagor": memo.attachments_context,
    "underskrifter": memo.signatures_context,
    "narvarande": protocol.attendance_context,
    "paragrafer": protocol.paragraphs_context,
    "justering": protocol.signing_context,
}


def context(block: BlockInput) -> dict[str, Any] | None:
    """The layout context of one block (None: nothing to print)."""
    result = CONTEXTS[block.node.typ or "text"](block)
    if result is not None:
        result.setdefault("typ", block.node.typ or "text")
    return result


__all__ = ["BlockInput", "context"]
