"""Shared fixtures for the qitools test-suite.

* ``rng``: a seeded numpy Generator, so that every random test is reproducible.
* ``data_dir``: the folder of reference tables (``tests/data``), located from this file
  so that the suite runs from any working directory and any clone.
* ``assert_limits_close``: compares control limits allowing for a documented difference
  in control-chart constants (see the function's docstring).
* an autouse fixture that closes matplotlib figures after each test, without importing
  matplotlib when a test did not use it (``import qitools`` must not pull it in).
* a deterministic Hypothesis profile ("qitools"), loaded by default, and a bigger random one
  ("qitools-nightly") chosen with ``--hypothesis-profile=qitools-nightly``.
"""

from __future__ import annotations

import sys
from pathlib import Path

import numpy as np
import pytest

try:  # Hypothesis is a test dependency; keep conftest importable without it.
    from hypothesis import HealthCheck, settings

    settings.register_profile(
        "qitools",
        derandomize=True,  # same examples on every run and every machine
        deadline=None,
        max_examples=40,
        print_blob=True,
        suppress_health_check=[HealthCheck.too_slow],
    )
    # By hand (README, "Testing"): ten times the examples, new random ones each run, so a nightly run
    # explores what CI's fixed examples do not (tests/test_fuzz_public_api.py scales by max_examples).
    settings.register_profile(
        "qitools-nightly",
        derandomize=False,
        deadline=None,
        max_examples=400,
        print_blob=True,
        suppress_health_check=[HealthCheck.too_slow],
    )
    settings.load_profile("qitools")
except ImportError:  # pragma: no cover
    pass

DATA_DIR = Path(__file__).parent / "data"

#: tests/data holds reference values and fixtures, and the scripts that made some of them (run by hand,
#: with packages the test extra does not have): never collected (--doctest-modules would import them)
collect_ignore = ["data"]

RNG_SEED = 20240601


def pytest_configure(config):
    """Register the markers used in the suite (``--strict-markers`` is on)."""
    config.addinivalue_line(
        "markers", "slow: a test that takes more than a few seconds (building a wheel); deselect with -m 'not slow'"
    )


@pytest.fixture
def rng() -> np.random.Generator:
    """A seeded random generator (fresh for each test)."""
    return np.random.default_rng(RNG_SEED)


@pytest.fixture(scope="session")
def data_dir() -> Path:
    """Folder holding the reference tables (see tests/data/README.md)."""
    return DATA_DIR


@pytest.fixture(autouse=True)
def _close_figures():
    """Close any matplotlib figures a test left open.

    Harmless without matplotlib: it is only touched if a test already imported it.
    """
    yield
    plt = sys.modules.get("matplotlib.pyplot")
    if plt is not None:
        plt.close("all")


def assert_limits_close(ours, ref, cl, rtol_halfwidth, atol=0.0, err_msg=""):
    """Assert control limits agree, allowing a relative error on the half-width.

    qitools computes control-chart constants exactly (d2(2) = 2/sqrt(pi) = 1.1283792,
    D4(2) = 3.26653) where qicharts2 and several textbooks use rounded table values
    (1.128, 3.267, 2.66). The centre line is unaffected, but the distance between a limit
    and the centre line (the half-width) then differs by up to ~5e-4 relative. So this
    checks, element-wise::

        |ours - ref| <= rtol_halfwidth * |ref - cl| + 1e-9 * max(1, |ref|) + atol

    ``atol`` adds the rounding tolerance of a printed reference value. Where ``ref`` is
    exactly 0 (a lower limit clipped at zero), ``ours`` must be 0 too. NaN must match NaN.
    """
    ours = np.asarray(ours, dtype=float)
    ref = np.asarray(ref, dtype=float)
    cl = np.broadcast_to(np.asarray(cl, dtype=float), ref.shape)
    ours = np.broadcast_to(ours, ref.shape)
    nan_ref, nan_ours = np.isnan(ref), np.isnan(ours)
    assert np.array_equal(nan_ref, nan_ours), (
        f"{err_msg}: missing limits differ at positions {np.flatnonzero(nan_ref != nan_ours)}"
    )
    ok = ~nan_ref
    clipped = ok & (ref == 0.0)
    if clipped.any():
        np.testing.assert_allclose(
            ours[clipped], 0.0, rtol=0, atol=1e-12,
            err_msg=f"{err_msg}: reference limit is clipped at 0, ours must be 0 too",
        )
    tol = rtol_halfwidth * np.abs(ref - cl) + 1e-9 * np.maximum(1.0, np.abs(ref)) + atol
    diff = np.abs(ours - ref)
    bad = ok & ~(diff <= tol)
    if bad.any():
        idx = np.flatnonzero(bad)[:10]
        lines = [
            f"  [{i}] ours={ours[i]!r} ref={ref[i]!r} cl={cl[i]!r} |diff|={diff[i]:.3g} tol={tol[i]:.3g}"
            for i in idx
        ]
        raise AssertionError(
            f"{err_msg}: {bad.sum()} of {ok.sum()} limits differ beyond "
            f"rtol_halfwidth={rtol_halfwidth} (+atol={atol}):\n" + "\n".join(lines)
        )


