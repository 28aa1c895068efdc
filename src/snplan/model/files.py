"""The model of a whole data file: the document's own fields (`model.meta`) and one optional
field per block of its outline, typed by the block's type. Built once per outline, so an
organisation's own outline gives its own checks and its own JSON Schema."""

from __future__ import annotations

import copyreg
from typing import Any

from pydantic import BaseModel, ConfigDict, create_model
from pydantic._internal._model_construction import ModelMetaclass

from ..blocks import REGISTRY
from ..messages import _
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
                raise ValueError(_("the block key '{block}' is also a field of the document "
                                   "itself; choose another key").format(block=node.block))
            content = REGISTRY[node.typ or "text"].content_model(node)
            fields[node.block] = (content | None, None)
        model = create_model(name, __base__=meta, __doc__=meta.__doc__, __config__=None,
                             **fields)
        model.__snplan_rebuild__ = (rebuilt_file_model, (meta, key[1], name))  # type: ignore[attr-defined]
        _MODELS[key] = model
    return _MODELS[key]


def rebuilt_file_model(meta: type[BaseModel], outline: str, name: str) -> type[BaseModel]:
    """A data file's model made again from its outline (as JSON): what an unpickled
    dataset's documents need."""
    return file_model(meta, Disposition.model_validate_json(outline), name)


def _reduce_class(cls: type[BaseModel]) -> Any:
    """How a model class is pickled: a class made from an outline by the recipe that makes it
    again (so a loaded dataset can be kept between runs, `source.snapshot`); a class written
    in code by its name, as pickle does by default."""
    recipe = cls.__dict__.get("__snplan_rebuild__")
    return recipe if recipe is not None else cls.__qualname__


copyreg.pickle(ModelMetaclass, _reduce_class)


def block_values(document: BaseModel, meta: type[BaseModel]) -> dict[str, Any]:
    """The blocks a loaded file holds (its fields beyond the document's own), by key."""
    return {name: getattr(document, name) for name in type(document).model_fields
            if name not in meta.model_fields and getattr(document, name) is not None}


__all__ = ["ConfigDict", "block_values", "file_model"]
