"""The learner course bundle (qitools.course, ``qitools bundle``): what learners get, and never coach material.

* ``TestAllowList``: the course is every teaching notebook, every learner exercise copy (and the
  exercises README), every data file of the catalogue, and nothing else: the coach folder, stray
  files, checkpoints, links and the dataset generator stay out, even when they are added next to
  the material; a solution notebook copied into ``exercises/`` stops the bundle before anything is
  written.
* ``TestLinks``: the notebooks' links (``../exercises/NN_*.ipynb`` and to each other) resolve inside
  the laid-out course.
* ``TestLearnerCourse`` / ``TestBundleZip`` / ``TestCommand``: the folder, the zip and the command.
* ``TestWheel``: a wheel built from the source ships the learner material and no coach file, and
  ``qitools bundle`` works from it in a fresh environment (marked ``slow``).
"""

from __future__ import annotations

import json
import re
import shutil
import zipfile
from pathlib import Path

import pytest

import qitools.course as course
from qitools import QIToolsError, QIValueError
from qitools.cli import main
from qitools.course import MANIFEST, bundle_zip, course_files, learner_course, read_manifest

ROOT = Path(__file__).resolve().parents[1]
NOTEBOOKS = ROOT / "notebooks"
EXERCISES = ROOT / "exercises"
DATASETS = ROOT / "datasets"
COACH = EXERCISES / "coach"

_NB = re.compile(r"^\d\d_[a-z0-9_]+\.ipynb$")


def repo_notebooks() -> set[str]:
    return {p.name for p in NOTEBOOKS.glob("*.ipynb")}


def repo_exercises() -> set[str]:
    return {p.name for p in EXERCISES.glob("*.ipynb")}


def catalogue_files() -> set[str]:
    entries = json.loads((DATASETS / "catalogue.json").read_text(encoding="utf-8"))
    return {name for entry in entries for name in entry["files"]}


def expected_dests() -> set[str]:
    return (
        {"README.md", "exercises/README.md", "datasets/README.md", "datasets/catalogue.json"}
        | {f"notebooks/{n}" for n in repo_notebooks()}
        | {f"exercises/{n}" for n in repo_exercises()}
        | {f"datasets/{n}" for n in catalogue_files()}
    )


def laid_out(root: Path) -> set[str]:
    return {p.relative_to(root).as_posix() for p in root.rglob("*") if p.is_file() and p.name != MANIFEST}


@pytest.fixture
def fake_sources(tmp_path, monkeypatch):
    """A copy of the course material (with the coach folder) that a test may add files to."""
    src = tmp_path / "src"
    for name in ("notebooks", "exercises", "datasets"):
        shutil.copytree(ROOT / name, src / name, ignore=shutil.ignore_patterns("__pycache__", ".ipynb_checkpoints"))
    dirs = {name: src / name for name in ("notebooks", "exercises", "datasets")}
    monkeypatch.setattr(course, "_source_dirs", lambda: dirs)
    return src


