"""The SIE 4 reader: every record kind, the fields' quoting, the encodings, each kind of broken
file, the vouchers' sums, the queries, and a property test writing random ledgers and reading
them back. Expected figures are worked out by hand from the files' text."""

from __future__ import annotations

import importlib.util
import sys
from collections.abc import Callable
from datetime import date
from decimal import Decimal
from pathlib import Path
from types import ModuleType

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from snplan.source.sie import (
    AccountPattern,
    Amount,
    Change,
    Dimension,
    FieldError,
    FinancialYear,
    Ledger,
    Period,
    diff,
    read_sie,
)
from snplan.source.sie.fields import Field, _split_tokens, split_fields

from .conftest import ROOT

FIXTURES = Path(__file__).resolve().parent / "fixtures" / "sie"
D = Decimal
JAN, FEB, MAR = Period(2023, 1), Period(2023, 2), Period(2023, 3)
HEADER = "#FLAGGA 0\n#FORMAT PC8\n#SIETYP 4\n#RAR 0 20230101 20231231\n"


def write(tmp_path: Path, text: str, encoding: str = "cp437", name: str = "x.se") -> Path:
    path = tmp_path / name
    path.write_bytes(text.encode(encoding))
    return path


def read(tmp_path: Path, text: str, encoding: str = "cp437") -> Ledger:
    return read_sie(write(tmp_path, text, encoding), base=tmp_path)


def messages(ledger: Ledger) -> list[tuple[int | None, str, str]]:
    return [(p.line, p.field, p.message) for p in ledger.problems]


# -- every record kind -----------------------------------------------------------------


@pytest.fixture(scope="module")
def every() -> Ledger:
    return read_sie(FIXTURES / "every-record.se")


def test_the_header_facts(every: Ledger) -> None:
    assert (every.flagga, every.format, every.sietyp) == ("0", "PC8", "4")
    assert (every.program, every.program_version) == ('Ekonomi "Plus"', "5.2")
    assert (every.generated, every.generated_by) == (date(2024, 1, 12), "Anna Åberg")
    assert every.fnamn == "Exempelby kommun, socialnämnden"
    assert every.orgnr == "212000-0000"
    assert every.omfattn == date(2023, 12, 31)
    assert every.encoding == "CP437"
    assert every.problems == []


def test_the_years_accounts_dimensions_and_objects(every: Ledger) -> None:
    assert every.years == {0: FinancialYear(0, date(2023, 1, 1), date(2023, 12, 31)),
                           -1: FinancialYear(-1, date(2022, 1, 1), date(2022, 12, 31))}
    names = {n: (a.name, a.type) for n, a in every.accounts.items()}
    assert names == {"1930": ("Bank, checkräkning", "T"), "2440": ("Leverantörsskulder", "S"),
                     "3010": ("Avgifter för hemtjänst", "I"), "4010": ("Köp av verksamhet", None),
                     "5010": ("Löner, tillsvidareanställda", "K"),
                     "8999": ("Årets resultat", None)}
    assert every.dimensions == {1: Dimension(1, "Ansvar"), 6: Dimension(6, "Projekt"),
                                21: Dimension(21, "Delprojekt i Öst", 6)}
    assert every.objects == {(1, "100"): "Äldreomsorg",
                             (1, "200"): "Individ- och familjeomsorg {IFO}",
                             (6, "P1"): 'Projekt "Trygg hemma"'}


def test_opening_and_closing_balances_of_accounts_and_objects(every: Ledger) -> None:
    assert every.opening == {(0, "1930", ()): Amount(D("1250000.00")),
                             (-1, "1930", ()): Amount(D("1100000.00")),
                             (0, "1930", ((1, "100"),)): Amount(D("400000.00"))}
    assert every.closing == {(0, "1930", ()): Amount(D("980500.50")),
                             (-1, "1930", ()): Amount(D("1250000.00")),
                             (0, "1930", ((1, "100"),)): Amount(D("350000.25"))}


def test_results_from_res_and_from_the_vouchers_of_accounts_without_balances(
        every: Ledger) -> None:
    # 3010 and 5010 have #RES; 4010 (2500.00 + 500.00, quantity 3) and 2440 (-3000.00) have
    # no #RES, #UB or #PSALDO, so their vouchers are summed; 1930 has its #UB.
    assert every.results == {(0, "3010"): Amount(D("-482500.00")),
                             (0, "5010"): Amount(D("1860000.00"), D("2080")),
                             (-1, "3010"): Amount(D("-450000.00")),
                             (0, "4010"): Amount(D("3000.00"), D("3")),
                             (0, "2440"): Amount(D("-3000.00"))}
    assert every.results_from_vouchers == {(0, "4010"), (0, "2440")}
    assert every.vouchers == 2


