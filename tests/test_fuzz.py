"""Fuzzing the shipped data: whatever a mutation does to a data file (a line or a block
deleted or duplicated, a value given another type, a key or a value garbled), validation and
building end in one of two ways: a clean result, or problems that each name a file. Never
another exception.

For speed, each example mutates organisation.yaml or a file of one year in a small copy of the
shipped data (organisation.yaml, that year, and the files of the year before that its
documents compare against), and calls the library functions that `snplan validate` and
`snplan build` call: `validate.run`, then, when the data is still valid, `resolve_target` for
one of the year's documents (where prose expressions are evaluated) or, for one example in
RENDER_FILES_ONE_IN, `render_target` (the Word and Excel files). CI (the CI environment
variable set, as .ci/run does) runs FUZZ_EXAMPLES_CI examples with a fixed seed; a local run
runs FUZZ_EXAMPLES_LOCAL with a random seed and the example database in .hypothesis/
(git-ignored). SNPLAN_FUZZ_EXAMPLES=N runs N examples, for a longer hunt.

A second test writes generated prose expressions and statements (the prose language and much
that it refuses: loops, calls, Jinja's functions, `%`, filters and methods that allocate by a
number) into a `sammanfattning` text and checks that validation and the build agree: every
reason the prose rules give is reported by `snplan validate` at the file and field and refused
by the evaluation alike, and prose that validates is evaluated to text or to problems naming
the file, never to another exception.

Nothing here is timed (a busy machine is no bug): each example runs under a hang guard
(tests/hang_guard.py) that ends the run only if it never finishes; how long the bounded cases
take is `make bench`'s to show (bench/bounded.py), and the prose evaluation keeps its own
budget.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import tempfile
import zlib
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
import yaml
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

from snplan import documents
from snplan.commands.rendering import BuildError, Settings, render_target, resolve_target
from snplan.problems import Problem
from snplan.prose import rules as prose_rules
from snplan.prose.sandbox import ExpressionError, environment, render_string
from snplan.rules import report as validate
from snplan.source.dispositions import DEFAULTS_DIR

from .conftest import DATA, ROOT
from .hang_guard import hang_guard

FUZZ_EXAMPLES_CI = 1000
FUZZ_EXAMPLES_LOCAL = 150
IN_CI = bool(os.environ.get("CI"))
RENDER_FILES_ONE_IN = 16

# (year mutated, year before it, the files of the year before that the year's documents
# compare against): each is a small data directory with organisation.yaml.
SCENARIOS = [
    (2020, 2019, ("verksamhetsplan.yaml",)),
    (2021, 2020, ("arsredovisning.yaml",)),
    (2022, 2021, ("verksamhetsplan.yaml",)),
    (2023, 2022, ("arsredovisning.yaml",)),
]
TEMPLATES = ROOT / "templates"

# Values a retyped line may get: each type a field may wrongly hold, and hostile text.
HOSTILE_VALUES = [
    "abc", '"text"', "-1", "0", "-0.5", "1e999999", "12345678901234567890123", "99999999999999999",
    "[]", "{}", "[1, 2]", "{a: 1}", "null", "~", "true", "no", "2023-13-45", "2023-02-29",
    ".nan", "-.inf", '""', "'='", '"=SUM(A1)"', '"+cmd|\' /C calc\'!A0"', '"@x"',
    '"{{ okand }}"', '"{{ netto.utfall * 2 }}"', '"{{ netto.finns_inte }}"',
    '"{{ \'\'.__class__.__mro__ }}"', '"{{ 9 ** 9 ** 9 }}"', '"{{ 1 / 0 }}"', '"{% for %}"',
    '"{{"', '"\\x07"', '"\\x00"', '"\\uFFFE"', '"\\uD800"', '"a\\tb"', '"\\e[31m"',
    "&anchor 1", "*nowhere", "!!python/object/apply:os.system ['true']", "!!binary aGVq",
    "!!set {a}", "|", ">", "'unclosed", '"unclosed', "{", "[", "- x", "a: b: c", "@", "`",
    "%", "!", "? x", "<<: {}", "0x1F", "0o17", "1_000", "+12", "1:20", "12:30", "10:61",
    "2024", "1899", "2201", "5", "17", "niva9", "Verksamhet", "x" * 300,
]
GARBAGE = st.text(
    alphabet=st.sampled_from(list(":{}[]&*!|>'\"%@#-?,\t \\=_") + list("aåz09é€\u200b\u2028")),
    min_size=1, max_size=6)
KEY_LINE = re.compile(r"^(?P<indent>\s*(?:- )?)(?P<key>[^\s:#'\"-][^:#]*?):(?P<rest>\s.*|)$")
ITEM_LINE = re.compile(r"^(?P<indent>\s*- )(?P<value>.+)$")
# Operations, the likelier ones (values of the wrong type or size) listed more than once.
OPERATIONS = ["retype", "renumber", "delete", "duplicate", "retype", "renumber", "delete-block",
              "duplicate-block", "rekey", "garble", "swap"]
# What a number may become: negative, huge (as a YAML number or as text pydantic converts),
# text, a date-like or more precise value.
RENUMBERED = ["-{}", "{}e30", '"{}"', "{}000000", "{}.{}", '"{}e999999"', "0.{}", "{}{}{}{}",
              "{}e-30"]
NUMBER = re.compile(r"(?<![\w.])-?\d+(?:\.\d+)?(?![\w.])")


def _block_end(lines: list[str], start: int) -> int:
    """The line after the block that starts at `start` (the line and those indented more)."""
    indent = len(lines[start]) - len(lines[start].lstrip(" "))
    end = start + 1
    while end < len(lines):
        line = lines[end]
        if line.strip() and len(line) - len(line.lstrip(" ")) <= indent:
            break
        end += 1
    return end


def mutate(text: str, data: st.DataObject) -> str:
    """One mutation of a YAML text, drawn from `data`."""
    lines = text.split("\n")
    # Most mutations hit a line with a key or a list item (prose paragraphs are long lines
    # but hold few of the values that can go wrong); the rest hit any line.
    fields = [i for i, line in enumerate(lines)
              if (KEY_LINE.match(line) or ITEM_LINE.match(line)) and len(line) < 200]
    if fields and data.draw(st.integers(0, 3), label="field line") > 0:
        index = fields[data.draw(st.integers(0, len(fields) - 1), label="field")]
    else:
        index = data.draw(st.integers(0, max(0, len(lines) - 1)), label="line")
    line = lines[index]
    operation = data.draw(st.sampled_from(OPERATIONS), label="operation")
    if operation == "delete":
        del lines[index]
    elif operation == "duplicate":
        lines.insert(index, line)
    elif operation == "delete-block":
        del lines[index:_block_end(lines, index)]
    elif operation == "duplicate-block":
        end = _block_end(lines, index)
        lines[end:end] = lines[index:end]
    elif operation == "retype":
        value = data.draw(st.one_of(
            st.sampled_from(HOSTILE_VALUES),
            st.text(max_size=20).map(lambda t: json.dumps(t)),
            st.integers(-10**6, 10**6).map(str),
            st.decimals(allow_nan=False, allow_infinity=False, places=2).map(str),
        ), label="value")
        key = KEY_LINE.match(line)
        item = ITEM_LINE.match(line)
        if key:
            lines[index] = f"{key['indent']}{key['key']}: {value}"
        elif item:
            lines[index] = f"{item['indent']}{value}"
        else:
            lines[index] = value
    elif operation == "renumber":
        number = NUMBER.search(line)
        if number:
            value = data.draw(st.sampled_from(RENUMBERED), label="renumbered")
            lines[index] = line[:number.start()] + value.replace("{}", number.group()) \
                + line[number.end():]
    elif operation == "rekey":
        key = KEY_LINE.match(line)
        if key:
            new = data.draw(st.one_of(
                st.from_regex(r"[a-z_]{1,12}", fullmatch=True),
                st.just(key["key"] + "x"), st.just(key["key"][::-1]),
                st.just(key["key"].upper()), st.sampled_from(["ar", "id", "<<", "1", "true"]),
            ), label="key")
            lines[index] = f"{key['indent']}{new}:{key['rest']}"
    elif operation == "garble":
        position = data.draw(st.integers(0, len(line)), label="position")
        lines[index] = line[:position] + data.draw(GARBAGE, label="garbage") + line[position:]
    else:
        other = data.draw(st.integers(0, max(0, len(lines) - 1)), label="other line")
        lines[index], lines[other] = lines[other], lines[index]
    return "\n".join(lines)


@pytest.fixture(scope="module")
def workspaces() -> Iterator[dict[int, Path]]:
    """One small data directory per scenario, reused (and restored) by every example."""
    base = Path(tempfile.mkdtemp(prefix="snplan-fuzz-"))
    spaces = {}
    for year, previous, compared in SCENARIOS:
        root = base / str(year) / "data"
        root.mkdir(parents=True)
        shutil.copy2(DATA / "organisation.yaml", root / "organisation.yaml")
        shutil.copytree(DATA / str(year), root / str(year))
        (root / str(previous)).mkdir()
        for name in compared:
            shutil.copy2(DATA / str(previous) / name, root / str(previous) / name)
        spaces[year] = root
    yield spaces
    shutil.rmtree(base, ignore_errors=True)


@contextmanager
def changed(path: Path, text: str) -> Iterator[None]:
    original = path.read_bytes()
    path.write_text(text, encoding="utf-8")
    try:
        yield
    finally:
        path.write_bytes(original)


def assert_names_a_file(problem: Problem, root: Path) -> None:
    """A problem names a file of the data (or a template, or the shipped outline the data
    is read by: a table of it that the organisation's data cannot give is named at the
    outline's line) and says something."""
    assert problem.message.strip(), problem
    where = Path(problem.path)
    if not where.is_absolute():
        where = Path.cwd() / where
    inside = any(where.resolve().is_relative_to(place.resolve())
                 for place in (root, TEMPLATES, DEFAULTS_DIR))
    assert inside and where.suffix in {".yaml", ".j2"}, f"names no file: {problem.format()}"
    problem.format()


def check_build(report: validate.Report, root: Path, year: int, text: str,
                data: st.DataObject) -> None:
    """Render one of the year's documents from valid data: it ends as files or as a
    BuildError whose problems name files. Rendering is slower than validating, so every valid
    example lays its document out as Markdown (where prose expressions are evaluated) and one
    in RENDER_FILES_ONE_IN renders the Word (and Excel) files."""
    ds = report.dataset
    targets = [t for t in documents.all_targets(ds) if t.year == year]
    if not targets:
        return
    target = data.draw(st.sampled_from(targets), label="document")
    # Hypothesis favours small integers, so the choice comes from the mutated text instead.
    render_files = zlib.crc32(text.encode("utf-8", "surrogatepass")) % RENDER_FILES_ONE_IN == 0
    formats = ["docx", "xlsx"] if target.kind in {"verksamhetsplan", "arsredovisning"} \
        else ["docx"]
    settings_ = Settings(out=root.parent / "out", templates=TEMPLATES)
    try:
        if render_files:
            render_target(ds, target, settings_, formats)
        else:
            resolve_target(ds, target, settings_)
    except BuildError as exc:
        assert exc.problems
        for problem in exc.problems:
            assert_names_a_file(problem, root)


@settings(
    max_examples=int(os.environ.get("SNPLAN_FUZZ_EXAMPLES", 0))
    or (FUZZ_EXAMPLES_CI if IN_CI else FUZZ_EXAMPLES_LOCAL),
    derandomize=IN_CI,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large,
                           HealthCheck.function_scoped_fixture],
)
@given(data=st.data())
def test_mutated_data_validates_or_names_a_file(workspaces: dict[int, Path],
                                                data: st.DataObject) -> None:
    year = data.draw(st.sampled_from([s[0] for s in SCENARIOS]), label="year")
    root = workspaces[year]
    files = [root / "organisation.yaml", *sorted((root / str(year)).rglob("*.yaml"))]
    path = data.draw(st.sampled_from(files), label="file")
    text = path.read_text(encoding="utf-8")
    for _ in range(data.draw(st.integers(1, 2), label="mutations")):
        text = mutate(text, data)
    with changed(path, text), hang_guard():
        report = validate.run(root)
        for problem in report.problems:
            assert_names_a_file(problem, root)
        if not report.errors:
            check_build(report, root, year, text, data)


