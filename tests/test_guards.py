"""The guards against hostile input, one by one: all-or-nothing writing, confined paths, the
limited sandbox, the confined template loader, numbers too large for a figure, and messages
that cannot carry terminal control characters."""

from __future__ import annotations

import os
import re
import shutil
import struct
import subprocess
import sys
import warnings
import zipfile
import zlib
from decimal import Decimal
from pathlib import Path

import pytest
from jinja2 import TemplateNotFound
from typer.testing import CliRunner

from snplan.cli import app
from snplan.output.files import OutputPathError, atomic_write, check_output_dir, confined, write_all
from snplan.output.package import ReferenceError, load_reference, parse_xml
from snplan.problems import Problem, printable
from snplan.prose.sandbox import ExpressionError, environment, render_string
from snplan.source.reference import container_problem, names_problem, part_name_problem
from snplan.source.yamlsource import SourceError, parse_text, too_large

from .conftest import OTHER_ORG, ROOT


def tree(path: Path) -> dict[str, bytes | None]:
    return {str(p.relative_to(path)): (p.read_bytes() if p.is_file() else None)
            for p in sorted(path.rglob("*"))}


def test_write_all_writes_every_file(tmp_path: Path) -> None:
    files = [(tmp_path / "a" / "x.docx", b"x"), (tmp_path / "b" / "y.xlsx", b"y")]
    assert write_all(files) == [p for p, _ in files]
    assert tree(tmp_path) == {"a": None, "a/x.docx": b"x", "b": None, "b/y.xlsx": b"y"}


def test_write_all_leaves_everything_as_it_was_when_a_file_is_in_the_way(
        tmp_path: Path) -> None:
    (tmp_path / "2024").mkdir()
    (tmp_path / "2024" / "old.docx").write_bytes(b"previous")
    (tmp_path / "2024" / "blocked.docx").mkdir()
    before = tree(tmp_path)
    with pytest.raises(IsADirectoryError):
        write_all([(tmp_path / "2024" / "old.docx", b"new"),
                   (tmp_path / "2025" / "fresh.docx", b"new"),
                   (tmp_path / "2024" / "blocked.docx", b"new")])
    assert tree(tmp_path) == before  # no new file, no new directory, no temporary file


