"""Guards of issue 15 below the command line: numbers and characters YAML reads other than a
person does, output never written through a link, the manifest as a cache that can be
anything, the style reference checked before it is read, linear suggestions, and names of
links that loop."""

from __future__ import annotations

import json
import os
import shutil
import threading
import zipfile
from pathlib import Path
from typing import Any

import pytest

from snplan.model import DOCUMENT_FILES
from snplan.model.files import file_model
from snplan.output import manifest
from snplan.output.files import (
    OutputPathError,
    atomic_write,
    leads_through_link,
    write_all,
    write_new,
)
from snplan.output.package import reference_problem
from snplan.problems import display_path
from snplan.source import load as loading
from snplan.source.dispositions import default as default_disposition
from snplan.source.load import Source, data_files, is_year, validate_model
from snplan.source.reference import container_problem
from snplan.source.yamlsource import SourceError, parse_text

from .conftest import OTHER_ORG, ROOT

P = Path("x.yaml")


# --- numbers that do not read as they look ----------------------------------------------------

@pytest.mark.parametrize(("text", "reason"), [
    ("a: 061", "the octal number 49"),
    ("a: -061", "the octal number -49"),
    ("a: 0_61", "the octal number 49"),
    ("a: 0x1F", "the hexadecimal number 31"),
    ("a: 0b101", "the binary number 5"),
    ("a: 1:20", "the base-60 number 80"),
    ("a: 10:00", "the base-60 number 600"),
    ("a: 1:20.5", "the base-60 number 80.5"),
    ("a: [1, 2, 012]", "the octal number 10"),
])
def test_numbers_yaml_reads_otherwise_are_refused_where_they_stand(text: str,
                                                                   reason: str) -> None:
    with pytest.raises(SourceError) as raised:
        parse_text(text + "\n", P)
    assert reason in raised.value.message
    assert raised.value.line == 1
    assert raised.value.field in {"a", "a[2]"}


@pytest.mark.parametrize(("text", "value"), [
    ("a: 0", 0), ("a: 00", 0), ("a: -0", 0), ("a: 61", 61), ("a: '061'", "061"),
    ('a: "0x1F"', "0x1F"), ("a: 08", "08"), ("a: 09:30", "09:30"), ("a: 10:61", "10:61"),
    ("a: 1_000", 1000), ("a: 0o17", "0o17"), ("a: 0.5", 0.5), ("a: 061.5", 61.5),
])
def test_numbers_that_read_as_they_look_pass(text: str, value: Any) -> None:
    assert parse_text(text + "\n", P).data["a"] == value


# --- characters YAML reads as line breaks -------------------------------------------------------

@pytest.mark.parametrize(("text", "line", "field", "name"), [
    ("a: x\nb: Året\u2028gick\nc: 1\n", 2, "b", "U+2028 (LINE SEPARATOR)"),
    ("a: x\nb: 'Året\u2029gick'\n", 2, "b", "U+2029 (PARAGRAPH SEPARATOR)"),
    ("a: x\nb: |\n  rad ett\n  rad\u0085två\n", 4, "b", "U+0085 (NEXT LINE)"),
    ("a:\n  - x\n  - y\u2028z\n", 3, "a[1]", "U+2028"),
    ("a:\n  n\u2028yckel: 1\n", 2, "a", "U+2028"),
])
def test_pasted_line_separators_are_named_with_line_and_field(text: str, line: int,
                                                              field: str, name: str) -> None:
    with pytest.raises(SourceError) as raised:
        parse_text(text, P)
    assert (raised.value.line, raised.value.field) == (line, field)
    assert f"the character {name}" in raised.value.message


def test_line_separators_in_comments_or_escapes_are_not_text() -> None:
    assert parse_text("# en kommentar\u2028\na: 1\n", P).data == {"a": 1}
    assert parse_text('a: "x\\u2028y"\n', P).data == {"a": "x\u2028y"}
    # the stand-ins are taken by the text itself: the line is named, without a field
    with pytest.raises(SourceError, match="U\\+2028") as raised:
        parse_text("a: \ue028\nb: x\u2028y\n", P)
    assert raised.value.line == 2


# --- output never through a link ------------------------------------------------------------------

