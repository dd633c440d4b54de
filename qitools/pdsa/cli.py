"""The ``qitools pdsa`` command: keep a team's PDSA file from the terminal.

::

    qitools pdsa new team.pdsa --title "Fewer falls" --what "Reduce falls" --how-much "by 30%" \\
        --by 2026-03-31 --for-whom "patients on Ward 7" --target 5.6 --baseline 8
    qitools pdsa add-measure team.pdsa --name "Falls per 1000 bed days" --x month --y falls --n bed_days \\
        --chart u --multiply 1000 --dataset falls.csv --definition "All falls on the incident system ..." \\
        --data-source "Datix" --collected-by "Ward clerk" --frequency "monthly" --sampling "every fall" \\
        --missing "a month without bed days is left out"
    qitools pdsa edit-aim team.pdsa --measure M1 --baseline 8 --target 5.6
    qitools pdsa add-driver team.pdsa "Patients at risk are watched closely"
    qitools pdsa add-idea team.pdsa "Bay tagging" --driver P1
    qitools pdsa add-cycle team.pdsa --idea CI1 --objective "Tag one bay for a night" \\
        --prediction "No unwitnessed falls in the bay" --scale "1 bay" --scale-n 6 --start 2026-02-05 \\
        --due 2026-02-20
    qitools pdsa update-cycle team.pdsa C1 --end 2026-02-06 --what-happened "..." --results "..." --act adapt
    qitools pdsa fishbone team.pdsa --effect "Falls at night" --cause "People: Agency staff" \\
        --cause "Environment: Dim lighting > bulbs out; switches hard to find"
    qitools pdsa process-map team.pdsa --title "Sepsis: arrival to first dose" --step "Patient arrives" \\
        --step "decision: Sepsis screen positive? | no: end" \\
        --step "delay: Wait for a doctor to prescribe | 45 minutes" --step "First antibiotic dose"
    qitools pdsa data team.pdsa falls.csv          # keep (or refresh) the data in the file
    qitools pdsa list team.pdsa                     # also: show C1, history, overdue
    qitools pdsa remove team.pdsa C4
    qitools pdsa export team.pdsa project.json        # or cycles.csv
    qitools pdsa import team.pdsa project.json
    qitools pdsa report team.pdsa report.html
    qitools pdsa draw team.pdsa chart.png --what all  # chart, ramps and driver diagram (PNG or SVG)
    qitools pdsa set-name team.pdsa "Sam Patel"     # the name the history records for you

Commands that only read (list, show, history, overdue, export, report, draw) open the file
read-only: they work in a read-only folder and never change the file. Only commands that change
something write, and only they upgrade an older file. A save based on what you saw earlier is
refused when a colleague changed the record since (``--expect-version``, shown by ``show``).

Only argument parsing lives here; everything else is :mod:`qitools.pdsa`. Errors print the
library's message and exit with status 2; warnings (a cycle without a prediction...) print as
``note:`` lines and the change is saved. Text from the file is shown with control characters
removed, so a title cannot move the cursor or retitle the terminal.
"""

from __future__ import annotations

import argparse
import re
import sys
import warnings
from collections.abc import Callable
from pathlib import Path
from typing import Any

__all__ = ["add_pdsa_parser", "terminal_safe"]

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
    ("--due", "due_date", "date by which the cycle should be studied and decided (YYYY-MM-DD)"),
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

#: option -> Measure field, for add-measure and update-measure
_MEASURE_OPTIONS: list[tuple[str, str, str]] = [
    ("--name", "name", "what is measured"),
    ("--kind", "kind", "outcome, process or balancing (default outcome)"),
    ("--definition", "definition", "the operational definition: exactly what is counted"),
    ("--data-source", "data_source", "measurement plan: where the data comes from"),
    ("--collected-by", "collected_by", "measurement plan: who collects it"),
    ("--frequency", "frequency", "measurement plan: when and how often"),
    ("--sampling", "sampling", "measurement plan: every case, or which sample"),
    ("--missing", "missing", "measurement plan: what counts as missing, and what is done about it"),
    ("--x", "x", "the dataset's date column"),
    ("--y", "y", "the dataset column charted (numerator)"),
    ("--n", "n", "the denominator column"),
    ("--chart", "chart", "run, i, p, u, c, ... (default run)"),
    ("--improvement", "improvement", "which direction is better: increase or decrease"),
    ("--dataset", "dataset", "CSV file with the data: it is copied into the PDSA file"),
    ("--unit", "unit", "unit shown on the chart"),
]

# -- the terminal ------------------------------------------------------------------------------------
from ._text import terminal_safe  # noqa: E402 - re-exported: the CLI's own name for it


def _print(*parts: Any, file: Any = None) -> None:
    print(" ".join(terminal_safe(p) for p in parts), file=file or sys.stdout)


