"""A figure of the resolved document as vector graphics (SVG): the web edition shows it inline
and the PDF writer embeds it, so the two draw the same chart from the same data.

Drawn here rather than by matplotlib: the picture is a handful of lines and labels, and
writing them directly gives small, reproducible files whose text stays text (a screen reader
finds the title and description, a search finds the numbers), in the document's font, in a
few milliseconds. Each year has its own dash pattern and marker, so colour is never needed
to tell the lines apart (WCAG 1.4.1).
"""

from __future__ import annotations

import math
from decimal import Decimal

from ...tables import format as fmt
from ...tree import Figure, Panel

# One panel's size in user units (pixels at 100 %), and the figure's columns: two panels
# side by side fill a web page's text column (about 50 em) and the text of the chart is read
# at its natural size (11–13 px, the size of a table's small print), not shrunk.
PANEL_WIDTH = 380
PANEL_HEIGHT = 230
COLUMNS = 2
LEGEND_HEIGHT = 30
TITLE_SIZE = 13
TICK_SIZE = 11
CATEGORY_SIZE = 10.5
LEGEND_SIZE = 12
# Dark enough on white for the 3:1 contrast graphics need (WCAG 1.4.11).
COLOURS = ("#1f4e79", "#a33b0a", "#2e6b30", "#5b3a8c")
DASHES = ("", "6 3", "2 3", "8 3 2 3")
MARKERS = ("circle", "square", "triangle", "diamond")
AXIS = "#595959"
GRID = "#d9d9d9"


def _esc(text: str) -> str:
    return (text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
            .replace('"', "&quot;"))


def _num(value: float) -> str:
    """A coordinate with at most two decimals and no trailing zeros (stable bytes)."""
    text = f"{value:.2f}".rstrip("0").rstrip(".")
    return "0" if text in {"-0", ""} else text


def nice_ticks(low: float, high: float, counts: bool, most: int = 5) -> list[Decimal]:
    """Axis ticks at round steps (1, 2 or 5 × a power of ten) covering low..high; whole
    steps only for counts."""
    if high <= low:
        high = low + 1
    raw = (high - low) / max(most - 1, 1)
    power = 10 ** math.floor(math.log10(raw))
    step = next(m * power for m in (1, 2, 5, 10) if m * power >= raw)
    if counts and step < 1:
        step = 1
    step_d = Decimal(str(step))
    start = math.floor(low / step) * step
    ticks = []
    value = Decimal(str(start)).quantize(step_d) if step_d < 1 else Decimal(int(start))
    while value <= Decimal(str(high)) + step_d / 2:
        ticks.append(value)
        value += step_d
        if len(ticks) > 12:
            break
    return ticks


def _tick_label(value: Decimal, step: Decimal) -> str:
    decimals = max(0, -step.normalize().as_tuple().exponent) if step else 0
    return fmt.number(value, int(decimals))


def value_label(value: Decimal | None) -> str:
    """A value of a series as the figure's data table prints it (Swedish, as many decimals
    as it was given with; a dash where there is none), so a page that shows the chart and
    its numbers writes them as the tables do."""
    return fmt.number(value)


def _marker(kind: str, x: float, y: float, colour: str) -> str:
    if kind == "circle":
        return f'<circle cx="{_num(x)}" cy="{_num(y)}" r="3.2" fill="{colour}"/>'
    if kind == "square":
        return (f'<rect x="{_num(x - 3)}" y="{_num(y - 3)}" width="6" height="6" '
                f'fill="{colour}"/>')
    if kind == "triangle":
        return (f'<path d="M{_num(x)} {_num(y - 3.8)}L{_num(x + 3.6)} {_num(y + 2.8)}'
                f'L{_num(x - 3.6)} {_num(y + 2.8)}Z" fill="{colour}"/>')
    return (f'<path d="M{_num(x)} {_num(y - 3.8)}L{_num(x + 3.8)} {_num(y)}L{_num(x)} '
            f'{_num(y + 3.8)}L{_num(x - 3.8)} {_num(y)}Z" fill="{colour}"/>')


