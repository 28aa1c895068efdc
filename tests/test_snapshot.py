"""`snplan validate` answered from the snapshot of its last check when nothing it read has
changed, and checked afresh when anything has: a data file's content, an entry added under the
data directory, the question asked."""

from __future__ import annotations

import hashlib
import os
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

from snplan.cli import app
from snplan.rules import report
from snplan.source import snapshot
from snplan.source.cache import keep, user_cache_dir

from .conftest import replace_in

runner = CliRunner()


@pytest.fixture
def cached(monkeypatch: pytest.MonkeyPatch) -> list[Path]:
    """The snapshot turned on; the list records each real check's data directory."""
    monkeypatch.setenv("SNPLAN_CACHE", "1")
    checked: list[Path] = []
    real = report.run

    def counting(data: Path, year: int | None = None) -> report.Report:
        checked.append(data)
        return real(data, year=year)

    monkeypatch.setattr(report, "run", counting)
    return checked


def validate(data: Path, *args: str) -> str:
    result = runner.invoke(app, ["validate", "--data", str(data), *args])
    return f"{result.exit_code}\n{result.output}"


def test_unchanged_data_is_answered_from_the_snapshot(data_copy: Path,
                                                      cached: list[Path]) -> None:
    first = validate(data_copy)
    second = validate(data_copy)
    assert first == second and first.startswith("0\n")
    assert len(cached) == 1  # the second answer came from the snapshot


def test_any_change_is_checked_afresh(data_copy: Path, cached: list[Path]) -> None:
    validate(data_copy)
    plan = data_copy / "2022" / "verksamhetsplan.yaml"
    replace_in(plan, "budget_per_enhet:", "budget_per_enheten:")
    broken = validate(data_copy)
    assert broken.startswith("1\n") and "budget_per_enheten" in broken
    assert len(cached) == 2
    (data_copy / "stray").mkdir()  # an entry no file of the loader is: still a change
    validate(data_copy)
    assert len(cached) == 3
    validate(data_copy, "--year", "2022")  # another question
    assert len(cached) == 4


def test_a_damaged_snapshot_is_a_miss(data_copy: Path, cached: list[Path]) -> None:
    validate(data_copy)
    for entry in user_cache_dir("snapshots").glob("*.pickle"):
        entry.write_bytes(b"not a pickle")
    assert validate(data_copy).startswith("0\n")
    assert len(cached) == 2


def test_the_key_follows_the_content_not_the_time(data_copy: Path) -> None:
    plan = data_copy / "2022" / "verksamhetsplan.yaml"
    before = snapshot.key(data_copy, "q")
    text = plan.read_bytes()
    plan.write_bytes(text)  # written again, same bytes
    assert snapshot.key(data_copy, "q") == before
    plan.write_bytes(text + b"\n# ny rad\n")
    assert snapshot.key(data_copy, "q") != before
    assert snapshot.key(data_copy / "finns-inte", "q") is None


def test_a_build_from_the_kept_dataset_is_the_same_document(data_copy: Path, tmp_path: Path,
                                                            monkeypatch: pytest.MonkeyPatch
                                                            ) -> None:
    """The loaded and checked dataset is kept too (its models made again from their
    outlines when it is read back): a build that starts from it writes the same bytes as one
    that read every file."""
    monkeypatch.setenv("SNPLAN_CACHE", "1")
    common = ["build", "ar", "2023", "--format", "docx", "--force", "--data", str(data_copy)]
    first = runner.invoke(app, [*common, "--out", str(tmp_path / "a")])
    assert first.exit_code == 0, first.output
    key = snapshot.key(data_copy, "report")
    kept = snapshot.load(key)
    assert isinstance(kept, report.Report) and kept.dataset.years
    second = runner.invoke(app, [*common, "--out", str(tmp_path / "b")])
    assert second.exit_code == 0, second.output
    name = "2023/arsredovisning-2023.docx"
    assert (tmp_path / "a" / name).read_bytes() == (tmp_path / "b" / name).read_bytes()


