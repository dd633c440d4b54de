"""Every ```python block of README.md runs, in order, as a reader would paste them.

The blocks share one fresh namespace (a later block may use what an earlier one made, as in a
notebook) and run in a temporary working folder, so the files they write (charts, reports, a PDSA
store) go there. Matplotlib draws off screen (Agg). Warnings are allowed (several examples show
them); an exception fails the test and names the block and its first line.
"""

from __future__ import annotations

import re
import traceback
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
README = ROOT / "README.md"

_BLOCK = re.compile(r"^```python[^\n]*\n(.*?)^```", re.S | re.M)


def python_blocks(text: str) -> list[tuple[int, str]]:
    """(line number, code) of each ```python block, in order."""
    return [(text.count("\n", 0, m.start()) + 1, m.group(1)) for m in _BLOCK.finditer(text)]


def test_the_readme_has_python_blocks():
    blocks = python_blocks(README.read_text(encoding="utf-8"))
    assert len(blocks) >= 5
    assert python_blocks("x\n```python\na = 1\n```\n```bash\nls\n```\n```python\nb = 2\n```\n") == [
        (2, "a = 1\n"),
        (8, "b = 2\n"),
    ]


def test_every_python_block_runs_in_order(tmp_path, monkeypatch):
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    monkeypatch.chdir(tmp_path)
    namespace: dict[str, object] = {"__name__": "__readme__"}
    for line, code in python_blocks(README.read_text(encoding="utf-8")):
        try:
            exec(compile(code, f"README.md (block at line {line})", "exec"), namespace)  # noqa: S102
        except Exception:  # noqa: BLE001 - report which block failed, with its traceback
            pytest.fail(
                f"The README's python block at line {line} ({code.strip().splitlines()[0]!r}) failed:\n"
                + traceback.format_exc(limit=-4)
            )
        finally:
            plt.close("all")
