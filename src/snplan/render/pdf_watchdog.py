"""The watchdog of one PDF conversion: whatever becomes of snplan, even SIGKILL, no LibreOffice
and no temporary directory stay behind.

A process cannot clean up after its own SIGKILL, and LibreOffice runs in process groups of its
own (so that a terminal's Ctrl-C reaches snplan, which then stops it in order). So snplan
starts this script first, with `python -I`, in a session of its own, and keeps a pipe to its
standard input open. The script imports nothing from snplan.

It creates the conversion's temporary directory and prints its path on standard output. Then
it reads lines: `group PGID` names a process group snplan started (LibreOffice, the UNO
worker); `done` says snplan stopped them and removed the directory itself. When the input ends
without `done` (snplan died: the kernel closes the pipe of a killed process), it kills every
named process group, and every process whose command line names the directory (a process
started in the instant before its group was reported), then removes the directory.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import signal
import sys
import tempfile
import time
from pathlib import Path


def processes_naming(directory: str) -> list[int]:
    """Processes whose command line contains `directory` (Linux /proc; none elsewhere)."""
    needle = directory.encode()
    found = []
    proc = Path("/proc")
    if not proc.is_dir():
        return found
    for entry in proc.iterdir():
        if not entry.name.isdigit() or int(entry.name) == os.getpid():
            continue
        with contextlib.suppress(OSError):
            if needle in (entry / "cmdline").read_bytes():
                found.append(int(entry.name))
    return found


def clean_up(directory: str, groups: list[int]) -> None:
    """Kill the groups and stragglers, then remove the directory (retrying while a dying
    process may still write into it)."""
    for group in groups:
        with contextlib.suppress(OSError):
            os.killpg(group, signal.SIGKILL)
    for _ in range(50):
        stragglers = processes_naming(directory)
        for pid in stragglers:
            with contextlib.suppress(OSError):
                os.kill(pid, signal.SIGKILL)
        shutil.rmtree(directory, ignore_errors=True)
        if not stragglers and not os.path.exists(directory):
            return
        time.sleep(0.1)


def main() -> int:
    # Signals meant for snplan's terminal are not for the watchdog: it ends when its input does.
    for name in ("SIGINT", "SIGHUP", "SIGTSTP"):
        if hasattr(signal, name):
            signal.signal(getattr(signal, name), signal.SIG_IGN)
    directory = tempfile.mkdtemp(prefix="snplan-pdf-")
    try:
        sys.stdout.write(directory + "\n")
        sys.stdout.flush()
        sys.stdout.close()
    except OSError:  # snplan is gone already
        clean_up(directory, [])
        return 0
    groups: list[int] = []
    done = False
    for line in sys.stdin:
        word, _, value = line.strip().partition(" ")
        if word == "group" and value.isdigit():
            groups.append(int(value))
        elif word == "done":
            done = True
    if not done:
        clean_up(directory, groups)
    return 0


if __name__ == "__main__":
    sys.exit(main())