class TestAllowList:
    def test_every_learner_file_and_nothing_else(self):
        dests = [f.dest for f in course_files()]
        assert len(dests) == len(set(dests))
        assert set(dests) == expected_dests()

    def test_no_coach_material(self):
        files = course_files()
        assert not any("coach" in f.dest.lower() for f in files)
        sources = [f.source.resolve() for f in files if f.source is not None]
        assert not any(COACH.resolve() in s.parents for s in sources)
        coach_bytes = {p.read_bytes() for p in COACH.rglob("*") if p.is_file()}
        assert coach_bytes and not any(f.read_bytes() in coach_bytes for f in files)

    def test_the_repository_has_what_the_test_relies_on(self):
        """Guard: the checks above would pass vacuously without exercises or coach material."""
        assert len(repo_exercises()) >= 5 and "00_start_here.ipynb" in repo_notebooks()
        assert list((COACH / "source").glob("*.ipynb")) and list((COACH / "hidden").glob("*.py"))

    def test_files_added_beside_the_material_stay_out(self, fake_sources):
        ex, nb, data = fake_sources / "exercises", fake_sources / "notebooks", fake_sources / "datasets"
        (ex / "coach" / "new_answers.ipynb").write_text("{}", encoding="utf-8")
        (ex / "coach" / "99_new.ipynb").write_text("{}", encoding="utf-8")
        (ex / "solutions").mkdir()
        (ex / "solutions" / "04_run_charts.ipynb").write_text("{}", encoding="utf-8")
        (ex / "marks.csv").write_text("learner,total\n", encoding="utf-8")
        (ex / "Notes.ipynb").write_text("{}", encoding="utf-8")
        (nb / ".ipynb_checkpoints").mkdir()
        (nb / ".ipynb_checkpoints" / "00_start_here-checkpoint.ipynb").write_text("{}", encoding="utf-8")
        (nb / "scratch.py").write_text("print(1)\n", encoding="utf-8")
        (data / "private.csv").write_text("a\n1\n", encoding="utf-8")
        (nb / "98_link.ipynb").symlink_to(ex / "coach" / "source" / "04_run_charts.ipynb")
        dests = {f.dest for f in course_files()}
        assert dests == expected_dests()
        assert "datasets/generate.py" not in dests and (data / "generate.py").is_file()

    @pytest.mark.parametrize(
        "change, why",
        [
            (lambda c: c.update(source="x = 1  # SOLUTION"), "solution marker"),
            (lambda c: c.update(source="# BEGIN SOLUTION\nx = 1\n# END SOLUTION"), "solution marker"),
            (lambda c: c.setdefault("metadata", {}).update(tags=["hidden"]), "tagged 'hidden'"),
            (lambda c: c.update(outputs=[{"output_type": "stream", "name": "stdout", "text": "42"}]), "outputs"),
        ],
    )
    def test_a_solution_in_exercises_stops_everything(self, fake_sources, tmp_path, change, why):
        target = fake_sources / "exercises" / "04_run_charts.ipynb"
        nb = json.loads(target.read_text(encoding="utf-8"))
        code = next(c for c in nb["cells"] if c["cell_type"] == "code")
        change(code)
        target.write_text(json.dumps(nb), encoding="utf-8")
        out = tmp_path / "out"
        with pytest.raises(QIValueError, match=f"04_run_charts.ipynb: .*{re.escape(why)}.*make-student"):
            learner_course(out)
        assert not out.exists(), "nothing may be written when the check fails"
        with pytest.raises(QIValueError, match="not learner copies"):
            bundle_zip(tmp_path / "c.zip")
        assert not (tmp_path / "c.zip").exists()

    def test_the_real_solution_sources_would_be_refused(self, fake_sources, tmp_path):
        """Copying the coach's source of an exercise over the learner copy is caught."""
        shutil.copy(COACH / "source" / "04_run_charts.ipynb", fake_sources / "exercises" / "04_run_charts.ipynb")
        with pytest.raises(QIValueError, match="not learner copies"):
            course_files()

    def test_missing_material_is_a_clear_error(self, monkeypatch, tmp_path):
        monkeypatch.setattr(course, "_HERE", tmp_path / "nowhere" / "qitools")
        with pytest.raises(QIToolsError, match="course notebooks are missing.*Reinstall"):
            course_files()

    def test_a_catalogue_naming_a_missing_file(self, fake_sources):
        (fake_sources / "datasets" / "cdiff.csv").unlink()
        with pytest.raises(QIToolsError, match="missing: cdiff.csv"):
            course_files()


class TestLinks:
    def test_notebook_links_resolve_in_the_layout(self, tmp_path):
        root = tmp_path / "course"
        learner_course(root)
        checked = 0
        for nb_path in sorted((root / "notebooks").glob("*.ipynb")):
            nb = json.loads(nb_path.read_text(encoding="utf-8"))
            for cell in nb["cells"]:
                if cell["cell_type"] != "markdown":
                    continue
                text = "".join(cell["source"])
                for target in re.findall(r"\]\(([^)#\s]+\.ipynb)(?:#[^)]*)?\)", text):
                    if "://" in target:
                        continue
                    assert (nb_path.parent / target).resolve().is_file(), f"{nb_path.name}: broken link {target}"
                    assert root.resolve() in (nb_path.parent / target).resolve().parents
                    checked += 1
        exercise_links = sum(
            "../exercises/" in p.read_text(encoding="utf-8") for p in (root / "notebooks").glob("*.ipynb")
        )
        assert exercise_links >= 5 and checked >= exercise_links


