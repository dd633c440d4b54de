"""The README's "Recording PDSA cycles" section runs as written: its Python block and its commands."""

from __future__ import annotations

import re
import shlex
from pathlib import Path

import matplotlib
import pytest

import qitools as qi
from qitools.cli import main

matplotlib.use("Agg")

README = Path(__file__).resolve().parents[2] / "README.md"


def _section() -> str:
    text = README.read_text(encoding="utf-8")
    start = text.index("### Recording PDSA cycles")
    return text[start : text.index("\n### ", start + 10)]


def test_the_python_block_runs(tmp_path, monkeypatch, capsys):
    monkeypatch.chdir(tmp_path)
    (code,) = re.findall(r"```python\n(.*?)```", _section(), re.S)
    exec(compile(code, "README.md", "exec"), {})
    out = capsys.readouterr().out
    assert "cause and effect diagram    CE1  added" in out and "C1  decision due  2024-02-16" in out
    with qi.pdsa.open("team.pdsa", readonly=True) as store:
        p = store.load()
    assert p.aim.measure == "M1" and "falls.csv" in p.data and p.measure("M1").sampling == "Every fall"
    html = (tmp_path / "falls.html").read_text(encoding="utf-8")
    assert html.count("data:image/png;base64,") == 4  # chart, ramps, driver diagram, fishbone
    assert 'alt="Cause and effect diagram CE1"' in html


def test_the_commands_run(tmp_path, monkeypatch, capsys):
    monkeypatch.chdir(tmp_path)
    qi.pdsa.example_data().to_csv("falls.csv", index=False)
    commands, fence = [], None
    for line in _section().splitlines():
        if line.startswith("```"):
            fence = None if fence is not None else line[3:].strip()
        elif fence == "" and line.startswith("qitools pdsa"):
            commands.append(line.split("  #")[0])
    assert len(commands) >= 12
    for line in commands:
        argv = shlex.split(line)[1:]
        code = main(argv)
        out, err = capsys.readouterr()
        assert code == 0, (line, err)
    assert {p.name for p in tmp_path.iterdir()} >= {"report.html", "falls-chart-M1.png", "falls-ramps.png"}
    with qi.pdsa.open("team.pdsa", readonly=True) as store:
        p = store.load()
    assert [c.id for c in p.cycles] == ["C1"] and p.cycle("C1").act == "adapt"
    assert p.process_map("PM1").steps[2] == {"step": "Wait for a doctor", "kind": "delay", "wait": "45 minutes"}


@pytest.mark.parametrize(
    "word", ["QIConflictError", "set-name", "--journal delete", "--expect-version", "project_form"]
)
def test_the_section_names_the_sharing_features(word):
    assert word in _section()
