"""Find the data files, read them with positions and validate them against the models.

Every problem is collected, none raised: a controller fixing a pull request wants the whole
list in one run.
"""

from __future__ import annotations

import difflib
import re
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ValidationError

from ..errors import UsageError
from ..messages import N_, _
from ..model.common import PLACEHOLDER, PLACEHOLDER_MESSAGE
from ..model.disposition import Disposition
from ..model.files import block_values, file_model
from ..model.kinds import DISPOSITION_DIR, KINDS, forget_own, period_kind, register
from ..model.organisation import Organisation
from ..problems import HasProblems, Problem, display_path, field_path
from .dispositions import default as default_disposition
from .dispositions import default_located, default_path
from .reference import container_problem
from .sie import Ledger, read_sie
from .yamlsource import Located, SourceError, read_file

YEAR_DIR = re.compile(r"^[0-9]{4}$")  # ASCII digits: "２０２４" is no year
# The years a data directory may hold (`ar` in the models accepts the same).
FIRST_YEAR, LAST_YEAR = 1900, 2200
SLUG = re.compile(r"^[a-z0-9][a-z0-9_-]*$")
# Where a year's ledger export lies (data/YEAR/bokforing/*.se) and what it is called.
LEDGER_DIR = "bokforing"
LEDGER_SUFFIX = ".se"


@dataclass
class Source:
    """A file that was read: its kind, its display path and the lines of its values."""

    kind: str
    path: str
    located: Located

    def line(self, *loc: str | int) -> int | None:
        return self.located.line_of(self.written(tuple(loc)))

    def written(self, loc: tuple[str | int, ...]) -> tuple[str | int, ...]:
        """A field path as the file writes it. A shorthand the models expand is folded back:
        a table written as just its rows (`driftbudget: {intakter: 42.4}`) has no `rader`
        key; a value written bare (`stab: -17.3` for `{budget: -17.3}`, a section as its
        text) has no key of its own."""
        if "rader" in loc:
            index = loc.index("rader")
            if loc[:index + 1] not in self.located.lines and loc[:index] in self.located.lines:
                loc = loc[:index] + loc[index + 1:]
        if len(loc) > 1 and loc not in self.located.lines and _is_scalar(
                self.located.data, loc[:-1]):
            loc = loc[:-1]
        return loc

    def field(self, loc: tuple[str | int, ...]) -> str:
        return field_path(self.written(loc))


def _is_scalar(data: Any, loc: tuple[str | int, ...]) -> bool:
    """Whether the value at `loc` of loaded YAML data is a single value (not a mapping or a
    list); False when there is no such value."""
    for part in loc:
        in_mapping = isinstance(data, dict) and part in data
        in_list = isinstance(data, list) and isinstance(part, int) and 0 <= part < len(data)
        if in_mapping or in_list:
            data = data[part]
        else:
            return False
    return not isinstance(data, dict | list)


@dataclass
class Document:
    """One document's data file, loaded: the document's own fields and its blocks by key."""

    kind: str
    year: int
    slug: str
    model: BaseModel
    source: Source

    @property
    def blocks(self) -> dict[str, Any]:
        return block_values(self.model, KINDS[self.kind].meta)

    def block(self, key: str) -> Any:
        return getattr(self.model, key, None)

    def __getattr__(self, name: str) -> Any:  # the document's own fields: ar, titel, datum …
        if name.startswith("_") or name in {"kind", "year", "slug", "model", "source"}:
            raise AttributeError(name)
        return getattr(self.model, name)


@dataclass
class Year:
    """Everything the data holds for one year: its documents by kind and slug (a single-file
    document has the slug "")."""

    year: int
    directory: Path
    documents: dict[str, dict[str, Document]] = field(default_factory=dict)
    sources: dict[str, Source] = field(default_factory=dict)
    # the files found but not loaded, by the key of `sources`: (display path, why), so that
    # rules can say "not checked" instead of reporting what only follows from them
    unloaded: dict[str, tuple[str, str]] = field(default_factory=dict)
    # the year's ledger exports (SIE 4) as read, problems and all
    ledgers: list[Ledger] = field(default_factory=list)

    @property
    def ledger(self) -> Ledger | None:
        """The year's one export the outcome is read from (None: none, or more than one,
        which `rules.ledger` refuses, since two exports of one year would count twice)."""
        return self.ledgers[0] if len(self.ledgers) == 1 else None

    def document(self, kind: str, slug: str = "") -> Document | None:
        return self.documents.get(kind, {}).get(slug)

    def all(self, kind: str) -> dict[str, Document]:
        return self.documents.get(kind, {})

    def all_documents(self) -> list[Document]:
        return [doc for by_slug in self.documents.values() for doc in by_slug.values()]


