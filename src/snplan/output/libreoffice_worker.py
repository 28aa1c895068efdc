"""The LibreOffice side of PDF conversion: a script run by a Python that has LibreOffice's UNO
bridge (Debian's python3-uno, or the Python bundled with LibreOffice), never by snplan's own
interpreter, which cannot import `uno`. It imports nothing from snplan.

Why a UNO script and not `soffice --convert-to pdf`: plain conversion exports the table of
contents as Word last cached it (headings without page numbers), writes no PDF/UA, and gives
no way to time out one document. This script connects to the one LibreOffice that snplan
started for the build, and then, for each request on standard input (one JSON object a line:
`source`, `target`, `archive`), opens the Word file, updates the indexes and fields until the
contents stop changing, exports tagged PDF/UA (PDF/A-2b as well when `archive`), and answers on
standard output with one JSON line (`ok`, or `error` with LibreOffice's own words).

Usage: python3 libreoffice_worker.py PIPE-NAME CONNECT-TIMEOUT-SECONDS WORK-DIRECTORY
(the work directory is not used here; it is on the command line so that a watchdog can find
this process by it).
"""

from __future__ import annotations

import contextlib
import json
import sys
import time
import zipfile
from typing import Any
from xml.etree import ElementTree

import uno  # type: ignore[import-not-found]  # provided by python3-uno / LibreOffice
from com.sun.star.beans import PropertyValue  # type: ignore[import-not-found]
from com.sun.star.style.BreakType import PAGE_BEFORE  # type: ignore[import-not-found]

# How often the table of contents is regenerated at most: updating it can move headings to
# other pages (a contents list that grows by a line), so it is updated until it is stable.
INDEX_PASSES = 4


def _property(name: str, value: Any) -> PropertyValue:
    prop = PropertyValue()
    prop.Name = name
    prop.Value = value
    return prop


def _reply(**fields: Any) -> None:
    sys.stdout.write(json.dumps(fields, ensure_ascii=True) + "\n")
    sys.stdout.flush()


def _message(exc: BaseException) -> str:
    """LibreOffice's own words for a UNO exception (its `Message`), else Python's."""
    text = getattr(exc, "Message", "") or str(exc) or type(exc).__name__
    return " ".join(str(text).split())


def connect(pipe: str, timeout: float) -> Any:
    """The desktop of the LibreOffice listening on `pipe`, waiting for it to start."""
    local = uno.getComponentContext()
    resolver = local.ServiceManager.createInstanceWithContext(
        "com.sun.star.bridge.UnoUrlResolver", local)
    deadline = time.monotonic() + timeout
    while True:
        try:
            context = resolver.resolve(f"uno:pipe,name={pipe};urp;StarOffice.ComponentContext")
            break
        except Exception:  # NoConnectException until LibreOffice listens
            if time.monotonic() > deadline:
                raise
            time.sleep(0.1)
    return context.ServiceManager.createInstanceWithContext("com.sun.star.frame.Desktop",
                                                            context)


def _contents_text(doc: Any) -> str:
    indexes = doc.getDocumentIndexes()
    return "\n".join(indexes.getByIndex(i).getAnchor().getString()
                     for i in range(indexes.getCount()))


def update_indexes(doc: Any) -> int:
    """Regenerate every index (the table of contents, with page numbers) and refresh every
    field, until the indexes no longer change; returns the number of passes."""
    indexes = doc.getDocumentIndexes()
    if indexes.getCount() == 0:
        doc.getTextFields().refresh()
        return 0
    before = None
    for passes in range(1, INDEX_PASSES + 1):
        for i in range(indexes.getCount()):
            indexes.getByIndex(i).update()
        doc.getTextFields().refresh()
        doc.refresh()
        after = _contents_text(doc)
        if after == before:
            return passes
        before = after
    return INDEX_PASSES


def single_alt_text(doc: Any) -> None:
    """LibreOffice exports a figure's alternative text as "title - description". Word files
    written by snplan put the alt text in both (Word shows either, depending on its version),
    so a screen reader would read it twice: keep it once."""
    graphics = doc.getGraphicObjects()
    for name in graphics.getElementNames():
        graphic = graphics.getByName(name)
        if graphic.Title and graphic.Title == graphic.Description:
            graphic.Title = ""


_W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
_OFF = {"false", "0", "off"}


def heading_rows(path: str) -> list[tuple[int, str]]:
    """For each table of a Word file, in document order: how many rows on top are marked as
    heading rows (`w:tblHeader`), and the text of its first cell (to match LibreOffice's
    tables to these)."""
    try:
        with zipfile.ZipFile(path) as archive:
            body = ElementTree.fromstring(archive.read("word/document.xml"))
    except (OSError, KeyError, zipfile.BadZipFile, ElementTree.ParseError):
        return []
    found = []
    for table in body.iter(f"{_W}tbl"):
        count = 0
        for row in table.findall(f"{_W}tr"):
            mark = row.find(f"{_W}trPr/{_W}tblHeader")
            if mark is None or mark.get(f"{_W}val", "true") in _OFF:
                break
            count += 1
        cell = table.find(f"{_W}tr/{_W}tc")
        text = "".join(t.text or "" for t in cell.iter(f"{_W}t")) if cell is not None else ""
        found.append((count, " ".join(text.split())))
    return found


