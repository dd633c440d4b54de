"""``qitools course``: open the course in JupyterLab, the way a learner needs it.

``jupyter lab notebooks/00_start_here.ipynb`` makes ``notebooks/`` the server's root, so the file
browser has no ``exercises/`` and the modules' "Practise:" links (``../exercises/NN_name.ipynb``)
give 404. ``qitools course`` starts JupyterLab with

- the **course folder as its root** (the qitools repository, or a course folder made by
  ``qitools bundle``): ``notebooks/``, ``exercises/`` and ``datasets/`` are all reachable, and the
  links between them work;
- the **course index open** (``notebooks/00_start_here.ipynb``), also as the page the printed
  address leads to;
- the **coach folder hidden** from the file browser (``exercises/coach/``: solutions and hidden
  checks), with Jupyter Server's ``ContentsManager.hide_globs``.

Hiding is not protecting: a hidden file can still be opened by typing its address (or through
Jupyter's contents API, or from a notebook cell), because it is on the learner's disk. To give
learners a course with no coach material in it at all, hand them the folder or zip made by
``qitools bundle`` (:mod:`qitools.course`). ``--coach`` shows the coach folder.

Other JupyterLab options (``--port 8889``, ``--no-browser``, ``--allow-root``, and any
``--ServerApp.name=value``) are passed on to JupyterLab. JupyterLab refuses to run as root (in a
container, say) unless ``--allow-root`` is given.
"""

from __future__ import annotations

import argparse
import importlib.util
import os
from pathlib import Path

from .spc.errors import QIToolsError, QIValueError

__all__ = ["INDEX", "HIDDEN", "course_root", "lab_arguments", "add_course_parser"]

#: the course index, relative to the course folder
INDEX = "notebooks/00_start_here.ipynb"

#: names hidden from the learner's file browser, besides Jupyter's own (``__pycache__``, ``*.pyc`` ...).
#: Jupyter Server matches them against the name of each file and folder, at any depth.
HIDDEN = ("coach", "*.egg-info")


def _is_course(folder: Path) -> bool:
    return (folder / INDEX).is_file()


def course_root(folder: str | os.PathLike[str] = ".", *, create: bool = True) -> tuple[Path, bool]:
    """The course folder to serve, laid out first when it is new: (folder, whether it was written).

    Parameters
    ----------
    folder : str or Path, default "."
        A folder with ``notebooks/00_start_here.ipynb`` in it (the qitools repository, or a course
        folder from ``qitools bundle``). A folder that does not exist yet, or is empty, gets the
        learner's course first (as ``qitools bundle --out FOLDER`` writes it), when ``create``.
    create : bool, default True
        Lay out a new course in a missing or empty folder.

    Returns
    -------
    (Path, bool)
        The folder (absolute) and True when the course was written into it now.

    Raises
    ------
    QIValueError
        The folder has other files in it but no course.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> from qitools.lab import course_root
    >>> with tempfile.TemporaryDirectory() as tmp:
    ...     root, written = course_root(pathlib.Path(tmp) / "my-course")
    ...     print(written, (root / "notebooks" / "00_start_here.ipynb").is_file(), (root / "exercises" / "coach").exists())
    True True False
    """
    path = Path(folder).expanduser()
    if _is_course(path):
        return path.resolve(), False
    empty = not path.exists() or (path.is_dir() and not any(path.iterdir()))
    if create and empty:
        from .course import learner_course

        learner_course(path)
        return path.resolve(), True
    where = "this folder" if str(folder) in (".", "") else repr(str(folder))
    raise QIValueError(
        f"There is no course in {where}: it has no {INDEX}. Run 'qitools course' in the qitools folder (the one "
        "with pyproject.toml in it) or in the course folder your coach gave you, or give a new folder name to "
        "make your own copy of the course there: qitools course my-course"
    )