@dataclass
class Dataset(HasProblems):
    """The loaded data directory: the organisation, the outlines in force, the years, and
    every problem found."""

    root: Path
    organisation: Organisation | None = None
    organisation_source: Source | None = None
    dispositions: dict[str, Disposition] = field(default_factory=dict)
    disposition_sources: dict[str, Source] = field(default_factory=dict)
    years: dict[int, Year] = field(default_factory=dict)
    problems: list[Problem] = field(default_factory=list)
    # what is computed from the loaded data once and shared (the figure store, tables)
    cache: dict[str, Any] = field(default_factory=dict, repr=False, compare=False)

    def __getstate__(self) -> dict[str, Any]:
        """A dataset as kept between runs: what was loaded, not what was computed from it."""
        state = dict(self.__dict__)
        state["cache"] = {}
        return state

    def disposition(self, kind: str) -> Disposition:
        """The outline of a document kind: the organisation's own, else snplan's default."""
        return self.dispositions.get(kind) or default_disposition(kind)

    def period(self, kind: str) -> int | None:
        """The month a period report of `kind` closes (its outline in force says), None for a
        kind that is not a period report."""
        spec = KINDS.get(kind)
        if spec is None or spec.period is None:
            return None
        outline = self.disposition(kind).period
        return outline.manad if outline is not None else spec.period

    def disposition_source(self, kind: str) -> Source:
        """Where the outline in force was read from: the organisation's own file, else the
        one snplan ships (so a problem of an outline is named at its line either way)."""
        own = self.disposition_sources.get(kind)
        if own is not None and kind in self.dispositions:
            return own
        return Source("disposition", display_path(default_path(kind)),
                      default_located(kind))

    def quoted(self, document: Document) -> Document | None:
        """The document whose figures `document`'s prose may quote: itself for a plan or a
        report, the document a memo names (`dokument`), the plan for a protocol (its kind's
        `quotes`); None when that document is not in the data."""
        wanted = getattr(document.model, "dokument", None) or KINDS[document.kind].quotes
        if wanted is None:
            return document
        kind = KINDS.get(wanted)
        entry = self.years.get(document.year)
        if kind is None or entry is None:
            return None
        return entry.document(kind.name)

    def documents(self) -> list[Document]:
        """Every loaded document, year by year."""
        return [doc for number in sorted(self.years)
                for doc in self.years[number].all_documents()]


class DataDirectoryError(UsageError):
    """The data directory itself is missing or unusable: nothing can be loaded."""


# "Did you mean" is a fuzzy search over the model's field names: only the first unknown keys of
# a file get one, and only keys of a length a field name can have, so a file of 45 000 unknown
# keys is reported in linear time (one search each took 9 s).
MAX_SUGGESTIONS = 20
MAX_SUGGESTED_KEY = 60


@cache
def _field_names(model: type[BaseModel]) -> tuple[str, ...]:
    """Every field name of a model and of the models inside it (for "did you mean")."""
    names: set[str] = set()

    def walk(current: type[BaseModel], seen: set[type]) -> None:
        if current in seen:
            return
        seen.add(current)
        for name, info in current.model_fields.items():
            names.add(name)
            for sub in _models_in(info.annotation):
                walk(sub, seen)

    walk(model, set())
    return tuple(sorted(names))


def _models_in(annotation: Any) -> list[type[BaseModel]]:
    found: list[type[BaseModel]] = []
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        found.append(annotation)
    for arg in getattr(annotation, "__args__", ()) or ():
        found.extend(_models_in(arg))
    origin = getattr(annotation, "__origin__", None)
    if origin is not None and isinstance(origin, type) and issubclass(origin, BaseModel):
        found.append(origin)
    return found


# Keys of a table's outline that people write into the data, and where they belong.
BELONGS_TO_THE_OUTLINE = {
    "standard": N_("the kind of figure a bare number stands for is the outline's to say "
                   "(tabell: {standard: budget} in data/disposition/KIND.yaml, or the outline "
                   "snplan ships: snplan disposition KIND), not the data's"),
}


