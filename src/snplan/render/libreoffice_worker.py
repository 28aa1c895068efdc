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
from typing import Any

import uno  # type: ignore[import-not-found]  # provided by python3-uno / LibreOffice
from com.sun.star.beans import PropertyValue  # type: ignore[import-not-found]

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
    load = (_property("Hidden", True), _property("UpdateDocMode", 0),
            _property("MacroExecutionMode", 0))
    doc = desktop.loadComponentFromURL(uno.systemPathToFileUrl(source), "_blank", 0, load)
    if doc is None:
        raise RuntimeError("LibreOffice could not open the Word file")
    try:
        stage = "update the table of contents"
        passes = update_indexes(doc)
        single_alt_text(doc)
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
