"""The plan's and the report's workbooks: the same tables as the Word documents, with every
derived cell written as an Excel formula over the input cells.

A total that the data enters beside rounded rows (DESIGN.md §2) is an input here too, as in the
engine; every other total is a SUM formula.
"""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal

from openpyxl import Workbook
from openpyxl.styles import Alignment

from . import views
from .contexts.common import timestamp_for
from .load import Dataset
from .model.outcome import Belopp
from .render.xlsx import (
    BOLD,
    MONTHS,
    PERCENT,
    TOTAL_BORDER,
    SheetBuilder,
    amount_format,
    legend_sheet,
    line_chart,
    new_workbook,
    put_formula,
    put_input,
    put_text,
    sheet_name,
    workbook_bytes,
)

ZERO = Decimal(0)


def _author(ds: Dataset) -> str:
    assert ds.organisation is not None
    return f"{ds.organisation.namnd}, {ds.organisation.kommun}"


def _bold_row(builder: SheetBuilder, columns: int) -> None:
    for column in range(1, columns + 1):
        cell = builder.ws.cell(builder.row, column)
        cell.font = BOLD
        cell.border = TOTAL_BORDER


# ---------------------------------------------------------------------------- plan


def plan_workbook(ds: Dataset, year: int) -> bytes:
    """Operating budget (committee, per unit), investment budget and internal control plan."""
    assert ds.organisation is not None
    entry = ds.years[year]
    plan = entry.plan
    assert plan is not None and plan.budget is not None
    unit = ds.organisation.belopp_enhet
    fmt = amount_format(unit)
    previous = ds.years.get(year - 1)
    prev_budget = previous.plan.budget if previous and previous.plan else None
    title = plan.titel or f"Verksamhetsplan och budget {year}"
    wb = new_workbook(title, f"{ds.organisation.namnd}, {title}", _author(ds),
                      timestamp_for(None, year))
    taken: set[str] = set()
    legend_sheet(wb, taken, [
        f"{ds.organisation.namnd}: {title}. Belopp i {unit}.",
        "Förändring = ABS(budget i år) − ABS(budget i fjol): positiv när posten växer.",
        "Celler med gul bakgrund och blå text är indata; övriga siffror är formler.",
    ])
    header = [unit, f"Budget {year}", f"Budget {year - 1}", "Förändring"]

    # Committee
    b = SheetBuilder(wb.create_sheet(sheet_name("Driftbudget nämnd", taken)))
    b.header(header)
    drift = plan.budget.drift
    pdrift = prev_budget.drift if prev_budget else None
    first = b.row
    for label, this, last in (("Intäkter", drift.intakter, pdrift.intakter if pdrift else None),
                              ("Kostnader", drift.kostnader,
                               pdrift.kostnader if pdrift else None)):
        b.label(label)
        put_input(b.ws.cell(b.row, 2), this, fmt)
        put_input(b.ws.cell(b.row, 3), last, fmt)
        put_formula(b.ws.cell(b.row, 4), f"=ABS(B{b.row})-ABS(C{b.row})", fmt)
        b.row += 1
    b.label("Nettokostnader", bold=True)
    for column, (entered, present) in ((2, (drift.netto, True)),
                                       (3, (pdrift.netto if pdrift else None,
                                            pdrift is not None))):
        letter = "B" if column == 2 else "C"
        if entered is not None:
            put_input(b.ws.cell(b.row, column), entered, fmt)
        elif present:
            put_formula(b.ws.cell(b.row, column), f"={letter}{first}+{letter}{first + 1}", fmt)
    put_formula(b.ws.cell(b.row, 4), f"=ABS(B{b.row})-ABS(C{b.row})", fmt)
    _bold_row(b, 4)
    b.row += 1
    b.finish()

    view = views.budget_view(ds, year)
    _change_sheet(wb, taken, "Driftbudget per enhet", header, view.units,
                  "Summa nettokostnader",
                  (drift.summa_per_enhet, pdrift.summa_per_enhet if pdrift else None,
                   pdrift is not None), fmt)
    _change_sheet(wb, taken, "Investeringsbudget", header, view.investments, "Summa",
                  (None, None, prev_budget is not None), fmt)

    # Internal control plan
    if plan.intern_kontroll is not None:
        b = SheetBuilder(wb.create_sheet(sheet_name("Internkontrollplan", taken)))
        b.header(["Kategori", "Process/Rutin", "Sannolikhet", "Konsekvens", "Riskindex",
                  "Risker", "Kontrollmoment"])
        for row in plan.intern_kontroll.plan:
            put_text(b.ws.cell(b.row, 1), row.kategori)
            put_text(b.ws.cell(b.row, 2), row.process)
            if row.riskindex is not None:
                put_input(b.ws.cell(b.row, 5), row.riskindex, "0")
            else:
                put_input(b.ws.cell(b.row, 3), row.sannolikhet, "0")
                put_input(b.ws.cell(b.row, 4), row.konsekvens, "0")
                put_formula(b.ws.cell(b.row, 5), f"=C{b.row}*D{b.row}", "0")
            put_text(b.ws.cell(b.row, 6), row.risker)
            put_text(b.ws.cell(b.row, 7), "\n".join(row.kontrollmoment))
            for column in (1, 2, 6, 7):
                b.ws.cell(b.row, column).alignment = Alignment(wrap_text=True, vertical="top")
            b.row += 1
        b.finish()
        for letter, width in (("A", 22), ("B", 34), ("F", 60), ("G", 60)):
            b.ws.column_dimensions[letter].width = width
    return workbook_bytes(wb)


