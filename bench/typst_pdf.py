"""How long the Typst PDF writer takes on the hand-built sample trees (a benchmark, not a timed
test): DESIGN.md §5 wants every PDF of the shipped data (about 15 documents) within 3 s, so one
small document should take a few hundredths of a second.

    make bench          (with the other benchmarks)
    .venv/bin/python bench/typst_pdf.py

Printed for each sample: the first compile in a fresh process (what a build pays: Typst's caches
are empty and the fonts are read) and the median of further compiles of the same tree in that
process (what a rebuild of an unchanged document costs).
"""

from __future__ import annotations

import json
import os
import statistics
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
RUNS = int(os.environ.get("BENCH_RUNS", "7"))

# Run in a fresh interpreter per sample, so the first compile is a cold one.
_CHILD = """
import json, statistics, sys, time
sys.path.insert(0, sys.argv[1])
from tests import tree_samples
from snplan.output.typst import build
tree = getattr(tree_samples, sys.argv[2])()
started = time.perf_counter()
result = build(tree)
first = time.perf_counter() - started
again = []
for _ in range(int(sys.argv[3])):
    started = time.perf_counter()
    build(tree)
    again.append(time.perf_counter() - started)
print(json.dumps({"first": first, "again": statistics.median(again), "bytes": len(result.pdf),
                  "warnings": list(result.warnings)}))
"""


@dataclass(frozen=True)
class Timing:
    first: float
    again: float
    size: int
    warnings: list[str]


def measure(sample: str) -> Timing:
    output = subprocess.run([sys.executable, "-c", _CHILD, str(ROOT), sample, str(RUNS)],
                            cwd=ROOT, check=True, capture_output=True, text=True).stdout
    found = json.loads(output)
    return Timing(float(found["first"]), float(found["again"]), int(found["bytes"]),
                  [str(w) for w in found["warnings"]])


def main() -> None:
    print("Typst PDF writer on the sample trees (tests/tree_samples.py)")
    firsts = []
    for sample in ("report", "memo", "protocol"):
        found = measure(sample)
        firsts.append(found.first)
        note = f"  warnings: {found.warnings}" if found.warnings else ""
        print(f"  {sample:9s} first compile {found.first:6.3f} s, again {found.again:6.3f} s "
              f"(median of {RUNS}), {found.size // 1024} KB{note}")
    print(f"  goal: every PDF of the shipped data ≤ 3 s in all; these three cold: "
          f"{statistics.fsum(firsts):.3f} s")


if __name__ == "__main__":
    main()
