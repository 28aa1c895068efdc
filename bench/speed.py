"""Speed targets of DESIGN.md §5, measured (a benchmark, not a timed test).

    make bench

prints the median of a few runs of each, beside its target. It builds into a temporary
directory and changes nothing in the repository.
"""

from __future__ import annotations

import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SNPLAN = [sys.executable, "-m", "snplan"]


def timed(command: list[str], runs: int = 5) -> float:
    samples = []
    for _ in range(runs):
        started = time.perf_counter()
        subprocess.run(command, cwd=ROOT, check=True, capture_output=True)
        samples.append(time.perf_counter() - started)
    return statistics.median(samples)


def render_report() -> float:
    from snplan.build import DEFAULT_TEMPLATES, Settings, render_docx
    from snplan.documents import Target
    from snplan.load import load

    ds = load(ROOT / "data")
    settings = Settings(out=Path(tempfile.mkdtemp()), templates=DEFAULT_TEMPLATES)
    target = Target(2023, "arsredovisning")
    render_docx(ds, target, settings)  # warm: templates compiled, fonts cached
    samples = []
    for _ in range(5):
        started = time.perf_counter()
        render_docx(ds, target, settings)
        samples.append(time.perf_counter() - started)
    return statistics.median(samples)


def main() -> None:
    rows = [("snplan validate", timed([*SNPLAN, "validate"]), 0.35)]
    rows.append(("render årsredovisning 2023 .docx (with charts)", render_report(), 0.4))
    with tempfile.TemporaryDirectory() as out:
        build = [*SNPLAN, "build", "--all", "--out", out]
        # Word and Excel from scratch: two runs (each with its own start-up), an upper bound
        scratch = (timed([*build, "--format", "docx", "--force"], 1)
                   + timed([*build, "--format", "xlsx", "--force"], 1))
        rows.append(("build --all, Word and Excel, from scratch", scratch, 6.0))
        subprocess.run([*build, "--format", "docx"], cwd=ROOT, check=True, capture_output=True)
        rows.append(("build --all again, nothing changed",
                     timed([*build, "--format", "docx"]), 0.5))
    for name, seconds, target in rows:
        mark = "ok " if seconds <= target else "SLOW"
        print(f"{mark} {name:<50} {seconds:6.2f} s  (target {target:.2f} s)")


if __name__ == "__main__":
    main()