def test_write_all_restores_replaced_files_when_a_rename_fails(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    first, second = tmp_path / "first.docx", tmp_path / "second.docx"
    first.write_bytes(b"old first")
    second.write_bytes(b"old second")
    before = tree(tmp_path)
    real_replace = os.replace
    calls: list[str] = []

    def failing_replace(source: str, target: str) -> None:
        calls.append(str(target))
        if str(target) == str(second) and str(source).endswith(".tmp"):
            raise OSError(28, "No space left on device")
        real_replace(source, target)

    monkeypatch.setattr(os, "replace", failing_replace)
    with pytest.raises(OSError, match="No space"):
        write_all([(first, b"new first"), (second, b"new second")])
    monkeypatch.undo()
    assert tree(tmp_path) == before


def test_atomic_write_removes_the_directories_it_made_when_it_fails(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    def broken(*args: object, **kwargs: object) -> None:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(os, "replace", broken)
    with pytest.raises(OSError):
        atomic_write(tmp_path / "new" / "deeper" / "file.docx", b"data")
    monkeypatch.undo()
    assert list(tmp_path.iterdir()) == []


def test_paths_are_confined(tmp_path: Path) -> None:
    assert confined(tmp_path, "2024", "a.docx") == (tmp_path / "2024" / "a.docx").resolve()
    for parts in (("..", "x"), ("/etc/passwd",), ("2024", "..", "..", "x")):
        with pytest.raises(OutputPathError):
            confined(tmp_path, *parts)
    (tmp_path / "link").symlink_to("/tmp")
    with pytest.raises(OutputPathError):
        confined(tmp_path, "link", "x")


def test_output_directory_must_not_lie_in_the_data(tmp_path: Path) -> None:
    data, templates = tmp_path / "data", tmp_path / "templates"
    protected = {"data": data, "template": templates}
    check_output_dir(tmp_path / "build", protected)
    check_output_dir(tmp_path, protected)  # the data lies inside the output: fine
    for out in (data, data / "2024", templates / "x", data / ".." / "data" / "y"):
        with pytest.raises(OutputPathError, match="lies inside the"):
            check_output_dir(out, protected)


@pytest.mark.parametrize(("expression", "reason"), [
    ("{{ 9 ** 9 ** 9 }}", "raising to a power"),
    ("{{ 'x' * 10 ** 9 }}", "repeating a text"),
    ("{{ [0] * 10 ** 9 }}", "repeating a text or list"),
    ("{{ range(10 ** 9) | list }}", "calling 'range"),
    ("{{ ''.__class__ }}", "reaches for '__class__'"),
    ("{{ a | attr('__class__') }}", "the filter 'attr' is not allowed"),
    ("{{ '{0.__class__}'.format(a) }}", "calling the method '.format"),
    ("{{ lipsum.__globals__ }}", "reaches for '__globals__'"),
    ("{{ a.finns_inte }}", "undefined"),
    ("{{ 1 / 0 }}", "division by zero"),
    ("{{ a", "cannot be read"),
])
def test_the_sandbox_refuses(expression: str, reason: str) -> None:
    env = environment(None, "mkr")
    with pytest.raises(ExpressionError, match=reason):
        render_string(env, expression, {"a": Decimal("1.5")})


@pytest.mark.parametrize(("expression", "reason"), [
    ("{{ 9 ** 9 ** 9 }}", "power is too large"),
    ("{{ 2 ** 1000 }}", "exponent 1000 is larger"),
    ("{{ 'x' * 10 ** 9 }}", "repeating a text"),
    ("{{ [0] * 10 ** 9 }}", "repeating a text or list"),
    ("{{ range(10 ** 9) | list }}", "Range too big"),
    ("{{ ''.__class__ }}", "unsafe"),
])
def test_the_template_sandbox_refuses(expression: str, reason: str) -> None:
    """Templates (not prose) keep Jinja's statements and calls, within the limited sandbox."""
    env = environment(None, "mkr")
    with pytest.raises(Exception, match=reason):
        env.from_string(expression).render(a=Decimal("1.5"))


@pytest.mark.parametrize("name", ["../secret.txt", "/etc/passwd", "a/../../b", "C:/x"])
def test_template_names_cannot_leave_the_template_directory(name: str) -> None:
    env = environment(ROOT / "templates", "mkr")
    with pytest.raises(TemplateNotFound, match="leads outside the template directory"):
        env.get_template(name)


def test_numbers_too_large_for_a_figure() -> None:
    assert too_large(Decimal("1e15")) and too_large(10**15) and too_large(Decimal("NaN"))
    assert too_large(Decimal("3e999999")) and too_large(Decimal("-1e16"))
    assert not too_large(Decimal("999999999999999.9")) and not too_large(True)
    assert not too_large(Decimal("0E+999999")) and not too_large(Decimal("1e-999999"))
    with pytest.raises(SourceError, match="too large"):
        parse_text("a: 1.0e+999999\n", Path("x.yaml"))
    with pytest.raises(SourceError, match="5000 digits"):
        parse_text("a: " + "9" * 5000 + "\n", Path("x.yaml"))


def test_control_characters_never_reach_the_terminal() -> None:
    assert printable("a\x1b[2Jb\x07c\ud800d\u2028e\tf") == \
        "a\\x1b[2Jb\\x07c\\ud800d\\u2028e\tf"
    # bidirectional overrides and invisible characters would disguise the rest of the line
    assert printable("fil\u202etxt.exe \u2066x\u2069 a\u200bb \ufeffåäö") == \
        "fil\\u202etxt.exe \\u2066x\\u2069 a\\u200bb \\ufeffåäö"
    problem = Problem("x.yaml", 3, "f\x00", 'got "\x1b]0;title\x07"')
    assert problem.format() == 'x.yaml:3: f\\x00: got "\\x1b]0;title\\x07"'


def test_the_depth_check_refuses_before_libyaml_recurses() -> None:
    # libyaml's composer recurses in C: a file this deep would crash the interpreter.
    for text in ("a: " + "[" * 200_000 + "]" * 200_000, "- " * 1_000_000 + "x",
                 "? " * 200_000 + "x", "a: " + "{b: " * 100_000 + "1" + "}" * 100_000):
        with pytest.raises(SourceError, match="nested deeper than 60"):
            parse_text(text, Path("x.yaml"))


# --- the style reference plants nothing (issue 23, part 4) -----------------------------------

SHIPPED_REFERENCE = ROOT / "templates" / "reference.docx"
PACKAGE_RELS = "http://schemas.openxmlformats.org/package/2006/relationships"
OFFICE_RELS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
NO_DOCTYPE = b'<?xml version="1.0"?>\n<!DOCTYPE w:styles>\n<w:styles xmlns:w="x"/>'


def reference_with(path: Path, extra: dict[str, bytes],
                   replaced: dict[str, bytes] | None = None) -> Path:
    """The shipped reference with parts replaced and added (names as given, duplicates
    included)."""
    with zipfile.ZipFile(SHIPPED_REFERENCE) as source, zipfile.ZipFile(path, "w") as archive:
        for info in source.infolist():
            archive.writestr(info.filename, (replaced or {}).get(info.filename,
                                                                 source.read(info)))
        for name, data in extra.items():
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                archive.writestr(zipfile.ZipInfo(name), data)
    return path


def _png() -> bytes:
    """A one-pixel PNG (the validator reads pictures)."""
    def chunk(kind: bytes, body: bytes) -> bytes:
        return (struct.pack(">I", len(body)) + kind + body
                + struct.pack(">I", zlib.crc32(kind + body)))

    header = struct.pack(">IIBBBBB", 1, 1, 8, 0, 0, 0, 0)
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header)
            + chunk(b"IDAT", zlib.compress(b"\x00\x00")) + chunk(b"IEND", b""))