def _notes(caught: list[warnings.WarningMessage]) -> None:
    from ..spc.errors import QIToolsWarning

    for w in caught:
        if issubclass(w.category, QIToolsWarning):
            _print(f"note: {w.message}", file=sys.stderr)


def _run(fn: Callable[[argparse.Namespace], int]) -> Callable[[argparse.Namespace], int]:
    """Record qitools warnings (printed as notes after the command's own output); plain-English errors."""

    def wrapped(args: argparse.Namespace) -> int:
        from ..spc.errors import QIToolsError
        from ._voice import command_line

        with warnings.catch_warnings(record=True) as caught, command_line(args.file):
            warnings.simplefilter("always")
            try:
                return fn(args)
            except QIToolsError as exc:
                _print(f"qitools: {exc}", file=sys.stderr)
                return 2
            except BrokenPipeError:  # `qitools pdsa list team.pdsa | head`: the reader stopped reading
                import os

                os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())  # no second error at exit
                return 0
            except OSError as exc:  # a file the library did not expect to fail
                name = exc.filename or args.file
                _print(f"qitools: could not use {str(name)!r}: {exc.strerror or exc}.", file=sys.stderr)
                return 2
            finally:
                _notes(caught)

    return wrapped


def _open(args: argparse.Namespace, *, readonly: bool = False, must_exist: bool = True) -> Any:
    from ..spc.errors import QIValueError
    from .store import open_store

    path = Path(args.file)
    if must_exist and not path.exists():
        raise QIValueError(
            f"No PDSA file at {args.file!r}. Create it first with `qitools pdsa new {args.file} --title ...`, "
            "or check the name and the folder."
        )
    return open_store(
        path,
        readonly=readonly,
        journal=getattr(args, "journal", None),
        user=getattr(args, "user", None),
    )


def _done(message: str) -> int:
    _print(message)
    return 0


# -- the project and its aim ----------------------------------------------------------------------------
def _aim_values(args: argparse.Namespace) -> dict[str, Any]:
    names = {"what": "what", "how_much": "how_much", "by": "by_when", "for_whom": "for_whom", "aim": "statement",
             "aim_measure": "measure", "baseline": "baseline", "target": "target"}  # fmt: skip
    return {field: getattr(args, opt) for opt, field in names.items() if getattr(args, opt, None) is not None}


def _new(args: argparse.Namespace) -> int:
    from ..spc.errors import QIValueError
    from .model import Aim, Project
    from .validate import check_project, raise_or_warn

    aim = Aim(**_aim_values(args))
    project = Project(title=args.title, aim=aim, id=args.id, team=args.team or "", description=args.description or "")
    raise_or_warn([p for p in check_project(project) if p.level == "error"], project)  # before any file is made
    path = Path(args.file)
    if path.exists() and path.stat().st_size > 0:
        with _open(args, readonly=True) as store:
            if project.id in store.project_ids():
                existing = store.load(project.id)
                raise QIValueError(
                    f"{args.file} already has a project {project.id!r} ({existing.title}), so nothing was added. "
                    f"Work on it with `qitools pdsa list {args.file}`, or give the new project another id with --id."
                )
    with _open(args, must_exist=False) as store:
        p = store.new_project(args.title, aim=aim, id=args.id, team=args.team or "", description=args.description or "")
    _print(f"project {p.id!r} created in {args.file}")
    if not p.aim.text():
        _print(
            f"next: write the aim with `qitools pdsa edit-aim {args.file} --what ... --how-much ... --by YYYY-MM-DD "
            "--for-whom ...`"
        )
    return 0


def _edit_project(args: argparse.Namespace) -> int:
    with _open(args) as store:
        p = store.update_project(
            args.project, title=args.title, team=args.team, description=args.description, version=args.expect_version
        )
    return _done(f"project {p.id!r} updated: {p.title}")


def _edit_aim(args: argparse.Namespace) -> int:
    import dataclasses

    from ..spc.errors import QIValueError

    values = _aim_values(args)
    if not values:
        raise QIValueError(
            "Nothing to change: give --what, --how-much, --by, --for-whom, --aim, --measure, --baseline or --target."
        )
    with _open(args) as store:
        current = _with_version(store.load(args.project).aim, args.expect_version)
        aim = store.put(dataclasses.replace(current, **values), project=args.project)
    return _done(f"aim updated (version {aim.version}): {aim.text()}")


# -- records ---------------------------------------------------------------------------------------------
def _with_version(record: Any, version: int | None) -> Any:
    """The record as read, claiming to be ``version`` (the version the user saw) when given."""
    import dataclasses

    if version is not None and record.stamp is not None:
        record.stamp = dataclasses.replace(record.stamp, version=version)
    return record


