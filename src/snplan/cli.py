"""The `snplan` command line: a thin layer over library functions that tests call directly.

Exit codes: 0 fine, 1 the data has problems, 2 the command was used wrongly.
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Annotated

import typer

from . import validate as validation

app = typer.Typer(
    add_completion=False,
    no_args_is_help=True,
    help="Plans, budgets and annual reports of a social welfare committee, from YAML data.",
    pretty_exceptions_enable=False,
)

DataOption = Annotated[
    Path, typer.Option("--data", help="The data directory.", show_default=True)
]


def _echo_err(text: str) -> None:
    typer.echo(text, err=True)


@app.command()
def validate(
    data: DataOption = Path("data"),
    year: Annotated[
        int | None, typer.Option("--year", help="Report only the problems of this year.")
    ] = None,
    strict: Annotated[
        bool, typer.Option("--strict", help="Fail on warnings too.")
    ] = False,
) -> None:
    """Check every data file against the models and the rules between them."""
    try:
        report = validation.run(data, year=year)
    except validation.UsageError as exc:
        _echo_err(f"error: {exc}")
        raise typer.Exit(2) from None
    for problem in report.problems:
        _echo_err(problem.format())
    if report.errors or (strict and report.warnings):
        _echo_err(report.failure_line(strict))
        raise typer.Exit(1)
    typer.echo(report.summary())


@app.command()
def metrics(
    year: Annotated[int, typer.Argument(help="The year to report.")],
    data: DataOption = Path("data"),
    fmt: Annotated[
        str, typer.Option("--format", help="table, json, csv or markdown.")
    ] = "table",
) -> None:
    """The year's key figures with their year-on-year changes and deviations."""
    from . import metrics as metrics_module
    from .views import MissingData

    if fmt not in metrics_module.FORMATS:
        _echo_err(f"error: --format must be one of {', '.join(metrics_module.FORMATS)}")
        raise typer.Exit(2)
    try:
        report = validation.run(data)
    except validation.UsageError as exc:
        _echo_err(f"error: {exc}")
        raise typer.Exit(2) from None
    if report.errors:
        for problem in report.errors:
            _echo_err(problem.format())
        _echo_err("the data has errors; fix them before computing figures (snplan validate)")
        raise typer.Exit(1)
    if year not in report.dataset.years:
        known = ", ".join(str(y) for y in sorted(report.dataset.years))
        _echo_err(f"error: there is no data for {year} (years: {known})")
        raise typer.Exit(2)
    try:
        found = metrics_module.collect(report.dataset, year)
    except MissingData as exc:
        _echo_err(f"error: {exc}")
        raise typer.Exit(1) from None
    typer.echo(metrics_module.render(found, year, fmt), nl=False)


@app.command()
def schema(
    out: Annotated[Path, typer.Option("--out", help="Directory to write into.")] = Path(
        "schemas"
    ),
    check: Annotated[
        bool, typer.Option("--check", help="Only report whether the files are current.")
    ] = False,
) -> None:
    """Write the JSON Schema of every data file kind (for editors and reviewers)."""
    from . import schemas

    if check:
        stale = schemas.stale(out)
        for name in stale:
            _echo_err(f"{out / name}: out of date; run `snplan schema`")
        raise typer.Exit(1 if stale else 0)
    for path in schemas.write(out):
        typer.echo(f"wrote {path}")


def main() -> None:
    """Console-script entry point: map usage errors to exit code 2 and never show a traceback."""
    try:
        app(standalone_mode=True)
    except KeyboardInterrupt:
        _echo_err("interrupted")
        sys.exit(130)


if __name__ == "__main__":
    main()
