"""`snplan metrics` on the shipped data, in every format."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

from typer.testing import CliRunner

from snplan.cli import app

from .conftest import DATA

runner = CliRunner()


def metrics(*args: str):
    return runner.invoke(app, ["metrics", *args, "--data", str(DATA)])


def test_table() -> None:
    result = metrics("2023")
    assert result.exit_code == 0, result.output
    lines = result.stdout.splitlines()
    start = lines.index("Årsredovisning: Resultaträkning (mkr)")
    line = next(x for x in lines[start:] if "Verksamhetens nettokostnader" in x)
    # the table's own columns: outcome, last year, %, budget deviation, budget, forecast,
    # forecast deviation and the change (hand calculated from the printed figures)
    assert line.split()[-9:] == ["-198,8", "-199,6", "-0,4", "%", "28,6", "-227,4", "-203,3",
                                 "4,5", "0,8"]


def test_json_is_exact() -> None:
    result = metrics("2023", "--format", "json")
    assert result.exit_code == 0
    data = json.loads(result.stdout)
    assert data["year"] == 2023
    statement = next(t for t in data["tables"] if t["table"] == "resultatrakning")
    net = next(r for r in statement["rows"] if r["id"] == "summa")
    assert net["label"] == "Verksamhetens nettokostnader" and net["total"]
    values = net["values"]
    assert (values["utfall"], values["fjol"], values["budget"]) == ("-198.8", "-199.6", "-227.4")
    assert (values["budgetavvikelse"], values["prognosavvikelse"]) == ("28.6", "4.5")
    assert values["procent"] == "-0.4"  # -198,8 / -199,6 − 1 = -0,40 %, to one decimal
    revenue = next(r for r in statement["rows"] if r["id"] == "intakter")
    assert revenue["values"]["budgetavvikelse"] == "8.8"
    people = next(t for t in data["tables"] if t["table"] == "personal")
    employees = next(r for r in people["rows"] if r["id"] == "antal_anstallda")
    assert employees["values"] == {"utfall": "221", "fjol": "218", "forandring": "3"}


def test_csv_and_markdown() -> None:
    result = metrics("2022", "--format", "csv")
    assert result.exit_code == 0
    rows = list(csv.DictReader(io.StringIO(result.stdout)))
    unit = {r["column"]: r["value"] for r in rows
            if r["table"] == "budget_per_enhet" and r["row"] == "ekonomi-arbetsmarknad"}
    assert unit == {"budget": "-47.4", "fjol": "-52.8", "forandring": "-5.4"}
    net = next(r for r in rows if r["table"] == "driftbudget" and r["row"] == "summa"
               and r["column"] == "forandring")
    assert net["value"] == "-3.6" and net["label"] == "Nettokostnader"
    md = metrics("2022", "--format", "markdown")
    assert md.exit_code == 0
    assert "| Intäkter | 42,4 | 47,9 | -5,5 |" in md.stdout


def test_csv_cells_never_become_formulas(data_copy: Path) -> None:
    """A label from the data that begins like a formula is neutralised (the OWASP rule);
    figures stay numbers."""
    from .conftest import replace_in

    replace_in(data_copy / "organisation.yaml", "namn: Stab och central ledning",
               'namn: "=HYPERLINK(\\"http://example.invalid\\")"')
    result = runner.invoke(app, ["metrics", "2022", "--format", "csv", "--data",
                                 str(data_copy)])
    assert result.exit_code == 0, result.output
    rows = list(csv.DictReader(io.StringIO(result.stdout)))
    labels = {r["label"] for r in rows if r["row"] == "stab"}
    assert labels == {"'=HYPERLINK(\"http://example.invalid\")"}
    assert {r["value"] for r in rows if r["row"] == "stab"} == {"-17.3", "-17.1", "0.2"}


def test_usage() -> None:
    assert metrics("2023", "--format", "xml").exit_code == 2
    assert metrics("1999").exit_code == 2
