"""``benchmarks/bench_app.py`` runs (on a small upload; the 10,000-row timing is the script's job)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]

pytest.importorskip("ipywidgets")


def test_benchmark_runs_on_a_small_upload():
    proc = subprocess.run(
        [sys.executable, str(ROOT / "benchmarks" / "bench_app.py"), "--rows", "300", "--repeat", "1"],
        capture_output=True,
        text=True,
        timeout=300,
        cwd=ROOT,
    )
    assert proc.returncode == 0, proc.stdout[-3000:] + proc.stderr[-3000:]
    assert "the page: u chart of 300 points" in proc.stdout
    for row in ("read_measure", "chart", "upload"):
        assert f"\n{row} " in proc.stdout