def _change_sheet(wb: Workbook, taken: set[str], name: str, header: list[str],
                  rows: list[views.ChangeRow], total_label: str,
                  totals: tuple[Decimal | None, Decimal | None, bool], fmt: str) -> None:
    """Rows of this year's and last year's budget with the change, and a total row that is a
    SUM formula unless the data enters a printed total (`totals`: this year's entered total,
    last year's, whether last year exists)."""
    b = SheetBuilder(wb.create_sheet(sheet_name(name, taken)))
    b.header(header)
    first = b.row
    for row in rows:
        b.label(row.label)
        put_input(b.ws.cell(b.row, 2), row.this_year, fmt)
        put_input(b.ws.cell(b.row, 3), row.last_year, fmt)
        put_formula(b.ws.cell(b.row, 4), f"=ABS(B{b.row})-ABS(C{b.row})", fmt)
        b.row += 1
    last_row = b.row - 1
    b.label(total_label, bold=True)
    entered_this, entered_last, has_last = totals
    for column, entered, present in ((2, entered_this, True), (3, entered_last, has_last)):
        letter = "B" if column == 2 else "C"
        if entered is not None:
            put_input(b.ws.cell(b.row, column), entered, fmt)
        elif present:
            put_formula(b.ws.cell(b.row, column), f"=SUM({letter}{first}:{letter}{last_row})",
                        fmt)
    put_formula(b.ws.cell(b.row, 4), f"=ABS(B{b.row})-ABS(C{b.row})", fmt)
    _bold_row(b, 4)
    b.row += 1
    b.finish()


# ---------------------------------------------------------------------------- report


def _outcome_sheet(wb: Workbook, taken: set[str], name: str, header: list[str],
                   groups: list[tuple[list[tuple[str, Belopp, Decimal | None]],
                                      str | None, Belopp | None, Decimal | None]],
                   net: tuple[str, Belopp | None, Decimal | None] | None, fmt: str) -> None:
    """Rows with outcome, last year, %, budget deviation, budget, forecast, forecast deviation.

    `groups` are (rows, total label, entered total, last year's total); each row is (label,
    this year's amounts, last year's outcome). Totals are SUM formulas unless entered."""
    b = SheetBuilder(wb.create_sheet(sheet_name(name, taken)))
    b.header(header)
    total_rows: list[int] = []
    for rows, total_label, entered, previous_total in groups:
        first = b.row
        for label, amounts, previous in rows:
            b.label(label)
            put_input(b.ws.cell(b.row, 2), amounts.utfall, fmt)
            put_input(b.ws.cell(b.row, 3), previous, fmt)
            put_input(b.ws.cell(b.row, 6), amounts.budget, fmt)
            put_input(b.ws.cell(b.row, 7), amounts.prognos, fmt)
            put_formula(b.ws.cell(b.row, 5), f"=B{b.row}-F{b.row}", fmt)
            put_formula(b.ws.cell(b.row, 8), f"=B{b.row}-G{b.row}", fmt)
            b.row += 1
        last = b.row - 1
        if total_label is None:
            continue
        b.label(total_label, bold=True)
        _total_row(b, entered, previous_total,
                   lambda letter, first=first, last=last: f"=SUM({letter}{first}:{letter}{last})",
                   fmt)
        total_rows.append(b.row)
        b.row += 1
    if net is not None:
        label, entered, previous_net = net
        b.label(label, bold=True)
        _total_row(b, entered, previous_net,
                   lambda letter: "=" + "+".join(f"{letter}{r}" for r in total_rows), fmt)
        b.row += 1
    b.finish()


