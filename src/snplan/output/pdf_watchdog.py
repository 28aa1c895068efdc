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

_PROC = Path("/proc")
# LibreOffice's pipes (the one snplan connects through, and the single-instance pipe of its
# profile) are sockets in /tmp whatever TMPDIR says; a killed LibreOffice leaves them there.
_PIPE_DIRECTORIES = ("/tmp", "/var/tmp")


def _stat(pid: int) -> list[str]:
    """The fields of /proc/PID/stat after the command name: state, parent, group, ..."""
    try:
        return (_PROC / str(pid) / "stat").read_text().rpartition(")")[2].split()
    except OSError:
        return []


def running(pid: int) -> bool:
    """Alive and not a zombie (a zombie has ended; only its exit status is left)."""
    fields = _stat(pid)
    return bool(fields) and fields[0] != "Z"


def members(groups: list[int], directory: str) -> set[int]:
    """Running processes in `groups`, or whose command line names `directory` (Linux /proc;
    none elsewhere)."""
    found: set[int] = set()
    if not _PROC.is_dir():
        return found
    needle = directory.encode()
    for entry in _PROC.iterdir():
        if not entry.name.isdigit() or int(entry.name) == os.getpid():
            continue
        pid = int(entry.name)
        fields = _stat(pid)
        if not fields or fields[0] == "Z":
            continue
        if int(fields[2]) in groups:
            found.add(pid)
            continue
        with contextlib.suppress(OSError):
            if needle and needle in (entry / "cmdline").read_bytes():
                found.add(pid)
    return found


def pipes_held(pids: set[int]) -> set[str]:
    """The LibreOffice pipe sockets (`/tmp/OSL_PIPE_*`) that these processes listen on."""
    inodes: set[str] = set()
    for pid in pids:
        with contextlib.suppress(OSError):
            for fd in (_PROC / str(pid) / "fd").iterdir():
                with contextlib.suppress(OSError):
                    target = os.readlink(fd)
                    if target.startswith("socket:["):
                        inodes.add(target[8:-1])
    found: set[str] = set()
    with contextlib.suppress(OSError):
        for line in (_PROC / "net" / "unix").read_text().splitlines()[1:]:
            fields = line.split()
            if len(fields) >= 8 and fields[6] in inodes:
                path = Path(fields[7])
                if str(path.parent) in _PIPE_DIRECTORIES and path.name.startswith("OSL_PIPE_"):
                    found.add(str(path))
    return found


def end_processes(groups: list[int], directory: str) -> None:
    """Kill the process groups and every process naming `directory`, wait until they are
    gone, and remove the pipe sockets they listened on."""
    pids = members(groups, directory)
    pipes = pipes_held(pids)
    for group in groups:
        with contextlib.suppress(OSError):
            os.killpg(group, signal.SIGKILL)
    deadline = time.monotonic() + 10
    while pids and time.monotonic() < deadline:
        for pid in pids:
            with contextlib.suppress(OSError):
                os.kill(pid, signal.SIGKILL)
        time.sleep(0.05)
        pids = {pid for pid in pids if running(pid)} | members(groups, directory)
    for pipe in pipes:
        with contextlib.suppress(OSError):
            os.unlink(pipe)


def clean_up(directory: str, groups: list[int]) -> None:
    """End the processes, then remove the directory (retrying while a dying process may
    still write into it)."""
    end_processes(groups, directory)
    for _ in range(50):
        shutil.rmtree(directory, ignore_errors=True)
        if not os.path.exists(directory):
            return
        end_processes(groups, directory)
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
