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

from jinja2 import (
    FileSystemLoader,
    StrictUndefined,
    TemplateError,
    TemplateNotFound,
    UndefinedError,
)
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


def filters(unit: str, decimals: int | None = None) -> dict[str, Callable[..., str]]:
    """Formatting filters, bound to the organisation's amount unit and decimals."""

    def belopp(value: Decimal | None, with_unit: bool = False) -> str:
        return fmt.amount(value, unit, with_unit=with_unit, decimals=decimals)

    def tal(value: Decimal | int | None, decimals: int | None = None) -> str:
        return fmt.number(value, decimals)

    def procent(value: Decimal | None, decimals: int = 1) -> str:
        return fmt.percent(value, decimals)

    def procent_av(value: Decimal | None, base: Decimal | None, decimals: int = 1) -> str:
        """`value` as a percentage of the size of `base` (a deviation against its budget:
        28,6 of −227,4 is 12,6 %); the sign is the value's."""
        if value is None or base is None or base == 0:
            return "–"
        return fmt.percent(Decimal(value) / abs(Decimal(base)) * 100, decimals)

    return {"belopp": belopp, "tal": tal, "procent": procent, "procent_av": procent_av,
            "cell": cell, "inline": inline, "block": block}


# What one expression may make: a power with a larger exponent, or a repeated text or list
# longer than this, is refused (`{{ 9 ** 9 ** 9 }}` would otherwise run for hours, and
# `{{ 'x' * 10 ** 10 }}` take all the memory).
MAX_EXPONENT = 100
MAX_REPEAT = 100_000
MAX_INT_BITS = 4096
# The most text one prose expression may produce.
MAX_OUTPUT = 1_000_000


class LimitedSandbox(SandboxedEnvironment):
    """Jinja's sandbox (no attribute starting with '_', no unsafe callables) that also refuses
    operations whose result would exhaust the machine."""

    intercepted_binops = frozenset({"**", "*", "+"})

    def call_binop(self, context: Any, operator: str, left: Any, right: Any) -> Any:
        if operator == "**":
            if _is_number(right) and abs(right) > MAX_EXPONENT:
                raise SecurityError(f"the exponent {right} is larger than {MAX_EXPONENT}")
            if _is_number(left) and abs(left) > 10**6 and _is_number(right) and right > 1:
                raise SecurityError("the power is too large")
        elif operator == "*":
            for sized, count in ((left, right), (right, left)):
                if isinstance(sized, str | list | tuple) and isinstance(count, int) \
                        and len(sized) * count > MAX_REPEAT:
                    raise SecurityError(f"repeating a text or list {count} times makes "
                                        f"more than {MAX_REPEAT} items")
            if isinstance(left, int) and isinstance(right, int) \
                    and left.bit_length() + right.bit_length() > MAX_INT_BITS:
                raise SecurityError("the product is too large")
        elif operator == "+" and isinstance(left, str | list | tuple) \
                and isinstance(right, str | list | tuple) and len(left) + len(right) > MAX_OUTPUT:
            raise SecurityError(f"joining makes more than {MAX_OUTPUT} items")
        return super().call_binop(context, operator, left, right)


def _is_number(value: Any) -> bool:
    return isinstance(value, int | float | Decimal) and not isinstance(value, bool)


class ConfinedLoader(FileSystemLoader):
    """Templates from one directory and nowhere else: a name that climbs out of it
    (`{% include "../x" %}`, an absolute path) or a file that is a link out of it is not
    found, with a message that says why."""

    def __init__(self, directory: Path) -> None:
        super().__init__(str(directory))
        self.root = directory.resolve()

    def get_source(self, environment: Any, template: str) -> tuple[str, str, Callable[[], bool]]:
        parts = template.replace("\\", "/").split("/")
        if template.startswith("/") or ".." in parts or ":" in parts[0]:
            raise TemplateNotFound(template, f"the template name '{template}' leads outside "
                                             f"the template directory {self.root}")
        source, filename, uptodate = super().get_source(environment, template)
        if not Path(filename).resolve().is_relative_to(self.root):
            raise TemplateNotFound(template, f"the template '{template}' is a link outside "
                                             f"the template directory {self.root}")
        return source, filename, uptodate


@lru_cache(maxsize=8)
def environment(templates: Path | None, unit: str, decimals: int | None = None
                ) -> SandboxedEnvironment:
    """One environment per template directory and unit, kept so compiled templates are
    reused across the documents of a build."""
    env = LimitedSandbox(
        loader=ConfinedLoader(templates) if templates else None,
        undefined=StrictUndefined,
        autoescape=False,
        keep_trailing_newline=True,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.filters.update(filters(unit, decimals))
    return env


class ExpressionError(Exception):
    """A figure expression in prose failed: an undefined name, bad syntax, or a forbidden
    attribute."""


def render_string(env: SandboxedEnvironment, text: str, namespace: dict[str, Any]) -> str:
    """Evaluate the expressions in one prose text; raise ExpressionError with a plain reason."""
    try:
        parts: list[str] = []
        size = 0
        for part in env.from_string(text).generate(namespace):
            size += len(part)
            if size > MAX_OUTPUT:
                raise ExpressionError(f"the expression produces more than {MAX_OUTPUT} "
                                      "characters")
            parts.append(part)
        return "".join(parts)
    except UndefinedError as exc:
        raise ExpressionError(f"undefined name in expression: {exc.message}") from None
    except SecurityError as exc:
        raise ExpressionError(f"expression not allowed: {exc}") from None
    except TemplateError as exc:
        raise ExpressionError(f"expression error: {exc.message or exc}") from None
    except (ArithmeticError, TypeError, ValueError, LookupError, AttributeError) as exc:
        raise ExpressionError(f"expression error: {exc}") from None
    except (RecursionError, MemoryError):
        raise ExpressionError("expression error: the expression is too large to evaluate") \
            from None
