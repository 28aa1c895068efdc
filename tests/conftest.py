"""Shared fixtures: paths to the shipped data and a way to get a writable copy of it."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
DATA = ROOT / "data"
OTHER_ORG = Path(__file__).resolve().parent / "fixtures" / "annan-kommun"
EXEMPELBY = Path(__file__).resolve().parent / "fixtures" / "exempelby"


@pytest.fixture(scope="session", autouse=True)
def chart_cache(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    """Charts drawn by the tests are cached in a directory of the test session, not the
    user's cache."""
    import os

    directory = tmp_path_factory.mktemp("cache")
    previous = os.environ.get("XDG_CACHE_HOME")
    os.environ["XDG_CACHE_HOME"] = str(directory)
    # validation is answered afresh in every test (tests change code paths under it); the
    # snapshot's own tests turn it on
    os.environ["SNPLAN_CACHE"] = "0"
    yield directory
    if previous is None:
        os.environ.pop("XDG_CACHE_HOME", None)
    else:
        os.environ["XDG_CACHE_HOME"] = previous


# The tests read snplan's messages in English, the language of its code (msgids); tests of
# the Swedish default ask for it (`--lang sv`, or a locale without English). Set before snplan
# is imported, so the commands' help is made in English too.
os.environ["LANGUAGE"] = "en"


@pytest.fixture(autouse=True)
def english_again() -> Iterator[None]:
    """A test that switched to Swedish (`--lang sv`) leaves English for the next."""
    yield
    from snplan import messages

    messages.use("en")


@pytest.fixture
def data_copy(tmp_path: Path) -> Path:
    """A writable copy of the shipped data, for tests that break it on purpose."""
    target = tmp_path / "data"
    shutil.copytree(DATA, target)
    return target


def replace_in(path: Path, old: str, new: str, count: int = 1) -> None:
    """Replace text in a data file, failing loudly when the text is not there."""
    text = path.read_text(encoding="utf-8")
    assert old in text, f"{old!r} not found in {path}"
    path.write_text(text.replace(old, new, count), encoding="utf-8")


def snplan_in_a_process(args: list[str], watched: tuple[str, ...]
                        ) -> subprocess.CompletedProcess[str]:
    """`snplan ARGS` in a process of its own (in English), which then prints
    `imported: [...]`: those of the `watched` modules it imported. What a command imports is
    only seen in a fresh process (the test process has imported everything)."""
    probe = ("import sys\n"
             "from snplan.cli import main\n"
             f"sys.argv = ['snplan', *{args!r}]\n"
             "try:\n    main()\nexcept SystemExit:\n    pass\n"
             f"heavy = sorted(m for m in {watched!r} if m in sys.modules)\n"
             "print('imported:', heavy)\n")
    return subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True,
                          env={**os.environ, "LANGUAGE": "en"}, check=False)


def line_of(path: Path, needle: str) -> int:
    """The 1-based line of the first line containing `needle`."""
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        if needle in line:
            return number
    raise AssertionError(f"{needle!r} not in {path}")


def line_after(path: Path, anchor: str, needle: str) -> int:
    """The 1-based line of the first line containing `needle` after the line containing
    `anchor` (a key inside a block)."""
    start = line_of(path, anchor)
    lines = path.read_text(encoding="utf-8").splitlines()
    for number in range(start + 1, len(lines) + 1):
        if needle in lines[number - 1]:
            return number
    raise AssertionError(f"{needle!r} not after {anchor!r} in {path}")


@pytest.fixture(scope="session")
def every_docx(tmp_path_factory: pytest.TempPathFactory) -> list[Path]:
    """Every Word document of the shipped data and of both fixture organisations, built once
    for the tests that read them all (schema validation, figures whole in the PDF)."""
    from snplan import documents
    from snplan.commands.rendering import DEFAULT_TEMPLATES, Settings, build_many
    from snplan.source.load import load

    files: list[Path] = []
    for name, data in (("solna", DATA), ("annan", OTHER_ORG), ("exempelby", EXEMPELBY)):
        out = tmp_path_factory.mktemp(name)
        ds = load(data)
        build_many(ds, documents.all_targets(ds), Settings(out=out, templates=DEFAULT_TEMPLATES))
        files += sorted(out.rglob("*.docx"))
    return files
