"""``qitools course``: JupyterLab on the course folder, the index open, exercises/coach hidden (qitools/lab.py).

The server itself is started by the browser tests (tests/browser/test_browser_learner.py, with the
README's exact command from a full clone); here the arguments it gets are checked, and that Jupyter
Server really hides the coach folder from a listing with them (and, as documented, that hidden is
not protected: the file can still be fetched by its address).
"""

from __future__ import annotations

import os

import sys

from pathlib import Path

import pytest

import qitools.lab as lab
from qitools import QIToolsError, QIValueError
from qitools.cli import main
from qitools.lab import INDEX, course_root, lab_arguments

ROOT = Path(__file__).resolve().parents[1]


class TestCourseRoot:
    def test_the_repository_is_a_course(self):
        root, written = course_root(ROOT)
        assert root == ROOT.resolve() and written is False

    def test_a_new_folder_gets_the_learner_course(self, tmp_path):
        root, written = course_root(tmp_path / "my-course")
        assert written and (root / INDEX).is_file()
        assert (root / "exercises" / "04_run_charts.ipynb").is_file() and not (root / "exercises" / "coach").exists()
        assert course_root(root) == (root, False)  # the second time it is served as it is

    def test_an_empty_folder_too(self, tmp_path):
        assert course_root(tmp_path)[1] is True

    def test_a_folder_with_other_files_is_refused(self, tmp_path):
        (tmp_path / "notes.txt").write_text("mine")
        with pytest.raises(QIValueError, match=r"There is no course in .*notebooks/00_start_here.ipynb.*qitools course my-course"):
            course_root(tmp_path)
        assert [p.name for p in tmp_path.iterdir()] == ["notes.txt"]


class TestArguments:
    def test_root_index_and_hidden_coach_folder(self, tmp_path):
        args = lab_arguments(tmp_path)
        assert args[0] == f"--ServerApp.root_dir={tmp_path}"
        assert f"--LabApp.default_url=/lab/tree/{INDEX}" in args
        assert "--ContentsManager.hide_globs=coach" in args
        assert "--ContentsManager.hide_globs=__pycache__" in args  # Jupyter's own stay hidden
        assert args[-1] == str(tmp_path / INDEX)

    def test_the_servers_python_kernels_load_the_short_error_display(self, tmp_path, monkeypatch):
        """Every kernel the course server starts (and restarts) loads qitools.checks.kernel before any cell:
        the course's python3 spec comes first on JUPYTER_PATH, and Jupyter's own spec manager picks it."""
        from jupyter_client.kernelspec import KernelSpecManager

        from qitools._course_kernels import KERNEL_OPTION, with_course_kernels

        env = with_course_kernels({"JUPYTER_PATH": str(tmp_path / "mine")}, base=tmp_path / "runtime")
        monkeypatch.setenv("JUPYTER_PATH", env["JUPYTER_PATH"])
        spec = KernelSpecManager().get_kernel_spec("python3")
        assert spec.argv[0] == sys.executable and spec.argv[-1] == KERNEL_OPTION, spec.argv
        assert str(tmp_path / "runtime") in spec.resource_dir
        assert env["JUPYTER_PATH"].endswith(os.pathsep + str(tmp_path / "mine"))

    def test_coach_sees_the_coach_folder(self, tmp_path):
        assert "--ContentsManager.hide_globs=coach" not in lab_arguments(tmp_path, coach=True)

    def test_jupyter_server_hides_the_coach_folder_from_listings_only(self, tmp_path):
        """With these arguments Jupyter Server lists exercises/ without coach/, yet serves a coach file by path."""
        from jupyter_server.serverapp import ServerApp

        root, _ = course_root(tmp_path / "course")
        (root / "exercises" / "coach").mkdir()
        (root / "exercises" / "coach" / "solutions.ipynb").write_text(
            '{"cells": [], "metadata": {}, "nbformat": 4, "nbformat_minor": 5}', encoding="utf-8"
        )
        app = ServerApp()
        app.parse_command_line([a for a in lab_arguments(root) if a.startswith("--")])
        from jupyter_server.services.contents.filemanager import FileContentsManager

        manager = FileContentsManager(root_dir=str(root), config=app.config)  # synchronous: no event loop
        names = {item["name"] for item in manager.get("exercises")["content"]}
        hidden_file = manager.get("exercises/coach/solutions.ipynb")
        assert "04_run_charts.ipynb" in names and "coach" not in names
        assert hidden_file["name"] == "solutions.ipynb"  # hidden is not protected: use qitools bundle


class TestCommand:
    def test_passes_options_on_to_jupyterlab(self, monkeypatch, capsys):
        seen = {}

        class FakeLab:
            @staticmethod
            def launch_instance(argv):
                seen["argv"] = argv

        import jupyterlab.labapp

        monkeypatch.setattr(jupyterlab.labapp, "LabApp", FakeLab)
        assert main(["course", str(ROOT), "--no-browser", "--port", "8899", "--allow-root",
                     "--ServerApp.ip=127.0.0.1"]) == 0  # fmt: skip
        argv = seen["argv"]
        assert argv[:1] == [f"--ServerApp.root_dir={ROOT.resolve()}"]
        assert "--ContentsManager.hide_globs=coach" in argv and str(ROOT.resolve() / INDEX) in argv
        assert argv[-4:] == ["--ServerApp.port=8899", "--no-browser", "--allow-root", "--ServerApp.ip=127.0.0.1"]
        out = capsys.readouterr().out
        assert "exercises/coach/ is hidden from the file browser; it is not removed" in out

    def test_a_bundled_course_does_not_mention_a_coach_folder(self, monkeypatch, capsys, tmp_path):
        """A course made by qitools bundle has no exercises/coach/: saying it is hidden (not removed) misled learners."""
        import jupyterlab.labapp

        monkeypatch.setattr(jupyterlab.labapp, "LabApp", type("FakeLab", (), {"launch_instance": staticmethod(lambda argv: None)}))
        root, _ = course_root(tmp_path / "course")
        assert not (root / "exercises" / "coach").exists()
        assert main(["course", str(root), "--no-browser"]) == 0
        assert "coach" not in capsys.readouterr().out

    def test_unknown_options_still_refused_elsewhere(self, capsys):
        with pytest.raises(SystemExit):
            main(["bundle", "--out", "x.zip", "--ServerApp.ip=1"])
        assert "unrecognized arguments: --ServerApp.ip=1" in capsys.readouterr().err

    def test_no_course_here(self, tmp_path, monkeypatch, capsys):
        (tmp_path / "notes.txt").write_text("mine")
        monkeypatch.chdir(tmp_path)
        assert main(["course"]) == 2
        assert "There is no course in this folder" in capsys.readouterr().err

    def test_without_jupyterlab(self, monkeypatch, capsys):
        real = lab.importlib.util.find_spec
        monkeypatch.setattr(lab.importlib.util, "find_spec", lambda name, *a: None if name == "jupyterlab" else real(name, *a))
        assert main(["course", str(ROOT)]) == 2
        assert 'JupyterLab is not installed' in capsys.readouterr().err
        with pytest.raises(QIToolsError):
            lab._course(type("A", (), {"folder": str(ROOT), "coach": False})(), [])
