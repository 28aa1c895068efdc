"""The command line behaves as Python users expect: --version, -h, python -m snplan, shell
completion, flags shown as flags, plain usage errors, and the same exit code for a year the
data does not hold in every command."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

from snplan import __version__
from snplan.cli import app
from snplan.commands.rendering import DEFAULT_TEMPLATES

from .conftest import DATA, ROOT

runner = CliRunner()


def test_version_and_short_help() -> None:
    result = runner.invoke(app, ["--version"])
    assert result.exit_code == 0 and result.stdout.strip() == f"snplan {__version__}"
    for args in (["-h"], ["build", "-h"], ["validate", "-h"]):
        result = runner.invoke(app, args, prog_name="snplan")
        assert result.exit_code == 0 and result.stdout.startswith("Usage: snplan"), args
    assert "--install-completion" in runner.invoke(app, ["-h"]).stdout


def test_python_dash_m_snplan_is_the_command() -> None:
    result = subprocess.run([sys.executable, "-m", "snplan", "--version"], capture_output=True,
                            text=True, check=False, cwd=ROOT)
    assert result.returncode == 0 and result.stdout.strip() == f"snplan {__version__}"


def test_flags_are_shown_as_flags_and_build_help_lists_the_aliases() -> None:
    text = runner.invoke(app, ["build", "-h"]).stdout
    assert "--all " in text and "<bool>" not in text and "--force " in text
    for name in ("verksamhetsplan (vp)", "arsredovisning (ar)", "tjansteskrivelse (ts)",
                 "mbl-protokoll (mbl)", "årsredovisning"):
        assert name in " ".join(text.split()), name


def test_usage_errors_are_plain_lines_without_a_terminal() -> None:
    result = runner.invoke(app, ["buil"])
    assert result.exit_code == 2
    assert "No such command 'buil'" in result.output
    assert not any(ch in result.output for ch in "╭╮│╰"), result.output
    result = runner.invoke(app, ["build", "vp", "2022", "--format", "odt", "--data", str(DATA)])
    assert result.exit_code == 2 and result.output.startswith("error: --format must be")


@pytest.mark.parametrize("args", [
    ["validate", "--year", "1999"],
    ["metrics", "1999"],
    ["build", "vp", "1999"],
    ["build", "ar", "1999", "--format", "xlsx"],
    ["build", "ts", "1999", "--matter", "x"],
])
def test_a_year_without_data_is_a_usage_error_everywhere(args: list[str], tmp_path: Path
                                                         ) -> None:
    extra = ["--out", str(tmp_path)] if args[0] == "build" else []
    result = runner.invoke(app, [*args, "--data", str(DATA), *extra])
    assert result.exit_code == 2, result.output
    assert "there is no data for 1999" in result.output


def test_metrics_json_rounds_to_the_displayed_precision() -> None:
    result = runner.invoke(app, ["metrics", "2023", "--format", "json", "--data", str(DATA)])
    tables = {t["table"]: t for t in json.loads(result.stdout)["tables"]}
    revenue = next(r for r in tables["resultatrakning"]["rows"] if r["id"] == "intakter")
    # 51,0 against 48,1: 6,029… % (hand calculation), shown with one decimal
    assert revenue["values"]["procent"] == "6.0"
    households = next(r for t in json.loads(result.stdout)["tables"] for r in t["rows"]
                      if r["id"] == "hushall-med-utbetalningar")
    # mean of 2023's twelve months: 1125 / 12 = 93,75 → 93,8 (half up)
    assert households["values"]["utfall"] == "93.8"
    values = [v for t in tables.values() for r in t["rows"] for v in r["values"].values()]
    assert values and all(v is None or len(v) < 12 for v in values)


def test_reference_without_out_never_overwrites(tmp_path: Path,
                                                monkeypatch: pytest.MonkeyPatch) -> None:
    shipped = DEFAULT_TEMPLATES / "reference.docx"
    before = shipped.read_bytes()
    monkeypatch.chdir(DEFAULT_TEMPLATES)  # where the shipped reference lies
    result = runner.invoke(app, ["reference"])
    assert result.exit_code == 2 and "already exists" in result.output
    assert shipped.read_bytes() == before
    monkeypatch.chdir(tmp_path)
    assert runner.invoke(app, ["reference"]).exit_code == 0
    assert (tmp_path / "reference.docx").stat().st_size > 10_000
    again = runner.invoke(app, ["reference"])
    assert again.exit_code == 2  # not over the file it wrote either
    explicit = runner.invoke(app, ["reference", "--out", str(tmp_path / "reference.docx")])
    assert explicit.exit_code == 0


def test_new_refuses_a_year_it_could_not_validate(data_copy: Path) -> None:
    for year in ("1899", "2201", "99999"):
        result = runner.invoke(app, ["new", year, "--data", str(data_copy)])
        assert result.exit_code == 2, result.output
        assert "outside the years snplan can validate" in result.output
        assert not (data_copy / year).exists()


def test_a_terminal_gets_a_progress_bar() -> None:
    """On a terminal the build draws rich's progress bar (to standard error), not lines."""
    import io

    from rich.console import Console

    from snplan.cli import TerminalProgress

    screen = io.StringIO()
    progress = TerminalProgress(Console(file=screen, force_terminal=True, width=80))
    progress.start(3)
    for label in ("Årsredovisning 2023", "Verksamhetsplan och budget 2022", "a.pdf"):
        progress.step(label)
    progress.finish()
    assert "3/3" in screen.getvalue() and "━" in screen.getvalue()
