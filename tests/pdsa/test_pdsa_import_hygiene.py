"""``qitools.pdsa`` is there after ``import qitools`` without loading matplotlib or ipywidgets."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]

PROBE = """
import json, sys
import qitools
store = qitools.pdsa.open(":memory:")
store.add_project(qitools.pdsa.example_project())
qitools.pdsa.report(store.load(), charts=False)
import qitools.widgets
heavy = ("matplotlib", "ipywidgets", "IPython", "scipy")
print(json.dumps(sorted(m for m in sys.modules if m.split(".")[0] in heavy)))
"""


def test_pdsa_and_widgets_packages_stay_light():
    result = subprocess.run([sys.executable, "-c", PROBE], cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout.strip().splitlines()[-1]) == []
