"""Charts in Swedish: axis numbers as the tables print them, months as the tables name them, the
document's font, no decimals on counts; and the pictures in the 2023 report carry captions."""

from __future__ import annotations

import io

import pytest

from snplan.blocks.monthly import chart as figure_of
from snplan.blocks.monthly import monthly_view
from snplan.output.charts import MONTHS, group_chart, tick_label
from snplan.source.load import load

from .conftest import DATA

NBSP = "\u00a0"  # Babel's sv_SE thousands separator, as in the tables


@pytest.mark.parametrize("value, step, label", [
    (12000, 2000, f"12{NBSP}000"),
    (0.05, 0.01, "0,05"),
    (2.5, 0.5, "2,5"),
    (-1500, 500, f"-1{NBSP}500"),
    (0.30000000000000004, 0.09999999999999998, "0,3"),  # float noise is not a decimal
    (175, 25, "175"),
])
def test_tick_labels(value: float, step: float, label: str) -> None:
    assert tick_label(value, step) == label


def test_the_formatter_takes_its_decimals_from_the_ticks() -> None:
    pytest.importorskip("matplotlib")
    from snplan.output.charts._swedish_ticks import SwedishFormatter

    formatter = SwedishFormatter()
    formatter.set_locs([8000, 9000, 10000, 11000, 12000])
    assert formatter(12000) == f"12{NBSP}000"
    formatter.set_locs([0.0, 0.025, 0.05])
    assert formatter(0.05) == "0,050"


def test_months_as_in_the_tables() -> None:
    assert MONTHS == ["jan", "feb", "mar", "apr", "maj", "jun", "jul", "aug", "sep", "okt",
                      "nov", "dec"]


def test_a_chart_of_the_2023_report() -> None:
    from matplotlib import font_manager
    from PIL import Image

    group = monthly_view(load(DATA), "arsredovisning", "verksamhetsmatt", 2023)[0]
    chart = group_chart(figure_of(group, "verksamhetsmatt"))
    image = Image.open(io.BytesIO(chart.png))
    assert image.format == "PNG" and image.mode == "P"  # a palette: a third of the size
    assert image.size == (1050, int(round((1.9 + 0.7) * 150)))  # 7 in wide at 150 dpi
    assert chart.alt.startswith("Linjediagram, Ekonomiskt bistånd: månadsvärden per år "
                                "2021–2023")
    try:
        font_manager.findfont("Liberation Sans", fallback_to_default=False)
    except ValueError:
        pytest.skip("Liberation Sans is not installed")
    from snplan.output.charts import _font_family

    assert _font_family() in {"Arial", "Liberation Sans"}


def test_report_pictures_have_captions() -> None:
    from docx import Document

    from snplan.commands.rendering import DEFAULT_TEMPLATES, Settings, render_docx
    from snplan.documents import Target

    ds = load(DATA)
    data = render_docx(ds, Target(2023, "arsredovisning"),
                       Settings(out=DATA.parent / "unused", templates=DEFAULT_TEMPLATES))
    doc = Document(io.BytesIO(data))
    captions = [p.text for p in doc.paragraphs if p.style.name.lower() == "caption"]
    names = [g.name for g in monthly_view(ds, "arsredovisning", "verksamhetsmatt", 2023)]
    assert captions == [f"Figur {n}. {name}" for n, name in enumerate(names, start=1)]
    assert captions[0] == "Figur 1. Ekonomiskt bistånd"
