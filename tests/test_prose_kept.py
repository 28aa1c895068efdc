"""Prose texts read once across runs (`prose.kept`): what the rules say of a text and its
compiled code come from the user's cache when an earlier run made them, give the same
answers as a text read afresh, and a damaged entry is a miss."""

from __future__ import annotations

from collections.abc import Iterator
from decimal import Decimal
from pathlib import Path

import pytest

from snplan import messages
from snplan.prose import kept, rules, sandbox


def _forget() -> None:
    """What a new process knows: nothing held in memory."""
    rules.expression_refusals.cache_clear()
    sandbox._compiled.cache_clear()


@pytest.fixture
def cache(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    monkeypatch.setenv("SNPLAN_CACHE", "1")
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path))
    _forget()
    yield tmp_path / "snplan" / "prose"
    _forget()


def _render(text: str) -> str:
    env = sandbox.environment(None, "mkr", 1)
    return sandbox.render_string(env, text, {"netto": Decimal("-12.34")})


TEXT = "Nämndens resultat är {{ netto | abs | belopp }} mkr."


def test_a_text_is_compiled_once_then_read_from_the_cache(cache: Path,
                                                          monkeypatch: pytest.MonkeyPatch
                                                          ) -> None:
    assert _render(TEXT) == "Nämndens resultat är 12,3 mkr."
    assert len(list(cache.iterdir())) == 2  # the rules' answer and the code
    _forget()
    compiled = []
    monkeypatch.setattr(sandbox.ProseSandbox, "compile",
                        lambda self, *a, **k: compiled.append(a) or None)
    assert _render(TEXT) == "Nämndens resultat är 12,3 mkr."
    assert compiled == []  # the code came from the cache


def test_a_refused_text_is_refused_from_the_cache_too(cache: Path) -> None:
    text = "{{ netto.__class__ }}"
    first = rules.expression_refusals(text)
    assert first and "__class__" in first[0]
    _forget()
    assert rules.expression_refusals(text) == first
    with pytest.raises(sandbox.ExpressionError):
        _render(text)


def test_another_language_has_its_own_entries(cache: Path) -> None:
    text = "{{ netto.__class__ }}"
    english = rules.expression_refusals(text)
    _forget()
    messages.use("sv")
    try:
        swedish = rules.expression_refusals(text)
    finally:
        messages.use("en")
    assert swedish != english


def test_a_damaged_entry_is_a_miss(cache: Path) -> None:
    assert _render(TEXT).endswith("12,3 mkr.")
    for entry in cache.iterdir():
        entry.write_bytes(b"\x00not marshal")
    _forget()
    assert _render(TEXT) == "Nämndens resultat är 12,3 mkr."
    assert rules.expression_refusals("{{ netto }}") == ()


def test_nothing_is_kept_with_the_cache_off(cache: Path, monkeypatch: pytest.MonkeyPatch
                                            ) -> None:
    monkeypatch.setenv("SNPLAN_CACHE", "0")
    assert _render(TEXT).endswith("12,3 mkr.")
    assert not cache.exists()
    assert kept.load("refusals", TEXT) is None
