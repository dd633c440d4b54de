"""The ``qitools pdsa`` command: keep a team's PDSA file from the terminal.

::

    qitools pdsa new team.pdsa --title "Fewer falls" --what "Reduce falls" --how-much "by 30%" \\
        --by 2025-03-31 --for-whom "patients on Ward 7"
    qitools pdsa add-measure team.pdsa --name "Falls per 1000 bed days" --x month --y falls --n bed_days \\
        --chart u --multiply 1000 --dataset falls.csv --definition "All falls on the incident system ..."
    qitools pdsa add-driver team.pdsa "Patients at risk are watched closely"
    qitools pdsa add-idea team.pdsa "Bay tagging" --driver P1
    qitools pdsa add-cycle team.pdsa --idea CI1 --objective "Tag one bay for a night" \\
        --prediction "No unwitnessed falls in the bay" --scale "1 bay" --scale-n 6 --start 2024-02-05
    qitools pdsa update-cycle team.pdsa C1 --end 2024-02-06 --what-happened "..." --results "..." --act adapt
    qitools pdsa list team.pdsa
    qitools pdsa show team.pdsa C1
    qitools pdsa export team.pdsa project.json        # or cycles.csv
    qitools pdsa import team.pdsa project.json
    qitools pdsa report team.pdsa report.html --data falls.csv

Only argument parsing lives here; everything else is :mod:`qitools.pdsa`. Errors print the
library's message and exit with status 2; warnings (a cycle without a prediction...) print as
``note:`` lines and the change is saved.
"""

from __future__ import annotations

import argparse
import sys
import warnings
from collections.abc import Callable
from pathlib import Path
from typing import Any

__all__ = ["add_pdsa_parser"]

#: option -> PDSACycle field, for add-cycle and update-cycle
_CYCLE_OPTIONS: list[tuple[str, str, str]] = [
    ("--id", "id", "id of the cycle (default: numbered C1, C2, ...)"),
    ("--title", "title", "short name for charts and tables"),
    ("--idea", "change_idea", "id of the change idea tested"),
    ("--measure", "measure", "id of the measure the cycle should move"),
    ("--ramp", "ramp", "id of the ramp (default: the change idea's ramp)"),
    ("--previous", "previous", "id of the cycle this one builds on"),
    ("--objective", "objective", "Plan: what the cycle tests"),
    ("--who", "who", "Plan: who"),
    ("--what", "what", "Plan: what will be done"),
    ("--when", "when", "Plan: when"),
    ("--where", "where", "Plan: where"),
    ("--data", "data_to_collect", "Plan: data to collect"),
    ("--scale", "scale", "Plan: scale in words, e.g. '1 bay'"),
    ("--planned", "plan_date", "date planned (YYYY-MM-DD)"),
    ("--start", "start_date", "date the test started (YYYY-MM-DD)"),
    ("--end", "end_date", "date the test ended (YYYY-MM-DD)"),
    ("--what-happened", "what_happened", "Do: what happened"),
    ("--observations", "observations", "Do: observations"),
    ("--problems", "problems", "Do: problems"),
    ("--studied", "study_date", "date studied (YYYY-MM-DD)"),
    ("--results", "results", "Study: results against the predictions"),
    ("--learning", "learning", "Study: what was learnt"),
    ("--prediction-held", "prediction_held", "Study: yes, partly or no"),
    ("--act", "act", "Act: adopt, adapt or abandon"),
    ("--decided", "act_date", "date of the Act decision (YYYY-MM-DD)"),
    ("--next", "act_notes", "Act: what next"),
]


def _notes(caught: list[warnings.WarningMessage]) -> None:
    from ..spc.errors import QIToolsWarning

    for w in caught:
        if issubclass(w.category, QIToolsWarning):
            print(f"note: {w.message}", file=sys.stderr)


def _run(fn: Callable[[argparse.Namespace], int]) -> Callable[[argparse.Namespace], int]:
    """Record qitools warnings and print them as notes after the command's own output."""

    def wrapped(args: argparse.Namespace) -> int:
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            try:
                return fn(args)
            finally:
                _notes(caught)

    return wrapped


def _open(args: argparse.Namespace, *, must_exist: bool = True) -> Any:
    from ..spc.errors import QIValueError
    from .store import open_store

    path = Path(args.file)
    if must_exist and not path.exists():
        raise QIValueError(
            f"No PDSA file at {args.file!r}. Create it first with `qitools pdsa new {args.file} --title ...`, "
            "or check the name and the folder."
        )
    return open_store(path)


def _new(args: argparse.Namespace) -> int:
    from .model import Aim

    aim = Aim(
        what=args.what or "",
        how_much=args.how_much or "",
        by_when=args.by,
        for_whom=args.for_whom or "",
        statement=args.aim or "",
    )
    with _open(args, must_exist=False) as store:
        p = store.new_project(args.title, aim=aim, id=args.id, team=args.team or "")
    print(f"project {p.id!r} created in {args.file}")
    return 0