class TestLearnerCourse:
    def test_layout(self, tmp_path):
        root = tmp_path / "a" / "course"
        layout = learner_course(root)
        assert laid_out(root) == expected_dests()
        assert sorted(p.name for p in root.iterdir()) == [MANIFEST, "README.md", "datasets", "exercises", "notebooks"]
        assert len(layout.written) == len(expected_dests()) and layout.kept == []
        for name in repo_exercises():
            assert (root / "exercises" / name).read_bytes() == (EXERCISES / name).read_bytes()
        assert "notebooks/00_start_here.ipynb" in (root / "README.md").read_text(encoding="utf-8")

    def test_manifest_records_every_file(self, tmp_path):
        import hashlib

        learner_course(tmp_path / "c")
        manifest = read_manifest(tmp_path / "c")
        assert set(manifest) == expected_dests()
        entry = manifest["exercises/04_run_charts.ipynb"]
        data = (tmp_path / "c" / "exercises" / "04_run_charts.ipynb").read_bytes()
        assert entry["sha256"] == hashlib.sha256(data).hexdigest()
        assert entry["mtime_ns"] == (tmp_path / "c" / "exercises" / "04_run_charts.ipynb").stat().st_mtime_ns

    def test_refuses_a_folder_with_files(self, tmp_path):
        (tmp_path / "mine.txt").write_text("my notes", encoding="utf-8")
        with pytest.raises(QIValueError, match="already has files.*add-missing"):
            learner_course(tmp_path)
        assert [p.name for p in tmp_path.iterdir()] == ["mine.txt"]

    def test_refuses_a_file(self, tmp_path):
        (tmp_path / "f").write_text("x", encoding="utf-8")
        with pytest.raises(QIValueError, match="is a file"):
            learner_course(tmp_path / "f")

    def test_add_missing_never_changes_a_saved_file(self, tmp_path):
        root = tmp_path / "c"
        learner_course(root)
        mine = root / "exercises" / "04_run_charts.ipynb"
        mine.write_text('{"my": "work"}', encoding="utf-8")
        (root / "notebooks" / "01_why_measure.ipynb").unlink()
        (root / "notes.md").write_text("mine", encoding="utf-8")
        layout = learner_course(root, add_missing=True)
        assert [p.relative_to(root).as_posix() for p in layout.written] == ["notebooks/01_why_measure.ipynb"]
        assert mine.read_text(encoding="utf-8") == '{"my": "work"}'
        assert (root / "notes.md").read_text(encoding="utf-8") == "mine"
        manifest = read_manifest(root)
        assert set(manifest) == expected_dests()  # the earlier entries are kept

    def test_symbolic_links_are_never_followed(self, tmp_path):
        elsewhere = tmp_path / "elsewhere"
        elsewhere.mkdir()
        root = tmp_path / "home"
        root.mkdir()
        (root / "notebooks").symlink_to(elsewhere, target_is_directory=True)
        (root / "exercises").mkdir()
        (root / "exercises" / "04_run_charts.ipynb").symlink_to(elsewhere / "stolen.ipynb")
        layout = learner_course(root, add_missing=True)
        assert list(elsewhere.iterdir()) == []
        kept = {p.relative_to(root).as_posix() for p in layout.kept}
        assert "exercises/04_run_charts.ipynb" in kept
        assert {f"notebooks/{n}" for n in repo_notebooks()} <= kept


