"""`snplan serve`: the path guard (nothing outside the output directory, however the address
is spelt), the rebuild on a saved change and the problem banner (the library's steps called
directly on a copy of the data), the server itself over HTTP (127.0.0.1 only, other host
names refused), stopping on SIGTERM and Ctrl-C, and the live reload in Chromium: a figure
edited in the YAML changes on the open page.

Every wait is bounded and no test asserts how long anything took.
"""

from __future__ import annotations

import http.client
import json
import os
import re
import select
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from typer.testing import CliRunner

from snplan.cli import app
from snplan.commands import build
from snplan.commands.rendering import Settings
from snplan.commands.serve import STATE_PATH, Preview, decorate, file_for

from .chromium import BrowserError, Chromium, find_chromium
from .conftest import DATA, ROOT, line_of, replace_in

runner = CliRunner()
WAIT = 60.0  # seconds: a guard against a hang, not a measurement
REPORT = Path("2023") / "arsredovisning-2023.html"


# ------------------------------------------------------------------ the path guard


@pytest.fixture
def site(tmp_path: Path) -> Path:
    """An output directory with pages, a hidden file, and links in and out of it."""
    root = tmp_path / "out"
    (root / "2023").mkdir(parents=True)
    (root / "index.html").write_text("index", encoding="utf-8")
    (root / "2023" / "ar.html").write_text("ar", encoding="utf-8")
    (root / ".snplan-manifest.json").write_text("{}", encoding="utf-8")
    secret = tmp_path / "secret.txt"
    secret.write_text("secret", encoding="utf-8")
    (tmp_path / "outside").mkdir()
    (tmp_path / "outside" / "page.html").write_text("outside", encoding="utf-8")
    (root / "out-link.html").symlink_to(secret)
    (root / "out-dir").symlink_to(tmp_path / "outside", target_is_directory=True)
    (root / "in-link.html").symlink_to(root / "2023" / "ar.html")
    (root / "loop").symlink_to(root / "loop")
    return root


@pytest.mark.parametrize("target", [
    "/../secret.txt", "/2023/../../secret.txt", "/%2e%2e/secret.txt", "/%2E%2E/secret.txt",
    "/%2e%2e%2fsecret.txt", "/2023/%2e%2e%2f%2e%2e%2fsecret.txt", "/.%2e/secret.txt",
    "/..%5csecret.txt", "/2023/..\\..\\secret.txt", "/%252e%252e/secret.txt",
    "//etc/passwd", "/%2fetc%2fpasswd", "/etc/passwd", "etc/passwd", "*",
    "http://127.0.0.1/../secret.txt", "/out-link.html", "/out-dir/page.html", "/out-dir/",
    "/.snplan-manifest.json", "/%2esnplan-manifest.json", "/2023/./ar.html",
    "/ar.html%00.txt", "/%ff.html", "/loop", "/missing.html",
])
def test_nothing_outside_the_output_directory_is_served(site: Path, target: str) -> None:
    assert file_for(site, target) is None


@pytest.mark.parametrize(("target", "expected"), [
    ("/", "index.html"), ("/index.html", "index.html"), ("/2023/ar.html", "2023/ar.html"),
    ("/2023//ar.html", "2023/ar.html"), ("/2023/ar.html?x=1#top", "2023/ar.html"),
    ("/%32023/ar.html", "2023/ar.html"),  # %32 is "2"
    ("/in-link.html", "2023/ar.html"), ("http://127.0.0.1:8000/2023/ar.html", "2023/ar.html"),
])
def test_files_under_the_output_directory_are(site: Path, target: str, expected: str) -> None:
    assert file_for(site, target) == (site / expected).resolve()


def test_only_127_0_0_1_is_listened_on(tmp_path: Path) -> None:
    for host in ("0.0.0.0", "::", "192.168.1.10", "example.org", ""):
        result = runner.invoke(app, ["serve", "--host", host, "--out", str(tmp_path / "o"),
                                     "--data", str(DATA)])
        assert result.exit_code == 2, result.output
        assert "127.0.0.1 only" in result.output and "Traceback" not in result.output
    result = runner.invoke(app, ["serve", "--port", "70000", "--out", str(tmp_path / "o")])
    assert result.exit_code == 2 and "--port" in result.output
    assert not (tmp_path / "o").exists()
    result = runner.invoke(app, ["serve", "--port", "0", "--out", str(tmp_path / "o"),
                                 "--data", str(tmp_path / "nowhere")])
    assert result.exit_code == 2 and "does not exist" in result.output, result.output


# ------------------------------------------------------------------ rebuilding


def _request(data: Path, out: Path) -> build.Request:
    return build.Request(data=data, settings=Settings(out=out), requested="html")


def _figure(page: Path, figure: str) -> bool:
    text = page.read_text(encoding="utf-8").replace("\u00a0", " ").replace("\u202f", " ")
    return figure in text


