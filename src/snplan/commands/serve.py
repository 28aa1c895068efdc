"""`snplan serve`: a preview while writing. The web edition is built into the output
directory, served from there on 127.0.0.1, and rebuilt when a data file, a template or the
style reference changes; an open page reloads itself, and shows the data's problems (file:line
and message) in a banner while the data does not validate.

Why it is built this way:

- Rebuilding goes through `commands.build.run`, so a save re-renders only the documents whose
  inputs changed (the manifest's keys) and writes only files whose bytes changed, exactly as
  `snplan build --all --format html` would; the preview never shows what a build would not.
- Changes are found by polling the `stat` of the files a build reads (`data_files`, the
  templates, the reference): the standard library, no watcher package, and an editor that
  saves by renaming a new file over the old is seen too.
- The page's live reload and its problem banner are added to the HTML as it is served, never
  to the built files: the web edition stays free of script and reproducible. The script is
  inline and asks only this server (`/__snplan__/state`), so the preview needs nothing from
  the network.
- Only 127.0.0.1 is bound (a preview of unpublished figures is not for the office network),
  requests naming another host are refused (a web page elsewhere cannot reach the preview by
  rebinding its own name to 127.0.0.1), and only regular files under the output directory are
  served: `..`, its encodings, absolute paths and links leading out are refused, as are hidden
  files such as the build manifest.
"""

from __future__ import annotations

import contextlib
import errno
import html
import json
import mimetypes
import secrets
import threading
import urllib.parse
from collections.abc import Callable
from dataclasses import dataclass, field
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

from ..errors import SnplanError, UsageError
from ..messages import _
from ..problems import printable
from ..source.load import data_files
from . import build

HOST = "127.0.0.1"
HOST_NAMES = frozenset({"127.0.0.1", "localhost"})
STATE_PATH = "/__snplan__/state"
# How often the files are looked at, and how often an open page asks for news. Short enough
# that a save shows within a second or two, long enough to cost nothing.
POLL_SECONDS = 0.5
PAGE_POLL_MS = 1000

Signature = tuple[tuple[str, int, int, int], ...]


def check_host(host: str) -> str:
    """The address to listen on: 127.0.0.1 whatever the spelling; any other is a usage
    error, because the preview holds figures not yet published."""
    if host not in HOST_NAMES:
        raise UsageError(_("snplan serve listens on 127.0.0.1 only (the preview is for this "
                           "machine); --host {host} is refused").format(host=host))
    return HOST


def file_for(root: Path, target: str) -> Path | None:
    """The regular file under `root` a request target names, or None when it names none or
    would lead outside: `..` or `.` as a segment (also percent-encoded), a NUL or a backslash,
    a hidden name, a link resolving outside `root`. A directory means its index.html.
    `root` must exist."""
    if target.startswith(("http://", "https://")):  # the absolute form a proxy would send
        target = urllib.parse.urlsplit(target).path or "/"
    if not target.startswith("/"):
        return None
    raw = target.split("?", 1)[0].split("#", 1)[0]
    try:
        text = urllib.parse.unquote(raw, errors="strict")
    except UnicodeDecodeError:
        return None
    if "\x00" in text or "\\" in text:
        return None
    segments = text.split("/")
    if any(s in {".", ".."} for s in segments):
        return None
    names = [s for s in segments if s]
    if any(name.startswith(".") for name in names):
        return None
    base = root.resolve(strict=True)
    candidate = base.joinpath(*names)
    try:
        if candidate.is_dir():
            candidate = candidate / "index.html"
        real = candidate.resolve(strict=True)
    except (OSError, RuntimeError):  # missing, or a loop of links
        return None
    if not real.is_relative_to(base) or not real.is_file():
        return None
    return real


def signature(request: build.Request) -> Signature:
    """What the files a build reads look like now (name, modification time, size, inode):
    a change to any of them, a file added or removed, changes it."""
    paths = [*data_files(request.data), request.reference]
    with contextlib.suppress(OSError):
        paths += [p for p in request.settings.templates.iterdir() if p.is_file()]
    found = []
    for path in sorted(set(paths)):
        try:
            info = path.stat()
        except OSError:
            continue
        found.append((str(path), info.st_mtime_ns, info.st_size, info.st_ino))
    return tuple(found)


@dataclass
class State:
    """What an open page needs to know: the version (raised whenever a build wrote something
    or the problems changed, which makes the page reload) and the problems to show."""

    version: int = 0
    problems: tuple[str, ...] = ()
    lock: threading.Lock = field(default_factory=threading.Lock, repr=False)

    def snapshot(self) -> tuple[int, tuple[str, ...]]:
        with self.lock:
            return self.version, self.problems