def _describe(value: Any) -> str:
    if isinstance(value, str):
        shown = value if len(value) <= 40 else value[:37] + "..."
        return f'"{shown}"'
    if isinstance(value, dict):
        return "a mapping"
    if isinstance(value, list):
        return "a list"
    if value is None:
        return "nothing"
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def _message(error: dict[str, Any], candidates: tuple[str, ...] = ()) -> str:
    """A plain sentence for one pydantic error; `candidates` are the names an unknown key
    may have been meant as (none: no "did you mean")."""
    kind = error["type"]
    value = error.get("input")
    ctx = error.get("ctx") or {}
    loc = error["loc"]
    if isinstance(value, str) and value.strip() == PLACEHOLDER:
        return PLACEHOLDER_MESSAGE
    if kind == "extra_forbidden":
        key = str(loc[-1]) if loc else ""
        close: list[str] = []
        if candidates and len(key) <= MAX_SUGGESTED_KEY:
            # the key may be right elsewhere in the file but not here: never suggest itself
            others = [name for name in candidates if name != key]
            close = difflib.get_close_matches(key, others, n=1, cutoff=0.75)
        hint = _("; did you mean '{name}'?").format(name=close[0]) if close else ""
        if key in BELONGS_TO_THE_OUTLINE:
            hint = "; " + _(BELONGS_TO_THE_OUTLINE[key])
        return _("unknown key '{key}'{hint}").format(key=key, hint=hint)
    if kind == "missing":
        return _("this required field is missing")
    if kind == "invalid_key":
        return _("a key must be a word, got {value}").format(value=_describe(value))
    if kind == "finite_number":
        return _("expected a finite number, got {value}").format(value=_describe(value))
    if kind.startswith("decimal") or kind in {"float_parsing", "float_type"}:
        if kind == "decimal_max_digits" or kind == "finite_number":
            return _("expected a finite number, got {value}").format(value=_describe(value))
        return _("expected a number, got {value}").format(value=_describe(value))
    if kind in {"int_parsing", "int_type", "int_from_float"}:
        return _("expected a whole number, got {value}").format(value=_describe(value))
    if kind in {"string_type"}:
        return _("expected text, got {value}").format(value=_describe(value))
    if kind in {"date_type", "date_parsing", "date_from_datetime_parsing",
                "date_from_datetime_inexact"}:
        return _("expected a date written YYYY-MM-DD, got {value}").format(value=_describe(value))
    if kind == "literal_error":
        return (_("expected one of {expected}, got {value}")
            .format(expected=ctx.get('expected'), value=_describe(value)))
    if kind == "string_pattern_mismatch":
        if "a-z0-9" in str(ctx.get("pattern", "")):
            return (_("expected an id of lower-case letters, digits, '-' and '_', "
                    "got {value}").format(value=_describe(value)))
        return _("{value} is not in the expected form").format(value=_describe(value))
    if kind in {"greater_than_equal", "greater_than"}:
        bound = ctx.get("ge", ctx.get("gt"))
        return (_("must be at least {bound}, got {value}")
            .format(bound=bound, value=_describe(value)))
    if kind in {"less_than_equal", "less_than"}:
        bound = ctx.get("le", ctx.get("lt"))
        return _("must be at most {bound}, got {value}").format(bound=bound, value=_describe(value))
    if kind in {"list_type"}:
        return _("expected a list, got {value}").format(value=_describe(value))
    if kind in {"dict_type", "model_type", "model_attributes_type"}:
        return (_("expected a mapping of keys and values, got {value}")
            .format(value=_describe(value)))
    if kind == "too_short":
        return _("needs at least {min_length} item(s)").format(min_length=ctx.get('min_length'))
    if kind == "bool_type" or kind == "bool_parsing":
        return _("expected true or false, got {value}").format(value=_describe(value))
    if kind == "value_error":
        return str(error["msg"]).removeprefix("Value error, ")
    return str(error["msg"])


