"""The ``qitools pdsa`` command: a team's file kept from the terminal, messages as the library's."""

from __future__ import annotations

import json

import pytest

import qitools as qi
from qitools.cli import SUBCOMMANDS, main


def run(capsys, *argv: str) -> tuple[int, str, str]:
    code = main(["pdsa", *argv])
    out, err = capsys.readouterr()
    return code, out, err


@pytest.fixture
def team(tmp_path, capsys):
    path = str(tmp_path / "team.pdsa")
    code, out, _ = run(
        capsys,
        "new",
        path,
        "--title",
        "Fewer falls",
        "--what",
        "Reduce falls",
        "--how-much",
        "by 30%",
        "--by",
        "2025-03-31",
        "--for-whom",
        "patients on Ward 7",
    )
    assert code == 0 and "project 'fewer-falls' created" in out
    return path


def test_registered_as_a_subcommand():
    assert "pdsa" in SUBCOMMANDS and "chart" in SUBCOMMANDS


def test_a_whole_cycle_from_the_terminal(team, capsys, tmp_path):
    assert (
        run(
            capsys,
            "add-measure",
            team,
            "--name",
            "Falls per 1000 bed days",
            "--x",
            "month",
            "--y",
            "falls",
            "--n",
            "bed_days",
            "--chart",
            "u",
            "--multiply",
            "1000",
            "--definition",
            "All falls",
        )[0]
        == 0
    )
    assert run(capsys, "add-driver", team, "Patients watched")[1] == "primary driver P1 added: Patients watched\n"
    assert run(capsys, "add-driver", team, "Staff in bays", "--parent", "P1")[1].startswith("secondary driver S1")
    assert run(capsys, "add-idea", team, "Bay tagging", "--driver", "S1")[1] == "change idea CI1 added: Bay tagging\n"
    code, out, err = run(
        capsys,
        "add-cycle",
        team,
        "--idea",
        "CI1",
        "--objective",
        "Tag one bay",
        "--scale",
        "1 bay",
        "--scale-n",
        "6",
        "--start",
        "2024-02-05",
        "--measure",
        "M1",
    )
    assert (code, out) == (0, "cycle C1 added (ramp R1, in progress)\n")
    assert err.startswith("note: Cycle 'C1' has no prediction. Without a prediction it is not a test")
    code, out, err = run(
        capsys,
        "update-cycle",
        team,
        "C1",
        "--prediction",
        "No falls in the bay",
        "--end",
        "2024-02-11",
        "--what-happened",
        "Done",
        "--results",
        "No falls",
        "--act",
        "adopt",
    )
    assert (code, out, err) == (0, "cycle C1 updated (version 2, adopt)\n", "")
    code, out, _ = run(capsys, "list", team)
    assert code == 0 and "Aim: Reduce falls by 30% for patients on Ward 7 by 31 March 2025." in out
    assert "C1" in out and "adopt" in out
    code, out, _ = run(capsys, "show", team, "C1")
    assert "### C1: Bay tagging (1 bay)" in out and "- Prediction: No falls in the bay" in out

    with qi.pdsa.open(team) as store:
        c = store.load().cycle("C1")
    assert (c.predictions, c.scale_n, c.act, c.measure) == (["No falls in the bay"], 6, "adopt", "M1")


def test_errors_exit_2_with_the_library_message(team, capsys):
    run(capsys, "add-idea", team, "Bay tagging")
    code, out, err = run(capsys, "add-cycle", team, "--idea", "CI1", "--objective", "x", "--act", "adopted")
    assert code == 2 and out == ""
    assert "qitools: Cycle 'C1' has 2 problems; nothing was saved" in err and "Did you mean 'adopt'?" in err
    assert "Traceback" not in err
    code, _, err = run(capsys, "update-cycle", team, "C9", "--act", "adopt")
    assert code == 2 and "has no cycle 'C9'" in err
    code, _, err = run(capsys, "list", team + ".missing")
    assert code == 2 and "No PDSA file at" in err and "qitools pdsa new" in err


