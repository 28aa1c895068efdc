"""The checked-in JSON Schemas match the models, and every data file points its editor at one."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import yaml
from jsonschema import Draft202012Validator, ValidationError
from typer.testing import CliRunner

from snplan.cli import app
from snplan.commands import schema as schemas
from snplan.model import DOCUMENT_FILES

from .conftest import DATA, OTHER_ORG, ROOT

SCHEMAS = ROOT / "schemas"


def test_checked_in_schemas_are_current() -> None:
    stale = schemas.stale(SCHEMAS)
    assert stale == [], f"run `snplan schema`: stale {stale}"


def test_schema_check_command_detects_a_stale_file(tmp_path: Path) -> None:
    runner = CliRunner()
    assert runner.invoke(app, ["schema", "--out", str(tmp_path)]).exit_code == 0
    assert runner.invoke(app, ["schema", "--check", "--out", str(tmp_path)]).exit_code == 0
    (tmp_path / "mbl-protokoll.schema.json").write_text("{}\n", encoding="utf-8")
    result = runner.invoke(app, ["schema", "--check", "--out", str(tmp_path)])
    assert result.exit_code == 1
    assert "mbl-protokoll.schema.json: out of date" in result.output


def _kind_of(path: Path) -> str:
    if path.name == "organisation.yaml":
        return "organisation"
    if path.parent.name == "disposition":
        return "disposition"
    for kind, files in DOCUMENT_FILES.items():
        if path.name == files.file or path.parent.name == files.folder:
            return kind
    raise AssertionError(path)


def test_every_data_file_starts_with_its_schema_comment() -> None:
    files = sorted(DATA.rglob("*.yaml"))
    assert len(files) > 10
    for path in files:
        first = path.read_text(encoding="utf-8").splitlines()[0]
        kind = _kind_of(path)
        assert first.startswith("# yaml-language-server: $schema="), path
        target = (path.parent / first.split("$schema=", 1)[1].strip()).resolve()
        assert target == (SCHEMAS / f"{kind}.schema.json").resolve(), path
        assert target.is_file(), path


class _EditorLoader(yaml.SafeLoader):
    """YAML read as an editor's language server reads it: a date stays the text it is."""


_EditorLoader.add_constructor("tag:yaml.org,2002:timestamp",
                              lambda loader, node: loader.construct_scalar(node))


def _schema_errors(path: Path, data: object | None = None) -> list[str]:
    """What a real JSON Schema validator says about a data file against the schema its first
    line names (the schema an editor checks it with)."""
    first = path.read_text(encoding="utf-8").splitlines()[0]
    if first.startswith("# yaml-language-server: $schema="):
        schema_path = (path.parent / first.split("$schema=", 1)[1].strip()).resolve()
    else:  # a test fixture: the schema of its kind
        schema_path = SCHEMAS / f"{_kind_of(path)}.schema.json"
    schema = json.loads(schema_path.read_text(encoding="utf-8"))
    if data is None:
        data = yaml.load(path.read_text(encoding="utf-8"), Loader=_EditorLoader)  # noqa: S506
    validator = Draft202012Validator(schema, format_checker=Draft202012Validator.FORMAT_CHECKER)
    found = []

    def collect(error: ValidationError) -> None:
        found.append(f"{'/'.join(map(str, error.absolute_path))}: {error.message}")
        for sub in error.context or []:
            collect(sub)

    for error in validator.iter_errors(data):
        collect(error)
    return found


@pytest.mark.parametrize("path", sorted(DATA.rglob("*.yaml")) + sorted(OTHER_ORG.rglob("*.yaml")),
                         ids=lambda p: str(p.relative_to(ROOT)))
def test_every_data_file_passes_its_own_schema(path: Path) -> None:
    assert _schema_errors(path) == []


def test_the_schemas_refuse_broken_copies(tmp_path: Path) -> None:
    report = DATA / "2023" / "arsredovisning.yaml"
    data = yaml.load(report.read_text(encoding="utf-8"), Loader=_EditorLoader)  # noqa: S506
    broken = dict(data, sammanfattning=42)
    assert any("sammanfattning" in e for e in _schema_errors(report, broken))
    broken = dict(data, okand_nyckel="x")
    assert any("okand_nyckel" in e for e in _schema_errors(report, broken))
    broken = dict(data, ar="tjugotjugotre")
    assert any(e.startswith("ar:") for e in _schema_errors(report, broken))
    plan = DATA / "2022" / "verksamhetsplan.yaml"
    data = yaml.load(plan.read_text(encoding="utf-8"), Loader=_EditorLoader)  # noqa: S506
    data["driftbudget"]["rader"]["intakter"] = "mycket"
    assert any(e.startswith("driftbudget/rader/intakter") for e in _schema_errors(plan, data))
