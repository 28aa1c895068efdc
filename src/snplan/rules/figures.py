"""Figures that must agree: entered once; a printed total within the rounding tolerance of
its rows (exactly, for counts); breakdowns of one total with one total; fields within the
values the outline allows; monthly values that look like slips.

Every message names both sides of a disagreement, because the person fixing it has to decide
which of the two is wrong.
"""

from __future__ import annotations

from collections.abc import Iterator
from decimal import Decimal

from ..messages import _
from ..model.disposition import Kapitel
from ..model.kinds import KINDS as DOCUMENT_FILES
from ..model.organisation import Indelning, Rad
from ..problems import Problem, at, problem
from ..source.load import Dataset, Document
from ..tables import numbers as compute
from ..tables.figures import TOTAL, FigureStore, StoredBlock
from ..tables.format import number


def check_figures_entered_once(ds: Dataset) -> list[Problem]:
    """A figure of a year lives in one file: the same row and kind of a block entered in two
    files of one year is a fact entered twice. The year's forecast is the last period
    report's, so a forecast typed in the plan or the report as well is one too."""
    problems = []
    for first, second in FigureStore.of(ds).conflicts():
        message = _("this figure is entered twice in the year's data; enter it once")
        if ds.period(first.document.kind) is not None:
            label = DOCUMENT_FILES[first.document.kind].label.lower()
            message = _("the year's forecast is read from its last period report, the {label} "
                        "{year}, which enters it too; a fact is entered once: remove it here "
                        "(the column reads the period report's)").format(
                            label=label, year=first.document.year)
        problems.append(problem(second.document.source, second.loc, message,
                                also=at(first.document.source, *first.loc)))
    return problems


def _table_blocks(ds: Dataset) -> Iterator[tuple[Kapitel, StoredBlock, Indelning, int]]:
    """Every stored block of a breakdown table with its outline entry, its breakdown and its
    month (0 for the year's plan and report, else the period report's month)."""
    org = ds.organisation
    if org is None:
        return
    nodes: dict[str, Kapitel] = {}
    for kind in DOCUMENT_FILES:
        for node in ds.disposition(kind).blocks():
            if node.tabell is not None and node.tabell.indelning and node.block:
                nodes.setdefault(node.block, node)
    store = FigureStore.of(ds)
    # the year's blocks (month 0), then the period reports' (their own figures, checked alike)
    places = [((year, 0, key), stored) for (year, key), stored in store.blocks.items()]
    places += list(store.periods.items())
    for (_unused, month, key), stored in sorted(places, key=lambda item: item[0]):
        node = nodes.get(key)
        if node is None or node.tabell is None:
            continue
        breakdown = org.indelningar.get(node.tabell.indelning or "")
        if breakdown is not None:
            yield node, stored, breakdown, month


def _value(stored: StoredBlock, row: Rad, kind: str) -> Decimal | None:
    """A row's figure: entered; for a group not entered, the sum of its rows; zero for a row
    the block does not have; unknown (None) for a row that lacks this kind of figure."""
    entered = stored.figures.get(row.id, {}).get(kind)
    if entered is not None:
        return entered
    if not row.is_group:
        return None if row.id in stored.figures else Decimal(0)
    return _sum([_value(stored, child, kind) for child in row.rader])


def _sum(parts: list[Decimal | None]) -> Decimal | None:
    """The sum of figures, unknown when one of them is (a part missing is not zero)."""
    if not parts or any(p is None for p in parts):
        return None
    return sum((p for p in parts if p is not None), Decimal(0))


def _grand(stored: StoredBlock, breakdown: Indelning, kind: str) -> Decimal | None:
    entered = stored.figures.get(TOTAL, {}).get(kind)
    if entered is not None:
        return entered
    return _sum([_value(stored, row, kind) for row in breakdown.rader])


def _source_of(stored: StoredBlock, row_id: str, kind: str) -> tuple[Document, tuple]:
    entry = stored.where.get((row_id, kind))
    if entry is not None:
        return entry.document, entry.loc
    return stored.documents[0], (stored.key, "rader")


def check_entered_totals(ds: Dataset) -> list[Problem]:
    """A total entered beside its rows lies within the rounding tolerance of their sum (half a
    unit of the last digit per row, DESIGN.md §2); for counts (`exakt`) it equals it."""
    problems: list[Problem] = []
    for _unused, stored, breakdown, _unused2 in _table_blocks(ds):
        groups: list[tuple[str, str, list[Rad]]] = [
            (row.id, row.total_label, row.rader) for row in breakdown.walk() if row.is_group]
        groups.append((TOTAL, breakdown.summa or "summa", breakdown.rader))
        for row_id, label, children in groups:
            for kind, entered in stored.figures.get(row_id, {}).items():
                # the rows the block has (a row it lacks adds nothing, not a rounding)
                held = [c for c in children if c.is_group or c.id in stored.figures]
                parts = [_value(stored, child, kind) for child in held]
                known = [p for p in parts if p is not None]
                if not held or len(known) != len(parts):
                    continue
                result = compute.resolve_total(known, entered)
                tolerance = Decimal(0) if breakdown.exakt else result.tolerance
                if abs(result.value - result.row_sum) <= tolerance:
                    continue
                document, loc = _source_of(stored, row_id, kind)
                rule = (_("; counts must add up exactly") if breakdown.exakt
                        else _(", by more than rounding allows (±{tolerance})").format(
                                 tolerance=number(tolerance)))
                problems.append(problem(
                    document.source, loc,
                    _("the entered total '{label}' ({kind}) {entered} differs from the sum of "
                      "its {known} rows, {row_sum}{rule}").format(
                        label=label, kind=kind, entered=number(entered), known=len(known),
                        row_sum=number(result.row_sum), rule=rule),
                    also=at(document.source, stored.key, "rader")))
    return problems