def test_export_import_and_report(team, capsys, tmp_path, project):
    path = tmp_path / "falls.json"
    qi.pdsa.to_json(project, path)
    code, out, _ = run(capsys, "import", team, str(path))
    assert code == 0 and "project 'ward-falls' imported" in out and "10 cycles" in out
    code, out, _ = run(capsys, "list", team)
    assert "Several projects: add --project ID" in out
    out_json = tmp_path / "again.json"
    assert run(capsys, "export", team, str(out_json), "--project", "ward-falls")[0] == 0
    assert qi.pdsa.load_json(out_json) == project
    out_csv = tmp_path / "cycles.csv"
    assert run(capsys, "export", team, str(out_csv), "--project", "ward-falls")[0] == 0
    assert qi.pdsa.read_csv(out_csv) == project.cycles
    data = tmp_path / "falls.csv"
    qi.pdsa.example_data().to_csv(data, index=False)
    report = tmp_path / "report.html"
    code, out, _ = run(capsys, "report", team, str(report), "--project", "ward-falls", "--data", str(data))
    assert code == 0 and report.read_text(encoding="utf-8").count("data:image/png;base64,") == 3
    code, _, err = run(capsys, "import", team, str(path))
    assert code == 2 and "already has a project 'ward-falls'" in err and "import with --replace" in err
    assert run(capsys, "import", team, str(path), "--replace")[0] == 0


def test_import_a_bad_file(team, capsys, tmp_path):
    path = tmp_path / "bad.json"
    path.write_text(json.dumps({"title": "x", "cycles": [{"id": "C1", "plan": {"objectiv": "x"}}]}))
    code, _, err = run(capsys, "import", team, str(path))
    assert code == 2 and "Unknown field plan.objectiv in cycle 'C1'. Did you mean 'objective'?" in err


def test_no_action_prints_help(capsys):
    code, out, _ = run(capsys)
    assert code == 2 and "add-cycle" in out and "update-cycle" in out


# -- the whole Model for Improvement record from the terminal --------------------------------------------
def test_aim_with_measure_baseline_and_target(tmp_path, capsys):
    path = str(tmp_path / "team.pdsa")
    code, out, err = run(capsys, "new", path, "--title", "Fewer falls", "--what", "Reduce falls", "--how-much",
                         "by 30%", "--by", "2031-03-31", "--for-whom", "Ward 7", "--baseline", "8", "--target", "5.6")  # fmt: skip
    assert code == 0 and err == ""
    assert run(capsys, "add-measure", path, "--name", "Falls per 1000 bed days", "--definition", "All falls")[0] == 0
    code, out, _ = run(capsys, "edit-aim", path, "--measure", "M1", "--how-much", "by 30% (8 to 5.6)")
    assert code == 0 and "aim updated (version 2)" in out
    aim = qi.pdsa.open(path, readonly=True).load().aim
    assert (aim.measure, aim.baseline, aim.target, aim.how_much) == ("M1", 8.0, 5.6, "by 30% (8 to 5.6)")
    code, _, err = run(capsys, "edit-aim", path, "--measure", "M9")
    assert code == 2 and "refers to measure 'M9'" in err
    code, out, _ = run(capsys, "edit-project", path, "--team", "Ward 7 falls group")
    assert code == 0 and qi.pdsa.open(path, readonly=True).load().team == "Ward 7 falls group"


def test_aim_warnings_are_notes(tmp_path, capsys):
    path = str(tmp_path / "team.pdsa")
    code, _, err = run(capsys, "new", path, "--title", "Falls", "--what", "Reduce falls", "--how-much", "a lot",
                       "--by", "2001-03-31", "--for-whom", "Ward 7")  # fmt: skip
    assert code == 0
    assert "note: The aim's date (2001-03-31) has already passed" in err
    assert "note: The aim has no number ('a lot')" in err


