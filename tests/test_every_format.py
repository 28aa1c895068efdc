"""The same document in every format (issue 24, part 5): every shipped document is built in
Word, the Typst PDF, the web edition and Markdown, and every heading, paragraph and table
cell of the Word file is found in each of the others, in the same order.

Why the matching is as it is: the formats lay the same text out differently. A PDF breaks
lines (and may hyphenate), repeats a running header and "SID n (N)" on every page, and a
Markdown table puts pipes between its cells; so every text is compared with its whitespace,
hyphens, joiners and markup characters removed, the PDF's running heads and feet are taken
off first, and each Word text must follow the previous one (extra text in a format, such as
a table of contents or a chart's data table, is allowed; a missing or reordered one is not).
The PDF is read in the order its content stream draws the text (`pdftotext -raw`), which is
the order Typst lays it out: row by row, cell by cell.
"""

from __future__ import annotations

import io
import re
import shutil
import subprocess
import unicodedata
from collections import Counter
from dataclasses import dataclass

import docx
import pytest
from docx.oxml.ns import qn
from lxml import html as lxml_html

from snplan import documents
from snplan.commands.rendering import Settings, render_many
from snplan.source.load import load

from .conftest import DATA

FORMATS = ("docx", "pdf", "html", "md")
# Removed before comparing: every kind of space and line break, hyphens (a PDF's line may end
# in one that Word's text does not have), soft hyphens and joiners, Markdown's markup and its
# line breaks (<br>), and colons (a memo head's "Ärende:" is a label in the web edition's
# definition list, its punctuation the list's layout).
_NOISE = re.compile(r"<br\s*/?>|[\s\u00ad\u2010\u2011\u200b-\u200d\u2060\ufeff\-*_\\|#>`:]+")
# The paragraph styles of Word's table of contents (its heading and entries): navigation, not
# content (the Markdown rendition has none, a PDF's entries carry page numbers); the headings
# themselves are compared where they stand.
_TOC_STYLE = re.compile(r"TOC(\d|Heading)")
SIGNATURE_STYLE = "snplanUnderskrifter"


# A minus before a figure is a sign, not a hyphen: kept (as U+2212), so -1,3 and 1,3 differ.
_MINUS = re.compile(r"(?<!\w)[-\u2011\u2212](?=\d)")


def squeeze(text: str) -> str:
    return _NOISE.sub("", _MINUS.sub("\u2212", unicodedata.normalize("NFC", text)))


@dataclass(frozen=True)
class Item:
    """One text of the Word file and where it stands (for the message when it is missing)."""

    text: str
    where: str
    group: int | None = None  # the cells of a signature grid, found in any order


def word_items(data: bytes) -> list[Item]:
    """Headings, paragraphs and table cells of the Word body, in order (the table of contents'
    entries left out)."""
    body = docx.Document(io.BytesIO(data)).element.body
    items: list[Item] = []

    def text_of(element: object) -> str:
        """The text Word shows: its runs' texts, with the hyphen that never breaks (how the
        writer keeps a minus on its figure) and tabs and breaks as what they show."""
        shown = {qn("w:t"): None, qn("w:noBreakHyphen"): "-", qn("w:tab"): " ",
                 qn("w:br"): " ", qn("w:cr"): " "}
        return "".join((node.text or "") if shown[node.tag] is None else shown[node.tag]
                       for node in element.iter(*shown))  # type: ignore[attr-defined]

    def style_of(paragraph: object) -> str:
        found = paragraph.find(f"{qn('w:pPr')}/{qn('w:pStyle')}")  # type: ignore[attr-defined]
        return "" if found is None else str(found.get(qn("w:val")))

    for number, child in enumerate(body.iterchildren()):
        if child.tag == qn("w:p"):
            if _TOC_STYLE.fullmatch(style_of(child)):
                continue
            text = text_of(child)
            if squeeze(text):
                items.append(Item(text, f"paragraph {number} ({style_of(child) or 'Normal'})"))
        elif child.tag == qn("w:tbl"):
            style = child.find(f"{qn('w:tblPr')}/{qn('w:tblStyle')}")
            # Word lays signatures out as a grid (the sides side by side, row by row); the
            # web edition lists each side's signers in turn: the same texts, read per side
            grid = style is not None and style.get(qn("w:val")) == SIGNATURE_STYLE
            for r, row in enumerate(child.iterchildren(qn("w:tr"))):
                for c, cell in enumerate(row.iterchildren(qn("w:tc"))):
                    text = text_of(cell)
                    if squeeze(text):
                        items.append(Item(text, f"table at {number}, row {r + 1}, cell {c + 1}",
                                          number if grid else None))
    return items


