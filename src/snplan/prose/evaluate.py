"""Figures in prose: texts in the YAML may embed expressions such as
`{{ resultat.netto.utfall | abs | belopp }}`, evaluated against the model and the computed
figures, so that a sentence and the table beside it cannot disagree.

Every string of a loaded model is walked with its field path; a failing expression becomes a
problem naming the file, the line and the field.
"""

from __future__ import annotations

from typing import Any

from jinja2.sandbox import SandboxedEnvironment

from ..problems import Problem, field_path
from ..source.load import Source
from ..source.walk import transform
from .markup import unmarked
from .rules import has_expression
from .sandbox import ExpressionError, render_string


def evaluate(obj: Any, source: Source | None, env: SandboxedEnvironment,
             namespace: dict[str, Any], problems: list[Problem],
             loc: tuple[str | int, ...] = (), marked: bool = False) -> Any:
    """A copy of `obj` with every expression in its strings evaluated; with `marked`, the
    figures they produce stand between the figure marks (prose/markup reads them)."""

    def change(where: tuple[str | int, ...], value: Any) -> Any:
        if not isinstance(value, str) or not has_expression(value):
            return value
        try:
            return render_string(env, unmarked(value) if marked else value, namespace,
                                 marked)
        except ExpressionError as exc:
            path = source.path if source else "data"
            line = source.line(*where) if source else None
            shown = source.field(where) if source else field_path(where)
            problems.append(Problem(path, line, shown, str(exc)))
            return value

    return transform(obj, change, loc)
