"""The learner's course: the folder (or zip) a coach hands to learners, with no coach material in it.

:func:`learner_course` lays out the course for one learner::

    notebooks/      the teaching notebooks (00_start_here.ipynb is the index)
    exercises/      the learner copies of the graded exercises, and their README.md
    datasets/       the example data files, their catalogue and README.md
    README.md       how to open the course

The notebooks link to ``../exercises/NN_*.ipynb`` and load their data with ``qi.datasets``, so the
links work in this layout exactly as in the repository. :func:`bundle_zip` writes the same layout
into a zip file, and ``qitools bundle --out course.zip`` (or ``--out FOLDER``) does either from the
command line. The JupyterHub workshop (``qitools hub``) gives every learner this layout in their
home folder.

What goes in is decided by an **allow-list**, never by leaving things out: top-level
``NN_name.ipynb`` files of ``notebooks/`` (and its ``glossary.ipynb``) and ``exercises/``,
``exercises/README.md``, and the data
files named in ``datasets/catalogue.json`` (with the catalogue and ``datasets/README.md``). So the
coach folder (``exercises/coach/``: solutions and hidden checks) can never be included, whatever
is added to it. Each exercise notebook is also checked to be a learner copy (no solution markers,
no hidden or solution cells, no outputs) before anything is written: a solution notebook copied
into ``exercises/`` by mistake stops the bundle with an error instead of reaching learners.

The material is found next to the package: in an installed wheel it is shipped as
``qitools/_notebooks``, ``qitools/_exercises`` and ``qitools/_data`` (see ``pyproject.toml``; the
wheel never contains ``exercises/coach``); in a source checkout it is read from the repository's
``notebooks/``, ``exercises/`` and ``datasets/`` folders.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import zipfile
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath

from ._files import atomic_path
from .spc.errors import QIToolsError, QIValueError

__all__ = ["CourseFile", "CourseLayout", "course_files", "learner_course", "bundle_zip", "MANIFEST", "read_manifest", "summary"]

_HERE = Path(__file__).resolve().parent

#: Name of the (hidden) file recording what was laid out: path -> sha256 and modification time.
MANIFEST = ".qitools-course.json"

#: A course notebook or exercise: two digits, an underscore, a lower-case name.
_NOTEBOOK_NAME = re.compile(r"^\d\d_[a-z0-9_]+\.ipynb$")
#: The teaching notebooks: the modules, and the glossary they link to.
_TEACHING_NAME = re.compile(r"^(\d\d_[a-z0-9_]+|glossary)\.ipynb$")
#: A data file named in the catalogue: a plain file name.
_DATA_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.-]*\.(csv|xlsx|json)$")

#: Solution markers of the exercise sources (see qitools.grading.student), in code cells.
_SOLUTION_LINE = re.compile(r"#\s*(BEGIN SOLUTION|END SOLUTION)\b|#\s*SOLUTION\s*$", re.M)
_COACH_TAGS = {"solution", "hidden", "hidden-test", "hidden_test"}

_README = """\
# Your improvement-science course (qitools {version})

- `notebooks/00_start_here.ipynb`: start here. It explains how the course works and links to every
  module.
- `exercises/`: the graded exercises, one per module. Replace each `...` with your answer and run
  the check cell under it. Read `exercises/README.md` first.
- `datasets/`: the example data the course uses (all synthetic: no patient or staff data).

To open the course on your own computer you need Python 3.11 or newer and qitools with its course
extra. In a terminal in this folder:

    python3 -m venv .venv
    .venv/bin/pip install "qitools[course]"
    .venv/bin/qitools course

If pip says it finds no matching distribution for qitools (qitools is not on PyPI), ask your
coach for the qitools wheel file (`qitools-...whl`), put it in this folder and install it instead:
`.venv/bin/pip install "qitools[course]" --find-links .`

