"""The Jinja environment for templates and for figures in prose.

Both run sandboxed (no attribute access to Python internals) and with StrictUndefined: a name
that does not exist is an error, never an empty string in a published document.
"""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal
from functools import lru_cache
from pathlib import Path
from typing import Any

from jinja2 import FileSystemLoader, StrictUndefined, TemplateError, UndefinedError
from jinja2.sandbox import SandboxedEnvironment, SecurityError

from . import fmt


def cell(value: Any) -> str:
    """Text safe inside a Markdown table cell: pipes escaped, paragraphs as line breaks."""
    text = "" if value is None else str(value)
    text = text.replace("\\", "\\\\").replace("|", "\\|").replace("<", "&lt;")
    parts = [p.strip() for p in text.strip().split("\n\n")]
    joined = "<br>".join(" ".join(p.split("\n")) for p in parts if p)
    return joined


def inline(value: Any) -> str:
    """Text on one line (headings, list items): line breaks become spaces."""
    return " ".join(("" if value is None else str(value)).split())


def block(value: Any) -> str:
    """Prose from the data as Markdown blocks; '<' is escaped so no raw HTML reaches Word."""
    text = "" if value is None else str(value)
    return text.replace("<", "&lt;").strip()


def filters(unit: str) -> dict[str, Callable[..., str]]:
    """Formatting filters, bound to the organisation's amount unit."""

    def belopp(value: Decimal | None, with_unit: bool = False) -> str:
        return fmt.amount(value, unit, with_unit=with_unit)

    def tal(value: Decimal | int | None, decimals: int | None = None) -> str:
        return fmt.number(value, decimals)

    def procent(value: Decimal | None, decimals: int = 1) -> str:
        return fmt.percent(value, decimals)

    return {"belopp": belopp, "tal": tal, "procent": procent, "cell": cell, "inline": inline,
            "block": block}


@lru_cache(maxsize=8)
def environment(templates: Path | None, unit: str) -> SandboxedEnvironment:
    """One environment per template directory and unit, kept so compiled templates are
    reused across the documents of a build."""
    env = SandboxedEnvironment(
        loader=FileSystemLoader(str(templates)) if templates else None,
        undefined=StrictUndefined,
        autoescape=False,
        keep_trailing_newline=True,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.filters.update(filters(unit))
    return env


class ExpressionError(Exception):
    """A figure expression in prose failed: an undefined name, bad syntax, or a forbidden
    attribute."""


def render_string(env: SandboxedEnvironment, text: str, namespace: dict[str, Any]) -> str:
    """Evaluate the expressions in one prose text; raise ExpressionError with a plain reason."""
    try:
        return env.from_string(text).render(namespace)
    except UndefinedError as exc:
        raise ExpressionError(f"undefined name in expression: {exc.message}") from None
    except SecurityError as exc:
        raise ExpressionError(f"expression not allowed: {exc}") from None
    except TemplateError as exc:
        raise ExpressionError(f"expression error: {exc.message or exc}") from None
    except (ArithmeticError, TypeError, ValueError) as exc:
        raise ExpressionError(f"expression error: {exc}") from None