def _lines(error: SnplanError) -> tuple[str, ...]:
    """An error's problems as file:line lines, then its sentence."""
    return tuple(p.format() for p in error.problems) + ((error.message,) if error.message
                                                          else ())


class Preview:
    """The build-and-serve loop of one output directory. `rebuild` and `poll` are the steps
    (the tests call them directly); `start` opens the server in a thread of its own, `watch`
    polls until told to stop, `close` ends both."""

    def __init__(self, request: build.Request, port: int = 0,
                 report: Callable[[str], None] | None = None) -> None:
        self.request = request
        self.root = request.settings.out
        self.port = port
        self.state = State()
        self.report = report or (lambda _line: None)
        self._seen: Signature | None = None
        self._server: ThreadingHTTPServer | None = None
        self._thread: threading.Thread | None = None

    @property
    def url(self) -> str:
        assert self._server is not None
        return f"http://{HOST}:{self._server.server_address[1]}/"

    def rebuild(self, *, first: bool = False) -> bool:
        """Build the web edition of every document whose inputs changed; returns whether the
        page should reload (something was written, or the problems changed). A usage error
        of the first build (no data directory there) ends the command; any later failure is
        shown on the pages, so the preview keeps running while the data is being fixed."""
        self._seen = signature(self.request)
        written: list[Path] = []
        try:
            result = build.run(self.request)
            written = result.written
            problems: tuple[str, ...] = ()
        except SnplanError as error:
            if first and isinstance(error, UsageError):
                raise
            problems = _lines(error)
        except Exception as error:  # noqa: BLE001 - the preview outlives a bug, and says so
            problems = (_("snplan could not build ({name__}: {error}). This is a bug in snplan; "
                          "please report it with what you changed.").format(
                            name__=type(error).__name__, error=error),)
        with self.state.lock:
            changed = bool(written) or problems != self.state.problems
            if changed:
                self.state.version += 1
                self.state.problems = problems
        for path in written:
            self.report(f"wrote {path}")
        if problems and changed:
            self.report(_("the data has problems; the pages show them ({problems} line(s))").format(
                            problems=len(problems)))
        return changed

    def poll(self) -> bool:
        """Rebuild when the files a build reads changed since the last look."""
        if signature(self.request) == self._seen:
            return False
        return self.rebuild()

    def start(self) -> None:
        """The first build, then the server on 127.0.0.1 in a thread of its own."""
        self.root.mkdir(parents=True, exist_ok=True)
        self.rebuild(first=True)
        try:
            self._server = _Server((HOST, self.port), _handler(self))
        except OSError as exc:
            if exc.errno == errno.EADDRINUSE:
                raise UsageError(_("the port {port} is in use; choose another with --port (0 "
                                   "takes a free one)").format(port=self.port)) from None
            raise UsageError(_("cannot listen on {HOST}:{port}: {exc}").format(
                                 HOST=HOST, port=self.port, exc=exc.strerror or exc)) from None
        self._thread = threading.Thread(target=self._server.serve_forever,
                                        kwargs={"poll_interval": 0.2}, daemon=True,
                                        name="snplan-serve")
        self._thread.start()

    def watch(self, stop: threading.Event, interval: float = POLL_SECONDS) -> None:
        """Poll until `stop` is set."""
        while not stop.wait(interval):
            self.poll()

    def close(self) -> None:
        """Stop serving and release the port (open connections are ended)."""
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()
            self._server = None
        if self._thread is not None:
            self._thread.join(timeout=10)
            self._thread = None

    def __enter__(self) -> Preview:
        self.start()
        return self

    def __exit__(self, *_: object) -> None:
        self.close()


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    allow_reuse_address = True


def banner(problems: tuple[str, ...]) -> str:
    """The problem banner, every line escaped: a problem quotes the data."""
    if not problems:
        return ""
    items = "".join(f"<li>{html.escape(printable(line))}</li>\n" for line in problems)
    return ('<aside id="snplan-problems" class="snplan-problems" role="alert" '
            'aria-label="Problem i datan" style="border:3px solid #a00000;background:#fff;'
            'color:#000;padding:0.5em 1em;margin:0 0 1em;font-family:sans-serif;'
            'overflow-wrap:anywhere">\n'
            '<p style="margin:0 0 0.3em"><strong>Datan har fel; sidan visar det senaste '
            'som gick att bygga.</strong></p>\n'
            f'<ul style="margin:0;padding-left:1.2em;font-family:monospace">\n{items}</ul>\n'
            '</aside>\n')


