"""Speed targets of DESIGN.md §5 and issue 12, measured (a benchmark, not a timed test).

    make bench

1. The whole process of `snplan build årsredovisning 2023 --format docx --force` against pandoc
   converting the same document's Markdown (`--format md`) to .docx, run in turns so both see
   the same machine, median of several runs each; the ratio (goal ≤ 1,0). snplan runs as a
   user's machine runs it, with what earlier runs kept in the user's cache (the check of the
   data, the resolved document); the same with SNPLAN_CACHE=0 is printed beside it.
2. Growth with document size: the report's resolved document with its tables repeated to 10
   and 100 times as many, written by the Word writer (in-process, so start-up is not counted),
   and pandoc on the Markdown with its tables repeated likewise; the growth factors (goal:
   10× the tables ≤ 11× the time).
3. A list of 90 000 items (python-docx's element-by-element insertion took minutes).
4. validate (answered from its snapshot, and checked afresh), --version, -h, build --all
   (Word and Excel) from scratch (into an empty output directory, median of three; and with
   SNPLAN_CACHE=0, nothing kept between runs either), and a build with nothing changed,
   beside their goals (DESIGN.md §5).

It builds into temporary directories and changes nothing in the repository.
"""

from __future__ import annotations

import os
import re
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SNPLAN = [sys.executable, "-m", "snplan"]
RUNS = int(os.environ.get("BENCH_RUNS", "7"))


def pandoc() -> str:
    import pypandoc

    return pypandoc.get_pandoc_path()


# Python may keep its compiled modules (as it does wherever snplan is installed): a machine
# that sets PYTHONDONTWRITEBYTECODE would otherwise compile all of snplan on every run.
ENVIRONMENT = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}


def run(command: list[str]) -> float:
    started = time.perf_counter()
    subprocess.run(command, cwd=ROOT, check=True, capture_output=True, env=ENVIRONMENT)
    return time.perf_counter() - started


def run_env(command: list[str], **extra: str) -> float:
    started = time.perf_counter()
    subprocess.run(command, cwd=ROOT, check=True, capture_output=True,
                   env={**ENVIRONMENT, **extra})
    return time.perf_counter() - started


def side_by_side(first: list[str], second: list[str], runs: int = RUNS) -> tuple[float, float]:
    """Medians of `runs` runs of each command, alternating (after one warm-up run each)."""
    run(first)
    run(second)
    a, b = [], []
    for _ in range(runs):
        a.append(run(first))
        b.append(run(second))
    return statistics.median(a), statistics.median(b)


def timed(work: Callable[[], object], runs: int = 3) -> float:
    samples = []
    for _ in range(runs):
        started = time.perf_counter()
        work()
        samples.append(time.perf_counter() - started)
    return statistics.median(samples)


def report_markdown(out: Path) -> Path:
    subprocess.run([*SNPLAN, "build", "årsredovisning", "2023", "--format", "md", "--force",
                    "--out", str(out)], cwd=ROOT, check=True, capture_output=True,
                   env=ENVIRONMENT)
    return out / "2023" / "arsredovisning-2023.md"


_TABLE = re.compile(r"(?:^\|.*\|[ \t]*\n)+", re.MULTILINE)


def with_tables(markdown: str, times: int) -> str:
    """The document with its tables `times` times over: the copies follow the original text."""
    tables = _TABLE.findall(markdown)
    extra = "\n".join(t for _ in range(times - 1) for t in tables)
    return markdown + "\n" + extra


def _report_tree():  # noqa: ANN202 - a tree.Document
    from snplan.commands.rendering import DEFAULT_TEMPLATES, Settings, resolve_target
    from snplan.documents import Target
    from snplan.source.load import load

    return resolve_target(load(ROOT / "data"), Target(2023, "arsredovisning"),
                          Settings(out=ROOT / "build", templates=DEFAULT_TEMPLATES))


def _tree_with_tables(document, times: int):  # noqa: ANN001, ANN202
    import dataclasses

    from snplan.tree import Section

    tables = [t for t in document.tables() if t.printed]
    extra = Section(None, 1, tuple(t for _ in range(times - 1) for t in tables))
    return dataclasses.replace(document, blocks=(*document.blocks, extra)), len(tables)


def growth(markdown_path: Path) -> list[tuple[int, int, float, float]]:
    """(factor, tables, writer seconds, pandoc seconds) for 1×, 10×, 100× the tables."""
    from snplan.output import word
    from snplan.output.charts import png

    reference = ROOT / "templates" / "reference.docx"
    document = _report_tree()
    base = markdown_path.read_text(encoding="utf-8")
    rows = []
    with tempfile.TemporaryDirectory() as work:
        for factor in (1, 10, 100):
            tree, count = _tree_with_tables(document, factor)
            text = with_tables(base, factor)
            source = Path(work) / f"x{factor}.md"
            source.write_text(text, encoding="utf-8")
            ours = timed(lambda tree=tree: word.write(tree, reference, png),
                         3 if factor < 100 else 1)
            theirs = timed(lambda source=source: run(
                [pandoc(), str(source), "-o", str(source.with_suffix(".docx"))]),
                3 if factor < 100 else 1)
            rows.append((factor, count * factor, ours, theirs))
    return rows


