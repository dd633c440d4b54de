"""A learner's first hour, in JupyterLab in Chromium: reach the exercises, honest checks, never a traceback.

JupyterLab is started with the README's exact course command (``qitools course``) in a full clone
of the repository (the ``jupyterlab`` fixture). Then, as a learner:

1. the address the command prints opens the course index, and the file browser lists
   ``exercises/`` with the learner copies in it and no ``coach/`` folder;
2. a module's "Practise:" link opens its exercise;
3. in the exercise, the check of question 1 is run before its answer cell ever ran; a
   multiple-choice question is answered wrongly, then with a typo (a NameError), then rightly, each
   time running the answer cell and then the check cell with Shift-Enter, typed on the keyboard.

What the learner sees is asserted at each step: no traceback anywhere, no verdict on a stale answer
(after the typo), the exercise's own first hint after the wrong answer (and the typo does not spend
the second), "Right ✓" at the end, the progress table, and, after Kernel > Restart Kernel, the check
cell run first says what to do (no traceback, no error output). Screenshots of each step go to the
artefacts folder (``learner_*.png``).

The exercise and its question are found from the notebooks, not hard-coded: the first module with
a "Practise:" link, the first check cell of its exercise, and its first multiple-choice question
(the right option is found from the question's hashed key with ``checks.make_key``).
"""

from __future__ import annotations

import ast
import json
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from qitools import checks

from .browser_support import KERNEL_MS, PAGE_LOAD_MS, STEP_MS, JupyterLab, assert_no_script_errors, screenshot
from .test_browser_lab import _KERNEL_IDLE_JS, CURRENT, open_notebook

#: one entry per cell of the open notebook: what JupyterLab's model holds (source, outputs)
_OUTPUTS_JS = """(index) => {
  const panel = window.jupyterapp.shell.currentWidget;
  const cell = panel.content.widgets[index];
  const outputs = cell.model.type === 'code' ? cell.model.outputs.toJSON() : [];
  return {
    source: cell.model.sharedModel.getSource(),
    count: cell.model.type === 'code' ? cell.model.executionCount : null,
    text: outputs.map(o => o.text ? (Array.isArray(o.text) ? o.text.join('') : o.text)
                         : (o.data && o.data['text/plain'] ? [].concat(o.data['text/plain']).join('') : '')).join(''),
    errors: outputs.filter(o => o.output_type === 'error').map(o => ({ename: o.ename, traceback: o.traceback.join('\\n')})),
  };
}"""


def _source(cell: dict) -> str:
    src = cell.get("source", "")
    return "".join(src) if isinstance(src, list) else str(src)


@dataclass
class Exercise:
    """What the test needs to know about one exercise notebook (found from the notebook itself)."""

    path: str  # exercises/NN_name.ipynb
    first_answer: int  # index of the first question's answer cell
    first_check: int  # ... and of its check cell
    first_answer_name: str  # the name its answer comes from
    answer: int  # the multiple-choice question's answer cell
    check: int  # ... and its check cell
    qid: str
    name: str  # the answer's name (what_to_say)
    right: str
    wrong: str
    wrong2: str | None  # another wrong option, if there is one
    hints: tuple[str, str]
    summary: int | None  # the checks.summary() cell


def _check_call(cell_source: str) -> ast.Call | None:
    try:
        tree = ast.parse(cell_source)
    except SyntaxError:
        return None
    for node in ast.walk(tree):
        if (
            isinstance(node, ast.Call)
            and isinstance(node.func, ast.Attribute)
            and isinstance(node.func.value, ast.Name)
            and node.func.value.id == "checks"
            and node.func.attr not in ("begin", "summary", "results", "reset")
        ):
            return node
    return None


def find_exercise(course: Path) -> tuple[str, Exercise]:
    """The first module with a "Practise:" link, and the parts of its exercise this test uses."""
    for module in sorted((course / "notebooks").glob("[0-9][0-9]_*.ipynb")):
        nb = json.loads(module.read_text(encoding="utf-8"))
        text = "".join(_source(c) for c in nb["cells"] if c["cell_type"] == "markdown")
        m = re.search(r"Practise:\*\*\s*\[[^\]]*\]\(\.\./(exercises/[0-9][0-9]_\w+\.ipynb)\)", text)
        if not m:
            continue
        exercise = _parse_exercise(course, m.group(1))
        if exercise is not None:
            return module.name, exercise
    raise AssertionError("no module links to an exercise with a multiple-choice question")


