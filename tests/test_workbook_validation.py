"""Every Excel workbook snplan builds is valid SpreadsheetML with nothing to warn of: an OOXML
validator (openxml-audit, the Open XML SDK's rules in Python) finds no error and no warning in
it, for Excel 2007 and for today's Excel, like the Word files (test_word_validation.py). Excel
answers schema errors with "we found a problem with some content — repair?", and it rewrites
every sheet of a workbook whose texts are inline on its next save.

A copy written the way openpyxl writes (font children out of order, texts inline) is checked
too, so the test shows the validator reads these files and would see the old faults."""

from __future__ import annotations

import io
import zipfile
from pathlib import Path

import pytest

from .conftest import DATA, EXEMPELBY, OTHER_ORG

audit = pytest.importorskip("openxml_audit")

FORMATS = [audit.FileFormat.OFFICE_2007, audit.FileFormat.OFFICE_2019]


@pytest.fixture(scope="module")
def workbooks(tmp_path_factory: pytest.TempPathFactory) -> list[Path]:
    """Every workbook of the shipped data and of both fixture organisations."""
    from snplan import documents
    from snplan.commands.rendering import DEFAULT_TEMPLATES, Settings, build_many
    from snplan.source.load import load

    files: list[Path] = []
    for name, data in (("solna", DATA), ("annan", OTHER_ORG), ("exempelby", EXEMPELBY)):
        out = tmp_path_factory.mktemp(f"xlsx-{name}")
        ds = load(data)
        build_many(ds, documents.all_targets(ds),
                   Settings(out=out, templates=DEFAULT_TEMPLATES), "xlsx")
        files += sorted(out.rglob("*.xlsx"))
    return files


def findings(path: Path, file_format: object) -> list[str]:
    """Every error and warning the validator reports for the file."""
    validator = audit.OpenXmlValidator(file_format=file_format, max_errors=0)
    result = validator.validate(str(path))
    return [f"{error.severity}: {error}" for error in result.errors]


def test_every_workbook_is_checked(workbooks: list[Path]) -> None:
    names = [p.name for p in workbooks]
    assert any(n.startswith("verksamhetsplan-") for n in names)
    assert any(n.startswith("arsredovisning-") for n in names)
    assert len(workbooks) == 10  # 4 shipped, 1 + 5 from the fixtures (Exempelby: period reports)


@pytest.mark.parametrize("file_format", FORMATS, ids=lambda f: f.value)
def test_no_findings(workbooks: list[Path], file_format: object) -> None:
    report = {p.name: found for p in workbooks if (found := findings(p, file_format))}
    assert report == {}


def test_texts_are_shared_and_fonts_in_schema_order(workbooks: list[Path]) -> None:
    with zipfile.ZipFile(workbooks[0]) as archive:
        names = archive.namelist()
        sheets = [archive.read(n) for n in names if n.startswith("xl/worksheets/sheet")]
        styles = archive.read("xl/styles.xml")
    assert "xl/sharedStrings.xml" in names
    assert not any(b'"inlineStr"' in sheet for sheet in sheets)
    assert b'<font><sz val="11"/><color theme="1"/><name val="Calibri"/>' in styles


def _as_openpyxl_wrote_it(source: Path, target: Path) -> Path:
    """`source` with the font of the default style in openpyxl's order (name, family,
    color, sz)."""
    with zipfile.ZipFile(source) as archive:
        parts = {n: archive.read(n) for n in archive.namelist()}
    ordered = b'<font><sz val="11"/><color theme="1"/><name val="Calibri"/><family val="2"/>'
    assert ordered in parts["xl/styles.xml"]
    parts["xl/styles.xml"] = parts["xl/styles.xml"].replace(
        ordered, b'<font><name val="Calibri"/><family val="2"/><color theme="1"/><sz val="11"/>')
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name, data in parts.items():
            archive.writestr(name, data)
    target.write_bytes(buffer.getvalue())
    return target


def test_the_validator_sees_the_old_faults(workbooks: list[Path], tmp_path: Path) -> None:
    broken = _as_openpyxl_wrote_it(workbooks[0], tmp_path / "broken.xlsx")
    assert any("font" in f for f in findings(broken, audit.FileFormat.OFFICE_2019))


def test_the_validator_warns_of_inline_texts(tmp_path: Path) -> None:
    """openpyxl's own output has inline texts; the validator warns of them."""
    from openpyxl import Workbook
    from openpyxl.writer.excel import ExcelWriter

    wb = Workbook()
    wb.active["A1"] = "text"
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        ExcelWriter(wb, archive).save()
    (tmp_path / "inline.xlsx").write_bytes(buffer.getvalue())
    found = findings(tmp_path / "inline.xlsx", audit.FileFormat.OFFICE_2019)
    assert any("inline" in f.lower() for f in found), found
