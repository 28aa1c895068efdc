"""PDF from the Word files, fit to publish: tagged PDF/UA with sv-SE and the title shown,
bookmarks from the headings, alt text on figures, header cells tagged as headers; tables of
contents with page numbers; every font embedded; the same bytes from the same input; PDF/A-2b
as well for the archive.

Why it is built this way:

- LibreOffice does the layout, through a UNO script (`libreoffice_worker.py`) and not plain
  `soffice --convert-to`, which neither updates the table of contents (the PDF would list the
  headings without page numbers) nor writes PDF/UA, and cannot time out one document.
- One LibreOffice per build, with a profile directory of its own, so builds running side by side
  (or a user's open LibreOffice) do not meet; a time limit per document; a failure is a Problem
  naming the document with LibreOffice's own words, never a traceback.
- LibreOffice stamps the wall clock and a random /ID into every PDF; pikepdf then sets the dates
  (Info and XMP) to the Word file's own timestamp (the data's date, or SOURCE_DATE_EPOCH) and the
  /ID to a digest of the content, so two builds give the same bytes.
- Nothing stays behind when snplan is stopped: SIGTERM and SIGHUP stop LibreOffice and remove
  the temporary directory before snplan ends; for SIGKILL, which no process can catch,
  a watchdog (`pdf_watchdog.py`) does the same when snplan's end closes its pipe.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import functools
import importlib.util
import io
import json
import os
import re
import select
import shutil
import signal
import subprocess
import sys
import threading
import time
import zipfile
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from xml.etree import ElementTree

from ..errors import BuildError, DataError
from ..messages import _
from ..problems import Problem
from . import pdf_watchdog

PDF_FORMATS = frozenset({"pdf", "pdfa"})
# Seconds. The largest shipped document converts in about a second; a document that takes
# minutes has made LibreOffice hang, and an unattended build must end.
DOCUMENT_TIMEOUT = 180.0
STARTUP_TIMEOUT = 120.0
_HERE = Path(__file__).resolve().parent
WORKER = _HERE / "libreoffice_worker.py"
WATCHDOG = _HERE / "pdf_watchdog.py"

# Fonts with the same metrics as the fonts Word documents name, and the Debian package of each:
# with one of these installed, LibreOffice breaks lines and pages as Word does.
METRIC_TWINS: dict[str, tuple[tuple[str, ...], str]] = {
    "arial": (("Liberation Sans", "Arimo"), "fonts-liberation"),
    "helvetica": (("Liberation Sans", "Arimo"), "fonts-liberation"),
    "times new roman": (("Liberation Serif", "Tinos"), "fonts-liberation"),
    "courier new": (("Liberation Mono", "Cousine"), "fonts-liberation"),
    "calibri": (("Carlito",), "fonts-crosextra-carlito"),
    "cambria": (("Caladea",), "fonts-crosextra-caladea"),
}


class PdfUnavailable(DataError):
    """PDF output was asked for but LibreOffice (or its Python bridge, or pikepdf) is not
    installed."""


@dataclass
class Converted:
    """The PDF files of a build, and notes for the user (such as a substituted font)."""

    files: list[tuple[Path, bytes]] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)


def soffice() -> str | None:
    return shutil.which("soffice") or shutil.which("libreoffice")


@functools.cache
def _imports_uno(python: str) -> bool:
    try:
        result = subprocess.run([python, "-c", "import uno"], capture_output=True, timeout=30,
                                check=False)
    except (OSError, subprocess.TimeoutExpired):
        return False
    return result.returncode == 0


def uno_python(program: str) -> str | None:
    """A Python that can import LibreOffice's `uno`: SNPLAN_UNO_PYTHON when set, the Python
    bundled with LibreOffice (Windows and macOS builds, The Document Foundation's packages),
    the system's python3 (Debian's python3-uno)."""
    candidates = [os.environ.get("SNPLAN_UNO_PYTHON", "")]
    program_dir = Path(program).resolve().parent
    candidates += [str(program_dir / "python"), str(program_dir / "python.exe"),
                   "/usr/bin/python3", shutil.which("python3") or ""]
    for candidate in candidates:
        if candidate and Path(candidate).is_file() and _imports_uno(candidate):
            return candidate
    return None


def unavailable() -> str | None:
    """Why PDF cannot be made here, in a few words; None when it can."""
    program = soffice()
    if program is None:
        return _("LibreOffice is not installed")
    if uno_python(program) is None:
        return _("LibreOffice's Python bridge (python3-uno) is not installed")
    if importlib.util.find_spec("pikepdf") is None:
        return _("the Python package pikepdf is not installed")
    return None


def require() -> tuple[str, str]:
    """LibreOffice and a Python with its bridge, or PdfUnavailable saying what to install."""
    program = soffice()
    if program is None:
        raise PdfUnavailable(_("PDF needs LibreOffice (soffice), which is not installed; install "
                               "it (Debian: apt-get install libreoffice-writer-nogui python3-uno "
                               "fonts-liberation) or build --format docx"))
    python = uno_python(program)
    if python is None:
        raise PdfUnavailable(_("PDF needs LibreOffice's Python bridge, which updates the table "
                               "of contents before export, and it is not installed; install it "
                               "(Debian: apt-get install python3-uno) or build --format docx"))
    if importlib.util.find_spec("pikepdf") is None:
        raise PdfUnavailable(_("PDF needs the Python package pikepdf (a dependency of snplan), "
                               "which is not installed in snplan's environment; reinstall snplan "
                               "(make install) or build --format docx"))
    return program, python


# --- the conversion ------------------------------------------------------------------------


class _Terminated(BaseException):
    """SIGTERM or SIGHUP arrived during conversion; raised so that clean-up runs."""

    def __init__(self, signum: int) -> None:
        super().__init__(signum)
        self.signum = signum


_STOP_SIGNALS = (signal.SIGTERM, signal.SIGHUP)


@contextlib.contextmanager
def _signals_raise() -> Iterator[None]:
    """While converting, SIGTERM and SIGHUP raise (so that LibreOffice is stopped and the
    temporary directory removed); afterwards the signal is delivered again as it would have
    been, so snplan still ends the way the sender meant."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return

    def handler(signum: int, _frame: object) -> None:
        raise _Terminated(signum)

    # A signal the caller ignores (nohup ignores SIGHUP) stays ignored.
    previous = {signum: signal.signal(signum, handler) for signum in _STOP_SIGNALS
                if signal.getsignal(signum) is not signal.SIG_IGN}
    try:
        yield
    except _Terminated as exc:
        for signum, old in previous.items():
            signal.signal(signum, old)
        previous = {}
        signal.raise_signal(exc.signum)
        raise SystemExit(128 + exc.signum) from None
    finally:
        for signum, old in previous.items():
            signal.signal(signum, old)


