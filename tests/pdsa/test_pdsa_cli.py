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
