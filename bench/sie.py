"""The SIE reader on a large export (a benchmark, not a timed test).

    make bench            (or: .venv/bin/python bench/sie.py [megabytes])

Writes a SIE 4 file of vouchers in CP437 (a few hundred accounts, objects in two dimensions,
quoted object ids and texts with å, ä, ö) into a temporary directory, reads it in a process of
its own, and prints the time and that process's peak memory beside a process that only imports
the reader. It does so at a tenth of the size too: the goal is bounded memory, a peak far
below the file's size and the same at both sizes. `generate` is also what the test suite's
smoke test runs, at a megabyte, checking the reader's sums against the generator's own.
"""

from __future__ import annotations

import json
import random
import resource
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
MEGABYTE = 1024 * 1024

Objects = tuple[tuple[int, str], ...]


@dataclass
class Sums:
    """What the generated file must read as, in öre (integers, so the generator's own sums
    are exact without Decimal): the year's result per account, and the month's per account
    and object list (every part of each row's list, as #PSALDO gives them)."""

    vouchers: int = 0
    results: dict[str, int] = field(default_factory=dict)
    periods: dict[tuple[int, str, Objects], int] = field(default_factory=dict)

    def add(self, month: int, account: str, objects: Objects, ore: int) -> None:
        self.results[account] = self.results.get(account, 0) + ore
        for part in _parts(objects):
            key = (month, account, part)
            self.periods[key] = self.periods.get(key, 0) + ore


def _parts(objects: Objects) -> list[Objects]:
    if len(objects) == 2:
        return [(), objects[:1], objects[1:], objects]
    return [(), objects] if objects else [()]


def kronor(ore: int) -> Decimal:
    return Decimal(ore).scaleb(-2)


def generate(path: Path, size: int, seed: int = 22) -> Sums:
    """A file of about `size` bytes of vouchers for the year 2023, and its sums. As in a real
    ledger, each unit books on some fifteen of the accounts and runs a few projects, so
    the distinct keys level off while the vouchers grow."""
    rng = random.Random(seed)
    accounts = [str(n) for n in rng.sample(range(3000, 8000), 300)]
    units = {f"{n:03d}": rng.sample(accounts, 15) for n in rng.sample(range(100, 1000), 40)}
    projects = {unit: [f"P{unit}{k}" for k in range(3)] for unit in units}
    sums = Sums()
    with path.open("w", encoding="cp437", newline="\n") as out:
        written = out.write(_header(accounts, units, projects))  # CP437: a byte a character
        while written < size:
            day = date(2023, 1, 1) + timedelta(days=rng.randrange(365))
            written += out.write(_voucher(rng, sums, day, accounts, units, projects))
    return sums


def _header(accounts: list[str], units: dict[str, list[str]],
            projects: dict[str, list[str]]) -> str:
    lines = ["#FLAGGA 0", "#FORMAT PC8", "#SIETYP 4", '#PROGRAM "snplan bench" 1',
             "#GEN 20240115", '#FNAMN "Exempelby kommun, socialnämnden"',
             "#RAR 0 20230101 20231231", '#DIM 1 "Kostnadsställe"', '#DIM 6 "Projekt"',
             '#KONTO 1930 "Bank, checkräkning"', "#KTYP 1930 T"]
    lines += [f'#KONTO {a} "Konto {a}, öre"' for a in accounts]
    lines += [f'#OBJEKT 1 "{u}" "Enhet {u} för äldreomsorg"' for u in units]
    lines += [f'#OBJEKT 6 "{p}" "Projekt {p}"' for unit in projects for p in projects[unit]]
    return "\n".join(lines) + "\n"


def _voucher(rng: random.Random, sums: Sums, day: date, accounts: list[str],
             units: dict[str, list[str]], projects: dict[str, list[str]]) -> str:
    sums.vouchers += 1
    stamp = f"{day:%Y%m%d}"
    unit = rng.choice(list(units))
    rows, total = [], 0
    for _ in range(rng.randint(2, 6)):
        draw = rng.random()
        if draw < 0.3:  # a row of the whole organisation
            account, objects = rng.choice(accounts), ()
        elif draw < 0.7:
            account, objects = rng.choice(units[unit]), ((1, unit),)
        else:
            account = rng.choice(units[unit])
            objects = ((1, unit), (6, rng.choice(projects[unit])))
        ore = rng.randint(-5_000_000, 5_000_000)
        total += ore
        sums.add(day.month, account, objects, ore)
        listed = " ".join(f'{d} "{o}"' for d, o in objects)
        rows.append(f"   #TRANS {account} {{{listed}}} {kronor(ore)} {stamp} "
                    '"Leverantörsfaktura"')
    sums.add(day.month, "1930", (), -total)
    rows.append(f"   #TRANS 1930 {{}} {kronor(-total)}")
    head = f'#VER A {sums.vouchers} {stamp} "Verifikation {sums.vouchers}: Kaffebröd" {stamp}'
    return head + "\n{\n" + "\n".join(rows) + "\n}\n"


def read_in_child(path: Path) -> dict[str, float]:
    """Reads the file in a fresh process, which reports its time and peak memory."""
    result = subprocess.run([sys.executable, __file__, "--read", str(path)], check=True,
                            capture_output=True, text=True, cwd=ROOT)
    return json.loads(result.stdout)


def _child(path: str | None) -> None:
    from snplan.source.sie import read_sie

    report: dict[str, float] = {}
    if path is not None:
        started = time.perf_counter()
        ledger = read_sie(Path(path))
        report["seconds"] = time.perf_counter() - started
        report["vouchers"] = ledger.vouchers
        report["problems"] = len(ledger.problems)
        report["keys"] = len(ledger.periods) + len(ledger.results)
    # ru_maxrss is in kilobytes on Linux
    report["peak_mb"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(json.dumps(report))


def main(megabytes: float) -> None:
    baseline = json.loads(subprocess.run([sys.executable, __file__, "--import-only"],
                                         check=True, capture_output=True, text=True,
                                         cwd=ROOT).stdout)["peak_mb"]
    with tempfile.TemporaryDirectory() as directory:
        for size in (megabytes / 10, megabytes):
            path = Path(directory) / f"bench-{size:g}.se"
            generate(path, int(size * MEGABYTE))
            actual = path.stat().st_size / MEGABYTE
            report = read_in_child(path)
            print(f"SIE {actual:.0f} MB, {report['vouchers']:.0f} vouchers, "
                  f"{report['keys']:.0f} distinct keys: read in {report['seconds']:.1f} s, "
                  f"peak memory {report['peak_mb']:.0f} MB (importing the reader alone: "
                  f"{baseline:.0f} MB), {report['problems']:.0f} problems   goal: bounded "
                  "memory, peak far below the file's size")
            path.unlink()


if __name__ == "__main__":
    if sys.argv[1:2] == ["--read"]:
        _child(sys.argv[2])
    elif sys.argv[1:2] == ["--import-only"]:
        _child(None)
    else:
        main(float(sys.argv[1]) if len(sys.argv) > 1 else 100)