def long_list() -> float:
    import datetime as dt

    from snplan.output import word
    from snplan.output.charts import png
    from snplan.tree import Document, ListBlock, ListItem, Meta, Paragraph, Text

    meta = Meta("Prov", "Prov", "snplan", "Solna stad", "Socialförvaltningen",
                "Tjänsteskrivelse", dt.datetime(2024, 1, 1))
    items = tuple(ListItem((Paragraph((Text(f"Mottagare {n}"),)),)) for n in range(90_000))
    document = Document(meta, (ListBlock(items),))
    return timed(lambda: word.write(document, ROOT / "templates" / "reference.docx", png), 1)


def main() -> None:
    with tempfile.TemporaryDirectory() as out:
        markdown = report_markdown(Path(out) / "md")
        build = [*SNPLAN, "build", "årsredovisning", "2023", "--format", "docx", "--force",
                 "--out", str(Path(out) / "docx")]
        convert = [pandoc(), str(markdown), "-o", str(Path(out) / "pandoc.docx")]
        ours, theirs = side_by_side(build, convert)
        print("Årsredovisning 2023 as .docx, whole process, median of "
              f"{RUNS} runs each, in turns:")
        print(f"  snplan build --format docx   {ours:6.3f} s")
        print(f"  pandoc on the same Markdown  {theirs:6.3f} s")
        mark = "ok " if ours <= theirs else "SLOW"
        print(f"{mark} ratio snplan / pandoc         {ours / theirs:6.2f}   (goal ≤ 1,00)")
        # the same with nothing kept between runs: the data read, checked and resolved anew
        afresh = statistics.median(run_env(build, SNPLAN_CACHE="0") for _ in range(RUNS))
        print(f"     snplan, SNPLAN_CACHE=0      {afresh:6.3f} s  "
              f"(ratio {afresh / theirs:.2f}; the data read and resolved in every run)")
        print()
        print("Growth with the number of tables (Word writer in-process; pandoc whole process):")
        rows = growth(markdown)
        base_ours, base_theirs = rows[0][2], rows[0][3]
        for factor, tables, mine, other in rows:
            print(f"  {factor:>3}× ({tables:>5} tables)  writer {mine:7.3f} s "
                  f"(×{mine / base_ours:6.1f})   pandoc {other:7.3f} s "
                  f"(×{other / base_theirs:6.1f})")
        for factor, _, mine, _ in rows[1:]:
            grown = mine / base_ours
            mark = "ok " if grown <= factor * 1.1 else "SLOW"
            print(f"{mark} {factor}× the tables take {grown:.1f}× the time "
                  f"(goal ≤ {factor * 1.1:.0f}×)")
        print()
        listing = long_list()
        mark = "ok " if listing <= 10 else "SLOW"
        print(f"{mark} a list of 90 000 items            {listing:6.2f} s  (goal: seconds)")
        print()
        run([*SNPLAN, "validate"])  # the snapshot of this code and data
        rows2 = [("snplan validate (unchanged data: its snapshot)",
                  statistics.median(run([*SNPLAN, "validate"]) for _ in range(5)), 0.25),
                 ("snplan validate, checked afresh (SNPLAN_CACHE=0)",
                  statistics.median(run_env([*SNPLAN, "validate"], SNPLAN_CACHE="0")
                                    for _ in range(3)), 1.0),
                 ("snplan --version", statistics.median(run([*SNPLAN, "--version"])
                                                        for _ in range(5)), 0.1),
                 ("snplan -h", statistics.median(run([*SNPLAN, "-h"]) for _ in range(5)),
                  0.1)]

        def from_scratch(number: int, **extra: str) -> float:
            """Word then Excel for every document into an empty output directory."""
            fresh = [*SNPLAN, "build", "--all", "--out", str(Path(out) / f"scratch-{number}")]
            return run_env([*fresh, "--format", "docx"], **extra) + \
                run_env([*fresh, "--format", "xlsx"], **extra)

        rows2.append(("build --all, Word and Excel, from scratch",
                      statistics.median(from_scratch(n) for n in range(3)), 1.5))
        rows2.append(("the same, SNPLAN_CACHE=0 (nothing kept)",
                      statistics.median(from_scratch(n + 3, SNPLAN_CACHE="0")
                                        for n in range(3)), 1.5))
        everything = [*SNPLAN, "build", "--all", "--out", str(Path(out) / "all")]
        run([*everything, "--format", "docx"])
        rows2.append(("build --all again, nothing changed",
                      statistics.median(run([*everything, "--format", "docx"])
                                        for _ in range(5)), 0.3))
        for name, seconds, target in rows2:
            mark = "ok " if seconds <= target else "SLOW"
            print(f"{mark} {name:<50} {seconds:6.2f} s  (target {target:.2f} s)")


if __name__ == "__main__":
    main()
