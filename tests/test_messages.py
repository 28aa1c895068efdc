"""snplan speaks Swedish by default and English when the locale or --lang asks (issue 23, part
10): every message marked in the code has its Swedish translation, the compiled catalog is the
one its source gives, and validate, build, list, diff and --help speak Swedish."""

from __future__ import annotations

import gettext
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from babel.messages.extract import extract_from_dir
from babel.messages.pofile import read_po
from typer.testing import CliRunner

from snplan import messages
from snplan.cli import app

from .conftest import DATA, line_of, replace_in

PACKAGE = Path(messages.__file__).resolve().parent.parent
CATALOG = Path(messages.__file__).resolve().parent / "sv" / "LC_MESSAGES"
runner = CliRunner()
KEYWORDS = {"_": None, "N_": None, "ngettext": (1, 2)}
PLACEHOLDER = re.compile(r"\{(\w*)[^{}]*\}")


def _marked() -> set[str]:
    """Every message the code marks for translation, extracted as `make messages` does."""
    found = set()
    for _file, _line, message, _comments, _context in extract_from_dir(
            str(PACKAGE), method_map=[("**.py", "python")], keywords=KEYWORDS):
        found.update([message] if isinstance(message, str) else message)
    return found


def _catalog():  # noqa: ANN202 - babel's Catalog
    with open(CATALOG / "snplan.po", "rb") as stream:
        return read_po(stream)


def test_every_marked_message_has_its_swedish_translation() -> None:
    catalog = _catalog()
    marked = _marked()
    assert len(marked) > 100  # the extraction found the code's messages
    missing = sorted(m for m in marked if not catalog.get(m) or not catalog.get(m).string)
    assert missing == []
    fuzzy = sorted(m.id for m in catalog if m.id and m.fuzzy)
    assert fuzzy == []


def test_a_translation_keeps_the_placeholders_of_its_message() -> None:
    for message in _catalog():
        if message.id:
            assert (sorted(PLACEHOLDER.findall(message.string))
                    == sorted(PLACEHOLDER.findall(message.id))), message.id


def test_the_compiled_catalog_is_the_one_its_source_gives() -> None:
    with open(CATALOG / "snplan.mo", "rb") as stream:
        compiled = gettext.GNUTranslations(stream)
    for message in _catalog():
        if message.id:
            assert compiled.gettext(message.id) == message.string, message.id


@pytest.mark.parametrize("environ, language", [
    ({}, "sv"), ({"LANG": "C.UTF-8"}, "sv"), ({"LANG": "POSIX"}, "sv"),
    ({"LANG": "sv_SE.UTF-8"}, "sv"), ({"LANG": "en_GB.UTF-8"}, "en"),
    ({"LANG": "en_US"}, "en"), ({"LANGUAGE": "en:sv", "LANG": "sv_SE.UTF-8"}, "en"),
    # the first variable set decides, in gettext's order
    ({"LC_ALL": "sv_SE.UTF-8", "LANG": "en_US.UTF-8"}, "sv"),
    ({"LC_MESSAGES": "en_IE.UTF-8", "LANG": "sv_SE"}, "en"),
    ({"LANG": "de_DE.UTF-8"}, "sv"),  # a language snplan does not speak: the default
])
def test_the_language_of_a_locale(environ: dict[str, str], language: str) -> None:
    assert messages.from_locale(environ) == language


def test_the_command_line_names_the_language_before_the_locale() -> None:
    assert messages.requested(["--lang", "en", "validate"], {"LANG": "sv_SE"}) == "en"
    assert messages.requested(["--lang=sv", "validate"], {"LANG": "en_US"}) == "sv"
    assert messages.requested(["validate"], {"LANG": "en_US"}) == "en"
    # after "--" it is an argument, not an option; an unknown language is the parser's to refuse
    assert messages.requested(["--", "--lang", "en"], {}) == "sv"
    assert messages.requested(["--lang", "fi"], {}) == "sv"


def _broken(tmp_path: Path) -> tuple[Path, int]:
    """A copy of the shipped data whose 2023 report has a quote left open."""
    data = tmp_path / "data"
    import shutil

    shutil.copytree(DATA, data)
    path = data / "2023" / "arsredovisning.yaml"
    replace_in(path, "\nar: 2023\n", '\nar: "2023\n')
    return data, line_of(path, 'ar: "2023')


def _snplan(*arguments: str, environ: dict[str, str]) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items()
           if k not in messages.LOCALE_VARIABLES} | environ | {"SNPLAN_CACHE": "0"}
    return subprocess.run([sys.executable, "-m", "snplan", *arguments], env=env,
                          capture_output=True, text=True, timeout=300, check=False)


