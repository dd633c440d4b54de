"""Make the learner copy of an exercise from its source notebook (solutions and hidden parts removed).

Conventions (those of otter-grader's assign format, so authors can switch tools later):

* in a code cell, the lines between ``# BEGIN SOLUTION`` and ``# END SOLUTION`` become ``...``
  (indented like the ``BEGIN`` line); ``# BEGIN SOLUTION NO PROMPT`` blocks are removed without
  a ``...``;
* a line ending in ``# SOLUTION`` keeps what is left of its ``=`` and gets ``...`` on the right
  (``x = 42  # SOLUTION`` becomes ``x = ...``); a dict entry keeps its key
  (``"by": "2026-03-31",  # SOLUTION`` becomes ``"by": ...,``) and ``return x  # SOLUTION``
  becomes ``return ...`` (extensions of otter's rule, which covers assignments only);
* cells tagged ``solution`` become ``...`` (code) or "*Type your answer here.*" (Markdown);
* cells tagged ``hidden`` or ``hidden-test``, or whose first line is ``# HIDDEN``, are removed;
* outputs and execution counts are cleared; only the ``kernelspec``, ``language_info`` and
  ``qitools`` notebook metadata are kept.

The result is deterministic (same source, same bytes), so CI can check that the committed learner
copies are up to date (:func:`stale_copies`).
"""

from __future__ import annotations

import copy
import re
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from .._files import atomic_write_text
from ..spc.errors import QIValueError

__all__ = ["strip_solutions", "make_student", "stale_copies", "student_text"]

_BEGIN = re.compile(r"^(\s*)#\s*BEGIN SOLUTION(\s+NO PROMPT)?\s*$")
_END = re.compile(r"^\s*#\s*END SOLUTION\s*$")
_LINE = re.compile(r"^(\s*)(.*?)\s*#\s*SOLUTION\s*$")
_ENTRY = re.compile(r"^((?:\"[^\"]*\"|'[^']*')\s*:)\s*.*?(,?)$")  # a dict entry: "key": value,
_HIDDEN_TAGS = {"hidden", "hidden-test", "hidden_test"}
_KEEP_NB_META = ("kernelspec", "language_info", "qitools")
_MD_PROMPT = "*Type your answer here, replacing this text.*"


def _strip_code(source: str, where: str) -> str:
    out: list[str] = []
    inside: tuple[str, bool] | None = None
    for number, line in enumerate(source.split("\n"), start=1):
        begin, end = _BEGIN.match(line), _END.match(line)
        if begin:
            if inside is not None:
                raise QIValueError(f"{where}, line {number}: '# BEGIN SOLUTION' inside another solution block.")
            inside = (begin.group(1), bool(begin.group(2)))
            continue
        if end:
            if inside is None:
                raise QIValueError(f"{where}, line {number}: '# END SOLUTION' without a '# BEGIN SOLUTION'.")
            indent, no_prompt = inside
            if not no_prompt:
                out.append(f"{indent}...")
            inside = None
            continue
        if inside is not None:
            continue
        single = _LINE.match(line)
        if single:
            indent, code = single.groups()
            entry = _ENTRY.match(code)
            if entry:
                out.append(f"{indent}{entry.group(1)} ...{entry.group(2)}")
            elif "=" in code and not code.lstrip().startswith(("return", "yield")):
                out.append(f"{indent}{code.split('=', 1)[0].rstrip()} = ...")
            elif code.lstrip().startswith("return"):
                out.append(f"{indent}return ...")
            else:
                out.append(f"{indent}...")
            continue
        out.append(line)
    if inside is not None:
        raise QIValueError(f"{where}: '# BEGIN SOLUTION' without '# END SOLUTION'. Close the block.")
    return "\n".join(out)


def _is_hidden(cell: Any) -> bool:
    tags = set(cell.get("metadata", {}).get("tags", []))
    first = str(cell.get("source", "")).lstrip().split("\n", 1)[0].strip().upper()
    return bool(tags & _HIDDEN_TAGS) or first.startswith("# HIDDEN")


