"""`snplan new YEAR`: start next year's plan from the last one, block by block as the outline
says (`nytt_ar` of each block):

- `fyll` (the default): the structure is carried forward — headings, goals with their
  activities and measures, rows of tables with their names and other text fields — and every
  prose text and every figure becomes the placeholder FYLL I, which `snplan validate` lists
  as "to be filled in";
- `behall`: carried forward as it is (texts on responsibilities, governance, the vision);
- `tom`: left out (assignments, which are new each year).

Existing files are never overwritten.
"""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path
from typing import Any

import yaml
from pydantic import BaseModel

from ..blocks import REGISTRY
from ..documents import KINDS, kind_named
from ..errors import DataError, UsageError
from ..messages import _
from ..model.disposition import Kapitel
from ..output.files import OutputPathError, write_new
from ..rules.report import load_clean
from ..source.load import FIRST_YEAR, LAST_YEAR, Dataset, Document
from ..source.walk import fields

HEADER = """# yaml-language-server: $schema=../../schemas/{kind}.schema.json
# {label} {year}, started by `snplan new {year}` from {source}.
# Every value FYLL I is still to be filled in; `snplan validate` lists them.
"""

class _Dumper(yaml.SafeDumper):
    """Writes prose of several lines as a literal block (`|`), as people write it."""


def _text(dumper: yaml.SafeDumper, value: str) -> yaml.ScalarNode:
    style = "|" if "\n" in value else None
    return dumper.represent_scalar("tag:yaml.org,2002:str", value, style=style)


_Dumper.add_representer(str, _text)


class ScaffoldError(DataError):
    """The new year cannot be started (no plan to start from, or files already there)."""


def _plain(value: Any) -> Any:
    """A loaded value as plain YAML data (dates as dates, figures as numbers)."""
    if isinstance(value, BaseModel):
        return {k: _plain(v) for k, v in fields(value)
                if v is not None and v != "" and v != [] and v != {}}
    if isinstance(value, dict):
        return {k: _plain(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_plain(v) for v in value]
    if isinstance(value, Decimal):
        return int(value) if value == value.to_integral_value() else float(value)
    return value


def next_block(node: Kapitel, content: Any) -> Any:
    """A block of next year's plan from this year's: as it is (`behall`), or as its type
    carries it (`fyll`)."""
    plain = _plain(content)
    if node.nytt_ar == "behall":
        return plain
    return REGISTRY[node.typ or "text"].next_year(node, plain)


def source_plan(ds: Dataset, year: int, kind: str) -> Document:
    """The most recent plan before `year` that its outline's required blocks are all in."""
    spec = KINDS[kind]
    for candidate in sorted((y for y in ds.years if y < year), reverse=True):
        document = ds.years[candidate].document(kind)
        if document is not None and not spec.missing(ds, candidate):
            return document
    raise ScaffoldError(_("there is no complete {label} before {year} to start from").format(
                            label=spec.label.lower(), year=year))


def next_plan(ds: Dataset, source: Document, year: int) -> dict[str, Any]:
    """Next year's plan as plain data, block by block in the outline's order."""
    data: dict[str, Any] = {"ar": year}
    for node in ds.disposition(source.kind).blocks():
        content = source.block(node.block or "")
        if content is None or node.nytt_ar == "tom":
            continue
        data[node.block or ""] = next_block(node, content)
    return data


def create(ds: Dataset, year: int, kind: str = "verksamhetsplan") -> Path:
    """Write data/YEAR/KIND.yaml (the plan's by default); refuses to overwrite anything."""
    spec = KINDS[kind]
    if ds.organisation is None:
        raise ScaffoldError(_("organisation.yaml could not be read"))
    target = spec.path(ds, year)
    if target.exists() or target.is_symlink():
        raise ScaffoldError(_("{target} already exists; snplan new never overwrites a file").format(
                                target=target))
    source = source_plan(ds, year, kind)
    data = next_plan(ds, source, year)
    text = HEADER.format(kind=kind, label=spec.label, year=year,
                         source=f"data/{source.year}/{spec.files.file}")
    text += yaml.dump(data, Dumper=_Dumper, allow_unicode=True, sort_keys=False, width=100,
                      default_flow_style=False)
    # never over a file, never through a link (the year directory must not be one)
    write_new(target, text.encode("utf-8"), root=ds.root)
    return target


def run(data: Path, year: int, kind_name: str = "verksamhetsplan") -> Path:
    """Start YEAR's document of a kind (the plan by default; a period report from the last
    one of its kind: next year's delårsrapport from this year's)."""
    if not FIRST_YEAR <= year <= LAST_YEAR:
        raise UsageError(_("{year} is outside the years snplan can validate "
                           "({FIRST_YEAR}–{LAST_YEAR})").format(
                             year=year, FIRST_YEAR=FIRST_YEAR, LAST_YEAR=LAST_YEAR))
    dataset = load_clean(data, _("nothing was created")).dataset
    kind = kind_named(kind_name)
    if kind is None or not kind.single or kind.memo:
        raise UsageError(_("snplan new starts a plan, a report or a period report, not "
                           "'{kind_name}' (kinds: {single})").format(
                             kind_name=kind_name,
                             single=', '.join(k.name for k in KINDS.values() if k.single)))
    existing = kind.path(dataset, year)
    if existing.exists() or existing.is_symlink():
        raise DataError(_("{existing} already exists; snplan new never overwrites a file").format(
                            existing=existing))
    try:
        return create(dataset, year, kind.name)
    except ScaffoldError as exc:
        raise DataError(str(exc)) from None
    except OutputPathError as exc:
        raise UsageError(str(exc)) from None
    except FileExistsError as exc:
        raise DataError(_("{existing} already exists; snplan new never overwrites a file").format(
                            existing=exc.filename or existing)) from None
    except OSError as exc:
        raise DataError(_("cannot write {existing}: {exc}").format(
                            existing=exc.filename or existing, exc=exc.strerror or exc)) \
            from None
