"""Figures in prose: texts in the YAML may embed expressions such as
`{{ resultat.netto.utfall | abs | belopp }}`, evaluated against the model and the computed
figures, so that a sentence and the table beside it cannot disagree.

Every string of a loaded model is walked with its field path; a failing expression becomes a
problem naming the file, the line and the field.
"""

from __future__ import annotations

from typing import Any

from jinja2.sandbox import SandboxedEnvironment
from pydantic import BaseModel

from .load import Source
from .problems import Problem, field_path
from .templating import ExpressionError, render_string

MARKERS = ("{{", "{%")


def has_expression(text: str) -> bool:
    return any(marker in text for marker in MARKERS)


def evaluate(obj: Any, source: Source | None, env: SandboxedEnvironment,
             namespace: dict[str, Any], problems: list[Problem],
             loc: tuple[str | int, ...] = ()) -> Any:
    """A copy of `obj` with every expression in its strings evaluated."""
    if isinstance(obj, str):
        if not has_expression(obj):
            return obj
        try:
            return render_string(env, obj, namespace)
        except ExpressionError as exc:
            path = source.path if source else "data"
            line = source.line(*loc) if source else None
            problems.append(Problem(path, line, field_path(loc), str(exc)))
            return obj
    if isinstance(obj, BaseModel):
        updates = {}
        for name in type(obj).model_fields:
            value = getattr(obj, name)
            new = evaluate(value, source, env, namespace, problems, loc + (name,))
            if new is not value:
                updates[name] = new
        return obj.model_copy(update=updates) if updates else obj
    if isinstance(obj, list):
        items = [evaluate(v, source, env, namespace, problems, loc + (i,))
                 for i, v in enumerate(obj)]
        return items if any(a is not b for a, b in zip(items, obj, strict=True)) else obj
    if isinstance(obj, dict):
        result = {k: evaluate(v, source, env, namespace, problems, loc + (k,))
                  for k, v in obj.items()}
        return result if any(result[k] is not obj[k] for k in obj) else obj
    return obj