def validate_model(model: type[BaseModel], source: Source) -> tuple[Any, list[Problem]]:
    """Validate loaded data against a model; return the object or the problems."""
    data = source.located.data
    if data is None:
        return None, [Problem(source.path, None, "", _("the file is empty"))]
    if not isinstance(data, dict):
        return None, [Problem(source.path, source.line(), "",
                              _("expected a mapping of keys and values at the top, "
                              "got {data}").format(data=_describe(data)))]
    try:
        obj = model.model_validate(data)
    except ValidationError as exc:
        candidates = _field_names(model)
        problems = []
        unknown = 0
        for error in exc.errors():
            loc = tuple(p for p in error["loc"] if isinstance(p, str | int))
            unknown += error["type"] == "extra_forbidden"
            message = _message(error, candidates if unknown <= MAX_SUGGESTIONS else ())
            if message == PLACEHOLDER_MESSAGE:
                # named where the file writes it (a bare FYLL I standing for {budget: …}),
                # so the placeholder check's report of the same value is the same problem
                loc = source.written(loc)
                while loc and loc not in source.located.lines:
                    loc = loc[:-1]
            problems.append(Problem(source.path, source.line(*loc),
                                    source.field(loc), message,
                                    "todo" if message == PLACEHOLDER_MESSAGE else "error"))
        return None, problems
    return obj, []


def _outside(path: Path, root: Path) -> str | None:
    """Where `path` really leads when that is outside the data directory (a symbolic link
    out of it), else None: data is read from inside the data directory only."""
    try:
        real = path.resolve(strict=True)
        base = root.resolve(strict=True)
    except (OSError, RuntimeError):
        return str(path)
    return None if real.is_relative_to(base) else str(real)


def _read(kind: str, path: Path, root: Path, problems: list[Problem]) -> Source | None:
    shown = display_path(path)
    elsewhere = _outside(path, root)
    if elsewhere is not None:
        problems.append(Problem(shown, None, "", _("the file leads outside the data directory "
                                                   "(to {elsewhere}); data files must lie inside "
                                                   "it").format(elsewhere=elsewhere)))
        return None
    try:
        located = read_file(path)
    except SourceError as exc:
        problems.append(Problem(shown, exc.line, exc.field, exc.message))
        return None
    return Source(kind, shown, located)


def _entries(directory: Path, problems: list[Problem]) -> list[Path]:
    """The entries of a directory, sorted; an unreadable directory is a problem, not a crash."""
    try:
        return sorted(directory.iterdir())
    except OSError as exc:
        problems.append(Problem(display_path(directory), None, "",
                                _("cannot read the directory: {exc}").format(
                                    exc=exc.strerror or exc)))
        return []


def _load_one(model: type[BaseModel], kind: str, path: Path, root: Path,
              problems: list[Problem]) -> tuple[Any, Source | None]:
    source = _read(kind, path, root, problems)
    if source is None:
        return None, None
    obj, found = validate_model(model, source)
    problems.extend(found)
    return obj, source


def is_year(name: str) -> bool:
    """Whether a directory name is a year the data may hold: four digits, 1900–2200."""
    return bool(YEAR_DIR.match(name)) and FIRST_YEAR <= int(name) <= LAST_YEAR


def _leads_nowhere(entry: Path) -> bool:
    """A symbolic link that is broken or loops (to itself, or round through others)."""
    return entry.is_symlink() and not entry.exists()


def _nowhere(entry: Path) -> Problem:
    return Problem(display_path(entry), None, "", _("the symbolic link leads nowhere (it is "
                                                    "broken or loops back to itself); remove it, "
                                                    "or point it at a file or directory inside "
                                                    "the data directory"))


