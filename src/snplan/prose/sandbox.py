"""The Jinja environment for templates and for figures in prose.

Both run sandboxed (no attribute access to Python internals) and with StrictUndefined: a name
that does not exist is an error, never an empty string in a published document.

Prose is evaluated apart from the templates: `render_string` first refuses what the prose
language does not allow (`prose_rules`: no statements, no calls, allow-listed filters), then
evaluates in a narrower sandbox (`ProseSandbox`: no Jinja globals, only the allowed filters,
every call refused) within a budget of time and size, so that nothing a one-line data change
can write runs for long or takes much memory.
"""

from __future__ import annotations

import contextvars
import signal
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from decimal import Decimal
from functools import lru_cache, wraps
from pathlib import Path
from types import CodeType
from typing import Any

import jinja2
from jinja2 import (
    BytecodeCache,
    FileSystemBytecodeCache,
    FileSystemLoader,
    StrictUndefined,
    TemplateError,
    TemplateNotFound,
    UndefinedError,
)
from jinja2.sandbox import SandboxedEnvironment, SecurityError

from .. import __version__
from ..errors import DataError
from ..messages import _
from ..source.cache import user_cache_dir
from ..tables import format as fmt
from . import kept
from .rules import FILTERS, MAX_DECIMALS, TESTS, expression_refusals


def _decimals(value: Any) -> int | None:
    """A number of decimals a filter was given: a whole number 0..MAX_DECIMALS (a number the
    data chooses must not size a text: `tal(1000000000)` would build a billion zeros)."""
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int) or not 0 <= value <= MAX_DECIMALS:
        raise ValueError(_("the number of decimals must be a whole number from 0 to "
                           "{MAX_DECIMALS}, got {value}").format(
                             MAX_DECIMALS=MAX_DECIMALS, value=str(value)[:20]))
    return value


def filters(unit: str, decimals: int | None = None) -> dict[str, Callable[..., str]]:
    """Formatting filters, bound to the organisation's amount unit and decimals."""

    def belopp(value: Decimal | None, with_unit: bool = False) -> str:
        return fmt.amount(value, unit, with_unit=with_unit, decimals=decimals)

    def tal(value: Decimal | int | None, decimals: int | None = None) -> str:
        return fmt.number(value, _decimals(decimals))

    def procent(value: Decimal | None, decimals: int = 1) -> str:
        return fmt.percent(value, 1 if decimals is None else _decimals(decimals) or 0)

    def procent_av(value: Decimal | None, base: Decimal | None, decimals: int = 1) -> str:
        """`value` as a percentage of the size of `base` (a deviation against its budget:
        28,6 of −227,4 is 12,6 %); the sign is the value's."""
        if value is None or base is None or base == 0:
            return "–"
        places = 1 if decimals is None else _decimals(decimals) or 0
        return fmt.percent(Decimal(value) / abs(Decimal(base)) * 100, places)

    return {"belopp": belopp, "tal": tal, "procent": procent, "procent_av": procent_av}


# What one expression may make: a power with a larger exponent, or a repeated text or list
# longer than this, is refused (`{{ 9 ** 9 ** 9 }}` would otherwise run for hours, and
# `{{ 'x' * 10 ** 10 }}` take all the memory).
MAX_EXPONENT = 100
MAX_REPEAT = 100_000
MAX_INT_BITS = 4096
# The most text the expressions of one prose text may add to it.
MAX_OUTPUT = 1_000_000


class LimitedSandbox(SandboxedEnvironment):
    """Jinja's sandbox (no attribute starting with '_', no unsafe callables) that also refuses
    operations whose result would exhaust the machine."""

    intercepted_binops = frozenset({"**", "*", "+"})

    def call_binop(self, context: Any, operator: str, left: Any, right: Any) -> Any:
        if operator == "**":
            if _is_number(right) and abs(right) > MAX_EXPONENT:
                raise SecurityError(_("the exponent {right} is larger than {MAX_EXPONENT}").format(
                                        right=right, MAX_EXPONENT=MAX_EXPONENT))
            if _is_number(left) and abs(left) > 10**6 and _is_number(right) and right > 1:
                raise SecurityError(_("the power is too large"))
        elif operator == "*":
            for sized, count in ((left, right), (right, left)):
                if isinstance(sized, str | list | tuple) and isinstance(count, int) \
                        and len(sized) * count > MAX_REPEAT:
                    raise SecurityError(_("repeating a text or list {count} times makes more "
                                          "than {MAX_REPEAT} items").format(
                                            count=count, MAX_REPEAT=MAX_REPEAT))
            if isinstance(left, int) and isinstance(right, int) \
                    and left.bit_length() + right.bit_length() > MAX_INT_BITS:
                raise SecurityError(_("the product is too large"))
        elif operator == "+" and isinstance(left, str | list | tuple) \
                and isinstance(right, str | list | tuple) and len(left) + len(right) > MAX_OUTPUT:
            raise SecurityError(_("joining makes more than {MAX_OUTPUT} items").format(
                                    MAX_OUTPUT=MAX_OUTPUT))
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
            raise TemplateNotFound(template, _("the template name '{template}' leads outside the "
                                               "template directory {root}").format(
                                                 template=template, root=self.root))
        source, filename, uptodate = super().get_source(environment, template)
        if not Path(filename).resolve().is_relative_to(self.root):
            raise TemplateNotFound(template, _("the template '{template}' is a link outside the "
                                               "template directory {root}").format(
                                                 template=template, root=self.root))
        return source, filename, uptodate