@contextlib.contextmanager
def _signals_blocked() -> Iterator[None]:
    """Clean-up runs to its end; a stop signal that arrives meanwhile is delivered after."""
    blocked = {signal.SIGINT, *_STOP_SIGNALS}
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    old = signal.pthread_sigmask(signal.SIG_BLOCK, blocked)
    try:
        yield
    finally:
        signal.pthread_sigmask(signal.SIG_SETMASK, old)


class _OfficeError(Exception):
    """LibreOffice failed; `fatal` when it can convert nothing more in this build."""

    def __init__(self, message: str, fatal: bool = False) -> None:
        super().__init__(message)
        self.fatal = fatal


def _exited(pid: int) -> int | None:
    """The exit status of a child that has ended, without reaping it (so that its id, which
    is also its process group's, cannot be reused while snplan may still signal the group)."""
    try:
        info = os.waitid(os.P_PID, pid, os.WEXITED | os.WNOHANG | os.WNOWAIT)
    except ChildProcessError:
        return -1
    if info is None or info.si_pid == 0:
        return None
    return info.si_status if info.si_code == os.CLD_EXITED else -info.si_status


def _tail(path: Path, limit: int = 600) -> str:
    """The end of a log, on one line, without the warning every headless start prints
    (LibreOffice looks for Java, which converting does not need)."""
    try:
        text = path.read_bytes()[-4000:].decode("utf-8", "replace")
    except OSError:
        return ""
    lines = [line for line in text.splitlines() if "javaldx" not in line]
    return " ".join(" ".join(lines).split())[-limit:]


