"""Nothing lost, nothing counted twice: the year's ledger export against the organisation's
mapping of it.

A figure read from the ledger is only as good as the mapping: an account left out of it
silently drops money from the income statement, an account in two rows counts it twice, and
an outcome typed beside the ledger's says two things at once. Every such place is named with
the account (number, name, balance) and the line of `organisation.yaml` to change.
"""

from __future__ import annotations

from ..messages import _
from ..model.organisation import Indelning, Organisation, Rad
from ..problems import Problem, at, problem
from ..source.load import LEDGER_DIR, Dataset, Source
from ..source.sie import Ledger
from ..tables.figures import FigureStore
from ..tables.ledger import Mapping, Part, kronor_text, mapped_rows, mapping_of

Loc = tuple[str | int, ...]


def row_places(breakdown_id: str, breakdown: Indelning) -> dict[str, Loc]:
    """Where each row of a breakdown is written in organisation.yaml, as a field path."""
    places: dict[str, Loc] = {}

    def walk(rows: list[Rad], loc: Loc) -> None:
        for index, row in enumerate(rows):
            here = (*loc, index)
            places[row.id] = here
            walk(row.rader, (*here, "rader"))

    walk(breakdown.rader, ("indelningar", breakdown_id, "rader"))
    return places


def _balance(mapping: Mapping, part: Part) -> str:
    return (_("balance {balance} kr in the file, {balance2} kr as snplan counts it").format(
                balance=kronor_text(part.balance),
                balance2=kronor_text(mapping.sign * part.balance)))


def _candidates(mapping: Mapping, part: Part, places: dict[str, Loc],
                source: Source | None) -> str:
    """The mapped rows whose accounts share the longest beginning with the account: where
    it most likely belongs."""
    best, found = 0, []
    for row in mapped_rows(mapping.breakdown):
        for text in row.konton:
            low = text.split("-")[0].strip()
            shared = next((i for i, (a, b) in enumerate(zip(low, part.account, strict=False))
                           if a != b), min(len(low), len(part.account)))
            if shared > best:
                best, found = shared, [row]
            elif shared == best and shared and row not in found:
                found.append(row)
    if not found:
        return ""
    return _("; it may belong to ") + ", ".join(
        f"'{r.id}' ({at(source, *places[r.id], 'konton')})" for r in found)


def _check_mapping(ds: Dataset, mapping: Mapping, source: Source | None) -> list[Problem]:
    problems = []
    ledger = mapping.ledger
    places = row_places(mapping.breakdown_id, mapping.breakdown)
    where = ("indelningar", mapping.breakdown_id, "rader")
    for row_id, bad in mapping.bad_patterns.items():
        for index, _unused, message in bad:
            problems.append(problem(source, (*places[row_id], "konton", index), message))
    for part in mapping.unmapped:
        problems.append(problem(
            source, where,
            _("{ledger} ({part}) in {path} maps to no row of the breakdown '{breakdown_id}', so "
              "the year {year}'s outcome would leave it out; add it to a row's {konton}").format(
                ledger=part.describe(ledger), part=_balance(mapping, part), path=ledger.path,
                breakdown_id=mapping.breakdown_id, year=mapping.year,
                konton='objekt' if part.object is not None or part.rest else 'konton')
            + _candidates(mapping, part, places, source)))
    for part, owners in mapping.twice:
        first, *others = owners
        for other in others:
            problems.append(problem(
                source, (*places[other], "konton" if _has(mapping, other, "konton")
                         else "objekt"),
                _("{ledger} ({part}) in {path} maps to the rows '{first}' and '{other}' of the "
                  "breakdown '{breakdown_id}', so it would be counted twice; leave it in "
                  "one").format(
                    ledger=part.describe(ledger), part=_balance(mapping, part), path=ledger.path,
                    first=first, other=other, breakdown_id=mapping.breakdown_id),
                also=at(source, *places[first])))
    mapped, total = mapping.mapped_total(), mapping.ledger_total()
    if mapped != total:
        problems.append(problem(
            source, where,
            _("the mapped rows of '{breakdown_id}' add up to {mapped} kr, the result accounts of "
              "{path} to {total} kr (difference {total2} kr, the accounts named above); the "
              "outcome must be the ledger's to the öre").format(
                breakdown_id=mapping.breakdown_id, mapped=kronor_text(mapping.sign * mapped),
                path=ledger.path, total=kronor_text(mapping.sign * total),
                total2=kronor_text(mapping.sign * (mapped - total)))))
    dimension = mapping.breakdown.dimension
    for row in mapped_rows(mapping.breakdown):
        for index, ident in enumerate(row.objekt):
            if dimension is not None and (dimension, ident) not in ledger.objects:
                known = sorted(i for d, i in ledger.objects if d == dimension)
                problems.append(problem(
                    source, (*places[row.id], "objekt", index),
                    _("the object '{ident}' of dimension {dimension} is not among the objects "
                      "(#OBJEKT) of {path}").format(
                        ident=ident, dimension=dimension, path=ledger.path)
                    + (f" (known: {', '.join(known[:12])})" if known else
                       _(" (it names no object of that dimension)"))))
    return problems


