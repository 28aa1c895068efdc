"""`snplan explain YEAR BLOCK ROW COLUMN`: the accounts and objects behind one figure.

A figure read from the ledger is the sum of balances nobody sees in the document; a reviewer
who doubts "Bidrag 31,9" needs the accounts it came from, their balances as the export gives
them, and the line of `organisation.yaml` that maps them, without opening the SIE file.
A group or the grand total lists every mapped row below it.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path

from ..errors import UsageError
from ..messages import _
from ..model.kinds import KINDS
from ..model.organisation import Organisation, Rad
from ..problems import at, display_path, printable
from ..rules.ledger import row_places
from ..rules.report import load_clean, require_year
from ..source.load import Dataset
from ..tables.figures import TOTAL, FigureStore
from ..tables.format import number
from ..tables.ledger import Mapping, Part, kronor_text, mapping_of
from ..tables.spec import Kolumn, TabellSpec


@dataclass
class Line:
    """One part of the figure: a row's account (and object) with its balance."""

    row: Rad
    part: Part


def _table(ds: Dataset, block: str) -> TabellSpec:
    """The outline's table of a block (any kind's outline that shows it)."""
    found = []
    for kind in KINDS:
        for node in ds.disposition(kind).blocks():
            if node.tabell is not None and node.block is not None:
                found.append(node.block)
                if node.block == block:
                    return node.tabell
    raise UsageError(_("no table block '{block}' in the outlines (tables: {found})").format(
                         block=block, found=', '.join(sorted(set(found)))))


def _column(spec: TabellSpec, block: str, column_id: str) -> Kolumn:
    for kolumn in spec.kolumner:
        if kolumn.id == column_id:
            return kolumn
    raise UsageError(_("the table '{block}' has no column '{column_id}' (columns: {kolumner})")
        .format(
                         block=block, column_id=column_id,
                         kolumner=', '.join(k.id for k in spec.kolumner)))


def _rows(org: Organisation, breakdown_id: str, row_id: str) -> list[Rad]:
    """The rows a figure adds up: the row itself, a group's rows, or all for the total."""
    breakdown = org.indelningar[breakdown_id]
    if row_id == TOTAL:
        return list(breakdown.walk())
    for row in breakdown.walk():
        if row.id == row_id:
            return list(row.walk())
    raise UsageError(_("the breakdown '{breakdown_id}' has no row '{row_id}' (rows: {walk})")
        .format(
                         breakdown_id=breakdown_id, row_id=row_id,
                         walk=', '.join([TOTAL, *(r.id for r in breakdown.walk())])))


def explain(ds: Dataset, year: int, block: str, row_id: str, column_id: str) -> str:
    """The text that traces one figure to its accounts and objects."""
    org = ds.organisation
    assert org is not None  # a clean dataset has its organisation
    require_year(ds, year)
    spec = _table(ds, block)
    kolumn = _column(spec, block, column_id)
    if spec.indelning is None:
        raise UsageError(_("the table '{block}' has rows entered in the data, not a breakdown "
                           "the ledger could be mapped onto").format(block=block))
    rows = _rows(org, spec.indelning, row_id)
    label = next((r.namn for r in rows if r.id == row_id), None) or (
        org.indelningar[spec.indelning].summa or "Summa")
    if kolumn.varde is None or kolumn.block is not None:
        what = _("computed from other columns") if kolumn.berakning else _("not a figure read")
        raise UsageError(_("the column '{column_id}' of '{block}' is {what}; explain traces a "
                           "column that reads the outcome ({varde})").format(
                             column_id=column_id, block=block, what=what,
                             varde=org.bokforing.varde))
    source_year = year + kolumn.ar
    head = f"{block} · {label} · {column_id} ({kolumn.varde} {source_year})"
    mapping = mapping_of(ds, source_year, spec.indelning) \
        if kolumn.varde == org.bokforing.varde else mapping_of(
            ds, source_year, spec.indelning, budget=True) \
        if kolumn.varde == org.bokforing.budget else None
    if mapping is None or not any(r.id in mapping.rows for r in rows):
        return head + "\n" + _typed(ds, source_year, block, row_id, kolumn.varde) + "\n"
    return _traced(ds, org, mapping, rows, head)