# --- prose expressions ------------------------------------------------------------------------

FUZZ_PROSE_CI = 200
FUZZ_PROSE_LOCAL = 40
NAMES = ["ar", "netto", "netto.utfall", "netto.procent", "netto.budgetavvikelse", "ram",
         "ram.budget", "ram.forandring", "intakter.forandring", "kostnader.utfall",
         "personal.sjukfranvaro", "enhet['ifo'].budget", "enhet.ifo", "nyckeltal", "okand",
         "netto.finns_inte", "_privat", "range", "lipsum", "namespace", "cycler", "loop",
         "self", "dict"]
LITERALS = ["0", "1", "-1", "1.5", "99999", "3000000000", "10000000000", "'x'", "''",
            "'%0999999999d'", "'{:>999999999}'", "'{0.__class__}'", "[1, 2]", "(1,)",
            "true", "none", "{'a': 1}", "'__class__'"]
OPERATORS = ["+", "-", "*", "/", "//", "%", "**", "~", "and", "or", "==", "<", ">=", "in",
             "not in", "is", "is not"]
PROSE_FILTERS = ["abs", "belopp", "belopp(true)", "belopp(1)", "tal", "tal(1)", "tal(6)",
                 "tal(7)", "tal(1000000000)", "tal(-1)", "procent", "procent(2)", "round(1)",
                 "round(2, 'floor')", "int", "float", "upper", "lower", "title", "length",
                 "count", "first", "last", "string", "trim", "default('saknas')",
                 "default(ar, true)", "center(3000000000)", "format(1)", "replace('', 'xx')",
                 "join(',')", "attr('__class__')", "list", "wordwrap(5)", "indent(99999)",
                 "truncate(5)", "random", "map('upper')", "batch(99999)", "sum", "tojson",
                 "e", "safe"]
