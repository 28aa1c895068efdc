"""The one walker of a loaded model's values: checks, prose evaluation and `diff` all go
through it, so a new kind of container (a model with extra fields, a mapping of rows) is
handled everywhere at once."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

from pydantic import BaseModel

Loc = tuple[str | int, ...]


def fields(obj: BaseModel) -> Iterator[tuple[str, Any]]:
    """A model's fields, then its extra fields (a row of figures keeps its kinds there)."""
    for name in type(obj).model_fields:
        yield name, getattr(obj, name)
    extra = obj.__pydantic_extra__ or {}
    yield from extra.items()


def leaves(obj: Any, loc: Loc = ()) -> Iterator[tuple[Loc, Any]]:
    """Every value that is not a container, with its field path."""
    if isinstance(obj, BaseModel):
        for name, value in fields(obj):
            yield from leaves(value, loc + (name,))
    elif isinstance(obj, list | tuple):
        for index, item in enumerate(obj):
            yield from leaves(item, loc + (index,))
    elif isinstance(obj, dict):
        for key, item in obj.items():
            yield from leaves(item, loc + (key,))
    else:
        yield loc, obj


def transform(obj: Any, change: Callable[[Loc, Any], Any], loc: Loc = ()) -> Any:
    """A copy of `obj` with every leaf replaced by `change(loc, leaf)`; containers whose
    leaves did not change are returned as they are (no copy)."""
    if isinstance(obj, BaseModel):
        updates = {}
        for name, value in fields(obj):
            new = transform(value, change, loc + (name,))
            if new is not value:
                updates[name] = new
        if not updates:
            return obj
        copy = obj.model_copy(update={k: v for k, v in updates.items()
                                      if k in type(obj).model_fields})
        extra = {k: v for k, v in updates.items() if k not in type(obj).model_fields}
        if extra and copy.__pydantic_extra__ is not None:
            copy.__pydantic_extra__.update(extra)
        return copy
    if isinstance(obj, list):
        items = [transform(v, change, loc + (i,)) for i, v in enumerate(obj)]
        return items if any(a is not b for a, b in zip(items, obj, strict=True)) else obj
    if isinstance(obj, dict):
        result = {k: transform(v, change, loc + (k,)) for k, v in obj.items()}
        return result if any(result[k] is not obj[k] for k in obj) else obj
    return change(loc, obj)