def check_same_totals(ds: Dataset) -> list[Problem]:
    """Breakdowns of one total (`samma_summa_som`) have one total in every year and kind of
    figure both hold: a plan's units add up to its frame, a report's activities to its income
    statement, a report's budget column to the adopted frame."""
    org = ds.organisation
    if org is None:
        return []
    by_year: dict[tuple[int, int, str], list[tuple[StoredBlock, Indelning]]] = {}
    for node, stored, breakdown, month in _table_blocks(ds):
        assert node.tabell is not None
        known = {row.id for row in breakdown.walk()} | {TOTAL}
        if set(stored.figures) - known:
            continue  # a row the breakdown lacks is reported as such; no sum to compare
        # a period's outcome so far is compared with the same period's, never the year's
        by_year.setdefault((stored.year, month, node.tabell.indelning or ""), []).append(
            (stored, breakdown))
    problems: list[Problem] = []
    for (year, month, _unused), blocks in sorted(by_year.items()):
        for stored, breakdown in blocks:
            for other_name in breakdown.samma_summa_som:
                for other, other_breakdown in by_year.get((year, month, other_name), []):
                    for kind in sorted(stored.kinds() & other.kinds()):
                        mine = _grand(stored, breakdown, kind)
                        theirs = _grand(other, other_breakdown, kind)
                        if mine is None or theirs is None or mine == theirs:
                            continue
                        document, loc = _source_of(stored, TOTAL, kind)
                        other_doc, other_loc = _source_of(other, TOTAL, kind)
                        shown = org.amount_decimals()
                        places = _places(mine - theirs, shown)
                        problems.append(problem(
                            document.source, loc,
                            _("'{key}' ({kind}) adds up to {shown} but '{key2}' of {year} adds "
                              "up to {shown2}: they break down one total (a different split is "
                              "fine, a different total is not; they differ by {places})").format(
                                key=stored.key, kind=kind, shown=number(mine, shown),
                                key2=other.key, year=year, shown2=number(theirs, shown),
                                places=number(mine - theirs, places)),
                            also=at(other_doc.source, *other_loc)))
    return problems


def _places(difference: Decimal, shown: int) -> int:
    """The fewest decimals, from the printed ones, that show a difference as not zero (an
    exact total read from the ledger may differ by öre: 0,00001 mkr), at most eight."""
    places = shown
    while places < 8 and compute.round_half_up(difference, places) == 0:
        places += 1
    return places


def check_figure_bounds(ds: Dataset) -> list[Problem]:
    """Figures of a breakdown's row lie within its bounds (`minst`, `hogst`): no negative
    count of people, no sick leave above 100 %."""
    problems: list[Problem] = []
    for _unused, stored, breakdown, _unused2 in _table_blocks(ds):
        for row in breakdown.walk():
            for kind, value in stored.figures.get(row.id, {}).items():
                document, loc = _source_of(stored, row.id, kind)
                if row.minst is not None and value < row.minst:
                    problems.append(problem(document.source, loc, _("must be at least {minst}, got "
                                                                    "{value}").format(
                                                                      minst=row.minst,
                                                                      value=value)))
                elif row.hogst is not None and value > row.hogst:
                    problems.append(problem(document.source, loc, _("must be at most {hogst}, got "
                                                                    "{value}").format(
                                                                      hogst=row.hogst,
                                                                      value=value)))
    return problems


def check_field_values(ds: Dataset) -> list[Problem]:
    """Fields and figures of rows entered in the data take the values the outline allows
    (`tillatna`), and a computed column a row may enter instead (a risk index) is given one
    way only."""
    problems: list[Problem] = []
    for document in ds.documents():
        for node in ds.disposition(document.kind).blocks():
            content = document.block(node.block or "")
            if content is None or node.tabell is None or node.tabell.indelning:
                continue
            if not node.tabell.kolumner:
                continue
            for index, row in enumerate(content.rader):
                loc = (node.block, "rader", index)
                problems += _row_values(document, node, row, loc)
    return problems


def _row_values(document: Document, node: Kapitel, row: object, loc: tuple) -> list[Problem]:
    assert node.tabell is not None
    problems: list[Problem] = []
    src = document.source
    for column in node.tabell.kolumner:
        name = column.falt or column.varde or column.inmatad
        value = getattr(row, name, None) if name else None
        if column.tillatna and value is not None:
            allowed = [str(v) for v in column.tillatna]
            shown = str(int(value)) if isinstance(value, Decimal) and value == int(value) \
                else str(value)
            if shown not in allowed:
                problems.append(problem(src, loc + (name or "",),
                                        _("'{shown}' is not one of the values allowed here "
                                          "({allowed})").format(
                                            shown=shown, allowed=', '.join(allowed))))
        if column.berakning is not None and column.inmatad is not None:
            given = [getattr(row, ref, None) is not None for ref in column.av]
            own = getattr(row, column.inmatad, None) is not None
            operands = " and ".join(column.av)
            if own and any(given):
                problems.append(problem(src, loc + (column.inmatad,),
                                        _("give {inmatad} or {operands}, not both: {inmatad} is "
                                          "computed from them").format(
                                            inmatad=column.inmatad, operands=operands)))
            elif not own and not all(given):
                message = (f"{operands} go together" if any(given)
                           else f"give {column.inmatad}, or {operands}")
                problems.append(problem(src, loc, message))
    return problems
