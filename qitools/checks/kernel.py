"""What ran in the learner's kernel: which cells, what names they set, whether they stopped with an error.

A check cell judges the value its answer name holds *now*. Without more care that value can be
stale: after ``what_to_say = "b"`` (right) the learner types ``what_to_say = b``; the cell stops with
NameError, ``what_to_say`` still holds ``"b"``, and the check under it would say "right" beneath the
error. So :func:`qitools.checks.begin` calls :func:`install`, which registers two IPython events:

- ``pre_run_cell``: remembers the cell about to run (its text and JupyterLab's cell id), so a check
  knows its own source;
- ``post_run_cell``: records, for each cell run, the names it sets (read from its text with
  :mod:`ast`: assignments, ``def``, ``import``, ``for`` targets ...) and whether it stopped with an
  error (``ExecutionResult.error_before_exec`` / ``error_in_exec``).

Before a check judges, :func:`answer_problem` finds the names its answer comes from (the
arguments of the ``checks.<name>("4.5", answer, ...)`` call in the check cell's own text) and
refuses when, *in this kernel*:

- the latest run of a cell that sets the name stopped with an error (the value is left over from
  an earlier run), or
- the cell that set the name has since been run again with text that no longer sets it (an edit
  renamed the answer; JupyterLab sends cell ids, so this is known there).

The check then prints a plain message ("Not checked – question 4.5. Run the answer cell above first
— it stopped with NameError: b is not defined. Text answers need quotes: "b".") and gives no
verdict: no hint is spent and no try is counted.

:func:`install` also sets IPython's custom exception handler (``set_custom_exc``) for the whole
notebook: errors are shown the short way (:mod:`qitools._tracebacks`: Python's message, the line
that matters, one plain sentence, ``%tb verbose`` for the full error), and a check cell run before
its answer cell (a NameError of a name in its ``checks.`` call) prints a plain "run the answer cell
above first" message instead of an error output. The cell still counts as stopped with that
NameError (Run All stops there, and a coach's gradebook names the missing answer), but the learner
sees no error, only what to do.

Headless runs (nbclient, the coach's grading) work the same: cells run top to bottom, so every
answer cell has run before its check. None of this changes what a grader's hidden checks see: they
read the variables and judge them in the coach's process (:mod:`qitools.grading`).

Outside IPython (a script, a doctest) nothing is installed and the checks judge as before. IPython
is never imported here: it is looked up in ``sys.modules`` (it is there in every Jupyter kernel).
"""

from __future__ import annotations

import ast
import re
import sys
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

from .._tracebacks import full_errors_wanted, name_hint, short_error

__all__ = ["install", "uninstall", "installed", "answer_problem", "bound_names", "CellRun", "load_ipython_extension"]


@dataclass(frozen=True)
class CellRun:
    """One run of one cell, as recorded after it ran."""

    number: int | None  # IPython's execution count
    cell_id: str | None  # JupyterLab's cell id (None from nbclient or a console)
    text: str
    names: frozenset[str]  # the names the cell sets (or tried to set)
    error: str | None = None  # "NameError: name 'b' is not defined", None when it ran cleanly
    hint: str = ""  # one plain sentence about the error ("Text answers need quotes: "b".")

    @property
    def failed(self) -> bool:
        return self.error is not None


@dataclass
class _Log:
    shell: Any = None
    current_text: str | None = None
    current_id: str | None = None
    by_name: dict[str, CellRun] = field(default_factory=dict)
    by_cell: dict[str, CellRun] = field(default_factory=dict)


_LOG = _Log()


# ------------------------------------------------------------------------------------------------
# Which names a cell sets