def test_validate_on_a_broken_file_speaks_swedish_by_default_and_english_when_asked(
        tmp_path: Path) -> None:
    data, line = _broken(tmp_path)
    swedish = _snplan("validate", "--data", str(data), environ={})
    assert swedish.returncode == 1
    assert f"2023/arsredovisning.yaml:{line}: YAML-syntaxfel: citattecknet som öppnas på " \
           "denna rad" in swedish.stderr
    assert "valideringen misslyckades: 1 fel" in swedish.stderr
    english = _snplan("--lang", "en", "validate", "--data", str(data), environ={})
    assert english.returncode == 1
    assert f"2023/arsredovisning.yaml:{line}: YAML syntax error: the quote opened on this " \
           "line" in english.stderr
    assert "validation failed: 1 error(s)" in english.stderr
    by_locale = _snplan("validate", "--data", str(data), environ={"LANG": "en_GB.UTF-8"})
    assert "validation failed: 1 error(s)" in by_locale.stderr


def test_help_is_swedish_by_default() -> None:
    result = _snplan("build", "--help", environ={"LANG": "C.UTF-8"})
    assert result.returncode == 0
    assert "Bygg dokument från data till OUT/ÅR/" in result.stdout
    assert "Bygg om även det som är aktuellt." in result.stdout
    english = _snplan("--lang", "en", "build", "--help", environ={})
    assert "Rebuild even what is up to date." in english.stdout


def test_validate_summary_and_warnings_in_swedish() -> None:
    result = runner.invoke(app, ["--lang", "sv", "validate", "--data", str(DATA)])
    assert result.exit_code == 0, result.output
    assert ("2023/arenden/arsredovisning-2023.yaml:2: varning: datum: tjänsteskrivelsen saknar "
            "datum") in result.output
    assert re.search(r"^ok: \d+ fil\(er\), 5 år i ", result.stdout, re.MULTILINE)
    assert "indelningar" in result.stdout and "belopp i mkr" in result.stdout
    strict = runner.invoke(app, ["--lang", "sv", "validate", "--strict", "--data", str(DATA)])
    assert strict.exit_code == 1
    assert "(varningar räknas som fel med --strict)" in strict.output


def test_a_misspelt_figure_in_swedish(data_copy: Path) -> None:
    path = data_copy / "2023" / "arsredovisning.yaml"
    replace_in(path, "    bidrag:\n      utfall: 31.9\n      budget: 19.8",
               "    bidrag:\n      utfall: 31.9\n      budgte: 19.8")
    result = runner.invoke(app, ["--lang", "sv", "validate", "--data", str(data_copy)])
    assert result.exit_code == 1
    assert ("resultatrakning.rader.bidrag.budgte: ingen kolumn läser siffran 'budgte' "
            "(dispositionerna läser budget, prognos, utfall); menade du 'budget'?"
            ) in result.output


def test_build_and_list_speak_swedish(tmp_path: Path) -> None:
    built = runner.invoke(app, ["--lang", "sv", "build", "ts", "2023", "--out",
                                str(tmp_path), "--format", "md"])
    assert built.exit_code == 0, built.output
    assert "skrev " in built.stdout
    again = runner.invoke(app, ["--lang", "sv", "build", "ts", "2023", "--out",
                                str(tmp_path), "--format", "md"])
    assert f"inget att bygga: alla dokument i {tmp_path} är aktuella" in again.stdout
    listed = runner.invoke(app, ["--lang", "sv", "list"])
    assert listed.exit_code == 0, listed.output
    assert "  ok       Årsredovisning 2023 -> 2023/arsredovisning-2023.docx" in listed.stdout


def test_an_unknown_language_is_a_usage_error() -> None:
    result = runner.invoke(app, ["--lang", "fi", "validate"])
    assert result.exit_code == 2
    assert "'fi' is not a language snplan speaks (sv or en)" in result.output


def test_no_module_that_translates_binds_the_name_of_the_translation() -> None:
    """`before, _ = …` in a module that imports `_` makes every `_(…)` of that function call
    whatever was bound (the diff command once stopped on "'list' object is not callable")."""
    import ast

    bound = []
    for path in PACKAGE.rglob("*.py"):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        imports = any(isinstance(node, ast.ImportFrom) and node.module
                      and node.module.endswith("messages") and
                      any(alias.name == "_" for alias in node.names)
                      for node in ast.walk(tree))
        if not imports:
            continue
        for node in ast.walk(tree):
            if isinstance(node, ast.Name) and node.id == "_" and isinstance(node.ctx, ast.Store):
                bound.append(f"{path.name}:{node.lineno}")
    assert bound == []
