"""Every Word document snplan builds is valid WordprocessingML: an OOXML schema validator
(openxml-audit, the Open XML SDK's rules in Python) finds nothing in it, for Word 2007 (the
first edition of the schema) and for today's Word. Word answers a file with schema findings
with "unreadable content — repair?", which a municipality cannot publish.

A deliberately broken copy is checked too, so that the test shows the validator reads our
files and would fail on the faults the previous writer made."""

from __future__ import annotations

import io
import zipfile
from pathlib import Path

import pytest

audit = pytest.importorskip("openxml_audit")

FORMATS = [audit.FileFormat.OFFICE_2007, audit.FileFormat.OFFICE_2019]


@pytest.fixture(scope="module")
def built(every_docx: list[Path]) -> list[Path]:
    return every_docx


def _findings(path: Path, file_format: object) -> list[str]:
    validator = audit.OpenXmlValidator(file_format=file_format, max_errors=0)
    return [str(error) for error in validator.validate(str(path)).errors]


def test_every_kind_of_document_is_checked(built: list[Path]) -> None:
    names = [p.name for p in built]
    for kind in ("verksamhetsplan-", "arsredovisning-", "tjansteskrivelse-", "mbl-"):
        assert any(n.startswith(kind) for n in names), kind
    assert len(built) == 25  # 15 shipped, 2 + 8 from the fixtures (Exempelby: period reports)


@pytest.mark.parametrize("file_format", FORMATS, ids=lambda f: f.value)
def test_no_schema_findings(built: list[Path], file_format: object) -> None:
    report = {p.name: found for p in built if (found := _findings(p, file_format))}
    assert report == {}


def _rewritten(source: Path, target: Path, old: bytes, new: bytes) -> Path:
    with zipfile.ZipFile(source) as archive:
        parts = {n: archive.read(n) for n in archive.namelist()}
    assert old in parts["word/document.xml"]
    parts["word/document.xml"] = parts["word/document.xml"].replace(old, new, 1)
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name, data in parts.items():
            archive.writestr(name, data)
    target.write_bytes(buffer.getvalue())
    return target


def test_the_validator_sees_the_old_faults(built: list[Path], tmp_path: Path) -> None:
    report = next(p for p in built if p.name == "arsredovisning-2023.docx")
    # what python-docx's proxies wrote: w:val="true" on a header row (on/off-only type) and
    # a table layout after the cell margins (out of the schema's order)
    on_off = _rewritten(report, tmp_path / "on-off.docx", b"<w:tblHeader/>",
                        b'<w:tblHeader w:val="true"/>')
    assert any("tblHeader" in f for f in _findings(on_off, audit.FileFormat.OFFICE_2019))
    order = _rewritten(report, tmp_path / "order.docx",
                       b'<w:tblLayout w:type="fixed"/><w:tblCellMar>',
                       b'<w:tblCellMar>')
    order = _rewritten(order, tmp_path / "order2.docx", b"</w:tblCellMar>",
                       b'</w:tblCellMar><w:tblLayout w:type="fixed"/>')
    assert any("tblLayout" in f for f in _findings(order, audit.FileFormat.OFFICE_2019))
