"""The `snplan` command line: parse, call one command in `commands/`, print what it returns.

Every failure is an `errors.SnplanError`, printed as plain lines with its exit code: 0 fine,
1 the data has problems, 2 the command was used wrongly.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Callable
from functools import wraps
from pathlib import Path
from typing import Annotated, Any, TypeVar

import typer

from . import __version__, messages
from .errors import SnplanError
from .messages import _

# The help of every command is made when this module is read, so the language is settled
# first: the command line's --lang, else the locale's (Swedish unless it is English).
messages.use(messages.requested(sys.argv[1:], os.environ))

app = typer.Typer(
    no_args_is_help=True,
    help=_("Plans, budgets and annual reports of a social welfare committee, from YAML data."),
    pretty_exceptions_enable=False,
    rich_markup_mode=None,
    context_settings={"help_option_names": ["-h", "--help"]},
)

F = TypeVar("F", bound=Callable[..., Any])


def _echo_err(text: str) -> None:
    typer.echo(text, err=True)


def reports_errors(function: F) -> F:
    """Run a command, printing a SnplanError as plain lines and exiting with its code."""

    @wraps(function)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            return function(*args, **kwargs)
        except SnplanError as exc:
            for line in exc.lines():
                _echo_err(line)
            raise typer.Exit(exc.exit_code) from None

    return wrapper  # type: ignore[return-value]


def _version(value: bool) -> None:
    if value:
        typer.echo(f"snplan {__version__}")
        raise typer.Exit(0)


def _language(value: str | None) -> str | None:
    if value is not None:
        if value.lower() not in messages.LANGUAGES:
            raise typer.BadParameter(_("'{value}' is not a language snplan speaks "
                                       "(sv or en)").format(value=value))
        messages.use(value.lower())
    return value


@app.callback()
def main_options(
    version: Annotated[
        bool, typer.Option("--version", help=_("Show the version and exit."),
                           callback=_version, is_eager=True)
    ] = False,
    lang: Annotated[
        str | None, typer.Option("--lang", help=_("The language of messages: sv (the "
                                                  "default) or en; else the locale's."),
                                 callback=_language, is_eager=True)
    ] = None,
) -> None:
    """Plans, budgets and annual reports of a social welfare committee, from YAML data."""


DataOption = Annotated[
    Path, typer.Option("--data", help=_("The data directory."), show_default=True)
]
# The options of what a build writes and with what, shared by build and serve.
OutOption = Annotated[Path, typer.Option("--out", help=_("Output directory."))]
TemplatesOption = Annotated[
    Path | None,
    typer.Option("--templates", help=_("Directory of the Jinja templates and reference.docx "
                                       "(default: the templates snplan ships).")),
]
ReferenceOption = Annotated[
    Path | None, typer.Option("--reference", help=_("A Word style reference to use."))
]


@app.command(help=_("Check every data file against the models and the rules between them."))
@reports_errors
def validate(
    data: DataOption = Path("data"),
    year: Annotated[
        int | None, typer.Option("--year", help=_("Report only the problems of this year."))
    ] = None,
    strict: Annotated[
        bool, typer.Option("--strict", help=_("Fail on warnings and on values still to be "
                                            "filled in too."))
    ] = False,
    complete: Annotated[
        bool, typer.Option("--complete", help=_("Fail when a value is still to be filled in "
                                              "(FYLL I): the check before merging."))
    ] = False,
) -> None:
    from .commands import validate as command

    outcome = command.run(data, year=year)
    for problem in outcome.problems:
        _echo_err(problem.format())
    if outcome.failed(strict, complete):
        _echo_err(outcome.failure_line(strict, complete))
        raise typer.Exit(1)
    typer.echo(outcome.summary)


@app.command(help=_("The year's key figures with their year-on-year changes and deviations."))
@reports_errors
def metrics(
    year: Annotated[
        int | None, typer.Argument(help=_("The year to report (default: the newest year)."))
    ] = None,
    data: DataOption = Path("data"),
    fmt: Annotated[
        str, typer.Option("--format", help=_("table, json, csv or markdown."))
    ] = "table",
    period: Annotated[
        str | None, typer.Option("--period", help=_("Only the period report that closes in "
                                                    "this month (augusti, april …), or 'helar' "
                                                    "for the year's plan and report."))
    ] = None,
) -> None:
    from .commands import metrics as command

    typer.echo(command.run(data, year, fmt, period), nl=False)


@app.command(help=_("The ledger accounts and objects behind one figure, with their "
                    "balances."))
@reports_errors
def explain(
    year: Annotated[int, typer.Argument(help=_("The year of the document."))],
    block: Annotated[str, typer.Argument(help=_("The table block (resultatrakning)."))],
    row: Annotated[str, typer.Argument(help=_("The row id (bidrag; a group's id, or "
                                              "summa)."))],
    column: Annotated[str, typer.Argument(help=_("The column id (utfall, fjol)."))],
    data: DataOption = Path("data"),
) -> None:
    from .commands import explain as command

    typer.echo(command.run(data, year, block, row, column), nl=False)


# The shipped kinds by the names a user may type (model/kinds holds them; a test keeps the
# two in step). Written out so that `--help` imports nothing but typer.
KIND_HELP = _("The document kind: verksamhetsplan (vp), arsredovisning (ar), tjansteskrivelse "
              "(ts), mbl-protokoll (mbl), delarsrapport (delar), tertialrapport (tertial), or a "
              "period report the organisation's own outlines define. "
             "Swedish and ASCII spellings both work (årsredovisning, arsredovisning).")


class TerminalProgress:
    """Progress of a build on a terminal: a rich progress bar on standard error."""

    def __init__(self, console: Any = None) -> None:
        from rich.console import Console
        from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn

        # refreshed on each step, not by a thread of its own: the build forks its workers,
        # which a thread alive in the process could leave waiting on a lock for ever
        self.display = Progress(TextColumn("{task.description}"), BarColumn(),
                                MofNCompleteColumn(), console=console or Console(stderr=True),
                                transient=True, auto_refresh=False)
        self.task: Any = None

    def start(self, total: int) -> None:
        if total:
            self.display.start()
            self.task = self.display.add_task("building", total=total)

    def step(self, label: str) -> None:
        if self.task is not None:
            self.display.update(self.task, advance=1, description=label, refresh=True)

    def finish(self) -> None:
        self.display.stop()


class LineProgress:
    """Progress of a build when standard error is not a terminal: one plain line a step."""

    def __init__(self) -> None:
        self.total = 0
        self.done = 0

    def start(self, total: int) -> None:
        self.total = total

    def step(self, label: str) -> None:
        self.done += 1
        if self.total > 1:
            _echo_err(f"[{self.done}/{self.total}] {label}")

    def finish(self) -> None:
        pass


@app.command(help=_("Build documents from the data into OUT/YEAR/ (skipping those already "
             "up to date)."))
@reports_errors
def build(
    kind: Annotated[str | None, typer.Argument(help=KIND_HELP, show_default=False)] = None,
    year: Annotated[int | None, typer.Argument(help=_("The year."), show_default=False)] = None,
    all_: Annotated[
        bool, typer.Option("--all", help=_("Build every document the data allows."))
    ] = False,
    matter: Annotated[
        str | None,
        typer.Option("--matter", help=_("One matter of the year, by slug or registration "
                                      "number (SN/2021:59); default all.")),
    ] = None,
    out: OutOption = Path("build"),
    data: DataOption = Path("data"),
    templates: TemplatesOption = None,
    reference: ReferenceOption = None,
    fmt: Annotated[
        str | None,
        typer.Option("--format", help=_("docx, xlsx, pdf (tagged PDF/UA), pdfa (PDF/UA and "
                                      "PDF/A-2b, for the archive), html (the accessible web "
                                      "edition), md, or all (Word, Excel, PDF and the web "
                                      "edition, with an index page); default docx for one "
                                      "document, all with --all.")),
    ] = None,
    pdf_engine: Annotated[
        str, typer.Option("--pdf-engine", help=_("typst (the default: PDF/UA from the "
                                               "document itself, nothing to install) or "
                                               "libreoffice (Word's own rendering, through an "
                                               "installed LibreOffice)."))
    ] = "typst",
    force: Annotated[
        bool, typer.Option("--force", help=_("Rebuild even what is up to date."))
    ] = False,
) -> None:
    from .commands import uptodate
    from .commands.settings import settings_for
    from .errors import UsageError

    if all_ == (kind is not None):
        raise UsageError(_("give a document kind and a year, or --all"))
    request = uptodate.Request(
        data=data, settings=settings_for(out, templates, reference, data, pdf_engine),
        requested=fmt or ("all" if all_ else "docx"), kind=kind, year=year, matter=matter,
        force=force)
    # answered before the model and the writers are imported: most builds have nothing to do
    if uptodate.nothing_changed(request):
        _echo_nothing_changed(out)
        return
    from .commands import build as command

    progress = TerminalProgress() if sys.stderr.isatty() else LineProgress()
    result = command.run(request, progress)
    if result.nothing_changed:
        _echo_nothing_changed(out)
        return
    for path in result.written:
        typer.echo(_("wrote {path}").format(path=path))
    for note in result.skipped:
        _echo_err(_("skipped {note}").format(note=note))
    for note in result.notes:
        _echo_err(_("note: {note}").format(note=note))
    kept = len(result.up_to_date) + len(result.unchanged)
    if kept:
        typer.echo(_("{count} file(s) up to date, not rewritten").format(count=kept))
    if not result.written and not result.skipped and not kept:
        typer.echo(_("nothing to build"))


def _echo_nothing_changed(out: Path) -> None:
    typer.echo(_("nothing to build: every document in {out} is up to date "
                 "(--force rebuilds)").format(out=out))


@app.command(help=_("Preview the web edition while writing: build it into OUT, serve it on "
                    "127.0.0.1, rebuild what a saved change touches and reload the open page "
                    "(showing the data's problems on it); Ctrl-C stops."))
@reports_errors
def serve(
    out: OutOption = Path("build"),
    data: DataOption = Path("data"),
    templates: TemplatesOption = None,
    reference: ReferenceOption = None,
    host: Annotated[
        str, typer.Option("--host", help=_("Only 127.0.0.1 (or localhost): the preview is "
                                           "for this machine."))
    ] = "127.0.0.1",
    port: Annotated[
        int, typer.Option("--port", help=_("The port (0 takes a free one)."))
    ] = 8000,
) -> None:
    import signal
    import threading

    from .commands import build as builder
    from .commands import serve as command
    from .commands.settings import settings_for
    from .errors import UsageError

    command.check_host(host)
    if not 0 <= port <= 65535:
        raise UsageError(_("--port must be between 0 and 65535"))
    request = builder.Request(data=data, settings=settings_for(out, templates, reference,
                                                                data),
                              requested="html")
    stop = threading.Event()

    def on_signal(_signum: int, _frame: object) -> None:
        stop.set()

    previous = {s: signal.signal(s, on_signal) for s in (signal.SIGINT, signal.SIGTERM)}
    try:
        with command.Preview(request, port, report=_echo_err) as preview:
            typer.echo(_("serving {url} (Ctrl-C stops)").format(url=preview.url))
            preview.watch(stop)
    finally:
        for number, handler in previous.items():
            signal.signal(number, handler)
    typer.echo(_("stopped"))


@app.command(help=_("What changed in the data between two git revisions, for a reviewer "
                    "(exit 1 when the head has data errors)."))
@reports_errors
def diff(
    base: Annotated[
        str | None, typer.Argument(help=_("Base revision (default: branch point with main)."))
    ] = None,
    head: Annotated[
        str | None, typer.Argument(help=_("Head revision (default: the working tree)."))
    ] = None,
    data: DataOption = Path("data"),
    fmt: Annotated[
        str, typer.Option("--format", help=_("text, markdown or json."))
    ] = "text",
    period: Annotated[
        str | None, typer.Option("--period", help=_("Only the period reports that close in "
                                                    "this month (augusti, april …)."))
    ] = None,
) -> None:
    from .commands import diff as command

    text, failed = command.run(data, base, head, fmt, period)
    typer.echo(text, nl=False)
    if failed:
        raise typer.Exit(1)


@app.command(help=_("Start YEAR's plan (or period report) from the last one: structure "
                    "carried, figures and texts to fill in."))
@reports_errors
def new(
    year: Annotated[int, typer.Argument(help=_("The year to start."))],
    kind: Annotated[str, typer.Argument(
        help=_("The kind to start: the plan (default), or a period report (delarsrapport, "
               "tertialrapport, …) from the last one of its kind."))] = "verksamhetsplan",
    data: DataOption = Path("data"),
) -> None:
    from .commands import new as command
    from .model.common import PLACEHOLDER

    path = command.run(data, year, kind)
    typer.echo(_("wrote {path}").format(path=path))
    typer.echo(_("fill in every {placeholder}; snplan validate lists what is left")
               .format(placeholder=PLACEHOLDER))


@app.command("list", help=_("Which documents each year's data allows, and what the others lack."))
@reports_errors
def list_documents(data: DataOption = Path("data")) -> None:
    from .commands import listing

    for line in listing.run(data):
        typer.echo(line)


@app.command(help=_("Write the default Word style reference, to restyle and supply as your "
             "own."))
@reports_errors
def reference(
    out: Annotated[
        Path | None,
        typer.Option("--out", help=_("Where to write the style reference (default: "
                                   "reference.docx here; never over an existing file).")),
    ] = None,
) -> None:
    from .commands import reference as command

    typer.echo(_("wrote {path}").format(path=command.run(out)))


@app.command(help=_("Print the outline (chapters and blocks) a document kind is built from: "
             "the data's own disposition/KIND.yaml, or snplan's default to start one "
             "from."))
@reports_errors
def disposition(
    kind: Annotated[str, typer.Argument(metavar="kind", show_default=False,
                                        help=_("The document kind (as for build)."))],
    data: Annotated[Path, typer.Option("--data", help=_("The data directory."))] = Path("data"),
    shipped: Annotated[
        bool, typer.Option("--shipped", help=_("The outline snplan ships, even where the data "
                                             "has its own."))
    ] = False,
) -> None:
    from .commands import disposition as command

    typer.echo(command.run(kind, data, shipped), nl=False)


@app.command(help=_("Write the JSON Schema of every data file kind (for editors and "
             "reviewers)."))
@reports_errors
def schema(
    out: Annotated[Path, typer.Option("--out", help=_("Directory to write into."))] = Path(
        "schemas"
    ),
    check: Annotated[
        bool, typer.Option("--check", help=_("Only report whether the files are current."))
    ] = False,
    data: Annotated[
        Path | None,
        typer.Option("--data", help=_("A data directory whose own outlines "
                                    "(disposition/KIND.yaml) the schemas follow.")),
    ] = None,
) -> None:
    from .commands import schema as command

    for path in command.run(out, check, data):
        typer.echo(_("wrote {path}").format(path=path))


def main() -> None:
    """Console-script entry point: never a traceback, whatever happens."""
    try:
        app()
    except KeyboardInterrupt:
        _echo_err(_("interrupted"))
        sys.exit(130)
    except Exception as exc:  # the last line of defence: a sentence, never a traceback
        _echo_err(_("snplan stopped on an unexpected error ({error}). This is a bug in "
                    "snplan; please report it with the command you ran.")
                  .format(error=f"{type(exc).__name__}: {exc}"))
        sys.exit(1)