def _update(args: argparse.Namespace, kind: str, record_id: str, values: dict[str, Any]) -> Any:
    import dataclasses

    from ..spc.errors import QIValueError

    if not values:
        raise QIValueError(f"Nothing to change in {kind} {record_id!r}: give at least one option (see --help).")
    with _open(args) as store:
        current = store.load(args.project)._get(kind, record_id)
        current = _with_version(current, args.expect_version)
        return store.put(dataclasses.replace(current, **values), project=args.project)


def _measure_values(args: argparse.Namespace) -> dict[str, Any]:
    values = {f: getattr(args, f) for _, f, _ in _MEASURE_OPTIONS if getattr(args, f) is not None}
    if args.multiply is not None:
        values["multiply"] = args.multiply
    return values


def _add_measure(args: argparse.Namespace) -> int:
    from .model import Measure

    values = _measure_values(args)
    with _open(args, must_exist=True) as store:
        m = store.put(Measure(**values, id=args.id), project=args.project)
        kept = m.dataset is not None and m.dataset in store.load(args.project).data
    _print(f"measure {m.id} added: {m.name}")
    if kept:
        _print(f"its data ({m.dataset}) is kept in {args.file}, so the project's charts travel with the file")
    return 0


def _update_measure(args: argparse.Namespace) -> int:
    m = _update(args, "measure", args.record_id, _measure_values(args))
    return _done(f"measure {m.id} updated (version {m.version}): {m.name}")


def _add_driver(args: argparse.Namespace) -> int:
    from .model import Driver

    level = "secondary" if args.parent else "primary"
    with _open(args) as store:
        d = store.put(Driver(text=args.text, level=level, parent=args.parent, id=args.id), project=args.project)
    return _done(f"{d.level} driver {d.id} added: {d.text}")


def _update_driver(args: argparse.Namespace) -> int:
    values: dict[str, Any] = {}
    if args.text is not None:
        values["text"] = args.text
    if args.parent is not None:
        values["parent"] = args.parent or None
        values["level"] = "secondary" if args.parent else "primary"
    d = _update(args, "driver", args.record_id, values)
    return _done(f"{d.level} driver {d.id} updated (version {d.version}): {d.text}")


def _add_idea(args: argparse.Namespace) -> int:
    from .model import ChangeIdea

    with _open(args) as store:
        ci = store.put(
            ChangeIdea(text=args.text, drivers=args.driver or [], description=args.description or "", id=args.id),
            project=args.project,
        )
    return _done(f"change idea {ci.id} added: {ci.text}")


def _update_idea(args: argparse.Namespace) -> int:
    values: dict[str, Any] = {}
    for name in ("text", "description"):
        if getattr(args, name) is not None:
            values[name] = getattr(args, name)
    if args.driver is not None:
        values["drivers"] = [d for d in args.driver if d]
    ci = _update(args, "change idea", args.record_id, values)
    return _done(f"change idea {ci.id} updated (version {ci.version}): {ci.text}")


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
    return _done(f"cycle {c.id} added (ramp {c.ramp}, {c.status})")


def _update_cycle(args: argparse.Namespace) -> int:
    values = _cycle_values(args)
    values.pop("id", None)
    c = _update(args, "cycle", args.cycle_id, values)
    return _done(f"cycle {c.id} updated (version {c.version}, {c.status})")


def _parse_causes(items: list[str]) -> dict[str, list[Any]]:
    """``"Category: cause > sub; sub"`` lines as the categories of a cause and effect diagram."""
    from ..spc.errors import QIValueError

    categories: dict[str, list[Any]] = {}
    for item in items:
        if ":" not in item:
            raise QIValueError(
                f"--cause {item!r} has no category. Write it as 'Category: cause', e.g. --cause 'People: Agency "
                "staff', or with sub-causes: --cause 'People: Fatigue > 12-hour shifts; no breaks'."
            )
        cat, rest = (part.strip() for part in item.split(":", 1))
        cause, _, subs = rest.partition(">")
        cause = cause.strip()
        sub_list = [s.strip() for s in subs.split(";") if s.strip()]
        causes = categories.setdefault(cat, [])
        if sub_list:
            for existing in causes:
                if isinstance(existing, dict) and cause in existing:
                    existing[cause].extend(sub_list)
                    break
            else:
                causes[:] = [c for c in causes if c != cause]
                causes.append({cause: sub_list})
        elif not any(c == cause or (isinstance(c, dict) and cause in c) for c in causes):
            causes.append(cause)
    return categories