def _rels(*items: tuple[str, str, str, bool]) -> bytes:
    return (f'<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="{PACKAGE_RELS}">'
            + "".join(f'<Relationship Id="{i}" Type="{t}" Target="{target}"'
                      + (' TargetMode="External"' if external else "") + "/>"
                      for i, t, target, external in items)
            + "</Relationships>").encode()


@pytest.mark.parametrize(("name", "reason"), [
    ("../../x.txt", "climbs out of the package"),
    ("word/../../x.txt", "climbs out of the package"),
    ("/etc/x", "is an absolute path"),
    ("C:\\x", "is a drive path"),
    ("c:x", "is a drive path"),
    ("a\\..\\b", "holds a backslash"),
    ("word/x\x00.txt", "holds a NUL character"),
    ("word/x\x1b.txt", "holds the character '\\x1b'"),
    ("word/x:stream", "holds the character ':'"),
    ("word//x.xml", "has an empty or '.' segment"),
    ("./word/x.xml", "has an empty or '.' segment"),
    ("word/x.xml.", "ending in a dot or a space"),
    ("", "is empty"),
])
def test_a_part_name_must_be_plain_and_relative(name: str, reason: str) -> None:
    problem = part_name_problem(name)
    assert problem is not None and reason in problem, problem


@pytest.mark.parametrize("name", ["[Content_Types].xml", "_rels/.rels", "word/styles.xml",
                                  "word/media/image1.png", "word/", "docProps/app.xml",
                                  "word/bilder/logotyp å.png"])
def test_plain_part_names_pass(name: str) -> None:
    assert part_name_problem(name) is None


@pytest.mark.parametrize(("extra", "reason"), [
    ({"../../x.txt": b"x"}, "'../../x.txt' climbs out of the package"),
    ({"/etc/x": b"x"}, "'/etc/x' is an absolute path"),
    ({"word/styles.xml": b"x"}, "the part 'word/styles.xml' twice"),
    ({"WORD/STYLES.XML": b"x"}, "'word/styles.xml' and 'WORD/STYLES.XML', which name one"),
    # one name in two Unicode forms (é composed and decomposed)
    ({"word/\u00e9.xml": b"x", "word/e\u0301.xml": b"x"}, "which name one part"),
])
def test_the_writer_refuses_a_reference_that_could_plant_a_file(
        tmp_path: Path, extra: dict[str, bytes], reason: str) -> None:
    """The Word writer's reader checks the names itself (the file may change after the
    check `validate` and the build ran)."""
    path = reference_with(tmp_path / "reference.docx", extra)
    problem = container_problem(path)
    assert problem is not None and reason in problem, problem
    with pytest.raises(ReferenceError, match=re.escape(reason)):
        load_reference(path)


def test_xml_with_a_doctype_is_refused_by_the_reader(tmp_path: Path) -> None:
    path = reference_with(tmp_path / "reference.docx", {},
                          {"word/styles.xml": NO_DOCTYPE})
    assert "'word/styles.xml' of the style reference declares a DOCTYPE" in \
        (container_problem(path) or "")
    with pytest.raises(ReferenceError, match="declares a DOCTYPE"):
        load_reference(path)
    with pytest.raises(ReferenceError, match="declares a DOCTYPE"):
        parse_xml('<?xml version="1.0" encoding="UTF-16"?><!doctype x><x/>'
                  .encode("utf-16"), "a part")