class _Binder(ast.NodeVisitor):
    """Names a module-level piece of code binds (not inside functions, classes or comprehensions)."""

    def __init__(self) -> None:
        self.names: set[str] = set()

    def _target(self, node: ast.AST) -> None:
        if isinstance(node, ast.Name):
            self.names.add(node.id)
        elif isinstance(node, (ast.Tuple, ast.List)):
            for elt in node.elts:
                self._target(elt)
        elif isinstance(node, ast.Starred):
            self._target(node.value)
        elif isinstance(node, (ast.Subscript, ast.Attribute)):
            base = node.value
            while isinstance(base, (ast.Subscript, ast.Attribute)):
                base = base.value
            if isinstance(base, ast.Name):  # d["x"] = 1 changes d
                self.names.add(base.id)

    def visit_Assign(self, node: ast.Assign) -> None:
        for t in node.targets:
            self._target(t)
        self.visit(node.value)

    def visit_AnnAssign(self, node: ast.AnnAssign) -> None:
        self._target(node.target)
        if node.value is not None:
            self.visit(node.value)

    def visit_AugAssign(self, node: ast.AugAssign) -> None:
        self._target(node.target)
        self.visit(node.value)

    def visit_NamedExpr(self, node: ast.NamedExpr) -> None:
        self._target(node.target)
        self.visit(node.value)

    def visit_Delete(self, node: ast.Delete) -> None:
        for t in node.targets:
            self._target(t)

    def visit_For(self, node: ast.For | ast.AsyncFor) -> None:
        self._target(node.target)
        self.generic_visit(node)

    visit_AsyncFor = visit_For

    def visit_With(self, node: ast.With | ast.AsyncWith) -> None:
        for item in node.items:
            if item.optional_vars is not None:
                self._target(item.optional_vars)
        self.generic_visit(node)

    visit_AsyncWith = visit_With

    def visit_ExceptHandler(self, node: ast.ExceptHandler) -> None:
        if node.name:
            self.names.add(node.name)
        self.generic_visit(node)

    def visit_Import(self, node: ast.Import | ast.ImportFrom) -> None:
        for alias in node.names:
            if alias.name != "*":
                self.names.add(alias.asname or alias.name.split(".")[0])

    visit_ImportFrom = visit_Import

    def visit_FunctionDef(self, node: ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef) -> None:
        self.names.add(node.name)  # the body is another scope

    visit_AsyncFunctionDef = visit_FunctionDef
    visit_ClassDef = visit_FunctionDef

    def visit_Lambda(self, node: ast.Lambda) -> None:
        return None

    def visit_ListComp(self, node: ast.AST) -> None:
        for gen in getattr(node, "generators", []):  # a walrus in a comprehension binds outside it
            self.visit(gen.iter)

    visit_SetComp = visit_DictComp = visit_GeneratorExp = visit_ListComp


_ASSIGNED = re.compile(r"^[ \t]*([A-Za-z_]\w*(?:[ \t]*,[ \t]*[A-Za-z_]\w*)*)[ \t]*(?:\+|-|\*|/|//|%|\*\*|\||&|\^)?=(?!=)", re.M)


def _parse(text: str) -> ast.Module | None:
    shell = _LOG.shell
    for candidate in (text, None):
        if candidate is None:
            transform = getattr(shell, "transform_cell", None)
            if transform is None:
                return None
            try:
                candidate = transform(text)  # %magics and !commands into Python
            except Exception:  # noqa: BLE001
                return None
        try:
            return ast.parse(candidate)
        except (SyntaxError, ValueError):
            continue
    return None


def bound_names(text: str) -> frozenset[str]:
    """The names a cell sets, read from its text (a cell Python cannot read: its ``name =`` lines).

    Parameters
    ----------
    text : str
        The cell's source.

    Returns
    -------
    frozenset of str

    Examples
    --------
    >>> from qitools.checks.kernel import bound_names
    >>> sorted(bound_names("fig, ax = plt.subplots()\\nax.plot([1, 2])\\nimport numpy as np\\ndef f(x):\\n    y = x"))
    ['ax', 'f', 'fig', 'np']
    >>> sorted(bound_names('what_to_say = "b'))  # Python cannot read it; it still tries to set what_to_say
    ['what_to_say']
    """
    tree = _parse(text)
    if tree is None:
        return frozenset(n.strip() for m in _ASSIGNED.finditer(text) for n in m.group(1).split(","))
    binder = _Binder()
    binder.visit(tree)
    return frozenset(binder.names)