def _parse_steps(items: list[str]) -> list[Any]:
    """``--step`` texts as process map steps: ``"text"``, ``"decision: text | yes: X | no: Y"``, ``"delay: text | wait"``.

    A step or a delay may end with ``| next: X`` (where the flow goes when not to the step after it).
    """
    from ..spc.errors import QIValueError

    steps: list[Any] = []
    for item in items:
        parts = [p.strip() for p in item.split("|")]
        head = parts[0]
        kind = "step"
        m = re.match(r"^(step|decision|delay|wait)\s*:\s*(.*)$", head, re.IGNORECASE)
        if m:
            kind = {"wait": "delay"}.get(m.group(1).lower(), m.group(1).lower())
            head = m.group(2).strip()
        if kind == "step" and len(parts) == 1:
            steps.append(head)
            continue
        step: dict[str, Any] = {"step": head, "kind": kind}
        for part in parts[1:]:
            key, sep, value = part.partition(":")
            key = key.strip().lower()
            if sep and key in ("yes", "no", "next", "wait"):
                step[key] = value.strip()
            elif kind == "delay" and "wait" not in step:
                step["wait"] = part
            else:
                raise QIValueError(
                    f"--step {item!r}: {part!r} is not understood. A decision is 'decision: Question? | yes: step | "
                    "no: step'; a wait is 'delay: what is waited for | how long'; a step or wait that does not go on "
                    "to the next one ends with '| next: step' (or '| next: end')."
                )
        steps.append(step)
    return steps


def _from_json(path: str) -> dict[str, Any]:
    import json

    from ..spc.errors import QIValueError

    p = Path(path)
    if not p.is_file():
        raise QIValueError(f"No file at {path!r}. Check the name and the folder.")
    try:
        data = json.loads(p.read_text(encoding="utf-8-sig"))
    except json.JSONDecodeError as exc:
        raise QIValueError(f"{path!r} is not valid JSON: {exc.msg} at line {exc.lineno}, column {exc.colno}.") from exc
    if not isinstance(data, dict):
        raise QIValueError(f"{path!r} must hold one JSON object (with effect and categories, or steps).")
    return data


def _fishbone(args: argparse.Namespace) -> int:
    from .model import CauseEffect

    values: dict[str, Any] = _from_json(args.from_json) if args.from_json else {}
    if args.effect is not None:
        values["effect"] = args.effect
    if args.cause:
        values["categories"] = _parse_causes(args.cause)
    if args.title is not None:
        values["title"] = args.title
    if args.id is not None:
        values["id"] = args.id
    ce = _save_drawing(args, CauseEffect.from_dict(values), "cause and effect diagram", "cause_effect")
    n, k = len(ce.causes()), len(ce.categories)
    return _done(
        f"cause and effect diagram {ce.id} saved (version {ce.version}): {_count(k, 'category', 'categories')}, "
        f"{_count(n, 'cause')}"
    )


def _save_drawing(args: argparse.Namespace, record: Any, kind: str, getter: str) -> Any:
    """Save a fishbone or process map; replacing a saved one checks --expect-version against it."""
    with _open(args) as store:
        current = store.load(args.project)
        if record.id is not None and current._find(kind, record.id) is not None:
            record.stamp = _with_version(getattr(current, getter)(record.id), args.expect_version).stamp
        return store.put(record, project=args.project)


def _count(n: int, one: str, many: str | None = None) -> str:
    """'1 cause', '3 causes'."""
    return f"{n} {one if n == 1 else (many or one + 's')}"


def _process_map(args: argparse.Namespace) -> int:
    from .model import ProcessMap

    values: dict[str, Any] = _from_json(args.from_json) if args.from_json else {}
    if args.step:
        values["steps"] = _parse_steps(args.step)
    if args.title is not None:
        values["title"] = args.title
    if args.id is not None:
        values["id"] = args.id
    pm = _save_drawing(args, ProcessMap.from_dict(values), "process map", "process_map")
    return _done(f"process map {pm.id} saved (version {pm.version}): {_count(len(pm.steps), 'step')}")


def _data(args: argparse.Namespace) -> int:
    name = args.name or Path(args.table).name
    with _open(args) as store:
        rows = store.put_data(name, args.table, project=args.project)
        users = [m.id for m in store.load(args.project).measures if m.dataset == name]
    charted = (
        f"; charted by {', '.join(users)}"
        if users
        else "; no measure charts it yet (add-measure --dataset " + name + ")"
    )
    return _done(f"data {name!r} kept in {args.file}: {rows} rows{charted}")


