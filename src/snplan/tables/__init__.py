"""The table engine: a table is defined once (its rows, its columns — read or computed — and
its totals), and the Word document, the workbook, figures in prose, `metrics` and `diff` all
read the same table objects, so no figure is defined twice.

The engine reads the model, so it is imported when one of its names is first asked for, not
with the package: a writer that only formats figures (`tables.format`, `tables.numbers`) must
not pay for pydantic and the model (the Word writer works from the resolved document alone).
"""

from __future__ import annotations

from importlib import import_module
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from .engine import Cell, Column, Row, Table, build_table, tables_of
    from .figures import FigureStore

_HOME = {"Cell": "engine", "Column": "engine", "Row": "engine", "Table": "engine",
         "build_table": "engine", "tables_of": "engine", "FigureStore": "figures"}


def __getattr__(name: str) -> Any:
    home = _HOME.get(name)
    if home is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    return getattr(import_module(f".{home}", __name__), name)


__all__ = ["Cell", "Column", "FigureStore", "Row", "Table", "build_table", "tables_of"]