#: functions of qitools.checks that are not checks of an answer
_NOT_CHECKS = frozenset({"begin", "summary", "results", "reset", "judge", "make_key"})


def _check_calls(tree: ast.AST) -> Iterator[ast.Call]:
    """Calls ``checks.<name>(...)`` (or ``qi.checks.<name>``) of an answer check in a piece of code."""
    for node in ast.walk(tree):
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr not in _NOT_CHECKS:
            base = node.func.value
            if (isinstance(base, ast.Name) and base.id == "checks") or (
                isinstance(base, ast.Attribute) and base.attr == "checks"
            ):
                yield node


def _names_in(node: ast.AST | None) -> set[str]:
    if node is None:
        return set()
    return {n.id for n in ast.walk(node) if isinstance(n, ast.Name) and isinstance(n.ctx, ast.Load)}


def _qid_of(call: ast.Call) -> str | None:
    first = call.args[0] if call.args else next((k.value for k in call.keywords if k.arg == "qid"), None)
    if isinstance(first, ast.Constant) and isinstance(first.value, (str, int, float)):
        return str(first.value)
    return None


def _answer_expr(call: ast.Call) -> ast.AST | None:
    if len(call.args) > 1 and not isinstance(call.args[1], ast.Starred):
        return call.args[1]
    return next((k.value for k in call.keywords if k.arg == "answer"), None)


def _call_names(call: ast.Call) -> tuple[set[str], set[str]]:
    """(names in the answer argument, other names the call uses) of one check call."""
    expr = _answer_expr(call)
    answer = _names_in(expr)
    other: set[str] = set()
    for arg in [*call.args, *(k.value for k in call.keywords)]:
        if arg is not expr:
            other |= _names_in(arg)
    return answer, other - answer - {"checks", "qi"}


def _answer_names(text: str, qid: str | None) -> set[str] | None:
    """The names the answer of the check call for ``qid`` in ``text`` comes from (None: no such call)."""
    tree = _parse(text)
    if tree is None:
        return None
    calls = list(_check_calls(tree))
    mine = [c for c in calls if qid is not None and _qid_of(c) == qid] or calls
    if not mine:
        return None
    return set().union(*(_call_names(c)[0] for c in mine))


# ------------------------------------------------------------------------------------------------
# IPython events


def _pre_run_cell(info: Any) -> None:
    if getattr(info, "silent", False):
        return
    _LOG.current_text = getattr(info, "raw_cell", None)
    _LOG.current_id = getattr(info, "cell_id", None)


def _error_text(err: BaseException, limit: int = 180) -> str:
    """``NameError: b is not defined``: the error in one line, cut at a sentence if it is long."""
    if isinstance(err, SyntaxError):
        return f"{type(err).__name__}: {err.msg}"
    text = " ".join(str(err).split())
    if isinstance(err, NameError):
        name = getattr(err, "name", None)
        if name:
            text = f"{name} is not defined"
    if len(text) > limit:
        cut = text.rfind(". ", 0, limit)
        text = text[: cut + 1] if cut > 40 else text[: limit - 1] + "…"
    return f"{type(err).__name__}: {text.rstrip('.')}" if text else type(err).__name__