def test_only_the_parts_a_word_file_needs_are_carried(tmp_path: Path) -> None:
    """Macros, custom XML, a thumbnail, the reference's own pictures, an external template
    and a linked picture stay behind; the header keeps its logo."""
    with zipfile.ZipFile(SHIPPED_REFERENCE) as source:
        document_rels = source.read("word/_rels/document.xml.rels")
        package_rels = source.read("_rels/.rels")
        settings = source.read("word/settings.xml")
        types = source.read("[Content_Types].xml")
    document_rels = document_rels.replace(b"</Relationships>", _rels(
        ("rIdV", "http://schemas.microsoft.com/office/2006/relationships/vbaProject",
         "vbaProject.bin", False),
        ("rIdX", f"{OFFICE_RELS}/customXml", "../customXml/item1.xml", False),
        ("rIdB", f"{OFFICE_RELS}/image", "media/body.png", False),
        ("rIdE", f"{OFFICE_RELS}/styles", "https://example.org/styles.xml", True),
    ).split(f'xmlns="{PACKAGE_RELS}">'.encode())[1])
    package_rels = package_rels.replace(b"</Relationships>", _rels(
        ("rIdT", f"{PACKAGE_RELS}/metadata/thumbnail", "docProps/thumbnail.jpeg", False),
        ("rIdC", f"{OFFICE_RELS}/custom-properties", "docProps/custom.xml", False),
    ).split(f'xmlns="{PACKAGE_RELS}">'.encode())[1])
    settings = settings.replace(b"<w:zoom", b'<w:attachedTemplate r:id="rIdA"/><w:zoom', 1)
    types = types.replace(b"</Types>", b'<Default Extension="png" ContentType="image/png"/>'
                          b'<Default Extension="bin" ContentType="application/'
                          b'vnd.ms-office.vbaProject"/></Types>')
    path = reference_with(tmp_path / "reference.docx", {
        "word/vbaProject.bin": b"macro",
        "customXml/item1.xml": b"<x/>",
        "docProps/thumbnail.jpeg": b"jpeg",
        "docProps/custom.xml": b"<x/>",
        "word/media/body.png": b"png",
        "word/media/logo.png": _png(),
        "word/_rels/settings.xml.rels": _rels(
            ("rIdA", f"{OFFICE_RELS}/attachedTemplate", "https://example.org/evil.dotm",
             True)),
        "word/_rels/header1.xml.rels": _rels(
            ("rIdL", f"{OFFICE_RELS}/image", "media/logo.png", False),
            ("rIdW", f"{OFFICE_RELS}/image", "https://example.org/beacon.png", True),
            ("rIdO", f"{OFFICE_RELS}/oleObject", "embeddings/x.bin", False)),
    }, {"word/_rels/document.xml.rels": document_rels, "_rels/.rels": package_rels,
        "word/settings.xml": settings, "[Content_Types].xml": types})
    assert b"attachedTemplate" in settings
    built = _build_with_reference(tmp_path, path)
    with zipfile.ZipFile(built) as archive:
        names = set(archive.namelist())
        header_rels = archive.read("word/_rels/header1.xml.rels").decode()
        built_settings = archive.read("word/settings.xml").decode()
        built_types = archive.read("[Content_Types].xml").decode()
        document_rels_built = archive.read("word/_rels/document.xml.rels").decode()
    for left in ("word/vbaProject.bin", "customXml/item1.xml", "docProps/thumbnail.jpeg",
                 "docProps/custom.xml", "word/media/body.png", "word/_rels/settings.xml.rels"):
        assert left not in names
    assert "word/media/logo.png" in names
    assert "media/logo.png" in header_rels
    assert "beacon" not in header_rels and "oleObject" not in header_rels
    assert "attachedTemplate" not in built_settings
    assert "vbaProject" not in built_types and "example.org" not in document_rels_built
    assert all(part_name_problem(name) is None for name in names)
    audit = pytest.importorskip("openxml_audit")
    validator = audit.OpenXmlValidator(file_format=audit.FileFormat.OFFICE_2019, max_errors=0)
    assert [str(e) for e in validator.validate(str(built)).errors] == []


def _build_with_reference(tmp_path: Path, reference: Path) -> Path:
    """The plan of the other organisation built with `reference`; the .docx's path."""
    data = tmp_path / "data"
    shutil.copytree(OTHER_ORG, data)
    result = CliRunner().invoke(app, ["build", "vp", "2024", "--data", str(data), "--out",
                                      str(tmp_path / "out"), "--format", "docx",
                                      "--reference", str(reference)])
    assert result.exit_code == 0, result.output
    [built] = (tmp_path / "out").rglob("*.docx")
    return built


