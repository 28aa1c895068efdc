"""The checked-in JSON Schemas match the models, and every data file points its editor at one."""

from __future__ import annotations

from pathlib import Path

from typer.testing import CliRunner

from snplan import schemas
from snplan.cli import app
from snplan.model import KINDS

from .conftest import DATA, ROOT

SCHEMAS = ROOT / "schemas"


def test_checked_in_schemas_are_current() -> None:
    stale = schemas.stale(SCHEMAS)
    assert stale == [], f"run `snplan schema`: stale {stale}"


def test_schema_check_command_detects_a_stale_file(tmp_path: Path) -> None:
    runner = CliRunner()
    assert runner.invoke(app, ["schema", "--out", str(tmp_path)]).exit_code == 0
    assert runner.invoke(app, ["schema", "--check", "--out", str(tmp_path)]).exit_code == 0
    (tmp_path / "mbl.schema.json").write_text("{}\n", encoding="utf-8")
    result = runner.invoke(app, ["schema", "--check", "--out", str(tmp_path)])
    assert result.exit_code == 1
    assert "mbl.schema.json: out of date" in result.output


def _kind_of(path: Path) -> str:
    if path.name == "organisation.yaml":
        return "organisation"
    if path.parent.name == "arenden":
        return "tjansteskrivelse"
    if path.parent.name == "mbl":
        return "mbl"
    return path.stem


def test_every_data_file_starts_with_its_schema_comment() -> None:
    files = sorted(DATA.rglob("*.yaml"))
    assert len(files) > 10
    for path in files:
        first = path.read_text(encoding="utf-8").splitlines()[0]
        kind = _kind_of(path)
        assert kind in KINDS, path
        assert first.startswith("# yaml-language-server: $schema="), path
        target = (path.parent / first.split("$schema=", 1)[1].strip()).resolve()
        assert target == (SCHEMAS / KINDS[kind].schema_file).resolve(), path
        assert target.is_file(), path