@pytest.fixture(name="assert_limits_close", scope="session")
def _assert_limits_close_fixture():
    """The :func:`assert_limits_close` helper, as a fixture for the test modules."""
    return assert_limits_close


# ------------------------------------------------------------------------------------------------
# qitools as a user installs it: a wheel, built once per session, in a fresh virtual environment


class InstalledWheel:
    """A wheel built from a copy of the source and installed into a fresh venv (see the fixture)."""

    def __init__(self, wheel: Path, env: Path, python: Path, elsewhere: Path) -> None:
        self.wheel, self.env, self.python, self.elsewhere = wheel, env, python, elsewhere

    def run(self, code: str) -> str:
        """Run ``code`` with the venv's Python in a folder outside the source; return its last line."""
        import os
        import subprocess

        clean_env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "PYTHONHOME")}
        probe = subprocess.run(
            [str(self.python), "-c", code], cwd=self.elsewhere, capture_output=True, text=True, timeout=300,
            check=False, env=clean_env,
        )  # fmt: skip
        assert probe.returncode == 0, probe.stderr
        return probe.stdout.strip().splitlines()[-1]


@pytest.fixture(scope="session")
def installed_wheel(tmp_path_factory) -> InstalledWheel:
    """qitools built as a wheel and installed (qitools from the wheel, its dependencies from here).

    The source copy includes ``exercises/coach/`` so that tests can show the wheel leaves it out.
    The dependencies (numpy, pandas, ...) come from the environment running the tests, whatever
    Python it was made from: a venv's ``system_site_packages`` would reach the *base* interpreter's
    site-packages instead, which has pandas only on some machines. A ``.pth`` line adds this
    environment's site-packages as a plain path; its own ``.pth`` files (an editable install of
    qitools among them) are not processed, so the checkout stays out of reach.
    """
    import os
    import shutil
    import subprocess
    import sysconfig
    import venv

    root = tmp_path_factory.mktemp("wheel")
    src, wheels, env, elsewhere = (root / d for d in ("src", "wheels", "venv", "elsewhere"))
    src.mkdir()
    elsewhere.mkdir()
    repo = Path(__file__).resolve().parents[1]
    ignore = shutil.ignore_patterns("__pycache__", "*.pyc", "*.egg-info", "build", "dist", ".venv", ".ipynb_checkpoints")
    for item in ("pyproject.toml", "README.md", "qitools", "datasets", "notebooks", "exercises"):
        if (repo / item).is_dir():
            shutil.copytree(repo / item, src / item, ignore=ignore)
        else:
            shutil.copy2(repo / item, src / item)

    def pip_wheel(*extra: str) -> subprocess.CompletedProcess:
        cmd = [sys.executable, "-m", "pip", "wheel", str(src), "--no-deps", "-q", "-w", str(wheels), *extra]
        return subprocess.run(cmd, capture_output=True, text=True, timeout=300, check=False)

    built = pip_wheel()
    if built.returncode != 0:  # offline: build with the setuptools already installed, if it can
        built = pip_wheel("--no-build-isolation")
    assert built.returncode == 0, f"pip wheel failed:\n{built.stdout}\n{built.stderr}"
    (wheel,) = wheels.glob("qitools-*.whl")

    venv.EnvBuilder(system_site_packages=False, with_pip=False, clear=True).create(env)
    python = env / ("Scripts" if os.name == "nt" else "bin") / ("python.exe" if os.name == "nt" else "python")
    target_site = subprocess.run(
        [str(python), "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
        capture_output=True, text=True, timeout=60, check=True,
    ).stdout.strip()  # fmt: skip
    ours = {sysconfig.get_paths()[k] for k in ("purelib", "platlib")}
    Path(target_site, "_qitools_test_deps.pth").write_text("\n".join(sorted(ours)) + "\n", encoding="utf-8")
    install = subprocess.run(
        [sys.executable, "-m", "pip", "--python", str(python), "install", "--no-deps", "--ignore-installed",
         "--no-index", "-q", str(wheel)],
        capture_output=True, text=True, timeout=300, check=False,
    )  # fmt: skip
    assert install.returncode == 0, f"pip install failed:\n{install.stdout}\n{install.stderr}"
    return InstalledWheel(wheel, env, python, elsewhere)