def _total_row(b: SheetBuilder, entered: Belopp | None, previous: Decimal | None,
               formula: Callable[[str], str], fmt: str) -> None:
    """A total row: outcome, budget and forecast are the entered printed totals where the
    data has them, otherwise `formula(column letter)`; last year likewise; then the derived
    columns."""
    for column, letter, pick in ((2, "B", "utfall"), (6, "F", "budget"), (7, "G", "prognos")):
        value = getattr(entered, pick) if entered is not None else None
        if value is not None:
            put_input(b.ws.cell(b.row, column), value, fmt)
        else:
            put_formula(b.ws.cell(b.row, column), formula(letter), fmt)
    if previous is not None:
        put_input(b.ws.cell(b.row, 3), previous, fmt)
    else:
        put_formula(b.ws.cell(b.row, 3), formula("C"), fmt)
    _derived_total(b, fmt)


def _derived_total(b: SheetBuilder, fmt: str) -> None:
    r = b.row
    put_formula(b.ws.cell(r, 4), f'=IF(C{r}=0,"",B{r}/C{r}-1)', PERCENT)
    put_formula(b.ws.cell(r, 5), f"=B{r}-F{r}", fmt)
    put_formula(b.ws.cell(r, 8), f"=B{r}-G{r}", fmt)
    _bold_row(b, 8)