def pdf_text(data: bytes) -> str:
    """The PDF's text in drawing order, without the lines that stand at the top or bottom of
    most pages (the running header and the page number)."""
    result = subprocess.run(["pdftotext", "-raw", "-enc", "UTF-8", "-", "-"], input=data,
                            capture_output=True, check=True)
    pages = [p.splitlines() for p in result.stdout.decode("utf-8").split("\f") if p.strip()]
    if len(pages) < 2:
        return "\n".join(line for page in pages for line in page)
    edges: Counter[str] = Counter()
    for page in pages:
        edges.update({_digitless(line) for line in page[:3] + page[-3:]})
    running = {line for line, count in edges.items() if count >= len(pages) * 0.6}
    kept = []
    for page in pages:
        for index, line in enumerate(page):
            edge = index < 3 or index >= len(page) - 3
            if not (edge and _digitless(line) in running):
                kept.append(line)
    return "\n".join(kept)


def _digitless(line: str) -> str:
    return re.sub(r"\d+", "#", line.strip())


def html_text(data: bytes) -> str:
    root = lxml_html.fromstring(data)
    for hidden in root.xpath("//style | //script"):
        hidden.getparent().remove(hidden)
    return " ".join(root.body.itertext())


# A table row that breaks across pages is drawn in pieces: the first page holds the start of
# each of its cells, the next the table's repeated header and then the rest. A PDF's cell may
# therefore be found in up to this many pieces, each at least MIN_PIECE characters but the
# last, each after the one before; the next text is looked for after the first piece.
MAX_PIECES = 4
MIN_PIECE = 12


def _longest_prefix(needle: str, haystack: str, start: int) -> tuple[int, int]:
    """The longest prefix of `needle` found at or after `start`, and where: a prefix found
    means every shorter one is, so the length is searched by halving."""
    low, high, at = 0, len(needle), start
    while low < high:
        middle = (low + high + 1) // 2
        found = haystack.find(needle[:middle], start)
        if found >= 0:
            low, at = middle, found
        else:
            high = middle - 1
    return low, at


def first_missing(items: list[Item], text: str, split_cells: bool = False
                  ) -> tuple[Item, str] | None:
    """The first Word text not found after the one before it, with what stands where it was
    looked for; None when all are there in order. With `split_cells` (the PDF) a table cell
    may be found in pieces (see MAX_PIECES)."""
    haystack = squeeze(text)
    position = 0
    index = 0
    while index < len(items):
        item = items[index]
        if item.group is not None:  # a signature grid: each cell after the grid's start
            members = [i for i in items[index:] if i.group == item.group]
            ends = []
            for member in members:
                found = haystack.find(squeeze(member.text), position)
                if found < 0:
                    return member, haystack[position:position + 160]
                ends.append(found + len(squeeze(member.text)))
            position, index = max(ends), index + len(members)
            continue
        index += 1
        needle = squeeze(item.text)
        found = haystack.find(needle, position)
        if found >= 0:
            position = found + len(needle)
            continue
        if not (split_cells and item.where.startswith("table")):
            return item, haystack[position:position + 160]
        rest, start, first_end = needle, position, None
        for _ in range(MAX_PIECES):
            length, at = _longest_prefix(rest, haystack, start)
            if length < min(MIN_PIECE, len(rest)):
                break
            rest, start = rest[length:], at + length
            first_end = start if first_end is None else first_end
            if not rest:
                break
        if rest or first_end is None:
            return item, haystack[position:position + 160]
        position = first_end
    return None


@pytest.fixture(scope="module")
def built() -> dict[str, dict[str, bytes]]:
    """Every shipped document in the four formats, rendered once from one resolved tree each
    (Typst for the PDF)."""
    if shutil.which("pdftotext") is None:
        pytest.skip("poppler-utils (pdftotext) is not installed")
    ds = load(DATA)
    settings = Settings(out=DATA.parent / "build-not-written")
    targets = documents.all_targets(ds)
    rendered = render_many(ds, [(t, FORMATS) for t in targets], settings)
    return {f"{t.year}/{t.filename}": rendered[t] for t in targets}


READERS = {"pdf": pdf_text, "html": html_text,
           "md": lambda data: data.decode("utf-8")}


def test_every_shipped_document_is_built(built: dict[str, dict[str, bytes]]) -> None:
    assert len(built) >= 15
    for name in ("2023/arsredovisning-2023", "2022/verksamhetsplan-2022",
                 "2022/mbl-reviderad-verksamhetsplan-2022",
                 "2023/tjansteskrivelse-arsredovisning-2023"):
        assert set(built[name]) == set(FORMATS), name


