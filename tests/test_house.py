"""The house of DESIGN.md §4 kept: each stage imports only the stages below it, no import
circle, nothing at the top of the package but the command line, the errors and the problems,
no block-type string compared outside `blocks/` (and `documents/`), and a table that the
organisation's data cannot give is a problem at the outline's line, never a crash."""

from __future__ import annotations

import ast
import re
from pathlib import Path

from typer.testing import CliRunner

from snplan.blocks import REGISTRY
from snplan.cli import KIND_HELP, app
from snplan.model.kinds import KINDS

from .conftest import DATA, replace_in

PACKAGE = Path(__file__).resolve().parent.parent / "src" / "snplan"
runner = CliRunner()


def _modules() -> dict[str, Path]:
    found = {}
    for path in PACKAGE.rglob("*.py"):
        parts = path.relative_to(PACKAGE.parent).with_suffix("").parts
        name = ".".join(parts[:-1] if parts[-1] == "__init__" else parts)
        found[name] = path
    return found


def _imports(name: str, path: Path) -> set[str]:
    """The snplan modules a module imports when it is imported (imports under
    `if TYPE_CHECKING:` are for types only and are left out)."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    package = name if path.name == "__init__.py" else name.rsplit(".", 1)[0]
    found: set[str] = set()

    def visit(nodes: list[ast.stmt]) -> None:
        for node in nodes:
            if isinstance(node, ast.If) and "TYPE_CHECKING" in ast.unparse(node.test):
                continue
            if isinstance(node, ast.ImportFrom):
                base = package
                for _ in range(node.level - 1):
                    base = base.rsplit(".", 1)[0]
                module = (f"{base}.{node.module}" if node.module else base) if node.level \
                    else (node.module or "")
                if module.startswith("snplan"):
                    found.add(module)
                    found.update(f"{module}.{a.name}" for a in node.names)
            elif isinstance(node, ast.Import):
                found.update(a.name for a in node.names if a.name.startswith("snplan"))
            elif isinstance(node, ast.If | ast.Try):
                visit(node.body + node.orelse + getattr(node, "finalbody", []))

    visit(tree.body)
    return found


def _graph() -> dict[str, set[str]]:
    modules = _modules()
    return {name: {m for m in _imports(name, path) if m in modules and m != name}
            for name, path in modules.items()}


def test_nothing_at_the_top_but_the_command_line_the_errors_and_the_problems() -> None:
    top = {p.stem for p in PACKAGE.glob("*.py")}
    assert top == {"__init__", "__main__", "cli", "errors", "problems"}


def test_stages_import_only_what_lies_below_them() -> None:
    graph = _graph()
    forbidden = {
        ("snplan.model", "snplan.output"), ("snplan.tables", "snplan.output"),
        ("snplan.rules", "snplan.output"), ("snplan.source", "snplan.output"),
        ("snplan.output", "snplan.documents"), ("snplan.output", "snplan.blocks"),
        ("snplan.output", "snplan.source.load"), ("snplan.tree", "snplan."),
        ("snplan.rules", "snplan.documents"), ("snplan.tables", "snplan.documents"),
        ("snplan.documents", "snplan.output"),
    }
    crossings = sorted(f"{module} imports {target}" for module, targets in graph.items()
                       for target in targets for low, high in forbidden
                       if (module == low or module.startswith(low + "."))
                       and target.startswith(high) and not target.startswith(low))
    assert crossings == []


def test_no_import_circle() -> None:
    graph = _graph()
    state: dict[str, int] = {}
    circles: list[list[str]] = []

    def visit(node: str, path: list[str]) -> None:
        state[node] = 1
        for target in sorted(graph[node]):
            if state.get(target) == 1:
                start = path.index(target) if target in path else 0
                circle = path[start:] + [target]
                # a package importing its own submodules, which import their package, is how
                # Python packages are built, not a circle between modules
                if any(not b.startswith(a + ".") and not a.startswith(b + ".")
                       for a, b in zip(circle, circle[1:], strict=False)):
                    circles.append(circle)
            elif target not in state:
                visit(target, path + [target])
        state[node] = 2

    for name in sorted(graph):
        if name not in state:
            visit(name, [name])
    assert circles == []


TYPE_COMPARISON = re.compile(r"\.typ\s*(==|!=|in)\s|typ\s*==\s*\"")


def test_no_block_type_compared_outside_blocks_and_documents() -> None:
    found = []
    for path in PACKAGE.rglob("*.py"):
        relative = path.relative_to(PACKAGE).as_posix()
        if relative.startswith(("blocks/", "documents/", "model/")) \
                or relative == "tables/spec.py":  # a column's typ is a column type
            continue
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
            if TYPE_COMPARISON.search(line) and not re.search(r"(column|kolumn|spec|free)"
                                                               r"\.typ", line):
                found.append(f"{relative}:{number}: {line.strip()}")
    assert found == []


def test_every_block_type_is_registered_from_its_own_module() -> None:
    modules = {type(kind).__module__ for kind in REGISTRY.values()}
    assert {m.rsplit(".", 1)[1] for m in modules} == {
        p.stem for p in (PACKAGE / "blocks").glob("*.py")} - {"__init__", "base"}
    assert set(REGISTRY) >= {"text", "tabell", "mal", "uppdrag", "manadsmatt", "lista",
                             "avsnitt", "bilagor", "underskrifter", "narvarande",
                             "paragrafer", "justering"}


def test_the_help_names_every_shipped_kind() -> None:
    # an organisation's own period kind (registered while its data is loaded, by a test run
    # before this one) is the organisation's, not one the help can name
    for kind in (k for k in KINDS.values() if not k.own):
        assert kind.name in KIND_HELP and all(f"({a})" in KIND_HELP for a in kind.aliases)


def test_a_renamed_breakdown_is_a_problem_at_the_outline(data_copy: Path) -> None:
    """Renaming a breakdown in organisation.yaml: exit 1, the outline's file, line and table
    named, never the bug message."""
    replace_in(data_copy / "organisation.yaml", "\n  konton:\n", "\n  kontoplan:\n")
    result = runner.invoke(app, ["validate", "--data", str(data_copy)])
    assert result.exit_code == 1, result.output
    assert "bug in snplan" not in result.output
    line = next(x for x in result.output.splitlines() if "resultatrakning" in x)
    assert re.match(r".*dispositioner/arsredovisning\.yaml:\d+: kapitel\[\d+\].*"
                    r"tabell\.indelning: the table 'resultatrakning' uses the breakdown "
                    r"'konton', which organisation.yaml does not declare", line), line
    assert "did you mean 'kontoplan'" in line
    build = runner.invoke(app, ["build", "ar", "2023", "--data", str(data_copy), "--out",
                                str(data_copy.parent / "out")])
    assert build.exit_code == 1 and "bug in snplan" not in build.output


def test_the_shipped_data_names_no_unknown_breakdown() -> None:
    result = runner.invoke(app, ["validate", "--data", str(DATA)])
    assert result.exit_code == 0, result.output
