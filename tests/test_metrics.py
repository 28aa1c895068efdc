"""`snplan metrics` on the shipped data, in every format."""

from __future__ import annotations

import csv
import io
import json

from typer.testing import CliRunner

from snplan.cli import app

from .conftest import DATA

runner = CliRunner()


def metrics(*args: str):
    return runner.invoke(app, ["metrics", *args, "--data", str(DATA)])


def test_table() -> None:
    result = metrics("2023")
    assert result.exit_code == 0, result.output
    line = next(x for x in result.stdout.splitlines() if "Verksamhetens nettokostnader" in x)
    # outcome, last year, change, %, budget, deviation, forecast, deviation (hand calculated)
    assert line.split()[-9:] == ["-198,8", "-199,6", "+0,8", "-0,4", "%", "-227,4", "+28,6",
                                 "-203,3", "+4,5"]


def test_json_is_exact() -> None:
    result = metrics("2023", "--format", "json")
    assert result.exit_code == 0
    data = json.loads(result.stdout)
    assert data["year"] == 2023
    net = next(m for m in data["metrics"]
               if m["section"] == "Resultaträkning" and m["name"] == "Verksamhetens nettokostnader")
    assert (net["value"], net["previous"], net["budget"]) == ("-198.8", "-199.6", "-227.4")
    assert (net["budget_deviation"], net["forecast_deviation"]) == ("28.6", "4.5")
    revenue = next(m for m in data["metrics"] if m["name"] == "Summa intäkter")
    assert revenue["budget_deviation"] == "8.8"
    employees = next(m for m in data["metrics"] if m["name"] == "Antal anställda")
    assert (employees["value"], employees["previous"], employees["change"]) == ("221", "218", "3")


def test_csv_and_markdown() -> None:
    result = metrics("2022", "--format", "csv")
    assert result.exit_code == 0
    rows = list(csv.DictReader(io.StringIO(result.stdout)))
    unit = next(r for r in rows if r["name"] == "Ekonomi- och arbetsmarknadsenheten")
    assert (unit["value"], unit["previous"], unit["change"]) == ("-47.4", "-52.8", "-5.4")
    net = next(r for r in rows if r["section"] == "Budget (VP)" and r["name"] == "Nettokostnader")
    assert net["change"] == "-3.6"
    md = metrics("2022", "--format", "markdown")
    assert md.exit_code == 0
    assert "| Intäkter | 42,4 | 47,9 | -5,5 |" in md.stdout


def test_usage() -> None:
    assert metrics("2023", "--format", "xml").exit_code == 2
    assert metrics("1999").exit_code == 2
