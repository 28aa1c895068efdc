"""A matplotlib tick formatter that writes axis numbers as the document's tables do.

Its own module because it subclasses a matplotlib class, and matplotlib is imported only when
a chart is drawn.
"""

from __future__ import annotations

from matplotlib.ticker import Formatter

from . import tick_label


class SwedishFormatter(Formatter):
    """Ticks as "12 000" and "0,05": decimals from the distance between the ticks, which
    matplotlib hands over (set_locs) before it asks for the labels."""

    def __init__(self) -> None:
        self.step = 1.0

    def set_locs(self, locs) -> None:  # noqa: ANN001 - matplotlib's array of positions
        super().set_locs(locs)
        ordered = sorted(float(x) for x in locs)
        gaps = [b - a for a, b in zip(ordered, ordered[1:], strict=False) if b > a]
        self.step = min(gaps) if gaps else 1.0

    def __call__(self, x: float, pos: int | None = None) -> str:
        return tick_label(x, self.step)
