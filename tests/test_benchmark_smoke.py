"""The benchmark script runs, and qitools agrees with its independent numpy floor.

Timings are not asserted here (timed tests are flaky on shared machines); the script's exit status
is 0 only when qitools and the floor agree on every workload (limits, signals, runs counts, and the
Making Data Count rules, point types and icons, and the funnel-plot limits).
"""

from __future__ import annotations

import importlib.util
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def _n_workloads() -> int:
    spec = importlib.util.spec_from_file_location("bench_spc", ROOT / "benchmarks" / "bench_spc.py")
    module = importlib.util.module_from_spec(spec)
    sys.modules["bench_spc"] = module  # dataclasses need the module registered
    spec.loader.exec_module(module)
    return len(module.WORKLOADS)


def test_benchmark_quick_run_agrees_with_numpy_floor():
    proc = subprocess.run(
        [sys.executable, str(ROOT / "benchmarks" / "bench_spc.py"), "--quick", "--repeat", "1"],
        capture_output=True,
        text=True,
        timeout=300,
        cwd=ROOT,
    )
    assert proc.returncode == 0, proc.stdout[-3000:] + proc.stderr[-3000:]
    assert proc.stdout.count(": agree") == _n_workloads(), proc.stdout[-3000:]
