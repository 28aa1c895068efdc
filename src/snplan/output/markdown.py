"""The Markdown writer: a resolved document as reviewable text (what the Word file says, with
its tables as pipe tables), for seeing in a pull request how wording and figures change.

The layout is a Jinja template (`dokument.md.j2` in the template directory, so `--templates`
can change it) over the tree; the filters here turn runs and cells into Markdown, escaping
text so that nothing from the data becomes markup it did not ask for.
"""

from __future__ import annotations

import re
from functools import lru_cache
from pathlib import Path
from typing import Any

from jinja2 import StrictUndefined, TemplateError, UndefinedError
from jinja2.sandbox import SecurityError

from ..prose.sandbox import ConfinedLoader, LimitedSandbox, bytecode_cache
from ..tree import Break, Cell, Document, Runs, Text

TEMPLATE = "dokument.md.j2"
_SPECIAL = re.compile(r"([\\`*_\[\]<])")


class TemplateProblem(Exception):
    """The template failed: `where` is the template file (and line) it failed in."""

    def __init__(self, message: str, filename: str, line: int | None) -> None:
        super().__init__(message)
        self.filename = filename
        self.line = line


def escape(text: str) -> str:
    return _SPECIAL.sub(r"\\\1", text)


def inline(runs: Runs) -> str:
    """Runs as inline Markdown: emphasis, code, links; a line break as `<br>`."""
    out: list[str] = []
    for run in runs:
        if isinstance(run, Break):
            out.append("<br>")
            continue
        assert isinstance(run, Text)
        if not run.text:
            continue
        text = f"`{run.text}`" if run.code else escape(run.text)
        lead = text[:len(text) - len(text.lstrip())]
        tail = text[len(text.rstrip()):]
        core = text.strip()
        if core and run.italic:
            core = f"*{core}*"
        if core and run.bold:
            core = f"**{core}**"
        if core and run.link:
            core = f"[{core}]({run.link})"
        out.append(lead + core + tail)
    return "".join(out)


def cell(value: Cell, bold: bool = False, indent: int = 0) -> str:
    """A table cell: its lines joined by `<br>`, pipes escaped; bold in a total row; a
    sub-row's indentation as em spaces (a cell's own leading spaces would be trimmed)."""
    parts = []
    for line in value.lines:
        text = inline(line).replace("|", "\\|")
        if bold and text.strip() and not text.startswith("**"):
            text = f"**{text.strip()}**"
        parts.append(text)
    return "&emsp;" * indent + "<br>".join(p for p in parts if p)


def kind(node: Any) -> str:
    """The node's type, for the template's dispatch."""
    return type(node).__name__


@lru_cache(maxsize=8)
def _environment(templates: Path) -> LimitedSandbox:
    env = LimitedSandbox(loader=ConfinedLoader(templates), bytecode_cache=bytecode_cache(),
                         undefined=StrictUndefined, autoescape=False,
                         keep_trailing_newline=True, trim_blocks=True, lstrip_blocks=True)
    env.filters.update({"md": inline, "mdcell": cell, "kind": kind, "esc": escape})
    return env


def write(document: Document, templates: Path) -> bytes:
    """The document as Markdown text (UTF-8); raises TemplateProblem naming the template."""
    env = _environment(templates)
    try:
        text = env.get_template(TEMPLATE).render(doc=document)
    except (UndefinedError, SecurityError) as exc:
        filename, line = _template_line(exc)
        raise TemplateProblem(f"template error: {exc}", filename or str(templates / TEMPLATE),
                              line) from None
    except TemplateError as exc:
        raise TemplateProblem(f"template error: {exc}", str(templates / TEMPLATE),
                              getattr(exc, "lineno", None)) from None
    text = re.sub(r"\n{3,}", "\n\n", text).strip() + "\n"
    return text.encode("utf-8")


def _template_line(exc: Exception) -> tuple[str | None, int | None]:
    """The template file and line a template error arose in (the innermost one)."""
    tb = exc.__traceback__
    where: tuple[str | None, int | None] = (None, None)
    while tb is not None:
        if tb.tb_frame.f_code.co_filename.endswith(".j2"):
            where = (tb.tb_frame.f_code.co_filename, tb.tb_lineno)
        tb = tb.tb_next
    return where


__all__ = ["TEMPLATE", "TemplateProblem", "cell", "escape", "inline", "write"]
