"""Headless Chromium driven over its DevTools protocol through a pipe, for the web edition's
browser tests.

Why a pipe and not Selenium: `--remote-debugging-pipe` needs nothing but the browser (no
chromedriver whose version must match it, no Python package, no TCP port that another job on
the machine may hold or reach) and speaks the same protocol Puppeteer and Playwright use.
Chromium reads commands from its file descriptor 3 and writes answers to 4, each message a
JSON text ended by a NUL byte.

The browser is started with the flags that keep it off the network (no background
networking, component updates, sync or QUIC) and a fresh profile, and is closed, or killed
when it does not close, when the `with` block ends.
"""

from __future__ import annotations

import base64
import contextlib
import json
import os
import select
import shutil
import subprocess
import tempfile
import time
from pathlib import Path
from typing import Any

FLAGS = ("--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
         "--disable-background-networking", "--disable-component-update", "--disable-sync",
         "--disable-dev-shm-usage", "--disable-extensions", "--mute-audio",
         "--hide-scrollbars", "--remote-debugging-pipe")
# Debian's /usr/bin/chromium is a shell script that adds flags of its own (extensions it
# loads, remote extensions allowed); the binary behind it takes only ours.
CANDIDATES = ("/usr/lib/chromium/chromium", "chromium", "chromium-browser", "google-chrome",
              "google-chrome-stable")
# A guard against a browser that hangs, not a measurement: no test asserts a time.
COMMAND_TIMEOUT = 120.0


class BrowserError(RuntimeError):
    """Chromium answered with an error, went away, or did not answer."""


def find_chromium() -> str | None:
    """The Chromium to run: $SNPLAN_CHROMIUM, else the first of CANDIDATES found."""
    chosen = os.environ.get("SNPLAN_CHROMIUM")
    if chosen:
        return chosen if Path(chosen).is_file() else None
    for name in CANDIDATES:
        if os.path.isabs(name):
            if os.access(name, os.X_OK):
                return name
        elif (found := shutil.which(name)) is not None:
            return found
    return None