@pytest.fixture
def tree(tmp_path: Path) -> tuple[Path, Path]:
    """An output directory and a directory a link could lead to, with a file in it."""
    out, precious = tmp_path / "out", tmp_path / "data"
    (out / "2024").mkdir(parents=True)
    precious.mkdir()
    (precious / "plan.yaml").write_text("ar: 2024\n", encoding="utf-8")
    return out, precious


def test_write_all_refuses_a_year_directory_that_is_a_link(tree: tuple[Path, Path]) -> None:
    out, precious = tree
    (out / "2025").symlink_to(precious, target_is_directory=True)
    with pytest.raises(OutputPathError, match="2025 is a symbolic link"):
        write_all([(out / "2024" / "a.docx", b"a"), (out / "2025" / "plan.yaml", b"b")],
                  root=out)
    assert (precious / "plan.yaml").read_text(encoding="utf-8") == "ar: 2024\n"
    assert not (out / "2024" / "a.docx").exists()  # all or nothing


def test_write_all_refuses_a_file_that_is_a_link(tree: tuple[Path, Path]) -> None:
    out, precious = tree
    (out / "2024" / "a.docx").symlink_to(precious / "plan.yaml")
    with pytest.raises(OutputPathError, match="a.docx is a symbolic link"):
        write_all([(out / "2024" / "a.docx", b"a")], root=out)
    assert (out / "2024" / "a.docx").is_symlink()
    assert (precious / "plan.yaml").read_text(encoding="utf-8") == "ar: 2024\n"


def test_the_output_directory_itself_may_be_a_link(tmp_path: Path,
                                                   tree: tuple[Path, Path]) -> None:
    out, _ = tree
    chosen = tmp_path / "published"
    chosen.symlink_to(out, target_is_directory=True)
    write_all([(chosen / "2024" / "a.docx", b"a")], root=chosen)
    assert (out / "2024" / "a.docx").read_bytes() == b"a"
    assert not leads_through_link(chosen / "2024" / "a.docx", chosen)
    assert leads_through_link(chosen / ".." / "x", chosen)


def test_atomic_write_refuses_links_and_climbing(tree: tuple[Path, Path]) -> None:
    out, precious = tree
    (out / "link").symlink_to(precious, target_is_directory=True)
    with pytest.raises(OutputPathError):
        atomic_write(out / "link" / "plan.yaml", b"x", root=out)
    with pytest.raises(OutputPathError, match="leads outside"):
        atomic_write(out / ".." / "data" / "plan.yaml", b"x", root=out)
    with pytest.raises(OutputPathError, match="lies outside"):
        atomic_write(precious / "plan.yaml", b"x", root=out)
    assert (precious / "plan.yaml").read_text(encoding="utf-8") == "ar: 2024\n"


def test_write_new_never_overwrites_and_never_follows(tree: tuple[Path, Path]) -> None:
    out, precious = tree
    write_new(out / "2026" / "plan.yaml", b"ny", root=out)
    assert (out / "2026" / "plan.yaml").read_bytes() == b"ny"
    with pytest.raises(FileExistsError):
        write_new(out / "2026" / "plan.yaml", b"igen", root=out)
    assert (out / "2026" / "plan.yaml").read_bytes() == b"ny"
    (out / "2027").symlink_to(precious, target_is_directory=True)
    with pytest.raises(OutputPathError):
        write_new(out / "2027" / "ny.yaml", b"x", root=out)
    (out / "dangling.yaml").symlink_to(precious / "finns-inte.yaml")
    with pytest.raises(OutputPathError):
        write_new(out / "dangling.yaml", b"x", root=out)
    assert not (precious / "finns-inte.yaml").exists() and not (precious / "ny.yaml").exists()
    (out / "afile").write_bytes(b"")
    with pytest.raises(OSError):
        write_new(out / "afile" / "plan.yaml", b"x", root=out)
    assert sorted(p.name for p in out.iterdir() if p.name.startswith(".")) == []


# --- the manifest is a cache: whatever lies under its name is read as absent ---------------------

def _read_within(out: Path, seconds: float = 120) -> manifest.Manifest:
    """The manifest read in a thread; `seconds` is a hang guard (a FIFO or /dev/zero read
    for ever), far beyond what reading takes on a busy machine."""
    found: list[manifest.Manifest] = []
    worker = threading.Thread(target=lambda: found.append(manifest.Manifest.read(out)),
                              daemon=True)
    worker.start()
    worker.join(seconds)
    assert found, "reading the manifest did not end"
    return found[0]