def strip_solutions(nb: Any, name: str = "notebook") -> Any:
    """Return the learner copy of a source notebook (a new nbformat notebook; the source is unchanged).

    Parameters
    ----------
    nb : nbformat.NotebookNode
        The source notebook, with solutions.
    name : str, default "notebook"
        The notebook's name, for error messages.

    Returns
    -------
    nbformat.NotebookNode
        Solutions replaced by ``...``, hidden cells removed, outputs cleared.

    Raises
    ------
    QIValueError
        A ``# BEGIN SOLUTION`` without its ``# END SOLUTION`` (or the reverse).

    Examples
    --------
    >>> import nbformat
    >>> from qitools.grading import strip_solutions
    >>> nb = nbformat.v4.new_notebook()
    >>> code = "def f(x):\\n    # BEGIN SOLUTION\\n    return 2 * x\\n    # END SOLUTION"
    >>> nb.cells = [nbformat.v4.new_code_cell(code), nbformat.v4.new_code_cell("answer = 42  # SOLUTION")]
    >>> [c.source for c in strip_solutions(nb).cells]
    ['def f(x):\\n    ...', 'answer = ...']
    """
    import nbformat

    out = nbformat.v4.new_notebook()
    out.metadata = {k: copy.deepcopy(v) for k, v in nb.get("metadata", {}).items() if k in _KEEP_NB_META}
    for index, cell in enumerate(nb.cells, start=1):
        if _is_hidden(cell):
            continue
        where = f"{name}, cell {index}"
        tags = [t for t in cell.get("metadata", {}).get("tags", []) if t != "solution"]
        is_solution = "solution" in cell.get("metadata", {}).get("tags", [])
        source = str(cell.get("source", ""))
        if cell.cell_type == "code":
            new = nbformat.v4.new_code_cell("..." if is_solution else _strip_code(source, where))
        elif cell.cell_type == "markdown":
            new = nbformat.v4.new_markdown_cell(_MD_PROMPT if is_solution else source)
        else:
            new = nbformat.v4.new_raw_cell(source)
        new["id"] = cell.get("id") or f"cell-{index}"
        if tags:
            new.metadata["tags"] = tags
        out.cells.append(new)
    return out


def student_text(nb: Any, name: str = "notebook") -> str:
    """The learner copy of ``nb`` as the exact text written to disk (JSON, 1-space indent, final newline)."""
    import nbformat

    text = nbformat.writes(strip_solutions(nb, name), version=4)
    return text if text.endswith("\n") else text + "\n"


def _sources(paths: Iterable[str | Path]) -> list[Path]:
    found: list[Path] = []
    for p in map(Path, paths):
        if p.is_dir():
            found += sorted(q for q in p.glob("*.ipynb") if not q.name.startswith("."))
        elif p.suffix == ".ipynb" and p.exists():
            found.append(p)
        else:
            raise QIValueError(f"{p} is not a notebook or a folder of notebooks. Give the source notebooks (.ipynb).")
    if not found:
        raise QIValueError("No source notebooks (.ipynb) found. Give the coach folder with the sources.")
    return found


def make_student(sources: Iterable[str | Path], out_dir: str | Path) -> list[Path]:
    """Write the learner copy of each source notebook into ``out_dir`` (same file name).

    Parameters
    ----------
    sources : iterable of path
        Source notebooks, or folders of them (``exercises/coach/source``).
    out_dir : path
        Where the learner copies go (``exercises``).

    Returns
    -------
    list of Path
        The files written.

    Raises
    ------
    QIValueError
        No notebooks found, a source in the output folder, or unbalanced solution markers.
    """
    import nbformat

    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    written = []
    for src in _sources(sources):
        target = out / src.name
        if target.resolve() == src.resolve():
            raise QIValueError(f"{src} would be overwritten by its own learner copy. Give another output folder.")
        text = student_text(nbformat.read(src, as_version=4), src.name)
        atomic_write_text(target, text, newline="\n")
        written.append(target)
    return written


def stale_copies(sources: Iterable[str | Path], out_dir: str | Path) -> list[str]:
    """The learner copies in ``out_dir`` that are missing or differ from what their sources give.

    Returns
    -------
    list of str
        One message per stale copy (empty when all are up to date).
    """
    import nbformat

    out = Path(out_dir)
    stale = []
    for src in _sources(sources):
        target = out / src.name
        expected = student_text(nbformat.read(src, as_version=4), src.name)
        if not target.exists():
            stale.append(f"{target}: missing")
        elif target.read_text(encoding="utf-8") != expected:
            stale.append(f"{target}: differs from what {src} gives")
    return stale
