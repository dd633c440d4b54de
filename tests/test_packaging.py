"""Packaging and repository checks.

- pyproject.toml (pip) and environment.yml (conda) declare the same packages and versions;
- the README's test command is exactly what CI runs (.ci/run), and its course command opens a
  notebook that exists;
- the pytest configuration runs unit tests, doctests and the notebooks;
- tracked files hold no machine-specific paths, and committed notebooks hold no tracebacks.

Only the standard library and ``packaging`` (a dependency of pytest) are used: environment.yml is
read with a small parser for the subset of YAML it uses, so no YAML library is needed.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import stat
import subprocess
import tomllib
from pathlib import Path
from typing import ClassVar

import pytest
from packaging.requirements import Requirement
from packaging.specifiers import SpecifierSet
from packaging.utils import canonicalize_name

ROOT = Path(__file__).resolve().parents[1]
PYPROJECT = ROOT / "pyproject.toml"
ENVIRONMENT = ROOT / "environment.yml"
README = ROOT / "README.md"
CI_RUN = ROOT / ".ci" / "run"
GITIGNORE = ROOT / ".gitignore"
NOTEBOOKS = ROOT / "notebooks"
START_HERE = NOTEBOOKS / "00_start_here.ipynb"

#: The project itself, as it may appear in its own extras (``qitools[course]``).
PROJECT_NAME = "qitools"

#: conda-forge names that differ from the PyPI name of the same package.
CONDA_TO_PYPI = {
    "matplotlib-base": "matplotlib",
    "pytables": "tables",
}

#: Packages in environment.yml that are tools of conda itself, not project dependencies.
CONDA_ONLY = {"python", "pip"}


# --------------------------------------------------------------------------------------------
# Readers
# --------------------------------------------------------------------------------------------
def parse_environment_yml(text: str) -> dict:
    """Parse the subset of YAML that a conda environment.yml uses.

    Supports ``key: value`` and ``key:`` at the top level, ``- item`` lists under a key, and one
    nested list under an item ending in ``:`` (``- pip:``). Anything else raises ``ValueError``,
    so a change of format is noticed instead of being read wrongly.

    Returns a dict: scalar keys map to strings, list keys to lists; the nested list of an item
    ``- pip:`` is returned under the key ``"pip"``.
    """
    result: dict = {}
    key = None  # current top-level key
    sub = None  # current nested list (under "- pip:")
    item_indent = None
    for lineno, raw in enumerate(text.splitlines(), start=1):
        line = re.sub(r"(^|\s)#.*$", "", raw).rstrip()
        if not line.strip():
            continue
        indent = len(line) - len(line.lstrip(" "))
        body = line.strip()
        if indent == 0:
            m = re.fullmatch(r"([A-Za-z_][\w-]*):\s*(.*)", body)
            if not m:
                raise ValueError(f"environment.yml line {lineno}: cannot read {raw!r}")
            key, value = m.group(1), m.group(2).strip()
            sub, item_indent = None, None
            if value:
                result[key] = value.strip("'\"")
            else:
                result[key] = []
            continue
        if key is None or not isinstance(result.get(key), list) or not body.startswith("- "):
            raise ValueError(f"environment.yml line {lineno}: cannot read {raw!r}")
        item = body[2:].strip().strip("'\"")
        if item_indent is None:
            item_indent = indent
        if indent == item_indent:
            if item.endswith(":"):
                sub = []
                result[item[:-1].strip()] = sub
            else:
                sub = None
                result[key].append(item)
        elif indent > item_indent and sub is not None:
            sub.append(item)
        else:
            raise ValueError(f"environment.yml line {lineno}: unexpected indentation in {raw!r}")
    return result


def _conda_requirement(spec: str) -> tuple[str, SpecifierSet]:
    """Name and version bounds of a conda match spec written with pip-style operators."""
    spec = spec.split("::", 1)[-1]  # drop a channel prefix ("conda-forge::numpy")
    m = re.fullmatch(r"([A-Za-z0-9][A-Za-z0-9._-]*)\s*(.*)", spec.strip())
    if not m:
        raise ValueError(f"cannot read conda spec {spec!r}")
    name, version = m.group(1), re.sub(r"\s+", "", m.group(2))
    if re.search(r"(^|[^=<>!~])=($|[^=])", version) or " " in m.group(2).strip():
        raise ValueError(
            f"conda spec {spec!r}: write versions with pip-style operators (>=, ==, <, ...), "
            "not conda's single '=' or 'name version build', so both files can be compared."
        )
    name = CONDA_TO_PYPI.get(canonicalize_name(name), name)
    return canonicalize_name(name), SpecifierSet(version)


def environment_packages(env: dict) -> tuple[dict[str, SpecifierSet], SpecifierSet | None]:
    """Packages (name -> version bounds) declared in a parsed environment.yml, and its python."""
    packages: dict[str, SpecifierSet] = {}
    python = None
    for spec in env.get("dependencies", []):
        name, specifier = _conda_requirement(spec)
        if name == "python":
            python = specifier
        elif name not in CONDA_ONLY:
            if name in packages:
                raise ValueError(f"environment.yml lists {name!r} twice")
            packages[name] = specifier
    for spec in env.get("pip", []):
        if spec.startswith(("-", ".")):
            continue  # the project itself (-e .) or a pip option
        req = Requirement(spec)
        name = canonicalize_name(req.name)
        if name in packages:
            raise ValueError(f"environment.yml lists {name!r} twice")
        packages[name] = req.specifier
    return packages, python


def pyproject_packages(data: dict) -> dict[str, SpecifierSet]:
    """Packages (name -> version bounds) in a parsed pyproject.toml: core plus every extra.

    A package in several places (core and an extra, or two extras) must carry the same bounds
    everywhere, otherwise ``ValueError``.
    """
    project = data["project"]
    specs = list(project.get("dependencies", []))
    for extra in project.get("optional-dependencies", {}).values():
        specs.extend(extra)
    packages: dict[str, SpecifierSet] = {}
    for spec in specs:
        req = Requirement(spec)
        name = canonicalize_name(req.name)
        if name == PROJECT_NAME:
            continue  # an extra that includes another extra
        if name in packages and packages[name] != req.specifier:
            raise ValueError(
                f"pyproject.toml gives {req.name} two different version bounds: "
                f"{packages[name]} and {req.specifier}"
            )
        packages[name] = req.specifier
    return packages


def differences(py: dict[str, SpecifierSet], env: dict[str, SpecifierSet]) -> list[str]:
    """Human-readable differences between two name -> bounds maps (empty when they agree).

    Names must match exactly; versions are compared where both files give bounds.
    """
    problems = []
    for name in sorted(py.keys() - env.keys()):
        problems.append(f"{name} is in pyproject.toml but not in environment.yml")
    for name in sorted(env.keys() - py.keys()):
        problems.append(f"{name} is in environment.yml but not in pyproject.toml")
    for name in sorted(py.keys() & env.keys()):
        a, b = py[name], env[name]
        if str(a) and str(b) and a != b:
            problems.append(f"{name}: pyproject.toml says {a!s}, environment.yml says {b!s}")
    return problems


def readme_shell_lines() -> list[str]:
    """Lines inside fenced code blocks of README.md."""
    lines, inside = [], False
    for line in README.read_text(encoding="utf-8").splitlines():
        if line.strip().startswith("```"):
            inside = not inside
            continue
        if inside:
            lines.append(line.strip())
    return lines


def readme_command(marker: str) -> str:
    """The single README quick-start command (one shell line starting with
    ``python3 -m venv .venv``) that contains ``marker``."""
    found = [
        line
        for line in readme_shell_lines()
        if line.startswith("python3 -m venv .venv") and marker in line
    ]
    assert len(found) == 1, f"expected one README command containing {marker!r}, found {found}"
    return found[0]


@pytest.fixture(scope="module")
def pyproject() -> dict:
    with PYPROJECT.open("rb") as f:
        return tomllib.load(f)


@pytest.fixture(scope="module")
def environment() -> dict:
    return parse_environment_yml(ENVIRONMENT.read_text(encoding="utf-8"))


# --------------------------------------------------------------------------------------------
# pyproject.toml and environment.yml agree
# --------------------------------------------------------------------------------------------
class TestDependenciesAgree:
    def test_same_packages_and_versions(self, pyproject, environment):
        env_packages, _ = environment_packages(environment)
        problems = differences(pyproject_packages(pyproject), env_packages)
        assert not problems, "pyproject.toml and environment.yml disagree:\n" + "\n".join(problems)

    def test_same_python(self, pyproject, environment):
        _, python = environment_packages(environment)
        assert python is not None, "environment.yml must pin python"
        assert python == SpecifierSet(pyproject["project"]["requires-python"])

    def test_environment_installs_the_project(self, environment):
        assert environment.get("name") == "qitools"
        assert environment.get("channels") == ["conda-forge"]
        assert "pip" in environment["dependencies"], "pip must be listed to use a pip: section"
        assert "-e ." in environment.get("pip", []), "environment.yml must pip-install -e ."

    def test_core_dependencies(self, pyproject):
        core = {
            canonicalize_name(Requirement(s).name) for s in pyproject["project"]["dependencies"]
        }
        assert {"numpy", "pandas", "matplotlib"} <= core
        # The course and test tools stay optional: a team using only the library doesn't need them.
        assert not core & {"jupyterlab", "ipywidgets", "ipykernel", "pytest", "nbval"}

    def test_extras(self, pyproject):
        extras = pyproject["project"]["optional-dependencies"]
        names = {k: {canonicalize_name(Requirement(s).name) for s in v} for k, v in extras.items()}
        assert {"jupyterlab", "ipywidgets"} <= names["course"]
        assert {"pytest", "hypothesis", "nbval", "ipykernel"} <= names["test"]


class TestTheCheckerCanFail:
    """The comparison above must notice a package or a version bound that is in one file only."""

    ENV = """\