@pytest.mark.parametrize("how", ["fifo", "dev_zero", "large", "directory", "not_json",
                                 "wrong_shape", "deep", "not_utf8", "loop"])
def test_an_unreadable_manifest_is_absent(tmp_path: Path, how: str) -> None:
    path = tmp_path / manifest.NAME
    if how == "fifo":
        os.mkfifo(path)
    elif how == "dev_zero":
        path.symlink_to("/dev/zero")
    elif how == "large":
        with path.open("wb") as stream:
            stream.truncate(manifest.MAX_MANIFEST_BYTES + 1)
    elif how == "directory":
        path.mkdir()
    elif how == "not_json":
        path.write_text('{"schema": 2, "documents": {', encoding="utf-8")
    elif how == "wrong_shape":
        path.write_text('[{"schema": 2}]', encoding="utf-8")
    elif how == "deep":
        path.write_text("[" * 200_000 + "]" * 200_000, encoding="utf-8")
    elif how == "not_utf8":
        path.write_bytes(b'{"schema": 2, "x": "\xff"}')
    else:
        path.symlink_to(path.name)
    read = _read_within(tmp_path)
    assert read.documents == {} and read.fingerprints == {}


def test_manifest_records_of_the_wrong_shape_are_dropped(tmp_path: Path) -> None:
    (tmp_path / manifest.NAME).write_text(json.dumps({
        "schema": 2, "fingerprints": {"ok": "f", "bad": 1},
        "documents": {"a": {"docx": {"key": "k", "file": "2024/a.docx", "sha256": "s"},
                            "xlsx": {"key": "k", "file": "../../etc/passwd", "sha256": "s"},
                            "pdf": {"key": "k", "file": "/etc/passwd", "sha256": "s"},
                            "md": {"key": 1, "file": "x", "sha256": "s"}},
                      "b": [], "c": {"docx": "x"}}}), encoding="utf-8")
    read = manifest.Manifest.read(tmp_path)
    assert read.fingerprints == {"ok": "f"}
    assert read.documents == {"a": {"docx": {"key": "k", "file": "2024/a.docx",
                                             "sha256": "s"}}}


@pytest.mark.parametrize("how", ["fifo", "link"])
def test_writing_the_manifest_replaces_what_lay_there_never_through_it(tmp_path: Path,
                                                                       how: str) -> None:
    path = tmp_path / manifest.NAME
    target = tmp_path / "elsewhere.json"
    target.write_text("keep", encoding="utf-8")
    if how == "fifo":
        os.mkfifo(path)
    else:
        path.symlink_to(target)
    record = _read_within(tmp_path)
    record.write()
    assert path.is_file() and not path.is_symlink()
    assert json.loads(path.read_text(encoding="utf-8"))["schema"] == manifest.SCHEMA
    assert target.read_text(encoding="utf-8") == "keep"


def test_the_manifest_hashes_only_what_the_loader_reads(tmp_path: Path,
                                                        monkeypatch: pytest.MonkeyPatch) -> None:
    """A 3 GB file lying in the data is not read, and one in a data file's place is not read
    whole (a sparse file: no disk is used)."""
    data = tmp_path / "data"
    shutil.copytree(OTHER_ORG, data)
    with (data / "stor.bin").open("wb") as stream:
        stream.truncate(3 * 1024**3)
    with (data / "2024" / "stor.yaml").open("wb") as stream:
        stream.truncate(3 * 1024**3)
    files = data_files(data)
    assert data / "stor.bin" not in files and data / "2024" / "stor.yaml" not in files
    shutil.move(data / "2024" / "stor.yaml", data / "2024" / "arsredovisning.yaml")
    opened: list[Path] = []
    real_open = Path.open

    def watching_open(self: Path, *args: Any, **kwargs: Any) -> Any:
        opened.append(self)
        return real_open(self, *args, **kwargs)

    monkeypatch.setattr(Path, "open", watching_open)
    inputs = manifest.Inputs.scan(data, data_files(data), ROOT / "templates",
                                  ROOT / "templates" / "reference.docx")
    monkeypatch.undo()
    assert inputs.data_hashes["2024/arsredovisning.yaml"].startswith("large:")
    assert data / "2024" / "arsredovisning.yaml" not in opened
    assert not any(p.name == "stor.bin" for p in opened)


# --- the style reference ------------------------------------------------------------------------

