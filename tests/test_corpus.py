"""The corpus of hostile and broken input (tests/corpus/cases.yaml): every case ends with its
exit code and a message naming the file (and the line, where there is one), never with a
traceback; a build that fails leaves its output directory exactly as it was."""

from __future__ import annotations

import io
import json
import os
import re
import shutil
import stat
import subprocess
import tempfile
import tracemalloc
import warnings
import zipfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
import yaml
from typer.testing import CliRunner

from snplan.cli import app
from snplan.rules import report as validate

from .conftest import DATA, OTHER_ORG, ROOT
from .hang_guard import hang_guard

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


def _many_unknown_keys(path: Path) -> None:
    text = path.read_text(encoding="utf-8")
    path.write_text(text + "".join(f"okand{i}x: 1\n" for i in range(45_000)), encoding="utf-8")


def _zip(path: Path, parts: dict[str, bytes | str]) -> None:
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, content in parts.items():
            archive.writestr(name, content)


def _reference_with(path: Path, extra: dict[str, bytes],
                    replaced: dict[str, bytes] | None = None) -> None:
    """The shipped style reference with parts replaced and parts added under any name (a
    NUL character in a name is written into the archive's bytes, past Python's zip writer,
    which would cut the name at it)."""
    marked = {name.replace("\0", "\x01"): data for name, data in extra.items()}
    buffer = io.BytesIO()
    with zipfile.ZipFile(TEMPLATES / "reference.docx") as source, \
            zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for info in source.infolist():
            archive.writestr(info.filename, (replaced or {}).get(info.filename,
                                                                 source.read(info)))
        for name, data in marked.items():
            with warnings.catch_warnings():  # a duplicated name is the point
                warnings.simplefilter("ignore")
                archive.writestr(zipfile.ZipInfo(name), data)
    raw = buffer.getvalue()
    for name in extra:
        if "\0" in name:
            raw = raw.replace(name.replace("\0", "\x01").encode(), name.encode())
    path.write_bytes(raw)


DOCTYPE_FONTS = (b'<?xml version="1.0" encoding="UTF-8"?>\n<!DOCTYPE w:fonts [<!ENTITY e '
                 b'SYSTEM "file:///etc/passwd">]>\n<w:fonts xmlns:w="http://schemas.'
                 b'openxmlformats.org/wordprocessingml/2006/main">&e;</w:fonts>')


WORD_TYPES = ('<Types><Override ContentType="application/vnd.openxmlformats-officedocument.'
              'wordprocessingml.document.main+xml"/></Types>')
SHEET_TYPES = ('<Types><Override ContentType="application/vnd.openxmlformats-officedocument.'
               'spreadsheetml.sheet.main+xml"/></Types>')


def _git(repo: Path, *args: str) -> None:
    subprocess.run(["git", "-C", str(repo), "-c", "user.name=Corpus", "-c",
                    "user.email=corpus@example.org", "-c", "commit.gpgsign=false", *args],
                   check=True, capture_output=True)


def _git_repository_with_odd_names(tmp: Path, data: Path) -> None:
    """The data in a git repository whose second commit adds files with non-ASCII names, a
    tab, a quote, a terminal escape and a right-to-left override in their names."""
    _git(tmp, "init", "-q")
    _git(tmp, "add", "-A", "data")
    _git(tmp, "commit", "-q", "-m", "base")
    matter = (data / "2024" / "arenden" / "verksamhetsplan-2024.yaml").read_text(encoding="utf-8")
    for name in ("ärende-å.yaml", "tab\tnamn.yaml", 'citat"namn.yaml', "x\x1b[31my.yaml",
                 "fil\u202etxt.yaml"):
        (data / "2024" / "arenden" / name).write_text(matter, encoding="utf-8")
    (data / "2024" / "bilagor ü").mkdir()
    (data / "2024" / "bilagor ü" / "bilaga.yaml").write_text("a: 1\n", encoding="utf-8")
    _git(tmp, "add", "-A", "data")
    _git(tmp, "commit", "-q", "-m", "odd names")


def _template_dir(tmp: Path, body: str) -> None:
    shutil.copytree(TEMPLATES, tmp / "templates")
    (tmp / "secret.txt").write_text(SECRET, encoding="utf-8")
    (tmp / "templates" / "dokument.md.j2").write_text(body, encoding="utf-8")