`qitools course` opens JupyterLab on this folder with the course index open, so the notebooks'
links to the exercises work. (On Windows: `py -3 -m venv .venv`, then `.venv\\Scripts\\pip` and
`.venv\\Scripts\\qitools course`. As root, in a container: `qitools course --allow-root`.)
If your coach runs the course on JupyterHub, you need none of this: log in with the address and
password your coach gives you.
"""


@dataclass(frozen=True)
class CourseFile:
    """One file of the learner course: where it goes (``dest``, a relative POSIX path) and where it comes from."""

    dest: str
    source: Path | None  # None: generated (the top-level README.md)

    def read_bytes(self) -> bytes:
        if self.source is None:
            from . import __version__

            return _README.format(version=__version__).encode("utf-8")
        return self.source.read_bytes()


@dataclass
class CourseLayout:
    """What :func:`learner_course` did.

    Attributes
    ----------
    root : Path
        The course folder.
    written : list of Path
        Files written.
    kept : list of Path
        Files that were already there and were left exactly as they were (with ``add_missing``).
    """

    root: Path
    written: list[Path] = field(default_factory=list)
    kept: list[Path] = field(default_factory=list)

    def __repr__(self) -> str:
        return f"<CourseLayout root={str(self.root)!r} written={len(self.written)} kept={len(self.kept)}>"


# ------------------------------------------------------------------------------------------------
# Where the material is


def _source_dirs() -> dict[str, Path]:
    """The notebooks, exercises and datasets folders: inside the package (wheel) or the checkout."""
    shipped = {"notebooks": _HERE / "_notebooks", "exercises": _HERE / "_exercises", "datasets": _HERE / "_data"}
    checkout = {name: _HERE.parent / name for name in shipped}
    for dirs in (shipped, checkout):
        if (dirs["notebooks"] / "00_start_here.ipynb").is_file() and (dirs["datasets"] / "catalogue.json").is_file():
            return dirs
    raise QIToolsError(
        "The course notebooks are missing: no 00_start_here.ipynb in "
        + " or ".join(str(d["notebooks"]) for d in (shipped, checkout))
        + ". Reinstall qitools (pip install --force-reinstall qitools), or run this from a complete copy of the "
        "qitools repository."
    )


def _plain_files(folder: Path, pattern: re.Pattern[str]) -> list[Path]:
    """Regular files (not links) directly in ``folder`` whose name matches ``pattern``, sorted."""
    if not folder.is_dir():
        return []
    return sorted(p for p in folder.iterdir() if pattern.match(p.name) and p.is_file() and not p.is_symlink())


def _coach_material(path: Path) -> str | None:
    """Why an exercise notebook is not a clean learner copy, or None when it is one."""
    try:
        nb = json.loads(path.read_text(encoding="utf-8"))
        cells = nb["cells"]
    except (OSError, ValueError, KeyError, TypeError) as exc:
        return f"it is not a readable notebook ({exc.__class__.__name__})"
    for number, cell in enumerate(cells, start=1):
        tags = set(cell.get("metadata", {}).get("tags", []) or [])
        if tags & _COACH_TAGS:
            return f"cell {number} is tagged {sorted(tags & _COACH_TAGS)[0]!r}"
        source = cell.get("source", "")
        source = "".join(source) if isinstance(source, list) else str(source)
        if cell.get("cell_type") == "code":
            if _SOLUTION_LINE.search(source):
                return f"cell {number} has a solution marker (# BEGIN SOLUTION, # END SOLUTION or # SOLUTION)"
            if source.lstrip().upper().startswith("# HIDDEN"):
                return f"cell {number} is a hidden cell"
            if cell.get("outputs"):
                return f"cell {number} has outputs (learner copies are handed out clean)"
    return None


def course_files() -> list[CourseFile]:
    """The files of the learner course, from the allow-list; checked before anything is written.

    Returns
    -------
    list of CourseFile
        ``dest`` (``notebooks/00_start_here.ipynb``, ``exercises/04_run_charts.ipynb``,
        ``datasets/ward_falls.csv``, ``README.md``, ...) and the file it is copied from.

    Raises
    ------
    QIToolsError
        The course material is missing, an exercise notebook is not a learner copy (it holds
        solutions, hidden cells or outputs), or the dataset catalogue names a file that is missing.

    Examples
    --------
    >>> from qitools.course import course_files
    >>> dests = [f.dest for f in course_files()]
    >>> "notebooks/00_start_here.ipynb" in dests, any("coach" in d for d in dests)
    (True, False)
    """
    dirs = _source_dirs()
    files = [CourseFile("README.md", None)]
    notebooks = _plain_files(dirs["notebooks"], _TEACHING_NAME)
    files += [CourseFile(f"notebooks/{p.name}", p) for p in notebooks]

    exercises = _plain_files(dirs["exercises"], _NOTEBOOK_NAME)
    problems = [f"exercises/{p.name}: {why}" for p in exercises if (why := _coach_material(p))]
    if problems:
        raise QIValueError(
            "These exercise notebooks are not learner copies, so the course was not written: "
            + "; ".join(problems)
            + ". Learners must never get solutions. Regenerate the learner copies with "
            "'qitools make-student exercises/coach/source --out exercises' and try again."
        )
    files += [CourseFile(f"exercises/{p.name}", p) for p in exercises]
    readme = dirs["exercises"] / "README.md"
    if readme.is_file() and not readme.is_symlink():
        files.append(CourseFile("exercises/README.md", readme))

    catalogue_path = dirs["datasets"] / "catalogue.json"
    catalogue = json.loads(catalogue_path.read_text(encoding="utf-8"))
    data_names = sorted({name for entry in catalogue for name in entry.get("files", [])})
    bad = [n for n in data_names if not _DATA_NAME.match(n)]
    missing = [n for n in data_names if n not in bad and not (dirs["datasets"] / n).is_file()]
    if bad or missing:
        raise QIToolsError(
            "The dataset catalogue does not match the data files"
            + (f" (names that are not plain data file names: {', '.join(map(repr, bad))})" if bad else "")
            + (f" (missing: {', '.join(missing)})" if missing else "")
            + ". Regenerate the datasets with 'python datasets/generate.py' or reinstall qitools."
        )
    files.append(CourseFile("datasets/catalogue.json", catalogue_path))
    if (dirs["datasets"] / "README.md").is_file():
        files.append(CourseFile("datasets/README.md", dirs["datasets"] / "README.md"))
    files += [CourseFile(f"datasets/{n}", dirs["datasets"] / n) for n in data_names]
    return files


# ------------------------------------------------------------------------------------------------
# Writing it


def _is_link_on_the_way(root: Path, rel: PurePosixPath) -> bool:
    """True when a folder between ``root`` and ``root/rel`` (or the file itself) is a symbolic link."""
    here = root
    for part in rel.parts:
        here = here / part
        if here.is_symlink():
            return True
    return False


def _sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def read_manifest(root: str | os.PathLike[str]) -> dict[str, dict[str, object]]:
    """What :func:`learner_course` laid out in ``root``: ``{dest: {"sha256", "mtime_ns"}}`` ({} if none).

    The JupyterHub workshop uses it to tell the notebooks a learner saved from the untouched copies.
    """
    path = Path(root) / MANIFEST
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
        files = data["files"]
        return {str(k): dict(v) for k, v in files.items() if isinstance(v, dict)}
    except (OSError, ValueError, KeyError, TypeError, AttributeError):
        return {}


def learner_course(dest: str | os.PathLike[str], *, add_missing: bool = False) -> CourseLayout:
    """Lay out the learner's course in a folder: notebooks, learner exercises, datasets; never coach material.

    Parameters
    ----------
    dest : str or Path
        The course folder. It is created if needed (with its parents). It must be empty, unless
        ``add_missing`` is given.
    add_missing : bool, default False
        Add only the course files that are missing and leave every file already there exactly as
        it is (a learner's saved work is never replaced). For a learner's home on a hub, or to add
        a new module to a course folder handed out earlier.

    Returns
    -------
    CourseLayout
        ``root``, ``written`` (files written) and ``kept`` (files already there, left alone).

    Raises
    ------
    QIValueError
        ``dest`` is a file, or a folder with files in it (without ``add_missing``); an exercise
        notebook is not a learner copy (nothing is written then).
    QIToolsError
        The course material is missing (a broken installation).

    See Also
    --------
    bundle_zip : the same layout in a zip file.

    Notes
    -----
    The layout keeps the course's links working: the notebooks link to
    ``../exercises/NN_name.ipynb`` and load their data with ``qi.datasets``. A hidden file,
    ``.qitools-course.json``, records each file's checksum and time, so that the workshop hub
    collects only the exercises a learner saved. Symbolic links in ``dest`` are never followed:
    a file whose path goes through one is left out (and listed in ``kept``).

    Examples
    --------
    >>> import tempfile, pathlib
    >>> from qitools.course import learner_course
    >>> with tempfile.TemporaryDirectory() as tmp:
    ...     layout = learner_course(pathlib.Path(tmp) / "course")
    ...     print(sorted(p.name for p in layout.root.iterdir() if not p.name.startswith(".")))
    ...     print((layout.root / "exercises" / "coach").exists())
    ['README.md', 'datasets', 'exercises', 'notebooks']
    False
    """
    root = Path(dest)
    if root.exists() and not root.is_dir():
        raise QIValueError(f"{str(root)!r} is a file, not a folder. Give a new folder name for the course.")
    if root.is_dir() and not add_missing and any(root.iterdir()):
        raise QIValueError(
            f"The folder {str(root)!r} already has files in it, and the course would mix with them. Give a new or "
            "empty folder, or add only what is missing (qitools bundle --add-missing; add_missing=True), which never "
            "changes a file already there."
        )
    files = course_files()  # checked in full before anything is written
    root.mkdir(parents=True, exist_ok=True)
    layout = CourseLayout(root=root)
    manifest = read_manifest(root) if add_missing else {}
    for item in files:
        rel = PurePosixPath(item.dest)
        target = root.joinpath(*rel.parts)
        if _is_link_on_the_way(root, rel) or os.path.lexists(target):
            layout.kept.append(target)
            continue
        target.parent.mkdir(parents=True, exist_ok=True)
        data = item.read_bytes()
        with atomic_path(target) as tmp:
            tmp.write_bytes(data)
        manifest[item.dest] = {"sha256": _sha256(data), "mtime_ns": target.stat().st_mtime_ns}
        layout.written.append(target)
    if not _is_link_on_the_way(root, PurePosixPath(MANIFEST)):
        from . import __version__

        with atomic_path(root / MANIFEST) as tmp:
            tmp.write_text(json.dumps({"qitools": __version__, "files": manifest}, indent=1, sort_keys=True), "utf-8")
    return layout


def bundle_zip(out: str | os.PathLike[str], *, folder: str | None = None) -> Path:
    """Write the learner's course as a zip file to hand to learners (no coach material in it).

    Parameters
    ----------
    out : str or Path
        The zip file to write (its folder must exist). An existing file is replaced only once the
        new one is complete.
    folder : str, optional
        The folder the zip unpacks into (default: the file name without ``.zip``).

    Returns
    -------
    Path
        ``out``.

    Raises
    ------
    QIValueError
        ``out`` does not end in ``.zip``, or its folder does not exist; an exercise notebook is
        not a learner copy.

    Examples
    --------
    >>> import tempfile, pathlib, zipfile
    >>> from qitools.course import bundle_zip
    >>> with tempfile.TemporaryDirectory() as tmp:
    ...     with zipfile.ZipFile(bundle_zip(pathlib.Path(tmp) / "qi-course.zip")) as zf:
    ...         names = zf.namelist()
    >>> "qi-course/notebooks/00_start_here.ipynb" in names, any("coach" in n for n in names)
    (True, False)
    """
    path = Path(out)
    if path.suffix.lower() != ".zip":
        raise QIValueError(f"{str(path)!r} does not end in .zip. Give a zip file name (course.zip) or use a folder.")
    top = folder or path.stem
    if not top or "/" in top or "\\" in top or top in {".", ".."}:
        raise QIValueError(f"The folder name inside the zip must be a plain name; got {top!r}.")
    files = course_files()
    with atomic_path(path) as tmp:
        with zipfile.ZipFile(tmp, "w", compression=zipfile.ZIP_DEFLATED) as zf:
            for item in files:
                info = zipfile.ZipInfo(f"{top}/{item.dest}", date_time=(2024, 1, 1, 0, 0, 0))
                info.external_attr = 0o644 << 16
                info.compress_type = zipfile.ZIP_DEFLATED
                zf.writestr(info, item.read_bytes())
    return path


def summary(dests: Iterable[str]) -> str:
    """One line saying what a course holds ("13 course notebooks, 11 exercises ..."), from its ``dest`` paths."""
    dests = list(dests)
    count = {k: sum(1 for d in dests if d.startswith(k + "/") and d.endswith(e)) for k, e in
             (("notebooks", ".ipynb"), ("exercises", ".ipynb"), ("datasets", ""))}  # fmt: skip
    return (
        f"{count['notebooks']} course notebooks, {count['exercises']} exercises (learner copies), "
        f"{count['datasets']} files in datasets/"
    )