class _LibreOffice:
    """One LibreOffice for one build, with its worker and watchdog; a context manager whose
    exit leaves no process and no temporary directory."""

    def __init__(self, program: str, python: str, startup_timeout: float) -> None:
        self.program = program
        self.python = python
        self.startup_timeout = startup_timeout
        self.watchdog: subprocess.Popen[bytes] | None = None
        self.office: subprocess.Popen[bytes] | None = None
        self.worker: subprocess.Popen[bytes] | None = None
        self.work: Path | None = None
        self.broken = False  # LibreOffice stopped answering: it is killed, not asked to quit
        self._buffer = b""

    # starting

    def __enter__(self) -> _LibreOffice:
        try:
            self._start()
        except BaseException:
            with _signals_blocked():
                self._stop(gracefully=False)
            raise
        return self

    def __exit__(self, kind: type[BaseException] | None, *_: object) -> None:
        # After a failure or a stop signal LibreOffice is not waited for.
        with _signals_blocked():
            self._stop(gracefully=kind is None and not self.broken)

    def _start(self) -> None:
        self.watchdog = subprocess.Popen(
            [sys.executable, "-I", str(WATCHDOG)], stdin=subprocess.PIPE,
            stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, start_new_session=True)
        assert self.watchdog.stdout is not None
        line = self.watchdog.stdout.readline().decode().strip()
        self.watchdog.stdout.close()
        if not line or not Path(line).is_dir():
            raise _OfficeError(_("could not create a temporary directory for LibreOffice"),
                               fatal=True)
        self.work = Path(line)
        pipe = f"snplan-{os.getpid()}-{self.work.name}"
        profile = (self.work / "profile").as_uri()
        # LibreOffice's own temporary files (lu*.tmp) go inside the work directory too, so
        # that removing it removes them even when LibreOffice was killed.
        (self.work / "tmp").mkdir()
        env = {**os.environ, "TMPDIR": str(self.work / "tmp")}
        with open(self.work / "libreoffice.log", "wb") as log:
            self.office = subprocess.Popen(
                [self.program, "--headless", "--invisible", "--nologo", "--norestore",
                 "--nodefault", "--nolockcheck", "--nofirststartwizard",
                 f"-env:UserInstallation={profile}",
                 f"--accept=pipe,name={pipe};urp;StarOffice.ComponentContext"],
                stdin=subprocess.DEVNULL, stdout=log, stderr=log, env=env, process_group=0)
        self._tell_watchdog(f"group {self.office.pid}")
        with open(self.work / "worker.log", "wb") as log:
            self.worker = subprocess.Popen(
                [self.python, str(WORKER), pipe, str(self.startup_timeout), str(self.work)],
                stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=log, env=env,
                process_group=0)
        self._tell_watchdog(f"group {self.worker.pid}")
        answer = self._answer(self.startup_timeout + 10, "starting")
        if not answer.get("ready"):
            raise _OfficeError(_("LibreOffice did not start: {error} {said}").format(
                                   error=answer.get('error', ''), said=self._said()).strip(),
                                   fatal=True)

    def _tell_watchdog(self, line: str) -> None:
        if self.watchdog is not None and self.watchdog.stdin is not None:
            with contextlib.suppress(OSError):
                self.watchdog.stdin.write((line + "\n").encode())
                self.watchdog.stdin.flush()

    def _said(self) -> str:
        """What LibreOffice and the worker wrote to their logs, for a message."""
        if self.work is None:
            return ""
        said = " ".join(filter(None, (_tail(self.work / "libreoffice.log"),
                                      _tail(self.work / "worker.log"))))
        return f"(LibreOffice said: {said})" if said else ""

    # converting

    def _answer(self, timeout: float, what: str) -> dict[str, Any]:
        """The worker's next line, waiting at most `timeout` seconds."""
        assert self.worker is not None and self.worker.stdout is not None
        fd = self.worker.stdout.fileno()
        deadline = time.monotonic() + timeout
        while b"\n" not in self._buffer:
            left = deadline - time.monotonic()
            if left <= 0:
                raise _OfficeError(_("LibreOffice did not finish {what} within {timeout:g} s")
                    .format(
                                       what=what, timeout=timeout),
                                   fatal=True)
            ready, _unused, _unused = select.select([fd], [], [], min(left, 0.5))
            if not ready:
                status = _exited(self.office.pid) if self.office is not None else None
                if status is not None:
                    raise _OfficeError(_("LibreOffice stopped (exit status {status}) {said}")
                        .format(
                                           status=status, said=self._said()).strip(), fatal=True)
                continue
            chunk = os.read(fd, 65536)
            if not chunk:
                raise _OfficeError(f"LibreOffice's worker stopped {self._said()}".strip(),
                                   fatal=True)
            self._buffer += chunk
        line, _unused, self._buffer = self._buffer.partition(b"\n")
        try:
            return json.loads(line)
        except ValueError:
            raise _OfficeError(_("unexpected answer from LibreOffice's worker: {line!r}").format(
                                   line=line[:200]), fatal=True) from None

    def convert(self, data: bytes, name: str, archive: bool, timeout: float) -> bytes:
        """One Word file's PDF, as LibreOffice exported it."""
        try:
            return self._convert(data, name, archive, timeout)
        except _OfficeError as exc:
            self.broken = self.broken or exc.fatal
            raise

    def _convert(self, data: bytes, name: str, archive: bool, timeout: float) -> bytes:
        assert self.work is not None and self.worker is not None
        folder = self.work / "documents"
        folder.mkdir(exist_ok=True)
        source = folder / name
        target = source.with_suffix(".pdf")
        source.write_bytes(data)
        request = {"source": str(source), "target": str(target), "archive": archive}
        assert self.worker.stdin is not None
        try:
            self.worker.stdin.write((json.dumps(request) + "\n").encode())
            self.worker.stdin.flush()
        except OSError:
            raise _OfficeError(f"LibreOffice's worker stopped {self._said()}".strip(),
                               fatal=True) from None
        answer = self._answer(timeout, "converting it")
        if not answer.get("ok"):
            reason = answer.get("error") or _("failed, giving no reason")
            raise _OfficeError(f"LibreOffice {reason}")
        try:
            return target.read_bytes()
        except OSError:
            raise _OfficeError(_("LibreOffice reported success but wrote no PDF")) from None
        finally:
            source.unlink(missing_ok=True)
            target.unlink(missing_ok=True)

    # stopping

    def _stop(self, gracefully: bool = True) -> None:
        """Ask LibreOffice to quit (when it is still answering), then make sure: kill its
        process group and the worker's, remove the pipes it leaves in /tmp, reap them, remove
        the temporary directory, and release the watchdog."""
        if self.worker is not None:
            with contextlib.suppress(OSError):
                if self.worker.stdin is not None:
                    self.worker.stdin.write(b'{"quit": true}\n')
                    self.worker.stdin.close()
        deadline = time.monotonic() + (5 if gracefully else 0)
        while (self.office is not None and _exited(self.office.pid) is None
               and time.monotonic() < deadline):
            time.sleep(0.05)
        # Not yet reaped, so each id still names its process's group.
        groups = [p.pid for p in (self.office, self.worker) if p is not None]
        pdf_watchdog.end_processes(groups, str(self.work) if self.work is not None else "")
        for process in (self.office, self.worker):
            if process is not None:
                with contextlib.suppress(OSError, subprocess.TimeoutExpired):
                    process.wait(timeout=30)
                if process.stdout is not None:
                    process.stdout.close()
        if self.work is not None:
            shutil.rmtree(self.work, ignore_errors=True)
        if self.watchdog is not None:
            if self.work is not None and not self.work.exists():
                self._tell_watchdog("done")  # else the watchdog removes what is left
            with contextlib.suppress(OSError):
                if self.watchdog.stdin is not None:
                    self.watchdog.stdin.close()
            with contextlib.suppress(subprocess.TimeoutExpired):
                self.watchdog.wait(timeout=30)