def _post_run_cell(result: Any) -> None:
    info = getattr(result, "info", None)
    if info is None or getattr(info, "silent", False):
        return
    text = getattr(info, "raw_cell", None) or ""
    err = getattr(result, "error_before_exec", None) or getattr(result, "error_in_exec", None)
    hint = ""
    if isinstance(err, NameError) and getattr(err, "name", None):
        ns = getattr(_LOG.shell, "user_ns", {}) or {}
        hint = name_hint(err.name, ns, _line_with(text, err.name))
    elif isinstance(err, SyntaxError) and "unterminated string" in str(getattr(err, "msg", "")):
        hint = 'A text needs a quote mark at both ends, such as "b".'
    run = CellRun(
        number=getattr(result, "execution_count", None),
        cell_id=getattr(info, "cell_id", None),
        text=text,
        names=bound_names(text),
        error=None if err is None else _error_text(err),
        hint=hint,
    )
    for name in run.names:
        _LOG.by_name[name] = run
    if run.cell_id:
        _LOG.by_cell[run.cell_id] = run
    _LOG.current_text = _LOG.current_id = None


def _line_with(text: str, name: str) -> str:
    for line in text.splitlines():
        if re.search(rf"\b{re.escape(name)}\b", line):
            return line
    return ""


def _custom_exc(shell: Any, etype: type, value: BaseException, tb: Any, tb_offset: Any = None) -> Any:
    """IPython's custom exception handler: the short display, or the "run the answer cell" message."""
    sys.last_type, sys.last_value, sys.last_traceback = etype, value, tb  # for %tb
    sys.last_exc = value
    if full_errors_wanted():
        shell.showtraceback((etype, value, tb), tb_offset=tb_offset)
        return None
    try:
        _short_display(shell, etype, value)
    except Exception:  # noqa: BLE001 - never lose the learner's error because of the display
        shell.showtraceback((etype, value, tb), tb_offset=tb_offset)
    return None


def _short_display(shell: Any, etype: type, value: BaseException) -> None:
    if isinstance(value, NameError) and not isinstance(value, UnboundLocalError):
        message = _missing_in_check_cell(value)
        if message is not None:
            print(message)  # instead of the error output; the cell still stopped (Run All stops here)
            return
    lines = short_error(value, getattr(shell, "user_ns", None))
    shell._showtraceback(etype, value, lines)


def _missing_in_check_cell(err: NameError) -> str | None:
    """The message for a check cell whose answer (or data) name has no value yet, else None."""
    name = getattr(err, "name", None)
    text = _LOG.current_text
    if not name or not text:
        return None
    tree = _parse(text)
    if tree is None:
        return None
    calls = list(_check_calls(tree))
    if name in ("checks", "qi") and calls:
        qid = _qid_of(calls[0]) or "?"
        return (
            f"Not checked – question {qid}. Python has restarted (or the notebook's first cell has not run "
            f"yet), so {name} is not set up and your answers are not in memory: run the cells from the top "
            "(Run > Run All Above Selected Cell), then this check again."
        )
    for call in calls:
        qid = _qid_of(call) or "?"
        answer, other = _call_names(call)
        if name in answer:
            run = _LOG.by_name.get(name)
            if run is not None and run.failed:
                return _failed_message(qid, run)
            return (
                f"Not checked – question {qid}. Run the answer cell above first: {name} has no value yet "
                "(its cell has not run since Python started or restarted). Then run this check again."
            )
        if name in other:
            return (
                f"Not checked – question {qid}. {name} has no value yet: run the cells above this one first "
                "(Run > Run All Above Selected Cell), then this check again."
            )
    return None


def _failed_message(qid: str, run: CellRun) -> str:
    hint = f" {run.hint}" if run.hint else ""
    stop = "" if (run.error or "").endswith((".", "?", "!", "…")) else "."  # not "forgot a comma?."
    return (
        f"Not checked – question {qid}. Run the answer cell above first — it stopped with {run.error}{stop}{hint} "
        "(Your earlier answer was not judged, and this was not counted as a try.)"
    )


# ------------------------------------------------------------------------------------------------
# Public (for reporting.py and tests)


def _find_shell() -> Any:
    ipython = sys.modules.get("IPython")
    get = getattr(ipython, "get_ipython", None)
    try:
        return get() if get is not None else None
    except Exception:  # noqa: BLE001
        return None