def _remove_deep(top: Path) -> None:
    """Remove a tree deeper than the recursion limit (shutil.rmtree recurses, and so does
    pytest's clean-up of its temporary directories): the deepest directory first."""
    path = top
    depth = 0
    while (path / "d").is_dir():
        path, depth = path / "d", depth + 1
    for _unused in range(depth + 1):
        path.rmdir()
        path = path.parent


def test_deeper_nested_directories_than_recursion_allows_are_walked(
        data_copy: Path, cached: list[Path], tmp_path: Path) -> None:
    """The walk that names a snapshot (and a build's fingerprint) goes down any depth: a
    stray tree deeper than Python's recursion limit is a problem at its top, never a
    crash."""
    deep = data_copy / "stray"
    deep.mkdir()
    here = os.getcwd()
    try:
        os.chdir(deep)
        for _unused in range(sys.getrecursionlimit() + 100):
            os.mkdir("d")
            os.chdir("d")
        os.chdir(here)
        result = validate(data_copy)
        assert result.startswith("1\n") and "stray" in result
        assert "bug in snplan" not in result
        built = runner.invoke(app, ["build", "ar", "2023", "--data", str(data_copy), "--out",
                                    str(tmp_path / "out")])
        assert built.exit_code == 1 and "bug in snplan" not in built.output
    finally:
        os.chdir(here)
        _remove_deep(deep)


def test_a_walk_reads_a_bounded_amount(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Past MOST_HASHED bytes a file of a kind snplan does not read is named by its size and
    time: content changed behind the same size and time is not seen (it was never read), a
    new time is; a data file is read all the same."""
    monkeypatch.setattr(snapshot, "MOST_HASHED", 8)
    (tmp_path / "a.yaml").write_text("1234", encoding="utf-8")  # read: within the budget
    late = tmp_path / "b.txt"
    late.write_text("abcdefghij", encoding="utf-8")  # past it
    data = tmp_path / "c.yaml"
    data.write_text("abcdefghij", encoding="utf-8")  # past it, but a kind snplan reads

    def key() -> str:
        digest = hashlib.sha256()
        assert snapshot.tree_digest(digest, tmp_path)
        return digest.hexdigest()

    before = key()
    stamp = late.stat().st_mtime_ns
    late.write_text("ABCDEFGHIJ", encoding="utf-8")
    os.utime(late, ns=(stamp, stamp))
    assert key() == before
    os.utime(late, ns=(stamp + 10**9, stamp + 10**9))
    assert key() != before
    os.utime(late, ns=(stamp, stamp))
    assert key() == before
    data_stamp = data.stat().st_mtime_ns
    data.write_text("ABCDEFGHIJ", encoding="utf-8")
    os.utime(data, ns=(data_stamp, data_stamp))
    assert key() != before  # a data file is read, however much lay before it


def test_a_cache_directory_keeps_its_newest_entries(tmp_path: Path) -> None:
    """`source.cache.keep`: at most `kept` entries stay, the newest; with `slack`, the
    directory is pruned back to `kept` only once it holds `slack` more."""
    shelf = tmp_path / "shelf"
    for number in range(10):
        keep(shelf, f"{number}.pickle", b"x", kept=4)
        stamp = 10**18 + number * 10**9  # one second apart, in order
        os.utime(shelf / f"{number}.pickle", ns=(stamp, stamp))
    assert sorted(p.name for p in shelf.iterdir()) == [f"{n}.pickle" for n in range(6, 10)]
    loose = tmp_path / "loose"
    for number in range(5):
        keep(loose, str(number), b"x", kept=4, slack=1)
    assert len(list(loose.iterdir())) == 5  # within the slack: not listed yet
    keep(loose, "5", b"x", kept=4, slack=1)
    assert len(list(loose.iterdir())) == 4
