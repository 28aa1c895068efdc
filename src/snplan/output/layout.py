"""Table layout from content: column widths, text size, orientation, and height estimates.

A column is as wide as its content asks for, measured with the reference font's real advance
widths (`textwidth`), never narrower than its longest word or figure: figures and dates do not
wrap at all (their cells are no-wrap), words wrap only at spaces, after hyphens between letters
and at soft hyphens. When the minimum widths of all columns do not fit the page, the table tries,
in order: narrower cell margins, the reference's smaller table text, a landscape page, and only
then squeezes its columns (the one case where a word can break). A table that fits a portrait
page only with its texts wrapped into tall rows goes on a landscape page when that makes it at
least a third shorter, and by twenty lines or more (a third of a page: each change of
orientation starts a new page, so a landscape page for a small gain costs more paper than it
saves).

The height estimate (lines per row from the same measure) decides whether a table is kept on one
page and where a long one may break.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass, field

from .textwidth import SOFT_HYPHEN, FontMetrics

# Slack on every measured width: Word and LibreOffice place glyphs on their own grids and a
# column that fits to the twip in one may wrap in the other.
SLACK = 1.04
SLACK_TWIPS = 24
NARROW_MARGIN = 57  # cell margin (twips, 0,1 cm) tried before a smaller text size
# A table goes on a landscape page when it would be this much taller on a portrait page, and
# by at least this many lines (a page of its own is not worth a few lines).
LANDSCAPE_GAIN = 1.5
LANDSCAPE_SAVING = 20

_WORD_BREAK = re.compile(r"(?<=[^\W\d_])-(?=[^\W\d_])")  # a hyphen between letters


@dataclass(frozen=True)
class CellText:
    """The measurable content of one cell: its lines (as broken by <br>), whether it may wrap,
    and whether it is set in bold."""

    lines: tuple[str, ...]
    nowrap: bool
    bold: bool


@dataclass(frozen=True)
class TextSetting:
    """A text size for a table: the body and header fonts (metrics and size), the paragraph
    styles that carry them, and the line height in twips."""

    body: FontMetrics
    head: FontMetrics
    body_bold: FontMetrics
    size: float
    head_size: float
    body_style: str | None
    head_style: str | None
    line_twips: float
    direct_size: float | None = None  # set on the runs when no style carries the size


@dataclass
class Layout:
    widths: list[int]
    setting: TextSetting
    margin: int  # left and right cell margin, twips
    landscape: bool
    squeezed: bool  # even the minimum widths did not fit: words break
    crowded: bool = False  # some text wraps for want of room
    row_heights: list[float] = field(default_factory=list)

    @property
    def height(self) -> float:
        return sum(self.row_heights)


def segments(text: str) -> list[str]:
    """The pieces of a line that never break: the line split at spaces, after hyphens between
    letters, and at soft hyphens (a piece that ends at a soft hyphen is printed with '-')."""
    pieces: list[str] = []
    for word in text.split(" "):
        if not word:
            continue
        for part in _WORD_BREAK.split(word):
            chunks = part.split(SOFT_HYPHEN)
            for index, chunk in enumerate(chunks):
                last = index == len(chunks) - 1
                pieces.append(chunk if last else chunk + "-")
    return pieces


class Measure:
    """Widths of texts in one setting, in twips, cached: tables repeat their figures."""

    def __init__(self, metrics: FontMetrics, size: float) -> None:
        self.metrics = metrics
        self.size = size
        self.cache: dict[str, float] = {}
        self.pieces: dict[str, float] = {}  # a line's widest unbreakable piece

    def __call__(self, text: str) -> float:
        width = self.cache.get(text)
        if width is None:
            width = self.metrics.text(text, self.size) * 20
            self.cache[text] = width
        return width

    def widest_piece(self, line: str) -> float:
        """The width of the widest piece of `line` that never breaks (see `segments`): the
        least room the line can take. Kept per line, as the widths are."""
        width = self.pieces.get(line)
        if width is None:
            width = max((self(piece) for piece in segments(line)), default=0)
            self.pieces[line] = width
        return width


def _need(cell: CellText, measure: Measure) -> tuple[float, float, tuple[float, ...]]:
    """(minimum, preferred) content width of a cell, twips, and the width of each line."""
    lines = tuple(measure(line.replace(SOFT_HYPHEN, "")) for line in cell.lines)
    preferred = max(lines, default=0)
    if cell.nowrap:
        return preferred, preferred, lines
    minimum = max((measure.widest_piece(line) for line in cell.lines), default=0)
    return minimum, preferred, lines


# One measure per face and size for the whole process: every table of every document sets
# its figures and labels in the same few, and measuring them again per table and per trial
# layout was a third of writing a Word file.
_SHARED: dict[tuple[int, float], Measure] = {}
# A long-running process (`snplan serve`) forgets the widths past this many texts a measure.
MEASURED_TEXTS = 100_000


def _measure(metrics: FontMetrics, size: float) -> Measure:
    found = _SHARED.get((id(metrics), size))
    if found is None or found.metrics is not metrics or \
            len(found.cache) + len(found.pieces) > MEASURED_TEXTS:
        found = _SHARED[(id(metrics), size)] = Measure(metrics, size)
    return found


def _measures(setting: TextSetting) -> dict[tuple[bool, bool], Measure]:
    return {(True, False): _measure(setting.head, setting.head_size),
            (True, True): _measure(setting.head, setting.head_size),
            (False, False): _measure(setting.body, setting.size),
            (False, True): _measure(setting.body_bold, setting.size)}


@dataclass
class Needs:
    """Minimum and preferred content width of every column (twips, no margins), and the line
    widths of a sample of the rows, for estimating heights while widths are chosen."""

    minimum: list[float]
    preferred: list[float]
    sample: list[list[tuple[float, ...]]]
    wraps: list[list[bool]]


# Rows looked at when columns share out the room (evenly spread over a longer table).
SAMPLE_ROWS = 120


def column_needs(rows: list[list[CellText]], header_rows: int, columns: int,
                 setting: TextSetting) -> Needs:
    measures = _measures(setting)
    minimum = [0.0] * columns
    preferred = [0.0] * columns
    step = max(1, len(rows) // SAMPLE_ROWS)
    sample: list[list[tuple[float, ...]]] = []
    wraps: list[list[bool]] = []
    for index, row in enumerate(rows):
        head = index < header_rows
        widths: list[tuple[float, ...]] = []
        for column, cell in enumerate(row[:columns]):
            low, high, lines = _need(cell, measures[(head, cell.bold)])
            widths.append(lines)
            if low > minimum[column]:
                minimum[column] = low
            if high > preferred[column]:
                preferred[column] = high
        if index % step == 0:
            sample.append(widths)
            wraps.append([not cell.nowrap for cell in row[:columns]])
    return Needs(minimum, preferred, sample, wraps)


def _lines(widths: tuple[float, ...], room: float) -> int:
    """Lines a cell takes in `room`, estimated from the widths of its lines (a wrapped line
    takes one more line than its width divided by the room, at most, for the word that does
    not fit)."""
    total = 0
    for width in widths:
        total += 1 if width <= room else math.ceil(width / room * 1.08)
    return total


def share_out(needs: Needs, low: list[float], high: list[float], available: float,
              pad: float) -> list[float]:
    """Column widths that fill `available`, from the minimums `low` up.

    The room left over goes step by step where it saves the most height per twip, estimated on
    a sample of the rows; the steps tried for a column are the widths at which one of its
    cells fits on one line, and fractions of what is left. So a column of long texts widens
    before a column whose header would merely lose a hyphen, and a label that fits on one line
    with a little more room gets it. Room that saves no more height goes to the columns in
    proportion to how much wider they would like to be, and past every preferred width in
    proportion to the widths."""
    if sum(high) <= available:  # everything fits: the room left is shared by width
        scale = available / sum(high) if sum(high) else 1
        return [x * scale for x in high]
    widths = list(low)
    spare = available - sum(widths)
    columns = len(widths)
    if spare <= 0:
        scale = available / sum(widths) if sum(widths) else 1
        return [x * scale for x in widths]
    rows = needs.sample
    wraps = needs.wraps

    def cell_lines(r: int, c: int, width: float) -> int:
        if c >= len(rows[r]):
            return 1
        if not wraps[r][c]:
            return len(rows[r][c]) or 1
        return _lines(rows[r][c], max(width - pad, 1))

    current = [[cell_lines(r, c, widths[c]) for c in range(columns)] for r in range(len(rows))]
    growing = [c for c in range(columns) if high[c] > widths[c]
               and any(c < len(w) and w[c] for w in wraps)]
    fits = {c: sorted({max(row[c]) + pad for r, row in enumerate(rows) if c < len(row)
                       and row[c] and wraps[r][c]}) for c in growing}

    # per growing column, each sampled row's cell: the lines it always takes (a cell that
    # does not wrap, or no cell), else 0 and the widths of its lines (as `cell_lines`)
    by_column = {c: [(1, ()) if c >= len(row) else
                     ((len(row[c]) or 1, ()) if not wraps[r][c] else (0, row[c]))
                     for r, row in enumerate(rows)] for c in growing}

    def tallest(row: list[int]) -> tuple[int, int, int]:
        """The tallest cell of a row, its column, and the tallest of the other cells (1 when
        there is none): what a row's height is when one column changes."""
        first = max(range(len(row)), key=row.__getitem__)
        second = max((v for i, v in enumerate(row) if i != first), default=1)
        return row[first], first, second

    while spare > 1e-6 and growing:
        best, best_gain, best_width, best_lines = -1, 1e-9, 0.0, None
        heights = [tallest(row) for row in current]
        for c in growing:
            rest = [second if first == c else top for top, first, second in heights]
            before = sum(max(row[c], rest[r]) for r, row in enumerate(current))
            limit = min(high[c], widths[c] + spare)
            steps = [t for t in fits[c] if widths[c] < t <= limit]
            if len(steps) > 8:
                steps = steps[:: math.ceil(len(steps) / 8)]
            steps += [widths[c] + (limit - widths[c]) * f for f in (0.125, 0.25, 0.5, 1)]
            cells = by_column[c]
            for trial in steps:
                if trial <= widths[c]:
                    continue
                room = max(trial - pad, 1)
                lines = [fixed if fixed else _lines(line_widths, room)
                         for fixed, line_widths in cells]
                after = sum(map(max, lines, rest))
                gain = (before - after) / (trial - widths[c])
                if gain > best_gain:
                    best, best_gain, best_width, best_lines = c, gain, trial, lines
        if best < 0 or best_lines is None:
            break
        spare -= best_width - widths[best]
        widths[best] = best_width
        for r, row in enumerate(current):
            row[best] = best_lines[r]
        growing = [c for c in growing if widths[c] < high[c]]
    if spare > 1e-6:
        wish = [max(h - w, 0) for h, w in zip(high, widths, strict=True)]
        total_wish = sum(wish)
        if total_wish > 0:
            portion = min(spare, total_wish)
            widths = [w + portion * d / total_wish for w, d in zip(widths, wish, strict=True)]
            spare -= portion
    if spare > 1e-6:
        total = sum(widths)
        widths = [w + spare * w / total for w in widths]
    return widths


