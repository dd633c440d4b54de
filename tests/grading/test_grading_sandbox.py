"""The isolation a coach gets, and what a learner process is given: nothing that leads to the course.

No notebooks run here (fast); test_grading_hostile.py runs hostile ones in the sandbox.
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

from qitools import QIValueError
from qitools.cli import main
from qitools.grading import sandbox
from qitools.grading.sandbox import Workspace, isolation

ROOT = Path(__file__).resolve().parents[2]
HIDDEN = ROOT / "exercises" / "coach" / "hidden"


@pytest.fixture
def no_bwrap(monkeypatch):
    monkeypatch.setattr(shutil, "which", lambda name: None)
    real_exists = os.path.exists
    monkeypatch.setattr(os.path, "exists", lambda p: False if str(p).endswith("bwrap") else real_exists(p))


class TestIsolation:
    def test_mode_is_checked(self):
        with pytest.raises(QIValueError, match="sandbox must be 'auto', 'required' or 'none'"):
            isolation("yes")

    def test_without_the_sandbox_the_coach_is_told_what_a_notebook_could_do(self):
        iso = isolation("none")
        assert not iso.sandboxed and iso.kind in ("process group", "job object")
        assert "could read any file you can read (including the hidden checks and solutions)" in iso.warning
        assert "apt-get install bubblewrap" in iso.warning

    @pytest.mark.skipif(not os.sys.platform.startswith("linux"), reason="Linux only")
    def test_missing_bubblewrap(self, no_bwrap):
        assert "bubblewrap (bwrap) is not installed" in isolation("auto").warning
        with pytest.raises(QIValueError, match="A sandbox is required to grade, but bubblewrap .* is not installed"):
            isolation("required")

    def test_the_command_line_warns_before_grading(self, tmp_path, capsys):
        (tmp_path / "subs" / "sam").mkdir(parents=True)
        (tmp_path / "subs" / "sam" / "03_run_charts.ipynb").write_text("not json")
        out = tmp_path / "gradebook.csv"
        args = ["grade", str(tmp_path / "subs"), "--hidden", str(HIDDEN), "--out", str(out), "--sandbox", "none"]
        assert main(args) == 0
        assert capsys.readouterr().err.startswith("Warning: Grading without a sandbox")


class TestWhatALearnerProcessIsGiven:
    @pytest.fixture(params=["sandbox", "none"])
    def workspace(self, request, tmp_path):
        iso = isolation("auto" if request.param == "sandbox" else "none")
        if request.param == "sandbox" and not iso.sandboxed:
            pytest.skip("bubblewrap cannot make a sandbox here")
        ws = Workspace(iso, tmp_path)
        yield ws
        ws.close()

    def test_a_copy_of_qitools_with_the_datasets_and_no_solutions(self, workspace):
        package = workspace.lib / "qitools"
        assert (package / "checks" / "judges" / "__init__.py").is_file()
        assert (package / "grading" / "_learner.py").is_file()
        assert (package / "_data" / "catalogue.json").is_file() and list((package / "_data").glob("*.csv"))
        assert not [p for p in package.rglob("*.ipynb") if "BEGIN SOLUTION" in p.read_text(encoding="utf-8")]
        assert sorted(p.name for p in workspace.lib.iterdir()) == ["qitools"]

    def test_no_argument_or_setting_leads_to_the_course_folder(self, workspace, tmp_path):
        home = workspace.new_home()
        argv, env, bargs = workspace.command(home, info_fd=None)
        # Paths inside the sandbox (where a mount appears: "--bind SRC DEST") name the learner's own
        # view (and --setenv values the learner's own settings), not the host's: a checkout under /tmp
        # must not make the private /tmp look like a leak.
        mounts = bargs.decode().split("\0")
        two = {"--bind", "--ro-bind", "--ro-bind-try", "--bind-try", "--symlink", "--setenv"}
        one = {"--tmpfs", "--dir", "--proc", "--dev", "--chdir"}
        inside = {i + 2 for i, w in enumerate(mounts) if w in two} | {i + 1 for i, w in enumerate(mounts) if w in one}
        words = [*argv, *env.values(), *(w for i, w in enumerate(mounts) if i not in inside)]
        course = [str(ROOT / "exercises"), str(ROOT / "exercises" / "coach"), str(HIDDEN)]
        assert not [w for w in words if any(c.startswith(w.rstrip("/") + "/") or c == w for c in course if w)]
        if workspace.isolation.sandboxed:
            mounts = bargs.decode().split("\0")
            sources = [mounts[i + 1] for i, w in enumerate(mounts) if w in ("--bind", "--ro-bind", "--ro-bind-try")]
            assert str(ROOT) not in sources and "/" not in sources
            assert "--unshare-all" in mounts and "--cap-drop" in mounts and "--die-with-parent" in mounts
            assert env == {"PATH": env["PATH"]}, "bubblewrap itself gets nothing but PATH"
        assert str(ROOT) not in argv[-1], "the bootstrap names only the qitools copy"
        assert "HOME" not in env or env["HOME"] in (sandbox._HOME, str(home))
