"""The PDFs snplan publishes, read back with pikepdf and poppler: tagged PDF/UA in sv-SE with
the title shown, alt text and header cells, every font embedded, tables of contents whose page
numbers are the pages the headings fall on, the same bytes from two builds, PDF/A on request,
clear messages when LibreOffice fails, and nothing left behind when a build is stopped.

Skipped when LibreOffice (or its Python bridge) is missing; CI installs both, and there a
missing LibreOffice fails instead of skipping.
"""

from __future__ import annotations

import hashlib
import os
import re
import shutil
import signal
import subprocess
import sys
import time
import zipfile
from pathlib import Path
from xml.etree import ElementTree

import pytest
from typer.testing import CliRunner

from snplan.cli import app
from snplan.errors import BuildError
from snplan.output import pdf

from .conftest import DATA, ROOT

runner = CliRunner()
TEMPLATES = str(ROOT / "templates")

_missing = pdf.unavailable()
if _missing is None and (shutil.which("pdftotext") is None or shutil.which("pdffonts") is None):
    _missing = "poppler-utils (pdftotext, pdffonts) is not installed"
if _missing is not None:
    if os.environ.get("CI"):  # CI has all of it (.ci/run installs it): missing is a failure
        pytest.fail(f"{_missing}; .ci/run and the lock files provide it", pytrace=False)
    pytest.skip(_missing, allow_module_level=True)
pikepdf = pytest.importorskip("pikepdf")

WORD = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
DRAWING = "{http://schemas.openxmlformats.org/drawingml/2006/wordprocessingDrawing}"
CORE = {"dc": "http://purl.org/dc/elements/1.1/", "dcterms": "http://purl.org/dc/terms/"}


def build(*args: str, out: Path) -> str:
    """A build whose PDF is LibreOffice's (the engine these tests are about)."""
    result = runner.invoke(app, ["build", *args, "--out", str(out), "--data", str(DATA),
                                 "--templates", TEMPLATES, "--pdf-engine", "libreoffice"])
    assert result.exit_code == 0, result.output
    return result.output


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, str]:
    """Every shipped document as PDF, with the Word files beside them to compare with."""
    out = tmp_path_factory.mktemp("pdf")
    output = build("--all", "--format", "pdf", out=out)
    build("--all", "--format", "docx", out=out)
    return out, output


@pytest.fixture(scope="module")
def pdfs(built: tuple[Path, str]) -> list[Path]:
    files = sorted(built[0].rglob("*.pdf"))
    assert len(files) == 15
    return files


def word_file(pdf_path: Path) -> Path:
    return pdf_path.with_suffix(".docx")


def word_title(pdf_path: Path) -> str:
    with zipfile.ZipFile(word_file(pdf_path)) as archive:
        core = ElementTree.fromstring(archive.read("docProps/core.xml"))
    return core.findtext("dc:title", namespaces=CORE) or ""


def structure(pdf_file: pikepdf.Pdf) -> list[pikepdf.Dictionary]:
    """Every element of the structure tree, in document order."""
    found: list[pikepdf.Dictionary] = []

    def walk(node: object) -> None:
        if isinstance(node, pikepdf.Array):
            for child in node:
                walk(child)
        elif isinstance(node, pikepdf.Dictionary) and "/S" in node:
            found.append(node)
            walk(node.get("/K"))

    walk(pdf_file.Root.StructTreeRoot.get("/K"))
    return found


def kind(element: pikepdf.Dictionary) -> str:
    return str(element.S)


def page_texts(path: Path) -> list[str]:
    """The text of each page, laid out (poppler separates pages with form feeds)."""
    text = subprocess.run(["pdftotext", "-layout", str(path), "-"], capture_output=True,
                          text=True, check=True).stdout
    return text.split("\f")[:-1]


_CONTENTS_LINE = re.compile(r"^\s*(\S.*?)\s*\.{4,}\s*(\d+)\s*$")


def contents(pages: list[str]) -> tuple[list[tuple[str, int]], int]:
    """The table of contents as (heading, page) and the last page it is on."""
    entries: list[tuple[str, int]] = []
    last = 0
    for number, text in enumerate(pages, start=1):
        lines = [m for line in text.splitlines() if (m := _CONTENTS_LINE.match(line))]
        if lines:
            entries += [(m.group(1), int(m.group(2))) for m in lines]
            last = number
        elif entries:
            break
    return entries, last