def plan_table(rows: list[list[CellText]], header_rows: int, columns: int,
               settings: list[TextSetting], margin: int, portrait: int, landscape: int,
               fixed: list[float] | None = None) -> Layout:
    """Choose margins, text size and orientation, and the column widths (twips).

    `settings` are the text sizes to try, largest first; `portrait` and `landscape` the text
    widths of the two orientations. `fixed` gives fractions of the width instead (signature
    blocks, whose columns are equal by design)."""
    if fixed is not None:
        widths = [portrait * f for f in fixed]
        layout = Layout(_rounded(widths, portrait), settings[0], margin, False, False)
        layout.row_heights = row_heights(rows, header_rows, layout)
        return layout
    margins = [margin] if margin <= NARROW_MARGIN else [margin, NARROW_MARGIN]
    needs: dict[int, Needs] = {}

    def attempt(available: int, turned: bool) -> Layout | None:
        """The first text size and margin at which every column gets its minimum."""
        for setting in settings:
            if id(setting) not in needs:
                needs[id(setting)] = column_needs(rows, header_rows, columns, setting)
            found = needs[id(setting)]
            for pad in margins:
                low = [m * SLACK + SLACK_TWIPS + 2 * pad for m in found.minimum]
                high = [max(p * SLACK + SLACK_TWIPS + 2 * pad, lo) for p, lo in
                        zip(found.preferred, low, strict=True)]
                if sum(low) <= available:
                    widths = share_out(found, low, high, available, 2 * pad + SLACK_TWIPS)
                    layout = Layout(_rounded(widths, available), setting, pad, turned, False,
                                    crowded=sum(high) > available)
                    layout.row_heights = row_heights(rows, header_rows, layout)
                    return layout
        return None

    upright = attempt(portrait, False)
    if upright is not None and not upright.crowded:
        return upright
    turned = attempt(landscape, True)
    if upright is not None and (
            turned is None or upright.height <= LANDSCAPE_GAIN * turned.height
            or upright.height - turned.height < LANDSCAPE_SAVING * upright.setting.line_twips):
        return upright
    if turned is not None:
        return turned
    setting = settings[-1]
    pad = margins[-1]
    if id(setting) not in needs:
        needs[id(setting)] = column_needs(rows, header_rows, columns, setting)
    found = needs[id(setting)]
    low = [m * SLACK + SLACK_TWIPS + 2 * pad for m in found.minimum]
    widths = share_out(found, low, low, landscape, 2 * pad + SLACK_TWIPS)
    layout = Layout(_rounded(widths, landscape), setting, pad, True, True, crowded=True)
    layout.row_heights = row_heights(rows, header_rows, layout)
    return layout