def install(shell: Any = None) -> bool:
    """Start recording cell runs and showing errors the short way in this IPython kernel.

    Called by :func:`qitools.checks.begin`; calling it again does nothing more. The record of runs
    is kept when it is called again (re-running the setup cell does not forget what ran).

    Parameters
    ----------
    shell : IPython shell, optional
        Default: the running one. Without IPython (a script), nothing is installed.

    Returns
    -------
    bool
        True when it is installed in an IPython shell.
    """
    shell = shell if shell is not None else _find_shell()
    if shell is None or not hasattr(shell, "events"):
        return False
    if _LOG.shell is not shell:
        _LOG.shell = shell
        _LOG.by_name.clear()
        _LOG.by_cell.clear()
    callbacks = getattr(shell.events, "callbacks", {})
    if _pre_run_cell not in callbacks.get("pre_run_cell", []):
        shell.events.register("pre_run_cell", _pre_run_cell)
    if _post_run_cell not in callbacks.get("post_run_cell", []):
        shell.events.register("post_run_cell", _post_run_cell)
    if not _ours(shell) and not getattr(shell, "custom_exceptions", ()):  # never replace someone else's
        shell.set_custom_exc((Exception,), _custom_exc)
        func = getattr(shell.CustomTB, "__func__", None)
        if func is not None:
            func.__qitools__ = True
    return True


def load_ipython_extension(ipython: Any) -> None:
    """IPython's hook (``%load_ext qitools.checks.kernel``, or ``IPKernelApp.extensions``): :func:`install`.

    The kernels of ``qitools course`` and of the hub load it at every start and restart
    (:mod:`qitools._course_kernels`), so that a check cell run before the first cell of an
    exercise (after a restart, say) says what to do instead of showing a traceback.
    """
    install(ipython)


def _ours(shell: Any) -> bool:
    """True when the shell's custom exception handler is the one installed here."""
    return bool(getattr(getattr(getattr(shell, "CustomTB", None), "__func__", None), "__qitools__", False))


def installed() -> bool:
    """True when the run record is active in the running IPython shell."""
    shell = _LOG.shell
    return shell is not None and _post_run_cell in getattr(shell.events, "callbacks", {}).get("post_run_cell", [])


def uninstall() -> None:
    """Stop recording and give IPython back its usual error display (for tests and coaches)."""
    shell = _LOG.shell
    if shell is None:
        return
    for event, fn in (("pre_run_cell", _pre_run_cell), ("post_run_cell", _post_run_cell)):
        try:
            shell.events.unregister(event, fn)
        except ValueError:
            pass
    if _ours(shell):
        shell.set_custom_exc((), None)
    _LOG.shell = None
    _LOG.by_name.clear()
    _LOG.by_cell.clear()
    _LOG.current_text = _LOG.current_id = None


def answer_problem(qid: str) -> str | None:
    """Why the check of ``qid`` must not judge now (a message for the learner), or None to judge.

    Parameters
    ----------
    qid : str
        The question number of the check being run.

    Returns
    -------
    str or None
        The plain message to print instead of a verdict.
    """
    if not installed() or not _LOG.current_text:
        return None
    answer = _answer_names(_LOG.current_text, str(qid))
    if not answer:
        return None
    here = bound_names(_LOG.current_text)
    for name in sorted(answer):
        if name in here:
            continue  # set earlier in this very cell, which has got as far as the check
        run = _LOG.by_name.get(name)
        if run is None:
            continue  # set before the checks began (or by code we cannot see): judge it
        latest = _LOG.by_cell.get(run.cell_id) if run.cell_id else None
        if latest is not None and latest is not run:  # that cell ran again since, and no longer sets it
            return (
                f"Not checked – question {qid}. {name} was set by an earlier version of its cell, which no "
                f"longer sets it. Keep the name on the left of the = as it was ({name} = ...), run that cell, "
                "then this check. (Your earlier answer was not judged, and this was not counted as a try.)"
            )
        if run.failed:
            return _failed_message(str(qid), run)
    return None