@pytest.mark.parametrize("fmt", ["pdf", "html", "md"])
def test_every_word_text_is_in_each_format_in_order(fmt: str,
                                                    built: dict[str, dict[str, bytes]]
                                                    ) -> None:
    failures = []
    for name, files in built.items():
        items = word_items(files["docx"])
        assert len(items) > 3, name
        missing = first_missing(items, READERS[fmt](files[fmt]), split_cells=fmt == "pdf")
        if missing is not None:
            item, there = missing
            failures.append(f"{name}.{fmt}: {item.where}: {item.text!r} not found; "
                            f"next there: {there!r}")
    assert failures == [], "\n".join(failures)


def test_the_matching_sees_a_missing_and_a_reordered_text() -> None:
    """The check itself: a figure dropped, or two texts swapped, is reported."""
    items = [Item("Intäkter", "a"), Item("51,0", "b"), Item("Kostnader", "c")]
    assert first_missing(items, "Intäk-\nter 51,0 | Kostna der") is None
    assert first_missing(items, "Intäkter 50,9 Kostnader")[0].where == "b"  # type: ignore[index]
    assert first_missing(items, "Intäkter Kostnader 51,0")[0].where == "c"  # type: ignore[index]
    assert first_missing([Item("-198,8", "a")], "198,8") is not None  # a sign is kept
    cell = [Item("Kontroll att utredningstider hålls", "table 1"), Item("Årligen", "table 2")]
    broken = "Kontroll att utred Årligen SID 2 (3) Kontrollmoment ningstider hålls"
    assert first_missing(cell, broken, split_cells=True) is None
    assert first_missing(cell, broken) is not None
    assert first_missing(cell, "Kontroll att utred Årligen", split_cells=True) is not None
    grid = [Item("För arbetsgivaren", "t", 1), Item("För facket", "t", 1), Item("Anna", "t", 1),
            Item("Bo", "t", 1), Item("Slut", "p")]
    assert first_missing(grid, "För arbetsgivaren Anna För facket Bo Slut") is None
    assert first_missing(grid, "För arbetsgivaren Anna För facket Slut")[0].text == "Bo"  # type: ignore[index]


# What the LibreOffice engine is checked on: a report, a plan, a memo and a protocol (each a
# conversion of a few seconds, so not all fifteen).
LIBREOFFICE = ("2023/arsredovisning-2023", "2022/verksamhetsplan-2022",
               "2023/tjansteskrivelse-arsredovisning-2023",
               "2022/mbl-reviderad-verksamhetsplan-2022")
# LibreOffice draws a symbol that its text font lacks (an assessment's ◆) in a run of its own
# after the text around it: symbols are compared by the Typst PDF, the web edition and the
# Markdown; here the words and figures around them.
_SYMBOLS = re.compile(r"[^\w\s,.;:%()\-\u2212\u2013–/§&'\"+]")


def test_the_libreoffice_pdf_holds_every_word_text_in_order(
        built: dict[str, dict[str, bytes]], tmp_path_factory: pytest.TempPathFactory) -> None:
    """The other PDF engine (`--pdf-engine libreoffice`, Word's own rendering of the same
    Word file) on a report, a plan, a memo and a protocol."""
    import os

    from typer.testing import CliRunner

    from snplan.cli import app

    if shutil.which("soffice") is None:
        if os.environ.get("CI"):
            pytest.fail("LibreOffice is not installed; .ci/run installs it")
        pytest.skip("LibreOffice is not installed")
    out = tmp_path_factory.mktemp("libreoffice")
    for request in (["ar", "2023"], ["vp", "2022"], ["mbl", "2022"],
                    ["ts", "2023", "--matter", "arsredovisning-2023"]):
        result = CliRunner().invoke(app, ["build", *request, "--format", "pdf",
                                          "--pdf-engine", "libreoffice", "--out", str(out)])
        assert result.exit_code == 0, result.output
    failures = []
    for name in LIBREOFFICE:
        items = [Item(_SYMBOLS.sub("", i.text), i.where, i.group)
                 for i in word_items(built[name]["docx"])]
        text = _SYMBOLS.sub("", pdf_text((out / f"{name}.pdf").read_bytes()))
        missing = first_missing([i for i in items if squeeze(i.text)], text, split_cells=True)
        if missing is not None:
            item, there = missing
            failures.append(f"{name}.pdf: {item.where}: {item.text!r} not found; "
                            f"next there: {there!r}")
    assert failures == [], "\n".join(failures)