METHODS = ["ljust(3000000000)", "rjust(99)", "center(10)", "format(1)", "zfill(99999999)",
           "to_bytes(99999999, 'big')", "encode()", "replace('', 'x')", "__class__", "mro()",
           "upper()", "items()", "keys()", "quantize(1)", "budget", "utfall", "real"]
TESTS = ["defined", "none", "number", "odd", "divisibleby(0)", "sameas(1)", "callable",
         "string"]
PROSE_ATOMS = st.one_of(st.sampled_from(NAMES), st.sampled_from(LITERALS),
                        st.integers(-10**20, 10**20).map(str))


def _compound(inner: st.SearchStrategy[str]) -> st.SearchStrategy[str]:
    return st.one_of(
        st.tuples(inner, st.sampled_from(OPERATORS), inner).map(
            lambda t: f"({t[0]} {t[1]} {t[2]})"),
        st.tuples(inner, st.sampled_from(PROSE_FILTERS)).map(lambda t: f"{t[0]} | {t[1]}"),
        st.tuples(inner, st.sampled_from(METHODS)).map(lambda t: f"{t[0]}.{t[1]}"),
        st.tuples(inner, st.sampled_from(TESTS)).map(lambda t: f"({t[0]} is {t[1]})"),
        st.tuples(inner, inner, inner).map(lambda t: f"({t[0]} if {t[1]} else {t[2]})"),
        st.tuples(inner, inner).map(lambda t: f"{t[0]}[{t[1]}]"),
        inner.map(lambda x: f"(not {x})"),
        inner.map(lambda x: f"(-{x})"),
        st.tuples(st.sampled_from(["range", "lipsum", "namespace", "dict", "cycler", "ar",
                                   "joiner"]), inner).map(lambda t: f"{t[0]}({t[1]})"),
    )


