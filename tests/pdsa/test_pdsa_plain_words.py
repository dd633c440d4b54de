"""Messages in the words of whoever reads them: options on the command line, labels in the form.

A nurse at the terminal types ``--start`` and ``--by``; a message that says ``start_date`` or
``by_when`` (the Python names) or advises ``store.load()`` or ``qi.pdsa.open()`` names things
they never typed and cannot act on. The same check, in Python, keeps the Python names.
"""

from __future__ import annotations

import dataclasses
import re
import sqlite3

import pytest

import qitools as qi
from qitools.cli import main

#: Python spellings a command-line user never types
PYTHON_WORDS = re.compile(
    r"\b(?:by_when|how_much|for_whom|start_date|end_date|study_date|act_date|plan_date|due_date|scale_n|"
    r"prediction_held|change_idea|what_happened|data_to_collect|act_notes)\b|store\.load|qi\.pdsa\.|\w+=\.\.\."
)


def run(capsys, *argv: str) -> tuple[int, str, str]:
    code = main(["pdsa", *argv])
    out, err = capsys.readouterr()
    return code, out, err


@pytest.fixture
def team(tmp_path, project):
    path = str(tmp_path / "team.pdsa")
    with qi.pdsa.open(path, user="Setup") as s:
        s.add_project(project)
    return path


@pytest.mark.parametrize(
    "argv, expected",
    [
        (["update-cycle", "{f}", "C10", "--start", "2207-01-05"], "--start of cycle 'C10' is 2207-01-05"),
        (["update-cycle", "{f}", "C10", "--start", "05/01/2024"], "--start of cycle 'C10' is not a date"),
        (["update-cycle", "{f}", "C10", "--end", "2024-11-01"], "ended (--end 2024-11-01) before it started (--start"),
        (["update-cycle", "{f}", "C10", "--learning", "x"], "record what happened (--what-happened) and the date the test ended (--end)"),
        (["update-cycle", "{f}", "C10", "--prediction-held", "maybe"], "--prediction-held must be one of"),
        (["update-cycle", "{f}", "C10", "--act", "adopted"], "--act must be one of 'adopt', 'adapt', 'abandon'"),
        (["update-cycle", "{f}", "C10", "--scale-n", "0"], "--scale-n of cycle 'C10' must be a whole number"),
        (["update-cycle", "{f}", "C10", "--ramp", "R9"], "Leave out --ramp to use the change idea's ramp"),
        (["add-cycle", "{f}", "--objective", "x", "--prediction", "p"], "set it with --idea"),
        (["edit-aim", "{f}", "--by", "2031-02-30"], "--by of the aim is not a date"),
        (["add-measure", "{f}", "--name", "m", "--chart", "pie"], "It is the chart type, as in `qitools chart --chart`"),
    ],
)  # fmt: skip
def test_command_line_messages_name_the_options(team, capsys, argv, expected):
    code, _, err = run(capsys, *[a.replace("{f}", team) for a in argv])
    assert code == 2 and expected in err, err
    assert not PYTHON_WORDS.search(err), err


def test_python_messages_keep_the_python_names(project):
    c = dataclasses.replace(project.cycle("C10"), start_date="2207-01-05", act="adopted")
    messages = " ".join(p.message for p in qi.pdsa.check(c, project))
    assert "`start_date` of cycle 'C10' is 2207-01-05" in messages and "`act` must be one of" in messages


def test_another_programs_database_is_named_in_command_line_words(tmp_path, capsys):
    other = tmp_path / "other.db"
    with sqlite3.connect(other) as conn:
        conn.execute("create table t(a)")
    code, _, err = run(capsys, "list", str(other))
    assert code == 2 and "made by another program" in err and "Give a file made by `qitools pdsa new`" in err
    assert not PYTHON_WORDS.search(err), err
    with pytest.raises(qi.QIToolsError, match=r"made by qi\.pdsa\.open\(\)"):
        qi.pdsa.open(other, readonly=True)


def test_history_shows_changes_in_words(team, capsys):
    assert run(capsys, "update-cycle", team, "C10", "--end", "2024-11-30", "--what-happened", "Audit done")[0] == 0
    code, out, _ = run(capsys, "history", team, "C10")
    assert "    end date: (empty) -> 2024-11-30" in out.splitlines()
    assert '    what happened: (empty) -> "Audit done"' in out.splitlines()
    assert "None" not in out and "end_date" not in out


def test_numbers_are_asked_for_in_words(team, capsys):
    with pytest.raises(SystemExit):
        main(["pdsa", "edit-aim", team, "--target", "about six"])
    err = capsys.readouterr().err
    assert "argument --target: invalid number value: 'about six'" in err and "float" not in err
    with pytest.raises(SystemExit):
        main(["pdsa", "update-cycle", team, "C10", "--scale-n", "six"])
    assert "invalid whole number value: 'six'" in capsys.readouterr().err


def test_help_is_for_users_not_developers(capsys):
    with pytest.raises(SystemExit):
        main(["pdsa", "--help"])
    out = capsys.readouterr().out
    assert "qitools pdsa new team.pdsa" in out and "exit status 2" in out
    assert ":mod:" not in out and "``" not in out and "argument parsing" not in out


def test_counts_in_words(team, capsys):
    code, out, _ = run(capsys, "fishbone", team, "--effect", "Falls at night", "--cause", "People: Agency staff")
    assert code == 0 and out.strip().endswith("1 category, 1 cause")
    code, out, _ = run(capsys, "process-map", team, "--step", "Patient falls")
    assert code == 0 and out.strip().endswith(": 1 step")


def test_a_stale_save_names_the_fields_in_words(team, capsys):
    with qi.pdsa.open(team, user="Colleague") as other:
        other.put(dataclasses.replace(other.load().cycle("C10"), end_date="2024-11-30", what_happened="Done"))
    code, _, err = run(capsys, "update-cycle", team, "C10", "--learning", "Mine", "--expect-version", "1")
    assert code == 2 and "(end date, what happened)" in err, err


def test_a_project_id_is_made_without_escape_sequences(tmp_path, capsys):
    path = str(tmp_path / "h.pdsa")
    code, out, _ = run(capsys, "new", path, "--title", "Falls \x1b]0;pwned\x07on \x1b[31mWard 7\x1b[0m")
    assert code == 0 and "project 'falls-on-ward-7' created" in out


def test_the_report_writes_a_scale_given_only_as_a_number(project):
    c = project.cycles[0]
    c.scale, c.scale_n = "", 10
    text = qi.pdsa.report(project, format="markdown", charts=False)
    assert "**Scale**: 10\n" in text and "(10)" not in text
