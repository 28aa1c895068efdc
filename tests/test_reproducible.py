"""Same data, same bytes, in every format: publishing from CI must not churn. The clock never
reaches a file; SOURCE_DATE_EPOCH, when set, is the time every file carries."""

from __future__ import annotations

import datetime as dt
import time
import zipfile
from pathlib import Path

import pytest
from docx import Document
from openpyxl import load_workbook

from snplan.commands.rendering import DEFAULT_TEMPLATES, Settings, build_many
from snplan.documents import Target
from snplan.source.load import load

from .conftest import DATA

TARGETS = [Target(2023, "arsredovisning"), Target(2022, "verksamhetsplan")]


def _build(out: Path, fmt: str) -> dict[str, bytes]:
    build_many(load(DATA), TARGETS, Settings(out=out, templates=DEFAULT_TEMPLATES), fmt)
    return {str(p.relative_to(out)): p.read_bytes() for p in sorted(out.rglob("*.*"))}


@pytest.mark.parametrize("fmt", ["docx", "xlsx", "md"])
def test_two_builds_a_second_apart_give_the_same_bytes(fmt: str, tmp_path: Path) -> None:
    first = _build(tmp_path / "a", fmt)
    time.sleep(1.1)  # zip entries and document properties have one-second resolution
    second = _build(tmp_path / "b", fmt)
    assert len(first) == 2 and all(name.endswith(f".{fmt}") for name in first)
    assert first == second


def test_source_date_epoch_is_the_time_in_every_office_file(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1700000000")  # 2023-11-14 22:13:20 UTC
    expected = dt.datetime(2023, 11, 14, 22, 13, 20)
    _build(tmp_path / "docx", "docx")
    _build(tmp_path / "xlsx", "xlsx")
    doc = Document(str(tmp_path / "docx" / "2023" / "arsredovisning-2023.docx"))
    assert doc.core_properties.modified.replace(tzinfo=None) == expected
    assert doc.core_properties.created.replace(tzinfo=None) == expected
    workbook = load_workbook(tmp_path / "xlsx" / "2023" / "arsredovisning-2023.xlsx")
    assert workbook.properties.modified == expected
    assert workbook.properties.created == expected
    with zipfile.ZipFile(tmp_path / "xlsx" / "2022" / "verksamhetsplan-2022.xlsx") as archive:
        assert {info.date_time for info in archive.infolist()} == {(1980, 1, 1, 0, 0, 0)}
