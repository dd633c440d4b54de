"""The ``qitools`` command line: a thin layer that prints the library's results and messages."""

from __future__ import annotations

import subprocess
import sys

import pandas as pd

from qitools.cli import main


def test_chart_prints_summary_and_reading(tmp_path, capsys):
    path = tmp_path / "falls.csv"
    pd.DataFrame(
        {"month": range(1, 21), "falls": [3, 5, 4, 6, 5, 4, 6, 5, 3, 4, 8, 9, 8, 9, 10, 9, 8, 9, 10, 11]}
    ).to_csv(path, index=False)
    out_csv = tmp_path / "points.csv"
    assert main(["chart", str(path), "--x", "month", "--y", "falls", "--data-out", str(out_csv)]) == 0
    out = capsys.readouterr().out
    assert "longest_run" in out and "Special-cause variation" in out
    assert len(pd.read_csv(out_csv)) == 20


def test_bad_input_exits_2_with_the_library_message(tmp_path, capsys):
    path = tmp_path / "perf.csv"
    pd.DataFrame({"m": [1, 2], "perf": ["85%", "90%"]}).to_csv(path, index=False)
    assert main(["chart", str(path), "--x", "m", "--y", "perf", "--chart", "i"]) == 2
    err = capsys.readouterr().err
    assert err.startswith("qitools: Column 'perf' (y) must hold numbers") and "Traceback" not in err
    assert main(["chart", str(tmp_path / "missing.csv"), "--y", "x"]) == 2
    assert "No file at" in capsys.readouterr().err


def test_python_dash_m_runs_the_command():
    proc = subprocess.run([sys.executable, "-m", "qitools", "--help"], capture_output=True, text=True, timeout=60)
    assert proc.returncode == 0 and "chart" in proc.stdout
