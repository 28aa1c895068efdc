"""Pictures of the monthly measures for the Word report: one figure per measure group, with a
small line chart per measure (one line per year over the twelve months).

matplotlib draws them (a maintained library beats hand-drawn charts); it is imported only when
a report with monthly measures is built.
"""

from __future__ import annotations

import hashlib
import io
import os
import tempfile
from dataclasses import dataclass
from pathlib import Path

from ..blocks.monthly import MeasureGroupView

MONTHS = ["jan", "feb", "mar", "apr", "maj", "jun", "jul", "aug", "sep", "okt", "nov", "dec"]
# Distinguishable without colour too: each year has its own marker and line style.
STYLES = [("o", "-"), ("s", "--"), ("^", ":")]


@dataclass(frozen=True)
class Chart:
    name: str
    alt: str
    png: bytes


def alt_text(group: MeasureGroupView) -> str:
    """What the picture shows, for screen readers and for anyone who cannot see the lines."""
    years = sorted({s.year for m in group.measures for s in m.series if s.values is not None})
    span = f"{years[0]}–{years[-1]}" if len(years) > 1 else str(years[0]) if years else ""
    names = "; ".join(m.name for m in group.measures)
    return (f"Linjediagram, {group.name}: månadsvärden per år {span} för {names}. "
            f"Samma värden finns i tabellerna ovan.")


def group_chart(group: MeasureGroupView) -> Chart:
    import matplotlib

    matplotlib.use("Agg")
    from matplotlib.figure import Figure
    from matplotlib.ticker import MaxNLocator

    measures = [m for m in group.measures if any(s.values is not None for s in m.series)]
    columns = 2 if len(measures) > 1 else 1
    rows = (len(measures) + columns - 1) // columns
    figure = Figure(figsize=(7.0, 1.9 * rows + 0.7), dpi=100)
    figure.suptitle(group.name, fontsize=10, fontweight="bold", y=0.995)
    handles = []
    for index, measure in enumerate(measures, start=1):
        axes = figure.add_subplot(rows, columns, index)
        handles = []
        for number, series in enumerate(s for s in measure.series if s.values is not None):
            marker, line = STYLES[number % len(STYLES)]
            (handle,) = axes.plot(range(12), [float(v) for v in series.values or []],
                                  marker=marker, linestyle=line, markersize=3, linewidth=1.2,
                                  label=str(series.year))
            handles.append(handle)
        axes.set_title(measure.name, fontsize=7.5)
        axes.set_xticks(range(12))
        axes.set_xticklabels(MONTHS, fontsize=6)
        axes.tick_params(axis="y", labelsize=6)
        axes.yaxis.set_major_locator(MaxNLocator(integer=True, nbins=5))
        axes.grid(True, linewidth=0.3)
    # one legend for the whole figure: fixed places are much faster than matplotlib's
    # search for the best one, and tight_layout is replaced by fixed margins for the same reason
    figure.legend(handles=handles, loc="upper right", fontsize=7, ncol=len(handles),
                  frameon=False)
    top = 1 - 0.55 / (1.9 * rows + 0.7)
    figure.subplots_adjust(left=0.07, right=0.98, bottom=0.35 / (1.9 * rows + 0.7) + 0.03,
                           top=top - 0.04, hspace=0.55, wspace=0.18)
    buffer = io.BytesIO()
    figure.savefig(buffer, format="png", metadata={"Software": None})
    return Chart(f"{group.id}.png", alt_text(group), buffer.getvalue())


# Bump when the drawing changes, so cached pictures are redrawn.
CHART_VERSION = "1"


def cache_dir() -> Path:
    """Where drawn charts are kept between builds: matplotlib needs about 50 ms per small
    chart, far more than the rest of a report, and the pictures only change with the data."""
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "snplan" / "charts"


def _key(group: MeasureGroupView) -> str:
    parts = [CHART_VERSION, group.id, group.name]
    for measure in group.measures:
        parts.append(f"{measure.name}|{measure.unit}")
        for series in measure.series:
            values = "," if series.values is None else ",".join(str(v) for v in series.values)
            parts.append(f"{series.year}:{values}")
    return hashlib.sha256("\n".join(parts).encode("utf-8")).hexdigest()


def cached_group_chart(group: MeasureGroupView) -> Chart:
    """`group_chart`, drawn once per distinct content and kept in the user's cache directory
    (never in the output directory, which a failed build must leave untouched)."""
    path = cache_dir() / f"{_key(group)}.png"
    try:
        return Chart(f"{group.id}.png", alt_text(group), path.read_bytes())
    except OSError:
        pass
    chart = group_chart(group)
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        handle, temporary = tempfile.mkstemp(dir=path.parent, suffix=".tmp")
        with os.fdopen(handle, "wb") as stream:
            stream.write(chart.png)
        os.replace(temporary, path)
    except OSError:
        pass  # a cache that cannot be written only costs time
    return chart