def _fit(text: str, size: float, room: float, bold: bool = False) -> str:
    """`textLength` squeezing a text into `room` when its estimated width (an average
    glyph of 0.6 em, 0.66 em bold) would overflow it; nothing when it fits. The text stays
    text, only narrower, instead of being cut off at the picture's edge."""
    estimate = len(text) * size * (0.66 if bold else 0.6)
    if estimate <= room:
        return ""
    return f' textLength="{_num(room)}" lengthAdjust="spacingAndGlyphs"'


def _panel(panel: Panel, left: float, top: float, font: str) -> str:
    """One small line chart: title (with the unit of its values), y axis with grid lines,
    categories, a line per series, broken where a value is missing (a line across a gap
    would show months that have no figures)."""
    plot_left, plot_right = left + 54, left + PANEL_WIDTH - 12
    plot_top, plot_bottom = top + 30, top + PANEL_HEIGHT - 30
    values = [float(v) for s in panel.series for v in s.values if v is not None]
    low = min(values, default=0.0)
    high = max(values, default=1.0)
    # a series far from zero gets an axis that starts near it, not at zero
    low = low - (high - low) * 0.2 if low > 0 and high - low < high * 0.5 else min(low, 0.0)
    ticks = nice_ticks(low, high, panel.counts)
    bottom_value, top_value = float(ticks[0]), float(ticks[-1])
    span = (top_value - bottom_value) or 1.0
    step = ticks[1] - ticks[0] if len(ticks) > 1 else Decimal(1)

    def y_of(value: float) -> float:
        return plot_bottom - (value - bottom_value) / span * (plot_bottom - plot_top)

    count = max(len(panel.categories), 1)

    def x_of(index: int) -> float:
        return plot_left + (index + 0.5) * (plot_right - plot_left) / count

    title = f"{panel.title} ({panel.unit})" if panel.unit else panel.title
    out = [f'<g font-family="{_esc(font)}">',
           f'<text x="{_num(left + PANEL_WIDTH / 2)}" y="{_num(top + 17)}" '
           f'font-size="{TITLE_SIZE}" font-weight="bold" text-anchor="middle" '
           f'fill="#000"{_fit(title, TITLE_SIZE, PANEL_WIDTH - 16, True)}>'
           f'{_esc(title)}</text>']
    for tick in ticks:
        y = y_of(float(tick))
        out.append(f'<line x1="{_num(plot_left)}" y1="{_num(y)}" x2="{_num(plot_right)}" '
                   f'y2="{_num(y)}" stroke="{GRID}" stroke-width="0.8"/>')
        out.append(f'<text x="{_num(plot_left - 5)}" y="{_num(y + TICK_SIZE * 0.35)}" '
                   f'font-size="{TICK_SIZE}" text-anchor="end" '
                   f'fill="{AXIS}">{_esc(_tick_label(tick, step))}</text>')
    out.append(f'<path d="M{_num(plot_left)} {_num(plot_top)}V{_num(plot_bottom)}'
               f'H{_num(plot_right)}" fill="none" stroke="{AXIS}" stroke-width="1"/>')
    for index, category in enumerate(panel.categories):
        out.append(f'<text x="{_num(x_of(index))}" y="{_num(plot_bottom + 16)}" '
                   f'font-size="{CATEGORY_SIZE}" text-anchor="middle" fill="{AXIS}"'
                   f'{_fit(category, CATEGORY_SIZE, (plot_right - plot_left) / count - 2)}>'
                   f'{_esc(category)}</text>')
    for number, series in enumerate(panel.series):
        colour = COLOURS[number % len(COLOURS)]
        dash = DASHES[number % len(DASHES)]
        dashed = f' stroke-dasharray="{dash}"' if dash else ""
        points = [(x_of(i), y_of(float(v))) if v is not None else None
                  for i, v in enumerate(series.values)]
        for run in _runs(points):
            if len(run) > 1:
                path = "M" + "L".join(f"{_num(x)} {_num(y)}" for x, y in run)
                out.append(f'<path d="{path}" fill="none" stroke="{colour}" '
                           f'stroke-width="2"{dashed}/>')
        out.extend(_marker(MARKERS[number % len(MARKERS)], x, y, colour)
                   for x, y in (p for p in points if p is not None))
    out.append("</g>")
    return "".join(out)


