"""The benchmark script runs, and qitools agrees with its independent numpy floor.

Timings are not asserted here (timed tests are flaky on shared machines); the script's exit status
is 0 only when qitools and the floor agree on every workload (limits, signals, runs counts, and the
Making Data Count rules, point types and icons).
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def test_benchmark_quick_run_agrees_with_numpy_floor():
    proc = subprocess.run(
        [sys.executable, str(ROOT / "benchmarks" / "bench_spc.py"), "--quick", "--repeat", "1"],
        capture_output=True,
        text=True,
        timeout=300,
        cwd=ROOT,
    )
    assert proc.returncode == 0, proc.stdout[-3000:] + proc.stderr[-3000:]
    assert proc.stdout.count(": agree") == 4, proc.stdout[-3000:]
