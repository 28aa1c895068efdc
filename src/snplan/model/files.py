"""The model of a whole data file: the document's own fields (`model.meta`) and one optional
field per block of its outline, typed by the block's type. Built once per outline, so an
organisation's own outline gives its own checks and its own JSON Schema."""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, ConfigDict, create_model

from ..blocks import REGISTRY
from .disposition import Disposition

_MODELS: dict[tuple[type[BaseModel], str], type[BaseModel]] = {}


def file_model(meta: type[BaseModel], disposition: Disposition, name: str) -> type[BaseModel]:
    """The model of a data file of one document kind under one outline."""
    key = (meta, disposition.model_dump_json())
    if key not in _MODELS:
        fields: dict[str, Any] = {}
        for node in disposition.blocks():
            assert node.block is not None
            if node.block in meta.model_fields:
                raise ValueError(f"the block key '{node.block}' is also a field of the "
                                 "document itself; choose another key")
            content = REGISTRY[node.typ or "text"].content_model(node)
            fields[node.block] = (content | None, None)
        _MODELS[key] = create_model(name, __base__=meta, __doc__=meta.__doc__,
                                    __config__=None, **fields)
    return _MODELS[key]


def block_values(document: BaseModel, meta: type[BaseModel]) -> dict[str, Any]:
    """The blocks a loaded file holds (its fields beyond the document's own), by key."""
    return {name: getattr(document, name) for name in type(document).model_fields
            if name not in meta.model_fields and getattr(document, name) is not None}


__all__ = ["ConfigDict", "block_values", "file_model"]
