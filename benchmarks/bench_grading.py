"""Benchmark ``qitools grade``: 30 submissions of one exercise, graded headless with its hidden checks.

Run from the repository root::

    python benchmarks/bench_grading.py                    # 30 submissions of 04_run_charts, 2 at a time
    python benchmarks/bench_grading.py --n 10 --jobs 1    # smaller / serial
    python benchmarks/bench_grading.py --exercise 10_rare_events

The 30 submissions are a realistic mix made from the exercise's source and learner copy: a third
complete solutions, a third blank learner copies, a third solutions with one answer wrong (the
first answer cell replaced by ``...``). Each is graded exactly as ``qitools grade`` does: its own
process, temporary folder and kernel, per-cell time limit, then the hidden checks. The target of
issue 9 is **under 2 minutes** for 30 submissions on the 2-core development machine.

The script checks the grades too: solutions must score 100%, blank copies 0%, and the one-wrong
copies exactly one question less. Exit status: 0 when the grades are right (even if the time target
is missed: this is a report); 1 when a grade is wrong or grading broke.
"""

from __future__ import annotations

import argparse
import os
import platform
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

TARGET_SECONDS = 120.0


def make_submissions(folder: Path, exercise: str, n: int) -> dict[str, str]:
    """Write n learner folders, each with one notebook; return learner -> kind."""
    import nbformat

    source = nbformat.read(ROOT / "exercises" / "coach" / "source" / f"{exercise}.ipynb", as_version=4)
    blank = nbformat.read(ROOT / "exercises" / f"{exercise}.ipynb", as_version=4)
    one_wrong = nbformat.from_dict(source)
    first_answer = next(c for c in one_wrong.cells if c.cell_type == "code" and "SOLUTION" in c.source)
    first_answer.source = "\n".join(
        line.split("=")[0] + "= ..." if "# SOLUTION" in line else line for line in first_answer.source.splitlines()
    )
    kinds = {}
    for i in range(n):
        kind = ("solution", "blank", "one_wrong")[i % 3]
        learner = f"learner{i + 1:02d}"
        (folder / learner).mkdir(parents=True)
        nb = {"solution": source, "blank": blank, "one_wrong": one_wrong}[kind]
        nbformat.write(nb, folder / learner / f"{exercise}.ipynb")
        kinds[learner] = kind
    return kinds


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--exercise", default="04_run_charts")
    parser.add_argument("--n", type=int, default=30, help="number of submissions (default 30)")
    parser.add_argument("--jobs", type=int, default=os.cpu_count() or 1, help="notebooks at once (default: cores)")
    parser.add_argument("--cell-timeout", type=float, default=60)
    args = parser.parse_args(argv)

    from qitools.grading import grade

    load = os.getloadavg()[0] if hasattr(os, "getloadavg") else float("nan")
    where = f"{platform.platform()}, {os.cpu_count()} cores, load average {load:.2f}"
    print(f"machine: {where}; python {platform.python_version()}")
    with tempfile.TemporaryDirectory(prefix="qitools-bench-") as tmp:
        kinds = make_submissions(Path(tmp), args.exercise, args.n)
        started = time.perf_counter()
        book = grade(
            tmp,
            hidden=ROOT / "exercises" / "coach" / "hidden",
            jobs=args.jobs,
            cell_timeout=args.cell_timeout,
            progress=False,
        )
        elapsed = time.perf_counter() - started
    per = [r.seconds for r in book.results]
    kernel = [r.timing.get("kernel start", float("nan")) for r in book.results]
    cells = [r.timing.get("learner cells", float("nan")) for r in book.results]
    hidden = [r.timing.get("checks", float("nan")) for r in book.results]
    print(f"{args.n} submissions of {args.exercise}, {args.jobs} at a time: {elapsed:.1f} s in all "
          f"(target < {TARGET_SECONDS:.0f} s: {'met' if elapsed < TARGET_SECONDS else 'MISSED'})")  # fmt: skip
    print(f"per notebook (median): {statistics.median(per):.2f} s wall-clock = kernel start "
          f"{statistics.median(kernel):.2f} s + learner cells {statistics.median(cells):.2f} s + hidden checks "
          f"{statistics.median(hidden):.2f} s (+ process start and shutdown)")  # fmt: skip

    wrong = []
    rows = {r["learner"]: r for r in book.rows()}
    for learner, kind in kinds.items():
        row = rows[learner]
        expected = {"solution": row["max"], "blank": 0.0, "one_wrong": row["max"] - 1}[kind]
        if row["total"] != expected or row["problems"]:
            wrong.append(f"{learner} ({kind}): {row['total']} of {row['max']}, problems: {row['problems'] or 'none'}")
    if wrong or book.fatal:
        print("GRADES WRONG:\n  " + "\n  ".join(wrong))
        return 1
    print("grades: solutions 100%, blank copies 0%, one-wrong copies one question less: agree")
    return 0


if __name__ == "__main__":
    sys.exit(main())
