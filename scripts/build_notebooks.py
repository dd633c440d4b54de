"""Build the course notebooks from their readable sources, then run them so they carry outputs.

The teaching notebooks in ``notebooks/`` are written as plain Python files in ``scripts/course/``
(the "percent" format of jupytext: a line ``# %%`` starts a code cell, ``# %% [markdown]`` a text
cell whose lines are commented with ``# ``; IPython magics are commented too, ``# %config ...``).
This script turns each source into ``notebooks/<same name>.ipynb`` and executes it top to bottom in
``notebooks/`` (as a learner and nbval do), so the committed notebook holds the outputs that nbval
compares.

Usage (from the repository root)::

    python scripts/build_notebooks.py                 # every source, written and executed
    python scripts/build_notebooks.py 03 04            # only the modules whose names start so
    python scripts/build_notebooks.py glossary         # the course glossary (text only)
    python scripts/build_notebooks.py --no-execute     # write the notebooks without outputs

Edit the sources, not the .ipynb files: the next build overwrites them. Execution uses nbclient
(installed with the ``course`` and ``test`` extras) and the ``python3`` kernel of this
environment. Cell ids are numbered (``cell-00``...) and execution timings are dropped, so that a
rebuild without changes gives the same file apart from the figures' pixels.
"""

from __future__ import annotations

import argparse
import re
import sys
import time
from pathlib import Path

import nbformat

ROOT = Path(__file__).resolve().parents[1]
SOURCES = ROOT / "scripts" / "course"
NOTEBOOKS = ROOT / "notebooks"

_HEADER = re.compile(r"^# %%(?P<rest>.*)$")
_MAGIC = re.compile(r"^# %(?!%)\w")

KERNELSPEC = {"display_name": "Python 3 (ipykernel)", "language": "python", "name": "python3"}
LANGUAGE_INFO = {
    "codemirror_mode": {"name": "ipython", "version": 3},
    "file_extension": ".py",
    "mimetype": "text/x-python",
    "name": "python",
    "nbconvert_exporter": "python",
    "pygments_lexer": "ipython3",
}


def _uncomment(line: str) -> str:
    """One line of a markdown cell: drop the leading ``# `` (or a lone ``#``)."""
    if line.startswith("# "):
        return line[2:]
    if line.strip() in ("", "#"):
        return ""
    raise ValueError(f"a markdown line must start with '# ': {line!r}")


def parse(text: str) -> list[tuple[str, str]]:
    """Split a percent-format source into ``(kind, source)`` cells, kind "code" or "markdown".

    Text before the first ``# %%`` line (a module docstring, say) is ignored.
    """
    cells: list[tuple[str, list[str]]] = []
    for line in text.splitlines():
        m = _HEADER.match(line)
        if m:
            kind = "markdown" if "[markdown]" in m.group("rest") else "code"
            cells.append((kind, []))
        elif cells:
            cells[-1][1].append(line)
    out = []
    for kind, lines in cells:
        if kind == "markdown":
            lines = [_uncomment(ln) for ln in lines]
        else:  # IPython magics are commented out in the source (as jupytext does): "# %config ..."
            lines = [ln[2:] if _MAGIC.match(ln) else ln for ln in lines]
        body = "\n".join(lines).strip("\n")
        if body.strip():
            out.append((kind, body))
    return out


def build(source: Path) -> nbformat.NotebookNode:
    """The notebook (without outputs) for one source file."""
    nb = nbformat.v4.new_notebook()
    nb.metadata = {"kernelspec": dict(KERNELSPEC), "language_info": dict(LANGUAGE_INFO)}
    for i, (kind, body) in enumerate(parse(source.read_text(encoding="utf-8"))):
        cell = nbformat.v4.new_markdown_cell(body) if kind == "markdown" else nbformat.v4.new_code_cell(body)
        cell.id = f"cell-{i:02d}"
        nb.cells.append(cell)
    return nb