@lru_cache(maxsize=8)
def environment(templates: Path | None, unit: str, decimals: int | None = None
                ) -> SandboxedEnvironment:
    """One environment per template directory and unit, kept so compiled templates are
    reused across the documents of a build."""
    env = LimitedSandbox(
        loader=ConfinedLoader(templates) if templates else None,
        bytecode_cache=bytecode_cache() if templates else None,
        undefined=StrictUndefined,
        autoescape=False,
        keep_trailing_newline=True,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.filters.update(filters(unit, decimals))
    return env


def bytecode_cache() -> BytecodeCache | None:
    """Compiled templates kept between runs in the user's cache directory (beside the
    charts): compiling the document template is a tenth of a second, a fifth of building one
    document. Jinja checks each entry against the template's source, so an edited template
    is compiled afresh; the directory is named for the snplan and Jinja versions, whose
    compiled code differs. None when the directory cannot be made (a cache only saves
    time)."""
    directory = user_cache_dir(f"templates-{__version__}-{jinja2.__version__}")
    try:
        directory.mkdir(parents=True, exist_ok=True, mode=0o700)
    except OSError:
        return None
    return FileSystemBytecodeCache(str(directory))


class ExpressionError(DataError):
    """A figure expression in prose failed: an undefined name, bad syntax, something the
    prose language does not allow, or an evaluation over its budget."""


# The budget of one prose evaluation: a second, and 0.1 ms more for each character of the text
# (compiling and evaluating take a few microseconds a character, formatting a figure about
# 0.1 ms), so the bound grows with the text, never with what an expression asks for. Anything
# near it is an attack or a mistake, and is refused rather than waited for.
PROSE_SECONDS = 1.0
PROSE_SECONDS_PER_CHARACTER = 0.0001


class OverBudget(SecurityError):
    """A prose evaluation ran past its deadline."""


_DEADLINE: contextvars.ContextVar[float | None] = contextvars.ContextVar("prose_deadline",
                                                                         default=None)
_BUDGET: contextvars.ContextVar[float] = contextvars.ContextVar("prose_budget",
                                                                default=PROSE_SECONDS)


def _tick() -> None:
    """Refuse to go on when the evaluation under way has run past its deadline."""
    deadline = _DEADLINE.get()
    if deadline is not None and time.monotonic() > deadline:
        raise OverBudget(_("evaluating the expression takes longer than its budget ({BUDGET:.3g} "
                           "s)").format(BUDGET=_BUDGET.get()))


class ProseSandbox(LimitedSandbox):
    """The sandbox prose is evaluated in: no globals (range, lipsum, namespace, …), only the
    allow-listed filters and tests, every call refused, and the deadline checked at every
    attribute, item, operator and filter. `prose_rules` refuses all of this before
    evaluation; this is the second wall, should the first ever let something through."""

    intercepted_binops = frozenset({"**", "*", "+", "-", "/", "//", "%"})
    intercepted_unops = frozenset({"-", "+"})

    def call(__self, __context: Any, __obj: Any, *args: Any, **kwargs: Any) -> Any:
        raise SecurityError(_("calling a function or method is not allowed in prose"))

    def getattr(self, obj: Any, attribute: str) -> Any:
        _tick()
        return super().getattr(obj, attribute)

    def getitem(self, obj: Any, argument: Any) -> Any:
        _tick()
        return super().getitem(obj, argument)

    def call_binop(self, context: Any, operator: str, left: Any, right: Any) -> Any:
        _tick()
        if operator in {"%", "**"}:
            raise SecurityError(_("'{operator}' is not allowed in prose").format(operator=operator))
        return super().call_binop(context, operator, left, right)

    def call_unop(self, context: Any, operator: str, arg: Any) -> Any:
        _tick()
        return super().call_unop(context, operator, arg)


def _bounded(function: Callable[..., Any]) -> Callable[..., Any]:
    """A filter that checks the deadline before it runs and refuses a result larger than a
    prose text may be. `wraps` keeps Jinja's marks (which arguments the filter is passed)."""

    @wraps(function)
    def run(*args: Any, **kwargs: Any) -> Any:
        _tick()
        result = function(*args, **kwargs)
        if isinstance(result, str | list | tuple) and len(result) > MAX_OUTPUT:
            raise SecurityError(_("the filter makes more than {MAX_OUTPUT} characters").format(
                                    MAX_OUTPUT=MAX_OUTPUT))
        return result

    return run


# What a figure an expression produced is put between when the evaluation marks figures (the
# build does, so the resolved document knows which runs are computed; see prose/markup).
FIGURE_START = "\ue000"
FIGURE_END = "\ue001"


def _marked(value: Any) -> Any:
    return f"{FIGURE_START}{value}{FIGURE_END}"


@lru_cache(maxsize=8)
def prose_environment(env: SandboxedEnvironment, marked: bool = False) -> ProseSandbox:
    """The prose sandbox for a template environment: its allow-listed filters (bound to the
    organisation's unit), nothing else. `marked`: every expression's output is put between
    the figure marks."""
    # The number filters import Babel and load the locale on first use: done here, outside
    # any evaluation's deadline, so an import is never cut short by it.
    fmt.number(Decimal(1), 1)
    prose = ProseSandbox(undefined=StrictUndefined, autoescape=False,
                         keep_trailing_newline=True, trim_blocks=env.trim_blocks,
                         lstrip_blocks=env.lstrip_blocks,
                         finalize=_marked if marked else None)
    prose.filters = {name: _bounded(env.filters[name]) for name in FILTERS
                     if name in env.filters}
    prose.tests = {name: test for name, test in prose.tests.items() if name in TESTS}
    prose.globals.clear()
    return prose


@lru_cache(maxsize=1024)
def _compiled(prose: ProseSandbox, text: str) -> Any:
    """A prose text compiled once per build (the same texts are evaluated for every
    document that shows them), from the code kept by an earlier run when there is one
    (`prose.kept`; the code depends on the sandbox's settings and on whether figures are
    marked, so they name the entry)."""
    kind = (f"code:{type(prose).__qualname__}:{prose.finalize is not None}:"
            f"{prose.trim_blocks}:{prose.lstrip_blocks}:{prose.keep_trailing_newline}:"
            f"{sorted(prose.intercepted_binops)}:{sorted(prose.intercepted_unops)}")
    code = kept.load(kind, text)
    if not isinstance(code, CodeType):
        code = prose.compile(text)
        kept.store(kind, text, code)
    return prose.template_class.from_code(prose, code, prose.make_globals(None), None)


@contextmanager
def _alarm(seconds: float) -> Iterator[None]:
    """Interrupt the evaluation when it passes its deadline even where no hook runs (a loop
    with an empty body): a timer signal, on the main thread when no other timer is set.
    Elsewhere the hooks' checks are the bound."""
    usable = (hasattr(signal, "setitimer") and threading.current_thread() is
              threading.main_thread() and signal.getitimer(signal.ITIMER_REAL)[0] == 0)
    if not usable:
        yield
        return

    def expire(signum: int, frame: Any) -> None:
        raise OverBudget(_("evaluating the expression takes longer than its budget "
                           "({seconds:.3g} s)").format(seconds=seconds))

    previous = signal.signal(signal.SIGALRM, expire)
    try:
        signal.setitimer(signal.ITIMER_REAL, seconds)
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)


