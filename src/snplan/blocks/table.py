"""The layout of a table block: header, alignment, rows (totals bold, sub-rows indented),
the scale's legend, footnotes (the definitions of computed columns, the rounding policy, the
data's own notes), or records (a heading and labelled paragraphs per row)."""

from __future__ import annotations

import dataclasses
import datetime as dt
from typing import Any

from ..tables import Column, Row, Table
from ..tables.engine import free_table, heading
from ..tables.ops import OPS
from .base import SYMBOLS, BlockInput, legend

# An em space per level of a sub-row under a heading row, as a Markdown entity: a table cell's
# own leading spaces are trimmed by the Markdown parser (the Word writer turns them into the
# paragraph's indentation).
INDENT = "&emsp;"

ROUNDING = ("Beloppen är avrundade var för sig; summor och beräknade värden räknas på de "
            "inmatade beloppen.")
ROUNDING_DIFFERENCES = ("Avrundningsdifferenser förekommer: en summa kan avvika från "
                        "summan av de avrundade raderna.")


def _cell(table: Table, row: Row, column: Column, block: BlockInput) -> dict[str, Any]:
    cell = row.cells[column.id]
    if column.spec.typ == "bedomning" and column.spec.skala and cell.value:
        scale = block.scale(column.spec.skala)
        return {"text": f"{SYMBOLS[cell.value]} {getattr(scale, cell.value)}", "bold": True,
                "after": cell.comment, "indent": ""}
    return {"text": table.text(row, column), "bold": row.total, "after": "", "indent": ""}


def footnotes(table: Table) -> list[str]:
    """The table's footnotes: what each computed column is, the rounding policy (and that
    totals differ from their rounded rows where they do), then the outline's own notes."""
    lines: list[str] = []
    spec = table.spec
    custom = [heading(line, table.year, None) for line in spec.fotnot]
    if spec.definitioner:
        names = {c.id: c.description for c in table.columns}
        for column in table.visible:
            op = column.spec.berakning
            if op is None:
                continue
            defined = any(line.startswith(f"{column.description} =") for line in custom)
            if not defined:
                lines.append(OPS[op].define(column.header.replace("\u00ad", ""),
                                            [names[ref] for ref in column.spec.av],
                                            table.context) + ".")
    counts = spec.indelning is not None and _breakdown_is_exact(table)
    if any(row.total for row in table.rows) and any(c.figure for c in table.visible) \
            and not counts:
        lines.append(ROUNDING)
        if table.unbalanced():
            lines.append(ROUNDING_DIFFERENCES)
    return lines + custom


def _breakdown_is_exact(table: Table) -> bool:
    """Whether the table's rows are counts that add up exactly (no rounding to speak of)."""
    return table.exact


def table_layout(table: Table, block: BlockInput) -> dict[str, Any]:
    """What the template needs to print one table."""
    spec = table.spec
    breakdown = spec.indelning is not None
    columns = table.visible
    header = ([table.caption] if breakdown else []) + [c.header for c in columns]
    align = (["left"] if breakdown else []) + ["right" if c.figure else "left"
                                                for c in columns]
    rows = []
    for row in table.rows:
        cells = []
        if breakdown:
            cells.append({"text": row.label, "bold": row.total, "after": "",
                          "indent": INDENT * row.indent})
        cells += [_cell(table, row, column, block) for column in columns]
        rows.append({"cells": cells, "total": row.total})
    if not rows and spec.tom is not None:
        rows.append({"cells": [{"text": spec.tom, "bold": False, "after": "", "indent": ""}]
                     + [{"text": "", "bold": False, "after": "", "indent": ""}]
                     * (len(header) - 1), "total": False})
    scales = [c.spec.skala for c in columns if c.spec.typ == "bedomning" and c.spec.skala]
    content = table.content
    result: dict[str, Any] = {
        "text": "", "efter": "",
        "rubrik": table.caption if not breakdown and table.caption and not spec.kolumner
        else None,
        "header": header, "align": align, "rows": rows,
        "legend": (legend(block.scale(scales[0]), next(
            c.header for c in columns if c.spec.skala == scales[0]))
            if spec.skalforklaring and scales else None),
        "footnotes": footnotes(table),
        "notes": list(getattr(content, "fotnoter", []) or []),
        "notes_label": spec.fotnoter_rubrik,
        "records": _records(table) if spec.visning == "poster" else None,
    }
    return result


def _records(table: Table) -> list[dict[str, Any]]:
    """Rows laid out as records: the heading fields, then each other field as a labelled
    paragraph."""
    spec = table.spec
    records = []
    for row in table.rows:
        title = " ".join(table.text(row, table.column(f)) for f in spec.rubrik_falt
                         if row.cells[f].value not in (None, ""))
        fields = []
        for column in table.visible:
            if column.id in spec.rubrik_falt:
                continue
            value = row.cells[column.id].value
            if value in (None, "", []):
                continue
            shown = value.isoformat() if isinstance(value, dt.date) \
                else table.text(row, column)
            fields.append({"label": column.header, "text": shown})
        records.append({"rubrik": title, "fields": fields})
    return records


def _free_block(block: BlockInput) -> Table | None:
    """A free table block (an outline table without `indelning` or `kolumner`, as appendices
    have): the data gives its columns and rows. The document's tables hold only tables with
    columns of the outline, so it is made here from this document's own content, under the
    outline's table options (footnotes, caption, what an empty table reads)."""
    spec = block.node.tabell
    if spec is None or spec.indelning is not None or spec.kolumner:
        return None
    table = free_table(block.content, block.org, block.year)
    caption = table.caption or heading(spec.rubrik or "", block.year, block.org)
    return dataclasses.replace(table, key=block.node.block or "", spec=spec, caption=caption)


def context(block: BlockInput) -> dict[str, Any] | None:
    table = block.tables.get(block.node.block or "") or _free_block(block)
    if table is None:
        return None
    result = table_layout(table, block)
    result["text"] = block.content.text
    result["efter"] = block.content.efter
    return result
