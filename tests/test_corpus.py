"""The corpus of hostile and broken input (tests/corpus/cases.yaml): every case ends with its
exit code and a message naming the file (and the line, where there is one), never with a
traceback; a build that fails leaves its output directory exactly as it was."""

from __future__ import annotations

import os
import re
import shutil
import stat
import tempfile
import time
import tracemalloc
import zipfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
import yaml
from typer.testing import CliRunner

from snplan.cli import app
from snplan.commands import validate

from .conftest import OTHER_ORG, ROOT

CASES_FILE = Path(__file__).resolve().parent / "corpus" / "cases.yaml"
CASES: list[dict[str, Any]] = yaml.safe_load(CASES_FILE.read_text(encoding="utf-8"))
TEMPLATES = ROOT / "templates"
SECRET = "TOPSECRET-snplan-corpus"


def _permissions_apply() -> bool:
    """Whether file permissions stop this process (not for root, nor for a process with the
    capability to override them)."""
    with tempfile.TemporaryDirectory() as folder:
        probe = Path(folder) / "probe"
        probe.write_text("x", encoding="utf-8")
        probe.chmod(0)
        try:
            probe.read_text(encoding="utf-8")
        except PermissionError:
            return True
        finally:
            probe.chmod(0o600)
    return False


PERMISSIONS_APPLY = _permissions_apply()

runner = CliRunner()


# --- generators of files that are awkward to write in YAML ------------------------------------

def _alias_bomb() -> str:
    lines = ['a0: &a0 ["x", "x", "x", "x", "x", "x", "x", "x", "x", "x"]']
    for i in range(1, 12):
        lines.append(f"a{i}: &a{i} [{', '.join([f'*a{i - 1}'] * 10)}]")
    return "ar: 2024\n" + "\n".join(lines) + "\n"


def _text_bomb() -> str:
    lines = [f'a0: &a0 "{"x" * 1_000_000}"']
    for i in range(1, 8):
        lines.append(f"a{i}: &a{i} [{', '.join([f'*a{i - 1}'] * 10)}]")
    return "ar: 2024\n" + "\n".join(lines) + "\n"


def _deep_mappings() -> str:
    return "ar: 2024\n" + "".join(" " * depth + f"k{depth}:\n" for depth in range(100)) \
        + " " * 100 + "slut: 1\n"


def _template_dir(tmp: Path, body: str) -> None:
    shutil.copytree(TEMPLATES, tmp / "templates")
    (tmp / "secret.txt").write_text(SECRET, encoding="utf-8")
    (tmp / "templates" / "verksamhetsplan.md.j2").write_text(body, encoding="utf-8")


def _make(how: str, path: Path, tmp: Path, data: Path, out: Path) -> None:
    """Make the file (or directory) `path` in the way named `how`."""
    text_makers: dict[str, Callable[[], str]] = {
        "ten_megabytes": lambda: "ar: 2024\nsammanfattning: " + "x" * (10 * 1024 * 1024),
        "deep_flow": lambda: "ar: 2024\nx: " + "[" * 100_000 + "]" * 100_000 + "\n",
        "deep_block": lambda: "ar: 2024\nx:\n  " + "- " * 100_000 + "y\n",
        "deep_mappings": _deep_mappings,
        "alias_bomb": _alias_bomb,
        "text_bomb": _text_bomb,
    }
    if how in text_makers:
        path.write_text(text_makers[how](), encoding="utf-8")
    elif how == "png":
        path.write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01" + bytes(64))
    elif how == "utf16":
        path.write_bytes("ar: 2024\nsammanfattning: Året.\n".encode("utf-16"))
    elif how == "latin1":
        path.write_bytes("ar: 2024\nsammanfattning: Året gick.\n".encode("latin-1"))
    elif how == "long_integer":
        text = path.read_text(encoding="utf-8").replace("kvinnor: 61", "kvinnor: " + "1" * 5000)
        path.write_text(text, encoding="utf-8")
    elif how == "fifo":
        path.unlink()
        os.mkfifo(path)
    elif how == "link_outside":
        outside = tmp / "outside" / path.name
        outside.parent.mkdir()
        shutil.copy2(path, outside)
        path.unlink()
        path.symlink_to(outside)
    elif how == "link_year_outside":
        outside = tmp / "outside-year"
        shutil.copytree(data / "2024", outside)
        path.symlink_to(outside, target_is_directory=True)
    elif how == "unreadable":
        path.chmod(0)
    elif how == "remove":
        path.unlink()
    elif how == "template_climbing_out":
        _template_dir(tmp, '# Plan\n\n{% include "../secret.txt" %}\n')
    elif how == "template_absolute":
        _template_dir(tmp, '# Plan\n\n{% include "' + str(tmp / "secret.txt") + '" %}\n')
    elif how == "template_link_outside":
        _template_dir(tmp, "")
        (tmp / "templates" / "verksamhetsplan.md.j2").unlink()
        (tmp / "templates" / "verksamhetsplan.md.j2").symlink_to(tmp / "secret.txt")
    elif how == "template_mro":
        _template_dir(tmp, "# Plan\n{{ ''.__class__.__mro__[1].__subclasses__() }}\n")
    elif how == "template_undefined":
        _template_dir(tmp, "# Plan\n{{ finns_inte }}\n")
    elif how == "out_is_a_file":
        (tmp / "out-file").write_text("a file, not a directory\n", encoding="utf-8")
    elif how == "out_read_only":
        out.chmod(stat.S_IRUSR | stat.S_IXUSR)
        (out / "2024").chmod(stat.S_IRUSR | stat.S_IXUSR)
    elif how == "out_blocked_second_file":
        # The memo is written after the plan: a directory where its file goes makes the
        # second write of the build fail after the first succeeded.
        blocker = out / "2024" / "tjansteskrivelse-verksamhetsplan-2024.docx"
        blocker.mkdir(parents=True)
        (blocker / "keep.txt").write_text("in the way\n", encoding="utf-8")
    elif how == "data_is_a_file":
        data.write_text("not a directory\n", encoding="utf-8")
    else:
        raise AssertionError(f"no generator named {how!r}")