def _add_measure(args: argparse.Namespace) -> int:
    from .model import Measure

    m = Measure(
        name=args.name,
        kind=args.kind,
        definition=args.definition or "",
        id=args.id,
        y=args.y,
        n=args.n,
        x=args.x,
        chart=args.chart,
        multiply=args.multiply,
        improvement=args.improvement,
        dataset=args.dataset,
        unit=args.unit or "",
    )
    with _open(args) as store:
        m = store.put(m, project=args.project)
    print(f"measure {m.id} added: {m.name}")
    return 0


def _add_driver(args: argparse.Namespace) -> int:
    from .model import Driver

    level = "secondary" if args.parent else "primary"
    with _open(args) as store:
        d = store.put(Driver(text=args.text, level=level, parent=args.parent, id=args.id), project=args.project)
    print(f"{d.level} driver {d.id} added: {d.text}")
    return 0


def _add_idea(args: argparse.Namespace) -> int:
    from .model import ChangeIdea

    with _open(args) as store:
        ci = store.put(
            ChangeIdea(text=args.text, drivers=args.driver or [], description=args.description or "", id=args.id),
            project=args.project,
        )
    print(f"change idea {ci.id} added: {ci.text}")
    return 0


def _cycle_values(args: argparse.Namespace) -> dict[str, Any]:
    values = {f: getattr(args, f) for _, f, _ in _CYCLE_OPTIONS if getattr(args, f) is not None}
    if args.prediction is not None:
        values["predictions"] = args.prediction
    if args.question is not None:
        values["questions"] = args.question
    if args.scale_n is not None:
        values["scale_n"] = args.scale_n
    return values


def _add_cycle(args: argparse.Namespace) -> int:
    from .model import PDSACycle

    with _open(args) as store:
        c = store.put(PDSACycle(**_cycle_values(args)), project=args.project)
    print(f"cycle {c.id} added (ramp {c.ramp}, {c.status})")
    return 0


def _update_cycle(args: argparse.Namespace) -> int:
    import dataclasses

    with _open(args) as store:
        current = store.load(args.project).cycle(args.cycle_id)
        values = _cycle_values(args)
        values.pop("id", None)
        c = store.put(dataclasses.replace(current, **values), project=args.project)
    print(f"cycle {c.id} updated ({c.status})")
    return 0


def _list(args: argparse.Namespace) -> int:
    import pandas as pd

    with _open(args) as store:
        if args.project is None and len(store.project_ids()) > 1:
            print(store.projects().to_string(index=False))
            print("\nSeveral projects: add --project ID to list the cycles of one.")
            return 0
        p = store.load(args.project)
    print(f"{p.title} ({p.id})")
    if p.aim.text():
        print(f"Aim: {p.aim.text()}")
    table = p.cycles_table()[["id", "title", "ramp", "scale", "start_date", "end_date", "status"]]
    with pd.option_context("display.max_colwidth", 40, "display.width", 160):
        print(table.to_string(index=False) if len(table) else "No cycles yet.")
    problems = p.check()
    if problems:
        print(f"\n{len(problems)} thing(s) to look at:")
        for prob in problems:
            print(f"- {prob.message}")
    return 0


def _show(args: argparse.Namespace) -> int:
    from .export import _cycle_parts, _Plain

    with _open(args) as store:
        p = store.load(args.project)
    c = p.cycle(args.cycle_id)
    problems = [q for q in p.check() if q.record == c.label]
    print("\n".join(_cycle_parts(p, c, _Plain(), problems)))
    return 0


def _export(args: argparse.Namespace) -> int:
    from ..spc.errors import QIValueError
    from .export import to_csv, to_json

    fmt = args.format or ("csv" if args.out.lower().endswith(".csv") else "json")
    if fmt not in ("json", "csv"):
        raise QIValueError(f"--format must be json or csv; got {fmt!r}.")
    with _open(args) as store:
        p = store.load(args.project)
    (to_csv if fmt == "csv" else to_json)(p, args.out)
    print(f"{'cycles' if fmt == 'csv' else 'project'} of {p.id!r} written to {args.out}")
    return 0


def _import(args: argparse.Namespace) -> int:
    from .export import load_json

    project = load_json(args.json)
    with _open(args, must_exist=False) as store:
        p = store.add_project(project, replace=args.replace)
    print(f"project {p.id!r} imported into {args.file}: {len(p.cycles)} cycles")
    return 0


def _report(args: argparse.Namespace) -> int:
    from .export import report  # draws on matplotlib Figures of its own: no window opens

    with _open(args) as store:
        p = store.load(args.project)
    report(p, args.out, format=args.format, data=args.data, measure=args.measure, charts=not args.no_charts)
    print(f"report on {p.id!r} written to {args.out}")
    return 0


