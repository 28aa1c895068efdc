"""The typed blocks a document is made of: one module per type, each a `BlockType` whose
subclassing registers it. The registry is what this package's modules define; nothing else
names a type."""

from __future__ import annotations

import importlib
import pkgutil

from ..tree import Block
from .base import REGISTRY, BlockInput, BlockType

for _module in pkgutil.iter_modules(__path__):
    if _module.name != "base":
        importlib.import_module(f"{__name__}.{_module.name}")


def resolve(block: BlockInput) -> list[Block]:
    """The nodes of one block (none: nothing to print)."""
    return REGISTRY[block.node.typ or "text"].resolve(block)


__all__ = ["REGISTRY", "BlockInput", "BlockType", "resolve"]
