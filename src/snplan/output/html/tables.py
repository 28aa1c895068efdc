"""Tables of the tree as HTML tables a screen reader can navigate.

Everything a sighted reader gets from the layout is also in the markup: the caption names
the table; column headings are `<th scope="col">`, row labels `<th scope="row">` where the
first column labels the rows; a group's heading row opens a `<tbody>` and heads it with
`scope="rowgroup"`; a subtotal or total row says so in words (hidden on screen, heard by a
screen reader) as well as in bold; a unit is an `<abbr>` naming it; an assessment shows its
words beside its symbol. Each table sits in its own focusable scrolling region, so a wide
table scrolls by itself and the page reflows at 320 px.
"""

from __future__ import annotations

from collections.abc import Callable

from ...tree import Cell, Column, Panel, Row, Table
from ..charts.svg import value_label
from .ids import Ids
from .markup import esc, lines, runs, with_units

# Spoken before a summing row's label: the role the bold type shows on screen.
ROLE_WORDS = {"subtotal": "Delsumma", "total": "Summa"}
# The assessment symbols of a four-level scale (blocks.base), and what to say when a cell
# holds the symbol without the scale's words.
SYMBOLS = {"●": 1, "◆": 2, "▲": 3, "■": 4}


def table(t: Table, ids: Ids, target: Callable[[str], str]) -> str:
    """A table in its scrolling region, with its notes under it."""
    base = ids.new(t.id or t.key or t.name, "tabell")
    caption_id, notes_id = f"{base}-rubrik", f"{base}-noter"
    ids.reserve(caption_id, notes_id)
    visible = [i for i in t.visible]
    columns = [t.columns[i] for i in visible]
    described = f' aria-describedby="{notes_id}"' if t.notes else ""
    out = [f'<div class="table-scroll" role="region" aria-labelledby="{caption_id}" '
           f'tabindex="0">',
           f'<table id="{base}"{described}>',
           f'<caption id="{caption_id}">{with_units(caption_of(t))}</caption>',
           "<thead><tr>", *(_column_head(c) for c in columns), "</tr></thead>"]
    out.extend(_body(t, visible, target))
    out.append("</table></div>")
    if t.notes:
        out.append(f'<ul class="notes" id="{notes_id}">')
        out.extend(f"<li>{runs(note, target=target)}</li>" for note in t.notes)
        out.append("</ul>")
    return "".join(out)


def caption_of(t: Table) -> str:
    """What the table is called: its title, its name, its first heading cell, its key."""
    first = next((t.columns[i].header for i in t.visible if t.columns[i].header.strip()), "")
    return t.title or t.name or first or t.key


def _column_head(column: Column) -> str:
    if not column.header.strip() and not column.unit:
        return "<td></td>"
    unit = (f' <span class="unit">({with_units(column.unit)})</span>' if column.unit else "")
    cls = ' class="num"' if _numeric(column) else ""
    return f'<th scope="col"{cls}>{with_units(column.header)}{unit}</th>'


def _numeric(column: Column) -> bool:
    return column.figure or column.align == "right"


def _body(t: Table, visible: list[int], target: Callable[[str], str]) -> list[str]:
    """The rows, a `<tbody>` per group: a heading row opens a new one."""
    out = ["<tbody>"]
    started = False
    for row in t.rows:
        if row.role == "heading" and _heading_only(row, visible):
            if started:
                out.append("</tbody><tbody>")
            label = _label(row, visible, target)
            indent = f" indent-{min(row.indent, 4)}" if row.indent else ""
            out.append(f'<tr class="heading"><th scope="rowgroup" colspan="{len(visible)}" '
                       f'class="label{indent}">{label}</th></tr>')
        else:
            out.append(_row(t, row, visible, target))
        started = True
    out.append("</tbody>")
    return out


def _heading_only(row: Row, visible: list[int]) -> bool:
    """A heading row without figures: one cell spanning the table."""
    return all(_cell(row, i).blank or not _cell(row, i).text.strip() for i in visible[1:])


def _cell(row: Row, index: int) -> Cell:
    return row.cells[index] if index < len(row.cells) else Cell(blank=True)


def _label(row: Row, visible: list[int], target: Callable[[str], str]) -> str:
    if visible:
        cell = _cell(row, visible[0])
        if cell.lines and not cell.blank:
            return lines(cell.lines, target=target, units=True)
    return with_units(row.label)


def _row(t: Table, row: Row, visible: list[int], target: Callable[[str], str]) -> str:
    classes = [] if row.role == "data" else [row.role]
    out = [f'<tr class="{" ".join(classes)}">' if classes else "<tr>"]
    for position, index in enumerate(visible):
        column = t.columns[index]
        cell = _cell(row, index)
        first = position == 0
        header = first and t.row_headers
        cls = []
        if _numeric(column):
            cls.append("num")
        if column.kind == "assessment":
            cls.append("assessment")
        if first and row.indent:
            cls.append(f"indent-{min(row.indent, 4)}")
        attrs = f' class="{" ".join(cls)}"' if cls else ""
        content = "" if cell.blank else (_assessment(cell, target) if column.kind ==
                                          "assessment" else lines(cell.lines, target=target,
                                                                  units=True))
        if first and row.role in ROLE_WORDS:
            content = f'<span class="visually-hidden">{ROLE_WORDS[row.role]}: </span>{content}'
        if header:
            out.append(f'<th scope="row"{attrs}>{content}</th>')
        else:
            out.append(f"<td{attrs}>{content}</td>")
    out.append("</tr>")
    return "".join(out)


def _assessment(cell: Cell, target: Callable[[str], str]) -> str:
    """The symbol (hidden from screen readers, which hear the words) and its words: the
    cell's own, its value's, or the level's number when the data gives no words."""
    text = cell.text.strip()
    if not text:
        return ""
    symbol = text[0] if text[0] in SYMBOLS else ""
    if not symbol:
        return lines(cell.lines, target=target)
    words = text[1:].strip()
    if not words and isinstance(cell.value, str) and cell.value.strip() \
            and not cell.value.startswith("niva") and cell.value.strip() != symbol:
        words = cell.value.strip()
    if not words:
        words = f"nivå {SYMBOLS[symbol]} av 4"
    return (f'<span class="symbol" aria-hidden="true">{esc(symbol)}</span> '
            f'<span class="words">{esc(words)}</span>')


def panel_table(panel: Panel, ids: Ids) -> str:
    """The values a chart's panel draws: a row per category, a column per series."""
    base = ids.new(f"{panel.table or panel.title}-data", "data")
    caption_id = f"{base}-rubrik"
    ids.reserve(caption_id)
    unit = f" ({with_units(panel.unit)})" if panel.unit else ""
    out = [f'<div class="table-scroll" role="region" aria-labelledby="{caption_id}" '
           f'tabindex="0">',
           f'<table id="{base}"><caption id="{caption_id}">{esc(panel.title)}{unit}</caption>',
           "<thead><tr><td></td>",
           *(f'<th scope="col" class="num">{esc(s.label)}</th>' for s in panel.series),
           "</tr></thead><tbody>"]
    for index, category in enumerate(panel.categories):
        out.append(f'<tr><th scope="row">{esc(category)}</th>')
        for series in panel.series:
            value = series.values[index] if index < len(series.values) else None
            out.append(f'<td class="num">{esc(value_label(value))}</td>')
        out.append("</tr>")
    out.append("</tbody></table></div>")
    return "".join(out)
