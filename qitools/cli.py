"""The ``qitools`` command: a thin argparse layer over the library.

``qitools chart FILE --y COLUMN [--x COLUMN] [--n COLUMN] [--chart TYPE] ...`` reads a CSV or Excel
file, computes the chart and prints its summary and plain-English reading. Every validation
message is the library's own; the command exits with status 2 on bad input, never with a
traceback.

Subcommands register themselves in :data:`SUBCOMMANDS` (name -> function adding the subparser),
so other layers (PDSA tracking, reports) add theirs without touching the others.
"""

from __future__ import annotations

import argparse
import os
import sys
import warnings
from collections.abc import Callable, Sequence
from pathlib import Path

__all__ = ["main", "SUBCOMMANDS"]

#: subcommand name -> function(subparsers) that adds it and sets ``func`` on its parser
SUBCOMMANDS: dict[str, Callable[[argparse._SubParsersAction], None]] = {}


def _chart(args: argparse.Namespace) -> int:
    import qitools as qi

    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always", qi.QIToolsWarning)
        df = qi.read_measure(args.file, sheet=args.sheet, dayfirst=False if args.monthfirst else None)
        chart = args.chart
        if chart == "auto":
            suggestion = qi.suggest_chart(df, y=args.y, n=args.n, x=args.x)
            chart = suggestion.chart
            print(suggestion)
            print()
        cc = qi.control_chart(
            df,
            x=args.x,
            y=args.y,
            n=args.n,
            chart=chart,
            facet=args.facet,
            multiply=args.multiply,
            rules=args.rules,
            improvement=args.improvement,
            target=args.target,
            screen_mr=not args.no_screen_mr,
        )
    for w in caught:
        print(f"note: {w.message}", file=sys.stderr)
    print(cc.summary.to_string(index=False))
    print()
    print(cc.explain())
    if args.out:
        written = cc.save(args.out, title=args.title)
        print(f"\nchart written to {written}")
    if args.report:
        qi.chart_report(cc, args.report, title=args.title, source=Path(args.file).name, suppress_small=args.suppress_small)
        print(f"report written to {args.report}")
    if args.data_out:
        table = cc.data
        if args.suppress_small and "count" in table.columns:
            table = qi.suppress_small_counts(table, ["count"], also=["y"])
        table.to_csv(args.data_out, index=False)
        print(f"\nper-point table written to {args.data_out}")
    return 0


def _add_chart(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("chart", help="chart a measure from a CSV or Excel file", description=_chart.__doc__)
    p.add_argument("file", help="CSV or Excel file, one row per observation")
    p.add_argument("--y", required=True, help="column with the measure (numerator for p/u charts)")
    p.add_argument("--x", help="column with the time (or sample number)")
    p.add_argument("--n", help="column with the denominator (p, u charts)")
    p.add_argument(
        "--chart", default="run", help="auto (suggested from the data), run, i, mr, xbar, s, p, np, pp, c, u, up, g, t"
    )
    p.add_argument("--sheet", help="Excel sheet name (the first sheet by default)")
    p.add_argument("--monthfirst", action="store_true", help="read dates like 04/13/2024 month-first (US)")
    p.add_argument("--suppress-small", action="store_true", help="show counts of 1 to 4 as '<5' in exported tables")
    p.add_argument("--facet", help="column splitting the data into one chart per value")
    p.add_argument("--multiply", type=float, default=1.0, help="scale, e.g. 1000 for per 1000 bed days")
    p.add_argument("--rules", default="anhoej", help="anhoej, ihi, western_electric, nelson or mdc")
    p.add_argument("--improvement", choices=["increase", "decrease", "neutral"], help="which direction is better")
    p.add_argument("--target", type=float, help="target value (with --improvement: the assurance icon)")
    p.add_argument("--no-screen-mr", action="store_true", help="do not screen large moving ranges")
    p.add_argument("--out", help="write the chart to this PNG or SVG file (its explanation as alt text)")
    p.add_argument("--report", help="write a one-file HTML report (chart, reading, tables) to send to a team")
    p.add_argument("--title", help="title of the chart and report")
    p.add_argument("--data-out", help="also write the per-point table to this CSV file")
    p.set_defaults(func=_chart)


SUBCOMMANDS["chart"] = _add_chart

from .pdsa.cli import add_pdsa_parser  # noqa: E402 - registers after the built-in subcommands

SUBCOMMANDS["pdsa"] = add_pdsa_parser

from .grading.commands import COMMANDS as _GRADING_COMMANDS  # noqa: E402 - grade, make-student, certificate

SUBCOMMANDS.update(_GRADING_COMMANDS)

from .app.launch import add_app_parser  # noqa: E402 - the workshop app (Voilà)

SUBCOMMANDS["app"] = add_app_parser


def _bundle(args: argparse.Namespace) -> int:
    from .course import bundle_zip, course_files, learner_course, summary
    from .spc.errors import QIValueError

    out = Path(args.out)
    if out.suffix.lower() == ".zip":
        if args.add_missing:
            raise QIValueError("--add-missing is for a folder; a zip file is always written whole.")
        bundle_zip(out)
        print(f"Course written to {out} ({summary(f.dest for f in course_files())}).")
    else:
        layout = learner_course(out, add_missing=args.add_missing)
        root = layout.root
        added = summary(p.relative_to(root).as_posix() for p in layout.written)
        print(f"Course written to {root}{os.sep} ({added}).")
        if layout.kept:
            print(f"{len(layout.kept)} file(s) were already there and were left as they were.")
    print("No coach material (solutions, hidden checks) is in it. Learners open notebooks/00_start_here.ipynb.")
    return 0


def _add_bundle(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser(
        "bundle",
        help="write the learner's course (notebooks, exercises, datasets; no coach material) to hand out",
        description="Write the course a coach hands to learners: notebooks/, the learner copies of the exercises, "
        "datasets/ and a README. Solutions and hidden checks (exercises/coach/) are never included.",
    )
    p.add_argument("--out", required=True, help="a zip file (course.zip) or a new folder")
    p.add_argument(
        "--add-missing",
        action="store_true",
        help="with a folder that already has the course: add only the missing files, change nothing already there",
    )
    p.set_defaults(func=_bundle)


SUBCOMMANDS["bundle"] = _add_bundle


def main(argv: Sequence[str] | None = None) -> int:
    """Run the ``qitools`` command; return its exit status."""
    from .spc.errors import QIToolsError

    parser = argparse.ArgumentParser(prog="qitools", description="Run charts and SPC charts for improvement work.")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    for add in SUBCOMMANDS.values():
        add(sub)
    args = parser.parse_args(argv)
    if not getattr(args, "func", None):
        parser.print_help()
        return 2
    try:
        return int(args.func(args))
    except QIToolsError as exc:
        print(f"qitools: {exc}", file=sys.stderr)
        return 2
    except (OSError, ValueError) as exc:  # unreadable file, bad CSV
        print(f"qitools: could not read the input: {exc}", file=sys.stderr)
        return 2


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
