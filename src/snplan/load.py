"""Find the data files, read them with positions and validate them against the models.

Every problem is collected, none raised: a controller fixing a pull request wants the whole
list in one run.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from decimal import Decimal
from functools import cache
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ValidationError

from .model import KINDS, Arsredovisning, Mbl, Organisation, Tjansteskrivelse, Verksamhetsplan
from .model.common import PLACEHOLDER, PLACEHOLDER_MESSAGE
from .problems import HasProblems, Problem, display_path, field_path
from .yamlsource import Located, SourceError, read_file, too_large

YEAR_DIR = re.compile(r"^[0-9]{4}$")  # ASCII digits: "２０２４" is no year
# The years a data directory may hold (`ar` in the models accepts the same).
FIRST_YEAR, LAST_YEAR = 1900, 2200
SLUG = re.compile(r"^[a-z0-9][a-z0-9_-]*$")


@dataclass
class Source:
    """A file that was read: its kind, its display path and the lines of its values."""

    kind: str
    path: str
    located: Located

    def line(self, *loc: str | int) -> int | None:
        return self.located.line_of(tuple(loc))


@dataclass
class Year:
    """Everything the data holds for one year."""

    year: int
    directory: Path
    plan: Verksamhetsplan | None = None
    outcome: Arsredovisning | None = None
    matters: dict[str, Tjansteskrivelse] = field(default_factory=dict)
    mbl: dict[str, Mbl] = field(default_factory=dict)
    sources: dict[str, Source] = field(default_factory=dict)


@dataclass
class Dataset(HasProblems):
    """The loaded data directory: the organisation, the years, and every problem found."""

    root: Path
    organisation: Organisation | None = None
    organisation_source: Source | None = None
    years: dict[int, Year] = field(default_factory=dict)
    problems: list[Problem] = field(default_factory=list)


class DataDirectoryError(Exception):
    """The data directory itself is missing or unusable: nothing can be loaded."""


@cache
def _all_field_names() -> frozenset[str]:
    names: set[str] = set()

    def walk(model: type[BaseModel], seen: set[type]) -> None:
        if model in seen:
            return
        seen.add(model)
        for name, info in model.model_fields.items():
            names.add(name)
            for sub in _models_in(info.annotation):
                walk(sub, seen)

    for kind in KINDS.values():
        walk(kind.model, set())
    return frozenset(names)


def _models_in(annotation: Any) -> list[type[BaseModel]]:
    found: list[type[BaseModel]] = []
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        found.append(annotation)
    for arg in getattr(annotation, "__args__", ()) or ():
        found.extend(_models_in(arg))
    for meta in getattr(annotation, "__metadata__", ()) or ():
        del meta
    origin = getattr(annotation, "__origin__", None)
    if origin is not None and isinstance(origin, type) and issubclass(origin, BaseModel):
        found.append(origin)
    return found


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


# "Did you mean" is a fuzzy search over every field name: only the first unknown keys of a
# file get one, and only keys of a length a field name can have, so a file of 45 000 unknown
# keys is reported in linear time (one search each took 9 s).
MAX_SUGGESTIONS = 20
MAX_SUGGESTED_KEY = 60


def _message(error: dict[str, Any], suggest: bool = True) -> str:
    """A plain sentence for one pydantic error; `suggest` allows a "did you mean"."""
    kind = error["type"]
    value = error.get("input")
    ctx = error.get("ctx") or {}
    loc = error["loc"]
    if isinstance(value, str) and value.strip() == PLACEHOLDER:
        return PLACEHOLDER_MESSAGE
    if kind == "extra_forbidden":
        key = str(loc[-1]) if loc else ""
        close = difflib.get_close_matches(key, _all_field_names(), n=1, cutoff=0.75) \
            if suggest and len(key) <= MAX_SUGGESTED_KEY else []
        hint = f"; did you mean '{close[0]}'?" if close else ""
        return f"unknown key '{key}'{hint}"
    if kind == "missing":
        return "this required field is missing"
    if kind == "invalid_key":
        return f"a key must be a word, got {_describe(value)}"
    if kind == "finite_number":
        return f"expected a finite number, got {_describe(value)}"
    if kind.startswith("decimal") or kind in {"float_parsing", "float_type"}:
        if kind == "decimal_max_digits" or kind == "finite_number":
            return f"expected a finite number, got {_describe(value)}"
        return f"expected a number, got {_describe(value)}"
    if kind in {"int_parsing", "int_type", "int_from_float"}:
        return f"expected a whole number, got {_describe(value)}"
    if kind in {"string_type"}:
        return f"expected text, got {_describe(value)}"
    if kind in {"date_type", "date_parsing", "date_from_datetime_parsing",
                "date_from_datetime_inexact"}:
        return f"expected a date written YYYY-MM-DD, got {_describe(value)}"
    if kind == "literal_error":
        return f"expected one of {ctx.get('expected')}, got {_describe(value)}"
    if kind == "string_pattern_mismatch":
        if "a-z0-9" in str(ctx.get("pattern", "")):
            return (f"expected an id of lower-case letters, digits, '-' and '_', "
                    f"got {_describe(value)}")
        return f"{_describe(value)} is not in the expected form"
    if kind in {"greater_than_equal", "greater_than"}:
        bound = ctx.get("ge", ctx.get("gt"))
        return f"must be at least {bound}, got {_describe(value)}"
    if kind in {"less_than_equal", "less_than"}:
        bound = ctx.get("le", ctx.get("lt"))
        return f"must be at most {bound}, got {_describe(value)}"
    if kind in {"list_type"}:
        return f"expected a list, got {_describe(value)}"
    if kind in {"dict_type", "model_type", "model_attributes_type"}:
        return f"expected a mapping of keys and values, got {_describe(value)}"
    if kind == "too_short":
        return f"needs at least {ctx.get('min_length')} item(s)"
    if kind == "bool_type" or kind == "bool_parsing":
        return f"expected true or false, got {_describe(value)}"
    if kind == "value_error":
        return str(error["msg"]).removeprefix("Value error, ")
    return str(error["msg"])


def validate_model(model: type[BaseModel], source: Source) -> tuple[Any, list[Problem]]:
    """Validate loaded data against a model; return the object or the problems."""
    data = source.located.data
    if data is None:
        return None, [Problem(source.path, None, "", "the file is empty")]
    if not isinstance(data, dict):
        return None, [Problem(source.path, source.line(), "",
                              f"expected a mapping of keys and values at the top, "
                              f"got {_describe(data)}")]
    try:
        obj = model.model_validate(data)
    except ValidationError as exc:
        problems = []
        unknown = 0
        for error in exc.errors():
            loc = tuple(p for p in error["loc"] if isinstance(p, str | int))
            unknown += error["type"] == "extra_forbidden"
            message = _message(error, suggest=unknown <= MAX_SUGGESTIONS)
            problems.append(Problem(source.path, source.located.line_of(loc),
                                    field_path(loc), message,
                                    "todo" if message == PLACEHOLDER_MESSAGE else "error"))
        return None, problems
    problems = [Problem(source.path, source.located.line_of(loc), field_path(loc),
                        f"the number {_describe(value)} is too large: a figure has at most "
                        "15 digits before the decimal mark"
                        if not isinstance(value, Decimal) or value.is_finite()
                        else f"expected a finite number, got {value}")
                for loc, value in _oversized(obj, ())]
    return (None, problems) if problems else (obj, [])


def _oversized(obj: Any, loc: tuple[str | int, ...]
               ) -> Iterator[tuple[tuple[str | int, ...], Decimal | int]]:
    """Numbers too large for a figure (`yamlsource.too_large`) in a validated model. The
    reader refuses them written as numbers; this catches those written as text ("1e999999"),
    which pydantic turns into numbers that Decimal arithmetic and rounding cannot handle."""
    if isinstance(obj, Decimal | int):
        if too_large(obj):
            yield loc, obj
    elif isinstance(obj, BaseModel):
        for name in type(obj).model_fields:
            yield from _oversized(getattr(obj, name), loc + (name,))
    elif isinstance(obj, list):
        for index, item in enumerate(obj):
            yield from _oversized(item, loc + (index,))
    elif isinstance(obj, dict):
        for key, item in obj.items():
            yield from _oversized(item, loc + (key,))


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
        problems.append(Problem(shown, None, "", f"the file leads outside the data directory "
                                                 f"(to {elsewhere}); data files must lie "
                                                 "inside it"))
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
                                f"cannot read the directory: {exc.strerror or exc}"))
        return []


def _load_one(kind: str, path: Path, root: Path, problems: list[Problem]
              ) -> tuple[Any, Source | None]:
    source = _read(kind, path, root, problems)
    if source is None:
        return None, None
    obj, found = validate_model(KINDS[kind].model, source)
    problems.extend(found)
    return obj, source


YEAR_FILES = {"verksamhetsplan.yaml": "verksamhetsplan", "arsredovisning.yaml": "arsredovisning"}
MATTER_DIRS = {"arenden": "tjansteskrivelse", "mbl": "mbl"}


def is_year(name: str) -> bool:
    """Whether a directory name is a year the data may hold: four digits, 1900–2200."""
    return bool(YEAR_DIR.match(name)) and FIRST_YEAR <= int(name) <= LAST_YEAR


def _leads_nowhere(entry: Path) -> bool:
    """A symbolic link that is broken or loops (to itself, or round through others)."""
    return entry.is_symlink() and not entry.exists()


def _nowhere(entry: Path) -> Problem:
    return Problem(display_path(entry), None, "", "the symbolic link leads nowhere (it is "
                   "broken or loops back to itself); remove it, or point it at a file or "
                   "directory inside the data directory")


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
            f"{entry.name} is not a year snplan can read ({FIRST_YEAR}–{LAST_YEAR})"
            if YEAR_DIR.match(entry.name) else
            "not a year: the directories of the data directory are years, written with four "
            f"digits from {FIRST_YEAR} to {LAST_YEAR}") + "; rename or remove it"))
    elif YEAR_DIR.match(entry.name) or (entry.name.isdigit() and entry.is_file()):
        problems.append(Problem(shown, None, "", "a year is a directory holding the year's "
                                "files, not a file; remove it or make it a directory"))
    elif entry.name == "reference.docx":
        from .render.reference_check import container_problem

        problem = container_problem(entry)
        if problem is not None:
            problems.append(Problem(shown, None, "", problem))
    elif entry.is_file() and entry.suffix in {".yaml", ".yml"}:
        problems.append(Problem(shown, None, "", "unexpected file: data/ holds "
                                "organisation.yaml and one directory per year"))
    elif not entry.is_file():
        problems.append(Problem(shown, None, "", "unexpected entry (not a file or a "
                                "directory): data/ holds organisation.yaml, reference.docx and "
                                "one directory per year"))
    else:
        problems.append(Problem(shown, None, "", "unexpected file, which snplan does not read: "
                                "data/ holds organisation.yaml, reference.docx and one "
                                "directory per year", "warning"))
    return False


def data_files(root: Path) -> list[Path]:
    """The files a build reads from a data directory, found the way `load` finds them but
    without reading them: what the build manifest hashes (and nothing else that happens to lie
    there, however large)."""
    found = [root / "organisation.yaml", root / "reference.docx"]
    for entry in _entries(root, []):
        if not (is_year(entry.name) and entry.is_dir()):
            continue
        for name in YEAR_FILES:
            found.append(entry / name)
        for folder in MATTER_DIRS:
            found.extend(p for p in _entries(entry / folder, []) if p.suffix == ".yaml")
    return [p for p in found if p.is_file()]


def load(root: Path) -> Dataset:
    """Load a data directory. Raises DataDirectoryError only when there is nothing to load."""
    if not root.exists():
        raise DataDirectoryError(f"the data directory {display_path(root)} does not exist")
    if not root.is_dir():
        raise DataDirectoryError(f"{display_path(root)} is not a directory")
    dataset = Dataset(root)
    problems = dataset.problems
    org_path = root / "organisation.yaml"
    if org_path.is_file():
        dataset.organisation, dataset.organisation_source = _load_one(
            "organisation", org_path, root, problems)
    elif _leads_nowhere(org_path):
        problems.append(_nowhere(org_path))
    elif org_path.exists():
        problems.append(Problem(display_path(org_path), None, "",
                                "organisation.yaml is not a file (a directory, FIFO or "
                                "device); it must be the YAML file of the organisation"))
    else:
        problems.append(Problem(display_path(org_path), None, "",
                                "organisation.yaml is missing: it declares the units, goals "
                                "and people that every year refers to"))
    for entry in _entries(root, problems):
        if entry.name.startswith(".") or entry == org_path:
            continue
        if _top_level_entry(entry, root, problems):
            elsewhere = _outside(entry, root)
            if elsewhere is not None:
                problems.append(Problem(display_path(entry), None, "",
                                        f"the directory leads outside the data directory "
                                        f"(to {elsewhere}); data must lie inside it"))
                continue
            dataset.years[int(entry.name)] = _load_year(int(entry.name), entry, root, problems)
    return dataset


def _load_year(year: int, directory: Path, root: Path, problems: list[Problem]) -> Year:
    result = Year(year, directory)
    known = YEAR_FILES
    for entry in _entries(directory, problems):
        if entry.name.startswith("."):
            continue
        if entry.is_file() and entry.name in known:
            kind = known[entry.name]
            obj, source = _load_one(kind, entry, root, problems)
            if source is not None:
                result.sources[kind] = source
            if obj is not None:
                if kind == "verksamhetsplan":
                    result.plan = obj
                else:
                    result.outcome = obj
        elif entry.is_dir() and entry.name in MATTER_DIRS:
            kind = MATTER_DIRS[entry.name]
            for item in _entries(entry, problems):
                if item.name.startswith("."):
                    continue
                if _leads_nowhere(item):
                    problems.append(_nowhere(item))
                    continue
                if not (item.is_file() and item.suffix == ".yaml"):
                    problems.append(Problem(display_path(item), None, "",
                                            f"unexpected entry in {entry.name}/: "
                                            "expected .yaml files"))
                    continue
                slug = item.stem
                if not SLUG.match(slug):
                    problems.append(Problem(display_path(item), None, "",
                                            "file names of matters are their slug: lower-case "
                                            "letters, digits, '-' and '_'"))
                    continue
                obj, source = _load_one(kind, item, root, problems)
                if source is not None:
                    result.sources[f"{entry.name}/{slug}"] = source
                if obj is not None:
                    target = result.matters if kind == "tjansteskrivelse" else result.mbl
                    target[slug] = obj
        elif _leads_nowhere(entry):
            problems.append(_nowhere(entry))
        else:
            problems.append(Problem(display_path(entry), None, "",
                                    "unexpected entry: a year holds verksamhetsplan.yaml, "
                                    "arsredovisning.yaml, arenden/ and mbl/"))
    return result