def _top_level_entry(entry: Path, root: Path, problems: list[Problem]) -> bool:
    """Report what is wrong with an entry of the data directory other than organisation.yaml;
    True when it is a year directory to load. Nothing is passed over in silence: a directory
    that is not a year, a year that is a file, a link that leads nowhere."""
    shown = display_path(entry)
    if _leads_nowhere(entry):
        problems.append(_nowhere(entry))
    elif entry.is_dir():
        if is_year(entry.name):
            return True
        problems.append(Problem(shown, None, "", (
            _("{name} is not a year snplan can read ({FIRST_YEAR}–{LAST_YEAR})").format(
                name=entry.name, FIRST_YEAR=FIRST_YEAR, LAST_YEAR=LAST_YEAR)
            if YEAR_DIR.match(entry.name) else
            _("not a year: the directories of the data directory are years, written with four "
              "digits from {FIRST_YEAR} to {LAST_YEAR}").format(
                FIRST_YEAR=FIRST_YEAR, LAST_YEAR=LAST_YEAR)) + _("; rename or remove it")))
    elif YEAR_DIR.match(entry.name) or (entry.name.isdigit() and entry.is_file()):
        problems.append(Problem(shown, None, "", _("a year is a directory holding the year's "
                                                   "files, not a file; remove it or make it a "
                                                   "directory")))
    elif entry.name == "reference.docx":
        problem = container_problem(entry)
        if problem is not None:
            problems.append(Problem(shown, None, "", problem))
    elif entry.is_file() and entry.suffix in {".yaml", ".yml"}:
        problems.append(Problem(shown, None, "", _("unexpected file: data/ holds "
                                                   "organisation.yaml, {DISPOSITION_DIR}/ and "
                                                   "one directory per year").format(
                                                     DISPOSITION_DIR=DISPOSITION_DIR)))
    elif not entry.is_file():
        problems.append(Problem(shown, None, "", _("unexpected entry (not a file or a "
                                                   "directory): data/ holds organisation.yaml, "
                                                   "reference.docx, {DISPOSITION_DIR}/ and one "
                                                   "directory per year").format(
                                                     DISPOSITION_DIR=DISPOSITION_DIR)))
    else:
        problems.append(Problem(shown, None, "", _("unexpected file, which snplan does not read: "
                                                   "data/ holds organisation.yaml, "
                                                   "reference.docx, {DISPOSITION_DIR}/ and one "
                                                   "directory per year").format(
                                                     DISPOSITION_DIR=DISPOSITION_DIR), "warning"))
    return False


def data_files(root: Path) -> list[Path]:
    """The files a build reads from a data directory, found the way `load` finds them but
    without reading them: what the build manifest hashes (and nothing else that happens to lie
    there, however large)."""
    found = [root / "organisation.yaml", root / "reference.docx"]
    outlines = [p for p in _entries(root / DISPOSITION_DIR, []) if p.suffix == ".yaml"]
    found += outlines
    # an organisation's own period kind is known only once its outline is loaded: the file
    # its outline's name gives is read too (a superset only costs a rebuild)
    own = sorted({f"{p.stem}.yaml" for p in outlines} - {k.file for k in KINDS.values()
                                                         if k.file})
    for entry in _entries(root, []):
        if not (is_year(entry.name) and entry.is_dir()):
            continue
        found += [p for p in _entries(entry / LEDGER_DIR, []) if p.suffix.lower() == LEDGER_SUFFIX]
        found += [entry / name for name in own]
        for files in KINDS.values():
            if files.file:
                found.append(entry / files.file)
            else:
                assert files.folder is not None
                found.extend(p for p in _entries(entry / files.folder, [])
                             if p.suffix == ".yaml")
    return [p for p in found if p.is_file()]


def _load_dispositions(dataset: Dataset, problems: list[Problem]) -> set[str]:
    """The organisation's own outlines (data/disposition/KIND.yaml); returns the kinds whose
    outline has errors (their files cannot be checked against it)."""
    broken: set[str] = set()
    folder = dataset.root / DISPOSITION_DIR
    if not folder.exists():
        return broken
    if not folder.is_dir():
        problems.append(Problem(display_path(folder), None, "",
                                _("{DISPOSITION_DIR} must be a directory of outlines "
                                  "(KIND.yaml)").format(
                                    DISPOSITION_DIR=DISPOSITION_DIR)))
        return broken
    for entry in _entries(folder, problems):
        if entry.name.startswith("."):
            continue
        kind = entry.stem
        if entry.suffix == ".yaml" and kind not in KINDS and entry.is_file() \
                and SLUG.match(kind) and _defines_period(entry, dataset.root):
            start = len(problems)
            obj, source = _load_one(Disposition, "disposition", entry, dataset.root, problems)
            if source is not None:
                dataset.disposition_sources[kind] = source
                _place_repeated_blocks(source, problems, start)
            if obj is not None and obj.period is not None:
                register(period_kind(kind, obj.period.model_dump(), own=True))
                dataset.dispositions[kind] = obj
            elif obj is None:  # its year files are the outline's, but cannot be checked
                broken.add(kind)
            continue
        if entry.suffix != ".yaml" or kind not in KINDS or not entry.is_file():
            problems.append(Problem(display_path(entry), None, "",
                                    _("unexpected entry: {DISPOSITION_DIR}/ holds one outline "
                                      "per document kind ({KINDS}), named KIND.yaml, or the "
                                      "outline of the organisation's own period report (one "
                                      "that says its period: {{manad: MONTH, namn: NAME}})"
                                      ).format(DISPOSITION_DIR=DISPOSITION_DIR,
                                               KINDS=', '.join(KINDS))))
            continue
        start = len(problems)
        obj, source = _load_one(Disposition, "disposition", entry, dataset.root, problems)
        if source is not None:
            dataset.disposition_sources[kind] = source
            _place_repeated_blocks(source, problems, start)
        if obj is None:
            broken.add(kind)
        else:
            dataset.dispositions[kind] = obj
    return broken


