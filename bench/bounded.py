"""Bounded work, measured: the corpus cases whose cost must stay bounded however hostile the
input (tests/corpus/cases.yaml, the cases with `seconds:`), each timed beside its limit.

    make bench                     (after bench/speed.py)
    python bench/bounded.py [NAME ...]

A 10 MiB file, an alias bomb, 45 000 unknown keys, a FIFO where a data file belongs, prose
that asks for a billion repetitions: each must be refused in about the time given. The test
suite checks what each case answers, never how long it takes (a busy machine is no bug;
DESIGN.md §5): the times are this benchmark's. Every case runs in a process of its own, set up
by the corpus test's own code (`tests.test_corpus.prepare`), with snplan's modules imported
before the clock starts, as they are in the test suite; only the command is timed. A case
that does not end within HANG_FACTOR times its limit (at least a minute) is stopped and shown
as hung. It builds into temporary directories and changes nothing in the repository.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
HANG_FACTOR = 10
HANG_MINIMUM = 60.0
# The modules the commands import when they run: loaded before the clock starts.
WARM = ("snplan.commands.build", "snplan.commands.validate", "snplan.commands.rendering",
        "snplan.output.word", "snplan.output.excel", "snplan.documents", "snplan.rules")


def bounded_cases() -> list[dict[str, Any]]:
    """The corpus cases with a limit, in the corpus's order."""
    sys.path.insert(0, str(ROOT))
    from tests.test_corpus import CASES, PERMISSIONS_APPLY

    return [case for case in CASES if case.get("seconds")
            and not case.get("xfail") and (PERMISSIONS_APPLY or not case.get("as_user"))]


def measure(name: str) -> dict[str, Any]:
    """Set up and run one case in this process; its time, exit code and expected code."""
    import importlib

    for module in WARM:
        importlib.import_module(module)
    [case] = [c for c in bounded_cases() if c["name"] == name]
    from tests.test_corpus import invoke, prepare

    with tempfile.TemporaryDirectory() as tmp:
        args, data, out = prepare(case, Path(tmp))
        started = time.perf_counter()
        result = invoke(args, data, out)
        elapsed = time.perf_counter() - started
    return {"seconds": elapsed, "exit": result.exit_code, "expected": case["exit"]}


def run_case(case: dict[str, Any]) -> str:
    """One line: the case's time beside its limit, marked ok, SLOW, WRONG (another exit code
    than the corpus expects) or HUNG."""
    limit = float(case["seconds"])
    name = case["name"]
    try:
        child = subprocess.run([sys.executable, __file__, "--case", name], cwd=ROOT,
                               capture_output=True, text=True, check=False,
                               timeout=max(HANG_MINIMUM, HANG_FACTOR * limit),
                               env={**os.environ, "PYTHONPATH": str(ROOT)})
    except subprocess.TimeoutExpired as exc:
        return f"HUNG {name:<46} >{exc.timeout:6.0f} s  (limit {limit:5.1f} s)"
    lines = child.stdout.strip().splitlines()
    if child.returncode != 0 or not lines:
        error = (child.stderr.strip().splitlines() or ["no output"])[-1]
        return f"FAIL {name:<46}  the case did not run: {error[:80]}"
    found = json.loads(lines[-1])
    seconds = found["seconds"]
    mark = "ok  " if seconds <= limit else "SLOW"
    if found["exit"] != found["expected"]:
        mark = "WRONG"
    return f"{mark:<4} {name:<46} {seconds:7.2f} s  (limit {limit:5.1f} s)"


def main(argv: list[str]) -> int:
    if argv[:1] == ["--case"]:
        print(json.dumps(measure(argv[1])))
        return 0
    cases = [c for c in bounded_cases() if not argv or c["name"] in argv]
    print(f"Bounded work: {len(cases)} corpus cases, each in a process of its own, the "
          "command alone timed:")
    lines = []
    for case in cases:
        lines.append(run_case(case))
        print(lines[-1], flush=True)
    over = [line for line in lines if not line.startswith("ok")]
    print(f"{len(lines) - len(over)} of {len(lines)} within their limits")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