def has_heading(page: str, heading: str) -> bool:
    """Whether a line of the page is the heading (a long heading may take two lines)."""
    lines = [" ".join(line.split()) for line in page.splitlines()]
    return any(line == heading or f"{line} {after}" == heading
               for line, after in zip(lines, [*lines[1:], ""], strict=True))


# --- accessibility: PDF/UA -----------------------------------------------------------------


def test_every_pdf_is_tagged_pdf_ua_in_swedish_with_its_title(pdfs: list[Path]) -> None:
    for path in pdfs:
        with pikepdf.open(path) as document:
            root = document.Root
            assert "/StructTreeRoot" in root, path.name
            assert len(structure(document)) > 10, path.name
            assert root.MarkInfo.Marked is True, path.name
            assert str(root.Lang) == "sv-SE", path.name
            assert root.ViewerPreferences.DisplayDocTitle is True, path.name
            title = word_title(path)
            assert title and str(document.docinfo.Title) == title, path.name
            meta = document.open_metadata()
            assert meta["dc:title"] == title, path.name
            assert meta["pdfuaid:part"] == "1", path.name
        info = subprocess.run(["pdfinfo", str(path)], capture_output=True, text=True,
                              check=True).stdout
        assert re.search(r"^Tagged:\s+yes$", info, re.MULTILINE), path.name


def test_headings_are_tagged_and_bookmarked(pdfs: list[Path]) -> None:
    for path in pdfs:
        with pikepdf.open(path) as document:
            headings = [e for e in structure(document) if re.fullmatch(r"/H\d", kind(e))]
            with document.open_outline() as outline:
                bookmarks = list(outline.root)
            if "tjansteskrivelse" in path.name or "mbl" in path.name:
                continue  # memos and protocols may be too short for headings
            assert headings, path.name
            assert bookmarks, path.name


def test_every_figure_has_its_alt_text_once(pdfs: list[Path]) -> None:
    report = next(p for p in pdfs if p.name == "arsredovisning-2023.pdf")
    with zipfile.ZipFile(word_file(report)) as archive:
        body = ElementTree.fromstring(archive.read("word/document.xml"))
    alt_texts = [e.get("descr") for e in body.iter(f"{DRAWING}docPr")]
    assert len(alt_texts) >= 4 and all(alt_texts)
    for path in pdfs:
        with pikepdf.open(path) as document:
            figures = [e for e in structure(document) if kind(e) == "/Figure"]
            assert all(str(f.get("/Alt", "")).strip() for f in figures), path.name
            if path == report:
                assert [str(f.Alt) for f in figures] == alt_texts


def _header_flags(docx: Path) -> list[bool]:
    """For each table of a Word file in order: whether its first row is a header row
    (`w:tblHeader`). Signature blocks are tables for layout only and have none."""
    with zipfile.ZipFile(docx) as archive:
        body = ElementTree.fromstring(archive.read("word/document.xml"))
    flags = []
    for table in body.iter(f"{WORD}tbl"):
        first = table.find(f"{WORD}tr")
        flags.append(first is not None and first.find(f"{WORD}trPr/{WORD}tblHeader") is not None)
    return flags


def test_table_header_rows_are_header_cells(pdfs: list[Path]) -> None:
    tables_seen = 0
    for path in pdfs:
        expected = _header_flags(word_file(path))
        with pikepdf.open(path) as document:
            tables = [e for e in structure(document) if kind(e) == "/Table"]
            assert len(tables) == len(expected), path.name
            for element, has_header in zip(tables, expected, strict=True):
                tables_seen += 1
                rows = [r for r in _children(element) if kind(r) == "/TR"]
                first = [kind(c) for c in _children(rows[0])]
                if not has_header:  # a layout table (signatures): no cell claims to head
                    assert "/TH" not in first, (path.name, first)
                    continue
                assert first and set(first) == {"/TH"}, (path.name, first)
                for cell in _children(rows[0]):
                    attributes = cell.get("/A")
                    items = attributes if isinstance(attributes, pikepdf.Array) else [attributes]
                    assert any(a is not None and a.get("/Scope") == "/Column" for a in items)
    assert tables_seen > 50
    assert sum(flag for path in pdfs for flag in _header_flags(word_file(path))) > 50


def _children(element: pikepdf.Dictionary) -> list[pikepdf.Dictionary]:
    kids = element.get("/K")
    items = kids if isinstance(kids, pikepdf.Array) else [kids]
    return [k for k in items if isinstance(k, pikepdf.Dictionary) and "/S" in k]


# --- fonts ---------------------------------------------------------------------------------