def _typed(ds: Dataset, year: int, block: str, row_id: str, kind: str) -> str:
    stored = FigureStore.of(ds).block(year, block)
    entry = stored.where.get((row_id, kind)) if stored is not None else None
    if entry is None:
        return (_("not read from a ledger: {year} has no export mapped onto this row, and the "
                  "figure is not typed either (a total is the sum of its rows)").format(year=year))
    value = stored.figures[row_id][kind] if stored is not None else None
    return (_("not read from a ledger: typed as {value} in {loc}").format(
                value=number(value), loc=at(entry.document.source, *entry.loc)))


def _traced(ds: Dataset, org: Organisation, mapping: Mapping, rows: list[Rad],
            head: str) -> str:
    ledger = mapping.ledger
    places = row_places(mapping.breakdown_id, mapping.breakdown)
    source = ds.organisation_source
    lines = [head, _("read from {path}; balances in kronor as the file books them (credit "
                     "negative), figures as snplan counts them ({tecken})").format(
                       path=ledger.path, tecken=org.bokforing.tecken), ""]
    table: list[tuple[str, str, str, str, str]] = [
        ("konto", "namn", "objekt", "saldo (kr)", "belopp (kr)")]
    total = Decimal(0)
    for row in rows:
        parts = mapping.rows.get(row.id)
        if parts is None:
            continue
        mapped = ", ".join([*(f"konton {k}" for k in row.konton),
                            *(f"objekt {o}" for o in row.objekt)])
        table.append((f"{row.namn} ({row.id}: {mapped}, "
                      f"{at(source, *places[row.id])})", "", "", "", ""))
        for part in sorted(parts, key=lambda p: (p.account, p.object or (0, ""))):
            account = ledger.accounts.get(part.account)
            obj = ""
            if part.object is not None:
                obj = f"{part.object[0]}:{part.object[1]}"
                name = ledger.objects.get(part.object)
                obj += f" {name}" if name else ""
            elif part.rest:
                obj = "(inget objekt)"
            table.append((f"  {part.account}", account.name or "" if account else "", obj,
                          kronor_text(part.balance),
                          kronor_text(mapping.sign * part.balance)))
            total += part.balance
        if not parts:
            table.append(("  (nothing booked)", "", "", "", kronor_text(Decimal(0))))
    widths = [max(len(r[i]) for r in table if r[1] or r[2] or r[3] or r is table[0])
              for i in range(5)]
    for entry in table:
        if not (entry[1] or entry[2] or entry[3] or entry[4]) and entry is not table[0]:
            lines.append(entry[0])
            continue
        lines.append("  ".join([entry[0].ljust(widths[0]), entry[1].ljust(widths[1]),
                                entry[2].ljust(widths[2]), entry[3].rjust(widths[3]),
                                entry[4].rjust(widths[4])]).rstrip())
    figure = mapping.figure(total)
    decimals = org.amount_decimals()
    lines += ["", _("sum {total} kr = {figure} {belopp_enhet}, printed {decimals} {belopp_enhet}")
        .format(
                      total=kronor_text(mapping.sign * total), figure=number(figure),
                      belopp_enhet=org.belopp_enhet, decimals=number(figure, decimals))]
    return "\n".join(lines) + "\n"


def run(data: Path, year: int, block: str, row: str, column: str) -> str:
    """`snplan explain`: checked data first, so the figure traced is the one built."""
    dataset = load_clean(data, _("nothing was explained")).dataset
    if dataset.organisation is None:
        raise UsageError(_("{data} has no organisation.yaml").format(data=display_path(data)))
    return printable(explain(dataset, year, block, row, column))