def test_measures_drivers_ideas_updated_and_removed(tmp_path, capsys, project):
    path = str(tmp_path / "team.pdsa")
    qi.pdsa.open(path).add_project(project)
    code, out, _ = run(capsys, "update-measure", path, "M1", "--data-source", "Datix", "--collected-by", "Ward clerk",
                       "--frequency", "monthly", "--sampling", "every fall", "--missing", "no bed days: left out")  # fmt: skip
    assert code == 0 and "measure M1 updated (version 2)" in out
    code, out, _ = run(capsys, "show", path, "M1")
    assert "- Data source: Datix" in out and "- What counts as missing: no bed days: left out" in out
    assert "--expect-version 2" in out
    assert run(capsys, "update-driver", path, "S4", "--text", "Risk assessed within 6 hours")[0] == 0
    assert run(capsys, "update-idea", path, "CI4", "--driver", "S4", "--driver", "S3")[0] == 0
    p = qi.pdsa.open(path, readonly=True).load()
    assert p.measure("M1").sampling == "every fall" and p.change_idea("CI4").drivers == ["S4", "S3"]
    code, _, err = run(capsys, "remove", path, "C7")
    assert code == 2 and "Cannot remove cycle 'C7': cycle 'C10' refers to it" in err
    code, out, _ = run(capsys, "remove", path, "C10")
    assert code == 0 and "cycle C10 removed" in out
    assert run(capsys, "remove", path, "CI4")[0] == 0
    p = qi.pdsa.open(path, readonly=True).load()
    assert "C10" not in [c.id for c in p.cycles] and "CI4" not in [c.id for c in p.change_ideas]


def test_fishbone_and_process_map(tmp_path, capsys, project):
    path = str(tmp_path / "team.pdsa")
    qi.pdsa.open(path).add_project(project)
    code, out, _ = run(capsys, "fishbone", path, "--effect", "Falls at night", "--cause", "People: Agency staff",
                       "--cause", "People: Fatigue > 12-hour shifts; no breaks", "--cause", "Environment: Dim lights")  # fmt: skip
    assert code == 0 and "cause and effect diagram CE1 saved (version 1): 2 categories, 5 causes" in out
    code, out, _ = run(capsys, "process-map", path, "--title", "Night toileting", "--step", "Patient wakes",
                       "--step", "decision: Call bell in reach? | yes: Nurse comes | no: end",
                       "--step", "delay: Wait for a nurse | 6 minutes", "--step", "Nurse comes")  # fmt: skip
    assert code == 0 and "process map PM1 saved (version 1): 4 steps" in out
    p = qi.pdsa.open(path, readonly=True).load()
    assert p.cause_effect("CE1").categories == {
        "People": ["Agency staff", {"Fatigue": ["12-hour shifts", "no breaks"]}],
        "Environment": ["Dim lights"],
    }
    assert p.process_map("PM1").steps == [
        "Patient wakes",
        {"step": "Call bell in reach?", "kind": "decision", "yes": "Nurse comes", "no": "end"},
        {"step": "Wait for a nurse", "kind": "delay", "wait": "6 minutes"},
        "Nurse comes",
    ]
    spec = tmp_path / "fish.json"
    spec.write_text(json.dumps({"effect": "Falls by day", "categories": {"Methods": ["No toileting rounds"]}}))
    code, out, _ = run(capsys, "fishbone", path, "--from", str(spec), "--id", "CE1")
    assert code == 0 and "CE1 saved (version 2)" in out
    code, _, err = run(capsys, "fishbone", path, "--effect", "x", "--cause", "no category")
    assert code == 2 and "has no category" in err
    code, out, _ = run(capsys, "process-map", path, "--title", "Two endings", "--step", "Patient wakes",
                       "--step", "decision: Needs the toilet? | no: Settles back to sleep",
                       "--step", "delay: Wait for a nurse | 6 minutes", "--step", "Helped to the toilet | next: end",
                       "--step", "Settles back to sleep | next: Patient wakes")  # fmt: skip
    assert code == 0 and "process map PM2 saved (version 1): 5 steps" in out
    assert qi.pdsa.open(path, readonly=True).load().process_map("PM2").steps[3:] == [
        {"step": "Helped to the toilet", "kind": "step", "next": "end"},
        {"step": "Settles back to sleep", "kind": "step", "next": "Patient wakes"},
    ]
    code, _, err = run(capsys, "process-map", path, "--step", "Patient wakes", "--step", "Settles | next: patient wake")
    assert code == 2 and "goes to 'patient wake', which is not the text of any step. Did you mean 'Patient wakes'" in err
    code, _, err = run(capsys, "process-map", path, "--step", "decision: Ready? | maybe: x")
    assert code == 2 and "'maybe: x' is not understood" in err
    report = tmp_path / "r.md"
    assert run(capsys, "report", path, str(report), "--no-charts")[0] == 0
    text = report.read_text(encoding="utf-8")
    assert "### Cause and effect CE1" in text and "1. Patient wakes" in text


