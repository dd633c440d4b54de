"""The ``qitools grade``, ``qitools make-student`` and ``qitools certificate`` subcommands.

Registered in :data:`qitools.cli.SUBCOMMANDS` through :data:`COMMANDS`; each function adds its
subparser. Heavy imports (nbformat, IPython, matplotlib) happen only when a command runs.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from ..spc.errors import QIValueError

__all__ = ["COMMANDS"]

_DEFAULT_HIDDEN = Path("exercises") / "coach" / "hidden"


def _hidden_dir(value: str | None) -> Path:
    if value:
        return Path(value)
    if _DEFAULT_HIDDEN.is_dir():
        return _DEFAULT_HIDDEN
    raise QIValueError(
        "Where are the hidden checks? Give their folder with --hidden (in the course folder: exercises/coach/hidden)."
    )


def _grade(args: argparse.Namespace) -> int:
    import warnings

    from .runner import for_terminal, grade
    from .sandbox import GradingIsolationWarning, isolation

    hidden = _hidden_dir(args.hidden)
    iso = isolation(args.sandbox)
    if iso.warning:  # said before grading starts, in plain words
        print(f"Warning: {iso.warning}", file=sys.stderr)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", GradingIsolationWarning)
        book = grade(
            args.submissions,
            hidden=hidden,
            jobs=args.jobs,
            cell_timeout=args.cell_timeout,
            notebook_timeout=args.notebook_timeout,
            sandbox=args.sandbox,
        )
    path = book.to_csv(args.out)
    rows = book.rows()
    with_problems = sum(1 for r in book.results if r.problems)
    print(f"Gradebook written to {path}: {len(rows)} learner{'s' if len(rows) != 1 else ''}, "
          f"{len(book.results)} notebook{'s' if len(book.results) != 1 else ''}, "
          f"exercises: {', '.join(sorted(book.exercises)) or 'none recognised'}.")  # fmt: skip
    if with_problems:
        print(f"{with_problems} notebook(s) had problems: see the 'problems' column.")
    for row in rows:
        print(f"  {for_terminal(row['learner'])}: {row['total']:g} of {row['max']:g} points ({row['percent']}%)")
    if book.fatal:
        print("Grading itself failed for some notebooks (see 'problems'): check the installation.", file=sys.stderr)
        return 1
    return 0


def _add_grade(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser(
        "grade",
        help="grade submitted exercise notebooks into a gradebook CSV",
        description="Run every submitted notebook headless (each in its own process and folder, in a sandbox "
        "on Linux with bubblewrap, with time limits), apply the hidden checks in this process and write one row "
        "per learner with a score per question.",
    )
    p.add_argument(
        "submissions", nargs="+", help="folder(s) of submitted notebooks (one sub-folder per learner), or notebooks"
    )
    p.add_argument("--out", default="gradebook.csv", help="the gradebook CSV to write (default gradebook.csv)")
    p.add_argument("--hidden", help="folder of hidden checks (default exercises/coach/hidden)")
    p.add_argument("--jobs", type=int, help="notebooks graded at once (default: number of CPU cores)")
    p.add_argument(
        "--cell-timeout",
        type=float,
        help="seconds a cell may run (default: 8 + twice what this computer takes to start Python for a notebook, "
        "10 to 60)",
    )
    p.add_argument(
        "--notebook-timeout", type=float, help="seconds a whole notebook may take (default: 30 + 4 cell limits)"
    )
    p.add_argument(
        "--sandbox",
        choices=("auto", "required", "none"),
        default="auto",
        help="run notebooks in a bubblewrap sandbox: where available (auto, the default), or refuse to grade "
        "without it (required)",
    )
    p.set_defaults(func=_grade)


def _make_student(args: argparse.Namespace) -> int:
    from .student import make_student, stale_copies

    if args.check:
        stale = stale_copies(args.sources, args.out)
        for line in stale:
            print(f"out of date: {line}")
        if stale:
            print(f"Run: qitools make-student {' '.join(args.sources)} --out {args.out}")
            return 1
        print("All learner copies are up to date.")
        return 0
    for path in make_student(args.sources, args.out):
        print(f"wrote {path}")
    return 0


def _add_make_student(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser(
        "make-student",
        help="write learner copies of exercise source notebooks (solutions removed)",
        description="Replace '# BEGIN SOLUTION' ... '# END SOLUTION' blocks (and lines ending '# SOLUTION', "
        "cells tagged 'solution') with '...', remove hidden cells and outputs.",
    )
    p.add_argument("sources", nargs="+", help="source notebooks, or folders of them (exercises/coach/source)")
    p.add_argument("--out", default="exercises", help="folder for the learner copies (default exercises)")
    p.add_argument("--check", action="store_true", help="only check that the learner copies are up to date")
    p.set_defaults(func=_make_student)


def _safe_name(name: str) -> str:
    cleaned = "".join(ch if ch.isalnum() or ch in "-_" else "_" for ch in name.strip())
    return cleaned.strip("_") or "learner"


def _certificate(args: argparse.Namespace) -> int:
    from ..certificate import exercise_catalogue, records_from_gradebook, records_from_notebooks, write_certificate

    catalogue = exercise_catalogue(args.exercises)
    written = []
    if args.gradebook:
        if args.notebooks:
            raise QIValueError("Give either --gradebook or notebooks, not both.")
        by_learner = records_from_gradebook(args.gradebook, args.learner, catalogue)
        single = args.learner is not None
        used: set[str] = set()
        for learner, records in by_learner.items():
            name = _safe_name(learner)
            if name.casefold() in used:  # 'sam patel' and 'sam_patel': one file each, never one over the other
                name = next(f"{name}-{i}" for i in range(2, len(used) + 3) if f"{name}-{i}".casefold() not in used)
            used.add(name.casefold())
            out = Path(args.out) if single and args.out else Path(args.out or "certificates") / name
            written += write_certificate(
                args.name or learner, records, out, pass_mark=args.pass_mark, source="gradebook", pdf=not args.no_pdf
            )
    else:
        if not args.notebooks:
            raise QIValueError("Give your exercise notebooks (or a coach's --gradebook).")
        if not args.name:
            raise QIValueError('Give your name as it should appear on the record: --name "Sam Patel".')
        hidden = Path(args.hidden) if args.hidden else None
        records = records_from_notebooks(args.notebooks, hidden=hidden, catalogue=catalogue)
        written += write_certificate(
            args.name,
            records,
            Path(args.out or "certificate.html"),
            pass_mark=args.pass_mark,
            source="hidden" if hidden else "self",
            pdf=not args.no_pdf,
        )
    for path in written:
        print(f"wrote {path}")
    return 0


def _add_certificate(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser(
        "certificate",
        help="a record of completed exercises (HTML and PDF) for a CPD or revalidation portfolio",
        description="From a coach's gradebook (--gradebook gradebook.csv [--learner NAME]) or from a learner's "
        "own exercise notebooks (NOTEBOOKS --name NAME).",
    )
    p.add_argument("notebooks", nargs="*", help="your exercise notebooks (or a folder of them)")
    p.add_argument("--name", help="the name to print on the record")
    p.add_argument("--gradebook", help="a gradebook CSV written by 'qitools grade'")
    p.add_argument("--learner", help="with --gradebook: only this learner (default: one record per learner)")
    p.add_argument("--out", help="file (one record) or folder (one per learner; default certificates/)")
    p.add_argument("--hidden", help="with notebooks: grade them with the coach's hidden checks in this folder")
    p.add_argument("--exercises", help="folder of exercise notebooks, for titles and objectives (default exercises)")
    p.add_argument("--pass-mark", type=float, default=80, help="score (%%) at which an exercise counts as completed")
    p.add_argument("--no-pdf", action="store_true", help="write HTML only")
    p.set_defaults(func=_certificate)


COMMANDS = {"grade": _add_grade, "make-student": _add_make_student, "certificate": _add_certificate}
