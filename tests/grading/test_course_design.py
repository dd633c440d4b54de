"""The course's design promises, checked on the exercises themselves (issue 17).

(a) **The clinician core needs no programming.** In the learner copies, every answer cell (a code
    cell with a ``...`` to replace) of a core question is free of ``def``, ``for``, ``while``,
    ``lambda`` and comprehensions, and so is the coach's solution of it (so the answer can be
    written without them, not only the blank). Questions that ask for functions are optional
    **analyst extensions**: their answer cells are tagged ``analyst``, their headings say so,
    their hidden checks are registered with ``part="analyst"``, and they come after the core.
(b) **Multiple-choice keys are spread over the options.** Each lettered key's letter is recovered
    by trying :func:`qitools.checks.make_key` over the letters; across the whole course no letter
    holds more than 40 % of the keys, and the right option is not systematically the longest.
(c) **Every module has its exercise.** Teaching modules 01-17 and graded exercises pair up by
    number; an exercise's name, its metadata and its hidden checks agree, and the exercise's
    name is the start of its module's name (``07_variation`` for ``07_variation_xmr``).

Reads notebooks as JSON (no kernels), so it is quick.
"""

from __future__ import annotations

import ast
import collections
import json
import re
import string
from pathlib import Path

import pytest

from qitools.checks import make_key
from qitools.grading import load_hidden_dir

ROOT = Path(__file__).resolve().parents[2]
NOTEBOOKS = ROOT / "notebooks"
EXERCISES = ROOT / "exercises"
SOURCES = EXERCISES / "coach" / "source"
HIDDEN = EXERCISES / "coach" / "hidden"
NAMES = sorted(p.stem for p in SOURCES.glob("[0-9][0-9]_*.ipynb"))

#: the most any one option letter may hold of the course's lettered multiple-choice keys
MAX_LETTER_SHARE = 0.40
#: the most often the right option may be the longest one (by chance: about 1 in 4)
MAX_LONGEST_SHARE = 0.50
#: what a clinician's answer never needs
LOOPS = (ast.FunctionDef, ast.AsyncFunctionDef, ast.For, ast.AsyncFor, ast.While, ast.Lambda,
         ast.ListComp, ast.SetComp, ast.DictComp, ast.GeneratorExp)  # fmt: skip
ANALYST_HEADING = "## Analyst extension (optional): Question "
HEADING = re.compile(r"^## (?P<analyst>Analyst extension \(optional\): )?Question (?P<qid>\d+\.\d+)\b", re.M)
OPTION = re.compile(r"^- \*\*(?P<letter>[a-h])\*\*: (?P<text>.+)$", re.M)


def _cells(path: Path) -> list[dict]:
    return json.loads(path.read_text(encoding="utf-8"))["cells"]


def _source(cell: dict) -> str:
    src = cell["source"]
    return src if isinstance(src, str) else "".join(src)


def _tree(cell: dict) -> ast.AST:
    """The cell's code (IPython magics and shell lines dropped)."""
    code = "\n".join(line for line in _source(cell).splitlines() if not line.lstrip().startswith(("%", "!")))
    return ast.parse(code)


def _has_ellipsis(cell: dict) -> bool:
    return cell["cell_type"] == "code" and any(
        isinstance(node, ast.Constant) and node.value is Ellipsis for node in ast.walk(_tree(cell))
    )


def _is_analyst(cell: dict) -> bool:
    return "analyst" in cell.get("metadata", {}).get("tags", [])


def _questions(cells: list[dict]) -> list[tuple[str, bool, list[dict]]]:
    """(qid, analyst?, the cells from its heading to the next '## ' heading) for each question."""
    out: list[tuple[str, bool, list[dict]]] = []
    for cell in cells:
        text = _source(cell)
        if cell["cell_type"] == "markdown" and text.startswith("## "):
            m = HEADING.match(text)
            out.append((m["qid"], bool(m["analyst"]), [cell]) if m else ("", False, [cell]))
        elif out:
            out[-1][2].append(cell)
    return [q for q in out if q[0]]


def _loops(cell: dict) -> list[str]:
    return sorted({type(node).__name__ for node in ast.walk(_tree(cell)) if isinstance(node, LOOPS)})


def _module_numbers() -> dict[int, str]:
    return {int(p.name[:2]): p.stem for p in NOTEBOOKS.glob("[0-9][0-9]_*.ipynb") if p.name[:2] != "00"}


def test_there_are_exercises():
    assert NAMES, "no exercise sources found"