def _remove(args: argparse.Namespace) -> int:
    from ..spc.errors import QIValueError
    from .model import _KINDS, _norm_kind

    with _open(args) as store:
        if args.data:
            store.remove("data", args.record_id, project=args.project)
            return _done(f"data {args.record_id!r} removed from {args.file}")
        p = store.load(args.project)
        if args.kind:
            kinds = [_norm_kind(args.kind)]
        else:
            kinds = [k for k in _KINDS if p._find(k, args.record_id) is not None]
            if not kinds:
                raise QIValueError(
                    f"Project {p.id!r} has no record {args.record_id!r}. `qitools pdsa list {args.file}` shows the "
                    "cycles; `show` shows any record by its id."
                )
            if len(kinds) > 1:
                raise QIValueError(f"{args.record_id!r} is the id of a {' and a '.join(kinds)}: say which with --kind.")
        store.remove(kinds[0], args.record_id, project=args.project, version=args.expect_version)
    return _done(
        f"{kinds[0]} {args.record_id} removed (its last content is kept in `qitools pdsa history {args.file}`)"
    )


def _set_name(args: argparse.Namespace) -> int:
    from .store import _login

    with _open(args) as store:
        store.set_name(args.name)
    return _done(f"changes you make to {args.file} (login {_login()}) are recorded as {args.name.strip()!r}")


def _import(args: argparse.Namespace) -> int:
    from .export import load_json

    project = load_json(args.json)
    with _open(args, must_exist=False) as store:
        p = store.add_project(project, replace=args.replace)
    return _done(f"project {p.id!r} imported into {args.file}: {len(p.cycles)} cycles")


# -- reading -----------------------------------------------------------------------------------------------
def _list(args: argparse.Namespace) -> int:
    import pandas as pd

    with _open(args, readonly=True) as store:
        if args.project is None and len(store.project_ids()) > 1:
            _print(store.projects().rename(columns={"n_cycles": "cycles"}).to_string(index=False))
            _print("\nSeveral projects: add --project ID to list the cycles of one.")
            return 0
        p = store.load(args.project)
    _print(f"{p.title} ({p.id})")
    if p.aim.text():
        _print(f"Aim: {p.aim.text()}")
    table = p.cycles_table()[["id", "title", "ramp", "scale", "start_date", "end_date", "due_date", "status"]]
    table = table.rename(columns={"start_date": "start", "end_date": "end", "due_date": "due"})
    with pd.option_context("display.max_colwidth", 40, "display.width", 160):
        _print(table.fillna("").to_string(index=False) if len(table) else "No cycles yet.")
    late = p.overdue()
    if len(late):
        _print(f"\nOverdue ({len(late)}): " + "; ".join(f"{r.id} {r.what} since {r.since}" for r in late.itertuples()))
    problems = p.check()
    if problems:
        _print(f"\n{len(problems)} thing(s) to look at:")
        for prob in problems:
            _print(f"- {prob.message}")
    return 0


def _show(args: argparse.Namespace) -> int:
    from ..spc.errors import QIValueError
    from .export import _Plain, _cycle_parts, _PLAN_LABELS
    from .model import PDSACycle

    with _open(args, readonly=True) as store:
        p = store.load(args.project)
    rid = args.record_id
    if rid in ("aim", "project"):
        rec: Any = p.aim if rid == "aim" else p
    else:
        rec = p.find(rid)
    if rec is None:
        raise QIValueError(
            f"Project {p.id!r} has no record {rid!r}. Ids: "
            + ", ".join(str(r.id) for k in ("measure", "driver", "change idea", "cycle") for r in p._collection(k))
            + "; or 'aim', 'project'."
        )
    if isinstance(rec, PDSACycle):
        problems = [q for q in p.check() if q.record == rec.label]
        lines = _cycle_parts(p, rec, _Plain(), problems)
    else:
        lines = [f"{rec.label[:1].upper()}{rec.label[1:]}" if rid != "project" else f"Project {p.id!r}: {p.title}"]
        fields = (
            rec.to_dict()
            if rid != "project"
            else {k: getattr(p, k) for k in ("title", "team", "description", "created")}
        )
        labels = dict(_PLAN_LABELS)
        for key, value in fields.items():
            if key == "id" or value in (None, "", [], {}):
                continue
            lines.append(f"- {labels.get(key, key.replace('_', ' '))}: {value}")
    if rec.stamp is not None:
        lines.append(f"({rec.stamp.describe()}; to change it safely: --expect-version {rec.stamp.version})")
    _print("\n".join(lines))
    return 0


def _history(args: argparse.Namespace) -> int:
    import pandas as pd

    from .export import _field_name, _history_line, _when

    with _open(args, readonly=True) as store:
        table = store.history(args.project, record=args.record_id)
    if not len(table):
        return _done("No changes recorded" + (f" for {args.record_id}." if args.record_id else "."))
    if args.limit:
        table = table.tail(args.limit)
    for row in table.itertuples():
        entry = {"kind": row.kind, "record": row.record, "action": row.action, "version": None if pd.isna(row.version) else int(row.version),
                 "changes": row.changes, "changed_at": row.when}  # fmt: skip
        _print(f"{_when(entry)}  {row.who}  {_history_line(entry)}")
        if args.record_id and row.action == "changed":
            for field, (old, new) in row.changes.items():
                _print(f"    {_field_name(field)}: {_short(old)} -> {_short(new)}")
    return 0