def _make(how: str, path: Path, tmp: Path, data: Path, out: Path,
          options: dict[str, Any]) -> None:
    """Make the file (or directory) `path` in the way named `how` (with the generator's
    `options`, the further keys of the case's `make`)."""
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
        if path.exists():
            path.unlink()
        os.mkfifo(path)
    elif how == "deep_prose_chain":
        text = path.read_text(encoding="utf-8").replace(
            "sammanfattning: Nämnden planerar för tre mål.",
            "sammanfattning: '{{ ram" + ".budget" * 100_000 + " }}'")
        path.write_text(text, encoding="utf-8")
    elif how == "many_unknown_keys":
        _many_unknown_keys(path)
    elif how == "sparse_three_gigabytes":
        with path.open("wb") as stream:
            stream.truncate(3 * 1024**3)
    elif how == "directory":
        path.mkdir()
    elif how == "link_loop":
        if path.exists():
            path.unlink()
        path.symlink_to(path.name)
    elif how == "link_broken":
        path.symlink_to("finns-inte")
    elif how == "link_to_elsewhere":
        (tmp / "elsewhere").mkdir()
        path.symlink_to(tmp / "elsewhere", target_is_directory=True)
    elif how == "reference_zip_bomb":
        # 200 MiB of zeros packs into about 200 KB
        _zip(path, {"[Content_Types].xml": WORD_TYPES, "_rels/.rels": "<x/>",
                    "word/document.xml": bytes(200 * 1024 * 1024)})
    elif how == "reference_spreadsheet":
        _zip(path, {"[Content_Types].xml": SHEET_TYPES, "_rels/.rels": "<x/>"})
    elif how == "reference_broken_xml":
        _zip(path, {"[Content_Types].xml": WORD_TYPES, "_rels/.rels": "<Relationships"})
    elif how == "reference_with_part":
        _reference_with(path, {options["part"]: b"planted\n"})
    elif how == "reference_with_doctype":
        _reference_with(path, {}, {"word/fontTable.xml": DOCTYPE_FONTS})
    elif how == "manifest_not_json":
        (out / ".snplan-manifest.json").write_text('{"schema": 2, "documents": {', "utf-8")
    elif how == "manifest_wrong_shape":
        (out / ".snplan-manifest.json").write_text('[1, "schema", {"documents": []}]', "utf-8")
    elif how == "manifest_wrong_records":
        (out / ".snplan-manifest.json").write_text(json.dumps({
            "schema": 2, "fingerprints": {"all|docx": 5, "x": []},
            "documents": {"2024/verksamhetsplan-2024": {
                "docx": {"key": 1, "file": None, "sha256": []},
                "xlsx": {"key": "k", "file": "../../data/2024/verksamhetsplan.yaml",
                         "sha256": "0"}},
                "2024/x": "not a mapping", "2024/y": {"docx": "not a record"}}}), "utf-8")
    elif how == "manifest_deep_json":
        (out / ".snplan-manifest.json").write_text("[" * 100_000 + "]" * 100_000, "utf-8")
    elif how == "manifest_fifo":
        os.mkfifo(out / ".snplan-manifest.json")
    elif how == "manifest_dev_zero":
        (out / ".snplan-manifest.json").symlink_to("/dev/zero")
    elif how == "manifest_directory":
        (out / ".snplan-manifest.json").mkdir()
    elif how == "out_year_link_into_data":
        shutil.rmtree(out / "2024")
        (out / "2024").symlink_to(data / "2023", target_is_directory=True)
    elif how == "out_year_link_elsewhere":
        shutil.rmtree(out / "2024")
        (tmp / "elsewhere").mkdir()
        (out / "2024").symlink_to(tmp / "elsewhere", target_is_directory=True)
    elif how == "out_file_link_into_data":
        (out / "2024" / "verksamhetsplan-2024.docx").unlink()
        (out / "2024" / "verksamhetsplan-2024.docx").symlink_to(
            data / "2024" / "verksamhetsplan.yaml")
    elif how == "out_workbook_link_into_templates":
        shutil.copytree(TEMPLATES, tmp / "templates-copy")
        (out / "2024" / "verksamhetsplan-2024.xlsx").symlink_to(
            tmp / "templates-copy" / "verksamhetsplan.md.j2")
    elif how == "a_file_in_tmp":
        (tmp / "afile").write_text("a file, not a directory\n", encoding="utf-8")
    elif how == "reference_out_link":
        (tmp / "ref.docx").symlink_to(data / "organisation.yaml")
    elif how == "schema_out_link":
        (tmp / "schemas").mkdir()
        (tmp / "schemas" / "organisation.schema.json").symlink_to(data / "organisation.yaml")
    elif how == "git_repository_with_odd_names":
        _git_repository_with_odd_names(tmp, data)
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
        (tmp / "templates" / "dokument.md.j2").unlink()
        (tmp / "templates" / "dokument.md.j2").symlink_to(tmp / "secret.txt")
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