# --- further checks ----------------------------------------------------------------------------

def _formula_text_stays_text(tmp: Path, out: Path, data: Path, output: str) -> None:
    """Texts beginning with =, +, - or @ are string cells, not formulas."""
    book = out / "2024" / "verksamhetsplan-2024.xlsx"
    with zipfile.ZipFile(book) as archive:
        sheets = [archive.read(n).decode("utf-8") for n in archive.namelist()
                  if n.startswith("xl/worksheets/")]
        strings = archive.read("xl/sharedStrings.xml").decode("utf-8") \
            if "xl/sharedStrings.xml" in archive.namelist() else ""
    formulas = [f for sheet in sheets for f in re.findall(r"<f>(.*?)</f>", sheet)]
    for text in ("HYPERLINK", "cmd|", "SUM(1)", "-2+3"):
        assert not any(text in f for f in formulas), f"{text} became a formula: {formulas}"
        assert text in strings or any(text in s for s in sheets), f"{text} is missing"


def _small_memory(tmp: Path, out: Path, data: Path, output: str) -> None:
    """Refusing the file takes little memory (the expansion is never built)."""
    tracemalloc.start()
    try:
        validate.run(data)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert peak < 64 * 1024 * 1024, f"peak {peak / 1e6:.0f} MB"


def _no_escape_characters(tmp: Path, out: Path, data: Path, output: str) -> None:
    assert "\x1b" not in output


def _secret_not_in_output(tmp: Path, out: Path, data: Path, output: str) -> None:
    assert SECRET not in output
    for path in out.rglob("*"):
        if path.is_file():
            assert SECRET.encode() not in path.read_bytes()


def _nothing_executed(tmp: Path, out: Path, data: Path, output: str) -> None:
    assert not (tmp / "pwned").exists()


CHECKS = {
    "formula_text_stays_text": _formula_text_stays_text,
    "small_memory": _small_memory,
    "no_escape_characters": _no_escape_characters,
    "secret_not_in_output": _secret_not_in_output,
    "nothing_executed": _nothing_executed,
}


# --- running a case ----------------------------------------------------------------------------

def snapshot(path: Path) -> dict[str, bytes | None]:
    """Every file (with its bytes) and directory (None) at or below `path`."""
    if not path.exists() and not path.is_symlink():
        return {}
    if not path.is_dir():
        return {".": path.read_bytes()}
    found: dict[str, bytes | None] = {".": None}
    for item in sorted(path.rglob("*")):
        found[str(item.relative_to(path))] = item.read_bytes() if item.is_file() else None
    return found


def _fill(text: str, places: dict[str, str]) -> str:
    for key, value in places.items():
        text = text.replace("{" + key + "}", value)
    return text