def test_period_balances_from_psaldo_and_from_vouchers(every: Ledger) -> None:
    # 3010 and 5010 keep their #PSALDO (the voucher on 3010 is not added to them); 1930, 2440
    # and 4010 have none, so their vouchers give their months. The two 4010 rows carry the same
    # objects in another order: one key, 2500.00 + 500.00, under each part of the list.
    p1, ifo = (6, "P1"), (1, "200")
    assert every.periods == {
        (0, JAN, "3010", ()): Amount(D("-40000.00")),
        (0, FEB, "3010", ()): Amount(D("-41000.00")),
        (0, MAR, "3010", ()): Amount(D("-39500.50")),
        (0, JAN, "3010", ((1, "100"),)): Amount(D("-30000.00")),
        (0, FEB, "3010", ((1, "100"),)): Amount(D("-31000.00")),
        (0, JAN, "3010", (ifo,)): Amount(D("-10000.00")),
        (0, JAN, "5010", ((1, "100"), p1)): Amount(D("12000.00"), D("16")),
        (0, JAN, "1930", ()): Amount(D("40000.00")),
        (0, FEB, "2440", ()): Amount(D("-3000.00")),
        (0, FEB, "4010", ()): Amount(D("3000.00"), D("3")),
        (0, FEB, "4010", (ifo,)): Amount(D("3000.00"), D("3")),
        (0, FEB, "4010", (p1,)): Amount(D("3000.00"), D("3")),
        (0, FEB, "4010", (ifo, p1)): Amount(D("3000.00"), D("3")),
    }
    assert every.periods_from_vouchers == {(0, "1930"), (0, "2440"), (0, "4010")}
    assert every.budgets == {(0, JAN, "3010", ()): Amount(D("-40500.00")),
                             (0, JAN, "3010", ((1, "100"),)): Amount(D("-30500.00"))}


def test_the_notes_of_a_clean_file(every: Ledger) -> None:
    assert every.notes == [
        "the file gives no balances for some accounts, so their figures are the sums of its "
        "2 vouchers: the year's result of 2 accounts and the months of 3 accounts",
        "1 record of kinds snplan does not read: #SRU (1)"]


# -- the queries -----------------------------------------------------------------------


def test_year_result_of_an_account_and_of_objects(every: Ledger) -> None:
    assert every.year_result("3010") == D("-482500.00")
    assert every.year_result("3010", year=-1) == D("-450000.00")
    assert every.year_result("4010") == D("3000.00")
    assert every.year_result("3010", objects={(1, "100")}) == D("-61000.00")  # -30000 - 31000
    assert every.year_result("3010", objects=[(1, "200")]) == D("-10000.00")
    # 3010 is broken down by dimension 1, and object 300 has no balance: nothing booked
    assert every.year_result("3010", objects={(1, "300")}) == D("0")
    # ... but not by dimension 6: the file cannot say
    assert every.year_result("3010", objects={(6, "P1")}) is None
    # 5010 only by the pair of objects; in either order the same key
    assert every.year_result("5010", objects={(6, "P1"), (1, "100")}) == D("12000.00")
    assert every.year_result("5010", objects={(1, "100")}) is None
    assert every.year_result("4010", objects={(6, "P1")}) == D("3000.00")
    assert every.year_result("9999") is None


def test_period_total_sums_the_months_up_to_and_including_one(every: Ledger) -> None:
    assert every.period_total("3010", "202301") == D("-40000.00")
    assert every.period_total("3010", "202302") == D("-81000.00")
    assert every.period_total("3010", Period(2023, 3)) == D("-120500.50")
    assert every.period_total("3010", "2023-12") == D("-120500.50")
    assert every.period_total("3010", "202302", objects={(1, "100")}) == D("-61000.00")
    assert every.period_total("1930", "202312") == D("40000.00")
    assert every.period_total("6000", "202312") is None
    with pytest.raises(ValueError, match="no financial year"):
        every.period_total("3010", "202401")


def test_which_accounts_are_result_accounts(every: Ledger) -> None:
    # by #KTYP (1930 T, 2440 S, 3010 I, 5010 K), by class where it is missing (4010, 8999)
    assert every.result_accounts() == ["3010", "4010", "5010", "8999"]
    assert not every.is_result_account("1930")
    assert every.is_result_account("7010")  # no #KONTO: class 7
    assert not every.is_result_account("9010")