def _has(mapping: Mapping, row_id: str, key: str) -> bool:
    return any(r.id == row_id and getattr(r, key) for r in mapped_rows(mapping.breakdown))


def _check_files(ds: Dataset) -> list[Problem]:
    """One export per year, of that year."""
    problems = []
    for number, year in sorted(ds.years.items()):
        if len(year.ledgers) > 1:
            for extra in year.ledgers[1:]:
                problems.append(Problem(
                    extra.path, None, "",
                    _("a second ledger export for {number} (the first is {path}); {LEDGER_DIR}/ "
                      "holds one export of the year, since two would count every balance "
                      "twice").format(
                        number=number, path=year.ledgers[0].path, LEDGER_DIR=LEDGER_DIR)))
        for ledger in year.ledgers:
            current = ledger.years.get(0)
            if current is not None and current.end.year != number:
                problems.append(Problem(
                    ledger.path, None, "#RAR",
                    _("the export's financial year is {current} (#RAR 0), but it lies in the "
                      "folder of {number}; export {number}'s ledger or move the file").format(
                        current=current, number=number)))
    return problems


def _typed_and_read(ds: Dataset, org: Organisation) -> list[Problem]:
    problems = []
    store = FigureStore.of(ds)
    places = [(year, stored) for (year, _unused), stored in sorted(store.blocks.items())]
    places += [(year, stored) for (year, _m, _b), stored in sorted(store.periods.items())]
    for year, stored in places:
        entry = ds.years.get(year)
        ledger: Ledger | None = entry.ledger if entry is not None else None
        for row_id, kind, typed in stored.typed_and_read:
            where = ledger.path if ledger else LEDGER_DIR
            message = _(
                "this outcome ({varde}) of '{row_id}' is typed here and also read from the "
                "ledger ({LEDGER_DIR}) through the mapping of '{breakdown}' in "
                "organisation.yaml; remove the typed figure, the ledger's is exact") \
                if kind == org.bokforing.varde else _(
                "this budget ({varde}) of '{row_id}' is typed here and also read from the "
                "ledger's #PBUDGET ({LEDGER_DIR}) through the mapping of '{breakdown}' in "
                "organisation.yaml (bokforing.budget); remove the typed figure")
            problems.append(problem(typed.document.source, typed.loc, message.format(
                varde=kind, row_id=row_id, LEDGER_DIR=where, breakdown=stored.breakdown)))
    return problems


def check_ledger(ds: Dataset) -> list[Problem]:
    """Every result account with a balance maps to exactly one row of each breakdown that
    reads the ledger, the mapped rows add up to the ledger's total to the öre, the objects
    named exist, and no outcome is both typed and read."""
    org = ds.organisation
    if org is None:
        return []
    problems = _check_files(ds)
    source = ds.organisation_source
    for number in sorted(ds.years):
        for breakdown_id in org.indelningar:
            mapping = mapping_of(ds, number, breakdown_id)
            if mapping is not None:
                problems += _check_mapping(ds, mapping, source)
    problems += _typed_and_read(ds, org)
    return problems