def reload_script(version: int, nonce: str) -> str:
    """The live reload: ask the server for its version every second and reload the page when
    it moved. Inline, asking only this server."""
    return (f'<script nonce="{nonce}">(function () {{\n'
            f'  var seen = {version};\n'
            '  function ask() {\n'
            f'    fetch("{STATE_PATH}", {{cache: "no-store"}})\n'
            '      .then(function (r) { return r.json(); })\n'
            '      .then(function (s) { if (s.version !== seen) { location.reload(); } })\n'
            '      .catch(function () {})\n'
            f'      .then(function () {{ setTimeout(ask, {PAGE_POLL_MS}); }});\n'
            '  }\n'
            f'  setTimeout(ask, {PAGE_POLL_MS});\n'
            '})();</script>\n')


def decorate(page: bytes, version: int, problems: tuple[str, ...], nonce: str) -> bytes:
    """A built page as the preview serves it: the banner first in the body, the reload
    script last."""
    text = page.decode("utf-8", errors="replace")
    top = banner(problems)
    if top:
        start = text.find("<body")
        end = text.find(">", start) + 1 if start >= 0 else 0
        text = text[:end] + "\n" + top + text[end:]
    script = reload_script(version, nonce)
    at = text.rfind("</body>")
    text = text[:at] + script + text[at:] if at >= 0 else text + script
    return text.encode("utf-8")


def _placeholder(title: str, message: str) -> bytes:
    """The page shown where no built page exists (nothing built yet, or a wrong address),
    so that it too reloads when a build succeeds."""
    return ('<!DOCTYPE html>\n<html lang="sv">\n<head>\n<meta charset="utf-8">\n'
            f'<title>{html.escape(title)}</title>\n</head>\n<body>\n<main>\n'
            f'<h1>{html.escape(title)}</h1>\n<p>{html.escape(message)}</p>\n'
            '</main>\n</body>\n</html>\n').encode()


def _handler(preview: Preview) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        server_version = "snplan-serve"
        sys_version = ""

        def log_message(self, format: str, *args: object) -> None:  # noqa: A002
            """Requests are not logged: the terminal is for what the builds say."""

        def do_HEAD(self) -> None:  # noqa: N802 - the name http.server calls
            self._answer(head=True)

        def do_GET(self) -> None:  # noqa: N802
            self._answer(head=False)

        def _answer(self, *, head: bool) -> None:
            host = (self.headers.get("Host") or "").rsplit(":", 1)[0].strip("[]").lower()
            if host not in HOST_NAMES:
                self._send(HTTPStatus.MISDIRECTED_REQUEST, b"this preview answers only "
                           b"requests to 127.0.0.1\n", "text/plain; charset=utf-8", head)
                return
            version, problems = preview.state.snapshot()
            if self.path.split("?", 1)[0] == STATE_PATH:
                body = json.dumps({"version": version, "problems": list(problems)},
                                  ensure_ascii=False).encode()
                self._send(HTTPStatus.OK, body, "application/json", head)
                return
            path = file_for(preview.root, self.path) if preview.root.is_dir() else None
            nonce = secrets.token_urlsafe(12)
            if path is None:
                if self.path.split("?", 1)[0] == "/":
                    page = _placeholder("Inget byggt ännu", "Ingen webbsida har kunnat "
                                        "byggas; sidan laddas om när det går.")
                    status = HTTPStatus.OK
                else:
                    page = _placeholder("Sidan finns inte", "Det finns ingen sådan fil i "
                                        "förhandsvisningen.")
                    status = HTTPStatus.NOT_FOUND
                self._send(status, decorate(page, version, problems, nonce),
                           "text/html; charset=utf-8", head, nonce)
                return
            try:
                body = path.read_bytes()
            except OSError:
                self._send(HTTPStatus.NOT_FOUND, b"not found\n", "text/plain", head)
                return
            kind = mimetypes.guess_type(path.name)[0] or "application/octet-stream"
            if kind == "text/html":
                body = decorate(body, version, problems, nonce)
            if kind.startswith("text/"):
                kind += "; charset=utf-8"
            self._send(HTTPStatus.OK, body, kind, head, nonce)

        def _send(self, status: HTTPStatus, body: bytes, kind: str, head: bool,
                  nonce: str | None = None) -> None:
            self.send_response(status)
            self.send_header("Content-Type", kind)
            self.send_header("Content-Length", str(len(body)))
            self.send_header("Cache-Control", "no-store")
            self.send_header("X-Content-Type-Options", "nosniff")
            script = f"'nonce-{nonce}'" if nonce else "'none'"
            self.send_header("Content-Security-Policy",
                             f"default-src 'none'; script-src {script}; connect-src 'self'; "
                             "style-src 'unsafe-inline'; img-src 'self' data:; font-src 'self' "
                             "data:; base-uri 'none'; form-action 'none'")
            self.end_headers()
            if not head:
                self.wfile.write(body)

    return Handler


__all__ = ["HOST", "Preview", "State", "check_host", "decorate", "file_for", "signature"]