def _client_class() -> type:
    """nbclient's NotebookClient, minus a hang: it sometimes never sees the reply to a cell that made
    a widget (jupyter/nbclient#312, open) and waited out the whole cell time limit (about 1 build in
    3 of a module with an interact() explorer), though the kernel had finished and said so on IOPub.
    Here, once IOPub has said the cell is done, a missing reply is waited for 10 s, then made up from
    the cell's own outputs (an error output makes it an error, so the build still stops on errors)."""
    import asyncio
    import time
    from queue import Empty

    from jupyter_core.utils import ensure_async
    from nbclient import NotebookClient

    class Client(NotebookClient):  # type: ignore[misc]
        async def _async_poll_for_reply(self, msg_id, cell, timeout, task_poll_output_msg, task_poll_kernel_alive):
            deadline = None if timeout is None else time.monotonic() + timeout
            done_since = None
            while True:
                try:
                    msg = await ensure_async(self.kc.shell_channel.get_msg(timeout=1))
                except Empty:
                    if task_poll_output_msg.done():
                        done_since = done_since or time.monotonic()
                        if time.monotonic() - done_since > 10:
                            task_poll_kernel_alive.cancel()
                            errors = [o for o in cell.outputs if o.get("output_type") == "error"]
                            content = {"status": "error", **{k: errors[0][k] for k in ("ename", "evalue", "traceback")}} if errors else {"status": "ok"}
                            return {"parent_header": {"msg_id": msg_id}, "header": {}, "content": content}
                    if deadline is not None and time.monotonic() > deadline:
                        return await super()._async_poll_for_reply(msg_id, cell, 0.001, task_poll_output_msg, task_poll_kernel_alive)
                    continue
                if msg["parent_header"].get("msg_id") == msg_id:
                    await asyncio.wait_for(task_poll_output_msg, self.iopub_timeout)
                    task_poll_kernel_alive.cancel()
                    return msg

    return Client


def execute(nb: nbformat.NotebookNode, timeout: int = 300) -> None:
    """Run the notebook in ``notebooks/`` with this environment's python3 kernel (outputs in place)."""
    NotebookClient = _client_class()

    client = NotebookClient(
        nb,
        timeout=timeout,
        kernel_name="python3",
        resources={"metadata": {"path": str(NOTEBOOKS)}},
        store_widget_state=True,  # (False trips an nbclient bug with Output widgets; the state is dropped below)
        record_timing=False,
    )
    client.execute()
    # An error inside an interact() callback does not stop the notebook: it is only shown in the
    # widget's output area (the widget state). Fail the build on it instead.
    state = nb.metadata.get("widgets", {}).get("application/vnd.jupyter.widget-state+json", {}).get("state", {})
    for model in state.values():
        for out in model.get("state", {}).get("outputs", []):
            if out.get("output_type") == "error":
                raise RuntimeError(f"a widget callback failed: {out.get('ename')}: {out.get('evalue')}")
    nb.metadata["language_info"] = dict(LANGUAGE_INFO) | {
        k: v for k, v in nb.metadata.get("language_info", {}).items() if k == "version"
    }
    nb.metadata.pop("widgets", None)
    for cell in nb.cells:
        cell.metadata.pop("execution", None)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("names", nargs="*", help="build only sources whose file name starts with one of these")
    parser.add_argument("--no-execute", action="store_true", help="write the notebooks without running them")
    args = parser.parse_args(argv)
    sources = sorted(SOURCES.glob("[0-9][0-9]_*.py")) + sorted(SOURCES.glob("glossary.py"))
    if args.names:
        sources = [s for s in sources if any(s.name.startswith(n) for n in args.names)]
    if not sources:
        print("no matching sources in scripts/course/", file=sys.stderr)
        return 1
    total = time.perf_counter()
    for src in sources:
        start = time.perf_counter()
        nb = build(src)
        if not args.no_execute:
            execute(nb)
        target = NOTEBOOKS / (src.stem + ".ipynb")
        nbformat.validate(nb)
        nbformat.write(nb, target)
        size = target.stat().st_size / 1000
        print(f"{target.relative_to(ROOT)}: {len(nb.cells)} cells, {size:.0f} kB, {time.perf_counter() - start:.1f} s")
    print(f"built {len(sources)} notebook(s) in {time.perf_counter() - total:.1f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
