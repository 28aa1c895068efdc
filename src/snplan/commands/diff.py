"""`snplan diff`: what a change to the data does, for a reviewer who does not read YAML.

The data at two git revisions (or a revision and the working tree) is loaded like any data
directory and compared fact by fact: changed figures as old → new with the difference, changed
totals and deviations, texts reworded, goals, activities, measures and internal-control rows
added or removed, matters added or removed.
"""

from __future__ import annotations

import dataclasses
import json
import subprocess
import tempfile
from dataclasses import asdict, dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import Any

from pydantic import BaseModel

from ..documents import KINDS
from ..errors import UsageError
from ..messages import _
from ..model.kinds import KINDS as FILE_KINDS
from ..model.kinds import MONTHS, month_number
from ..problems import display_path, printable
from ..rules import report as validation
from ..source import sie
from ..source.load import LEDGER_DIR, Dataset, data_files
from ..source.walk import fields
from ..tables.engine import TableError
from ..tables.format import number
from ..tables.ledger import kronor_text

FORMATS = ("text", "markdown", "json")
IDENTITY = ("id", "mal", "namn", "process", "omrade", "titel", "rubrik", "arende")
WORKTREE = "WORKTREE"


class DiffError(UsageError):
    """Git could not give the data at a revision (not a repository, unknown revision)."""


def _git(repo: Path, *args: str, binary: bool = False) -> Any:
    """Run git with pathspecs taken literally; stdout as text (or bytes)."""
    try:
        result = subprocess.run(["git", "-C", str(repo), "--literal-pathspecs", *args],
                                capture_output=True, check=False, timeout=60)
    except FileNotFoundError:
        raise DiffError(_("git is not installed")) from None
    except subprocess.TimeoutExpired:
        raise DiffError(_("git {args} took longer than a minute").format(args=args[0])) from None
    if result.returncode != 0:
        message = result.stderr.decode("utf-8", "replace").strip()
        raise DiffError(message or f"git {' '.join(args)} failed")
    return result.stdout if binary else result.stdout.decode("utf-8", "replace")


def repository_root(path: Path) -> Path:
    try:
        return Path(_git(path if path.is_dir() else path.parent, "rev-parse",
                         "--show-toplevel").strip())
    except DiffError:
        raise DiffError(_("{path} is not inside a git repository; snplan diff compares "
                          "revisions of the data").format(path=path)) from None


def default_base(repo: Path) -> str:
    """The branch point with the main branch (main, then master, then origin's), else HEAD."""
    for branch in ("main", "master", "origin/main", "origin/master"):
        try:
            return _git(repo, "merge-base", "HEAD", branch).strip()
        except DiffError:
            continue
    return "HEAD"


def resolve(repo: Path, revision: str) -> str:
    """The commit a revision names; a revision git does not know is named in the message."""
    if revision.startswith("-"):
        raise DiffError(_("'{revision}' is not a revision").format(revision=revision))
    try:
        return _git(repo, "rev-parse", "--verify", "--quiet", "--end-of-options",
                    f"{revision}^{{commit}}").strip()
    except DiffError:
        raise DiffError(_("git knows no revision '{revision}' in {repo}").format(
            revision=revision, repo=repo)) from None


def export(repo: Path, revision: str, data: Path, target: Path) -> Path:
    """Write the data directory as it is at `revision` into `target`; returns its path. File
    names come NUL-separated (`-z`), so names with any characters arrive as they are."""
    relative = data.resolve().relative_to(repo.resolve())
    commit = resolve(repo, revision)
    listing = _git(repo, "ls-tree", "-r", "-z", "--full-tree", commit, "--",
                   str(relative) if str(relative) != "." else ".", binary=True)
    root = target / "data"
    root.mkdir(parents=True, exist_ok=True)
    links: list[tuple[Path, str]] = []
    for entry in listing.split(b"\0"):
        if not entry:
            continue
        meta, _tab, raw_name = entry.partition(b"\t")
        mode, kind, blob_id = meta.split()
        if kind != b"blob":
            continue
        name = Path(raw_name.decode("utf-8", "surrogateescape"))
        path = root / name.relative_to(relative)
        content = _git(repo, "cat-file", "blob", blob_id.decode("ascii"), binary=True)
        if mode == b"120000":
            # a link is made again as a link, after every file is written (nothing is
            # written through it), so the loader refuses it as it refuses it in the data
            links.append((path, content.decode("utf-8", "surrogateescape")))
            continue
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(content)
    for path, pointed in links:
        path.parent.mkdir(parents=True, exist_ok=True)
        if not path.exists() and not path.is_symlink():
            path.symlink_to(pointed)
    return root


