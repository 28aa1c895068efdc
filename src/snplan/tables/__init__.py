"""The table engine: a table is defined once (its rows, its columns — read or computed — and
its totals), and the Word document, the workbook, figures in prose, `metrics` and `diff` all
read the same table objects, so no figure is defined twice."""

from .engine import Cell, Column, Row, Table, build_table, tables_of
from .figures import FigureStore

__all__ = ["Cell", "Column", "FigureStore", "Row", "Table", "build_table", "tables_of"]