def _parse_exercise(course: Path, rel: str) -> Exercise | None:
    cells = json.loads((course / rel).read_text(encoding="utf-8"))["cells"]
    code = [i for i, c in enumerate(cells) if c["cell_type"] == "code"]
    calls = {i: _check_call(_source(cells[i])) for i in code}
    checks_at = [i for i in code if calls[i] is not None]
    if not checks_at:
        return None
    first = checks_at[0]
    first_name = ast.unparse(calls[first].args[1])
    for i in checks_at:
        call = calls[i]
        if call.func.attr != "choice" or len(call.args) < 2 or not isinstance(call.args[1], ast.Name):
            continue
        kw = {k.arg: k.value for k in call.keywords}
        try:
            qid = ast.literal_eval(call.args[0])
            key = ast.literal_eval(kw["key"] if "key" in kw else call.args[2])
            options = ast.literal_eval(kw["options"])
        except (KeyError, ValueError, IndexError):
            continue
        keys = {key} if isinstance(key, str) else set(key)
        right = [o for o in options if checks.make_key(qid, o) in keys]
        wrong = [o for o in options if checks.make_key(qid, o) not in keys]
        if not right or not wrong or not all(isinstance(o, str) and o.isidentifier() for o in options):
            continue
        hints = ast.literal_eval(kw["hints"]) if "hints" in kw else None
        default = checks.judges._JUDGES["choice"][1]
        hints = (hints, default[1]) if isinstance(hints, str) else tuple(hints) if hints else default
        answer = max(j for j in code if j < i)
        summary = next((j for j in code if "checks.summary()" in _source(cells[j])), None)
        first_answer = max(j for j in code if j < first)
        return Exercise(rel, first_answer, first, first_name, answer, i, str(qid), call.args[1].id, right[0],
                        wrong[0], wrong[1] if len(wrong) > 1 else None, (hints[0], hints[1]), summary)  # fmt: skip
    return None


# ------------------------------------------------------------------------------------------------
# Driving the notebook as a learner does


def cell(page: Any, index: int) -> Any:
    return page.locator(f"{CURRENT} .jp-Notebook .jp-Cell").nth(index)


def read(page: Any, index: int) -> dict:
    return page.evaluate(_OUTPUTS_JS, index)


def run_cell(page: Any, index: int) -> dict:
    """Click into the cell, press Shift-Enter, wait for it to finish; what it shows (model and screen)."""
    before = read(page, index)["count"]
    target = cell(page, index)
    target.scroll_into_view_if_needed()
    target.locator(".jp-InputArea-editor").click()
    page.keyboard.press("Shift+Enter")
    page.wait_for_function(
        "([index, before]) => { const p = window.jupyterapp.shell.currentWidget;"
        " const c = p.content.widgets[index]; const n = c.model.executionCount;"
        " return n !== null && n !== before && p.sessionContext.session.kernel.status === 'idle'; }",
        arg=[index, before],
        timeout=KERNEL_MS,
    )
    page.wait_for_timeout(300)  # the last output message can follow the reply
    shown = read(page, index)
    shown["screen"] = target.locator(".jp-Cell-outputWrapper").inner_text()
    return shown


def type_answer(page: Any, index: int, text: str) -> None:
    """Replace the answer cell's text by typing, as a learner does (select all, type)."""
    target = cell(page, index)
    target.scroll_into_view_if_needed()
    target.locator(".jp-InputArea-editor .cm-content").click()
    page.keyboard.press("Control+A")
    page.keyboard.type(text)
    source = read(page, index)["source"]
    assert source == text, f"the answer cell holds {source!r} after typing {text!r}"


def restart_kernel(page: Any) -> None:
    """Kernel > Restart Kernel… and the dialog's Restart button, as a learner does; wait until it is idle again."""
    page.evaluate(
        "() => { window.__qiRestarted = false; const ctx = window.jupyterapp.shell.currentWidget.sessionContext;"
        " ctx.statusChanged.connect((_, s) => { if (s === 'restarting' || s === 'starting') window.__qiRestarted = true; }); }"
    )
    page.locator(".lm-MenuBar-itemLabel", has_text=re.compile(r"^Kernel$")).click()
    page.locator(".lm-Menu-item:not(.lm-mod-hidden) .lm-Menu-itemLabel", has_text=re.compile(r"^Restart Kernel…$")).click()
    page.locator(".jp-Dialog-button.jp-mod-accept", has_text="Restart").click()
    page.wait_for_function(
        "() => { const k = window.jupyterapp.shell.currentWidget.sessionContext.session.kernel;"
        " return window.__qiRestarted && !!k && k.status === 'idle' && !document.querySelector('.jp-Dialog'); }",
        timeout=KERNEL_MS,
    )
    page.wait_for_timeout(1000)  # the restart's last status messages settle