@pytest.mark.parametrize(("pattern", "inside", "outside"), [
    ("3100-3199", ["3100", "3150", "3199", "31050", "319999"], ["3099", "3200", "310", "31a0"]),
    ("31", ["31", "310", "3100", "31999"], ["3", "30", "3200", "4310"]),
    ("3010", ["3010", "30109"], ["301", "3011"]),
    (" 4000 – 4999 ", ["4000", "4500"], ["5000"]),
])
def test_account_patterns(pattern: str, inside: list[str], outside: list[str]) -> None:
    parsed = AccountPattern.parse(pattern)
    assert [a for a in inside + outside if parsed.matches(a)] == inside


def test_account_patterns_refuse_what_is_not_one() -> None:
    assert str(AccountPattern.parse("3100-3199")) == "3100-3199"
    assert str(AccountPattern.parse("31")) == "31"
    for text, reason in [("31-319", "as many digits"), ("3199-3100", "ends before"),
                         ("abc", "not an account"), ("31,32", "not an account"), ("", "not")]:
        with pytest.raises(ValueError, match=reason):
            AccountPattern.parse(text)


def test_diff_names_the_accounts_and_objects_that_moved(tmp_path: Path) -> None:
    old = read_sie(write(tmp_path, HEADER + "#RES 0 3010 -100.00\n#RES 0 4010 50.00\n"
                         "#RES 0 5010 70.00\n"
                         '#PSALDO 0 202301 6010 {1 "100"} 10.00\n'
                         '#PSALDO 0 202302 6010 {1 "100"} 5.00\n'
                         "#PSALDO 0 202301 6010 {} 15.00\n", name="old.se"))
    new = read_sie(write(tmp_path, HEADER + "#RES 0 3010 -120.50\n#RES 0 4010 50.00\n"
                         "#RES 0 7010 0.00\n#RES 0 8010 3.00\n"
                         '#PSALDO 0 202301 6010 {1 "100"} 10.00\n'
                         '#PSALDO 0 202301 6010 {1 "200"} 2.00\n'
                         "#PSALDO 0 202301 6010 {} 12.00\n", name="new.se"))
    assert diff(old, new) == [
        Change("3010", D("-100.00"), D("-120.50")),
        Change("5010", D("70.00"), None),
        Change("6010", D("15.00"), D("12.00")),
        Change("6010", D("15.00"), D("10.00"), (1, "100")),
        Change("6010", None, D("2.00"), (1, "200")),
        Change("8010", None, D("3.00")),
    ]  # 4010 did not move; 7010 appears with 0.00, which is no move
    assert [c.difference for c in diff(old, new)] == [D("-20.50"), D("-70.00"), D("-3.00"),
                                                      D("-5.00"), D("2.00"), D("3.00")]


def test_diff_pairs_years_by_their_dates(tmp_path: Path) -> None:
    last_year = read_sie(write(tmp_path, "#RAR 0 20230101 20231231\n#RES 0 3010 -1.00\n",
                               name="a.se"))
    this_year = read_sie(write(tmp_path, "#RAR 0 20240101 20241231\n#RAR -1 20230101 20231231\n"
                               "#RES 0 3010 -9.00\n#RES -1 3010 -2.00\n", name="b.se"))
    assert diff(last_year, this_year) == [Change("3010", D("-1.00"), D("-2.00"))]


# -- fields ----------------------------------------------------------------------------


@pytest.mark.parametrize(("line", "fields"), [
    ('#KONTO 3010 "Avgifter för hemtjänst"', ["#KONTO", "3010", "Avgifter för hemtjänst"]),
    ('#FNAMN "Företaget \\"Bästa\\" AB"', ["#FNAMN", 'Företaget "Bästa" AB']),
    ('#TRANS 3010 {1 "100" 6 "P1"} -1234.50', ["#TRANS", "3010", ("1", "100", "6", "P1"),
                                               "-1234.50"]),
    ("#TRANS 3010 {1 Nord 6 0001} 5", ["#TRANS", "3010", ("1", "Nord", "6", "0001"), "5"]),
    ("#TRANS\t1930\t{}\t-10.00", ["#TRANS", "1930", (), "-10.00"]),
    ('#TRANS 1930 {} -1.00 "" "text"', ["#TRANS", "1930", (), "-1.00", "", "text"]),
    ('#OBJEKT 1 "a {b} c" "}{"', ["#OBJEKT", "1", "a {b} c", "}{"]),
    ('#TRANS 1 {1 "x }"} 2', ["#TRANS", "1", ("1", "x }"), "2"]),
    ("#KONTO 3010 Kaffe\"bröd", ["#KONTO", "3010", 'Kaffe"bröd']),
    ('#FNR "C:\\Program\\Företag\\"', ["#FNR", "C:\\Program\\Företag\\"]),
    ("#KONTO 3010 a\u00a0b", ["#KONTO", "3010", "a\u00a0b"]),  # only space and tab separate
])
def test_fields_are_split_as_sie_writes_them(line: str, fields: list[object]) -> None:
    assert split_fields(line) == fields
    assert _split_tokens(line) == fields


