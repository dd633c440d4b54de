"""Grade one notebook in this process: ``python .../qitools/grading/_worker.py JOB.json``.

Started by :mod:`qitools.grading.runner` in a fresh temporary folder, one process per notebook.
It runs the learner's code cells in a new kernel with nbclient (per-cell time limit, interrupting
the kernel on timeout, carrying on after errors), then the hidden checks, one cell per question,
and writes what it found to ``result.json`` after every step, so that a notebook stopped by the
overall time limit still has its partial result.

It is run as a script, not as ``python -m qitools...``, so that this process does not import
qitools (pandas, numpy): that saves about a second per notebook. Only the kernel imports qitools.
"""

from __future__ import annotations

import json
import os
import sys
import time
from pathlib import Path
from typing import Any

#: must equal qitools.grading._kernel.MIME (not imported: see the module docstring)
MIME = "application/vnd.qitools.grade+json"
__all__ = ["run_job"]

_TIMEOUT_ENAME = "CellTimeoutError"


def _write(path: Path, result: dict[str, Any]) -> None:
    tmp = path.with_suffix(".tmp")
    tmp.write_text(json.dumps(result, indent=1, default=str), encoding="utf-8")
    os.replace(tmp, path)


def _first_line(source: str) -> str:
    for line in source.splitlines():
        if line.strip() and not line.strip().startswith("#"):
            return line.strip()[:60]
    return ""


def _error_of(cell: Any) -> dict[str, str] | None:
    """The cell's error; a KeyboardInterrupt can only come from the time limit's interrupt."""
    errors = [o for o in cell.get("outputs", []) if o.get("output_type") == "error"]
    if any(o.get("ename") in (_TIMEOUT_ENAME, "KeyboardInterrupt") for o in errors):
        return {"ename": _TIMEOUT_ENAME, "evalue": ""}
    if errors:
        return {"ename": errors[0].get("ename", ""), "evalue": str(errors[0].get("evalue", ""))[:200]}
    return None


def _payloads(cell: Any) -> list[dict[str, Any]]:
    found = []
    for out in cell.get("outputs", []):
        data = out.get("data", {}) if out.get("output_type") in ("display_data", "execute_result") else {}
        if MIME in data:
            payload = data[MIME]
            found.append(json.loads(payload) if isinstance(payload, str) else dict(payload))
    return found


def run_job(job: dict[str, Any]) -> dict[str, Any]:
    """Execute one submission and its hidden checks; return (and keep writing) the result."""
    import nbformat
    from nbclient import NotebookClient
    from nbclient.exceptions import DeadKernelError

    started = time.monotonic()
    timing: dict[str, float] = {}
    result_path = Path(job["result"])
    cell_timeout = int(job["cell_timeout"])
    result: dict[str, Any] = {"questions": {}, "errors": [], "timeouts": [], "problems": [], "finished": False}
    _write(result_path, result)

    learner = nbformat.read(job["notebook"], as_version=4)
    run_nb = nbformat.v4.new_notebook()
    positions = []  # (position in the learner's notebook, 1-based, first line)
    for pos, cell in enumerate(learner.cells, start=1):
        if cell.get("cell_type") == "code" and str(cell.get("source", "")).strip():
            run_nb.cells.append(nbformat.v4.new_code_cell(str(cell.source)))
            positions.append((pos, _first_line(str(cell.source))))
    result["code_cells"] = len(positions)
    run_nb.metadata["kernelspec"] = {
        "name": job.get("kernel", "python3"),
        "display_name": "Python 3",
        "language": "python",
    }

    client = NotebookClient(
        run_nb,
        timeout=cell_timeout,
        allow_errors=True,
        interrupt_on_timeout=True,
        error_on_timeout={"ename": _TIMEOUT_ENAME, "evalue": f"still running after {cell_timeout} s", "traceback": []},
        kernel_name=job.get("kernel", "python3"),
        resources={"metadata": {"path": job["folder"]}},
        startup_timeout=120,
        record_timing=False,
        shutdown_kernel="immediate",
    )
    os.environ["MPLBACKEND"] = "Agg"  # the kernel inherits it: figures are not rendered to PNG
    try:
        with client.setup_kernel():
            pid = getattr(getattr(client.km, "provisioner", None), "process", None)
            if pid is not None:
                Path(job["folder"], "kernel.pid").write_text(str(pid.pid))
            timing["kernel start"] = time.monotonic() - started
            _run_cells(client, run_nb, positions, job, result, result_path, DeadKernelError, timing)
    except DeadKernelError:
        pass  # already recorded
    except Exception as exc:  # noqa: BLE001 - report, never crash the batch
        if not result.get("kernel_started"):
            result["fatal"] = f"could not start a Python kernel: {type(exc).__name__}: {exc}"
        else:
            result["problems"].append(f"grading stopped: {type(exc).__name__}: {exc}"[:300])
    result["seconds"] = round(time.monotonic() - started, 2)
    result["timing"] = {k: round(v, 2) for k, v in timing.items()}
    result["finished"] = True
    _write(result_path, result)
    return result