def _arguments(case: dict[str, Any], places: dict[str, str]) -> list[str]:
    args = [_fill(str(a), places) for a in case["command"]]
    if args[0] == "validate" and "--data" not in args:
        args += ["--data", places["data"]]
    if args[0] == "build":
        defaults = {"--data": places["data"], "--out": places["out"],
                    "--templates": str(TEMPLATES), "--format": "docx"}
        for option, value in defaults.items():
            if option not in args:
                args += [option, value]
    return args


def _expected(text: str, case: dict[str, Any], data: Path) -> str:
    """`text` with every {line:NEEDLE} replaced by the line of NEEDLE in the case's file."""
    def line(match: re.Match[str]) -> str:
        path = data / case["file"]
        for number, content in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
            if match.group(1) in content:
                return str(number)
        raise AssertionError(f"{match.group(1)!r} not in {path}")

    return re.sub(r"\{line:([^{}]*)\}", line, text)


def _param(case: dict[str, Any]) -> Any:
    marks = []
    if case.get("xfail"):
        marks.append(pytest.mark.xfail(strict=True, reason=case["xfail"]))
    if case.get("as_user") and not PERMISSIONS_APPLY:
        marks.append(pytest.mark.skip(reason="file permissions do not apply to this user"))
    return pytest.param(case, id=case["name"], marks=marks)


@pytest.mark.parametrize("case", [_param(c) for c in CASES])
def test_corpus_case(case: dict[str, Any], tmp_path: Path) -> None:
    data = tmp_path / "data"
    out = tmp_path / "out"
    places = {"data": str(data), "out": str(out), "tmp": str(tmp_path),
              "templates": str(TEMPLATES)}
    if case.get("base", "annan") == "annan":
        shutil.copytree(OTHER_ORG, data)
    # A previous build's output, which a failing build must leave exactly as it is.
    (out / "2024").mkdir(parents=True)
    (out / "keep.txt").write_text("from before\n", encoding="utf-8")
    (out / "2024" / "verksamhetsplan-2024.docx").write_bytes(b"previous build")
    for edit in case.get("replace", []):
        path = data / edit["file"]
        text = path.read_text(encoding="utf-8")
        assert edit["old"] in text, f"{edit['old']!r} not in {path}"
        path.write_text(text.replace(edit["old"], _fill(edit["new"], places), 1),
                        encoding="utf-8")
    for name, text in (case.get("write") or {}).items():
        (data / name).parent.mkdir(parents=True, exist_ok=True)
        (data / name).write_text(text, encoding="utf-8")
    if case.get("make"):
        target = case["make"]["file"]
        _make(case["make"]["how"], data / target if target != "data" else data, tmp_path,
              data, out)

    args = _arguments(case, places)
    target_out = Path(args[args.index("--out") + 1]) if "--out" in args else out
    before = snapshot(target_out)
    started = time.perf_counter()
    try:
        result = runner.invoke(app, args)
    finally:
        for path in (out, out / "2024", data / "2024" / "arsredovisning.yaml"):
            if path.exists() and not path.is_symlink():
                path.chmod(0o755 if path.is_dir() else 0o644)
    elapsed = time.perf_counter() - started

    output = result.output
    shown = f"snplan {' '.join(args)}\n{output}"
    assert result.exception is None or isinstance(result.exception, SystemExit), (
        f"{type(result.exception).__name__}: {result.exception}\n{shown}")
    assert "Traceback" not in output, shown
    assert result.exit_code == case["exit"], shown
    for text in case["expect"]:
        assert _expected(text, case, data) in output, shown
    if case.get("seconds"):
        assert elapsed < case["seconds"], f"took {elapsed:.2f} s\n{shown}"
    if args[0] == "build" and result.exit_code != 0:
        assert snapshot(target_out) == before, f"the output directory changed\n{shown}"
    if case.get("check"):
        CHECKS[case["check"]](tmp_path, target_out, data, output)


def test_the_corpus_is_large_and_names_are_unique() -> None:
    names = [c["name"] for c in CASES]
    assert len(names) >= 40
    assert len(set(names)) == len(names)
    for case in CASES:
        assert set(case) <= {"name", "base", "replace", "write", "make", "command", "exit",
                             "expect", "file", "seconds", "check", "xfail", "as_user"}, case
        assert case["exit"] in {0, 1, 2}
        assert case.get("check") is None or case["check"] in CHECKS
