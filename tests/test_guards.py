"""The guards against hostile input, one by one: all-or-nothing writing, confined paths, the
limited sandbox, the confined template loader, numbers too large for a figure, and messages
that cannot carry terminal control characters."""

from __future__ import annotations

import os
from decimal import Decimal
from pathlib import Path

import pytest
from jinja2 import TemplateNotFound

from snplan.output.files import OutputPathError, atomic_write, check_output_dir, confined, write_all
from snplan.problems import Problem, printable
from snplan.prose.sandbox import ExpressionError, environment, render_string
from snplan.source.yamlsource import SourceError, parse_text, too_large

from .conftest import ROOT


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
