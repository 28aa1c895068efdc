"""Rules between values that the models alone cannot express. Each rule is a plain function
from the loaded dataset to a list of problems carrying file and line (the beancount way):
every one runs, and the user sees every problem in one run."""

from __future__ import annotations

from collections.abc import Callable

from ..problems import Problem
from ..source.load import Dataset
from . import blocks, figures, ledger, protocol, references, text, typed_figures

Rule = Callable[[Dataset], list[Problem]]

RULES: tuple[Rule, ...] = (
    text.check_placeholders,
    text.check_xml_characters,
    text.check_prose_names,
    text.check_memos_complete,
    references.check_organisation,
    references.check_dispositions,
    references.check_period_outlines,
    references.check_year_matches_directory,
    blocks.check_blocks,
    references.check_matters,
    protocol.check_protocols,
    figures.check_figures_entered_once,
    figures.check_entered_totals,
    figures.check_same_totals,
    figures.check_figure_bounds,
    figures.check_field_values,
    typed_figures.check_typed_figures,
    ledger.check_ledger,
)


def run_all(ds: Dataset) -> list[Problem]:
    problems: list[Problem] = []
    for rule in RULES:
        problems.extend(rule(ds))
    return problems


__all__ = ["RULES", "run_all"]
