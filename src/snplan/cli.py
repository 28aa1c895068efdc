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