def _zip(path: Path, parts: dict[str, bytes | str]) -> Path:
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, content in parts.items():
            archive.writestr(name, content)
    return path


WORD = ('<Types><Override ContentType="application/vnd.openxmlformats-officedocument.'
        'wordprocessingml.document.main+xml"/></Types>')


def test_the_shipped_reference_passes() -> None:
    assert reference_problem(ROOT / "templates" / "reference.docx") is None


@pytest.mark.parametrize(("make", "reason"), [
    (lambda p: p.write_text("ingen zip", encoding="utf-8"), "it is not a zip file"),
    (lambda p: p.write_bytes(b"PK\x03\x04" + bytes(100)), "it is not a zip file"),
    (lambda p: _zip(p, {"a.txt": "x"}), "a zip file but not a Word document"),
    (lambda p: _zip(p, {"[Content_Types].xml": "<Types/>", "_rels/.rels": "<x/>"}),
     "an Office file but not a Word document"),
    (lambda p: _zip(p, {"[Content_Types].xml": WORD, "_rels/.rels": "<x/>",
                        "word/document.xml": bytes(150 * 1024 * 1024)}),
     "unpacks to 150 MiB (a zip bomb?)"),
    (lambda p: _zip(p, {f"{i}.xml": "" for i in range(1001)}), "holds 1001 parts"),
    (lambda p: p.mkdir(), "is not a file"),
    (lambda p: os.mkfifo(p), "is not a file"),
    (lambda p: p.symlink_to(p.name), "cannot read the style reference"),
    (lambda p: p.open("wb").truncate(30 * 1024 * 1024), "is 30 MiB"),
])
def test_a_style_reference_that_cannot_be_read(tmp_path: Path, make: Any, reason: str) -> None:
    path = tmp_path / "reference.docx"
    make(path)
    problem = container_problem(path)
    assert problem is not None and reason in problem, problem


def test_a_style_reference_the_writer_cannot_read(tmp_path: Path) -> None:
    path = _zip(tmp_path / "reference.docx", {"[Content_Types].xml": WORD,
                                              "_rels/.rels": "<Relationships"})
    assert container_problem(path) is None
    problem = reference_problem(path)
    assert problem is not None and "cannot be used as a Word document" in problem
    assert "the XML of the reference's relationships is not well-formed" in problem


# --- loading: years, links, suggestions -----------------------------------------------------------

def test_years_are_four_digits_from_1900_to_2200() -> None:
    assert is_year("1900") and is_year("2024") and is_year("2200")
    assert not any(is_year(n) for n in ("1899", "2201", "99999", "abcd", "024", "２０２４"))


def test_a_link_that_loops_is_named_as_itself(tmp_path: Path) -> None:
    loop = tmp_path / "slinga.yaml"
    loop.symlink_to(loop.name)
    assert display_path(loop, tmp_path) == "slinga.yaml"
    linked = tmp_path / "2025"
    (tmp_path / "elsewhere").mkdir()
    linked.symlink_to(tmp_path / "elsewhere")
    assert display_path(linked, tmp_path) == "2025"


def test_only_the_first_unknown_keys_get_a_suggestion(monkeypatch: pytest.MonkeyPatch) -> None:
    """A fuzzy search per unknown key made 45 000 keys take 9 s: the searches are capped."""
    searches: list[str] = []
    real = loading.difflib.get_close_matches

    def counting(word: str, *args: Any, **kwargs: Any) -> list[str]:
        searches.append(word)
        return real(word, *args, **kwargs)

    monkeypatch.setattr(loading.difflib, "get_close_matches", counting)
    keys = "".join(f"sammanfatning{i}: 1\n" for i in range(2000)) + "kommunx: 1\n" \
        + "x" * 100 + ": 1\n"
    located = parse_text("ar: 2024\n" + keys, Path("p.yaml"))
    plan = file_model(DOCUMENT_FILES["verksamhetsplan"].meta,
                      default_disposition("verksamhetsplan"), "verksamhetsplan")
    _, problems = validate_model(plan,
                                 Source("verksamhetsplan", "p.yaml", located))
    assert len(problems) == 2002
    assert len(searches) == loading.MAX_SUGGESTIONS
    assert "did you mean 'sammanfattning'" in problems[0].message
    assert problems[-1].message == f"unknown key '{'x' * 100}'"