def test_history_overdue_and_names(tmp_path, capsys, project):
    path = str(tmp_path / "team.pdsa")
    qi.pdsa.open(path, user="Setup").add_project(project)
    assert run(capsys, "set-name", path, "Sam Patel")[0] == 0
    assert run(capsys, "update-cycle", path, "C10", "--due", "2024-12-20", "--observations", "Audit booked")[0] == 0
    assert run(capsys, "update-cycle", path, "C10", "--problems", "Audit delayed", "--user", "Jo Bloggs")[0] == 0
    code, out, _ = run(capsys, "history", path, "C10")
    lines = out.splitlines()
    assert "Sam Patel  changed cycle C10 (version 2): observations, due date" in lines[0]
    assert '    observations: (empty) -> "Audit booked"' in lines
    assert "Jo Bloggs  changed cycle C10 (version 3): problems" in lines[-2]
    code, out, _ = run(capsys, "overdue", path)
    assert code == 0 and out.startswith("C10  Bay tagging: due 2024-12-20 (") and "no Act decision yet" in out
    code, out, _ = run(capsys, "list", path)
    assert "Overdue (1): C10 decision due since 2024-12-20" in out


def test_a_stale_command_line_update_is_refused(tmp_path, capsys, project):
    path = str(tmp_path / "team.pdsa")
    qi.pdsa.open(path).add_project(project)
    code, out, _ = run(capsys, "show", path, "C3")
    assert "(version 1, saved by" in out and "--expect-version 1" in out
    with qi.pdsa.open(path, user="Colleague") as other:  # meanwhile, in a notebook
        import dataclasses

        other.put(dataclasses.replace(other.load().cycle("C3"), learning="Colleague's learning"))
    code, _, err = run(capsys, "update-cycle", path, "C3", "--learning", "Mine", "--expect-version", "1")
    assert code == 2 and "Cycle 'C3' was changed by Colleague" in err and "(learning)" in err
    assert f"qitools pdsa show {path} C3" in err and "--expect-version 2" in err and "store.load()" not in err
    assert qi.pdsa.open(path, readonly=True).load().cycle("C3").learning == "Colleague's learning"
    assert run(capsys, "update-cycle", path, "C3", "--learning", "Mine", "--expect-version", "2")[0] == 0