def _runs(points: list[tuple[float, float] | None]) -> list[list[tuple[float, float]]]:
    """The points between missing values."""
    runs: list[list[tuple[float, float]]] = [[]]
    for point in points:
        if point is None:
            if runs[-1]:
                runs.append([])
        else:
            runs[-1].append(point)
    return [r for r in runs if r]


def _legend(labels: list[str], width: float, font: str) -> str:
    """The years' line styles in one row, centred; each item as wide as its label."""
    widths = [34 + len(label) * LEGEND_SIZE * 0.62 + 20 for label in labels]
    scale = min(1.0, (width - 16) / sum(widths)) if widths else 1.0
    widths = [w * scale for w in widths]
    x = (width - sum(widths)) / 2
    middle = LEGEND_HEIGHT / 2
    out = [f'<g font-family="{_esc(font)}" font-size="{LEGEND_SIZE}">']
    for number, (label, item) in enumerate(zip(labels, widths, strict=True)):
        colour = COLOURS[number % len(COLOURS)]
        dash = DASHES[number % len(DASHES)]
        dashed = f' stroke-dasharray="{dash}"' if dash else ""
        out.append(f'<line x1="{_num(x)}" y1="{_num(middle)}" x2="{_num(x + 28)}" '
                   f'y2="{_num(middle)}" stroke="{colour}" stroke-width="2"{dashed}/>')
        out.append(_marker(MARKERS[number % len(MARKERS)], x + 14, middle, colour))
        out.append(f'<text x="{_num(x + 34)}" y="{_num(middle + LEGEND_SIZE * 0.35)}" '
                   f'fill="#000"{_fit(label, LEGEND_SIZE, item - 40)}>{_esc(label)}</text>')
        x += item
    out.append("</g>")
    return "".join(out)


def figure_svg(figure: Figure, *, font: str = "Liberation Sans, Arial, sans-serif",
               element_id: str = "") -> str:
    """The figure as one SVG element: its panels two by two under a common legend, with
    `<title>` (the caption) and `<desc>` (the alternative text) that `aria-labelledby` names,
    so assistive technology reads what it shows. `element_id` makes the ids unique in a page
    holding several figures."""
    base = element_id or f"fig-{figure.id}"
    panels = [p for p in figure.panels if any(v is not None for s in p.series for v in s.values)]
    columns = COLUMNS if len(panels) > 1 else 1
    rows = max(1, math.ceil(len(panels) / columns))
    width = PANEL_WIDTH * columns
    height = LEGEND_HEIGHT + PANEL_HEIGHT * rows
    labels: list[str] = []
    for panel in panels:
        for series in panel.series:
            if series.label not in labels:
                labels.append(series.label)
    body = [_legend(labels, width, font)]
    for index, panel in enumerate(panels):
        left = (index % columns) * PANEL_WIDTH
        top = LEGEND_HEIGHT + (index // columns) * PANEL_HEIGHT
        body.append(_panel(panel, left, top, font))
    return (f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {height}" '
            f'width="{width}" height="{height}" role="img" '
            f'aria-labelledby="{base}-title {base}-desc">'
            f'<title id="{base}-title">{_esc(figure.caption)}</title>'
            f'<desc id="{base}-desc">{_esc(figure.alt)}</desc>'
            f'<rect width="{width}" height="{height}" fill="#fff"/>'
            + "".join(body) + "</svg>")


__all__ = ["figure_svg", "nice_ticks", "value_label"]