# ------------------------------------------------------------------------------------------------
# (a) the clinician core needs no programming
# ------------------------------------------------------------------------------------------------
@pytest.mark.parametrize("name", NAMES)
class TestClinicianCore:
    def test_core_answer_cells_need_no_loops_or_functions(self, name):
        for qid, analyst, cells in _questions(_cells(EXERCISES / f"{name}.ipynb")):
            if analyst:
                continue
            for cell in cells:
                if _has_ellipsis(cell):
                    found = _loops(cell)
                    assert not found, (
                        f"{name}, question {qid} (clinician core): the answer cell has {found}. Core answers are "
                        "read, chosen, filled in or a qitools call with given arguments; move the function-writing "
                        f"into an optional question headed '{ANALYST_HEADING}...' with its answer cell tagged 'analyst'."
                    )

    def test_core_solutions_need_no_loops_or_functions(self, name):
        """The coach's solution of a core question is written without them too (so the core can be)."""
        for qid, analyst, cells in _questions(_cells(SOURCES / f"{name}.ipynb")):
            if analyst:
                continue
            for cell in cells:
                if cell["cell_type"] == "code" and "SOLUTION" in _source(cell):
                    found = _loops(cell)
                    assert not found, f"{name}, question {qid}: the solution uses {found}; a clinician's cannot"

    def test_analyst_questions_are_marked_and_come_last(self, name):
        questions = _questions(_cells(SOURCES / f"{name}.ipynb"))
        flags = [analyst for _, analyst, _ in questions]
        assert flags == sorted(flags), f"{name}: the core questions come first, then the analyst extensions"
        for qid, analyst, cells in questions:
            answer = [c for c in cells if c["cell_type"] == "code" and "SOLUTION" in _source(c)]
            assert answer, f"{name}, question {qid}: no answer cell"
            tagged = any(_is_analyst(c) for c in answer)
            assert tagged == analyst, (
                f"{name}, question {qid}: an analyst extension is headed '{ANALYST_HEADING}{qid}: ...' and its "
                "answer cell is tagged 'analyst' (cell metadata tags); a core question has neither"
            )

    def test_hidden_checks_know_the_parts(self, name):
        _, hidden = load_hidden_dir(HIDDEN)[name]
        parts = {q.qid: q.part for q in hidden.questions}
        for qid, analyst, _ in _questions(_cells(SOURCES / f"{name}.ipynb")):
            expected = "analyst" if analyst else "core"
            assert parts.get(qid) == expected, (
                f"{name}, question {qid}: register it with @hidden.question({qid!r}, part={expected!r})"
            )

    def test_tags_survive_in_the_learner_copy(self, name):
        source = [q for q, a, _ in _questions(_cells(SOURCES / f"{name}.ipynb")) if a]
        learner = [
            q for q, a, cells in _questions(_cells(EXERCISES / f"{name}.ipynb")) if a and any(map(_is_analyst, cells))
        ]
        assert learner == source


# ------------------------------------------------------------------------------------------------
# (b) multiple-choice keys spread over the options
# ------------------------------------------------------------------------------------------------
def _call_name(node: ast.Call) -> str:
    f = node.func
    return f.attr if isinstance(f, ast.Attribute) else getattr(f, "id", "")


def _constants(cells: list[dict]) -> dict[str, object]:
    """Names the notebook sets to a literal value (``OPTIONS = "abcd"``), for check cells that use them."""
    out: dict[str, object] = {}
    for cell in cells:
        if cell["cell_type"] != "code":
            continue
        for node in ast.walk(_tree(cell)):
            if isinstance(node, ast.Assign) and len(node.targets) == 1 and isinstance(node.targets[0], ast.Name):
                try:
                    out[node.targets[0].id] = ast.literal_eval(node.value)
                except ValueError:
                    pass
    return out


def _value(node: ast.AST | None, constants: dict[str, object]) -> object:
    """A literal, or a name set to one; None when it is neither."""
    if node is None:
        return None
    if isinstance(node, ast.Name):
        return constants.get(node.id)
    try:
        return ast.literal_eval(node)
    except ValueError:
        return None