@pytest.mark.parametrize(("line", "message"), [
    ('#KONTO 3010 "Avgifter', "quote"),
    ("#TRANS 3010 {1 100 -5", "never closed"),
    ("#TRANS 3010 {1 {2}} 5", "inside another"),
    ("#TRANS 3010 } 5", "never opened"),
])
def test_broken_fields_are_refused(line: str, message: str) -> None:
    with pytest.raises(FieldError, match=message):
        split_fields(line)


_LINE_TEXT = st.text(alphabet='ab1 \t"{}\\åÖ\u00a0', max_size=30)


@given(_LINE_TEXT)
@settings(max_examples=400)
def test_the_quick_and_the_general_splitting_agree(text: str) -> None:
    def outcome(split: Callable[[str], list[Field]]) -> list[Field] | str:
        try:
            return split("#K " + text)
        except FieldError as error:
            return str(error)

    assert outcome(split_fields) == outcome(_split_tokens)


# -- encodings -------------------------------------------------------------------------

SWEDISH = (HEADER + '#KONTO 5010 "Löner för äldreomsorg"\n#KONTO 5020 Årsarvoden\n'
           '#OBJEKT 1 "100" "Östra Ängby"\n')


def swedish_names(ledger: Ledger) -> list[str | None]:
    return [ledger.accounts["5010"].name, ledger.accounts["5020"].name,
            ledger.objects[(1, "100")]]


def test_a_cp437_file_is_read_as_the_format_says(tmp_path: Path) -> None:
    ledger = read(tmp_path, SWEDISH, "cp437")
    assert swedish_names(ledger) == ["Löner för äldreomsorg", "Årsarvoden", "Östra Ängby"]
    assert (ledger.encoding, ledger.notes, ledger.problems) == ("CP437", [], [])


def test_a_windows_1252_file_is_recognised_by_its_letters(tmp_path: Path) -> None:
    ledger = read(tmp_path, SWEDISH + '#KONTO 6010 "Köp – övrigt"\n', "cp1252")
    assert swedish_names(ledger) == ["Löner för äldreomsorg", "Årsarvoden", "Östra Ängby"]
    assert ledger.accounts["6010"].name == "Köp – övrigt"
    assert ledger.encoding == "Windows-1252"
    assert ledger.notes == ["the file says #FORMAT PC8 but its letters are Windows-1252; "
                            "read as Windows-1252"]


def test_a_latin_1_file_is_recognised_by_its_letters(tmp_path: Path) -> None:
    # Latin-1 and Windows-1252 write å, ä, ö with the same bytes: the note names both
    ledger = read(tmp_path, SWEDISH, "latin-1")
    assert swedish_names(ledger) == ["Löner för äldreomsorg", "Årsarvoden", "Östra Ängby"]
    assert ledger.notes == ["the file says #FORMAT PC8 but its letters are Windows-1252 or "
                            "Latin-1 (the two agree on every letter in it); read as "
                            "Windows-1252"]


def test_a_utf8_file_with_or_without_its_byte_order_mark(tmp_path: Path) -> None:
    plain = read(tmp_path, SWEDISH, "utf-8")
    assert swedish_names(plain) == ["Löner för äldreomsorg", "Årsarvoden", "Östra Ängby"]
    assert plain.notes == ["the file says #FORMAT PC8 but its letters are UTF-8; read as UTF-8"]
    marked = read(tmp_path, SWEDISH, "utf-8-sig")
    assert swedish_names(marked) == swedish_names(plain)
    assert marked.notes == ["the file begins with a UTF-8 byte order mark; read as UTF-8"]


def test_the_encoding_is_decided_at_the_first_letter_outside_ascii(tmp_path: Path) -> None:
    # a long ASCII beginning, then the letters: the sample is taken where they are
    text = HEADER + "".join(f"#KONTO {n} Konto\n" for n in range(1000, 5000)) + SWEDISH
    ledger = read(tmp_path, text, "cp1252")
    assert swedish_names(ledger) == ["Löner för äldreomsorg", "Årsarvoden", "Östra Ängby"]
    assert ledger.encoding == "Windows-1252"