def test_built_documents_hold_only_plain_part_names(every_docx: list[Path]) -> None:
    """Every Word file built from the shipped reference: no '..', no absolute or drive
    names, no duplicates, and only parts of the kinds a Word file needs."""
    allowed = re.compile(r"(\[Content_Types\]\.xml|_rels/\.rels|docProps/(core|app)\.xml"
                         r"|word/(document|styles|settings|webSettings|fontTable|numbering"
                         r"|header\d+|footer\d+)\.xml|word/theme/theme\d+\.xml"
                         r"|word/_rels/(document|header\d+|footer\d+)\.xml\.rels"
                         r"|word/media/image\d+\.png)")
    for path in every_docx:
        with zipfile.ZipFile(path) as archive:
            infos = archive.infolist()
        assert names_problem(infos) is None, path
        for info in infos:
            assert allowed.fullmatch(info.orig_filename), (path, info.orig_filename)


# --- the tests' own hang guard ------------------------------------------------------------------

def test_the_hang_guard_ends_a_hung_process_and_only_that() -> None:
    """A block that never ends takes the process down with tracebacks; a block that ends
    cancels the guard (the process lives on past the guard's time)."""
    hung = ("import time\nfrom tests.hang_guard import hang_guard\n"
            "with hang_guard(0.2):\n    time.sleep(600)\n")
    ended = ("import time\nfrom tests.hang_guard import hang_guard\n"
             "with hang_guard(0.2):\n    pass\ntime.sleep(0.6)\nprint('alive')\n")
    results = [subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True,
                              timeout=120, check=False) for code in (hung, ended)]
    assert results[0].returncode != 0 and b"Timeout" in results[0].stderr
    assert results[1].returncode == 0 and results[1].stdout == b"alive\n"


# --- .ci/run ------------------------------------------------------------------------------------

def _font_check(fc_list: str, tmp_path: Path) -> str:
    """The packages .ci/run's font check asks for, run under its shell options with a stand-in
    `fc-list` (a shell script printing `fc_list`'s output)."""
    text = (ROOT / ".ci" / "run").read_text(encoding="utf-8")
    check = text.split("# fonts: begin\n")[1].split("# fonts: end\n")[0]
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    (bin_dir / "fc-list").write_text(f"#!/bin/sh\n{fc_list}\n", encoding="utf-8")
    (bin_dir / "fc-list").chmod(0o755)
    script = f"set -euo pipefail\npackages=()\n{check}echo \"${{packages[*]:-}}\"\n"
    result = subprocess.run(["bash", "-c", script], capture_output=True, text=True,
                            timeout=60, check=False,
                            env={**os.environ, "PATH": f"{bin_dir}:{os.environ['PATH']}"})
    assert result.returncode == 0, result.stderr
    return result.stdout.strip()


def test_ci_finds_installed_fonts_however_long_the_list(tmp_path: Path) -> None:
    """The fonts come first in a long list: a `grep -q` in a pipe would stop reading there,
    fc-list would die of SIGPIPE and pipefail would call the fonts missing."""
    listing = ("echo 'Liberation Sans'; echo Carlito; "
               "i=0; while [ $i -lt 20000 ]; do echo \"Family $i\"; i=$((i+1)); done")
    assert _font_check(listing, tmp_path) == ""


def test_ci_installs_fonts_that_are_missing(tmp_path: Path) -> None:
    assert _font_check("echo 'DejaVu Sans'", tmp_path) == \
        "fonts-liberation fonts-crosextra-carlito"


# --- SOURCE_DATE_EPOCH --------------------------------------------------------------------------

@pytest.mark.parametrize("epoch", ["99999999999999999", "9" * 5000, "253402300800"])
def test_a_source_date_epoch_beyond_any_date_is_refused_plainly(tmp_path: Path,
                                                               epoch: str) -> None:
    """A timestamp past year 9999 overflowed the build ("unexpected error … a bug in
    snplan"); it is a usage error naming the variable, and nothing is written."""
    data = tmp_path / "data"
    shutil.copytree(OTHER_ORG, data)
    result = CliRunner().invoke(app, ["build", "vp", "2024", "--data", str(data), "--out",
                                      str(tmp_path / "out"), "--format", "docx"],
                                env={"SOURCE_DATE_EPOCH": epoch})
    assert result.exit_code == 2, result.output
    assert "error: SOURCE_DATE_EPOCH is " in result.output
    assert "which is no date a document can carry" in result.output
    assert "bug in snplan" not in result.output
    assert not list(tmp_path.glob("out/**/*.docx"))


def test_the_last_second_of_year_9999_is_a_date(tmp_path: Path) -> None:
    data = tmp_path / "data"
    shutil.copytree(OTHER_ORG, data)
    result = CliRunner().invoke(app, ["build", "vp", "2024", "--data", str(data), "--out",
                                      str(tmp_path / "out"), "--format", "docx"],
                                env={"SOURCE_DATE_EPOCH": "253402300799"})
    assert result.exit_code == 0, result.output