def _letter_keys() -> list[tuple[str, str, str, dict[str, str]]]:
    """(exercise, qid, letter, {letter: option text}) for every lettered multiple-choice key."""
    found = []
    for name in NAMES:
        cells = _cells(SOURCES / f"{name}.ipynb")
        constants = _constants(cells)
        for qid_heading, _, qcells in _questions(cells):
            options = {
                m["letter"]: m["text"].strip()
                for c in qcells
                if c["cell_type"] == "markdown"
                for m in OPTION.finditer(_source(c))
            }
            for cell in qcells:
                if cell["cell_type"] != "code":
                    continue
                for node in ast.walk(_tree(cell)):
                    if not (isinstance(node, ast.Call) and _call_name(node) == "choice" and node.args):
                        continue
                    qid = _value(node.args[0], constants)
                    kw = {k.arg: k.value for k in node.keywords}
                    keys = _value(kw.get("key", node.args[2] if len(node.args) > 2 else None), constants)
                    opts = _value(kw.get("options"), constants)
                    if not isinstance(opts, (str, list, tuple)) or not opts or not all(
                        isinstance(o, str) and len(o) == 1 and o in string.ascii_lowercase for o in opts
                    ):
                        continue  # words, numbers or True/False: not lettered
                    assert isinstance(qid, str) and keys, f"{name}: write the question number and key of each choice as text"
                    keys = {keys} if isinstance(keys, str) else set(keys)
                    letters = [o for o in opts if make_key(qid, o) in keys]
                    assert letters, f"{name}, question {qid}: no option of {opts!r} matches its key"
                    found.append((name, qid, letters[0], options if qid == qid_heading else {}))
    return found


def test_lettered_keys_are_found():
    keys = _letter_keys()
    assert len(keys) >= 10, f"only {len(keys)} lettered multiple-choice keys found in the course"


def test_no_letter_holds_more_than_40_percent_of_the_keys():
    keys = _letter_keys()
    counts = collections.Counter(letter for _, _, letter, _ in keys)
    letter, most = counts.most_common(1)[0]
    share = most / len(keys)
    where = sorted(f"{n[:2]}:{q}" for n, q, lt, _ in keys if lt == letter)
    assert share <= MAX_LETTER_SHARE, (
        f"{most} of the course's {len(keys)} lettered keys ({share:.0%}) are '{letter}' ({', '.join(where)}); "
        f"at most {MAX_LETTER_SHARE:.0%}. Counts: {dict(sorted(counts.items()))}"
    )


def test_the_right_option_is_not_systematically_the_longest():
    with_text = [(n, q, lt, opts) for n, q, lt, opts in _letter_keys() if lt in opts and len(opts) >= 3]
    assert with_text, "options are written '- **a**: ...' in the question cell"
    longest = [
        f"{n[:2]}:{q}" for n, q, lt, opts in with_text
        if len(opts[lt]) > max(len(t) for o, t in opts.items() if o != lt)
    ]  # fmt: skip
    share = len(longest) / len(with_text)
    assert share <= MAX_LONGEST_SHARE, (
        f"the right option is the longest in {len(longest)} of {len(with_text)} questions ({', '.join(longest)}): "
        "balance the lengths of the options"
    )


# ------------------------------------------------------------------------------------------------
# (c) every module has its exercise
# ------------------------------------------------------------------------------------------------
def test_modules_and_exercises_pair_up_by_number():
    modules = _module_numbers()
    exercises = {int(n[:2]): n for n in NAMES}
    assert set(modules) <= set(range(1, 18)) and set(exercises) <= set(range(1, 18)), "modules are numbered 01-17"
    assert sorted(set(modules) - set(exercises)) == [], "modules without a graded exercise"
    assert sorted(set(exercises) - set(modules)) == [], "exercises without a teaching module"
    for number, exercise in exercises.items():
        assert modules[number].startswith(exercise), (
            f"exercise {exercise} should be named like its module {modules[number]} (the same number, its name or the "
            "start of it)"
        )


@pytest.mark.parametrize("name", NAMES)
def test_exercise_name_metadata_and_hidden_checks_agree(name):
    meta = json.loads((SOURCES / f"{name}.ipynb").read_text(encoding="utf-8"))["metadata"]["qitools"]
    assert meta["exercise"] == name
    assert meta["module"] == int(name[:2]), f"{name}: metadata 'module' should be {int(name[:2])}"
    assert (HIDDEN / f"{name}.py").exists() and (EXERCISES / f"{name}.ipynb").exists()
    learner = json.loads((EXERCISES / f"{name}.ipynb").read_text(encoding="utf-8"))["metadata"]["qitools"]
    assert learner == meta


# ------------------------------------------------------------------------------------------------
# accessibility: every course figure has a text alternative
# ------------------------------------------------------------------------------------------------
TEACHING = sorted(NOTEBOOKS.glob("[0-9][0-9]_*.ipynb"))


