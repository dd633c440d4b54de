"""``import qitools`` must stay light: no plotting, notebook or SciPy imports.

Plotting (matplotlib), notebook front-ends (IPython, ipywidgets) and SciPy load on first use, so
that ``import qitools`` is quick in a script, a CLI call or a grading run, and so that the engine
(``qitools.spc``) never depends on the layers above it (STYLE.md section 1).

Each check runs in a fresh interpreter: in this pytest process other tests may already have
imported matplotlib.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]

#: Modules that must not be loaded as a side effect of importing qitools.
HEAVY = ("matplotlib", "IPython", "ipywidgets", "scipy")

_PROBE = """
import json, sys
import {module}
heavy = {heavy!r}
print(json.dumps(sorted(m for m in sys.modules if m.split(".")[0] in heavy)))
"""


def _modules_loaded_by(module: str) -> list[str]:
    result = subprocess.run(
        [sys.executable, "-c", _PROBE.format(module=module, heavy=HEAVY)],
        cwd=ROOT,  # so the working tree's qitools is found even without an install
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert result.returncode == 0, f"`import {module}` failed:\n{result.stderr}"
    return json.loads(result.stdout.strip().splitlines()[-1])


@pytest.mark.parametrize("module", ["qitools", "qitools.spc"])
def test_import_does_not_load_heavy_modules(module):
    loaded = _modules_loaded_by(module)
    assert not loaded, (
        f"`import {module}` loaded {loaded}; import these lazily (inside the function that "
        "needs them), never at module level."
    )
