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
import re
import sys
import warnings
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path

__all__ = ["main", "build_parser", "SUBCOMMANDS"]

#: subcommand name -> function(subparsers) that adds it and sets ``func`` on its parser
SUBCOMMANDS: dict[str, Callable[[argparse._SubParsersAction], None]] = {}


class _Stage(Exception):
    """An unexpected failure in one stage of ``qitools chart``, said with the stage (read, draw, write)."""

    def __init__(self, doing: str, exc: BaseException) -> None:
        super().__init__(f"could not {doing}: {exc.strerror if isinstance(exc, OSError) and exc.strerror else exc}")


@contextmanager
def _stage(doing: str) -> Iterator[None]:
    """Turn an unexpected error into "could not <doing>: ..." (qitools' own errors pass as they are)."""
    from .spc.errors import QIToolsError

    try:
        yield
    except QIToolsError:
        raise
    except (OSError, ValueError, TypeError, KeyError, RuntimeError, MemoryError) as exc:
        raise _Stage(doing, exc) from exc


def _chart(args: argparse.Namespace) -> int:
    """Chart a measure from a CSV or Excel export; print the suggestion, summary and reading."""
    import qitools as qi

    from ._files import check_not_input
    from ._messages import for_command
    from .io import numbered_as_in_file, x_values_from_text
    from .pdsa._text import terminal_safe

    check_not_input([args.out, args.report, args.data_out], [args.file, *([args.pdsa] if args.pdsa else [])])
    if args.header is not None and args.header < 1:
        raise qi.QIValueError(f"--header is a line number, 1 for the first line; got {args.header}.")
    project = measure = None
    if args.pdsa is None and (args.pdsa_measure or args.pdsa_project):
        raise qi.QIValueError("--pdsa-measure and --pdsa-project choose among the cycles of --pdsa FILE: give it too.")
    if args.pdsa is not None:  # the PDSA file and its measure first: a bad one stops before any work
        from . import _pdsa_chart

        project = _pdsa_chart.read_project(args.pdsa, project=args.pdsa_project)
        measure = _pdsa_chart.choose_measure(project, args.y, args.n, args.pdsa_measure)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always", qi.QIToolsWarning)
        with _stage(f"read {Path(args.file).name}"):
            df = qi.read_measure(
                args.file,
                sheet=args.sheet,
                header=None if args.header is None else args.header - 1,
                dayfirst=False if args.monthfirst else None,
                dates=_listed(args.dates),
                progress=True,
            )
        cleaning = list(df.attrs.get("qitools_changes", []))
        df = numbered_as_in_file(df)  # messages name the rows as the file numbers them
        read_notes = len(caught)  # read_measure's own warning repeats the cleaning steps
        if project is not None:
            _pdsa_chart.require_dates(df, args.x)
        chart = args.chart
        suggestion = None
        with _stage("compute the chart"):
            if chart == "auto" or args.report:
                suggestion = qi.suggest_chart(_one_facet(df, args.facet), y=args.y, n=args.n, x=args.x, kind=args.kind)
            if chart == "auto":
                chart = suggestion.chart
                print(for_command(str(suggestion)))
                print()
            x_col = df[args.x] if args.x in df.columns else None
            def xs(text: str | None, what: str) -> list | None:
                if not text:
                    return None
                if x_col is None:
                    raise qi.QIValueError(f"{what} needs --x (the time column) to place the values.")
                return x_values_from_text(text, x_col, dayfirst=not args.monthfirst, what=what)
            freeze = xs(args.freeze, "--freeze")
            cc = qi.control_chart(
                df,
                x=args.x,
                y=args.y,
                n=args.n,
                chart=chart,
                facet=args.facet,
                part=xs(args.part, "--part"),
                freeze=freeze[0] if freeze else None,
                exclude=xs(args.exclude, "--exclude"),
                multiply=args.multiply,
                rules=args.rules,
                improvement=args.improvement,
                target=args.target,
                screen_mr=not args.no_screen_mr,
                agg=args.agg,
            )
    for w in caught:
        if issubclass(w.category, qi.QIToolsWarning):
            print(f"note: {for_command(str(w.message))}", file=sys.stderr)
    notes = [w for w in caught[read_notes:] if issubclass(w.category, qi.QIToolsWarning)]
    from .report import summary_lines

    print(terminal_safe(summary_lines(cc)))
    print()
    print(for_command(str(cc.explain())))
    marks = None
    if project is not None:
        marks = _pdsa_chart.cycle_marks(
            project,
            measure,
            labels=args.pdsa_labels,
            file=Path(args.pdsa).name,
            how=_pdsa_chart.how_chosen(project, measure, args.pdsa_measure, args.y, args.n, "readers"),
        )
        how = _pdsa_chart.how_chosen(project, measure, args.pdsa_measure, args.y, args.n)
        line, pdsa_notes = _pdsa_chart.describe(marks, cc.data["x"], how)
        print(f"\n{terminal_safe(line)}")
        if args.facet and len(marks):
            pdsa_notes.append("With --facet the small charts mark the cycles without labels; the report lists them.")
        for note in pdsa_notes:
            print(f"note: {terminal_safe(note)}", file=sys.stderr)
    # what drawing says (a character the font lacks ...) is printed as notes, not as Python warnings
    with warnings.catch_warnings(record=True) as drawn:
        warnings.simplefilter("always")
        try:
            _draw_and_write(args, cc, marks, cleaning, suggestion, notes)
        finally:
            said: set[str] = set()
            for w in drawn:
                text = str(w.message)
                if issubclass(w.category, qi.QIToolsWarning):
                    text = for_command(text)
                elif _GLYPH_MISSING.match(text) or issubclass(w.category, DeprecationWarning):
                    continue
                if text not in said:
                    said.add(text)
                    print(f"note: {terminal_safe(text)}", file=sys.stderr)
    return 0


