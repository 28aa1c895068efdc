"""Every block's own checks, whatever its type: each type says what is wrong with its
content that its model alone cannot see (what it refers to exists, values that cannot be
right), and this rule runs them over every block of every document."""

from __future__ import annotations

from ..blocks import REGISTRY
from ..blocks.base import Checked
from ..problems import Problem
from ..source.load import Dataset


def check_blocks(ds: Dataset) -> list[Problem]:
    if ds.organisation is None:
        return []
    problems: list[Problem] = []
    for document in ds.documents():
        for node in ds.disposition(document.kind).blocks():
            content = document.block(node.block or "")
            if content is not None:
                problems += REGISTRY[node.typ or "text"].check(
                    Checked(ds, document, node, content))
    return problems
