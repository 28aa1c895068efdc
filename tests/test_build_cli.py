"""`snplan build` and `snplan list` through typer's runner: names, matters, failures that leave
the output untouched, figures in prose, and the sandbox."""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

import pytest
from typer.testing import CliRunner

from snplan.cli import app

from .conftest import DATA, ROOT, line_of, replace_in

runner = CliRunner()
TEMPLATES = str(ROOT / "templates")


def build(*args: str):
    return runner.invoke(app, ["build", *args, "--templates", TEMPLATES])


def snapshot(directory: Path) -> dict[str, bytes]:
    return {str(p.relative_to(directory)): p.read_bytes()
            for p in sorted(directory.rglob("*")) if p.is_file()}


@pytest.mark.parametrize("kind", ["årsredovisning", "arsredovisning", "ar", "ÅRSREDOVISNING"])
def test_report_by_swedish_and_ascii_names(kind: str, tmp_path: Path) -> None:
    result = build(kind, "2023", "--out", str(tmp_path), "--data", str(DATA))
    assert result.exit_code == 0, result.output
    assert (tmp_path / "2023" / "arsredovisning-2023.docx").is_file()


@pytest.mark.parametrize(("kind", "year", "name"), [
    ("vp", "2020", "verksamhetsplan-2020.docx"),
    ("verksamhetsplan", "2022", "verksamhetsplan-2022.docx"),
    ("mbl", "2022", "mbl-reviderad-verksamhetsplan-2022.docx"),
    ("mbl-protokoll", "2022", "mbl-reviderad-verksamhetsplan-2022.docx"),
    ("tjänsteskrivelse", "2023", "tjansteskrivelse-arsredovisning-2023.docx"),
])
def test_other_kinds(kind: str, year: str, name: str, tmp_path: Path) -> None:
    result = build(kind, year, "--out", str(tmp_path), "--data", str(DATA))
    assert result.exit_code == 0, result.output
    assert (tmp_path / year / name).is_file()


def test_one_matter_by_registration_number_or_slug(tmp_path: Path) -> None:
    result = build("tjansteskrivelse", "2021", "--matter", "SN/2021:59", "--out", str(tmp_path),
                   "--data", str(DATA))
    assert result.exit_code == 0, result.output
    assert [p.name for p in (tmp_path / "2021").iterdir()] == [
        "tjansteskrivelse-icke-verkstallda-beslut-q4-2021.docx"]
    result = build("ts", "2021", "--matter", "yttrande-hok", "--out", str(tmp_path),
                   "--data", str(DATA))
    assert result.exit_code == 0
    result = build("ts", "2021", "--matter", "SN/1999:1", "--out", str(tmp_path),
                   "--data", str(DATA))
    assert result.exit_code == 2
    assert "no matter 'SN/1999:1' in 2021" in result.output


def test_all_matters_of_a_year(tmp_path: Path) -> None:
    result = build("tjänsteskrivelse", "2021", "--out", str(tmp_path), "--data", str(DATA))
    assert result.exit_code == 0, result.output
    assert len(list((tmp_path / "2021").iterdir())) == 8
    assert "[8/8]" in result.output


def test_usage_errors(tmp_path: Path) -> None:
    assert build("budget", "2023", "--data", str(DATA)).exit_code == 2
    assert build("--data", str(DATA)).exit_code == 2
    assert build("vp", "--data", str(DATA)).exit_code == 2
    assert build("vp", "2022", "--all", "--data", str(DATA)).exit_code == 2


def test_a_document_the_data_cannot_carry_says_what_is_missing(tmp_path: Path) -> None:
    result = build("årsredovisning", "2022", "--out", str(tmp_path), "--data", str(DATA))
    assert result.exit_code == 1
    assert "cannot build Årsredovisning 2022; missing:" in result.output
    assert "data/2022/arsredovisning.yaml: sammanfattning" in result.output
    assert "data/2022/arsredovisning.yaml: resultatrakning budget column" in result.output
    assert not tmp_path.joinpath("2022").exists()