def _short(value: Any, n: int = 70) -> str:
    """A value as people read it: text in quotes, dates and numbers as they are, '(empty)' for nothing."""
    import re as _re

    if value is None or value == "" or value == [] or value == {}:
        return "(empty)"
    if isinstance(value, list):
        text = "; ".join(_short(v, n) for v in value)
    elif isinstance(value, bool):
        text = "yes" if value else "no"
    elif isinstance(value, (int, float)):
        text = f"{value:g}"
    elif isinstance(value, str) and _re.fullmatch(r"\d{4}-\d{2}-\d{2}", value):
        text = value
    elif isinstance(value, dict):
        text = ", ".join(f"{k}: {_short(v, n)}" for k, v in value.items())
    else:
        text = '"' + str(value).replace("\n", " / ") + '"'
    return text if len(text) <= n else text[: n - 1] + "…"


def _overdue(args: argparse.Namespace) -> int:
    with _open(args, readonly=True) as store:
        late = store.overdue(args.project)
    if not len(late):
        return _done("Nothing is overdue.")
    for r in late.itertuples():
        what = "no Act decision yet" if r.what == "decision due" else "not studied yet"
        _print(f"{r.id}  {r.title}: due {r.since} ({r.days_late} days ago), {what}")
    return 0


def _export(args: argparse.Namespace) -> int:
    from ..spc.errors import QIValueError
    from .export import to_csv, to_json

    fmt = args.format or ("csv" if args.out.lower().endswith(".csv") else "json")
    if fmt not in ("json", "csv"):
        raise QIValueError(f"--format must be json or csv; got {fmt!r}.")
    with _open(args, readonly=True) as store:
        p = store.load(args.project)
    (to_csv if fmt == "csv" else to_json)(p, args.out)
    return _done(f"{'cycles' if fmt == 'csv' else 'project'} of {p.id!r} written to {args.out}")


def _report(args: argparse.Namespace) -> int:
    from .export import report  # draws on matplotlib Figures of its own: no window opens

    with _open(args, readonly=True) as store:
        p = store.load(args.project)
    report(p, args.out, format=args.format, data=args.data, measure=args.measure, charts=not args.no_charts)
    return _done(f"report on {p.id!r} written to {args.out}")


def _draw(args: argparse.Namespace) -> int:
    from ..spc.errors import QIValueError
    from .draw import save_drawings

    out = Path(args.out)
    if out.suffix.lower() not in (".png", ".svg"):
        raise QIValueError(f"The picture must be a .png or .svg file; got {args.out!r}.")
    with _open(args, readonly=True) as store:
        p = store.load(args.project)
    written = save_drawings(p, out, what=args.what, measure=args.measure, data=args.data, labels=args.labels)
    for path in written:
        _print(f"written {path}")
    return 0


# -- the parser --------------------------------------------------------------------------------------------
def _number(text: str) -> float:
    """A number typed on the command line ("5.6", "1000"); argparse names the type in its message."""
    value = float(text.replace(",", "")) if text.strip() else float("nan")
    if value != value or value in (float("inf"), float("-inf")):
        raise ValueError(text)
    return value


_number.__name__ = "number"


def _whole(text: str) -> int:
    """A whole number typed on the command line ("6")."""
    return int(text.strip())


_whole.__name__ = "whole number"


def _add_cycle_options(p: argparse.ArgumentParser) -> None:
    for option, field, text in _CYCLE_OPTIONS:
        p.add_argument(option, dest=field, help=text)
    p.add_argument("--prediction", action="append", help="Plan: a prediction (repeat for several)")
    p.add_argument("--question", action="append", help="Plan: a question (repeat for several)")
    p.add_argument("--scale-n", dest="scale_n", type=_whole, help="Plan: number of patients (staff, bays) in the test")


def _add_aim_options(p: argparse.ArgumentParser) -> None:
    p.add_argument("--aim", help="the aim as one sentence (instead of the parts)")
    p.add_argument("--what", help="aim: what will improve")
    p.add_argument("--how-much", dest="how_much", help="aim: by how much (with a number)")
    p.add_argument("--by", help="aim: by when (YYYY-MM-DD)")
    p.add_argument("--for-whom", dest="for_whom", help="aim: for whom")
    p.add_argument("--baseline", type=_number, help="aim: the measure's value now")
    p.add_argument("--target", type=_number, help="aim: the value aimed for")


