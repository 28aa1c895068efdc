"""Measuring text and laying out tables, checked against hand calculation.

Arial's advance widths (Adobe's metrics, per 1000 em): digits 556, space and no-break space
278, comma 278, hyphen 333; bold digits 556. Liberation Sans, whose widths snplan ships, has the
same widths at 2048 units to the em (digits 1139)."""

from __future__ import annotations

import pytest

from snplan.output.layout import CellText, TextSetting, plan_table, segments
from snplan.output.textwidth import family_for, metrics

NBSP = "\u00a0"


def test_widths_of_figures_in_arial() -> None:
    arial = metrics("Arial")
    # "9 775" at 9 pt: (4 × 556 + 278) / 1000 × 9 = 22,518 pt (1139 and 569 of 2048: 22,52)
    assert arial.text(f"9{NBSP}775", 9) == pytest.approx(22.518, abs=0.01)
    # "-140,6" at 10 pt: (333 + 4 × 556 + 278) / 1000 × 10 = 28,35 pt
    assert arial.text("-140,6", 10) == pytest.approx(28.35, abs=0.02)
    assert metrics("Arial", bold=True).text("2023", 10) == pytest.approx(22.24, abs=0.01)


def test_fonts_are_measured_by_their_metric_twin() -> None:
    assert family_for("Arial") == family_for("Liberation Sans") == "Liberation Sans"
    assert family_for("Calibri") == "Carlito"
    assert family_for("Times New Roman") == "Liberation Serif"
    assert family_for("Garamond") == "Liberation Sans"  # an approximation, said so
    # Calibri's digits are narrower than Arial's: 1038 of 2048 em
    assert metrics("Calibri").text("0", 2048) == 1038


@pytest.mark.parametrize("text, pieces", [
    ("Budget\u00adavvikelse", ["Budget-", "avvikelse"]),
    ("Barn- och ungdom", ["Barn-", "och", "ungdom"]),
    ("Barn-och-ungdom", ["Barn", "och", "ungdom"]),
    ("2021-10-20 verkställs", ["2021-10-20", "verkställs"]),
    (f"9{NBSP}775", [f"9{NBSP}775"]),
])
def test_where_a_line_may_break(text: str, pieces: list[str]) -> None:
    assert segments(text) == pieces


def _setting() -> TextSetting:
    return TextSetting(body=metrics("Arial"), head=metrics("Arial", True),
                       body_bold=metrics("Arial", True), size=9, head_size=9,
                       body_style=None, head_style=None, line_twips=9 * 20 * 1.15)


def test_widths_fill_the_page_and_figures_get_their_width() -> None:
    rows = [[CellText(("Periodutfall",), False, True), CellText(("2023",), False, True)],
            [CellText(("Antal årsarbetare i snitt",), False, False),
             CellText(("216,4",), True, False)]]
    layout = plan_table(rows, 1, 2, [_setting()], 108, 9072, 14004)
    assert sum(layout.widths) == 9072
    # "216,4": (4 × 556 + 278) / 1000 × 9 pt = 22,5 pt = 450 twips, and two margins of 108
    assert layout.widths[1] >= 450 + 216
    assert not layout.landscape and not layout.squeezed


def test_a_table_no_page_can_hold_is_squeezed_on_a_landscape_page() -> None:
    word = "Verksamhetsuppföljning"
    rows = [[CellText((word,), False, False) for _ in range(24)] for _ in range(2)]
    layout = plan_table(rows, 1, 24, [_setting()], 108, 9072, 14004)
    assert layout.landscape and layout.squeezed
    assert sum(layout.widths) == 14004