#: matplotlib's own warning for each character its font lacks (qitools says it once, naming them all)
_GLYPH_MISSING = re.compile(r"Glyph \d+ .* missing from (current )?font")


def _draw_and_write(args: argparse.Namespace, cc, marks, cleaning, suggestion, notes) -> None:  # type: ignore[no-untyped-def]
    """Write the chart, the report and the per-point table the command was asked for."""
    import qitools as qi

    from ._files import write_csv
    from .report import no_mathtext

    if args.out:
        with _stage(f"draw the chart for {args.out}"), no_mathtext():
            if marks is None:
                written = cc.save(args.out, title=args.title)
            else:
                written = _save_with_cycles(cc, marks, args.out, labels=args.pdsa_labels, title=args.title)
        print(f"\nchart written to {written}")
    if args.report:
        with _stage(f"write the report {args.report}"), no_mathtext():
            qi.chart_report(
                cc,
                args.report,
                title=args.title,
                source=Path(args.file).name,
                suppress_small=args.suppress_small,
                cleaning=cleaning,
                suggestion=suggestion,
                notes=[str(w.message) for w in notes],
                cycles=marks,
                cycle_labels=args.pdsa_labels,
            )
        print(f"report written to {args.report}")
    if args.data_out:
        table = cc.data
        if args.suppress_small and "count" in table.columns:
            table = qi.suppress_small_counts(table, ["count"], also=["y"])
        write_csv(args.data_out, table)
        print(f"\nper-point table written to {args.data_out}")


def _save_with_cycles(cc, marks, out: str, *, labels: str, title: str | None):  # type: ignore[no-untyped-def]
    """The chart with the PDSA cycles marked, saved whole (a key under the chart included)."""
    import matplotlib.pyplot as plt

    from .pdsa.draw import plot_with_cycles
    from .pdsa.validate import PDSAWarning
    from .plot import save

    with warnings.catch_warnings():
        warnings.simplefilter("ignore", PDSAWarning)  # the cycles left out were noted already
        drawn = plot_with_cycles(cc, marks, labels=labels, title=title)
    fig = drawn if hasattr(drawn, "savefig") else drawn.figure
    try:
        return save(drawn, out, dpi=150, bbox_inches="tight")
    finally:
        plt.close(fig)


def _listed(values: list[str] | None) -> list[str] | None:
    """--dates A --dates B, or --dates "A,B" -> ["A", "B"]."""
    if not values:
        return None
    return [v.strip() for text in values for v in text.split(",") if v.strip()]


def _one_facet(df, facet):  # type: ignore[no-untyped-def]
    """Rows of the first facet: facets share x values, which are not subgroups (for the suggestion)."""
    if facet is None or facet not in df.columns or not df[facet].notna().any():
        return df
    return df[df[facet] == df[facet].dropna().iloc[0]]