def _page_of(view: Any, cell: Any) -> int:
    view.gotoRange(cell.getText().getStart(), False)
    return int(view.getPage())


def _keep_chain_start(doc: Any, table: Any) -> Any:
    """What a page break before `table` goes on: the table, or the first of the paragraphs
    just before it that are kept with the next (a heading above the table goes along)."""
    items = []
    elements = doc.getText().createEnumeration()
    while elements.hasMoreElements():
        items.append(elements.nextElement())
    position = next((i for i, item in enumerate(items)
                     if item.supportsService("com.sun.star.text.TextTable")
                     and item.getName() == table.getName()), None)
    start = table
    if position is None:
        return start
    for item in reversed(items[:position]):
        if not (item.supportsService("com.sun.star.text.Paragraph") and item.ParaKeepTogether):
            break
        start = item
    return start


def restore_heading_rows(doc: Any, expected: list[tuple[int, str]]) -> None:
    """Give back the heading rows that LibreOffice dropped. When a table's heading rows land
    alone at the foot of a page, LibreOffice stops repeating them, and then neither repeats
    them on the next page nor tags them as header cells (TH) in the PDF. Such a table (with
    the headings kept with it) starts on the next page instead, and its heading rows are
    heading rows again, as the Word file says."""
    tables = doc.getTextTables()
    names = tables.getElementNames()
    if len(names) != len(expected):
        return  # cannot tell which table is which; leave LibreOffice's layout alone
    controller = doc.getCurrentController()
    view = controller.getViewCursor() if controller is not None else None
    for name, (count, first_text) in zip(names, expected, strict=True):
        table = tables.getByName(name)
        if count == 0 or table.getRows().getCount() <= count:
            continue
        if table.RepeatHeadline and table.HeaderRowCount == count:
            continue
        try:
            heading = table.getCellByPosition(0, 0)
            first_row = table.getCellByPosition(0, count)
        except Exception:  # an irregular table (merged cells): left as LibreOffice laid it out
            continue
        if " ".join(heading.getString().split()) != first_text:
            continue
        if view is not None and _page_of(view, heading) < _page_of(view, first_row):
            _keep_chain_start(doc, table).BreakType = PAGE_BEFORE
        table.HeaderRowCount = count
        table.RepeatHeadline = True


def filter_data(archive: bool) -> tuple[PropertyValue, ...]:
    """Export settings: tagged PDF/UA with the title shown, bookmarks from headings, every
    font embedded, pictures lossless; PDF/A-2b too for the archive."""
    settings = [
        ("UseTaggedPDF", True),
        ("PDFUACompliance", True),
        ("DisplayPDFDocumentTitle", True),
        ("ExportBookmarks", True),
        ("OpenBookmarkLevels", -1),
        ("EmbedStandardFonts", True),
        ("ExportNotes", False),
        ("ExportFormFields", False),
        ("UseLosslessCompression", True),
        ("ReduceImageResolution", False),
        ("SelectPdfVersion", 2 if archive else 0),
    ]
    return tuple(_property(name, value) for name, value in settings)


def convert(desktop: Any, source: str, target: str, archive: bool) -> dict[str, Any]:
    """One Word file to one PDF file; raises with LibreOffice's message, naming the stage."""
    stage = "open the Word file"
    # The filter is named so that a file that is not a Word document fails here instead of
    # being opened as plain text and exported as pages of garbage.
    load = (_property("Hidden", True), _property("FilterName", "MS Word 2007 XML"),
            _property("UpdateDocMode", 0), _property("MacroExecutionMode", 0))
    try:
        doc = desktop.loadComponentFromURL(uno.systemPathToFileUrl(source), "_blank", 0, load)
    except Exception as exc:
        raise RuntimeError(f"could not open the Word file: {_message(exc)}") from exc
    if doc is None:
        raise RuntimeError("could not open the Word file")
    try:
        stage = "prepare the document"
        single_alt_text(doc)
        restore_heading_rows(doc, heading_rows(source))
        stage = "update the table of contents"
        passes = update_indexes(doc)
        stage = "export the PDF"
        data = uno.Any("[]com.sun.star.beans.PropertyValue", filter_data(archive))
        store = (_property("FilterName", "writer_pdf_Export"), _property("FilterData", data))
        doc.storeToURL(uno.systemPathToFileUrl(target), store)
    except Exception as exc:
        raise RuntimeError(f"could not {stage}: {_message(exc)}") from exc
    finally:
        with contextlib.suppress(Exception):  # a document that will not close is dropped
            doc.close(True)
    return {"passes": passes}


def main(argv: list[str]) -> int:
    pipe, timeout = argv[1], float(argv[2])
    try:
        desktop = connect(pipe, timeout)
    except Exception as exc:  # reported to snplan, which names the cause
        _reply(ready=False, error=f"could not connect to LibreOffice: {_message(exc)}")
        return 1
    _reply(ready=True)
    for line in sys.stdin:
        request = json.loads(line)
        if request.get("quit"):
            break
        try:
            info = convert(desktop, request["source"], request["target"],
                           bool(request.get("archive")))
        except Exception as exc:  # every failure is an answer, not a crash
            _reply(ok=False, error=_message(exc))
        else:
            _reply(ok=True, **info)
    with contextlib.suppress(Exception):  # LibreOffice gone already is what was wanted
        desktop.terminate()
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