def test_a_saved_change_rebuilds_the_page_and_problems_reach_the_banner(
        data_copy: Path, tmp_path: Path) -> None:
    out = tmp_path / "out"
    preview = Preview(_request(data_copy, out))
    preview.rebuild()
    page = out / REPORT
    assert _figure(page, "2 548") and not _figure(page, "2 549")
    assert preview.poll() is False  # nothing changed: nothing built
    version = preview.state.version
    source = data_copy / "2023" / "arsredovisning.yaml"
    others = {p: p.stat().st_mtime_ns for p in out.rglob("*.html") if p != page}

    replace_in(source, "orosanmalningar: 2548", "orosanmalningar: 2549")
    assert preview.poll() is True
    assert _figure(page, "2 549") and preview.state.version == version + 1
    assert preview.state.problems == ()
    changed = [p for p, when in others.items() if p.stat().st_mtime_ns != when]
    assert changed == [], "only the documents that read the file are written again"
    assert preview.poll() is False

    replace_in(source, "orosanmalningar: 2549", "orosanmalningar: många")
    assert preview.poll() is True
    problems = preview.state.problems
    line = line_of(source, "orosanmalningar: många")
    assert any(re.search(rf"arsredovisning\.yaml:{line}: .*orosanmalningar", p)
               for p in problems), problems
    assert _figure(page, "2 549"), "the last page that could be built stays"
    served = decorate(page.read_bytes(), preview.state.version, problems, "n").decode()
    assert 'id="snplan-problems"' in served and f"arsredovisning.yaml:{line}:" in served
    assert served.index("snplan-problems") < served.index("<main")

    replace_in(source, "orosanmalningar: många", "orosanmalningar: 2550")
    assert preview.poll() is True
    assert preview.state.problems == () and _figure(page, "2 550")


def test_build_all_after_the_preview_makes_the_pages_that_link_every_format(
        tmp_path: Path) -> None:
    """The preview's pages link nothing (only the web edition is built); a page's key names
    the formats it links, so `build --all` into the same directory makes it again with its
    links to Word and PDF, and the preview after it makes its own again."""
    out = tmp_path / "out"
    Preview(_request(DATA, out)).rebuild()
    page = out / REPORT
    assert 'href="arsredovisning-2023.docx"' not in page.read_text(encoding="utf-8")
    result = build.run(build.Request(data=DATA, settings=Settings(out=out), requested="all"))
    assert page in result.written
    text = page.read_text(encoding="utf-8")
    assert 'href="arsredovisning-2023.docx"' in text and 'href="arsredovisning-2023.pdf"' in text
    again = build.run(build.Request(data=DATA, settings=Settings(out=out), requested="all"))
    assert again.nothing_changed


def test_the_banner_escapes_what_the_problems_quote() -> None:
    page = b"<!DOCTYPE html><html><body><main>x</main></body></html>"
    served = decorate(page, 3, ('a.yaml:1: titel: "<script>alert(1)</script>"',), "n").decode()
    assert "<script>alert" not in served and "&lt;script&gt;alert(1)" in served
    assert served.count("<script") == 1 and 'nonce="n"' in served and "var seen = 3" in served


# ------------------------------------------------------------------ over HTTP


@pytest.fixture
def running(data_copy: Path, tmp_path: Path) -> Iterator[Preview]:
    """A preview serving a copy of the data, its loop in a thread of the test."""
    preview = Preview(_request(data_copy, tmp_path / "out"))
    stop = threading.Event()
    preview.start()
    watcher = threading.Thread(target=preview.watch, args=(stop, 0.1), daemon=True)
    watcher.start()
    try:
        yield preview
    finally:
        stop.set()
        watcher.join(timeout=WAIT)
        preview.close()


def _get(preview: Preview, target: str, host: str | None = None
         ) -> tuple[int, dict[str, str], bytes]:
    port = int(preview.url.rsplit(":", 1)[1].strip("/"))
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=WAIT)
    try:
        connection.putrequest("GET", target, skip_host=True)
        connection.putheader("Host", host or f"127.0.0.1:{port}")
        connection.endheaders()
        response = connection.getresponse()
        return response.status, dict(response.getheaders()), response.read()
    finally:
        connection.close()


def test_the_server_serves_the_output_directory_and_nothing_else(running: Preview,
                                                                 tmp_path: Path) -> None:
    assert running.url.startswith("http://127.0.0.1:")
    status, headers, body = _get(running, "/")
    assert status == 200 and headers["Content-Type"] == "text/html; charset=utf-8"
    assert b"arsredovisning-2023.html" in body and b"/__snplan__/state" in body
    nonce = re.search(rb'<script nonce="([^"]+)"', body)
    assert nonce and f"'nonce-{nonce.group(1).decode()}'" in headers["Content-Security-Policy"]
    status, _, body = _get(running, f"/{REPORT.as_posix()}")
    assert status == 200 and b"<main" in body
    (tmp_path / "secret.txt").write_text("secret", encoding="utf-8")
    (running.root / "link.html").symlink_to(tmp_path / "secret.txt")
    for target in ("/../secret.txt", "/%2e%2e/secret.txt", "/%2e%2e%2fsecret.txt",
                   "/link.html", "//etc/passwd", "/.snplan-manifest.json"):
        status, _, body = _get(running, target)
        assert status == 404 and b"secret" not in body and b"root:" not in body, target
    status, _, body = _get(running, STATE_PATH)
    assert status == 200 and json.loads(body) == {"version": running.state.version,
                                                  "problems": []}