class Chromium:
    """One headless browser with one page (a tab) attached."""

    def __init__(self, executable: str) -> None:
        self.executable = executable
        self.events: list[dict[str, Any]] = []
        self._buffer = b""
        self._next = 0

    def __enter__(self) -> Chromium:
        self._profile = tempfile.TemporaryDirectory(prefix="snplan-chromium-")
        self._log = open(Path(self._profile.name) / "stderr.log", "wb")  # noqa: SIM115
        # os.pipe hands out the lowest free descriptors, so 3 and 4 are in use (by these pipes
        # or by something older) and the child's own error pipe cannot be one of them.
        commands_read, self._commands = os.pipe()
        self._answers, answers_write = os.pipe()

        def descriptors() -> None:  # in the child, before exec
            os.dup2(commands_read, 3)
            os.dup2(answers_write, 4)

        self.process = subprocess.Popen(
            [self.executable, *FLAGS, f"--user-data-dir={self._profile.name}", "about:blank"],
            stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=self._log,
            pass_fds=(3, 4), preexec_fn=descriptors)
        os.close(commands_read)
        os.close(answers_write)
        try:
            target = self.send("Target.createTarget", {"url": "about:blank"})["targetId"]
            self.session = self.send("Target.attachToTarget",
                                     {"targetId": target, "flatten": True})["sessionId"]
            for domain in ("Page", "Network", "Runtime", "DOM", "Accessibility"):
                self.call(f"{domain}.enable")
        except BaseException:
            self.__exit__(None, None, None)
            raise
        return self

    def __exit__(self, *_: object) -> None:
        try:
            if self.process.poll() is None:
                self.send("Browser.close", timeout=15)
                self.process.wait(timeout=15)
        except (BrowserError, OSError, subprocess.TimeoutExpired):
            pass
        finally:
            if self.process.poll() is None:
                self.process.kill()
                self.process.wait(timeout=15)
            for fd in (self._commands, self._answers):
                with contextlib.suppress(OSError):
                    os.close(fd)
            self._log.close()
            self._profile.cleanup()

    # ------------------------------------------------------------------ the protocol

    def send(self, method: str, params: dict[str, Any] | None = None, *,
             session: str | None = None, timeout: float = COMMAND_TIMEOUT) -> dict[str, Any]:
        """One command and its answer; events that arrive meanwhile are kept."""
        self._next += 1
        message: dict[str, Any] = {"id": self._next, "method": method, "params": params or {}}
        if session is not None:
            message["sessionId"] = session
        os.write(self._commands, json.dumps(message).encode() + b"\0")
        return self._read_until(lambda m: m.get("id") == self._next, method, timeout)

    def call(self, method: str, params: dict[str, Any] | None = None) -> dict[str, Any]:
        """A command to the page."""
        return self.send(method, params, session=self.session)

    def _read_until(self, wanted: Any, what: str, timeout: float) -> dict[str, Any]:
        deadline = time.monotonic() + timeout
        while True:
            while b"\0" in self._buffer:
                raw, self._buffer = self._buffer.split(b"\0", 1)
                message = json.loads(raw)
                if wanted(message):
                    if "error" in message:
                        raise BrowserError(f"{what}: {message['error']}")
                    return message.get("result", message.get("params", {}))
                if "method" in message:
                    self.events.append(message)
            left = deadline - time.monotonic()
            ready, _, _ = select.select([self._answers], [], [], max(left, 0))
            if not ready:
                raise BrowserError(f"{what}: no answer from Chromium{self._stderr()}")
            chunk = os.read(self._answers, 1 << 20)
            if not chunk:
                raise BrowserError(f"{what}: Chromium went away{self._stderr()}")
            self._buffer += chunk

    def _stderr(self) -> str:
        self._log.flush()
        text = (Path(self._profile.name) / "stderr.log").read_text(errors="replace")
        return "\n" + text[-2000:] if text else ""

    def wait_event(self, method: str, timeout: float = COMMAND_TIMEOUT) -> dict[str, Any]:
        for index, event in enumerate(self.events):
            if event.get("method") == method:
                return self.events.pop(index).get("params", {})
        return self._read_until(lambda m: m.get("method") == method, method, timeout)

    # ------------------------------------------------------------------ what the tests use

    def open(self, path: Path, *, width: int = 1280, height: int = 900) -> list[str]:
        """Load a file at a viewport size; returns every address the page requested."""
        self.viewport(width, height)
        self.events.clear()
        self.call("Page.navigate", {"url": path.resolve().as_uri()})
        self.wait_event("Page.loadEventFired")
        return [e["params"]["request"]["url"] for e in self.events
                if e.get("method") == "Network.requestWillBeSent"]

    def open_url(self, url: str, *, width: int = 1280, height: int = 900) -> None:
        """Load an address (the preview server's pages are not files)."""
        self.viewport(width, height)
        self.events.clear()
        self.call("Page.navigate", {"url": url})
        self.wait_event("Page.loadEventFired")

    def requested(self) -> list[str]:
        """Every address the page requested since it was opened (reloads included)."""
        return [e["params"]["request"]["url"] for e in self.events
                if e.get("method") == "Network.requestWillBeSent"]

    def viewport(self, width: int, height: int) -> None:
        self.call("Emulation.setDeviceMetricsOverride",
                  {"width": width, "height": height, "deviceScaleFactor": 1, "mobile": False})

    def evaluate(self, expression: str, *, wait: bool = False) -> Any:
        """A JavaScript expression's value (awaited when it is a promise)."""
        result = self.call("Runtime.evaluate", {"expression": expression, "returnByValue": True,
                                                "awaitPromise": wait})
        if "exceptionDetails" in result:
            raise BrowserError(f"JavaScript failed: {result['exceptionDetails']}")
        return result["result"].get("value")

    def accessible_name(self, selector: str) -> str:
        """The accessible name Chromium computes for the first element matching `selector`."""
        root = self.call("DOM.getDocument", {"depth": 0})["root"]["nodeId"]
        node = self.call("DOM.querySelector", {"nodeId": root, "selector": selector})["nodeId"]
        if not node:
            raise BrowserError(f"no element matches {selector}")
        nodes = self.call("Accessibility.getPartialAXTree",
                          {"nodeId": node, "fetchRelatives": False})["nodes"]
        name = nodes[0].get("name", {}) if nodes else {}
        return str(name.get("value", ""))

    def screenshot(self, path: Path, *, width: int = 1280) -> Path:
        """A picture of the whole page at `width` CSS pixels."""
        height = int(self.evaluate("document.documentElement.scrollHeight"))
        self.viewport(width, max(height, 100))
        data = self.call("Page.captureScreenshot", {"format": "png", "captureBeyondViewport":
                                                    True})["data"]
        path.write_bytes(base64.b64decode(data))
        return path
