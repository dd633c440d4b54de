"""Start a learner's JupyterLab on a hub after making sure their home holds the course.

JupyterHub runs ``python -m qitools.hub.singleuser [options]`` (its ``Spawner.cmd``) instead of
``jupyterhub-singleuser``: this adds any course file missing from the learner's home
(:func:`qitools.course.learner_course` with ``add_missing=True``: nothing already there is
changed, so a learner's saved work is safe and a new module reaches everyone at their next start),
then hands over to ``jupyterhub-singleuser`` with the same options, and with Python kernels that
show a learner's errors the short way from their first cell (:mod:`qitools._course_kernels`). It
runs as the learner, so the files are theirs. The course folder is ``QITOOLS_COURSE_DIR`` if set, otherwise ``HOME``.

A problem laying out the course is reported in the server's log and the server starts anyway: a
learner must never be locked out of their saved work.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

__all__ = ["main", "prepare_home"]


def prepare_home(home: str | os.PathLike[str] | None = None) -> str:
    """Add the missing course files to ``home`` (default: ``QITOOLS_COURSE_DIR`` or ``HOME``); a log line."""
    from ..course import learner_course
    from ..spc.errors import QIToolsError

    folder = Path(home or os.environ.get("QITOOLS_COURSE_DIR") or os.environ.get("HOME") or os.getcwd())
    try:
        layout = learner_course(folder, add_missing=True)
    except (QIToolsError, OSError) as exc:
        return f"qitools: could not add the course to {folder}: {exc}"
    return f"qitools: course in {folder}: {len(layout.written)} file(s) added, {len(layout.kept)} already there"


def main(argv: list[str] | None = None) -> None:  # pragma: no cover - replaces the process
    """Lay out the course, then become ``jupyterhub-singleuser`` with the given options."""
    print(prepare_home(), file=sys.stderr, flush=True)
    args = list(sys.argv[1:] if argv is None else argv)
    from .._course_kernels import with_course_kernels

    env = with_course_kernels(dict(os.environ))  # kernels that show errors the short way from the first cell
    os.execve(sys.executable, [sys.executable, "-m", "jupyterhub.singleuser", *args], env)


if __name__ == "__main__":  # pragma: no cover
    main()