@pytest.mark.parametrize("path", TEACHING, ids=[p.stem for p in TEACHING])
def test_every_figure_has_a_chart_description(path):
    """A figure in a teaching notebook is followed by a Markdown cell with a 'Chart description:'.

    The convention of the course (README, "For course authors"): a visible paragraph, because the
    notebook format has no alt-text field for a figure in a cell's output that JupyterLab renders.
    """
    cells = _cells(path)
    for i, cell in enumerate(cells):
        if cell["cell_type"] != "code":
            continue
        if not any("image/png" in out.get("data", {}) for out in cell.get("outputs", [])):
            continue
        following = next((c for c in cells[i + 1 :] if c["cell_type"] == "markdown"), None)
        assert following is not None and "chart description:" in _source(following).lower(), (
            f"{path.name}, cell {i}: the figure has no text alternative. Start the next Markdown cell with "
            "'**Chart description:** ...' (what kind of chart, the axes, the shape of the data, lines and labels)."
        )
        between = cells[i + 1 : cells.index(following)]
        assert not any(c["cell_type"] == "code" for c in between), (
            f"{path.name}, cell {i}: put the chart description directly after the figure, before the next code cell"
        )


def _header_field(path: Path, field: str) -> str:
    first = json.loads(path.read_text(encoding="utf-8"))["cells"][0]
    m = re.search(rf"\*\*{field}\*\* \| ([^|\n]*)\|", "".join(first["source"]))
    return m.group(1).strip() if m else ""


def _curriculum_table() -> dict[str, tuple[str, str]]:
    """README's curriculum table: module number -> (level, "module + exercise" minutes)."""
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    rows = re.findall(r"^\| (\d\d) \| `[^`]+` \| [^|]+ \| (\d) \| ([^|]+?) min \|", text, flags=re.M)
    return {num: (level, minutes.strip()) for num, level, minutes in rows}


def test_the_readme_curriculum_table_agrees_with_the_modules_and_exercises():
    """Levels and times are promised in three places (README, module header, exercise header): one truth."""
    table = _curriculum_table()
    modules = sorted((ROOT / "notebooks").glob("[0-9][0-9]_*.ipynb"))
    assert sorted(table) == [p.name[:2] for p in modules], "the README table lists every module once"
    for path in modules:
        num = path.name[:2]
        level, minutes = table[num]
        assert _header_field(path, "Level").startswith(level), f"{path.name}: level differs from the README"
        module_minutes = re.findall(r"\d+", _header_field(path, "Time"))
        said = re.findall(r"\d+", minutes)
        assert module_minutes[: len(said)] == said, f"{path.name}: time {module_minutes} vs README {minutes}"
        if num == "00":
            continue
        exercise = SOURCES / f"{path.stem.replace('_xmr', '')}.ipynb"
        assert re.findall(r"\d+", _header_field(exercise, "Time"))[:1] == said[1:], f"{exercise.name}: time"


def test_the_course_index_agrees_with_the_readme_curriculum_table():
    """Start here's table of modules promises a level and 'module + exercise' minutes for each: the same
    as the README's table (and so as the module and exercise headers, checked above)."""
    table = _curriculum_table()
    cells = _cells(NOTEBOOKS / "00_start_here.ipynb")
    index = "".join(_source(c) for c in cells if c["cell_type"] == "markdown")
    rows = re.findall(r"^\| (\d+) \| \[[^\]]+\]\((\d\d)_[^)]+\.ipynb\) \| [^|]+ \| (\d) \| ([^|]+?) min \|", index, flags=re.M)
    assert len(rows) == len(table) - 1, "Start here lists every module 01-17 once"
    for number, num, level, minutes in rows:
        assert int(number) == int(num)
        assert (level, re.findall(r"\d+", minutes)) == (table[num][0], re.findall(r"\d+", table[num][1])), (
            f"module {num}: Start here says level {level}, {minutes} min; the README says level {table[num][0]}, "
            f"{table[num][1]} min"
        )


@pytest.mark.parametrize("path", TEACHING, ids=[p.stem for p in TEACHING])
def test_no_module_needs_a_module_of_a_higher_level(path):
    """Start here promises that 'a module never needs a module of a higher level than its own'."""
    levels = {p.name[:2]: _header_field(p, "Level")[:1] for p in TEACHING}
    prerequisites = re.findall(r"\]\((\d\d)_[^)]+\.ipynb\)", _header_field(path, "Prerequisites"))
    higher = [n for n in prerequisites if levels[n] > levels[path.name[:2]]]
    assert not higher, f"{path.name} (level {levels[path.name[:2]]}) needs module(s) {higher} of a higher level"
