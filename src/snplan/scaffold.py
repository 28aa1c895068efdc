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

from .model.common import PLACEHOLDER
from .model.disposition import Kapitel
from .source.load import Dataset, Document
from .source.walk import fields

HEADER = """# yaml-language-server: $schema=../../schemas/{kind}.schema.json
# {label} {year}, started by `snplan new {year}` from {source}.
# Every value FYLL I is still to be filled in; `snplan validate` lists them.
"""

# Fields that name or identify things: carried forward as they are.
KEPT = frozenset({"rubrik", "namn", "mal", "id", "niva", "enhet", "kategori", "process",
                  "risker", "kontrollmoment", "beslutad", "status", "diarienummer",
                  "omrade", "organ", "matt_saknas", "aktiviteter_text"})
# Fields that belong to a report's follow-up, not to a plan: dropped.
DROPPED = frozenset({"bedomning", "matning", "utfall", "kommentar"})


class _Dumper(yaml.SafeDumper):
    """Writes prose of several lines as a literal block (`|`), as people write it."""


def _text(dumper: yaml.SafeDumper, value: str) -> yaml.ScalarNode:
    style = "|" if "\n" in value else None
    return dumper.represent_scalar("tag:yaml.org,2002:str", value, style=style)


_Dumper.add_representer(str, _text)


class ScaffoldError(Exception):
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


def _to_fill(value: Any, key: str | None = None) -> Any:
    """The structure of a value with its texts and figures to be filled in."""
    if isinstance(value, dict):
        return {k: _to_fill(v, k) for k, v in value.items() if k not in DROPPED}
    if isinstance(value, list):
        return [_to_fill(v, key) for v in value]
    if key in KEPT:
        return value
    if isinstance(value, str | int | float) and not isinstance(value, bool):
        return PLACEHOLDER
    return value


def _table_rows(value: dict[str, Any], standard: str | None) -> dict[str, Any]:
    """A breakdown table's rows with every figure to fill in (a row of the table's standard
    figure alone written as just the value, as people write it); printed totals the source
    entered beside its rows are left out (the new year's rows add up to their totals)."""
    rows: dict[str, Any] = {}
    for row_id, figures in value.items():
        if row_id == "summa":
            continue
        if isinstance(figures, dict) and set(figures) == {standard}:
            rows[row_id] = PLACEHOLDER
        elif isinstance(figures, dict):
            rows[row_id] = {k: (v if k == "namn" else PLACEHOLDER) for k, v in figures.items()}
        else:
            rows[row_id] = PLACEHOLDER
    return rows


def next_block(node: Kapitel, content: Any) -> Any:
    """A block of next year's plan from this year's."""
    plain = _plain(content)
    if node.nytt_ar == "behall":
        return plain
    if node.typ == "tabell" and node.tabell is not None and node.tabell.indelning:
        result = _to_fill({k: v for k, v in plain.items() if k not in {"rader", "fotnoter"}})
        result["rader"] = _table_rows(plain.get("rader", {}), node.tabell.standard)
        return result
    if node.typ == "tabell" and node.tabell is not None and not node.tabell.kolumner:
        # a free table (an appendix's): its columns carried, each row's first cell (what the
        # row is about) kept and its other cells to fill in
        result = _to_fill({k: v for k, v in plain.items()
                           if k not in {"kolumner", "rader", "fotnoter"}})
        result["kolumner"] = plain.get("kolumner", [])
        result["rader"] = [row[:1] + [PLACEHOLDER] * (len(row) - 1)
                           for row in plain.get("rader", [])]
        return result
    if node.typ == "tabell" and node.tabell is not None:
        kinds = {c.varde for c in node.tabell.kolumner if c.varde} | {
            c.inmatad for c in node.tabell.kolumner if c.inmatad}
        result = _to_fill({k: v for k, v in plain.items() if k not in {"rader", "fotnoter"}})
        result["rader"] = [{k: (PLACEHOLDER if k in kinds else v) for k, v in row.items()}
                           for row in plain.get("rader", [])]
        return result
    if node.typ in {"lista", "underskrifter", "narvarande", "justering"}:
        return plain
    if isinstance(plain, str):
        return PLACEHOLDER
    return _to_fill(plain)


def source_plan(ds: Dataset, year: int, kind: str) -> Document:
    """The most recent plan before `year` that its outline's required blocks are all in."""
    from .documents import KINDS

    spec = KINDS[kind]
    for candidate in sorted((y for y in ds.years if y < year), reverse=True):
        document = ds.years[candidate].document(kind)
        if document is not None and not spec.missing(ds, candidate):
            return document
    raise ScaffoldError(f"there is no complete {spec.label.lower()} before {year} to start "
                        "from")


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
    """Write data/YEAR/verksamhetsplan.yaml; refuses to overwrite anything."""
    from .documents import KINDS

    spec = KINDS[kind]
    if ds.organisation is None:
        raise ScaffoldError("organisation.yaml could not be read")
    target = spec.path(ds, year)
    if target.exists() or target.is_symlink():
        raise ScaffoldError(f"{target} already exists; snplan new never overwrites a file")
    source = source_plan(ds, year, kind)
    data = next_plan(ds, source, year)
    text = HEADER.format(kind=kind, label=spec.label, year=year,
                         source=f"data/{source.year}/{spec.files.file}")
    text += yaml.dump(data, Dumper=_Dumper, allow_unicode=True, sort_keys=False, width=100,
                      default_flow_style=False)
    # never over a file, never through a link (the year directory must not be one)
    from .output.files import write_new

    write_new(target, text.encode("utf-8"), root=ds.root)
    return target