def test_every_font_is_embedded_and_has_the_references_metrics(pdfs: list[Path]) -> None:
    for path in pdfs:
        listing = subprocess.run(["pdffonts", str(path)], capture_output=True, text=True,
                                 check=True).stdout.splitlines()[2:]
        assert listing, path.name
        names = []
        for line in listing:
            name, *_, emb, _sub, _uni, _obj, _gen = line.split()
            assert emb == "yes", (path.name, line)
            names.append(name.split("+")[-1])
        # The reference names Arial: the text is in Arial or its metric twin, and other fonts
        # appear only for symbols Arial lacks (bullets, assessment shapes).
        assert any(n.startswith(("Arial", "LiberationSans")) for n in names), names
        assert all(n.startswith(("Arial", "LiberationSans", "OpenSymbol", "DejaVuSans"))
                   for n in names), (path.name, names)


def test_the_build_says_which_font_stands_in_for_a_missing_one(
        built: tuple[Path, str]) -> None:
    listed = subprocess.run(["fc-list", ":family=Arial"], capture_output=True, text=True,
                            check=False).stdout
    if listed.strip():
        pytest.skip("Arial is installed here; nothing stands in for it")
    assert ("note: PDF: the font Arial is not installed; the PDFs are set in Liberation Sans, "
            "which has the same metrics") in built[1]


# --- tables of contents ----------------------------------------------------------------------


def test_contents_list_the_pages_where_the_headings_fall(pdfs: list[Path]) -> None:
    with_contents = 0
    for path in pdfs:
        pages = page_texts(path)
        entries, last = contents(pages)
        if path.stem.startswith(("verksamhetsplan", "arsredovisning")):
            assert len(entries) >= 10, path.name
        if not entries:
            continue
        with_contents += 1
        # Where each heading falls in the text: searched in order after the contents.
        page = last + 1
        for heading, listed in entries:
            while page <= len(pages) and not has_heading(pages[page - 1], heading):
                page += 1
            assert page <= len(pages), (path.name, heading)
            assert listed == page, (path.name, heading, listed, page)
        # And where the bookmarks of those headings point: the same pages. (The bookmarks
        # hold deeper headings too; a level-3 heading right under a level-1 one is nested
        # like a level-2 one, so they are matched by title, in order.)
        with pikepdf.open(path) as document, document.open_outline() as outline:
            marks = []
            pending = list(outline.root)
            while pending:
                mark = pending.pop(0)
                marks.append(mark)
                pending[:0] = mark.children
            titles = {heading for heading, _ in entries}
            targets = [(m.title, document.pages.index(pikepdf.Page(m.destination[0])) + 1)
                       for m in marks if m.title in titles]
        assert targets == entries, path.name
    assert with_contents == 4


# --- reproducible bytes ----------------------------------------------------------------------


def digests(directory: Path) -> dict[str, str]:
    return {str(p.relative_to(directory)): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(directory.rglob("*.pdf"))}


