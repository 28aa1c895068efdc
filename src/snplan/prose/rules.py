"""What a figure expression in prose may contain, and what Markdown in prose Word can place.

Prose in the data may state a figure through an expression (`{{ netto.utfall | abs | belopp
}}`), so a sentence and the table beside it cannot disagree. Expressions are for stating
figures, not programs: a prose text is a pull-request edit that validation passes and an
unattended build then evaluates, so a loop, a text padded to three billion characters or a call
that allocates by a number the data chooses must be refused before anything runs, and refused
the same way by `snplan validate` and by `snplan build`.

The rules are checked on Jinja's syntax tree (parsing runs nothing). A prose text may hold, in
`{{ … }}` only (no `{% … %}` statement at all):

- names and attribute or item access (`netto.utfall`, `enhet['ifo']`), never a name or
  attribute beginning with `_` (Python's internals);
- literals: numbers, texts, true/false/none, and lists or tuples of them;
- arithmetic `+ - * / //` and `~`, comparisons, `and`/`or`/`not`, `a if b else c`, tests
  (`x is defined`) from an allow-list;
- filters from an allow-list (FILTERS), with arguments of the kinds the filter takes.

Refused: every statement (`for`, `if`, `set`, `macro`, `include`, …), every call (`range(…)`,
`lipsum(…)`, `namespace()`, `'x'.ljust(…)`, `.format(…)`), Jinja's global functions, `%`
(text formatting with widths) and `**`, and repeating a text or list written in the
expression (`'x' * 10**9`). `templating.render_string` refuses the same before evaluating and
bounds each evaluation in time and size as a second wall.

The Markdown rules name what the Word writer cannot place (a picture, a block quote, raw HTML,
a block other than a paragraph or list inside a list item) at the data file, line and field,
instead of failing the build at the template.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from functools import lru_cache
from typing import Any

from ..messages import _

# Filters a prose expression may use, with the kinds of their arguments in order:
#   flag     true or false, written as such
#   decimals a whole number 0..MAX_DECIMALS, written as such
#   method   'common', 'ceil' or 'floor'
#   number   a number, written as such
#   value    any allowed expression
# Every one of them returns a result bounded by its input.
FILTERS: dict[str, tuple[tuple[str, str], ...]] = {
    "belopp": (("with_unit", "flag"),),
    "tal": (("decimals", "decimals"),),
    "procent": (("decimals", "decimals"),),
    "procent_av": (("base", "value"), ("decimals", "decimals")),
    "abs": (),
    "round": (("precision", "decimals"), ("method", "method")),
    "int": (("default", "number"),),
    "float": (("default", "number"),),
    "default": (("default_value", "value"), ("boolean", "flag")),
    "d": (("default_value", "value"), ("boolean", "flag")),
    "lower": (),
    "upper": (),
    "capitalize": (),
    "title": (),
    "trim": (),
    "length": (),
    "count": (),
    "first": (),
    "last": (),
    "string": (),
}
TESTS = frozenset({
    "defined", "undefined", "none", "number", "string", "integer", "float", "boolean",
    "mapping", "true", "false", "odd", "even", "divisibleby", "eq", "ne", "lt", "le", "gt",
    "ge", "==", "!=", "<", "<=", ">", ">=", "in",
})
MAX_DECIMALS = 6
ROUNDING = frozenset({"common", "ceil", "floor"})
# Jinja's own names, which are functions or machinery, not figures.
JINJA_NAMES = frozenset({"range", "lipsum", "dict", "cycler", "joiner", "namespace", "loop",
                         "self", "caller", "varargs", "kwargs", "super"})
# Arithmetic operators a prose expression may use, by Jinja node name.
OPERATORS = {"Add": "+", "Sub": "-", "Mul": "*", "Div": "/", "FloorDiv": "//", "Concat": "~"}
REFUSED_OPERATORS = {
    "Mod": "'%' (text formatting, or the remainder of a division) is not allowed in prose",
    "Pow": "raising to a power ('**') is not allowed in prose",
}
STATEMENTS = {
    "For": "{% for %}", "If": "{% if %}", "Assign": "{% set %}", "AssignBlock": "{% set %}",
    "Macro": "{% macro %}", "CallBlock": "{% call %}", "FilterBlock": "{% filter %}",
    "With": "{% with %}", "Include": "{% include %}", "Import": "{% import %}",
    "FromImport": "{% from … import %}", "Extends": "{% extends %}", "Block": "{% block %}",
    "ScopedEvalContextModifier": "{% autoescape %}", "EvalContextModifier": "{% autoescape %}",
    "Scope": "{% autoescape %}",
    "ExprStmt": "{% do %}", "Continue": "{% continue %}", "Break": "{% break %}",
}
# What makes a text a template: an expression or a statement, or a comment, `{# … #}` (it
# marks a typed figure as a coincidence and is removed when evaluated). A `{#` that no `#}`
# closes is text, as it reads.
MARKERS = ("{{", "{%")
# The deepest an expression may nest (a figure with a few filters is under ten).
MAX_NESTING = 50
# At most this many reasons are given for one text (the first ones say enough).
MAX_REASONS = 5


def has_expression(text: str) -> bool:
    """Whether the text is a template: what `prose` evaluates and what these rules check,
    the same texts."""
    if any(marker in text for marker in MARKERS):
        return True
    comment = text.find("{#")
    return comment >= 0 and "#}" in text[comment + 2:]


def refusals(text: str) -> list[str]:
    """Why the prose text `text` is refused, as plain sentences: its expressions break the
    rules of the module docstring, or cannot be read, or it holds Markdown that Word cannot
    place. Empty when the text is fine."""
    reasons = list(expression_refusals(text)) if has_expression(text) else []
    return reasons + markdown_refusals(text)


@lru_cache(maxsize=4096)
def expression_refusals(text: str) -> tuple[str, ...]:
    """Why the expressions of `text` are refused (see the module docstring); cached, since
    validation and the build of the same process ask about the same texts, and kept between
    runs (`prose.kept`), since most runs ask about the texts the last one did."""
    from . import kept

    found = kept.load("refusals", text)
    if isinstance(found, tuple) and all(isinstance(reason, str) for reason in found):
        return found
    reasons = _expression_refusals(text)
    kept.store("refusals", text, reasons)
    return reasons


def _expression_refusals(text: str) -> tuple[str, ...]:
    from jinja2 import TemplateSyntaxError

    try:
        tree = _parser().parse(text)
    except TemplateSyntaxError as exc:
        where = _(" (line {lineno} of the "
                  "text)").format(lineno=exc.lineno) if text.count("\n") and exc.lineno else ""
        return (_("the expression cannot be read: {message}{where}").format(
                    message=exc.message, where=where),)
    except (RecursionError, MemoryError):
        return (_("the expression is nested too deeply to read"),)
    reasons: list[str] = []
    for node in tree.body:
        kind = type(node).__name__
        if kind == "Output":
            for child in node.nodes:
                if type(child).__name__ != "TemplateData":
                    _expression(child, reasons)
        else:
            statement = STATEMENTS.get(kind, "a statement")
            reasons.append(_("{statement} is not allowed in prose: prose holds expressions ({{{{ "
                             "… }}}}) that state figures, no statements ({{% … %}}); for a "
                             "choice write {{{{ a if villkor else b }}}}").format(
                               statement=statement))
        if len(reasons) >= MAX_REASONS:
            break
    return tuple(dict.fromkeys(reasons))[:MAX_REASONS]


@lru_cache(maxsize=1)
def _parser() -> Any:
    """A plain Jinja environment, used only to parse (parsing evaluates nothing)."""
    from jinja2 import Environment

    return Environment(autoescape=False, keep_trailing_newline=True)


def _private(name: str) -> str:
    return (_("the expression reaches for '{value}'; names beginning with '_' are Python's "
              "internals and not allowed in prose").format(value=name[:40]))


def _expression(node: Any, reasons: list[str], depth: int = 0) -> None:
    """Check one expression node and everything below it; append reasons. An expression
    nested deeper than MAX_NESTING (`a.b.b.b…`, `1 + 1 + 1…`, `x | abs | abs…`) is refused
    at that depth, the same wherever the check is called from."""
    if len(reasons) >= MAX_REASONS:
        return
    if depth > MAX_NESTING:
        reasons.append(_("the expression is nested more than {MAX_NESTING} levels deep").format(
                           MAX_NESTING=MAX_NESTING))
        return
    from jinja2 import nodes

    inner = depth + 1

    if isinstance(node, nodes.Name):
        if node.name.startswith("_"):
            reasons.append(_private(node.name))
        elif node.name in JINJA_NAMES:
            reasons.append(_("'{name}' is one of Jinja's functions, not a figure; prose "
                             "expressions use the names of the data only").format(name=node.name))
    elif isinstance(node, nodes.Const):
        pass
    elif isinstance(node, nodes.List | nodes.Tuple):
        _each(node.items, reasons, inner)
    elif isinstance(node, nodes.Getattr):
        if node.attr.startswith("_"):
            reasons.append(_private(node.attr))
        _expression(node.node, reasons, inner)
    elif isinstance(node, nodes.Getitem):
        if isinstance(node.arg, nodes.Const) and isinstance(node.arg.value, str) \
                and node.arg.value.startswith("_"):
            reasons.append(_private(node.arg.value))
        _expression(node.node, reasons, inner)
        _expression(node.arg, reasons, inner)
    elif isinstance(node, nodes.Slice):
        _each((node.start, node.stop, node.step), reasons, inner)
    elif isinstance(node, nodes.Filter):
        _filter(node, reasons, inner)
    elif isinstance(node, nodes.Test):
        if node.name not in TESTS:
            reasons.append(_("the test 'is {name}' is not allowed in prose").format(name=node.name))
        _arguments(node, reasons, inner)
        _expression(node.node, reasons, inner)
    elif isinstance(node, nodes.BinExpr):
        kind = type(node).__name__
        if kind in REFUSED_OPERATORS:
            reasons.append(REFUSED_OPERATORS[kind])
        elif kind == "Mul" and any(_is_sequence_literal(side) for side in (node.left,
                                                                           node.right)):
            reasons.append(_("repeating a text or list ('x' * n) is not allowed in prose"))
        _expression(node.left, reasons, inner)
        _expression(node.right, reasons, inner)
    elif isinstance(node, nodes.UnaryExpr):  # not, unary minus and plus
        _expression(node.node, reasons, inner)
    elif isinstance(node, nodes.Concat):  # a ~ b
        _each(node.nodes, reasons, inner)
    elif isinstance(node, nodes.Compare):
        _expression(node.expr, reasons, inner)
        for operand in node.ops:
            _expression(operand.expr, reasons, inner)
    elif isinstance(node, nodes.CondExpr):  # `else` may be left out
        _each((node.test, node.expr1, node.expr2), reasons, inner)
    elif isinstance(node, nodes.Call):
        callee = _callee(node.node)
        reasons.append(_("calling {callee} is not allowed in prose: expressions state figures "
                         "with names, filters and arithmetic, and call nothing").format(
                           callee=callee))
        if not isinstance(node.node, nodes.Name):
            _expression(node.node, reasons, inner)
    else:
        reasons.append(_("the expression uses {node}, which prose does not allow").format(
                           node=_describe(node)))


def _each(parts: Iterable[Any], reasons: list[str], depth: int) -> None:
    """Check each of the expression nodes `parts`, passing over the parts a node leaves out
    (None: a slice's step, a conditional's `else`)."""
    for part in parts:
        if part is not None:
            _expression(part, reasons, depth)


def _callee(node: Any) -> str:
    from jinja2 import nodes

    if isinstance(node, nodes.Name):
        return f"'{node.name}(…)'"
    if isinstance(node, nodes.Getattr):
        return f"the method '.{node.attr}(…)'"
    return "a function"


def _describe(node: Any) -> str:
    names = {"Dict": _("a mapping literal ({…})"), "Keyword": "a keyword"}
    kind = type(node).__name__
    return names.get(kind, f"a {kind} expression")


def _is_sequence_literal(node: Any) -> bool:
    from jinja2 import nodes

    return (isinstance(node, nodes.Const) and isinstance(node.value, str)) or \
        isinstance(node, nodes.List | nodes.Tuple)


def _arguments(node: Any, reasons: list[str], depth: int) -> None:
    """Arguments of a test: any allowed expression, no *args or **kwargs."""
    if node.dyn_args is not None or node.dyn_kwargs is not None:
        reasons.append(_("'{name}' is given *args or **kwargs, which prose does not allow").format(
                           name=node.name))
    for argument in node.args:
        _expression(argument, reasons, depth)
    for keyword in node.kwargs:
        _expression(keyword.value, reasons, depth)


def _filter(node: Any, reasons: list[str], depth: int) -> None:
    """A filter from FILTERS, each argument of the kind it takes."""
    if node.node is not None:
        _expression(node.node, reasons, depth)
    spec = FILTERS.get(node.name)
    if spec is None:
        allowed = ", ".join(sorted(n for n in FILTERS if n != "d"))
        reasons.append(_("the filter '{name}' is not allowed in prose (allowed: {allowed})").format(
                           name=node.name, allowed=allowed))
        return
    if node.dyn_args is not None or node.dyn_kwargs is not None:
        reasons.append(_("the filter '{name}' is given *args or **kwargs, which prose does not "
                         "allow").format(name=node.name))
        return
    given: list[tuple[str, Any]] = []
    if len(node.args) > len(spec):
        reasons.append(_("the filter '{name}' takes at most {spec} argument(s), got {args}").format(
                           name=node.name, spec=len(spec), args=len(node.args)))
        return
    given += [(kind, value) for (_unused, kind), value in zip(spec, node.args, strict=False)]
    names = dict(spec)
    for keyword in node.kwargs:
        if keyword.key not in names:
            reasons.append(_("the filter '{name}' has no argument '{key}'").format(
                               name=node.name, key=keyword.key))
            return
        given.append((names[keyword.key], keyword.value))
    for kind, value in given:
        problem = _argument(kind, value)
        if problem is not None:
            reasons.append(f"the filter '{node.name}' {problem}")
        elif kind == "value":
            _expression(value, reasons, depth)


def _argument(kind: str, node: Any) -> str | None:
    """Why a filter argument is not of its kind, or None."""
    from jinja2 import nodes

    if kind == "value":
        return None
    if isinstance(node, nodes.Neg) and isinstance(node.node, nodes.Const) \
            and isinstance(node.node.value, int | float) and not isinstance(node.node.value, bool):
        value = -node.node.value  # a negative number written out: -1
    elif isinstance(node, nodes.Const):
        value = node.value
    else:
        return _("takes a value written out here, not an expression")
    if kind == "flag" and not isinstance(value, bool):
        return _("takes true or false, got {value!r}").format(value=value)
    if kind == "decimals" and (not isinstance(value, int) or isinstance(value, bool)
                               or not 0 <= value <= MAX_DECIMALS):
        return _("takes a number of decimals from 0 to {MAX_DECIMALS}, got {value}").format(
                   MAX_DECIMALS=MAX_DECIMALS, value=str(value)[:20])
    if kind == "method" and value not in ROUNDING:
        return _("rounds 'common', 'ceil' or 'floor', got {value!r}").format(value=str(value)[:20])
    if kind == "number" and (not isinstance(value, int | float) or isinstance(value, bool)):
        return _("takes a number, got {value!r}").format(value=str(value)[:20])
    return None


# --- Markdown that the Word writer cannot place -------------------------------------------------

# Only texts that may hold such Markdown are parsed (most prose is plain sentences): a picture,
# a line beginning with '>', something like an HTML tag, or a list whose item may hold a block
# other than a paragraph (a fence, a heading, a table).
_CANDIDATE = re.compile(r"!\[|^[ \t]*>|<[A-Za-z/!?]", re.MULTILINE)
_LIST_ITEM = re.compile(r"^[ \t]*(?:[-*+]|\d{1,9}[.)])[ \t]", re.MULTILINE)
_LIST_BLOCK = re.compile(r"^[ \t]*(?:```|~~~|#|\|)", re.MULTILINE)
_BLOCKS_IN_ITEMS = frozenset({"paragraph_open", "bullet_list_open", "ordered_list_open"})


def markdown_refusals(text: str) -> list[str]:
    """What in `text` (read as Markdown, as the templates place prose) the Word writer cannot
    place, as plain sentences."""
    if not (_CANDIDATE.search(text) or (_LIST_ITEM.search(text) and _LIST_BLOCK.search(text))):
        return []
    reasons: list[str] = []
    items: list[int] = []  # the levels of the list items the walk is in
    for token in _markdown().parse(text):
        kind = token.type
        if kind == "list_item_close":
            items.pop()
            continue
        if items and token.block and token.nesting >= 0 and token.level == items[-1] + 1 \
                and kind not in _BLOCKS_IN_ITEMS and kind != "inline":
            reasons.append(_("a list item holds {kind}, which Word cannot place in a list; a "
                             "list item holds text or a further list").format(
                               kind=_block_name(kind)))
        if kind == "list_item_open":
            items.append(token.level)
        elif kind == "blockquote_open":
            reasons.append(_("a block quote (a line beginning with '>') cannot be placed in "
                             "Word; remove the '>' or write the quote as an ordinary paragraph"))
        elif kind == "html_block":
            reasons.append(_("raw HTML ({content}) cannot be placed in Word; write the text "
                             "without tags (Markdown: **fet**, *kursiv*)").format(
                               content=_snippet(token.content)))
        for child in token.children or []:
            if child.type == "image":
                source = str(child.attrs.get("src", ""))
                reasons.append(_("a picture ({address}) cannot be placed in Word from prose; the "
                                 "documents' pictures are the charts the build draws").format(
                                   address=_snippet(source) or 'without address'))
            elif child.type == "html_inline" and not any("raw HTML" in r for r in reasons):
                reasons.append(_("raw HTML ({content}) cannot be placed in Word; write the text "
                                 "without tags (Markdown: **fet**, *kursiv*)").format(
                                   content=_snippet(child.content)))
    return list(dict.fromkeys(reasons))[:MAX_REASONS]


def _block_name(kind: str) -> str:
    names = {"fence": _("a fenced block (```)"), "code_block": _("an indented code block"),
             "heading_open": "a heading", "table_open": "a table",
             "blockquote_open": "a block quote", "hr": "a rule", "html_block": "raw HTML"}
    return names.get(kind, kind.removesuffix("_open").replace("_", " "))


def _snippet(text: str) -> str:
    line = text.strip().splitlines()[0] if text.strip() else ""
    return line if len(line) <= 40 else line[:37] + "..."


@lru_cache(maxsize=1)
def _markdown() -> Any:
    """The Markdown parser configured as the Word writer reads Markdown (CommonMark with
    tables and raw HTML recognised)."""
    from markdown_it import MarkdownIt

    return MarkdownIt("commonmark", {"html": True}).enable("table")