def report_workbook(ds: Dataset, year: int) -> bytes:
    """Income statement, activities, investments, personnel and monthly measures."""
    assert ds.organisation is not None
    org = ds.organisation
    entry = ds.years[year]
    out = entry.outcome
    assert out is not None and out.ekonomi is not None
    unit = org.belopp_enhet
    fmt = amount_format(unit)
    previous = ds.years.get(year - 1)
    prev = previous.outcome if previous else None
    pstatement = prev.ekonomi.resultatrakning if prev and prev.ekonomi else None
    title = out.titel or f"Årsredovisning {year}"
    wb = new_workbook(title, f"{org.namnd}, {title}", _author(ds),
                      timestamp_for(out.behandlas, year))
    taken: set[str] = set()
    legend_sheet(wb, taken, [
        f"{org.namnd}: {title}. Belopp i {unit}.",
        "Budgetavvikelse = utfall − budget; prognosavvikelse = utfall − årsprognos; "
        "positivt är bättre än budget respektive prognos.",
        f"% {year % 100:02d}/{(year - 1) % 100:02d} = utfall {year} / utfall {year - 1} − 1.",
        "Celler med gul bakgrund och blå text är indata; övriga siffror är formler.",
        "En summa som är indata är den tryckta summan av avrundade rader (den ligger inom "
        "avrundningen av radernas summa).",
    ])
    short = f"{year % 100:02d}/{(year - 1) % 100:02d}"
    header = ["", str(year), str(year - 1), f"% {short}", "Budgetavvikelse", "Budget",
              "Prognos", "Prognosavvikelse"]
    statement = out.ekonomi.resultatrakning
    ptotals = views.income_totals(ds, pstatement) if pstatement else None

    def rows_of(kind: str) -> list[tuple[str, Belopp, Decimal | None]]:
        result = []
        for account in org.konton:
            if account.typ != kind or account.id not in statement.rader:
                continue
            pb = pstatement.rader.get(account.id) if pstatement else None
            prev_value = pb.utfall if pb else (ZERO if pstatement else None)
            result.append((account.namn, statement.rader[account.id], prev_value))
        return result

    def prev_entered(attribute: str, key: str) -> Decimal | None:
        """Last year's total as an input where last year entered a printed total."""
        if pstatement is None or ptotals is None:
            return None
        entered = getattr(pstatement, attribute)
        if entered is not None:
            return getattr(ptotals, key)["utfall"]
        return None

    _outcome_sheet(
        wb, taken, "Resultaträkning", [f"Resultaträkning ({unit})", *header[1:]],
        [(rows_of("intakt"), "Summa intäkter", statement.summa_intakter,
          prev_entered("summa_intakter", "revenue")),
         (rows_of("kostnad"), "Summa kostnader", statement.summa_kostnader,
          prev_entered("summa_kostnader", "costs"))],
        ("Verksamhetens nettokostnader", statement.netto, prev_entered("netto", "net")), fmt)

    if out.ekonomi.verksamheter is not None:
        table = out.ekonomi.verksamheter
        ptable = prev.ekonomi.verksamheter if prev and prev.ekonomi else None
        rows = []
        for activity in org.verksamheter:
            if activity.id in table.rader:
                pb = ptable.rader.get(activity.id) if ptable else None
                rows.append((activity.namn, table.rader[activity.id],
                             pb.utfall if pb else (ZERO if ptable else None)))
        prev_total = (ptable.netto.utfall if ptable is not None and ptable.netto is not None
                      else None)
        _outcome_sheet(wb, taken, "Verksamheter", [f"Verksamheter ({unit})", *header[1:]],
                       [(rows, "Verksamhetens nettokostnader", table.netto, prev_total)],
                       None, fmt)

    if out.ekonomi.investeringar:
        b = SheetBuilder(wb.create_sheet(sheet_name("Investeringar", taken)))
        b.header([f"Investeringsredovisning ({unit})", str(year), str(year - 1),
                  f"Differens {short}", "Återstår av årsbudget", "Budget", "Prognos",
                  "Prognosavvikelse"])
        prev_inv = ({i.namn: i.utfall for i in prev.ekonomi.investeringar}
                    if prev and prev.ekonomi else {})
        for inv in out.ekonomi.investeringar:
            r = b.row
            b.label(inv.namn)
            put_input(b.ws.cell(r, 2), inv.utfall, fmt)
            put_input(b.ws.cell(r, 3), prev_inv.get(inv.namn), fmt)
            put_input(b.ws.cell(r, 6), inv.budget, fmt)
            put_input(b.ws.cell(r, 7), inv.prognos, fmt)
            put_formula(b.ws.cell(r, 4), f"=B{r}-C{r}", fmt)
            put_formula(b.ws.cell(r, 5), f"=F{r}-B{r}", fmt)
            put_formula(b.ws.cell(r, 8), f"=B{r}-G{r}", fmt)
            b.row += 1
        b.finish()

    if out.personal is not None:
        b = SheetBuilder(wb.create_sheet(sheet_name("Personal", taken)))
        b.header(["Periodutfall", str(year), str(year - 1), "Förändring"])
        pview = views.personnel_view(ds, year)
        formats = ["0", "0", "0", "0.0", "0.0", "0.0"]
        for prow, number_format in zip(pview.rows, formats, strict=True):
            r = b.row
            b.label(prow.label)
            put_input(b.ws.cell(r, 2), _plain(prow.this_year), number_format)
            put_input(b.ws.cell(r, 3), _plain(prow.last_year), number_format)
            put_formula(b.ws.cell(r, 4), f'=IF(OR(B{r}="",C{r}=""),"",B{r}-C{r})',
                        number_format)
            b.row += 1
        for note in pview.footnotes:
            b.row += 1
            b.label(note)
        b.finish()

    groups = views.monthly_view(ds, year)
    if groups:
        data_ws = wb.create_sheet(sheet_name("Verksamhetsmått", taken))
        chart_ws = wb.create_sheet(sheet_name("Diagram", taken))
        b = SheetBuilder(data_ws)
        chart_row = 1
        for group in groups:
            b.label(group.name, bold=True).font = BOLD
            put_text(chart_ws.cell(chart_row, 1), group.name)
            chart_ws.cell(chart_row, 1).font = BOLD
            chart_row += 1
            for index, measure in enumerate(group.measures):
                word = "Summa" if measure.aggregation == "summa" else "Medel"
                b.row += 1
                header_row = b.header([measure.name, *MONTHS, word])
                first = b.row
                for series in measure.series:
                    if series.values is None:
                        continue
                    r = b.row
                    put_text(b.ws.cell(r, 1), str(series.year))
                    for month, value in enumerate(series.values, start=2):
                        put_input(b.ws.cell(r, month), value, "#,##0")
                    function = "SUM" if measure.aggregation == "summa" else "AVERAGE"
                    put_formula(b.ws.cell(r, 14), f"={function}(B{r}:M{r})",
                                "#,##0" if measure.aggregation == "summa" else "#,##0.0")
                    b.row += 1
                if b.row > first:
                    column = "A" if index % 2 == 0 else "K"
                    line_chart(data_ws, chart_ws, measure.name, measure.unit, header_row,
                               first, b.row - 1, f"{column}{chart_row}")
                    if index % 2 == 1 or index == len(group.measures) - 1:
                        chart_row += 14
            b.row += 1
        b.finish(freeze="B1", print_rows=None)
    return workbook_bytes(wb)


def _plain(value: Decimal | None) -> Decimal | int | None:
    if value is None:
        return None
    return int(value) if value == value.to_integral_value() and value.as_tuple().exponent == 0 \
        else value

