"""snplan installs as a package: a wheel built from the repository, installed (not editable)
into a fresh virtual environment, builds a document from its own templates and style
reference; and the lock files pin every package the project needs."""

from __future__ import annotations

import re
import subprocess
import sys
import sysconfig
import tomllib
from pathlib import Path

from .conftest import DATA, ROOT


def _run(*args: str | Path, cwd: Path | None = None) -> str:
    result = subprocess.run([str(a) for a in args], cwd=cwd, capture_output=True, text=True,
                            timeout=600, check=False)
    assert result.returncode == 0, f"{' '.join(map(str, args))}\n{result.stdout}{result.stderr}"
    return result.stdout


def test_a_wheel_installed_in_a_fresh_environment_builds_a_document(tmp_path: Path) -> None:
    wheels = tmp_path / "wheels"
    _run(sys.executable, "-m", "pip", "wheel", "--quiet", "--no-deps", "--no-build-isolation",
         "-w", wheels, ROOT)
    wheel = next(wheels.glob("snplan-*.whl"))
    venv = tmp_path / "venv"
    _run(sys.executable, "-m", "venv", "--without-pip", venv)
    python = venv / "bin" / "python"
    _run(sys.executable, "-m", "pip", "--python", python, "install", "--quiet", "--no-deps",
         wheel)
    # the dependencies come from this environment's site-packages (already installed from the
    # lock), appended after the fresh environment's own: snplan itself is the wheel's copy
    site = Path(_run(python, "-c", "import sysconfig; print(sysconfig.get_path('purelib'))")
                .strip())
    (site / "_snplan_test_deps.pth").write_text(sysconfig.get_path("purelib") + "\n",
                                                encoding="utf-8")
    where = _run(python, "-c", "import snplan; print(snplan.__file__)").strip()
    assert where.startswith(str(venv)), where
    work = tmp_path / "work"
    work.mkdir()
    output = _run(python, "-m", "snplan", "build", "vp", "2022", "--data", DATA, "--out",
                  work / "out", cwd=work)
    assert "verksamhetsplan-2022.docx" in output
    assert (work / "out" / "2022" / "verksamhetsplan-2022.docx").stat().st_size > 10_000
    _run(venv / "bin" / "snplan", "--version", cwd=work)


def _pins(lock: Path) -> dict[str, str]:
    text = lock.read_text(encoding="utf-8")
    pins = dict(re.findall(r"^([A-Za-z0-9_.-]+)==([^ \\\n]+)", text, re.MULTILINE))
    return {re.sub(r"[-_.]+", "-", name).lower(): version for name, version in pins.items()}


def test_the_lock_files_pin_every_dependency_with_hashes() -> None:
    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    runtime, dev = _pins(ROOT / "requirements.lock"), _pins(ROOT / "requirements-dev.lock")

    def name(requirement: str) -> str:
        return re.sub(r"[-_.]+", "-", re.split(r"[<>=!~\[ ;]", requirement)[0]).lower()

    for requirement in project["dependencies"]:
        assert name(requirement) in runtime, requirement
        assert runtime[name(requirement)] == dev[name(requirement)], requirement
    for requirement in project["optional-dependencies"]["dev"]:
        assert name(requirement) in dev, requirement
    for lock in ("requirements.lock", "requirements-dev.lock"):
        text = (ROOT / lock).read_text(encoding="utf-8")
        entries = re.findall(r"^[A-Za-z0-9_.-]+==[^\n]*(?:\n\s+--hash=[^\n]*)+", text,
                             re.MULTILINE)
        assert len(entries) == len(_pins(ROOT / lock)), f"{lock}: a pin without a hash"
    assert {"setuptools", "wheel"} <= set(runtime), "the build backend is pinned too"


def test_the_test_environment_is_the_lock() -> None:
    """`make test` installs exactly the locked versions (what CI on a fresh machine gets)."""
    from importlib import metadata

    installed = {re.sub(r"[-_.]+", "-", d.metadata["Name"]).lower(): d.version
                 for d in metadata.distributions()}
    for name, version in _pins(ROOT / "requirements-dev.lock").items():
        if name in {"pip"}:  # pip upgrades itself outside the project's control
            continue
        assert installed.get(name) == version, f"{name}: locked {version}, " \
                                               f"installed {installed.get(name)}"