def convert(documents: list[tuple[Path, bytes]], *, archive: bool = False,
            timeout: float = DOCUMENT_TIMEOUT, startup_timeout: float = STARTUP_TIMEOUT,
            step: Callable[[str], None] | None = None) -> Converted:
    """PDF files of Word documents (`path` is where the Word file would go; the PDF goes
    beside it); `step` is told the name of each PDF made. Raises PdfUnavailable, or
    BuildError naming every document that failed."""
    program, python = require()
    result = Converted()
    if not documents:
        return result
    problems: list[Problem] = []
    try:
        with _signals_raise(), _LibreOffice(program, python, startup_timeout) as office:
            for index, (path, data) in enumerate(documents, start=1):
                target = path.with_suffix(".pdf")
                try:
                    raw = office.convert(data, f"{index}{path.suffix}", archive, timeout)
                except _OfficeError as exc:
                    problems.append(Problem(str(target), None, "",
                                            _("cannot make the PDF: {exc}").format(exc=exc)))
                    if exc.fatal:
                        break
                    continue
                result.files.append((target, reproducible(raw, docx_timestamp(data))))
                if step is not None:
                    step(target.name)
    except _OfficeError as exc:  # LibreOffice did not start: no document could be made
        first = documents[0][0].with_suffix(".pdf")
        problems.append(Problem(str(first), None, "", _("cannot make the PDF: {exc}").format(
                                                          exc=exc)))
    if problems:
        raise BuildError(problems)
    result.notes = font_notes([data for _unused, data in documents],
                              [data for _unused, data in result.files])
    return result