def test_bytes_the_encoding_does_not_have_are_a_warning(tmp_path: Path) -> None:
    path = tmp_path / "x.se"
    path.write_bytes(SWEDISH.encode("utf-8") + b'#KONTO 7010 "Bad \xff byte"\n')
    ledger = read_sie(path)
    assert ledger.accounts["7010"].name == "Bad \ufffd byte"
    assert [(p.line, p.severity) for p in ledger.problems] == [(8, "warning")]
    assert "not UTF-8" in ledger.problems[0].message


# -- broken files: each a problem at its line, and the reading goes on -----------------


def test_a_malformed_amount_is_a_problem_at_its_line(tmp_path: Path) -> None:
    ledger = read(tmp_path, HEADER + "#IB 0 1930 12x\n#UB 0 1930 1234,50\n"
                  "#RES 0 3010 1e5\n#RES 0 3020 -7.25\n")
    assert messages(ledger) == [
        (5, "#IB", "the amount '12x' is not a number (SIE writes amounts such as -1234.50)"),
        (6, "#UB", "the amount '1234,50' has a decimal comma; SIE writes a decimal point, as "
                   "in 1234.50"),
        (7, "#RES", "the amount '1e5' is not a number (SIE writes amounts such as -1234.50)")]
    assert ledger.results == {(0, "3020"): Amount(D("-7.25"))}
    assert all(p.format().startswith("x.se:") for p in ledger.problems)


def test_bad_dates_and_periods_are_problems(tmp_path: Path) -> None:
    ledger = read(tmp_path, "#RAR 0 20230101 20231231\n#RAR -1 20220230 20221231\n"
                  "#GEN 2024011\n#OMFATTN 20231231\n"
                  "#PSALDO 0 202401 3010 {} -1.00\n#PSALDO 0 202313 3010 {} -1.00\n"
                  "#PSALDO 0 202312 3010 {} -2.00\n#PSALDO 7 209913 3010 {} -2.00\n"
                  "#RAR 1 20250101 20241231\n")
    assert messages(ledger) == [
        (2, "#RAR", "the first day of the year '20220230' is not a real date"),
        (3, "#GEN", "the date the file was made '2024011' is not a date written YYYYMMDD"),
        (5, "#PSALDO", "the period 202401 lies outside year 0 (20230101–20231231) of the "
                       "file's #RAR"),
        (6, "#PSALDO", "the period '202313' has no month 13 (months are 01–12)"),
        (8, "#PSALDO", "the period '209913' has no month 13 (months are 01–12)"),
        (9, "#RAR", "the year ends (20241231) before it begins (20250101)")]
    assert ledger.periods == {(0, Period(2023, 12), "3010", ()): Amount(D("-2.00"))}
    assert ledger.omfattn == date(2023, 12, 31)


def test_a_missing_rar_is_a_note_and_year_0_the_year_of_the_balances(tmp_path: Path) -> None:
    ledger = read(tmp_path, "#FLAGGA 0\n#PSALDO 0 202304 3010 {} -5.00\n"
                  "#VER A 1 20230410 x\n{\n#TRANS 4010 {} 2.00\n#TRANS 1930 {} -2.00\n}\n")
    assert ledger.years == {}
    assert ledger.problems == []
    assert ledger.notes[0] == ("the file has no #RAR, so the dates of its years are unknown; "
                               "year 0 is taken to be the year of its balances")
    assert ledger.period_total("3010", "202304") == D("-5.00")
    assert ledger.year_result("4010") == D("2.00")


def test_a_voucher_cut_off_by_the_end_of_the_file(tmp_path: Path) -> None:
    ledger = read(tmp_path, HEADER + "#VER A 1 20230105 x\n{\n#TRANS 4010 {} 9.00\n}\n"
                  "#VER A 2 20230106 y\n{\n#TRANS 4010 {} 5.00\n#TRANS 1930 {} -5.00")
    assert messages(ledger) == [
        (5, "#VER", "the voucher does not balance: its transactions add up to 9.00, not 0"),
        (9, "#VER", "the voucher that begins here has no closing '}' (the file ends inside "
                    "it); its transactions are not counted")]
    assert ledger.results == {(0, "4010"): Amount(D("9.00"))}  # the first voucher only
    assert ledger.vouchers == 1


