"""Does the cost of validating and building grow linearly with the input? (a benchmark, not a
timed test; DESIGN.md §5: "10× the tables ≤ 11× the time", issue 15: 1k, 10k, 100k.)

    .venv/bin/python bench/linear.py [--timeout SECONDS] [--sizes 1000,10000,100000]

For each size N it makes a copy of tests/fixtures/annan-kommun whose 2024 plan holds

- paragraphs: a summary of N paragraphs (one text, so any N fits the 5 MiB file limit), the
              first with a figure expression;
- expressions: the same with a figure expression in every paragraph (N expressions in one
              text: the worst case of prose, parsed by Jinja and evaluated);
- rows:       N assignments (uppdrag), one table row each. A data file holds at most 100 000
              values and an assignment takes five, so N stops at 19 000 here (100 000 rows
              are refused by the reader, in well under a second, which is the point of the
              limit);

and times, each in a fresh process (so one size cannot warm the next, and a run that is too
slow is cut off at --timeout): `validate` (load and check), `markdown` (context, template and
prose expressions: the Markdown the Word writer gets), and `word` (the Word writer on that
Markdown, and saving). A further series gives the Word writer Markdown of N paragraphs and of
a table of N rows directly, for N up to 100 000, whatever the data layer's limits.

The ratio column is t(N) / t(N/10): linear is about 10.
"""

from __future__ import annotations

import argparse
import json
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
FIXTURE = ROOT / "tests" / "fixtures" / "annan-kommun"
# A data file holds at most 100 000 values (yamlsource.MAX_NODES); an assignment takes 5.
MAX_ROWS_IN_DATA = 19_000


def make_data(folder: Path, kind: str, size: int) -> Path:
    """A data directory whose 2024 plan holds `size` paragraphs or table rows."""
    data = folder / "data"
    shutil.copytree(FIXTURE, data)
    plan = data / "2024" / "verksamhetsplan.yaml"
    text = plan.read_text(encoding="utf-8")
    if kind in {"paragraphs", "expressions"}:
        # short paragraphs, so 100 000 of them fit in a data file (at most 5 MiB); one
        # figure expression in all, or one in every paragraph
        figure = "{{ ram.budget | belopp }}"
        body = "".join(f"  {i}: {figure if kind == 'expressions' or i == 0 else 'nämnden'} "
                       "planerar.\n\n" for i in range(size))
        text = text.replace("sammanfattning: Nämnden planerar för tre mål.\n",
                            "sammanfattning: |\n" + body)
    else:
        rows = "".join(f"  - id: u{i}\n    text: Uppdrag {i} om samverkan.\n"
                       for i in range(size))
        text += "uppdrag:\n" + rows
    plan.write_text(text, encoding="utf-8")
    return data


def measure_pipeline(kind: str, size: int) -> dict[str, float]:
    """Seconds of each stage for one data size (run in a child process)."""
    from snplan.output.docx import DocxRenderer

    from snplan.commands.rendering import DEFAULT_TEMPLATES, Settings, render_markdown
    from snplan.documents import Target
    from snplan.output.meta import DocumentMeta
    from snplan.rules import report as validate

    with tempfile.TemporaryDirectory() as folder:
        data = make_data(Path(folder), kind, size)
        started = time.perf_counter()
        report = validate.run(data)
        times = {"validate": time.perf_counter() - started}
        if report.errors:
            raise SystemExit(f"the data does not validate: {report.errors[0].format()}")
        settings = Settings(out=Path(folder) / "out", templates=DEFAULT_TEMPLATES)
        started = time.perf_counter()
        markdown, built = render_markdown(report.dataset, Target(2024, "verksamhetsplan"),
                                          settings)
        times["markdown"] = time.perf_counter() - started
        times["word"] = _word(markdown, DocxRenderer, DocumentMeta, built.title)
    return times


def measure_writer(kind: str, size: int) -> dict[str, float]:
    """Seconds of the Word writer alone on Markdown of `size` paragraphs or rows."""
    from snplan.output.docx import DocxRenderer

    from snplan.output.meta import DocumentMeta

    if kind == "paragraphs":
        markdown = "# Rubrik\n\n" + "".join(f"Stycke {i} med **fet** text.\n\n"
                                            for i in range(size))
    else:
        markdown = "# Rubrik\n\n| Namn | Belopp |\n|---|--:|\n" + "".join(
            f"| Rad {i} | {i} |\n" for i in range(size))
    return {"word": _word(markdown, DocxRenderer, DocumentMeta, "Prov")}


def _word(markdown: str, renderer: type, meta_type: type, title: str) -> float:
    import datetime as dt
    import io

    meta = meta_type(title=title, subject="", author="bench", organisation="bench",
                     administration="bench", kind_label="Prov",
                     timestamp=dt.datetime(2024, 1, 1, tzinfo=dt.UTC))
    started = time.perf_counter()
    document = renderer(ROOT / "templates" / "reference.docx").render(markdown, meta)
    document.save(io.BytesIO())
    return time.perf_counter() - started


def _child(series: str, kind: str, size: int, timeout: float) -> dict[str, float] | None:
    """Run one measurement in a fresh process; None when it ran past `timeout`."""
    command = [sys.executable, __file__, "--one", series, kind, str(size)]
    try:
        result = subprocess.run(command, capture_output=True, text=True, timeout=timeout,
                                check=False, cwd=ROOT)
    except subprocess.TimeoutExpired:
        return None
    if result.returncode != 0:
        print(f"  {kind:<11} {size:>7}  failed: {result.stderr.strip().splitlines()[-1]}")
        return {}
    return json.loads(result.stdout.strip().splitlines()[-1])


def _table(series: str, kind: str, sizes: list[int], timeout: float) -> None:
    previous: dict[str, float] = {}
    for size in sizes:
        times = _child(series, kind, size, timeout)
        if not times:
            if times is None:
                print(f"  {kind:<11} {size:>7}  more than {timeout:.0f} s (cut off)")
            previous = {}
            continue
        parts = []
        for stage, seconds in times.items():
            ratio = f" ×{seconds / previous[stage]:4.1f}" if stage in previous and \
                previous[stage] > 0 else "      "
            parts.append(f"{stage} {seconds:8.3f} s{ratio}")
        print(f"  {kind:<11} {size:>7}  " + "   ".join(parts))
        previous = times


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--timeout", type=float, default=300.0,
                        help="the most one measurement may take (seconds)")
    parser.add_argument("--sizes", default="1000,10000,100000")
    parser.add_argument("--series", choices=["all", "pipeline", "writer"], default="all")
    parser.add_argument("--one", nargs=3, help=argparse.SUPPRESS)
    arguments = parser.parse_args()
    if arguments.one:
        series, kind, size = arguments.one
        measure = measure_pipeline if series == "pipeline" else measure_writer
        print(json.dumps(measure(kind, int(size))))
        return
    sizes = [int(s) for s in arguments.sizes.split(",")]
    if arguments.series in {"all", "pipeline"}:
        print("validate, prose and template (markdown) and the Word writer (word), on data:")
        _table("pipeline", "paragraphs", sizes, arguments.timeout)
        _table("pipeline", "expressions", sizes, arguments.timeout)
        _table("pipeline", "rows", [min(s, MAX_ROWS_IN_DATA) for s in sizes],
               arguments.timeout)
    if arguments.series in {"all", "writer"}:
        print("the Word writer alone, on Markdown:")
        _table("writer", "paragraphs", sizes, arguments.timeout)
        _table("writer", "rows", sizes, arguments.timeout)


if __name__ == "__main__":
    main()
