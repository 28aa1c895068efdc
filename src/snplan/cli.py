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
    year: Annotated[
        int | None, typer.Argument(help="The year to report (default: the newest year).")
    ] = None,
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
    dataset = _load_clean(data, "no figures were computed")
    if year is None and dataset.years:
        year = max(dataset.years)
    if year not in dataset.years:
        known = ", ".join(str(y) for y in sorted(dataset.years))
        _echo_err(f"error: there is no data for {year} (years: {known})")
        raise typer.Exit(2)
    try:
        found = metrics_module.collect(dataset, year)
    except MissingData as exc:
        _echo_err(f"error: {exc}")
        raise typer.Exit(1) from None
    typer.echo(metrics_module.render(found, year, fmt), nl=False)


TemplatesOption = Annotated[
    Path | None,
    typer.Option("--templates", help="Directory of the Jinja templates and reference.docx."),
]


def _settings(out: Path, templates: Path | None, reference: Path | None,  # noqa: ANN202
              data: Path | None = None):
    from .build import DEFAULT_TEMPLATES, Settings
    from .render.output import OutputPathError, check_output_dir

    chosen = templates or (Path("templates") if Path("templates").is_dir() else DEFAULT_TEMPLATES)
    if not chosen.is_dir():
        _echo_err(f"error: the template directory {chosen} does not exist")
        raise typer.Exit(2)
    if reference is not None and not reference.is_file():
        _echo_err(f"error: the style reference {reference} does not exist")
        raise typer.Exit(2)
    protected = {"template": chosen} if data is None else {"data": data, "template": chosen}
    try:
        check_output_dir(out, protected)
    except OutputPathError as exc:
        _echo_err(f"error: {exc}")
        raise typer.Exit(2) from None
    return Settings(out=out, templates=chosen, reference=reference)


def _load_clean(data: Path, consequence: str = "nothing was built"):  # noqa: ANN202
    """Load and validate; exit 1 with every problem when the data has errors."""
    try:
        report = validation.run(data)
    except validation.UsageError as exc:
        _echo_err(f"error: {exc}")
        raise typer.Exit(2) from None
    if report.errors:
        for problem in report.errors:
            _echo_err(problem.format())
        _echo_err(f"the data has errors; {consequence} (see snplan validate)")
        raise typer.Exit(1)
    return report.dataset


@app.command()
def build(
    kind: Annotated[
        str | None,
        typer.Argument(help="verksamhetsplan (vp), årsredovisning, tjänsteskrivelse, "
                            "mbl-protokoll (mbl); ASCII spellings work too."),
    ] = None,
    year: Annotated[int | None, typer.Argument(help="The year.")] = None,
    all_: Annotated[
        bool, typer.Option("--all", help="Build every document the data allows.")
    ] = False,
    matter: Annotated[
        str | None,
        typer.Option("--matter", help="One matter of the year, by slug or registration "
                                      "number (SN/2021:59); default all."),
    ] = None,
    out: Annotated[Path, typer.Option("--out", help="Output directory.")] = Path("build"),
    data: DataOption = Path("data"),
    templates: TemplatesOption = None,
    reference: Annotated[
        Path | None, typer.Option("--reference", help="A Word style reference to use.")
    ] = None,
    fmt: Annotated[
        str | None,
        typer.Option("--format", help="docx, xlsx, pdf (tagged PDF/UA), pdfa (PDF/UA and "
                                      "PDF/A-2b, for the archive), md, or all (Word, Excel "
                                      "and PDF); default docx for one document, all with "
                                      "--all."),
    ] = None,
    force: Annotated[
        bool, typer.Option("--force", help="Rebuild even what is up to date.")
    ] = False,
) -> None:
    """Build documents from the data into OUT/YEAR/ (skipping those already up to date)."""
    from . import pipeline
    from .build import BuildError, PdfUnavailable

    if all_ == (kind is not None):
        _echo_err("error: give a document kind and a year, or --all")
        raise typer.Exit(2)
    request = pipeline.Request(
        data=data, settings=_settings(out, templates, reference, data),
        requested=fmt or ("all" if all_ else "docx"), kind=kind, year=year, matter=matter,
        force=force)

    def progress(index: int, total: int, target: object, _: Path | None) -> None:
        if all_ or total > 1:
            _echo_err(f"[{index}/{total}] {getattr(target, 'label', target)}")

    try:
        result = pipeline.run(request, progress)
    except validation.UsageError as exc:
        _echo_err(f"error: {exc}")
        raise typer.Exit(2) from None
    except pipeline.DataProblems as exc:
        for problem in exc.problems:
            _echo_err(problem.format())
        _echo_err("the data has errors; nothing was built (see snplan validate)")
        raise typer.Exit(1) from None
    except pipeline.MissingData as exc:
        _echo_err(f"cannot build {exc.label}; missing:")
        for item in exc.missing:
            _echo_err(f"  {item}")
        raise typer.Exit(1) from None
    except (BuildError, PdfUnavailable) as exc:
        for problem in getattr(exc, "problems", []):
            _echo_err(problem.format())
        if isinstance(exc, PdfUnavailable):
            _echo_err(f"error: {exc}")
        _echo_err("nothing was written")
        raise typer.Exit(1) from None
    except OSError as exc:
        _echo_err(f"error: cannot write to {exc.filename or out}: {exc.strerror or exc}")
        raise typer.Exit(1) from None
    if result.unchanged:
        typer.echo(f"nothing to build: every document in {out} is up to date "
                   "(--force rebuilds)")
        return
    for path in result.written:
        typer.echo(f"wrote {path}")
    for note in result.skipped:
        _echo_err(f"skipped {note}")
    for note in result.notes:
        _echo_err(f"note: {note}")
    if result.up_to_date:
        typer.echo(f"{len(result.up_to_date)} document(s) up to date, not rebuilt")
    if not result.written and not result.skipped:
        typer.echo("nothing to build")


