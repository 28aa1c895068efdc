"""A build of unchanged data starts from what an earlier build kept (`commands.kept`): its
plan and its resolved documents, so it writes without loading the data. What it writes is
byte for byte what a build from the data writes; any change to what a document is made from
makes it read the data again; a damaged entry is a miss; `SNPLAN_CACHE=0` keeps nothing."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest
from docx import Document as Docx
from typer.testing import CliRunner

from snplan import messages
from snplan.cli import app
from snplan.commands import build, kept, uptodate
from snplan.commands.settings import Settings
from snplan.source.cache import user_cache_dir

from .conftest import replace_in, snplan_in_a_process

REPORT = Path("2023") / "arsredovisning-2023.docx"


@pytest.fixture
def cache(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("SNPLAN_CACHE", "1")
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    return tmp_path / "cache"


def _request(data: Path, out: Path, **extra: object) -> build.Request:
    return build.Request(data=data, settings=Settings(out=out), kind="årsredovisning",
                         year=2023, force=True, **extra)  # type: ignore[arg-type]


def _never_load(monkeypatch: pytest.MonkeyPatch) -> None:
    def refuse() -> object:
        raise AssertionError("the data was loaded")

    monkeypatch.setattr(build, "_planning", refuse)


def _text(path: Path) -> str:
    return "\n".join(p.text for p in Docx(str(path)).paragraphs)


def test_a_forced_build_of_unchanged_data_writes_from_what_was_kept(
        data_copy: Path, tmp_path: Path, cache: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    build.run(_request(data_copy, tmp_path / "first"))
    assert len(list((cache / "snplan" / kept.DOCUMENTS).glob("*.pickle"))) == 1
    with monkeypatch.context() as patched:
        _never_load(patched)
        build.run(_request(data_copy, tmp_path / "kept"))
    monkeypatch.setenv("SNPLAN_CACHE", "0")
    build.run(_request(data_copy, tmp_path / "afresh"))
    assert (tmp_path / "kept" / REPORT).read_bytes() == \
        (tmp_path / "afresh" / REPORT).read_bytes()


def test_a_changed_data_file_is_read_again(data_copy: Path, tmp_path: Path, cache: Path,
                                           monkeypatch: pytest.MonkeyPatch) -> None:
    build.run(_request(data_copy, tmp_path / "out"))
    assert "fyra fältassistenter" in _text(tmp_path / "out" / REPORT)
    replace_in(data_copy / "2023" / "arsredovisning.yaml", "fyra fältassistenter",
               "fem fältassistenter", count=2)
    build.run(_request(data_copy, tmp_path / "out"))
    text = _text(tmp_path / "out" / REPORT)
    assert "fem fältassistenter" in text and "fyra fältassistenter" not in text


def test_a_new_style_reference_reuses_the_resolved_document(
        data_copy: Path, tmp_path: Path, cache: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The writers read the style reference; the resolved document does not depend on it."""
    build.run(_request(data_copy, tmp_path / "out"))
    before = (tmp_path / "out" / REPORT).read_bytes()
    shipped = Settings(out=tmp_path).templates / "reference.docx"
    other = tmp_path / "var-egen-mall.docx"
    other.write_bytes(shipped.read_bytes())
    with monkeypatch.context() as patched:
        _never_load(patched)
        again = build.Request(data=data_copy, settings=Settings(out=tmp_path / "x",
                                                                 reference=other),
                              kind="årsredovisning", year=2023, force=True)
        build.run(again)
    assert (tmp_path / "x" / REPORT).read_bytes() == before


def test_a_damaged_entry_is_a_miss(data_copy: Path, tmp_path: Path, cache: Path) -> None:
    build.run(_request(data_copy, tmp_path / "first"))
    for shelf in (kept.PLANS, kept.DOCUMENTS):
        for entry in (cache / "snplan" / shelf).glob("*.pickle"):
            entry.write_bytes(b"not a pickle")
    build.run(_request(data_copy, tmp_path / "second"))
    assert (tmp_path / "first" / REPORT).read_bytes() == \
        (tmp_path / "second" / REPORT).read_bytes()


def test_what_a_document_is_made_from_names_its_entry(data_copy: Path, tmp_path: Path,
                                                      cache: Path,
                                                      monkeypatch: pytest.MonkeyPatch) -> None:
    request = _request(data_copy, tmp_path / "out")

    def state() -> str | None:
        return kept.state(request, uptodate.contents(request))

    first = state()
    assert first is not None and state() == first
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1700000000")  # the documents' dates
    assert state() != first
    monkeypatch.delenv("SOURCE_DATE_EPOCH")
    messages.use("sv")  # a plan says in the messages' language what it skipped
    try:
        assert state() != first
    finally:
        messages.use("en")
    installed = tmp_path / "site-packages"
    installed.mkdir()
    monkeypatch.setattr(sys, "path", [*sys.path, str(installed)])
    with_packages = state()
    (installed / "babel-9.9.dist-info").mkdir()  # a package installed or upgraded
    assert state() != with_packages
    monkeypatch.setenv("SNPLAN_CACHE", "0")
    assert state() is None
    assert not (cache / "snplan" / kept.PLANS).exists()


def test_a_kept_build_imports_neither_the_model_nor_pydantic(data_copy: Path, tmp_path: Path,
                                                            cache: Path) -> None:
    args = ["build", "ar", "2023", "--force", "--out", str(tmp_path / "out"), "--data",
            str(data_copy)]
    watched = ("pydantic", "yaml", "jinja2", "snplan.model", "snplan.documents")
    first = snplan_in_a_process(args, watched)
    assert "wrote" in first.stdout and "'pydantic'" in first.stdout, first
    again = snplan_in_a_process(args, watched)
    assert "imported: []" in again.stdout, again
    assert user_cache_dir(kept.DOCUMENTS).is_relative_to(cache)


def test_a_kept_plan_still_says_what_it_skipped(data_copy: Path, tmp_path: Path, cache: Path,
                                                monkeypatch: pytest.MonkeyPatch) -> None:
    assert CliRunner().invoke(app, ["new", "2024", "--data", str(data_copy)]).exit_code == 0
    request = build.Request(data=data_copy, settings=Settings(out=tmp_path / "out"),
                            force=True)
    first = build.run(request)
    assert [s for s in first.skipped if s.startswith("Verksamhetsplan och budget 2024: ")]
    with monkeypatch.context() as patched:
        _never_load(patched)
        again = build.run(request)
    assert again.skipped == first.skipped
    assert len(again.unchanged) == len(first.written) == 15