def _expect_version(p: argparse.ArgumentParser) -> None:
    p.add_argument(
        "--expect-version",
        dest="expect_version",
        type=_whole,
        help="the version you looked at (shown by `show`): refuse the change if someone changed it since",
    )


def _help_text() -> str:
    """The module's text for ``qitools pdsa --help``: the examples and what users need, not the notes for developers."""
    text = (__doc__ or "").split("\n\nOnly argument parsing")[0].replace("::\n", "Examples:\n").replace("``", "")
    import textwrap

    return text + "\n\n" + textwrap.fill(
        "A problem stops the command with a message (exit status 2) and nothing is saved; notes (a cycle "
        "without a prediction...) are printed and the change is saved. Text from the file is shown without "
        "control characters, so a title cannot move the cursor or retitle the terminal.",
        width=96,
    )


def add_pdsa_parser(sub: argparse._SubParsersAction) -> None:
    """Add the ``pdsa`` subcommand and its own subcommands to the ``qitools`` command."""
    top = sub.add_parser(
        "pdsa",
        help="record PDSA cycles in a team file",
        description=_help_text(),
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    cmds = top.add_subparsers(dest="pdsa_command", metavar="ACTION")

    def command(
        name: str, fn: Callable[[argparse.Namespace], int], help_text: str, *, writes: bool = True
    ) -> argparse.ArgumentParser:
        p = cmds.add_parser(name, help=help_text, description=help_text)
        p.add_argument("file", help="the PDSA file, e.g. team.pdsa")
        if name != "new":
            p.add_argument("--project", help="project id (needed when the file holds several projects)")
        if writes:
            p.add_argument("--user", help="the name the change history records (default: set-name, else your login)")
            p.add_argument(
                "--journal",
                choices=["wal", "delete"],
                help="switch the file's journal: 'delete' for a file on a shared (network) drive, 'wal' otherwise "
                "(default: keep the file's own; a new file gets wal)",
            )
        p.set_defaults(func=_run(fn))
        return p

    p = command("new", _new, "create a project (and the file, if new)")
    p.add_argument("--title", required=True, help="the project's name")
    p.add_argument("--id", help="short id (default: made from the title)")
    p.add_argument("--team", help="who is in the team")
    p.add_argument("--description", help="background")
    _add_aim_options(p)

    p = command("edit-project", _edit_project, "change the project's title, team or description")
    p.add_argument("--title", help="the project's name")
    p.add_argument("--team", help="who is in the team")
    p.add_argument("--description", help="background")
    _expect_version(p)

    p = command("edit-aim", _edit_aim, "change the aim: its parts, its measure, baseline and target")
    _add_aim_options(p)
    p.add_argument("--measure", dest="aim_measure", help="aim: id of the outcome measure that shows it is met")
    _expect_version(p)

    def measure_options(p: argparse.ArgumentParser) -> None:
        for option, field, text in _MEASURE_OPTIONS:
            p.add_argument(option, dest=field, help=text)
        p.add_argument("--multiply", type=_number, help="e.g. 1000 for per 1000 bed days")

    p = command("add-measure", _add_measure, "add a measure (outcome, process or balancing) with its measurement plan")
    measure_options(p)
    p.add_argument("--id", help="short id (default: M1, M2, ...)")

    p = command("update-measure", _update_measure, "change a measure or its measurement plan")
    p.add_argument("record_id", metavar="measure_id", help="the measure's id, e.g. M1")
    measure_options(p)
    _expect_version(p)

    p = command("add-driver", _add_driver, "add a primary driver, or a secondary one with --parent")
    p.add_argument("text", help="the driver")
    p.add_argument("--parent", help="id of the primary driver (makes this a secondary driver)")
    p.add_argument("--id", help="short id (default: P1... or S1...)")

    p = command("update-driver", _update_driver, "change a driver's text or parent")
    p.add_argument("record_id", metavar="driver_id", help="the driver's id, e.g. S2")
    p.add_argument("--text", help="the driver")
    p.add_argument("--parent", help="id of its primary driver ('' to make it primary)")
    _expect_version(p)

    p = command("add-idea", _add_idea, "add a change idea")
    p.add_argument("text", help="the change idea")
    p.add_argument("--driver", action="append", help="id of a driver it acts on (repeat for several)")
    p.add_argument("--description", help="more detail")
    p.add_argument("--id", help="short id (default: CI1, CI2, ...)")

    p = command("update-idea", _update_idea, "change a change idea")
    p.add_argument("record_id", metavar="idea_id", help="the change idea's id, e.g. CI2")
    p.add_argument("--text", help="the change idea")
    p.add_argument("--driver", action="append", help="id of a driver it acts on (repeat; replaces the list)")
    p.add_argument("--description", help="more detail")
    _expect_version(p)

    p = command("add-cycle", _add_cycle, "add a PDSA cycle (at least --idea and --objective)")
    _add_cycle_options(p)

    p = command("update-cycle", _update_cycle, "record the Do, Study or Act of a cycle (or change its plan)")
    p.add_argument("cycle_id", help="the cycle's id, e.g. C3")
    _add_cycle_options(p)
    _expect_version(p)

    p = command("fishbone", _fishbone, "save a cause and effect (fishbone) diagram: a new one, or replace --id")
    p.add_argument("--effect", help="the problem the causes lead to")
    p.add_argument("--cause", action="append",
                   help="'Category: cause' or 'Category: cause > sub-cause; sub-cause' (repeat)")  # fmt: skip
    p.add_argument("--title", help="a short name")
    p.add_argument("--id", help="id of a diagram to replace (default: a new one, CE1, CE2, ...)")
    p.add_argument("--from", dest="from_json", help="read it from a JSON file ({effect, categories, title})")
    _expect_version(p)

    p = command("process-map", _process_map, "save a process map: a new one, or replace --id")
    p.add_argument("--step", action="append",
                   help="a step, in order (repeat): 'text', 'decision: Question? | yes: step | no: step' (a step's text, or "
                        "'end'; an answer left out goes to the next step), or "
                        "'delay: what is waited for | how long'; add '| next: step' (or '| next: end') to a step "
                        "or delay that does not go on to the next one")  # fmt: skip
    p.add_argument("--title", help="what process")
    p.add_argument("--id", help="id of a map to replace (default: a new one, PM1, PM2, ...)")
    p.add_argument("--from", dest="from_json", help="read it from a JSON file ({steps, title})")
    _expect_version(p)

    p = command("data", _data, "keep a measure's data (CSV or Excel) in the PDSA file, or refresh it")
    p.add_argument("table", help="the CSV or Excel file")
    p.add_argument("--name", help="the dataset name the measures use (default: the file's name)")

    p = command("remove", _remove, "remove a record (cycle, measure, driver, change idea, ramp, fishbone, process map)")
    p.add_argument("record_id", metavar="id", help="the record's id (with --data: the dataset's name)")
    p.add_argument("--kind", help="what it is, when two kinds of record share the id")
    p.add_argument("--data", action="store_true", help="remove the kept data of this name")
    _expect_version(p)

    p = command("set-name", _set_name, "the name the change history records for you in this file")
    p.add_argument("name", help="e.g. 'Sam Patel'")

    p = command("import", _import, "add a project from a JSON export")
    p.add_argument("json", help="the JSON file")
    p.add_argument("--replace", action="store_true", help="replace a project with the same id")

    command("list", _list, "list the projects, or a project's cycles with anything overdue or to look at", writes=False)

    p = command(
        "show", _show, "show one record in full (a cycle, a measure, ..., 'aim'), with its version", writes=False
    )
    p.add_argument("record_id", metavar="id", help="the record's id, e.g. C3, M1, CE1, or aim")

    p = command("history", _history, "who changed what, and when", writes=False)
    p.add_argument("record_id", metavar="id", nargs="?", help="only this record (its old and new values)")
    p.add_argument("--limit", type=_whole, help="only the last N changes")

    command("overdue", _overdue, "the cycles past their due date, or ended and not studied", writes=False)

    p = command("export", _export, "write a project as JSON (lossless) or its cycles as CSV (for Excel)", writes=False)
    p.add_argument("out", help="output file (.json or .csv)")
    p.add_argument("--format", choices=["json", "csv"], help="default: from the file name")

    p = command("report", _report, "write an HTML or Markdown report with the charts", writes=False)
    p.add_argument("out", help="output file (.html or .md)")
    p.add_argument("--format", choices=["html", "markdown"], help="default: from the file name")
    p.add_argument("--data", help="CSV or Excel file with the measures' data (default: the data kept in the file)")
    p.add_argument("--measure", help="chart only this measure")
    p.add_argument("--no-charts", action="store_true", help="leave the pictures out")

    p = command(
        "draw", _draw, "save the chart with the cycles, the ramps or the driver diagram as PNG or SVG", writes=False
    )
    p.add_argument("out", help="the picture, .png or .svg (with --what all: the start of the file names)")
    p.add_argument("--what", choices=["chart", "ramps", "drivers", "all"], default="chart",
                   help="what to draw (default: the chart of the aim's measure)")  # fmt: skip
    p.add_argument("--measure", help="the measure to chart (default: the aim's measure)")
    p.add_argument("--data", help="CSV or Excel file with the measure's data (default: the data kept in the file)")
    p.add_argument("--labels", choices=["id", "title", "full"], default="title", help="how cycles are labelled")

    def _help(args: argparse.Namespace) -> int:
        top.print_help()
        return 2

    top.set_defaults(func=_help)