def no_traceback(shown: dict, what: str) -> None:
    everything = shown["screen"] + shown["text"] + "".join(e["traceback"] for e in shown["errors"])
    assert "Traceback" not in everything and "most recent call last" not in everything, f"{what}: {everything}"
    assert "site-packages" not in everything and "qitools/" not in everything, f"{what}: {everything}"


def open_file_browser_folder(page: Any, name: str) -> list[str]:
    """Double-click a folder in JupyterLab's file browser; the names listed in it."""
    page.locator(".jp-DirListing-item", has=page.locator(".jp-DirListing-itemText", has_text=name)).first.dblclick()
    page.wait_for_function(
        "(name) => { const crumbs = document.querySelector('.jp-BreadCrumbs');"
        " return !!crumbs && crumbs.textContent.includes(name); }",
        arg=name,
        timeout=STEP_MS,
    )
    page.wait_for_timeout(500)
    return listed(page)


def listed(page: Any) -> list[str]:
    return [t.strip() for t in page.locator(".jp-DirListing-content .jp-DirListing-itemText").all_inner_texts()]


# ------------------------------------------------------------------------------------------------


class TestLearnersFirstHour:
    def test_the_course_command_opens_the_index_with_the_exercises_reachable_and_coach_hidden(
        self, page: Any, jupyterlab: JupyterLab, artifacts: Path
    ) -> None:
        jupyterlab.shut_down_kernels()
        page.goto(f"{jupyterlab.url}/?token={jupyterlab.token}&reset", timeout=PAGE_LOAD_MS)  # the printed address
        page.wait_for_selector(f"{CURRENT} .jp-Cell", timeout=PAGE_LOAD_MS)
        tab = page.locator(".lm-DockPanel-tabBar .lm-TabBar-tab.lm-mod-current .lm-TabBar-tabLabel")
        assert tab.inner_text() == "00_start_here.ipynb", "the course command's address opens the course index"
        if not page.locator(".jp-DirListing-content").first.is_visible():
            page.get_by_role("tab", name=re.compile("File Browser")).click()
        page.wait_for_selector(".jp-DirListing-content .jp-DirListing-itemText", timeout=STEP_MS)
        page.locator(".jp-BreadCrumbs-home").first.click()  # the file browser shows notebooks/: go to the top
        page.wait_for_function(
            "() => Array.from(document.querySelectorAll('.jp-DirListing-content .jp-DirListing-itemText'))"
            ".some(e => e.textContent.trim() === 'exercises')",
            timeout=STEP_MS,
        )
        root = listed(page)
        assert {"notebooks", "exercises", "datasets"} <= set(root), root
        inside = open_file_browser_folder(page, "exercises")
        learner_copies = sorted(p.name for p in (jupyterlab.root / "exercises").glob("[0-9][0-9]_*.ipynb"))
        assert learner_copies and set(learner_copies) <= set(inside), inside
        assert "coach" not in inside, "exercises/coach/ (solutions) is listed in the learner's file browser"
        assert (jupyterlab.root / "exercises" / "coach").is_dir(), "(the clone has it: it is hidden, not removed)"
        screenshot(page, artifacts, "learner_1_exercises_listed")
        assert_no_script_errors(page)

    def test_practise_link_wrong_typo_right(self, page: Any, jupyterlab: JupyterLab, artifacts: Path) -> None:
        module, ex = find_exercise(jupyterlab.root)

        # 1. the module's Practise link opens the exercise
        open_notebook(page, jupyterlab, module)
        link = page.locator(f"{CURRENT} .jp-RenderedMarkdown a[href*='exercises/']").first
        link.wait_for(timeout=STEP_MS)
        link.scroll_into_view_if_needed()
        link.click()
        name = Path(ex.path).name
        page.wait_for_function(
            "(name) => { const p = window.jupyterapp.shell.currentWidget;"
            " return !!p && p.context && p.context.path === 'exercises/' + name; }",
            arg=name,
            timeout=STEP_MS,
        )
        page.wait_for_selector(f"{CURRENT} .jp-RenderedMarkdown h1", timeout=STEP_MS)
        page.wait_for_function(_KERNEL_IDLE_JS, timeout=KERNEL_MS)
        screenshot(page, artifacts, "learner_2_exercise_opened")

        # 2. the cells before the first question (setup, data), then its check before its answer ever ran
        for i in range(ex.first_answer):
            if page.evaluate("(i) => window.jupyterapp.shell.currentWidget.content.widgets[i].model.type", i) == "code":
                shown = run_cell(page, i)
                assert not shown["errors"], f"cell {i} of {name} stopped with an error: {shown['errors']}"
        early = run_cell(page, ex.first_check)
        assert not early["errors"], f"the check cell shows an error output: {early['errors']}"
        assert "Not checked" in early["screen"] and "Run the answer cell above first" in early["screen"], early
        assert ex.first_answer_name in early["screen"]
        no_traceback(early, "a check run before its answer cell")
        screenshot(page, artifacts, "learner_3_check_before_answer")

        # 3. a wrong answer: the exercise's first hint
        type_answer(page, ex.answer, f'{ex.name} = "{ex.wrong}"')
        assert not run_cell(page, ex.answer)["errors"]
        wrong = run_cell(page, ex.check)
        assert wrong["screen"].startswith(f"Not yet ✗ – question {ex.qid}."), wrong["screen"]
        assert f"Hint 1 of 2: {ex.hints[0]}" in wrong["screen"]
        cell(page, ex.check).screenshot(path=str(artifacts / "learner_4_wrong_answer.png"))

        # 4. a typo: the answer cell stops with a short NameError; the check gives no verdict
        type_answer(page, ex.answer, f"{ex.name} = {ex.right}")
        typo = run_cell(page, ex.answer)
        assert [e["ename"] for e in typo["errors"]] == ["NameError"], typo
        assert f'Text answers need quotes: "{ex.right}".' in typo["screen"]
        no_traceback(typo, "the typo in the answer cell")
        cell(page, ex.answer).screenshot(path=str(artifacts / "learner_5_typo.png"))
        stale = run_cell(page, ex.check)
        assert not stale["errors"], f"the check cell shows an error output: {stale['errors']}"
        assert stale["screen"].startswith(f"Not checked – question {ex.qid}. Run the answer cell above first — it "
                                          f"stopped with NameError: {ex.right} is not defined."), stale["screen"]  # fmt: skip
        for verdict in ("Right", "Not yet", "Hint"):
            assert verdict not in stale["screen"], f"a verdict on the stale answer: {stale['screen']}"
        no_traceback(stale, "the check after the typo")
        cell(page, ex.check).screenshot(path=str(artifacts / "learner_6_check_after_typo.png"))

        # 5. a second wrong answer gets the second hint: the typo did not spend one
        tries = 1
        if ex.wrong2 is not None:
            type_answer(page, ex.answer, f'{ex.name} = "{ex.wrong2}"')
            run_cell(page, ex.answer)
            second = run_cell(page, ex.check)
            assert second["screen"].startswith(f"Not yet ✗ – question {ex.qid}."), second["screen"]
            assert f"Hint 2 of 2: {ex.hints[1]}" in second["screen"], second["screen"]
            tries = 2

        # 6. the right answer
        type_answer(page, ex.answer, f'{ex.name} = "{ex.right}"')
        assert not run_cell(page, ex.answer)["errors"]
        right = run_cell(page, ex.check)
        assert right["screen"].startswith(f"Right ✓ – question {ex.qid}."), right["screen"]
        cell(page, ex.check).screenshot(path=str(artifacts / "learner_7_right.png"))

        # 7. the progress table: right, with the wrong tries counted (not the typo)
        if ex.summary is not None:
            progress = run_cell(page, ex.summary)
            row = next(line for line in progress["screen"].splitlines() if line.strip().startswith(ex.qid))
            assert "right ✓" in row and row.split()[-1] == str(tries), row
            cell(page, ex.summary).screenshot(path=str(artifacts / "learner_8_progress.png"))

        # 8. Kernel > Restart Kernel, then the check cell first: what to do, no traceback, no error output
        restart_kernel(page)
        restarted = run_cell(page, ex.check)
        assert not restarted["errors"], f"the check cell shows an error output: {restarted['errors']}"
        assert restarted["screen"].startswith(f"Not checked – question {ex.qid}. Python has restarted"), restarted
        assert "Run All Above Selected Cell" in restarted["screen"]
        no_traceback(restarted, "a check cell run first after a kernel restart")
        cell(page, ex.check).screenshot(path=str(artifacts / "learner_8b_check_after_restart.png"))

        shown = page.inner_text(CURRENT)
        assert "Traceback (most recent call last)" not in shown
        screenshot(page, artifacts, "learner_9_exercise_end")
        assert_no_script_errors(page)