def test_show_strips_control_characters(tmp_path, capsys, project):
    path = str(tmp_path / "team.pdsa")
    qi.pdsa.open(path).add_project(project)
    evil = "Mats \x1b]0;pwned\x07\x1b[2J\x1b[31mred\x1b[0m\u202eevil\x07"
    assert run(capsys, "update-cycle", path, "C3", "--title", evil, "--learning", "line 1\nline 2")[0] == 0
    code, out, err = run(capsys, "show", path, "C3")
    assert code == 0 and "\x1b" not in out and "\x07" not in out and "\u202e" not in out
    assert "### C3: Mats redevil (1 patient)" in out and "line 1\nline 2" in out
    code, out, _ = run(capsys, "list", path)
    assert "\x1b" not in out and "Mats redevil" in out
    from qitools.pdsa.cli import terminal_safe

    assert terminal_safe(evil) == "Mats red?evil?"
    assert "\x1b" not in qi.pdsa.report(qi.pdsa.open(path, readonly=True).load(), charts=False)


def test_draw_png_and_svg(tmp_path, capsys, project):
    path = str(tmp_path / "team.pdsa")
    with qi.pdsa.open(path) as s:
        s.add_project(project)
        s.put_data("falls.csv", qi.pdsa.example_data())
        import dataclasses

        s.put(dataclasses.replace(s.load().measure("M1"), dataset="falls.csv"))
    code, out, err = run(capsys, "draw", path, str(tmp_path / "chart.png"))
    assert code == 0 and out == f"written {tmp_path / 'chart.png'}\n", err
    assert (tmp_path / "chart.png").read_bytes()[:4] == b"\x89PNG"
    code, out, _ = run(capsys, "draw", path, str(tmp_path / "falls.svg"), "--what", "all")
    assert [line.rsplit("/", 1)[-1] for line in out.splitlines()] == [
        "falls-chart-M1.svg", "falls-ramps.svg", "falls-drivers.svg"
    ]  # fmt: skip
    code, _, err = run(capsys, "draw", path, str(tmp_path / "chart.jpg"))
    assert code == 2 and "must be a .png or .svg file" in err


def test_draw_all_skips_a_measure_without_data_and_says_so(tmp_path, capsys, project):
    """`draw --what all` used to stop at a measure with no data yet, after writing the first chart."""
    path = str(tmp_path / "team.pdsa")
    with qi.pdsa.open(path) as s:
        s.add_project(project)
        s.put_data("falls.csv", qi.pdsa.example_data())
        import dataclasses

        s.put(dataclasses.replace(s.load().measure("M1"), dataset="falls.csv"))
        s.put(qi.pdsa.Measure("Risk assessments within 6 hours", kind="process", x="month", y="assessed"))
    code, out, err = run(capsys, "draw", path, str(tmp_path / "falls.png"), "--what", "all")
    written = sorted(p.name for p in tmp_path.glob("falls*.png"))
    assert code == 0 and written == ["falls-chart-M1.png", "falls-drivers.png", "falls-ramps.png"], err
    assert [line.rsplit("/", 1)[-1] for line in out.splitlines()] == [
        "falls-chart-M1.png", "falls-ramps.png", "falls-drivers.png"
    ]  # fmt: skip
    new_id = qi.pdsa.open(path, readonly=True).load().measures[-1].id
    assert f"note: No chart of {new_id} (Risk assessments within 6 hours): no data is kept for it yet" in err
    assert f"qitools pdsa update-measure {path} {new_id} --dataset FILE" in err


def test_draw_writes_nothing_when_one_picture_cannot_be_drawn(tmp_path, capsys, project):
    path = str(tmp_path / "team.pdsa")
    with qi.pdsa.open(path) as s:
        s.add_project(project)
        import dataclasses

        s.put_data("falls.csv", qi.pdsa.example_data())
        s.put(dataclasses.replace(s.load().measure("M1"), dataset="falls.csv"))  # drawn first ...
        s.put(qi.pdsa.Measure("Falls with harm", x="month", y="falls", dataset="missing.csv"))  # ... this cannot be
    code, _, err = run(capsys, "draw", path, str(tmp_path / "falls.png"), "--what", "all")
    assert code == 2 and "missing.csv" in err
    assert list(tmp_path.glob("falls*")) == []  # not M1's chart, the ramps or the drivers without the rest