def test_list_on_the_shipped_data() -> None:
    result = runner.invoke(app, ["list", "--data", str(DATA)])
    assert result.exit_code == 0, result.output
    out = result.stdout
    assert "  ok       Årsredovisning 2023 -> 2023/arsredovisning-2023.docx" in out
    assert "  ok       Verksamhetsplan och budget 2020 -> 2020/verksamhetsplan-2020.docx" in out
    assert ("  missing  Verksamhetsplan och budget 2019: data/2019/verksamhetsplan.yaml: "
            "sammanfattning; data/2019/verksamhetsplan.yaml: namndmal; "
            "data/2018/verksamhetsplan.yaml: driftbudget (the comparison column "
            "\"Budget 2018\")") in out
    assert "  missing  Årsredovisning 2022: data/2022/arsredovisning.yaml: sammanfattning" in out
    assert out.count("  ok  ") == 15


def test_list_on_a_copy_with_a_section_removed(data_copy: Path) -> None:
    path = data_copy / "2022" / "arsredovisning.yaml"
    text = path.read_text(encoding="utf-8")
    start = text.index("\npersonal:")
    end = text.index("\n", text.index("hme:", start))
    path.write_text(text[:start] + text[end:], encoding="utf-8")
    result = runner.invoke(app, ["list", "--data", str(data_copy)])
    assert result.exit_code == 0, result.output
    # the file is named where it is (under --data), not as data/…
    assert (f"  missing  Årsredovisning 2023: {data_copy}/2022/arsredovisning.yaml: personal "
            "(the comparison column \"2022\")") in result.stdout


def test_failed_build_leaves_the_output_untouched(data_copy: Path, tmp_path: Path) -> None:
    out = tmp_path / "out"
    assert build("--all", "--out", str(out), "--data", str(data_copy)).exit_code == 0
    before = snapshot(out)
    replace_in(data_copy / "2023" / "arsredovisning.yaml",
               "{{ resultatrakning.summa.utfall | abs | belopp }}",
               "{{ resultatrakning.summa.utfal | abs | belopp }}")
    replace_in(data_copy / "2021" / "arsredovisning.yaml", "Samtliga mål bedöms som uppfyllda.",
               "Samtliga mål {{ resultatrakning.okand }} bedöms som uppfyllda.")
    result = build("--all", "--out", str(out), "--data", str(data_copy))
    assert result.exit_code == 1
    assert "nothing was written" in result.output
    assert snapshot(out) == before  # no file changed, no temporary file left


def test_undefined_name_in_prose_names_file_and_line(data_copy: Path, tmp_path: Path) -> None:
    path = data_copy / "2021" / "arsredovisning.yaml"
    replace_in(path, "Samtliga mål bedöms som uppfyllda.",
               "Samtliga mål {{ okänd }} bedöms som uppfyllda.")
    line = line_of(path, "sammanfattning: |")
    result = runner.invoke(app, ["validate", "--data", str(data_copy)])
    assert result.exit_code == 1
    assert (f"2021/arsredovisning.yaml:{line}: sammanfattning: the expression uses the "
            "name 'okänd'") in result.output
    result = build("ar", "2021", "--out", str(tmp_path), "--data", str(data_copy))
    assert result.exit_code == 1


def test_undefined_attribute_fails_the_build_with_file_and_line(data_copy: Path,
                                                                tmp_path: Path) -> None:
    path = data_copy / "2021" / "arsredovisning.yaml"
    replace_in(path, "Samtliga mål bedöms som uppfyllda.",
               "Samtliga mål {{ resultatrakning.summa.finns_inte }} bedöms som uppfyllda.")
    line = line_of(path, "sammanfattning: |")
    result = build("ar", "2021", "--out", str(tmp_path), "--data", str(data_copy))
    assert result.exit_code == 1
    assert f"2021/arsredovisning.yaml:{line}: sammanfattning: undefined name" in \
        result.output
    assert "finns_inte" in result.output
    assert not (tmp_path / "2021").exists()