def _plain(value: Any) -> Any:
    if isinstance(value, BaseModel):
        return {k: _plain(v) for k, v in fields(value)}
    if isinstance(value, dict):
        return {k: _plain(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_plain(v) for v in value]
    return value


def _identity(item: Any) -> str | None:
    if isinstance(item, dict):
        for key in IDENTITY:
            if isinstance(item.get(key), str | int):
                return str(item[key])
    return None


def flatten(value: Any, prefix: str = "") -> dict[str, Any]:
    """Leaves by readable path; list items that carry an id are keyed by it, so inserting a
    row does not make every later row look changed."""
    result: dict[str, Any] = {}
    if isinstance(value, dict):
        for key, item in value.items():
            result.update(flatten(item, f"{prefix}.{key}" if prefix else str(key)))
    elif isinstance(value, list):
        seen: dict[str, int] = {}
        for index, item in enumerate(value):
            ident = _identity(item)
            if ident is None:
                label = str(index)
            else:
                seen[ident] = seen.get(ident, 0) + 1
                label = ident if seen[ident] == 1 else f"{ident} #{seen[ident]}"
            result.update(flatten(item, f"{prefix}[{label}]"))
        if not value:
            result[prefix] = []
    else:
        result[prefix] = value
    return result


BROKEN = "(has errors)"


def _files(ds: Dataset) -> dict[str, Any]:
    """Every data file of a revision by name, with its model, or BROKEN when the file is
    there but could not be read (a file with errors has not been removed)."""
    files: dict[str, Any] = {}
    for path in data_files(ds.root):
        if path.suffix == ".yaml":
            files[str(path.relative_to(ds.root).with_suffix(""))] = BROKEN
    if ds.organisation is not None:
        files["organisation"] = ds.organisation
    for kind, disposition in ds.dispositions.items():
        files[f"disposition/{kind}"] = disposition
    for document in ds.documents():
        files[str(Path(document.source.path).resolve().relative_to(ds.root.resolve())
                  .with_suffix(""))] = document.model
    return files


def _is_figure(value: Any) -> bool:
    return isinstance(value, Decimal | int | float) and not isinstance(value, bool)


@dataclass
class Change:
    """A value that changed. A printed figure carries its text on both sides (`shown`), the
    decimals it is printed with and whether it is a percentage (whose difference is in
    percentage points)."""

    file: str
    path: str
    old: Any
    new: Any
    shown: tuple[str, str] | None = None
    percent: bool = False
    decimals: int | None = None
    document: str = ""  # a printed figure's document (`2023/delarsrapport`), for --period

    @property
    def difference(self) -> Decimal | None:
        if _is_figure(self.old) and _is_figure(self.new):
            return Decimal(self.new) - Decimal(self.old)
        return None


@dataclass
class Report:
    base: str
    head: str
    figures: list[Change] = field(default_factory=list)
    totals: list[Change] = field(default_factory=list)
    texts: list[Change] = field(default_factory=list)
    added: list[str] = field(default_factory=list)
    removed: list[str] = field(default_factory=list)
    broken: list[str] = field(default_factory=list)  # readable before, has errors now
    problems: list[str] = field(default_factory=list)

    @property
    def empty(self) -> bool:
        return not (self.figures or self.totals or self.texts or self.added or self.removed
                    or self.broken)


def _item_prefixes(path: str) -> list[str]:
    """The list items a leaf lies in, outermost first (`a[x].b[y].c` → `a[x]`, `a[x].b[y]`)."""
    return [path[: i + 1] for i, char in enumerate(path) if char == "]"]


def _changed_items(mine: set[str], theirs: set[str]) -> list[str]:
    """Items (or fields) present on one side only, each named once at its outermost level."""
    their_items = {p for path in theirs for p in _item_prefixes(path)}
    found: set[str] = set()
    for path in mine - theirs:
        missing = [p for p in _item_prefixes(path) if p not in their_items]
        found.add(missing[0] if missing else path)
    return sorted(found)


@dataclass(frozen=True)
class Shown:
    """A figure as the documents print it, with the value behind it."""

    text: str
    value: Decimal | None
    decimals: int
    percent: bool
    document: str  # the year and kind of the document it stands in


def _printed(ds: Dataset) -> tuple[dict[str, Shown], set[str]]:
    """Every figure the documents print that is not entered as it stands (a total, a
    deviation, a change, a computed row or column, whether or not the total itself was
    entered), read from the resolved documents (the tree every format is written from), by
    where it stands: year, document, table, row, column. Entered figures are the data's own
    changes and are shown as such. Also the documents that could be made."""
    from .. import documents
    from ..errors import SnplanError
    from .rendering import Settings, resolve_target

    settings = Settings(out=ds.root / "unused")
    result: dict[str, Shown] = {}
    made: set[str] = set()
    for year in sorted(ds.years):
        for kind in KINDS.values():
            if not kind.single or ds.years[year].document(kind.name) is None:
                continue
            try:
                resolved = resolve_target(ds, documents.Target(year, kind.name), settings)
            except (SnplanError, TableError):
                continue  # the document cannot be made; its problems are listed
            made.add(document := f"{year}/{kind.name}")
            for table in resolved.tables():
                if not table.listed:
                    continue
                title = (table.columns[0].header if table.row_headers and
                         table.columns[0].header else table.name or table.key)
                for row in table.rows:
                    for column, cell in zip(table.columns, row.cells, strict=True):
                        if not column.figure or cell.blank or cell.entered:
                            continue
                        label = (f"{year}: {resolved.meta.kind_label}, {title}, {row.label}, "
                                 f"{column.header}").replace("\u00ad", "")
                        value = cell.value if isinstance(cell.value, Decimal) else None
                        result[label] = Shown(cell.text, value, cell.decimals,
                                              column.kind == "percent", document)
    return result, made


def _checked(root: Path, named: Path | None = None) -> tuple[Dataset, list[str]]:
    """The data of a revision and its validation errors (a reviewer should see them too),
    each naming its file by its path under the data directory the user gave (`named`), not
    under the temporary copy of the revision."""
    report = validation.run(root)
    problems = report.errors
    if named is not None:
        problems = [dataclasses.replace(p, path=_renamed(p.path, root, named),
                                        also=_renamed(p.also, root, named) if p.also else None)
                    for p in problems]
    return report.dataset, [p.format() for p in problems]


def _renamed(where: str, root: Path, named: Path) -> str:
    """`where` (a path, perhaps with `:line` and more after it) under `root` named under
    `named` instead."""
    for prefix in (str(root), display_path(root)):
        if where == prefix or where.startswith(prefix + "/"):
            return display_path(named) + where[len(prefix):]
    return where


def compare(before: Dataset, after: Dataset, base: str, head: str,
            problems: list[str] | None = None) -> Report:
    report = Report(base, head)
    report.problems += problems or []
    old_files, new_files = _files(before), _files(after)
    for name in sorted(set(old_files) | set(new_files)):
        if name not in new_files:
            report.removed.append(name)
            continue
        if name not in old_files:
            report.added.append(name)
            continue
        if new_files[name] is BROKEN or old_files[name] is BROKEN:
            if new_files[name] is BROKEN and old_files[name] is not BROKEN:
                report.broken.append(name)
            continue
        old = flatten(_plain(old_files[name]))
        new = flatten(_plain(new_files[name]))
        for item in _changed_items(set(old), set(new)):
            report.removed.append(f"{name}: {item}")
        for item in _changed_items(set(new), set(old)):
            report.added.append(f"{name}: {item}")
        for path in sorted(set(old) & set(new)):
            a, b = old[path], new[path]
            if a == b:
                continue
            change = Change(name, path, a, b)
            if _is_figure(a) or _is_figure(b):
                report.figures.append(change)
            else:
                report.texts.append(change)
    _ledger_changes(before, after, report)
    (old_shown, old_made), (new_shown, new_made) = _printed(before), _printed(after)
    for label in [*old_shown, *(k for k in new_shown if k not in old_shown)]:
        a, b = old_shown.get(label), new_shown.get(label)
        either = a or b
        if either is None or either.document not in old_made & new_made:
            continue  # a document added, removed or broken is listed as such
        if (a.text if a else None) != (b.text if b else None):
            report.totals.append(Change("", label, a.value if a else None,
                                        b.value if b else None,
                                        shown=(a.text if a else "", b.text if b else ""),
                                        percent=either.percent,
                                        decimals=max(a.decimals if a else 0,
                                                     b.decimals if b else 0),
                                        document=either.document))
    return report


def _ledger_changes(before: Dataset, after: Dataset, report: Report) -> None:
    """The accounts (and accounts on objects) whose year balance moved between the two
    revisions' exports of a year, in kronor as the files book them; an export added or
    removed is listed as such."""
    for year in sorted(set(before.years) | set(after.years)):
        old = before.years[year].ledger if year in before.years else None
        new = after.years[year].ledger if year in after.years else None
        if old is None or new is None:
            if old is not None or new is not None:
                either = old or new
                assert either is not None
                name = f"{year}/{LEDGER_DIR}/{Path(either.path).name}"
                (report.removed if new is None else report.added).append(name)
            continue
        try:
            moved = sie.diff(old, new)
        except ValueError as error:  # the exports are of different years
            report.problems.append(str(error))
            continue
        name = f"{year}/{LEDGER_DIR}/{Path(new.path).name}"
        for change in moved:
            account = new.accounts.get(change.account) or old.accounts.get(change.account)
            label = f"konto {change.account}" + (f" {account.name}" if account and
                                                  account.name else "")
            if change.object is not None:
                label += f", objekt {change.object[0]}:{change.object[1]}"
            report.figures.append(Change(
                name, label, change.old, change.new, decimals=2,
                shown=tuple(kronor_text(v) if v is not None else "" for v in
                            (change.old, change.new))))  # type: ignore[arg-type]


def between(data: Path, base: str | None, head: str | None) -> Report:
    """Compare the data at `base` (default: the branch point with main) with `head`
    (default: the working tree)."""
    repo = repository_root(data)
    base_rev = base or default_base(repo)
    with tempfile.TemporaryDirectory(prefix="snplan-diff-") as work:
        before, _base_problems = _checked(export(repo, base_rev, data, Path(work) / "base"))
        if head is None or head == WORKTREE:
            after, problems = _checked(data)
            head_label = _("working tree")
        else:
            after, problems = _checked(export(repo, head, data, Path(work) / "head"), data)
            head_label = head
        return compare(before, after, base_rev[:12] if len(base_rev) == 40 else base_rev,
                       head_label, problems)


def _value(value: Any) -> str:
    if value is None:
        return "–"
    if _is_figure(value):
        return number(Decimal(value))
    text = " ".join(str(value).split())
    return f'"{text[:77]}..."' if len(text) > 80 else f'"{text}"'


def _reworded(old: str, new: str, context: int = 30) -> str:
    """The part of a text that changed, with a little context: "…före [gammalt → nytt] efter…"."""
    a, b = " ".join(old.split()), " ".join(new.split())
    start = 0
    while start < min(len(a), len(b)) and a[start] == b[start]:
        start += 1
    end = 0
    while end < min(len(a), len(b)) - start and a[len(a) - 1 - end] == b[len(b) - 1 - end]:
        end += 1
    # whole words: move the start back to the beginning of its word, the end forward to the
    # end of its word
    while start > 0 and not a[start - 1].isspace():
        start -= 1
    while end > 0 and not a[len(a) - end].isspace():
        end -= 1
    before = a[max(0, start - context):start]
    after = a[len(a) - end:len(a) - end + context] if end else ""
    lead = "…" if start > context else ""
    tail = "…" if end > context else ""
    return (f'"{lead}{before}[{a[start:len(a) - end]} → {b[start:len(b) - end]}]'
            f'{after}{tail}"')


def _line(change: Change) -> str:
    where = f"{change.file}: {change.path}" if change.file else change.path
    diff = change.difference
    if change.shown is not None:
        old, new = (text or "–" for text in change.shown)
        if diff is None:
            return f"{where}: {old} → {new}"
        moved = number(diff, change.decimals, signed=True)
        unit = _(" percentage points") if change.percent else ""
        return f"{where}: {old} → {new} ({moved}{unit})"
    suffix = f" ({number(diff, signed=True)})" if diff is not None else ""
    if isinstance(change.old, str) and isinstance(change.new, str):
        return f"{where}: {_reworded(change.old, change.new)}"
    return f"{where}: {_value(change.old)} → {_value(change.new)}{suffix}"


def render(report: Report, fmt: str) -> str:
    if fmt == "json":
        def encode(value: Any) -> Any:
            if isinstance(value, Decimal):
                return str(value)
            if isinstance(value, dict | list | str | int | float | bool) or value is None:
                return value
            return str(value)

        data = asdict(report)
        for key in ("figures", "totals", "texts"):
            for item, change in zip(data[key], getattr(report, key), strict=True):
                item["difference"] = change.difference
        return json.dumps(data, default=encode, ensure_ascii=False, indent=2) + "\n"
    sections = [
        (_("Figures changed"), [_line(c) for c in report.figures]),
        (_("Effect on totals and deviations"), [_line(c) for c in report.totals]),
        (_("Texts changed"), [_line(c) for c in report.texts]),
        (_("Added"), report.added),
        (_("Removed"), report.removed),
        (_("Now has errors (see below)"), report.broken),
        (_("Problems in the data"), report.problems),
    ]
    lines: list[str] = []
    if fmt == "markdown":
        lines.append("## " + _("Changes in the data ({base} → {head})").format(
            base=report.base, head=report.head) + "\n")
        if report.empty:
            lines.append(_("No changes in the data.") + "\n")
        for title, items in sections:
            if items:
                lines.append(f"### {title}\n")
                lines += ["- " + item.replace("|", "\\|") for item in items]
                lines.append("")
        return "\n".join(lines) + "\n"
    lines.append(_("Changes in the data: {base} → {head}").format(base=report.base,
                                                                   head=report.head))
    if report.empty:
        lines.append("  " + _("no changes"))
    for title, items in sections:
        if items:
            lines.append("")
            lines.append(title)
            lines += [f"  {item}" for item in items]
    return "\n".join(lines) + "\n"


def _document_of(name: str) -> str:
    """`2023/delarsrapport` of a change's file (`2023/delarsrapport`, or an item added
    `2023/delarsrapport: internkontroll.rader[…]`)."""
    return name.split(":", 1)[0].strip()


def focused(report: Report, kinds: set[str]) -> Report:
    """The report narrowed to the documents of `kinds` (a period's reports): their data's
    changes and the printed figures they move, their files added, removed or broken, and the
    ledger's moves (a period report reads them too); the head's problems stay, all of them."""
    def mine(name: str) -> bool:
        parts = _document_of(name).split("/")
        return len(parts) >= 2 and (parts[1] in kinds or parts[1] == LEDGER_DIR)

    return dataclasses.replace(
        report, figures=[c for c in report.figures if mine(c.file)],
        totals=[c for c in report.totals if mine(c.document)],
        texts=[c for c in report.texts if mine(c.file)],
        added=[n for n in report.added if mine(n)], removed=[n for n in report.removed if mine(n)],
        broken=[n for n in report.broken if mine(n)])


def run(data: Path, base: str | None, head: str | None, fmt: str, period: str | None = None
        ) -> tuple[str, bool]:
    """The report in `fmt` (of one period's reports, with `period`: a month's name), and
    whether the head has data errors (the reviewer sees what moved either way; the command
    then exits 1, so a check in a pull request fails)."""
    if fmt not in FORMATS:
        raise UsageError(_("--format must be one of {formats}").format(
            formats=", ".join(FORMATS)))
    month = month_number(period) if period is not None else None
    if period is not None and month is None:
        raise UsageError(_("--period must be a month ({months}), got '{period}'").format(
            months=", ".join(MONTHS), period=period))
    if not data.is_dir():
        raise UsageError(_("the data directory {data} does not exist").format(data=data))
    try:
        report = between(data, base, head)
    except DiffError as exc:
        raise UsageError(str(exc)) from None
    if month is not None:
        # the kinds in force are the head's (loaded last, its own period kinds included)
        kinds = {k.name for k in FILE_KINDS.values() if k.period == month}
        if not kinds:
            raise UsageError(_("no period report closes in {month}").format(
                month=MONTHS[month - 1]))
        report = focused(report, kinds)
    text = render(report, fmt)
    # file names and texts from the data reach the terminal with their control and
    # direction characters escaped (JSON escapes what it must itself)
    return (text if fmt == "json" else printable(text)), bool(report.problems)