def test_a_voucher_without_its_closing_brace_before_the_next(tmp_path: Path) -> None:
    ledger = read(tmp_path, HEADER + "#VER A 1 20230105 x\n{\n#TRANS 4010 {} 9.00\n"
                  "#VER A 2 20230106 y\n{\n#TRANS 4010 {} 5.00\n#TRANS 1930 {} -5.00\n}\n"
                  "#VER A 3 20230107 z\n#TRANS 4010 {} 1.00\n#VER A 4 20230108 w\n")
    assert messages(ledger) == [
        (5, "#VER", "the voucher that begins here has no closing '}' before line 8; its "
                    "transactions are not counted"),
        (13, "#VER", "the voucher is not followed by a line with '{'; its transactions are "
                     "not counted"),
        (14, "#TRANS", "a transaction outside a voucher's { } block"),
        (15, "#VER", "the file ends after the voucher's #VER, without its { } block")]
    assert ledger.results == {(0, "4010"): Amount(D("5.00")), (0, "1930"): Amount(D("-5.00"))}


def test_a_quote_never_closed_is_a_problem_at_its_line(tmp_path: Path) -> None:
    ledger = read(tmp_path, HEADER + '#KONTO 3010 "Avgifter\n#KONTO 3020 Bidrag\n'
                  '#VER A 1 20230105 x\n{\n#TRANS 4010 {1 "10} 2.00\n#TRANS 1930 {} -2.00\n}\n')
    assert messages(ledger) == [
        (5, "#KONTO", 'a quote (") is opened and never closed on this line'),
        (9, "#TRANS", 'a quote (") is opened and never closed on this line; the voucher it '
                      "belongs to is not counted")]
    assert {n: a.name for n, a in ledger.accounts.items()} == {"3020": "Bidrag"}
    assert ledger.vouchers == 0 and ledger.results == {}


def test_braces_and_lines_out_of_place(tmp_path: Path) -> None:
    ledger = read(tmp_path, HEADER + "{\n}\nKONTO 3010 x\n#VER A 1 20220105 x\n{\n"
                  "#TRANS 4010 {} 1.00\n}\n#RES 0 3010 -1.00\n")
    assert messages(ledger) == [
        (5, "#VER", "a '{' that opens no voucher (it belongs on the line after a #VER)"),
        (6, "#VER", "a '}' that closes no voucher"),
        (7, "", "the line is not a SIE record (a record begins with '#', as #KONTO does)"),
        (8, "#VER", "the voucher's date 20220105 lies in no financial year of the file's "
                    "#RAR; its transactions are not counted")]
    assert ledger.results == {(0, "3010"): Amount(D("-1.00"))}


def test_fields_that_are_missing_or_of_the_wrong_kind(tmp_path: Path) -> None:
    ledger = read(tmp_path, HEADER + "#KONTO\n#KONTO 30a0 x\n#KTYP 3010 X\n#RES x 3010 1\n"
                  "#PSALDO 0 202301 3010 1.00\n#OIB 0 1930 {} 1.00\n#OBJEKT 1 100\n"
                  '#PSALDO 0 202301 3010 {1 "a" 1 "b"} 1.00\n#PSALDO 0 202301 3010 {1} 1.00\n'
                  "#DIM x Ansvar\n#FLAGGA 2\n#SIETYP 5\n")
    assert [m for _, _, m in messages(ledger)] == [
        "the account number is missing",
        "the account number '30a0' is not a number",
        "the account type is 'X'; it is T (asset), S (liability), K (cost) or I (income)",
        "the year index 'x' is not a whole number (0 for this year, -1 for the year before)",
        "expected an object list in braces where it says '1.00' ({} for none)",
        "the object list is empty; the balance of the account itself is #IB",
        "the object name is missing",
        "dimension 1 appears twice in the object list",
        "the object list should hold pairs of dimension and object, but has 1 items",
        "the dimension number 'x' is not a whole number",
        "the flag is '2'; it is 0 or 1",
        "the SIE type is '5'; it is 1, 2, 3 or 4"]
    assert [p.line for p in ledger.problems] == list(range(5, 17))


