"""The ``qitools`` command line: a thin layer that prints the library's results and messages."""

from __future__ import annotations

import subprocess
import sys

import pandas as pd
import pytest

from qitools.cli import main


def test_chart_prints_summary_and_reading(tmp_path, capsys):
    path = tmp_path / "falls.csv"
    pd.DataFrame(
        {"month": range(1, 21), "falls": [3, 5, 4, 6, 5, 4, 6, 5, 3, 4, 8, 9, 8, 9, 10, 9, 8, 9, 10, 11]}
    ).to_csv(path, index=False)
    out_csv = tmp_path / "points.csv"
    assert main(["chart", str(path), "--x", "month", "--y", "falls", "--data-out", str(out_csv)]) == 0
    out = capsys.readouterr().out
    assert "Longest run " in out and "A signal of special-cause variation" in out
    assert len(pd.read_csv(out_csv)) == 20


def test_bad_input_exits_2_with_the_library_message(tmp_path, capsys):
    path = tmp_path / "perf.csv"
    pd.DataFrame({"m": [1, 2], "perf": ["85%", "90%"]}).to_csv(path, index=False)
    assert main(["chart", str(path), "--x", "m", "--y", "Perf", "--chart", "i"]) == 2
    err = capsys.readouterr().err
    assert err.startswith("qitools: Column 'Perf' (given as --y) is not in the data. Did you mean 'perf'?")
    assert "Traceback" not in err
    assert main(["chart", str(tmp_path / "missing.csv"), "--y", "x"]) == 2
    assert "No file at" in capsys.readouterr().err


def test_python_dash_m_runs_the_command():
    proc = subprocess.run([sys.executable, "-m", "qitools", "--help"], capture_output=True, text=True, timeout=60)
    assert proc.returncode == 0 and "chart" in proc.stdout


def test_auto_chart_and_small_count_suppression(tmp_path, capsys):
    path = tmp_path / "falls.csv"
    pd.DataFrame(
        {
            "month": [f"01/{m:02d}/2024" for m in range(1, 13)],
            "falls": [3, 5, 2, 4, 6, 3, 8, 7, 9, 6, 5, 4],
            "bed_days": ["1,480", "1,512", "1,490", "1,500", "1,475", "1,503"] * 2,
        }
    ).to_csv(path, index=False)
    out_csv = tmp_path / "points.csv"
    code = main(
        [
            "chart",
            str(path),
            "--x",
            "month",
            "--y",
            "falls",
            "--n",
            "bed_days",
            "--chart",
            "auto",
            "--multiply",
            "1000",
            "--suppress-small",
            "--data-out",
            str(out_csv),
        ]
    )
    assert code == 0
    out = capsys.readouterr().out
    assert out.startswith("Suggested chart: 'u' (count)")
    table = pd.read_csv(out_csv)
    assert table["count"].astype(str).tolist()[:3] == ["<5", "5", "<5"]
    assert table["y"].astype(str).tolist()[0] == "suppressed"


def test_chart_png_and_report_end_to_end_on_csv_and_xlsx(tmp_path):
    """The command a team runs: a messy export in, a PNG and a one-file HTML report out."""
    rows = [["Falls on Ash ward", None, None], ["Month", "Falls", "Occupied bed days"]]
    falls = [9, 11, 8, 12, 10, 9, 11, 13, 10, 9, 5, 4, 6, 3, 5, 4, 3, 5]
    for i, f in enumerate(falls):
        rows.append([f"01/{(i % 12) + 1:02d}/{2023 + i // 12}", f, f"{1450 + 7 * (i % 5):,}"])
    rows.append(["Total", sum(falls), None])
    csv_path = tmp_path / "ash.csv"
    pd.DataFrame(rows).to_csv(csv_path, header=False, index=False)
    xlsx_path = tmp_path / "ash.xlsx"
    pd.DataFrame(rows).to_excel(xlsx_path, header=False, index=False)
    for source in (csv_path, xlsx_path):
        png, report = tmp_path / f"{source.stem}.png", tmp_path / f"{source.stem}.html"
        proc = subprocess.run(
            [sys.executable, "-m", "qitools", "chart", str(source), "--x", "Month", "--y", "Falls",
             "--n", "Occupied bed days", "--chart", "auto", "--multiply", "1000", "--improvement", "decrease",
             "--out", str(png), "--report", str(report), "--suppress-small", "--title", "Falls, Ash ward"],
            capture_output=True, text=True, timeout=120,
        )
        assert proc.returncode == 0, proc.stderr
        assert "Suggested chart: 'u'" in proc.stdout and "A signal of special-cause variation" in proc.stdout
        assert png.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
        from PIL import Image

        assert "A signal of special-cause variation" in Image.open(png).info.get("Description", "")
        page = report.read_text(encoding="utf-8")
        assert page.startswith("<!DOCTYPE html>") and "data:image/png;base64," in page
        assert "Falls, Ash ward" in page and "&lt;5" in page and "What the chart says" in page
        assert str(tmp_path) not in page  # no machine paths in what is shared


def test_report_refuses_a_wrong_suffix(tmp_path):
    import qitools as qi

    cc = qi.control_chart(y=[5.1, 4.8, 5.3, 4.9, 5.2, 5.0, 4.7, 5.4, 5.1, 4.9], chart="i")
    with pytest.raises(qi.QIValueError, match="ending in .html"):
        qi.chart_report(cc, tmp_path / "report.pdf")


@pytest.mark.parametrize(
    "argv, usage, hint",
    [
        (["chart", "data.csv", "--y", "falls", "--improvment", "decrease"], "qitools chart", "did you mean --improvement?"),
        (["pdsa", "list", "team.pdsa", "--projekt", "falls"], "qitools pdsa list", "did you mean --project?"),
    ],
)
def test_an_unknown_option_gets_the_subcommands_usage_and_the_closest_option(argv, usage, hint, capsys):
    with pytest.raises(SystemExit) as exit_:
        main(argv)
    assert exit_.value.code == 2
    err = capsys.readouterr().err
    assert err.startswith(f"usage: {usage} ")
    assert hint in err and f"see '{usage} --help'" in err