# --- reproducible bytes --------------------------------------------------------------------

_CORE_NS = {"dcterms": "http://purl.org/dc/terms/"}
# When a Word file carries no date (not one snplan wrote): 1 January 1980, the zip epoch.
_FALLBACK = dt.datetime(1980, 1, 1, tzinfo=dt.UTC)


def docx_timestamp(data: bytes) -> dt.datetime:
    """The timestamp a Word file carries in its core properties (snplan writes the data's date
    there, or SOURCE_DATE_EPOCH): the PDF's dates, so that they never come from the clock."""
    epoch = os.environ.get("SOURCE_DATE_EPOCH", "")
    if epoch.isdigit():
        return dt.datetime.fromtimestamp(int(epoch), tz=dt.UTC)
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            root = ElementTree.fromstring(archive.read("docProps/core.xml"))
        text = root.findtext("dcterms:created", default="", namespaces=_CORE_NS).strip()
        moment = dt.datetime.fromisoformat(text)
    except (KeyError, ValueError, zipfile.BadZipFile, ElementTree.ParseError):
        return _FALLBACK
    return moment.replace(tzinfo=dt.UTC) if moment.tzinfo is None else moment.astimezone(dt.UTC)


def reproducible(data: bytes, moment: dt.datetime) -> bytes:
    """A PDF with its dates (Info and XMP) set to `moment` and its /ID a digest of its
    content, written by qpdf (through pikepdf) in a fixed order: the same input, the same
    bytes."""
    import pikepdf

    with pikepdf.open(io.BytesIO(data)) as pdf:
        pdf_date = moment.strftime("D:%Y%m%d%H%M%S+00'00'")
        xmp_date = moment.strftime("%Y-%m-%dT%H:%M:%SZ")
        pdf.docinfo["/CreationDate"] = pdf_date
        pdf.docinfo["/ModDate"] = pdf_date
        with pdf.open_metadata(set_pikepdf_as_editor=False, update_docinfo=False) as meta:
            meta["xmp:CreateDate"] = xmp_date
            meta["xmp:ModifyDate"] = xmp_date
            meta["xmp:MetadataDate"] = xmp_date
        # LibreOffice's /DocChecksum (a private trailer key) digests the export time; the
        # /ID is recomputed from the content when saving.
        for key in ("/ID", "/DocChecksum"):
            if key in pdf.trailer:
                del pdf.trailer[key]
        out = io.BytesIO()
        pdf.save(out, deterministic_id=True)
    return out.getvalue()


# --- fonts -----------------------------------------------------------------------------------

_W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
_A = "{http://schemas.openxmlformats.org/drawingml/2006/main}"
_SUBSET = re.compile(r"^[A-Z]{6}\+")


