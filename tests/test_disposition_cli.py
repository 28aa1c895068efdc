"""`snplan disposition KIND`: the outline a kind is built from, printed to start an
organisation's own; written back unchanged it builds the same document."""

from __future__ import annotations

from pathlib import Path

from typer.testing import CliRunner

from snplan.cli import app

from .conftest import ROOT

runner = CliRunner()


def test_prints_the_shipped_outline_with_its_comments(tmp_path: Path) -> None:
    result = runner.invoke(app, ["disposition", "årsredovisning", "--data", str(tmp_path)])
    assert result.exit_code == 0
    assert result.output.startswith("# The default outline of an annual report")
    assert "  - rubrik: Förvaltningsberättelse\n" in result.output
    assert "indelning: konton" in result.output


OWN = "titel: Plan {ar}\nkapitel:\n  - rubrik: Sammanfattning\n    block: sammanfattning\n"


def test_prints_the_organisations_own_unless_shipped_is_asked_for(tmp_path: Path) -> None:
    (tmp_path / "disposition").mkdir()
    (tmp_path / "disposition" / "verksamhetsplan.yaml").write_text(
        OWN, encoding="utf-8")
    own = runner.invoke(app, ["disposition", "vp", "--data", str(tmp_path)])
    assert own.exit_code == 0, own.output
    assert own.output == OWN
    shipped = runner.invoke(app, ["disposition", "vp", "--data", str(tmp_path), "--shipped"])
    assert shipped.output.startswith("# The default outline of a plan")


def test_an_unknown_kind_is_a_usage_error(tmp_path: Path) -> None:
    result = runner.invoke(app, ["disposition", "budget", "--data", str(tmp_path)])
    assert result.exit_code == 2
    assert "unknown document kind 'budget'; choose one of verksamhetsplan" in result.output


def test_the_printed_outline_written_back_builds_the_same_document(data_copy: Path,
                                                                   tmp_path: Path) -> None:
    def build(out: Path) -> bytes:
        result = runner.invoke(app, ["build", "ar", "2023", "--format", "md", "--data",
                                     str(data_copy), "--out", str(out), "--templates",
                                     str(ROOT / "templates")])
        assert result.exit_code == 0, result.output
        return (out / "2023" / "arsredovisning-2023.md").read_bytes()

    before = build(tmp_path / "a")
    printed = runner.invoke(app, ["disposition", "ar", "--data", str(data_copy)]).output
    (data_copy / "disposition").mkdir()
    (data_copy / "disposition" / "arsredovisning.yaml").write_text(printed, encoding="utf-8")
    assert build(tmp_path / "b") == before


def test_a_broken_own_outline_is_refused_not_replaced(tmp_path: Path) -> None:
    """An organisation's own outline that `validate` refuses is refused here too (exit 1,
    the file and line named), never silently replaced by the shipped one."""
    (tmp_path / "disposition").mkdir()
    (tmp_path / "disposition" / "verksamhetsplan.yaml").write_text(
        "titel: Plan {ar}\nkapitel: []\n", encoding="utf-8")
    result = runner.invoke(app, ["disposition", "vp", "--data", str(tmp_path)])
    assert result.exit_code == 1
    assert "disposition/verksamhetsplan.yaml:2: kapitel: needs at least 1 item(s)" \
        in result.output
    assert "# The default outline" not in result.output


def test_an_own_outline_linked_outside_the_data_is_refused(tmp_path: Path) -> None:
    data, outside = tmp_path / "data", tmp_path / "outside.yaml"
    (data / "disposition").mkdir(parents=True)
    outside.write_text(OWN, encoding="utf-8")
    (data / "disposition" / "verksamhetsplan.yaml").symlink_to(outside)
    result = runner.invoke(app, ["disposition", "vp", "--data", str(data)])
    assert result.exit_code == 1
    assert "disposition/verksamhetsplan.yaml" in result.output
    assert "block: sammanfattning" not in result.output
