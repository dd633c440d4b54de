"""The course in JupyterLab, as a trainee sees it in the browser.

JupyterLab is started as the README's course command starts it (``qitools course``, in a full
clone of the repository), and Chromium opens the notebooks, runs them with **Run > Run All Cells**
and reads the page:

- every code cell ran (has an execution number) and none has an error output;
- a cell committed with a chart shows a chart (a figure can go missing in a live kernel, for
  instance when interactive drawing was switched off, while a headless run still counts as passing);
- a widget renders (the JupyterLab widgets extension is there) and responds: moving the slider of
  module 3 redraws its chart;
- every module link of the course index opens that module.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from .browser_support import (
    KERNEL_MS,
    NOTEBOOKS,
    PAGE_LOAD_MS,
    RUN_ALL_MS,
    STEP_MS,
    JupyterLab,
    assert_no_script_errors,
    new_page,
    screenshot,
)

CURRENT = ".jp-NotebookPanel:not(.lm-mod-hidden)"
#: module with a widget (ipywidgets interact with a SelectionSlider) and a chart it redraws
WIDGET_MODULE = "04_run_charts.ipynb"
START_HERE = "00_start_here.ipynb"

#: JavaScript run in the page: one entry per code cell of the open notebook, from JupyterLab's own model.
_CELLS_JS = """() => {
  const panel = window.jupyterapp.shell.currentWidget;
  return panel.content.widgets.map((cell, index) => {
    if (cell.model.type !== 'code') return null;
    const outputs = cell.model.outputs.toJSON();
    return {
      index,
      count: cell.model.executionCount,
      errors: outputs.filter(o => o.output_type === 'error').map(o => o.ename + ': ' + o.evalue),
      images: outputs.filter(o => o.data && o.data['image/png']).length,
      source: cell.model.sharedModel.getSource().slice(0, 80),
    };
  }).filter(c => c !== null);
}"""

_KERNEL_IDLE_JS = """() => {
  const panel = window.jupyterapp && window.jupyterapp.shell.currentWidget;
  const kernel = panel && panel.sessionContext && panel.sessionContext.session && panel.sessionContext.session.kernel;
  return !!kernel && kernel.status === 'idle';
}"""

_ALL_RAN_JS = """(selector) => {
  const prompts = Array.from(document.querySelectorAll(selector + ' .jp-CodeCell .jp-InputPrompt'))
    .map(e => e.textContent.trim());
  return prompts.length > 0 && prompts.every(t => /^\\[\\d+\\]:$/.test(t));
}"""


def open_notebook(page: Any, lab: JupyterLab, name: str, folder: str = "notebooks") -> None:
    """Open a course notebook (by its name in ``folder``) in a fresh workspace; wait until its kernel is idle."""
    lab.shut_down_kernels()
    page.goto(lab.notebook_url(f"{folder}/{name}"), timeout=PAGE_LOAD_MS)
    page.wait_for_selector(f"{CURRENT} .jp-Cell", timeout=PAGE_LOAD_MS)
    page.wait_for_function(_KERNEL_IDLE_JS, timeout=KERNEL_MS)


def run_all_cells(page: Any) -> None:
    """Run > Run All Cells, as a trainee would, and wait until every code cell has run."""
    page.get_by_role("menuitem", name="Run", exact=True).click()
    page.get_by_role("menuitem", name="Run All Cells", exact=True).click()
    try:
        page.wait_for_function(_ALL_RAN_JS, arg=CURRENT, timeout=RUN_ALL_MS)
    except Exception as exc:
        prompts = page.eval_on_selector_all(
            f"{CURRENT} .jp-CodeCell .jp-InputPrompt", "es => es.map(e => e.textContent)"
        )
        raise AssertionError(
            f"not every code cell ran within {RUN_ALL_MS / 1000:.0f} s (prompts: {prompts}); a cell that raises "
            f"stops Run All, and [*] means still running"
        ) from exc
    page.wait_for_function(_KERNEL_IDLE_JS, timeout=KERNEL_MS)


def committed_images(name: str) -> dict[int, int]:
    """Cell index -> number of PNG outputs in the committed notebook (cells with widgets left out)."""
    nb = json.loads((NOTEBOOKS / name).read_text(encoding="utf-8"))
    found = {}
    for index, cell in enumerate(nb["cells"]):
        outputs = cell.get("outputs", [])
        if any("application/vnd.jupyter.widget-view+json" in o.get("data", {}) for o in outputs):
            continue
        n = sum(1 for o in outputs if "image/png" in o.get("data", {}))
        if n:
            found[index] = n
    return found


def assert_ran_cleanly(page: Any, name: str) -> list[dict[str, Any]]:
    """Every code cell ran and none shows an error (in JupyterLab's model and on the screen)."""
    cells = page.evaluate(_CELLS_JS)
    assert cells, f"{name}: no code cells found in the page"
    not_run = [c for c in cells if c["count"] is None]
    assert not not_run, f"{name}: cells that did not run: {[(c['index'], c['source']) for c in not_run]}"
    errors = [(c["index"], c["errors"]) for c in cells if c["errors"]]
    assert not errors, f"{name}: cells with an error output in the browser: {errors}"
    shown = page.inner_text(CURRENT)
    assert "Traceback (most recent call last)" not in shown, f"{name}: a traceback is shown in the page"
    assert not re.search(r"^-{20,}\s*$\n^\w*(Error|Exception)\b", shown, re.M), f"{name}: an error is shown"
    assert "Error displaying widget" not in shown, f"{name}: a widget failed to display"
    return cells


def assert_charts_drawn(page: Any, name: str) -> None:
    """Every cell committed with a chart shows a chart in the browser too."""
    by_index = {c["index"]: c for c in page.evaluate(_CELLS_JS)}
    missing = [
        (i, by_index[i]["source"])
        for i, n in committed_images(name).items()
        if i in by_index and by_index[i]["images"] < n
    ]
    assert not missing, (
        f"{name}: cells committed with a chart show no chart in the browser (the figure was not displayed by "
        f"the live kernel, e.g. because matplotlib's interactive mode was switched off): {missing}"
    )


class TestStartHere:
    """The course index (``notebooks/00_start_here.ipynb``), opened from the README's command."""

    def test_every_cell_runs_without_an_error(self, page: Any, jupyterlab: JupyterLab, artifacts: Path) -> None:
        open_notebook(page, jupyterlab, START_HERE)
        run_all_cells(page)
        cells = assert_ran_cleanly(page, START_HERE)
        assert len(cells) >= 3
        assert_charts_drawn(page, START_HERE)
        # the first run chart is drawn
        assert page.locator(f"{CURRENT} .jp-OutputArea-output img").count() >= 1
        print(f"screenshot: {screenshot(page, artifacts, 'start_here_run_all')}")
        assert_no_script_errors(page)

    def test_course_index_links_open(self, page: Any, jupyterlab: JupyterLab, artifacts: Path) -> None:
        open_notebook(page, jupyterlab, START_HERE)
        links = page.locator(f"{CURRENT} .jp-RenderedMarkdown a[href*='.ipynb']")
        page.wait_for_function(
            "(s) => document.querySelectorAll(s).length > 0",
            arg=f"{CURRENT} .jp-RenderedMarkdown a[href*='.ipynb']",
            timeout=STEP_MS,
        )
        targets: dict[str, int] = {}
        for i in range(links.count()):
            href = links.nth(i).get_attribute("href") or ""
            targets.setdefault(href.split("?")[0].rsplit("/", 1)[-1], i)
        modules = sorted(p.name for p in NOTEBOOKS.glob("[0-9][0-9]_*.ipynb") if p.name != START_HERE)
        modules.append("glossary.ipynb")  # the course glossary, linked from the index too
        assert sorted(targets) == modules, f"the index links {sorted(targets)}; the modules are {modules}"
        current_tab = ".lm-DockPanel-tabBar .lm-TabBar-tab.lm-mod-current"
        for name, i in targets.items():
            link = links.nth(i)
            link.scroll_into_view_if_needed()
            link.click()
            try:
                page.wait_for_function(
                    "([sel, name]) => { const t = document.querySelector(sel); return !!t && t.textContent === name; }",
                    arg=[f"{current_tab} .lm-TabBar-tabLabel", name],
                    timeout=STEP_MS,
                )
                heading = page.locator(f"{CURRENT} .jp-RenderedMarkdown h1").first
                heading.wait_for(timeout=STEP_MS)
            except Exception as exc:
                raise AssertionError(f"the course index link to {name} did not open it") from exc
            assert heading.inner_text().strip(), f"{name} opened without its title"
            page.locator(f"{current_tab} .lm-TabBar-tabCloseIcon").click()
            page.wait_for_function(
                "([sel, name]) => { const t = document.querySelector(sel); return !!t && t.textContent === name; }",
                arg=[f"{current_tab} .lm-TabBar-tabLabel", START_HERE],
                timeout=STEP_MS,
            )
        print(f"screenshot: {screenshot(page, artifacts, 'start_here_links')}")
        # (no check of script errors here: closing a tab while its kernel still starts makes JupyterLab
        # log "Disposed" errors of its own, which a person never sees)


@pytest.fixture(scope="module")
def module4(browser: Any, jupyterlab: JupyterLab, artifacts: Path) -> Iterator[Any]:
    """Module 4 (run charts) open in JupyterLab after Run All Cells (one run, shared by the tests below)."""
    with new_page(browser, artifacts, "module04") as page:
        open_notebook(page, jupyterlab, WIDGET_MODULE)
        run_all_cells(page)
        print(f"screenshot: {screenshot(page, artifacts, 'module04_run_all')}")
        yield page


class TestWidgetModule:
    """Module 4 (run charts), run once with Run All Cells; its baseline explorer is a slider widget."""

    def test_every_cell_runs_without_an_error(self, module4: Any) -> None:
        assert_ran_cleanly(module4, WIDGET_MODULE)

    def test_every_chart_is_drawn(self, module4: Any) -> None:
        assert_charts_drawn(module4, WIDGET_MODULE)

    def test_slider_renders_and_redraws_the_chart(self, module4: Any, artifacts: Path) -> None:
        page = module4
        cell = page.locator(f"{CURRENT} .jp-CodeCell", has=page.locator(".widget-slider")).first
        try:
            cell.wait_for(timeout=STEP_MS)
        except Exception as exc:
            raise AssertionError(
                "no slider widget rendered in module 3: is the JupyterLab widgets extension "
                "(jupyterlab_widgets, with ipywidgets) installed?"
            ) from exc
        cell.scroll_into_view_if_needed()
        image = cell.locator(".jp-OutputArea-output img").first
        image.wait_for(timeout=STEP_MS)
        readout = cell.locator(".widget-readout")
        before = {"readout": readout.inner_text(), "src": image.get_attribute("src")}
        cell.screenshot(path=str(artifacts / "module04_slider_before.png"))

        handle = cell.locator(".noUi-handle").first
        handle.focus()
        page.keyboard.press("Home")  # move the slider to its first value, as with the keyboard
        index = cell.evaluate(
            "(e, sel) => Array.from(document.querySelectorAll(sel)).indexOf(e)", f"{CURRENT} .jp-CodeCell"
        )
        try:
            page.wait_for_function(
                """([sel, index, before]) => {
                  const cell = document.querySelectorAll(sel)[index];
                  const img = cell && cell.querySelector('.jp-OutputArea-output img');
                  // the explorer draws its chart, then prints the median: wait for both, or the
                  // text is read between the two (a race a busy machine loses)
                  const out = cell && cell.querySelector('.jp-OutputArea');
                  return !!img && img.getAttribute('src') !== before && !!out && out.innerText.includes('baseline median');
                }""",
                arg=[f"{CURRENT} .jp-CodeCell", index, before["src"]],
                timeout=STEP_MS,
            )
        except Exception as exc:
            raise AssertionError(
                f"moving the slider did not redraw the chart and its median within {STEP_MS / 1000:.0f} s"
            ) from exc
        assert readout.inner_text() != before["readout"], "the slider's value did not change"
        assert "baseline median" in cell.locator(".jp-OutputArea").first.inner_text()
        cell.screenshot(path=str(artifacts / "module04_slider_after.png"))
        assert_ran_cleanly(page, WIDGET_MODULE)  # moving it raised nothing either
        assert_no_script_errors(page)