def test_a_request_for_another_host_name_is_refused(running: Preview) -> None:
    """A page elsewhere that rebinds its own name to 127.0.0.1 cannot read the preview."""
    for host in ("evil.example", "evil.example:8000", "127.0.0.1.nip.io"):
        status, _, body = _get(running, "/", host=host)
        assert status == 421 and b"<main" not in body
    assert _get(running, "/", host="localhost")[0] == 200


@pytest.mark.parametrize("stop_with", [signal.SIGTERM, signal.SIGINT])
def test_serve_stops_cleanly(stop_with: int, tmp_path: Path) -> None:
    """Started as a user starts it, stopped by SIGTERM or Ctrl-C's SIGINT: exit 0, 'stopped',
    no traceback, the port released."""
    env = {**os.environ, "PYTHONUNBUFFERED": "1"}
    process = subprocess.Popen(
        [sys.executable, "-m", "snplan", "serve", "--port", "0", "--data", str(DATA),
         "--out", str(tmp_path / "out")], cwd=ROOT, env=env, stdout=subprocess.PIPE,
        stderr=subprocess.PIPE, text=True)
    try:
        assert process.stdout is not None
        ready, _, _ = select.select([process.stdout], [], [], WAIT)
        assert ready, "serve announced no address"
        line = process.stdout.readline()
        match = re.match(r"serving (http://127\.0\.0\.1:(\d+)/)", line)
        assert match, line
        port = int(match.group(2))
        connection = http.client.HTTPConnection("127.0.0.1", port, timeout=WAIT)
        connection.request("GET", "/")
        assert connection.getresponse().status == 200
        connection.close()
        process.send_signal(stop_with)
        out, err = process.communicate(timeout=WAIT)
    finally:
        if process.poll() is None:
            process.kill()
            process.wait(timeout=WAIT)
    assert process.returncode == 0, err
    assert out.strip().endswith("stopped") and "Traceback" not in err
    with pytest.raises(OSError):
        http.client.HTTPConnection("127.0.0.1", port, timeout=5).request("GET", "/")


# ------------------------------------------------------------------ in the browser


@pytest.fixture(scope="module")
def browser() -> Iterator[Chromium]:
    executable = find_chromium()
    if executable is None:
        if os.environ.get("CI"):
            pytest.fail("Chromium is not installed; .ci/run installs it")
        pytest.skip("Chromium is not installed")
    with Chromium(executable) as chromium:
        yield chromium


def _until(browser: Chromium, expression: str) -> bool:
    """Ask the page until `expression` is true, at most WAIT seconds; a page reloading
    meanwhile is asked again."""
    deadline = time.monotonic() + WAIT
    while time.monotonic() < deadline:
        try:
            if browser.evaluate(expression):
                return True
        except BrowserError:  # the page was reloading
            pass
        time.sleep(0.2)
    return False


AXE = ROOT / ".ci" / "node_modules" / "axe-core" / "axe.min.js"


def _axe_violations(browser: Chromium) -> list[object]:
    """axe-core's WCAG 2.1 A and AA violations on the open page (none to report when axe-core
    is not installed; tests/test_html_browser.py insists on it in CI)."""
    if not AXE.is_file():
        return []
    browser.evaluate(AXE.read_text(encoding="utf-8"))
    options = {"runOnly": {"type": "tag", "values": ["wcag2a", "wcag2aa", "wcag21a",
                                                     "wcag21aa"]}}
    return list(browser.evaluate(f"axe.run(document, {json.dumps(options)}).then(r => "
                                 "r.violations.map(v => v.id + ': ' + v.nodes.map(n => "
                                 "n.target.join(' ')).join(', ')))", wait=True))


SHOWS = "document.body.innerText.replace(/\\s/g, ' ').includes({!r})"


def test_an_edited_figure_changes_on_the_open_page(running: Preview, browser: Chromium
                                                   ) -> None:
    page = running.url + REPORT.as_posix()
    browser.open_url(page)
    assert browser.evaluate(SHOWS.format("2 548"))
    source = running.request.data / "2023" / "arsredovisning.yaml"

    replace_in(source, "orosanmalningar: 2548", "orosanmalningar: 2549")
    assert _until(browser, SHOWS.format("2 549")), "the page did not show the new figure"

    replace_in(source, "orosanmalningar: 2549", "orosanmalningar: många")
    line = line_of(source, "orosanmalningar: många")
    assert _until(browser, "!!document.getElementById('snplan-problems') && document"
                           f".getElementById('snplan-problems').innerText.includes("
                           f"'arsredovisning.yaml:{line}:')"), "no banner"
    assert browser.evaluate(SHOWS.format("2 549"))
    assert _axe_violations(browser) == [], "the banner keeps the page accessible"

    replace_in(source, "orosanmalningar: många", "orosanmalningar: 2548")
    assert _until(browser, f"!document.getElementById('snplan-problems') && "
                           f"{SHOWS.format('2 548')}")
    requested = browser.requested()
    assert requested and all(url.startswith(running.url) for url in requested), requested