def evaluate(prose: ProseSandbox, text: str, namespace: dict[str, Any],
             seconds: float = PROSE_SECONDS) -> str:
    """Evaluate a prose text in the prose sandbox within `seconds` and MAX_OUTPUT characters;
    raise ExpressionError with a plain reason. (`render_string` checks the rules first.)"""
    token = _DEADLINE.set(time.monotonic() + seconds)
    budget = _BUDGET.set(seconds)
    try:
        with _alarm(seconds):
            parts: list[str] = []
            size = 0
            # the text itself, and at most MAX_OUTPUT characters that expressions add
            limit = len(text) + MAX_OUTPUT
            for part in _compiled(prose, text).generate(namespace):
                _tick()
                size += len(part)
                if size > limit:
                    raise ExpressionError(_("the expressions produce more than {MAX_OUTPUT} "
                                            "characters").format(MAX_OUTPUT=MAX_OUTPUT))
                parts.append(part)
            return "".join(parts)
    except ExpressionError:
        raise
    except UndefinedError as exc:
        raise ExpressionError(_("undefined name in expression: {message}").format(
                                  message=exc.message)) from None
    except SecurityError as exc:
        raise ExpressionError(_("expression not allowed: {exc}").format(exc=exc)) from None
    except TemplateError as exc:
        raise ExpressionError(f"expression error: {exc.message or exc}") from None
    except (ArithmeticError, TypeError, ValueError, LookupError, AttributeError) as exc:
        raise ExpressionError(f"expression error: {exc}") from None
    except (RecursionError, MemoryError):
        raise ExpressionError(_("expression error: the expression is too large to evaluate")) \
            from None
    finally:
        _DEADLINE.reset(token)
        _BUDGET.reset(budget)


def render_string(env: SandboxedEnvironment, text: str, namespace: dict[str, Any],
                  marked: bool = False) -> str:
    """Evaluate the expressions in one prose text; raise ExpressionError with a plain reason.
    What the prose language does not allow is refused before anything is evaluated, with the
    reasons `snplan validate` gives. `marked`: the figures the expressions produce are put
    between FIGURE_START and FIGURE_END."""
    reasons = expression_refusals(text)
    if reasons:
        raise ExpressionError("; ".join(reasons))
    seconds = PROSE_SECONDS + PROSE_SECONDS_PER_CHARACTER * len(text)
    return evaluate(prose_environment(env, marked), text, namespace, seconds)