def _defines_period(path: Path, root: Path) -> bool:
    """Whether an outline of an unknown kind says a period at its top (`period:`), so it
    defines a kind of period report of the organisation's own; read once more by the
    loader, which reports its problems at their lines."""
    if _outside(path, root) is not None:
        return False
    try:
        located = read_file(path)
    except SourceError:
        return False
    return isinstance(located.data, dict) and "period" in located.data


def _repeated_blocks(source: Source) -> dict[str, Problem]:
    """Each block key an outline gives a second time, by key, at the line and field where it
    is repeated (the outline's model can only say that one is, at the top of the file)."""
    found: dict[str, Problem] = {}
    first: dict[str, int | None] = {}

    def walk(chapters: Any, loc: tuple[str | int, ...]) -> None:
        for index, chapter in enumerate(chapters if isinstance(chapters, list) else []):
            if not isinstance(chapter, dict):
                continue
            here = (*loc, index)
            key = chapter.get("block")
            if isinstance(key, str) and key in first and key not in found:
                found[key] = Problem(
                    source.path, source.line(*here, "block"), source.field((*here, "block")),
                    _("the block '{key}' appears twice in the outline (first on line {key2}); a "
                      "block's content is shown once").format(key=key, key2=first[key]))
            elif isinstance(key, str):
                first.setdefault(key, source.line(*here, "block"))
            walk(chapter.get("kapitel"), (*here, "kapitel"))

    data = source.located.data
    if isinstance(data, dict):
        walk(data.get("kapitel"), ("kapitel",))
    return found


def _place_repeated_blocks(source: Source, problems: list[Problem], start: int) -> None:
    """Report a repeated block key where it is repeated: the outline model's report of it
    (among `problems[start:]`, at the top of the file, naming the key) is replaced."""
    repeated = _repeated_blocks(source)
    if not repeated:
        return
    problems[start:] = [p for p in problems[start:] if p.field or not any(
        f"'{key}'" in p.message and "twice" in p.message for key in repeated)]
    problems.extend(repeated.values())


def load(root: Path) -> Dataset:
    """Load a data directory. Raises DataDirectoryError only when there is nothing to load."""
    if not root.exists():
        raise DataDirectoryError(_("the data directory {root} does not exist").format(
                                     root=display_path(root)))
    if not root.is_dir():
        raise DataDirectoryError(_("{root} is not a directory").format(root=display_path(root)))
    forget_own()
    dataset = Dataset(root)
    problems = dataset.problems
    org_path = root / "organisation.yaml"
    if org_path.is_file():
        dataset.organisation, dataset.organisation_source = _load_one(
            Organisation, "organisation", org_path, root, problems)
    elif _leads_nowhere(org_path):
        problems.append(_nowhere(org_path))
    elif org_path.exists():
        problems.append(Problem(display_path(org_path), None, "",
                                _("organisation.yaml is not a file (a directory, FIFO or "
                                  "device); it must be the YAML file of the organisation")))
    else:
        problems.append(Problem(display_path(org_path), None, "",
                                _("organisation.yaml is missing: it declares the breakdowns, "
                                  "goals and people that every year refers to")))
    broken = _load_dispositions(dataset, problems)
    for entry in _entries(root, problems):
        if entry.name.startswith(".") or entry == org_path or entry.name == DISPOSITION_DIR:
            continue
        if _top_level_entry(entry, root, problems):
            elsewhere = _outside(entry, root)
            if elsewhere is not None:
                problems.append(Problem(display_path(entry), None, "",
                                        _("the directory leads outside the data directory (to "
                                          "{elsewhere}); data must lie inside it").format(
                                            elsewhere=elsewhere)))
                continue
            dataset.years[int(entry.name)] = _load_year(dataset, int(entry.name), entry,
                                                        broken, problems)
    return dataset