@pytest.mark.parametrize("attack", [
    "{{ ''.__class__.__mro__ }}",
    "{{ ar.__class__.__subclasses__() }}",
    "{{ resultatrakning.__init__.__globals__ }}",
])
def test_prose_cannot_reach_python_internals(attack: str, data_copy: Path,
                                             tmp_path: Path) -> None:
    replace_in(data_copy / "2021" / "arsredovisning.yaml", "Samtliga mål bedöms som uppfyllda.",
               f"Samtliga mål {attack} bedöms som uppfyllda.")
    result = build("ar", "2021", "--out", str(tmp_path), "--data", str(data_copy))
    assert result.exit_code == 1
    assert "Traceback" not in result.output
    assert "2021/arsredovisning.yaml:" in result.output
    assert not (tmp_path / "2021").exists()


def test_unwritable_output_directory(tmp_path: Path) -> None:
    blocked = tmp_path / "file"
    blocked.write_text("not a directory", encoding="utf-8")
    result = build("vp", "2022", "--out", str(blocked), "--data", str(DATA))
    assert result.exit_code == 1
    assert "cannot write" in result.output


def test_organisation_can_supply_its_own_style_reference(data_copy: Path,
                                                         tmp_path: Path) -> None:
    from docx import Document

    reference = Document(str(ROOT / "templates" / "reference.docx"))
    reference.styles["Normal"].font.name = "Garamond"
    reference.save(str(data_copy / "reference.docx"))
    assert build("mbl", "2022", "--out", str(tmp_path), "--data", str(data_copy)).exit_code == 0
    built = Document(str(tmp_path / "2022" / "mbl-reviderad-verksamhetsplan-2022.docx"))
    assert built.styles["Normal"].font.name == "Garamond"


def _soffice() -> str | None:
    return shutil.which("soffice") or shutil.which("libreoffice")


def test_every_document_converts_to_pdf_with_libreoffice(tmp_path: Path) -> None:
    soffice = _soffice()
    if soffice is None:
        if os.environ.get("CI"):
            pytest.fail("LibreOffice is not installed; .ci/run installs it")
        pytest.skip("LibreOffice is not installed")
    out = tmp_path / "docs"
    assert build("--all", "--out", str(out), "--data", str(DATA)).exit_code == 0
    files = sorted(str(p) for p in out.rglob("*.docx"))
    assert len(files) == 15
    pdf = tmp_path / "pdf"
    result = subprocess.run(
        [soffice, "--headless", f"-env:UserInstallation=file://{tmp_path / 'profile'}",
         "--convert-to", "pdf", "--outdir", str(pdf), *files],
        capture_output=True, text=True, timeout=600, check=False)
    assert result.returncode == 0, result.stderr
    made = sorted(p.stem for p in pdf.glob("*.pdf"))
    assert made == sorted(Path(f).stem for f in files)
    assert all(p.stat().st_size > 5000 for p in pdf.glob("*.pdf"))


def test_a_build_beside_another_thread_renders_in_its_own_process() -> None:
    """Forking the workers while another thread lives (a preview's server, a test's) can
    leave a child waiting for ever on a lock that thread held: then one process renders."""
    import threading

    from snplan.commands.writing import _workers

    stop = threading.Event()
    other = threading.Thread(target=stop.wait)
    other.start()
    try:
        assert _workers(15) == 1
    finally:
        stop.set()
        other.join()
    assert _workers(1) == 1


def test_the_terminal_progress_bar_runs_no_thread_of_its_own() -> None:
    import io
    import threading

    from rich.console import Console

    from snplan.cli import TerminalProgress

    before = threading.active_count()
    progress = TerminalProgress(Console(file=io.StringIO(), force_terminal=True))
    progress.start(3)
    try:
        assert threading.active_count() == before
        progress.step("Årsredovisning 2023")
    finally:
        progress.finish()


def test_a_process_that_compiled_typst_renders_alone() -> None:
    """The Typst compiler keeps native threads once it has run, which Python's threading does
    not list; a build forked after that would wait for ever in its children."""
    from snplan.commands.writing import _threads, _workers
    from snplan.output.typst.writer import write

    from .tree_samples import memo

    if not Path("/proc/self/task").is_dir():
        pytest.skip("the process's native threads are counted from /proc (Linux)")
    write(memo())
    assert _threads() > 1  # the compiler's pool stays behind it
    assert _workers(15) == 1