def _add_cycle_options(p: argparse.ArgumentParser) -> None:
    for option, field, text in _CYCLE_OPTIONS:
        p.add_argument(option, dest=field, help=text)
    p.add_argument("--prediction", action="append", help="Plan: a prediction (repeat for several)")
    p.add_argument("--question", action="append", help="Plan: a question (repeat for several)")
    p.add_argument("--scale-n", dest="scale_n", type=int, help="Plan: number of patients (staff, bays) in the test")


def add_pdsa_parser(sub: argparse._SubParsersAction) -> None:
    """Add the ``pdsa`` subcommand and its own subcommands to the ``qitools`` command."""
    top = sub.add_parser(
        "pdsa",
        help="record PDSA cycles in a team file",
        description=__doc__.replace("::\n", "Examples:\n"),
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    cmds = top.add_subparsers(dest="pdsa_command", metavar="ACTION")

    def command(name: str, fn: Callable[[argparse.Namespace], int], help_text: str) -> argparse.ArgumentParser:
        p = cmds.add_parser(name, help=help_text, description=help_text)
        p.add_argument("file", help="the PDSA file, e.g. team.pdsa")
        if name not in ("new",):
            p.add_argument("--project", help="project id (needed when the file holds several projects)")
        p.set_defaults(func=_run(fn))
        return p

    p = command("new", _new, "create a project (and the file, if new)")
    p.add_argument("--title", required=True, help="the project's name")
    p.add_argument("--id", help="short id (default: made from the title)")
    p.add_argument("--team", help="who is in the team")
    p.add_argument("--aim", help="the aim as one sentence")
    p.add_argument("--what", help="aim: what will improve")
    p.add_argument("--how-much", dest="how_much", help="aim: by how much")
    p.add_argument("--by", help="aim: by when (YYYY-MM-DD)")
    p.add_argument("--for-whom", dest="for_whom", help="aim: for whom")

    p = command("add-measure", _add_measure, "add a measure (outcome, process or balancing)")
    p.add_argument("--name", required=True, help="what is measured")
    p.add_argument("--kind", default="outcome", help="outcome, process or balancing")
    p.add_argument("--definition", help="the operational definition")
    p.add_argument("--id", help="short id (default: M1, M2, ...)")
    p.add_argument("--x", help="the dataset's date column")
    p.add_argument("--y", help="the dataset column charted (numerator)")
    p.add_argument("--n", help="the denominator column")
    p.add_argument("--chart", default="run", help="run, i, p, u, c, ... (default run)")
    p.add_argument("--multiply", type=float, default=1.0, help="e.g. 1000 for per 1000 bed days")
    p.add_argument("--improvement", choices=["increase", "decrease"], help="which direction is better")
    p.add_argument("--dataset", help="CSV file with the data (relative to the working folder)")
    p.add_argument("--unit", help="unit shown on the chart")

    p = command("add-driver", _add_driver, "add a primary driver, or a secondary one with --parent")
    p.add_argument("text", help="the driver")
    p.add_argument("--parent", help="id of the primary driver (makes this a secondary driver)")
    p.add_argument("--id", help="short id (default: P1... or S1...)")

    p = command("add-idea", _add_idea, "add a change idea")
    p.add_argument("text", help="the change idea")
    p.add_argument("--driver", action="append", help="id of a driver it acts on (repeat for several)")
    p.add_argument("--description", help="more detail")
    p.add_argument("--id", help="short id (default: CI1, CI2, ...)")

    p = command("add-cycle", _add_cycle, "add a PDSA cycle (at least --idea and --objective)")
    _add_cycle_options(p)

    p = command("update-cycle", _update_cycle, "record the Do, Study or Act of a cycle (or change its plan)")
    p.add_argument("cycle_id", help="the cycle's id, e.g. C3")
    _add_cycle_options(p)

    command("list", _list, "list the projects, or a project's cycles with anything to look at")

    p = command("show", _show, "show one cycle in full")
    p.add_argument("cycle_id", help="the cycle's id")

    p = command("export", _export, "write a project as JSON (lossless) or its cycles as CSV (for Excel)")
    p.add_argument("out", help="output file (.json or .csv)")
    p.add_argument("--format", choices=["json", "csv"], help="default: from the file name")

    p = command("import", _import, "add a project from a JSON export")
    p.add_argument("json", help="the JSON file")
    p.add_argument("--replace", action="store_true", help="replace a project with the same id")

    p = command("report", _report, "write an HTML or Markdown report with the charts")
    p.add_argument("out", help="output file (.html or .md)")
    p.add_argument("--format", choices=["html", "markdown"], help="default: from the file name")
    p.add_argument("--data", help="CSV or Excel file with the measures' data")
    p.add_argument("--measure", help="chart only this measure")
    p.add_argument("--no-charts", action="store_true", help="leave the pictures out")

    def _help(args: argparse.Namespace) -> int:
        top.print_help()
        return 2

    top.set_defaults(func=_help)
