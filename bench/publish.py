"""How long publishing every PDF takes (a benchmark, not a timed test): the whole process of
`snplan build --all --format pdf --force` on the shipped data with the Typst engine (the
default), beside DESIGN.md §5's goal of 3 s and, where LibreOffice is installed with its
Python bridge, beside the same build with `--pdf-engine libreoffice` (24.7 s when the goal was
set).

    make bench          (with the other benchmarks)
    .venv/bin/python bench/publish.py

Typst: one warm-up run, then the median of BENCH_RUNS runs (default 3). LibreOffice: one run
(it takes tens of seconds). Both build into temporary directories with a cache directory of
their own, and change nothing in the repository.
"""

from __future__ import annotations

import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SNPLAN = [sys.executable, "-m", "snplan"]
RUNS = int(os.environ.get("BENCH_RUNS", "3"))
GOAL = 3.0
ENVIRONMENT = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}


def build_all(out: Path, cache: Path, engine: str) -> tuple[float, int, str]:
    """One whole build: seconds, PDFs written, and its last line of errors (when it failed)."""
    command = [*SNPLAN, "build", "--all", "--format", "pdf", "--force", "--out", str(out),
               "--data", str(ROOT / "data"), "--pdf-engine", engine]
    started = time.perf_counter()
    done = subprocess.run(command, cwd=ROOT, capture_output=True, text=True,
                          env={**ENVIRONMENT, "XDG_CACHE_HOME": str(cache)}, check=False)
    elapsed = time.perf_counter() - started
    problem = "" if done.returncode == 0 else (done.stderr.strip().splitlines() or ["?"])[-1]
    return elapsed, len(list(out.rglob("*.pdf"))), problem


def main() -> None:
    print("build --all --format pdf, whole process, shipped data")
    with tempfile.TemporaryDirectory(prefix="snplan-bench-publish-") as temporary:
        base = Path(temporary)
        cache = base / "cache"
        _, count, problem = build_all(base / "typst", cache, "typst")  # warm-up
        if problem:
            print(f"  typst: the build failed: {problem}")
            return
        times = [build_all(base / "typst", cache, "typst")[0] for _ in range(RUNS)]
        typst = statistics.median(times)
        verdict = "within" if typst <= GOAL else "OVER"
        print(f"  typst        {typst:6.2f} s for {count} PDFs (median of {RUNS}); goal ≤ "
              f"{GOAL:.0f} s: {verdict}")
        if shutil.which("soffice") is None:
            print("  libreoffice  not measured: soffice is not installed")
            return
        office, office_count, problem = build_all(base / "libreoffice", cache, "libreoffice")
        if problem:
            print(f"  libreoffice  not measured: {problem}")
            return
        print(f"  libreoffice  {office:6.2f} s for {office_count} PDFs (one run); typst takes "
              f"{typst / office:.0%} of its time")


if __name__ == "__main__":
    main()