def test_the_same_account_twice(tmp_path: Path) -> None:
    ledger = read(tmp_path, HEADER + "#KONTO 3010 Avgifter\n#KONTO 3010 Avgifter\n"
                  "#KONTO 3010 Taxor\n#RES 0 3010 -100.00\n#RES 0 3010 -100.00\n"
                  "#PSALDO 0 202301 3010 {} -60.00\n#PSALDO 0 202301 3010 {} -40.00\n"
                  "#RES -1 3010 -90.00\n")
    assert [(p.line, p.severity, p.message) for p in ledger.problems] == [
        (7, "warning", "account 3010 is named 'Avgifter' before and 'Taxor' here; the first "
                       "name is kept"),
        (9, "error", "#RES for account 3010 in year 0 is given twice (first on line 8); the "
                     "first is kept"),
        (11, "error", "#PSALDO for account 3010 in year 0, period 202301 is given twice "
                      "(first on line 10); the first is kept")]
    assert ledger.accounts["3010"].name == "Avgifter"
    assert ledger.year_result("3010") == D("-100.00")
    assert ledger.year_result("3010", year=-1) == D("-90.00")
    assert ledger.period_total("3010", "202301") == D("-60.00")


def test_unknown_records_are_counted_in_a_note(tmp_path: Path) -> None:
    ledger = read(tmp_path, HEADER + "#XYZ 1\n#ABC\n#XYZ 2 3\n#KSUMMA 123\n#XYZ\n"
                  "#VER A 1 20230105 x\n{\n#RTRANS 4010 {} 1.00\n#TRANS 4010 {} 1.00\n"
                  "#TRANS 1930 {} -1.00\n}\n")
    assert ledger.problems == []
    assert ledger.notes[-1] == ("6 records of kinds snplan does not read: #XYZ (3), #ABC (1), "
                                "#KSUMMA (1), #RTRANS (1)")
    assert ledger.results[(0, "4010")] == Amount(D("1.00"))


def test_a_line_too_long_for_a_record_is_skipped(tmp_path: Path) -> None:
    ledger = read(tmp_path, HEADER + "#KONTO 3010 " + "x" * (1024 * 1024 + 10) +
                  "\n#KONTO 3020 Bidrag\n")
    assert messages(ledger) == [(5, "", "the line is longer than 1024 KiB, which no SIE "
                                        "record is; it is not read")]
    assert list(ledger.accounts) == ["3020"]


def test_a_file_that_cannot_be_opened_is_a_problem(tmp_path: Path) -> None:
    ledger = read_sie(tmp_path / "missing.se", base=tmp_path)
    assert messages(ledger) == [(None, "", "the file cannot be read: No such file or "
                                           "directory")]


# -- vouchers --------------------------------------------------------------------------


def test_vouchers_are_summed_when_the_file_gives_no_balances(tmp_path: Path) -> None:
    ledger = read(tmp_path, HEADER + '#VER A 1 20230131 "Januari"\n{\n'
                  '#TRANS 5010 {1 "100"} 1000.00 20230131 "Lön" 8\n'
                  '#TRANS 5010 {1 "200"} 250.50\n#TRANS 1930 {} -1250.50\n}\n'
                  '#VER A 2 20230301 "Mars"\n{\n#TRANS 5010 {1 "100"} -100.25\n'
                  "#TRANS 1930 {} 100.25\n}\n")
    assert ledger.problems == []
    assert ledger.results == {(0, "5010"): Amount(D("1150.25"), D("8")),  # 1000+250.50-100.25
                              (0, "1930"): Amount(D("-1150.25"))}
    assert ledger.period_total("5010", "202302") == D("1250.50")
    assert ledger.period_total("5010", "202303") == D("1150.25")
    assert ledger.period_total("5010", "202303", objects={(1, "100")}) == D("899.75")
    assert ledger.year_result("5010", objects={(1, "200")}) == D("250.50")
    assert ledger.year_result("5010", objects={(1, "300")}) == D("0")


def test_a_voucher_is_booked_by_its_own_date(tmp_path: Path) -> None:
    ledger = read(tmp_path, "#RAR 0 20230101 20231231\n#RAR -1 20220101 20221231\n"
                  "#VER A 1 20221231 x\n{\n#TRANS 4010 {} 3.00 20230102\n"
                  "#TRANS 1930 {} -3.00\n}\n")
    assert ledger.results == {(-1, "4010"): Amount(D("3.00")), (-1, "1930"): Amount(D("-3.00"))}
    assert ledger.period_total("4010", "202212") == D("3.00")


# -- the property: random ledgers written and read back --------------------------------

_NAME = st.text(alphabet='abcxyzåäöÅÄÖé019 -"{}\t', max_size=12)
_ID = st.text(alphabet='abc01åäöÖ "{}', max_size=6)
_AMOUNT = st.integers(-10**13, 10**13).map(lambda n: Decimal(n).scaleb(-2))
_ENCODINGS = {"cp437": "CP437", "cp1252": "Windows-1252", "latin-1": "Windows-1252",
              "utf-8": "UTF-8"}


