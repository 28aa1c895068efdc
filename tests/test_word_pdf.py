"""The done-when test of the Word layout: every document, rendered to PDF by LibreOffice, shows
every figure, date and word of every table whole on one line.

The check counts: a token (a figure cell as a whole, a date, a number, a word) that occurs N
times in the tables and text of the .docx must occur at least N times whole on a line of the
PDF's text. A token broken across two lines ("9 77" / "5", "Kö" / "n", "2021-10-" / "20")
is missing from the count. The PDF has more occurrences, never fewer, where headers and footers
and repeated table header rows print a text again. Words break only where the document allows
it: at spaces, after a hyphen between letters ("Barn-" / "och") and at soft hyphens, which the
tokens respect.

A table too wide for any page (where the writer has to let words break) is rendered as well, to
show that the check finds broken words when there are some."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
from collections import Counter
from pathlib import Path

import pytest
from docx import Document
from docx.oxml.ns import qn

from .word_trees import render

SOFT_HYPHEN = "\u00ad"
_NUMBER = re.compile(r"-?\d{1,3}(?:[ \u00a0]\d{3})+(?:,\d+)?(?: %)?|\d{4}-\d{2}-\d{2}")
_LETTER_HYPHEN = re.compile(r"(?<=[^\W\d_])-(?=[^\W\d_])")
_EDGE = re.compile(r"^[^\w%-]+|[^\w%]+$")


def _tools() -> tuple[str, str]:
    soffice = shutil.which("soffice") or shutil.which("libreoffice")
    pdftotext = shutil.which("pdftotext")
    if soffice is None or pdftotext is None:
        if os.environ.get("CI"):
            pytest.fail("LibreOffice and pdftotext are needed; .ci/run installs them")
        pytest.skip("LibreOffice or pdftotext is not installed")
    return soffice, pdftotext


def _normal(text: str) -> str:
    return text.replace("\u00a0", " ").replace("\u2011", "-")


def words(text: str) -> list[str]:
    """The tokens of a text that must never break: figures with their thousands spaces and
    dates whole, other words split where a line may break."""
    text = _normal(text)
    tokens = [m.group(0) for m in _NUMBER.finditer(text)]
    rest = _NUMBER.sub(" ", text)
    for word in rest.split():
        if SOFT_HYPHEN in word:
            continue  # may break at the soft hyphen by design
        for part in _LETTER_HYPHEN.split(word):
            part = _EDGE.sub("", part)
            if len(part) >= 2:
                tokens.append(part)
    return tokens


def expected_tokens(path: Path) -> tuple[Counter[str], set[str]]:
    """Every token of the document, counted; and the tokens that come from tables."""
    doc = Document(str(path))
    everything: Counter[str] = Counter()
    in_tables: set[str] = set()
    for paragraph in doc.paragraphs:
        everything.update(words(paragraph.text))
    for table in doc.tables:
        for row in table.rows:
            for cell in row.cells:
                nowrap = cell._tc.tcPr is not None and \
                    cell._tc.tcPr.find(qn("w:noWrap")) is not None
                for paragraph in cell.paragraphs:
                    text = _normal(paragraph.text)
                    # a figure cell never wraps: all of it is one token
                    found = [text.strip()] if nowrap and text.strip() else words(text)
                    everything.update(found)
                    in_tables.update(found)
    return everything, in_tables


def count_in_pdf(lines: list[str], token: str) -> int:
    # a figure must not be counted inside a longer one ("140,6" in "-140,6"); a word may follow
    # a hyphen ("Charlotte" in "Ann-Charlotte")
    before = r"(?<![\w,-])" if token[:1].isdigit() else r"(?<!\w)"
    pattern = re.compile(before + re.escape(token) + r"(?!\w)")
    return sum(len(pattern.findall(line)) for line in lines)


def broken_tokens(docx: Path, pdf: Path, pdftotext: str) -> list[str]:
    text = subprocess.run([pdftotext, "-layout", str(pdf), "-"], capture_output=True,
                          text=True, check=True).stdout
    lines = [_normal(line) for line in text.splitlines()]
    everything, in_tables = expected_tokens(docx)
    return sorted(f"{token!r}: {count_in_pdf(lines, token)} of {everything[token]}"
                  for token in in_tables if count_in_pdf(lines, token) < everything[token])


def _convert(soffice: str, files: list[Path], work: Path) -> dict[Path, Path]:
    """One LibreOffice run (with a profile of its own) for all documents."""
    sources = []
    for index, path in enumerate(files):
        # numbered names: two organisations both have an arsredovisning-2023
        source = work / "in" / f"{index:02d}-{path.name}"
        source.parent.mkdir(parents=True, exist_ok=True)
        shutil.copy(path, source)
        sources.append(source)
    subprocess.run([soffice, "--headless", f"-env:UserInstallation=file://{work / 'profile'}",
                    "--convert-to", "pdf", "--outdir", str(work / "out"),
                    *map(str, sources)], capture_output=True, check=True, timeout=900)
    result = {}
    for path, source in zip(files, sources, strict=True):
        pdf = work / "out" / (source.stem + ".pdf")
        assert pdf.is_file(), f"LibreOffice made no PDF of {path.name}"
        result[path] = pdf
    return result


@pytest.fixture(scope="module")
def rendered(tmp_path_factory: pytest.TempPathFactory, every_docx: list[Path]
             ) -> tuple[dict[Path, Path], str]:
    soffice, pdftotext = _tools()
    files = list(every_docx)  # a copy: the control document is added below
    # the control: 24 columns of long words cannot fit any page without breaking words
    wide = "| " + " | ".join(f"Kolumnrubrik{i}" for i in range(24)) + " |\n"
    wide += "|" + "---|" * 24 + "\n"
    wide += "| " + " | ".join("Verksamhetsuppföljning" for _ in range(24)) + " |\n"
    control = tmp_path_factory.mktemp("control") / "control.docx"
    control.write_bytes(render(wide))
    files.append(control)
    return _convert(soffice, files, tmp_path_factory.mktemp("pdf")), pdftotext


def test_every_document_is_checked(rendered: tuple[dict[Path, Path], str]) -> None:
    pdfs, _ = rendered
    assert len(pdfs) == 26  # every Word file (Exempelby 2023 now adds three) and the control


def test_every_figure_date_and_word_of_every_table_is_whole_on_a_line(
        rendered: tuple[dict[Path, Path], str]) -> None:
    pdfs, pdftotext = rendered
    report = {}
    for docx, pdf in pdfs.items():
        if docx.name == "control.docx":
            continue
        broken = broken_tokens(docx, pdf, pdftotext)
        if broken:
            report[f"{docx.parent.name}/{docx.name}"] = broken
    assert report == {}


def test_the_check_finds_broken_words(rendered: tuple[dict[Path, Path], str]) -> None:
    pdfs, pdftotext = rendered
    control = next(p for p in pdfs if p.name == "control.docx")
    broken = broken_tokens(control, pdfs[control], pdftotext)
    assert any(b.startswith("'Verksamhetsuppföljning'") for b in broken)


def test_monthly_figures_of_the_2023_report_are_in_the_pdf(
        rendered: tuple[dict[Path, Path], str]) -> None:
    """The row the issue found broken ("9 77 / 5"): Snittbidrag per månad, 2022, read whole
    from one line of the PDF (figures as the source's table of ÅR 2023 prints them)."""
    pdfs, pdftotext = rendered
    report = next(p for p in pdfs if p.name == "arsredovisning-2023.docx")
    text = _normal(subprocess.run([pdftotext, "-layout", str(pdfs[report]), "-"],
                                  capture_output=True, text=True, check=True).stdout)
    assert any(re.search(r"\b2022\s+9 775\s+8 458\s+11 830\s+8 096", line)
               for line in text.splitlines())