class TestBundleZip:
    def test_contents(self, tmp_path):
        path = bundle_zip(tmp_path / "qi-course.zip")
        with zipfile.ZipFile(path) as zf:
            names = zf.namelist()
            assert {n.split("/", 1)[0] for n in names} == {"qi-course"}
            assert {n.split("/", 1)[1] for n in names} == expected_dests()
            assert zf.read("qi-course/exercises/04_run_charts.ipynb") == (EXERCISES / "04_run_charts.ipynb").read_bytes()
            assert not any("coach" in n.lower() for n in names)

    def test_zip_and_folder_hold_the_same_files(self, tmp_path):
        learner_course(tmp_path / "folder")
        with zipfile.ZipFile(bundle_zip(tmp_path / "z.zip")) as zf:
            for name in zf.namelist():
                assert zf.read(name) == (tmp_path / "folder" / name.split("/", 1)[1]).read_bytes()

    def test_needs_a_zip_name(self, tmp_path):
        with pytest.raises(QIValueError, match="does not end in .zip"):
            bundle_zip(tmp_path / "course.tar")


class TestCommand:
    def test_zip(self, tmp_path, capsys):
        assert main(["bundle", "--out", str(tmp_path / "course.zip")]) == 0
        out = capsys.readouterr().out
        assert "No coach material" in out and f"{len(repo_exercises())} exercises" in out
        assert zipfile.ZipFile(tmp_path / "course.zip").testzip() is None

    def test_folder_then_add_missing(self, tmp_path, capsys):
        assert main(["bundle", "--out", str(tmp_path / "course")]) == 0
        assert laid_out(tmp_path / "course") == expected_dests()
        capsys.readouterr()
        assert main(["bundle", "--out", str(tmp_path / "course")]) == 2
        assert "already has files" in capsys.readouterr().err
        assert main(["bundle", "--out", str(tmp_path / "course"), "--add-missing"]) == 0
        assert "left as they were" in capsys.readouterr().out


# ------------------------------------------------------------------------------------------------
# From an installed wheel

_PROBE = """
import json, sys, zipfile
from pathlib import Path
import qitools.course as course
from qitools.cli import main
dirs = course._source_dirs()
out = {"dirs": {k: str(v) for k, v in dirs.items()}}
assert main(["bundle", "--out", "from-wheel.zip"]) == 0
assert main(["bundle", "--out", "from-wheel"]) == 0
out["zip"] = sorted(n.split("/", 1)[1] for n in zipfile.ZipFile("from-wheel.zip").namelist())
out["folder"] = sorted(p.relative_to("from-wheel").as_posix() for p in Path("from-wheel").rglob("*") if p.is_file())
print(json.dumps(out))
"""


@pytest.mark.slow
class TestWheel:
    def test_wheel_ships_the_learner_course_and_no_coach_file(self, installed_wheel):
        wheel, env = installed_wheel.wheel, installed_wheel.env

        with zipfile.ZipFile(wheel) as zf:
            names = zf.namelist()
            shipped = {n for n in names if n.startswith(("qitools/_notebooks/", "qitools/_exercises/"))}
            for n in names:
                assert "coach" not in n.lower(), f"coach material in the wheel: {n}"
                assert not n.startswith(("exercises/", "notebooks/")), n
            # no solution source and no hidden-check file, under any name
            coach_bytes = {p.read_bytes() for p in COACH.rglob("*") if p.is_file()}
            for n in names:
                assert zf.read(n) not in coach_bytes, f"{n} is a coach file"
        deploy = {"README.md", "jupyterhub_config.py", "values.yaml", "Dockerfile"}
        assert {f"qitools/hub/deploy/{n}" for n in deploy} <= set(names), "the deployment files are not in the wheel"
        assert shipped == (
            {f"qitools/_notebooks/{n}" for n in repo_notebooks()}
            | {f"qitools/_exercises/{n}" for n in repo_exercises()}
            | {"qitools/_exercises/README.md"}
        )

        out = json.loads(installed_wheel.run(_PROBE))
        for folder in out["dirs"].values():
            assert Path(folder).resolve().is_relative_to(env.resolve()), out["dirs"]
        assert set(out["zip"]) == expected_dests()
        assert set(out["folder"]) - {MANIFEST} == expected_dests()
