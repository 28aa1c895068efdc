"""Pictures of the resolved document's figures for the Word file: a figure of one or more small
line charts (one line per series, a year over the twelve months), in Swedish: axis numbers
formatted as the tables format them ("12 000", "0,05"), no decimals on counts, the categories
as the tables name them, and the document's font where matplotlib has it. (`svg` draws the
same figure as vector graphics for the web and the PDF.)

matplotlib draws them (a maintained library beats hand-drawn charts); it is imported only when
a report with monthly measures is built.
"""

from __future__ import annotations

import contextlib
import hashlib
import io
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path

from ...source.cache import keep, user_cache_dir
from ...tables import format as fmt
from ...tree import Figure

MONTHS = ["jan", "feb", "mar", "apr", "maj", "jun", "jul", "aug", "sep", "okt", "nov", "dec"]

# Sharp enough for print at the width of the text (16 cm), still small.
DPI = 150
# Distinguishable without colour too: each year has its own marker and line style.
STYLES = [("o", "-"), ("s", "--"), ("^", ":")]


@dataclass(frozen=True)
class Chart:
    name: str
    alt: str
    png: bytes


def tick_label(value: float, step: float) -> str:
    """An axis number as the tables print it: space between thousands, comma for decimals,
    as many decimals as the distance between ticks needs (none on counts)."""
    decimals = 0
    while step and decimals < 4 and abs(step * 10**decimals - round(step * 10**decimals)) > 1e-6:
        decimals += 1
    return fmt.number(Decimal(format(float(value), f".{decimals}f")), decimals)


def _font_family() -> str:
    """The document's font for the charts: Arial or its metric twin Liberation Sans where
    matplotlib finds one, else matplotlib's own DejaVu Sans."""
    from matplotlib import font_manager

    for family in ("Arial", "Liberation Sans"):
        try:
            font_manager.findfont(family, fallback_to_default=False)
        except ValueError:
            continue
        return family
    return "DejaVu Sans"


def group_chart(figure: Figure) -> Chart:
    import matplotlib

    matplotlib.use("Agg")
    from matplotlib.figure import Figure as MplFigure
    from matplotlib.ticker import MaxNLocator

    from ._swedish_ticks import SwedishFormatter as _SwedishFormatter

    panels = [p for p in figure.panels if p.series]
    columns = 2 if len(panels) > 1 else 1
    rows = (len(panels) + columns - 1) // columns
    height = 1.9 * rows + 0.7
    with matplotlib.rc_context({"font.family": _font_family(), "axes.unicode_minus": False}):
        # no title in the picture: the caption under it in the document names the group
        picture = MplFigure(figsize=(7.0, height), dpi=DPI)
        handles = []
        for index, panel in enumerate(panels, start=1):
            axes = picture.add_subplot(rows, columns, index)
            handles = []
            positions = range(len(panel.categories))
            for number, series in enumerate(panel.series):
                marker, line = STYLES[number % len(STYLES)]
                (handle,) = axes.plot(positions,
                                      [float("nan") if v is None else float(v)
                                       for v in series.values],
                                      marker=marker, linestyle=line, markersize=3,
                                      linewidth=1.2, label=series.label)
                handles.append(handle)
            axes.set_title(panel.title, fontsize=7.5)
            axes.set_xticks(positions)
            axes.set_xticklabels(panel.categories, fontsize=6)
            axes.tick_params(axis="y", labelsize=6)
            axes.yaxis.set_major_locator(MaxNLocator(integer=panel.counts, nbins=5))
            axes.yaxis.set_major_formatter(_SwedishFormatter())
            axes.grid(True, linewidth=0.3)
        # one legend for the whole figure: fixed places are much faster than matplotlib's
        # search for the best one, and tight_layout is replaced by fixed margins for the
        # same reason
        picture.legend(handles=handles, loc="upper center", fontsize=7, ncol=len(handles),
                      frameon=False, bbox_to_anchor=(0.5, 1.0))
        picture.subplots_adjust(left=0.08, right=0.98, bottom=0.35 / height + 0.03,
                               top=1 - 0.5 / height, hspace=0.55, wspace=0.2)
        buffer = io.BytesIO()
        picture.savefig(buffer, format="png", metadata={"Software": None})
    return Chart(f"{figure.id}.png", figure.alt, _small_png(buffer.getvalue()))


def _small_png(data: bytes) -> bytes:
    """The picture with a palette of 64 colours: a line chart needs no more, and the file
    (inside every report) is a third of the size."""
    from PIL import Image

    image = Image.open(io.BytesIO(data)).convert("RGB")
    buffer = io.BytesIO()
    image.quantize(colors=64, method=Image.Quantize.MEDIANCUT).save(buffer, "PNG", optimize=True)
    return buffer.getvalue()


# Bump when the drawing changes, so cached pictures are redrawn.
CHART_VERSION = "4"


def cache_dir() -> Path:
    """Where drawn charts are kept between builds: matplotlib needs about 50 ms per small
    chart, far more than the rest of a report, and the pictures only change with the data."""
    return user_cache_dir("charts")


def _key(figure: Figure) -> str:
    parts = [CHART_VERSION, figure.id, figure.caption]
    for panel in figure.panels:
        parts.append(f"{panel.title}|{panel.unit}|{panel.counts}|{','.join(panel.categories)}")
        for series in panel.series:
            values = ",".join("" if v is None else str(v) for v in series.values)
            parts.append(f"{series.label}:{values}")
    return hashlib.sha256("\n".join(parts).encode("utf-8")).hexdigest()


def cached_group_chart(figure: Figure) -> Chart:
    """`group_chart`, drawn once per distinct content and kept in the user's cache directory
    (never in the output directory, which a failed build must leave untouched)."""
    path = cache_dir() / f"{_key(figure)}.png"
    try:
        return Chart(f"{figure.id}.png", figure.alt, path.read_bytes())
    except OSError:
        pass
    chart = group_chart(figure)
    with contextlib.suppress(OSError):  # a cache that cannot be written only costs time
        keep(path.parent, path.name, chart.png)
    return chart


def png(figure: Figure) -> bytes:
    """The figure as a PNG picture, drawn once per distinct content (the Word writer's
    `draw`)."""
    return cached_group_chart(figure).png