def _load_ledgers(year: Year, directory: Path, root: Path, problems: list[Problem]) -> None:
    """The year's ledger exports (`bokforing/*.se`), read whole; what the reader could not
    read is a problem at its line, like a data file's."""
    for item in _entries(directory, problems):
        if item.name.startswith("."):
            continue
        if _leads_nowhere(item):
            problems.append(_nowhere(item))
        elif _outside(item, root) is not None:
            problems.append(Problem(display_path(item), None, "",
                                    _("the entry leads outside the data directory (to {root}); "
                                      "data must lie inside it").format(root=_outside(item, root))))
        elif item.is_file() and item.suffix.lower() == LEDGER_SUFFIX:
            ledger = read_sie(item)
            year.ledgers.append(ledger)
            problems.extend(ledger.problems)
        else:
            problems.append(Problem(display_path(item), None, "",
                                    _("unexpected entry in {LEDGER_DIR}/: it holds the year's "
                                      "ledger exported as SIE 4, one file named "
                                      "*{LEDGER_SUFFIX}").format(
                                        LEDGER_DIR=LEDGER_DIR, LEDGER_SUFFIX=LEDGER_SUFFIX)))


def _load_year(dataset: Dataset, year: int, directory: Path, broken: set[str],
               problems: list[Problem]) -> Year:
    result = Year(year, directory)
    root = dataset.root
    singles = {f.file: f for f in KINDS.values() if f.file}
    folders = {f.folder: f for f in KINDS.values() if f.folder}
    expected = ", ".join([*singles, *(f"{name}/" for name in folders), f"{LEDGER_DIR}/"])

    def load_document(files: Any, path: Path, slug: str) -> None:
        if files.name in broken:
            problems.append(Problem(display_path(path), None, "",
                                    _("not checked: the outline {outline} has errors").format(
                                        outline=f"{DISPOSITION_DIR}/{files.name}.yaml")))
            key = files.name if not slug else f"{files.folder}/{slug}"
            result.unloaded[key] = (display_path(path), _("was not checked (its outline "
                                                              "has errors)"))
            return
        model = file_model(files.meta, dataset.disposition(files.name), files.name)
        obj, source = _load_one(model, files.name, path, root, problems)
        key = files.name if not slug else f"{files.folder}/{slug}"
        if source is not None:
            result.sources[key] = source
        if source is None:
            result.unloaded[key] = (display_path(path), _("does not parse") if path.is_file()
                                    and _outside(path, root) is None else _("cannot be read"))
        elif obj is None:
            result.unloaded[key] = (source.path, _("has errors"))
        if obj is not None and source is not None:
            result.documents.setdefault(files.name, {})[slug] = Document(
                files.name, year, slug, obj, source)

    for entry in _entries(directory, problems):
        if entry.name.startswith("."):
            continue
        if entry.is_file() and entry.name in singles:
            load_document(singles[entry.name], entry, "")
        elif entry.is_dir() and entry.name == LEDGER_DIR:
            _load_ledgers(result, entry, root, problems)
        elif entry.is_dir() and entry.name in folders:
            files = folders[entry.name]
            for item in _entries(entry, problems):
                if item.name.startswith("."):
                    continue
                if _leads_nowhere(item):
                    problems.append(_nowhere(item))
                    continue
                if not (item.is_file() and item.suffix == ".yaml"):
                    problems.append(Problem(display_path(item), None, "",
                                            _("unexpected entry in {name}/: expected .yaml "
                                              "files").format(
                                                name=entry.name)))
                    continue
                if not SLUG.match(item.stem):
                    problems.append(Problem(display_path(item), None, "",
                                            _("file names of matters are their slug: lower-case "
                                              "letters, digits, '-' and '_'")))
                    continue
                load_document(files, item, item.stem)
        elif _leads_nowhere(entry):
            problems.append(_nowhere(entry))
        elif entry.suffix == ".yaml" and entry.stem in broken and entry.stem not in KINDS:
            # the file of an organisation's own period kind whose outline does not load
            problems.append(Problem(display_path(entry), None, "",
                                    _("not checked: the outline {outline} has errors").format(
                                        outline=f"{DISPOSITION_DIR}/{entry.name}")))
        else:
            problems.append(Problem(display_path(entry), None, "",
                                    _("unexpected entry: a year holds {expected}").format(
                                        expected=expected)))
    return result