def lab_arguments(root: str | os.PathLike[str], *, coach: bool = False) -> list[str]:
    """JupyterLab's command-line arguments for the course in ``root``.

    Parameters
    ----------
    root : str or Path
        The course folder (the server's root).
    coach : bool, default False
        Show ``exercises/coach/`` in the file browser (for coaches).

    Returns
    -------
    list of str
        ``--ServerApp.root_dir=...``, ``--LabApp.default_url=/lab/tree/notebooks/00_start_here.ipynb``,
        one ``--ContentsManager.hide_globs=...`` per hidden name, and the index to open.

    Examples
    --------
    >>> from qitools.lab import lab_arguments
    >>> args = lab_arguments("/course")
    >>> "--ContentsManager.hide_globs=coach" in args, args[-1].endswith("00_start_here.ipynb")
    (True, True)
    """
    root = Path(root)
    hidden = ["__pycache__", "*.pyc", "*.pyo", ".DS_Store", "*~", *HIDDEN]  # Jupyter's own, then ours
    if coach:
        hidden.remove("coach")
    return [
        f"--ServerApp.root_dir={root}",
        f"--LabApp.default_url=/lab/tree/{INDEX}",
        *(f"--ContentsManager.hide_globs={name}" for name in hidden),
        str(root / INDEX),
    ]


def _course(args: argparse.Namespace, extra: list[str]) -> int:
    """Start JupyterLab on the course (this process becomes the server; Ctrl-C stops it)."""
    if importlib.util.find_spec("jupyterlab") is None:
        raise QIToolsError(
            "JupyterLab is not installed in this Python, so the course cannot open. Install the course "
            "extra: pip install -e \".[course]\" in the qitools folder (or pip install \"qitools[course]\")."
        )
    root, written = course_root(args.folder)
    if written:
        print(f"Your own copy of the course was written to {root}{os.sep}.")
    print(
        f"Opening the course in JupyterLab: {root / INDEX}\n"
        + (
            "(exercises/coach/ is hidden from the file browser; it is not removed.)\n"
            if not args.coach and (root / "exercises" / "coach").exists()
            else ""
        )
        + "Stop it with Ctrl-C in this window."
    )
    argv = lab_arguments(root, coach=args.coach)
    if args.port is not None:
        argv.append(f"--ServerApp.port={args.port}")
    if args.no_browser:
        argv.append("--no-browser")
    if args.allow_root:
        argv.append("--allow-root")
    argv += extra
    # Python kernels that show a learner's errors the short way from their first cell, even after a restart
    from ._course_kernels import with_course_kernels

    os.environ.update(with_course_kernels(dict(os.environ)))
    from jupyterlab.labapp import LabApp

    LabApp.launch_instance(argv=argv)
    return 0


def add_course_parser(sub: argparse._SubParsersAction) -> None:
    """Add ``qitools course`` to the command's subparsers."""
    p = sub.add_parser(
        "course",
        help="open the course in JupyterLab (the course index, with exercises/ reachable and coach/ hidden)",
        description="Open the course in JupyterLab: the course folder is the root (notebooks/, exercises/ and "
        "datasets/ all reachable), the course index opens, and exercises/coach/ is hidden from the file browser "
        "(hidden, not removed: hand learners a course made by 'qitools bundle' to leave it out). Other JupyterLab "
        "options (--ServerApp.name=value) are passed on.",
        allow_abbrev=False,
    )
    p.add_argument(
        "folder",
        nargs="?",
        default=".",
        help="the course folder (default: this folder); a new or empty folder gets your own copy of the course",
    )
    p.add_argument("--port", type=int, help="the port to serve on (default: 8888, or the next free one)")
    p.add_argument("--no-browser", action="store_true", help="do not open a browser; print the address only")
    p.add_argument("--allow-root", action="store_true", help="let JupyterLab run as root (in a container)")
    p.add_argument("--coach", action="store_true", help="show exercises/coach/ (solutions, hidden checks) too")
    p.set_defaults(func=_course, passes_on=True)