@app.command()
def diff(
    base: Annotated[
        str | None, typer.Argument(help="Base revision (default: branch point with main).")
    ] = None,
    head: Annotated[
        str | None, typer.Argument(help="Head revision (default: the working tree).")
    ] = None,
    data: DataOption = Path("data"),
    fmt: Annotated[
        str, typer.Option("--format", help="text, markdown or json.")
    ] = "text",
) -> None:
    """What changed in the data between two git revisions, for a reviewer."""
    from . import diff as diff_module

    if fmt not in {"text", "markdown", "json"}:
        _echo_err("error: --format must be text, markdown or json")
        raise typer.Exit(2)
    if not data.is_dir():
        _echo_err(f"error: the data directory {data} does not exist")
        raise typer.Exit(2)
    try:
        report = diff_module.run(data, base, head)
    except diff_module.DiffError as exc:
        _echo_err(f"error: {exc}")
        raise typer.Exit(2) from None
    typer.echo(diff_module.render(report, fmt), nl=False)


@app.command()
def new(
    year: Annotated[int, typer.Argument(help="The year to start.")],
    data: DataOption = Path("data"),
) -> None:
    """Start YEAR's plan from the last one: structure carried, figures and texts to fill in."""
    from . import scaffold

    existing = data / str(year) / "verksamhetsplan.yaml"
    if existing.exists():
        _echo_err(f"error: {existing} already exists; snplan new never overwrites a file")
        raise typer.Exit(1)
    dataset = _load_clean(data, "nothing was created")
    try:
        path = scaffold.create(dataset, year)
    except scaffold.ScaffoldError as exc:
        _echo_err(f"error: {exc}")
        raise typer.Exit(1) from None
    typer.echo(f"wrote {path}")
    typer.echo(f"fill in every {scaffold.PLACEHOLDER}; snplan validate lists what is left")


@app.command("list")
def list_documents(data: DataOption = Path("data")) -> None:
    """Which documents each year's data allows, and what the others lack."""
    from . import documents

    dataset = _load_clean(data)
    for year in sorted(dataset.years):
        typer.echo(f"{year}")
        for spec in documents.KINDS.values():
            missing = documents.missing_for(dataset, spec.name, year)
            targets = documents.targets_for(dataset, spec.name, year)
            if targets:
                for target in targets:
                    typer.echo(f"  ok       {target.label} -> {year}/{target.filename}.docx")
            elif spec.name in {"tjansteskrivelse", "mbl-protokoll"}:
                continue
            else:
                typer.echo(f"  missing  {spec.label} {year}: " + "; ".join(missing))


@app.command()
def reference(
    out: Annotated[Path, typer.Option("--out", help="Where to write the style reference.")] = Path(
        "templates/reference.docx"
    ),
) -> None:
    """Write the default Word style reference, to restyle and supply as your own."""
    from .render.output import atomic_write
    from .render.reference import build_reference

    atomic_write(out, build_reference())
    typer.echo(f"wrote {out}")


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
    except Exception as exc:  # the last line of defence: a sentence, never a traceback
        _echo_err(f"snplan stopped on an unexpected error ({type(exc).__name__}: {exc}). "
                  "This is a bug in snplan; please report it with the command you ran.")
        sys.exit(1)


if __name__ == "__main__":
    main()