def quoted(text: str) -> str:
    return '"' + text.replace('"', '\\"') + '"'


def object_text(objects: tuple[tuple[int, str], ...]) -> str:
    return "{" + " ".join(f"{d} {quoted(o)}" for d, o in objects) + "}"


@st.composite
def ledgers(draw: st.DrawFn) -> dict[str, object]:
    accounts = draw(st.dictionaries(st.integers(1000, 8999).map(str), _NAME, min_size=1,
                                    max_size=6))
    objects = draw(st.dictionaries(st.tuples(st.sampled_from([1, 6, 21]), _ID), _NAME,
                                   max_size=6))
    numbers = sorted(accounts)
    lists = [()] + [((d, o),) for d, o in objects]
    lists += [tuple(sorted(pair)) for pair in zip(list(objects), list(objects)[1:], strict=False)
              if pair[0][0] != pair[1][0]]
    balance = st.dictionaries(st.sampled_from(numbers), _AMOUNT)
    periods = st.dictionaries(
        st.tuples(st.integers(1, 12).map(lambda m: Period(2023, m)), st.sampled_from(numbers),
                  st.sampled_from(lists)), _AMOUNT, max_size=12)
    return {"accounts": accounts, "objects": objects, "opening": draw(balance),
            "closing": draw(balance), "results": draw(balance), "periods": draw(periods),
            "encoding": draw(st.sampled_from(sorted(_ENCODINGS)))}


def sie_text(ledger: dict) -> str:
    lines = ["#FLAGGA 0", "#FORMAT PC8", "#SIETYP 3", "#RAR 0 20230101 20231231"]
    lines += [f"#KONTO {n} {quoted(name)}" for n, name in ledger["accounts"].items()]
    lines += [f"#OBJEKT {d} {quoted(o)} {quoted(name)}"
              for (d, o), name in ledger["objects"].items()]
    lines += [f"#IB 0 {n} {v}" for n, v in ledger["opening"].items()]
    lines += [f"#UB 0 {n} {v}" for n, v in ledger["closing"].items()]
    lines += [f"#RES 0 {n} {v}" for n, v in ledger["results"].items()]
    lines += [f"#PSALDO 0 {p} {n} {object_text(o)} {v}"
              for (p, n, o), v in ledger["periods"].items()]
    return "\r\n".join(lines) + "\r\n"


@given(ledgers())
@settings(max_examples=150, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
def test_random_ledgers_read_back_exactly(tmp_path: Path, ledger: dict) -> None:
    path = write(tmp_path, sie_text(ledger), ledger["encoding"])
    read_back = read_sie(path)
    assert read_back.problems == []
    assert {n: a.name for n, a in read_back.accounts.items()} == ledger["accounts"]
    assert read_back.objects == ledger["objects"]
    assert {(y, n): v.amount for (y, n, o), v in read_back.opening.items()} == {
        (0, n): v for n, v in ledger["opening"].items()}
    assert {(y, n): v.amount for (y, n, o), v in read_back.closing.items()} == {
        (0, n): v for n, v in ledger["closing"].items()}
    assert {n: v.amount for (_, n), v in read_back.results.items()} == ledger["results"]
    assert {(p, n, o): v.amount for (_, p, n, o), v in read_back.periods.items()} == \
        ledger["periods"]
    text = sie_text(ledger)
    if not text.isascii():
        assert read_back.encoding == _ENCODINGS[ledger["encoding"]]


# -- the bench's generator, small ------------------------------------------------------


def bench_module(monkeypatch: pytest.MonkeyPatch) -> ModuleType:
    """bench/sie.py, which is no package; registered while the test runs, as its dataclasses
    need to find their module."""
    spec = importlib.util.spec_from_file_location("bench_sie", ROOT / "bench" / "sie.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    monkeypatch.setitem(sys.modules, spec.name, module)
    spec.loader.exec_module(module)
    return module


def test_the_bench_file_reads_as_the_generator_summed_it(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    bench = bench_module(monkeypatch)
    path = tmp_path / "bench.se"
    sums = bench.generate(path, 1024 * 1024)
    ledger = read_sie(path)
    assert ledger.problems == []
    assert ledger.vouchers == sums.vouchers
    assert {a: v.amount for (_, a), v in ledger.results.items()} == {
        a: bench.kronor(ore) for a, ore in sums.results.items()}
    assert {(p.month, a, o): v.amount for (_, p, a, o), v in ledger.periods.items()} == {
        key: bench.kronor(ore) for key, ore in sums.periods.items()}
