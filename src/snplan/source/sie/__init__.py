"""The SIE 4 reader: an accounting system's export of its ledger (`#KONTO`, `#IB`, `#RES`,
`#PSALDO`, `#VER` …) read into a `Ledger`, with the questions organisation.yaml's mapping of
rows to accounts will ask of it.

It sits in the source stage and imports nothing of snplan but `snplan.problems`:

    ledger = read_sie(Path("export.se"))
    ledger.problems, ledger.notes
    ledger.year_result("3010")                       # the year's result, from #RES
    ledger.year_result("3010", objects={(1, "100")})  # the part booked on object 100
    ledger.period_total("3010", "202304")            # January to April, from #PSALDO
    AccountPattern.parse("3100-3199").matches("3150")
    diff(january_export, february_export)
"""

from .encoding import Encoding
from .fields import FieldError, Objects, Period
from .ledger import (
    Account,
    AccountPattern,
    Amount,
    Change,
    Dimension,
    FinancialYear,
    Ledger,
    diff,
)
from .reader import read_sie

__all__ = [
    "Account",
    "AccountPattern",
    "Amount",
    "Change",
    "Dimension",
    "Encoding",
    "FieldError",
    "FinancialYear",
    "Ledger",
    "Objects",
    "Period",
    "diff",
    "read_sie",
]