def _run_cells(client, run_nb, positions, job, result, result_path, dead_error, timing) -> None:
    import nbformat

    result["kernel_started"] = True
    t0 = time.monotonic()
    n_learner = len(positions)
    for index, cell in enumerate(run_nb.cells[:n_learner]):
        pos, first = positions[index]
        try:
            client.execute_cell(cell, index)
        except dead_error:
            result["problems"].append(
                f"the Python kernel stopped while running cell {pos} ({first}): it called exit() or ran out of "
                "memory; later cells and the checks could not run"
            )
            _write(result_path, result)
            raise
        err = _error_of(cell)
        if err and err["ename"] == _TIMEOUT_ENAME:
            result["timeouts"].append({"cell": pos, "first_line": first})
        elif err:
            result["errors"].append({"cell": pos, "first_line": first, **err})
        _write(result_path, result)

    timing["learner cells"] = time.monotonic() - t0
    t0 = time.monotonic()
    hidden = job.get("hidden")
    if hidden:
        setup = f"import qitools.grading._kernel as _qitools_grading\n_qitools_grading.load({hidden!r})"
        cells = [setup] + [f"_qitools_grading.grade({q!r})" for q in job["questions"]]
    else:
        cells = ["import qitools.grading._kernel as _qitools_grading"]
    cells.append("_qitools_grading.public()")
    for offset, source in enumerate(cells):
        cell = nbformat.v4.new_code_cell(source)
        run_nb.cells.append(cell)
        client.execute_cell(cell, n_learner + offset)
        err = _error_of(cell)
        if offset == 0 and hidden and err:
            result["fatal"] = f"could not load the hidden checks: {err['ename']}: {err['evalue']}"
            break
        for payload in _payloads(cell):
            if "question" in payload:
                result["questions"][payload["question"]] = {k: v for k, v in payload.items() if k != "question"}
            elif "public" in payload:
                result["public"] = payload["public"]
        if hidden and 0 < offset <= len(job["questions"]):
            qid = job["questions"][offset - 1]
            if qid not in result["questions"]:
                why = "timeout" if err and err["ename"] == _TIMEOUT_ENAME else "error"
                detail = (
                    "the check did not finish within the time limit (a loop that never ends?)"
                    if why == "timeout"
                    else f"{err['ename']}: {err['evalue']}"
                    if err
                    else "no result"
                )
                result["questions"][qid] = {"score": 0.0, "status": why, "mistake": None, "detail": detail}
        _write(result_path, result)
    timing["checks"] = time.monotonic() - t0


def main(argv: list[str] | None = None) -> int:
    """Entry point: read the job file named on the command line and grade it."""
    argv = sys.argv[1:] if argv is None else argv
    job = json.loads(Path(argv[0]).read_text(encoding="utf-8"))
    run_job(job)
    return 0


if __name__ == "__main__":  # pragma: no cover - run as a subprocess
    sys.exit(main())