name: demo  # a comment
channels:
  - conda-forge
dependencies:
  - python>=3.11
  - pip
  - numpy>=1.24
  - matplotlib-base>=3.7
  - pip:
      - -e .
      - nbval>=0.11
"""
    PYPROJECT: ClassVar[dict] = {
        "project": {
            "dependencies": ["numpy>=1.24", "matplotlib>=3.7"],
            "optional-dependencies": {"test": ["nbval>=0.11", "qitools[other]"]},
        }
    }

    def test_parser(self):
        env = parse_environment_yml(self.ENV)
        assert env["name"] == "demo"
        assert env["channels"] == ["conda-forge"]
        assert env["pip"] == ["-e .", "nbval>=0.11"]
        packages, python = environment_packages(env)
        assert python == SpecifierSet(">=3.11")
        assert set(packages) == {"numpy", "matplotlib", "nbval"}

    def test_agreeing_files(self):
        env, _ = environment_packages(parse_environment_yml(self.ENV))
        assert differences(pyproject_packages(self.PYPROJECT), env) == []

    def test_package_in_pyproject_only(self):
        env, _ = environment_packages(parse_environment_yml(self.ENV))
        py = pyproject_packages(self.PYPROJECT)
        py["scipy"] = SpecifierSet(">=1.10")
        assert differences(py, env) == ["scipy is in pyproject.toml but not in environment.yml"]

    def test_package_in_environment_only(self):
        env, _ = environment_packages(parse_environment_yml(self.ENV + "      - Py_Yaml\n"))
        assert differences(pyproject_packages(self.PYPROJECT), env) == [
            "py-yaml is in environment.yml but not in pyproject.toml"
        ]

    def test_version_mismatch(self):
        env, _ = environment_packages(
            parse_environment_yml(self.ENV.replace("numpy>=1.24", "numpy>=1.26"))
        )
        assert differences(pyproject_packages(self.PYPROJECT), env) == [
            "numpy: pyproject.toml says >=1.24, environment.yml says >=1.26"
        ]

    def test_unpinned_on_one_side_is_not_a_version_mismatch(self):
        env, _ = environment_packages(
            parse_environment_yml(self.ENV.replace("numpy>=1.24", "numpy"))
        )
        assert differences(pyproject_packages(self.PYPROJECT), env) == []

    @pytest.mark.parametrize("spec", ["numpy=1.24", "numpy 1.24 py311_0"])
    def test_conda_only_syntax_is_refused(self, spec):
        with pytest.raises(ValueError, match="pip-style"):
            environment_packages(parse_environment_yml(self.ENV.replace("numpy>=1.24", spec)))

    def test_unreadable_yaml_is_refused(self):
        with pytest.raises(ValueError, match="cannot read"):
            parse_environment_yml(self.ENV + "dependencies {numpy}\n")

    def test_two_bounds_in_pyproject_are_refused(self):
        data = {
            "project": {
                "dependencies": ["numpy>=1.24"],
                "optional-dependencies": {"x": ["numpy>=2"]},
            }
        }
        with pytest.raises(ValueError, match="two different version bounds"):
            pyproject_packages(data)


# --------------------------------------------------------------------------------------------
# README, CI script and pytest configuration
# --------------------------------------------------------------------------------------------
class TestReadmeAndCI:
    def test_ci_runs_the_readme_test_command_verbatim(self):
        command = readme_command("pytest")
        ci_lines = [line.strip() for line in CI_RUN.read_text(encoding="utf-8").splitlines()]
        assert command in ci_lines, (
            f"The README's test command must appear, exactly and on its own line, in .ci/run:\n"
            f"{command}"
        )

    def test_test_command(self):
        command = readme_command("pytest")
        assert '-e ".[test]"' in command
        assert command.endswith("pytest")

    def test_course_command_opens_the_start_notebook(self):
        """The course command serves this folder (so exercises/ is reachable) and opens the index."""
        from qitools.lab import INDEX, lab_arguments

        command = readme_command("qitools course")
        assert '-e ".[course]"' in command
        assert command.endswith("&& .venv/bin/qitools course")
        assert INDEX == "notebooks/00_start_here.ipynb" and (ROOT / INDEX).is_file()
        args = lab_arguments(ROOT)
        assert f"--ServerApp.root_dir={ROOT}" in args and args[-1] == str(ROOT / INDEX)

    def test_readme_mentions_conda_and_windows(self):
        text = README.read_text(encoding="utf-8")
        assert "conda env create -f environment.yml" in text
        assert ".venv\\Scripts\\" in text

    def test_ci_script_is_strict_bash(self):
        text = CI_RUN.read_text(encoding="utf-8")
        assert text.startswith(("#!/usr/bin/env bash\n", "#!/bin/bash\n"))
        assert "set -euo pipefail" in text
        if os.name == "posix":
            assert CI_RUN.stat().st_mode & stat.S_IXUSR, ".ci/run must be executable"

    def test_pytest_runs_unit_tests_doctests_and_notebooks(self, pyproject):
        config = pyproject["tool"]["pytest"]["ini_options"]
        assert {"tests", "qitools", "notebooks"} <= set(config["testpaths"])
        addopts = config["addopts"]
        assert "--doctest-modules" in addopts
        assert "--nbval-lax" in addopts
        assert "--nbval-current-env" in addopts

    def test_only_qitools_is_packaged(self, pyproject):
        find = pyproject["tool"]["setuptools"]["packages"]["find"]
        assert find["include"] == ["qitools*"]

    def test_gitignore(self):
        entries = {
            line.strip().rstrip("/")
            for line in GITIGNORE.read_text(encoding="utf-8").splitlines()
            if line.strip() and not line.startswith("#")
        }
        expected = {
            ".venv", "__pycache__", "*.egg-info", ".pytest_cache", ".hypothesis",
            "build", "dist", ".ipynb_checkpoints",
        }
        assert expected <= entries, f"missing from .gitignore: {sorted(expected - entries)}"


# --------------------------------------------------------------------------------------------
# Tracked files and notebooks
# --------------------------------------------------------------------------------------------
#: Absolute paths that belong to one machine. Built from parts so this file does not match itself.
MACHINE_PATH = re.compile(r"(?<![\w.~-])/(?:" + "tmp|work|root|home|Users" + r")/")


def tracked_files() -> list[Path]:
    git = shutil.which("git")
    if git is None or not (ROOT / ".git").exists():
        pytest.skip("not a git checkout")
    out = subprocess.run(
        [git, "ls-files", "-z"], cwd=ROOT, capture_output=True, check=True
    ).stdout.decode("utf-8")
    return [ROOT / p for p in out.split("\0") if p]


def test_no_machine_specific_paths_in_tracked_files():
    offenders = []
    for path in tracked_files():
        if not path.is_file() or path.stat().st_size > 5_000_000:
            continue
        try:
            text = path.read_text(encoding="utf-8")
        except UnicodeDecodeError:
            continue  # binary file
        for lineno, line in enumerate(text.splitlines(), start=1):
            if MACHINE_PATH.search(line):
                offenders.append(f"{path.relative_to(ROOT)}:{lineno}: {line.strip()[:120]}")
    assert not offenders, "machine-specific paths (use relative paths):\n" + "\n".join(offenders)


def test_every_python_file_compiles_without_a_warning():
    """An invalid escape such as '\\s' in a string is a SyntaxWarning today and an error in a later Python."""
    import warnings

    problems = []
    for path in tracked_files():
        if path.suffix != ".py" or not path.is_file():
            continue
        with warnings.catch_warnings():
            warnings.simplefilter("error")
            try:
                compile(path.read_text(encoding="utf-8"), str(path), "exec")
            except (SyntaxError, SyntaxWarning) as exc:
                problems.append(f"{path.relative_to(ROOT)}: {exc}")
    assert not problems, "\n".join(problems)


def _notebooks() -> list[Path]:
    return sorted(p for p in NOTEBOOKS.rglob("*.ipynb") if ".ipynb_checkpoints" not in p.parts)


@pytest.mark.parametrize("path", _notebooks(), ids=lambda p: p.name)
def test_committed_notebook_has_no_errors(path):
    nb = json.loads(path.read_text(encoding="utf-8"))
    for i, cell in enumerate(nb["cells"]):
        for output in cell.get("outputs", []):
            assert output.get("output_type") != "error", f"cell {i} has an error output"
            text = "".join(output.get("text", ""))
            assert "Traceback" not in text, f"cell {i} shows a traceback"
            assert not MACHINE_PATH.search(json.dumps(output)), f"cell {i} shows a machine path"


def test_start_here_is_committed_with_checked_outputs():
    nb = json.loads(START_HERE.read_text(encoding="utf-8"))
    checked = [
        c for c in nb["cells"]
        if c["cell_type"] == "code" and "".join(c["source"]).startswith("# NBVAL_CHECK_OUTPUT")
    ]
    assert checked, "00_start_here.ipynb needs a cell marked # NBVAL_CHECK_OUTPUT"
    for cell in checked:
        assert cell["outputs"], "a # NBVAL_CHECK_OUTPUT cell must be committed with its output"
