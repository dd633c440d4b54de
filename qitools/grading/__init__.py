"""Coach-side grading of the exercises: learner copies, hidden checks, batch grading, gradebook.

* :func:`make_student` writes the learner copy of each source notebook (solutions between
  ``# BEGIN SOLUTION`` / ``# END SOLUTION`` become ``...``, hidden cells are removed);
  :func:`stale_copies` tells CI whether the committed copies are up to date.
* :class:`HiddenChecks` is what a coach's hidden-check file defines (see :mod:`qitools.grading.hidden`).
* :func:`grade` runs every submitted notebook headless, each in its own process and temporary
  folder (a bubblewrap sandbox on Linux: :mod:`qitools.grading.sandbox`) with time limits, applies
  the hidden checks in the coach's process (:mod:`qitools.grading.session`) and returns a
  :class:`Gradebook` (``.to_csv("gradebook.csv")``: one row per learner, a score per question and
  a total).

The command line is ``qitools make-student``, ``qitools grade`` and ``qitools certificate``.
Nothing here is imported by ``import qitools``; nbformat and IPython are imported only when
grading runs.
"""

from __future__ import annotations

from .hidden import Answers, HiddenChecks, MissingAnswer, load_hidden
from .runner import Gradebook, NotebookResult, find_submissions, grade, grade_public, identify_exercise, load_hidden_dir
from .student import make_student, stale_copies, strip_solutions, student_text

__all__ = [
    "grade",
    "grade_public",
    "Gradebook",
    "NotebookResult",
    "HiddenChecks",
    "Answers",
    "MissingAnswer",
    "load_hidden",
    "load_hidden_dir",
    "find_submissions",
    "identify_exercise",
    "make_student",
    "stale_copies",
    "strip_solutions",
    "student_text",
]