def docx_fonts(data: bytes) -> set[str]:
    """The font families a Word file names: in its styles, text, headers and footers, and the
    theme's fonts when a style refers to them."""
    names: set[str] = set()
    themes: set[str] = set()
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        parts = [n for n in archive.namelist() if re.fullmatch(
            r"word/(styles|document|header\d*|footer\d*)\.xml", n)]
        for part in parts:
            for fonts in ElementTree.fromstring(archive.read(part)).iter(f"{_W}rFonts"):
                names.update(v for k in ("ascii", "hAnsi") if (v := fonts.get(f"{_W}{k}")))
                themes.update(v[:5] for k in ("asciiTheme", "hAnsiTheme")
                              if (v := fonts.get(f"{_W}{k}")))
        if themes and "word/theme/theme1.xml" in archive.namelist():
            theme = ElementTree.fromstring(archive.read("word/theme/theme1.xml"))
            for kind in themes:
                latin = theme.find(f".//{_A}{kind}Font/{_A}latin")
                if latin is not None and latin.get("typeface"):
                    names.add(latin.get("typeface", ""))
    return names


def pdf_fonts(data: bytes) -> dict[str, bool]:
    """Every font a PDF uses (subset prefix removed), and whether its glyphs are embedded."""
    import pikepdf

    found: dict[str, bool] = {}
    seen: set[tuple[int, int]] = set()

    def visit_font(font: Any) -> None:
        if font.objgen != (0, 0):
            if font.objgen in seen:
                return
            seen.add(font.objgen)
        base = font.get("/BaseFont")
        name = _SUBSET.sub("", str(base)[1:]) if base is not None else "(unnamed Type 3)"
        if font.get("/Subtype") == "/Type0":
            for child in font.get("/DescendantFonts", []):
                visit_font(child)
            return
        if font.get("/Subtype") == "/Type3":
            found[name] = True  # drawn by the PDF itself
            return
        descriptor = font.get("/FontDescriptor")
        embedded = descriptor is not None and any(
            key in descriptor for key in ("/FontFile", "/FontFile2", "/FontFile3"))
        found[name] = found.get(name, True) and embedded

    def visit_resources(resources: Any) -> None:
        if resources is None or (resources.objgen != (0, 0) and resources.objgen in seen):
            return
        if resources.objgen != (0, 0):
            seen.add(resources.objgen)
        for font in (resources.get("/Font") or {}).values():
            visit_font(font)
        for xobject in (resources.get("/XObject") or {}).values():
            if xobject.get("/Subtype") == "/Form":
                visit_resources(xobject.get("/Resources"))

    with pikepdf.open(io.BytesIO(data)) as pdf:
        for page in pdf.pages:
            visit_resources(page.obj.get("/Resources"))
    return found


def _fontconfig(*args: str) -> str | None:
    try:
        result = subprocess.run(args, capture_output=True, text=True, timeout=30, check=False)
    except (OSError, subprocess.TimeoutExpired):
        return None
    return result.stdout.strip() if result.returncode == 0 else None


def _squashed(name: str) -> str:
    return re.sub(r"[\s_-]", "", name).lower()


def font_notes(word_files: list[bytes], pdf_files: list[bytes]) -> list[str]:
    """For each font the Word files name that is not installed here, which font the PDFs
    were set in instead (as fontconfig chose it and the PDFs embed it), and whether its
    metrics are the same, so lines and pages break as in Word."""
    if shutil.which("fc-match") is None or shutil.which("fc-list") is None:
        return []
    wanted = set().union(*(docx_fonts(d) for d in word_files)) if word_files else set()
    used = {_squashed(name) for d in pdf_files for name in pdf_fonts(d)}
    notes = []
    for family in sorted(wanted):
        installed = _fontconfig("fc-list", "--format", "%{family}\n", f":family={family}")
        if installed is None or installed:
            continue
        substitute = _fontconfig("fc-match", "--format", "%{family[0]}", family)
        if not substitute or not any(u.startswith(_squashed(substitute)) for u in used):
            continue  # the font is named (by a style no text uses) but the PDFs do not show it
        twins, package = METRIC_TWINS.get(family.lower(), ((), ""))
        if substitute in twins:
            notes.append(_("the font {family} is not installed; the PDFs are set in "
                           "{substitute}, which has the same metrics").format(
                             family=family, substitute=substitute))
        elif twins:
            notes.append(_("the font {family} is not installed; the PDFs are set in "
                           "{substitute}, which has other metrics, so lines and pages break "
                           "differently from Word; install {twins} (Debian: {package})").format(
                             family=family, substitute=substitute, twins=twins[0], package=package))
        else:
            notes.append(_("the font {family} is not installed; the PDFs are set in {substitute} "
                           "instead").format(family=family, substitute=substitute))
    return notes