def test_two_builds_give_the_same_bytes(built: tuple[Path, str], tmp_path: Path,
                                        monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("TZ", "America/Los_Angeles")  # a clock elsewhere changes nothing
    again = tmp_path / "again"
    build("--all", "--format", "pdf", out=again)
    first, second = digests(built[0]), digests(again)
    assert len(first) == 15 and first == second


def test_dates_come_from_the_document_not_the_clock(pdfs: list[Path]) -> None:
    for path in pdfs:
        with zipfile.ZipFile(word_file(path)) as archive:
            core = ElementTree.fromstring(archive.read("docProps/core.xml"))
        created = core.findtext("dcterms:created", namespaces=CORE) or ""
        stamp = re.sub(r"\D", "", created)[:14]
        with pikepdf.open(path) as document:
            assert str(document.docinfo.CreationDate).startswith(f"D:{stamp}")
            assert str(document.docinfo.ModDate).startswith(f"D:{stamp}")
            meta = document.open_metadata()
            for key in ("xmp:CreateDate", "xmp:ModifyDate", "xmp:MetadataDate"):
                assert re.sub(r"\D", "", meta[key])[:14] == stamp, (path.name, key)
            ids = document.trailer.ID
            assert len(ids) == 2 and bytes(ids[0]) == bytes(ids[1])


def test_source_date_epoch_sets_the_dates(tmp_path: Path,
                                          monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1700000000")  # 2023-11-14 22:13:20 UTC
    build("mbl", "2022", "--format", "pdf", out=tmp_path)
    path = tmp_path / "2022" / "mbl-reviderad-verksamhetsplan-2022.pdf"
    with pikepdf.open(path) as document:
        assert str(document.docinfo.CreationDate) == "D:20231114221320+00'00'"
        assert document.open_metadata()["xmp:CreateDate"] == "2023-11-14T22:13:20Z"


# --- PDF/A for the archive -------------------------------------------------------------------


def test_pdfa_is_pdf_a_2b_and_still_pdf_ua(tmp_path: Path) -> None:
    build("vp", "2022", "--format", "pdfa", out=tmp_path)
    path = tmp_path / "2022" / "verksamhetsplan-2022.pdf"
    assert sorted(p.name for p in (tmp_path / "2022").iterdir()) == ["verksamhetsplan-2022.pdf"]
    with pikepdf.open(path) as document:
        meta = document.open_metadata()
        assert meta["pdfaid:part"] == "2" and meta["pdfaid:conformance"] == "B"
        assert meta["pdfuaid:part"] == "1"
        assert "/OutputIntents" in document.Root
        assert document.Root.MarkInfo.Marked is True


# --- failures --------------------------------------------------------------------------------


def test_a_document_libreoffice_cannot_open_is_named_with_its_reason(tmp_path: Path) -> None:
    memo = tmp_path / "word"
    build("mbl", "2022", "--format", "docx", out=memo)
    word = (memo / "2022" / "mbl-reviderad-verksamhetsplan-2022.docx").read_bytes()
    documents = [(tmp_path / "out" / "trasig.docx", b"PK\x03\x04 not really a Word file"),
                 (tmp_path / "out" / "hel.docx", word)]
    with pytest.raises(BuildError) as caught:
        pdf.convert(documents)
    [problem] = caught.value.problems
    assert problem.path == str(tmp_path / "out" / "trasig.pdf")
    assert problem.format().endswith(
        "trasig.pdf: cannot make the PDF: LibreOffice could not open the Word file")


def test_a_document_over_its_time_limit_is_named(tmp_path: Path,
                                                 monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("TMPDIR", str(tmp_path / "tmp"))
    (tmp_path / "tmp").mkdir()
    build("mbl", "2022", "--format", "docx", out=tmp_path / "word")
    word = (tmp_path / "word" / "2022" / "mbl-reviderad-verksamhetsplan-2022.docx").read_bytes()
    with pytest.raises(BuildError) as caught:
        pdf.convert([(tmp_path / "out" / "mbl.docx", word)], timeout=0.001)
    [problem] = caught.value.problems
    assert problem.format() == (f"{tmp_path / 'out' / 'mbl.pdf'}: cannot make the PDF: "
                                "LibreOffice did not finish converting it within 0.001 s")
    _assert_nothing_left(tmp_path / "tmp", [], [])


def test_without_the_python_bridge_the_message_says_what_to_install(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(pdf, "uno_python", lambda program: None)
    result = runner.invoke(app, ["build", "vp", "2022", "--format", "pdf", "--out",
                                 str(tmp_path), "--data", str(DATA), "--templates", TEMPLATES,
                                 "--pdf-engine", "libreoffice"])
    assert result.exit_code == 1
    assert "PDF needs LibreOffice's Python bridge" in result.output
    assert "apt-get install python3-uno" in result.output
    assert "Traceback" not in result.output and not (tmp_path / "2022").exists()
    result = runner.invoke(app, ["build", "--all", "--format", "all", "--out", str(tmp_path),
                                 "--data", str(DATA), "--templates", TEMPLATES,
                                 "--pdf-engine", "libreoffice"])
    assert result.exit_code == 0
    assert "skipped PDF (LibreOffice's Python bridge (python3-uno) is not installed)" in \
        result.output


# --- interrupted builds leave nothing behind -------------------------------------------------


def _cmdline(pid: int) -> bytes:
    try:
        return Path(f"/proc/{pid}/cmdline").read_bytes()
    except OSError:
        return b""


def _running(pid: int) -> bool:
    """Alive and not a zombie (a zombie has ended; only its exit status is left)."""
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return False
    return stat.rpartition(")")[2].split()[0] != "Z"


def _descendants(pid: int) -> dict[int, bytes]:
    parents: dict[int, int] = {}
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                stat = (entry / "stat").read_text()
            except OSError:
                continue
            parents[int(entry.name)] = int(stat.rpartition(")")[2].split()[1])
    found: dict[int, bytes] = {}
    frontier = [pid]
    while frontier:
        parent = frontier.pop()
        for child, of in parents.items():
            if of == parent and child not in found:
                found[child] = _cmdline(child)
                frontier.append(child)
    return found


def _sockets(pids: list[int]) -> list[str]:
    """Paths of the Unix sockets these processes hold (LibreOffice's pipes live in /tmp,
    whatever TMPDIR says)."""
    inodes = set()
    for pid in pids:
        for fd in Path(f"/proc/{pid}/fd").glob("*"):
            try:
                target = os.readlink(fd)
            except OSError:
                continue
            if target.startswith("socket:["):
                inodes.add(target[8:-1])
    table = Path("/proc/net/unix").read_text().splitlines()[1:]
    return [fields[7] for line in table if len(fields := line.split()) >= 8
            and fields[6] in inodes]


# How long the process tests wait for something to happen (LibreOffice to start, a stopped
# build's processes to end): a hang guard, far beyond what a busy machine needs, never a
# measure of speed.
PATIENCE = 180


def _assert_nothing_left(tmp: Path, processes: list[tuple[int, bytes]],
                         sockets: list[str]) -> None:
    deadline = time.monotonic() + PATIENCE
    while time.monotonic() < deadline:
        alive = [p for p, line in processes if _running(p) and _cmdline(p) == line]
        naming = [int(e.name) for e in Path("/proc").iterdir() if e.name.isdigit()
                  and str(tmp).encode() in _cmdline(int(e.name)) and _running(int(e.name))]
        kept = [s for s in sockets if os.path.lexists(s)]
        if not alive and not naming and not kept and not any(tmp.iterdir()):
            return
        time.sleep(0.2)
    raise AssertionError(f"left behind: processes {alive} {naming}, sockets {kept}, files "
                         f"{sorted(str(p) for p in tmp.rglob('*'))}")


def _conversion_under_way(snplan: subprocess.Popen[bytes], tmp: Path
                          ) -> tuple[list[tuple[int, bytes]], list[str]]:
    """The build's processes and LibreOffice's pipes once LibreOffice and its worker run
    (polled until then, within PATIENCE as a hang guard)."""
    deadline = time.monotonic() + PATIENCE
    processes: list[tuple[int, bytes]] = []
    sockets: list[str] = []
    while time.monotonic() < deadline and snplan.poll() is None:
        processes = list(_descendants(snplan.pid).items())
        office = [p for p, line in processes
                  if b"soffice.bin" in line and str(tmp).encode() in line]
        sockets = [s for s in _sockets([p for p, _ in processes]) if "OSL_PIPE" in s]
        running = {name for name in (b"pdf_watchdog", b"libreoffice_worker")
                   if any(name in line for _, line in processes)}
        if office and sockets and len(running) == 2 and len(processes) >= 4:
            return processes, sockets
        time.sleep(0.05)
    raise AssertionError(f"the conversion never got under way: processes {processes}, "
                         f"sockets {sockets}, build ended with {snplan.poll()}")


@pytest.mark.skipif(not Path("/proc/self/stat").exists(), reason="needs Linux /proc")
@pytest.mark.parametrize("stop", [signal.SIGTERM, signal.SIGKILL], ids=["SIGTERM", "SIGKILL"])
def test_stopping_a_build_during_conversion_leaves_nothing_behind(
        stop: signal.Signals, tmp_path: Path) -> None:
    tmp = tmp_path / "tmp"
    tmp.mkdir()
    env = {**os.environ, "TMPDIR": str(tmp)}
    command = [sys.executable, "-m", "snplan", "build", "--all",
               "--format", "pdf", "--out", str(tmp_path / "out"), "--data", str(DATA),
               "--templates", TEMPLATES, "--pdf-engine", "libreoffice"]
    snplan = subprocess.Popen(command, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    try:
        # conversion under way: the watchdog, LibreOffice (oosplash, soffice.bin) and the
        # worker running, and LibreOffice's pipes open (a killed LibreOffice leaves them in
        # /tmp); waited for, however long a busy machine takes to get there
        processes, sockets = _conversion_under_way(snplan, tmp)
        if stop == signal.SIGTERM:
            # snplan must clean up itself on SIGTERM: without the watchdog's help.
            [watchdog] = [p for p, line in processes if b"pdf_watchdog" in line]
            os.kill(watchdog, signal.SIGKILL)
        snplan.send_signal(stop)
        _, stderr = snplan.communicate(timeout=PATIENCE)
    finally:
        if snplan.poll() is None:
            snplan.kill()
    assert snplan.returncode == -stop
    assert b"Traceback" not in stderr
    _assert_nothing_left(tmp, processes, sockets)
    assert not (tmp_path / "out").exists() or not list((tmp_path / "out").rglob("*.pdf"))