PROSE_EXPRESSIONS = st.recursive(PROSE_ATOMS, _compound, max_leaves=5)
PROSE_PARTS = st.one_of(
    PROSE_EXPRESSIONS.map(lambda x: "{{ " + x + " }}"),
    PROSE_EXPRESSIONS.map(lambda x: "{{ " + x + " }}"),
    st.tuples(PROSE_EXPRESSIONS, PROSE_EXPRESSIONS).map(
        lambda t: "{% for i in " + t[0] + " %}{{ " + t[1] + " }}{% endfor %}"),
    PROSE_EXPRESSIONS.map(lambda x: "{% set v = " + x + " %}{{ v }}"),
    PROSE_EXPRESSIONS.map(lambda x: "{% if " + x + " %}ja{% else %}nej{% endif %}"),
    PROSE_EXPRESSIONS.map(lambda x: "{% with v = " + x + " %}{{ v }}{% endwith %}"),
    PROSE_EXPRESSIONS.map(lambda x: "{{ " + x),
    PROSE_EXPRESSIONS.map(lambda x: x + " }}"),
    st.sampled_from(["{% include 'verksamhetsplan.md.j2' %}", "{% for %}", "{{ }}",
                     "{% macro m() %}{{ m() }}{% endmacro %}{{ m() }}", "{% raw %}{{ x }}",
                     "{% raw %}{{ x }}{% endraw %}", "{# kommentar #}", "{{ '}}' }}",
                     "{%- if true -%}x{%- endif -%}", "{{ ar }}{{ ar }}"]),
)
PROSE_TEXTS = st.tuples(st.sampled_from(["Nettot var ", "", "Året ", "> "]),
                        st.lists(PROSE_PARTS, min_size=1, max_size=3).map(" ".join),
                        st.sampled_from([" mkr.", "", " och ![bild](https://x/y.png)."])
                        ).map("".join)
