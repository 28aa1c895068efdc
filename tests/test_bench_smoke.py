"""The benchmarks still run against the data as it is shaped now (`bench/linear.py` once ran on
none of its rows and nobody noticed): sizes 1k and 10k, no time asserted — only that every
measurement finishes and reports its figures. A generous timeout guards against a hang."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def test_linear_bench_runs_on_the_current_data() -> None:
    result = subprocess.run([sys.executable, str(ROOT / "bench" / "linear.py"), "--sizes",
                             "1000,10000", "--timeout", "600"], capture_output=True, text=True,
                            timeout=1800, check=False, cwd=ROOT)
    assert result.returncode == 0, result.stderr
    lines = [line for line in result.stdout.splitlines() if line.startswith("  ")]
    assert len(lines) == 10, result.stdout  # 3 data series and 2 writer series, 2 sizes each
    assert not any("failed" in line or "cut off" in line for line in lines), result.stdout
    assert all(" s" in line for line in lines)