def _rounded(widths: list[float], available: float) -> list[int]:
    """Whole twips that add up to `available` exactly (the last column takes the rounding)."""
    rounded = [int(w) for w in widths]
    if rounded:
        rounded[-1] += int(available) - sum(rounded)
    return rounded


def wrapped_lines(line: str, width: float, measure: Measure) -> int:
    """How many lines `line` takes in `width` twips, breaking greedily at spaces."""
    if measure(line) <= width:
        return 1
    count, used = 1, 0.0
    space = measure(" ")
    for piece in line.split(" "):
        size = measure(piece)
        if used and used + space + size > width:
            count += 1
            used = size
        else:
            used += (space if used else 0) + size
        while used > width > 0:  # a piece wider than the column is broken inside
            count += 1
            used -= width
    return count


def row_heights(rows: list[list[CellText]], header_rows: int, layout: Layout) -> list[float]:
    """Estimated height of every row, twips."""
    measures = _measures(layout.setting)
    heights = []
    for index, row in enumerate(rows):
        head = index < header_rows
        lines = 1
        for column, cell in enumerate(row[:len(layout.widths)]):
            room = layout.widths[column] - 2 * layout.margin
            measure = measures[(head, cell.bold)]
            count = sum(wrapped_lines(line, room, measure) if not cell.nowrap else 1
                        for line in cell.lines) or 1
            lines = max(lines, count)
        heights.append(lines * layout.setting.line_twips + 30)
    return heights