# Where a generated text goes: the plan's or the report's summary, as a line of its block.
PROSE_PLACES = {2022: ("verksamhetsplan.yaml", "  text: |\n", "    "),
                2023: ("arsredovisning.yaml", "sammanfattning: |\n", "  ")}


@settings(
    max_examples=int(os.environ.get("SNPLAN_FUZZ_EXAMPLES", 0))
    or (FUZZ_PROSE_CI if IN_CI else FUZZ_PROSE_LOCAL),
    derandomize=IN_CI,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large,
                           HealthCheck.function_scoped_fixture],
)
@given(data=st.data())
def test_prose_expressions_validate_and_build_agree(workspaces: dict[int, Path],
                                                    data: st.DataObject) -> None:
    year = data.draw(st.sampled_from(sorted(PROSE_PLACES)), label="year")
    name, anchor, indent = PROSE_PLACES[year]
    root = workspaces[year]
    path = root / str(year) / name
    original = path.read_text(encoding="utf-8")
    assert anchor in original
    prose = data.draw(PROSE_TEXTS, label="prose")
    text = original.replace(anchor, anchor + indent + prose + "\n\n", 1)
    summary = yaml.safe_load(text)["sammanfattning"]
    field_text = summary if isinstance(summary, str) else summary["text"]
    reasons = prose_rules.refusals(field_text)
    with changed(path, text), hang_guard():
        report = validate.run(root)
        for problem in report.problems:
            assert_names_a_file(problem, root)
        here = {p.message for p in report.errors
                if p.path.endswith(f"{year}/{name}")
                and p.field in {"sammanfattning", "sammanfattning.text"}}
        # every reason of the prose rules is reported by validation, at the file and field
        assert set(reasons) <= here, (prose, reasons, here)
        expression_reasons = prose_rules.expression_refusals(field_text) \
            if prose_rules.has_expression(field_text) else ()
        if expression_reasons:
            # ... and the build's evaluation refuses the text with the same reasons
            with pytest.raises(ExpressionError) as raised:
                render_string(environment(TEMPLATES, "mkr"), field_text, {})
            assert str(raised.value) == "; ".join(expression_reasons)
        event("refused by the prose rules" if reasons else
              "validation errors" if report.errors else "validates")
        if report.errors:
            return
        # prose that validates is evaluated to text or to problems naming the file
        ds = report.dataset
        target = next(t for t in documents.all_targets(ds)
                      if t.year == year and t.kind in {"verksamhetsplan", "arsredovisning"})
        try:
            resolve_target(ds, target, Settings(out=root.parent / "out", templates=TEMPLATES))
        except BuildError as exc:
            for problem in exc.problems:
                assert_names_a_file(problem, root)
                assert "is not allowed in prose" not in problem.message, problem