def _add_chart(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("chart", help="chart a measure from a CSV or Excel file", description=_chart.__doc__)
    p.add_argument("file", help="CSV or Excel file, one row per observation")
    p.add_argument("--y", required=True, help="column with the measure (numerator for p/u charts)")
    p.add_argument("--x", help="column with the time (or sample number)")
    p.add_argument("--n", help="column with the denominator (p, u charts)")
    p.add_argument(
        "--chart", default="run", help="auto (suggested from the data), run, i, mr, xbar, s, p, np, pp, c, u, up, g, t"
    )
    p.add_argument("--kind", choices=["classification", "count"], help="with --chart auto: settle p or u yourself")
    p.add_argument("--sheet", help="Excel sheet name (the first sheet by default)")
    p.add_argument("--header", type=int, metavar="LINE", help="line (row) of the column names, 1 for the first line")
    p.add_argument(
        "--dates", action="append", metavar="COLUMN",
        help="read this column as dates (text dates, Excel dates or Excel day numbers such as 44652)",
    )
    p.add_argument("--monthfirst", action="store_true", help="read dates like 04/13/2024 month-first (US)")
    p.add_argument("--suppress-small", action="store_true", help="show counts of 1 to 4 as '<5' in exported tables")
    p.add_argument("--facet", help="column splitting the data into one chart per value")
    p.add_argument("--part", metavar="DATES", help="x values where a new part (phase) begins, e.g. \"Nov 2022\"")
    p.add_argument("--freeze", metavar="DATE", help="last x value of the baseline: limits from it are extended")
    p.add_argument("--exclude", metavar="DATES", help="x values left out of the limits (still drawn)")
    p.add_argument("--multiply", type=float, default=1.0, help="scale, e.g. 1000 for per 1000 bed days")
    p.add_argument("--agg", default="mean", help="how rows sharing an x are combined for run and i charts")
    p.add_argument("--rules", default="anhoej", help="anhoej, ihi, western_electric, nelson or mdc")
    p.add_argument("--improvement", choices=["increase", "decrease", "neutral"], help="which direction is better")
    p.add_argument("--target", type=float, help="target value (with --improvement: the assurance icon)")
    p.add_argument("--no-screen-mr", action="store_true", help="do not screen large moving ranges")
    p.add_argument("--out", help="write the chart to this PNG or SVG file (its explanation as alt text)")
    p.add_argument(
        "--report", help="write a one-file HTML report (chart, reading, cleaning, warnings, tables) to send to a team"
    )
    p.add_argument("--title", help="title of the chart and report")
    p.add_argument(
        "--pdsa", metavar="FILE",
        help="mark the PDSA cycles of this project on the chart and in the report: the team's PDSA file (team.pdsa, "
        "only read) or a project exported as JSON",
    )
    p.add_argument(
        "--pdsa-measure", metavar="ID",
        help="with --pdsa: the measure whose cycles are marked (its id, e.g. M1, or its name); by default the "
        "project's only measure, or the one charting --y (and --n)",
    )
    p.add_argument("--pdsa-project", metavar="ID", help="with --pdsa: the project, when the file holds several")
    p.add_argument(
        "--pdsa-labels", choices=["title", "id"], default="title",
        help="label each cycle with its title (default; ids and a key under the chart when titles would overlap) "
        "or its id only",
    )
    p.add_argument("--data-out", help="also write the per-point table to this CSV file (safe to open in Excel)")
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
    print(
        "No coach material (solutions, hidden checks) is in it. Learners start it with 'qitools course' in its "
        "folder (it opens notebooks/00_start_here.ipynb)."
    )
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

from .lab import add_course_parser  # noqa: E402 - the course in JupyterLab

SUBCOMMANDS["course"] = add_course_parser

from .hub.cli import add_hub_parser  # noqa: E402 - the course on JupyterHub

SUBCOMMANDS["hub"] = add_hub_parser


def build_parser() -> argparse.ArgumentParser:
    """The ``qitools`` command's parser, with every subcommand (tests check documented commands with it)."""
    parser = argparse.ArgumentParser(prog="qitools", description="Run charts and SPC charts for improvement work.")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    for add in SUBCOMMANDS.values():
        add(sub)
    return parser


def _unknown_options(parser: argparse.ArgumentParser, argv: list[str], extra: list[str]) -> None:
    """Say which options the command used does not have, with its own usage and the closest option."""
    import difflib

    command = parser
    for token in argv:  # the deepest subcommand named (qitools pdsa list ...)
        subs = [a for a in command._actions if isinstance(a, argparse._SubParsersAction)]
        if subs and token in subs[0].choices:
            command = subs[0].choices[token]
    known = [o for a in command._actions for o in a.option_strings if o.startswith("--")]
    hints = []
    for item in extra:
        if item.startswith("-"):
            close = difflib.get_close_matches(item.split("=", 1)[0], known, n=1, cutoff=0.6)
            if close:
                hints.append(f"did you mean {close[0]}?")
    more = f" ({'; '.join(hints)})" if hints else ""
    command.error(f"unrecognized arguments: {' '.join(extra)}{more}; see '{command.prog} --help' for its options")


def main(argv: Sequence[str] | None = None) -> int:
    """Run the ``qitools`` command; return its exit status."""
    from .spc.errors import QIToolsError

    parser = build_parser()
    # A subcommand that sets passes_on=True gets the options it does not know (JupyterLab's, for
    # `qitools course`); for the others an unknown option is an error, as with parse_args.
    args, extra = parser.parse_known_args(argv)
    passes_on = bool(getattr(args, "passes_on", False))
    if extra and not passes_on:
        _unknown_options(parser, list(sys.argv[1:] if argv is None else argv), extra)
    if not getattr(args, "func", None):
        parser.print_help()
        return 2
    from ._messages import for_command

    try:
        return int(args.func(args, extra) if passes_on else args.func(args))
    except QIToolsError as exc:
        print(f"qitools: {for_command(str(exc))}", file=sys.stderr)
        return 2
    except _Stage as exc:  # an unexpected failure, said with what was being done
        print(f"qitools: {exc}", file=sys.stderr)
        return 2
    except OSError as exc:  # other subcommands: a file that cannot be opened or written
        where = f" ({exc.filename})" if getattr(exc, "filename", None) else ""
        print(f"qitools: {exc.strerror or exc}{where}", file=sys.stderr)
        return 2


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