def _entities_stay_text(tmp: Path, out: Path, data: Path, output: str) -> None:
    """Character entities in prose reach Word as the text they are, not decoded."""
    from .docx_read import all_text, open_docx

    text = all_text(open_docx(out / "2024" / "verksamhetsplan-2024.docx"))
    for literal in ("A &amp; B", "&#65;", "&lt;x&gt;", "&copy;", "R&D"):
        assert literal in text, f"{literal!r} not in the document"


def _no_bidi_characters(tmp: Path, out: Path, data: Path, output: str) -> None:
    """No character that reorders or hides the rest of a line reaches the terminal."""
    assert not re.search("[\u202a-\u202e\u2066-\u2069\u200e\u200f\x1b]", output)


def _nothing_written_through_links(tmp: Path, out: Path, data: Path, output: str) -> None:
    """No built file landed in the data, the templates' copy or anywhere a link led."""
    for folder in (data, tmp / "elsewhere", tmp / "templates-copy", tmp / "outside"):
        if folder.exists():
            built = [p for p in folder.rglob("*") if p.suffix in {".docx", ".xlsx", ".json"}
                     and p.name != "reference.docx"]
            assert not built, f"written through a link: {built}"
    assert (data / "2024" / "verksamhetsplan.yaml").read_text(encoding="utf-8").startswith("ar:")
    assert (data / "organisation.yaml").read_text(encoding="utf-8").startswith("#")


def _manifest_is_a_file(tmp: Path, out: Path, data: Path, output: str) -> None:
    """The build replaced the unreadable manifest with its record (a regular file)."""
    manifest = out / ".snplan-manifest.json"
    assert manifest.is_file() and not manifest.is_symlink()
    assert json.loads(manifest.read_text(encoding="utf-8"))["schema"] == 2
    assert zipfile.is_zipfile(out / "2024" / "verksamhetsplan-2024.docx")


CHECKS = {
    "formula_text_stays_text": _formula_text_stays_text,
    "small_memory": _small_memory,
    "no_escape_characters": _no_escape_characters,
    "secret_not_in_output": _secret_not_in_output,
    "nothing_executed": _nothing_executed,
    "entities_stay_text": _entities_stay_text,
    "no_bidi_characters": _no_bidi_characters,
    "nothing_written_through_links": _nothing_written_through_links,
    "manifest_is_a_file": _manifest_is_a_file,
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


def prepare(case: dict[str, Any], tmp_path: Path) -> tuple[list[str], Path, Path]:
    """Set up a case in `tmp_path` (its data copy, edits and generated files, and a previous
    build's output); the command's arguments, the data directory and the output directory.
    `bench/bounded.py` sets cases up through this too, to time them."""
    data = tmp_path / "data"
    out = tmp_path / "out"
    places = {"data": str(data), "out": str(out), "tmp": str(tmp_path),
              "templates": str(TEMPLATES)}
    base = case.get("base", "annan")
    if base in {"annan", "solna"}:
        shutil.copytree(OTHER_ORG if base == "annan" else DATA, data)
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
              data, out, case["make"])
    return _arguments(case, places), data, out


def invoke(args: list[str], data: Path, out: Path) -> Any:
    """Run snplan with `args` through typer's runner; permissions a case took away are given
    back afterwards, so the temporary directory can be removed."""
    try:
        return runner.invoke(app, args)
    finally:
        for path in (out, out / "2024", data / "2024" / "arsredovisning.yaml"):
            if path.exists() and not path.is_symlink():
                path.chmod(0o755 if path.is_dir() else 0o644)


@pytest.mark.parametrize("case", [_param(c) for c in CASES])
def test_corpus_case(case: dict[str, Any], tmp_path: Path) -> None:
    """The case's answer. How long it takes is `make bench`'s (bench/bounded.py) to measure:
    here only a hang guard ends the run should a case never finish."""
    args, data, out = prepare(case, tmp_path)
    target_out = Path(args[args.index("--out") + 1]) if "--out" in args else out
    before = snapshot(target_out)
    with hang_guard():
        result = invoke(args, data, out)

    output = result.output
    shown = f"snplan {' '.join(args)}\n{output}"
    assert result.exception is None or isinstance(result.exception, SystemExit), (
        f"{type(result.exception).__name__}: {result.exception}\n{shown}")
    assert "Traceback" not in output, shown
    assert result.exit_code == case["exit"], shown
    for text in case["expect"]:
        assert _expected(text, case, data) in output, shown
    for text in case.get("absent", []):
        assert _expected(text, case, data) not in output, shown
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
                             "expect", "absent", "file", "seconds", "check", "xfail",
                             "as_user"}, case
        assert case["exit"] in {0, 1, 2}
        assert case.get("check") is None or case["check"] in CHECKS
