"""make-student: solution stripping (otter conventions) and the committed learner copies."""

from __future__ import annotations

import nbformat
import pytest

from qitools import QIValueError
from qitools.grading import make_student, stale_copies, strip_solutions, student_text


def _nb(*cells):
    nb = nbformat.v4.new_notebook()
    nb.metadata = {"kernelspec": {"name": "python3"}, "qitools": {"exercise": "99_demo"}, "authors": ["x"]}
    for i, c in enumerate(cells):
        c["id"] = f"c{i}"
    nb.cells = list(cells)
    return nb


code, md = nbformat.v4.new_code_cell, nbformat.v4.new_markdown_cell


class TestStripSolutions:
    def test_begin_end_block_becomes_dots_at_its_indent(self):
        src = "def f(x):\n    # BEGIN SOLUTION\n    y = 2 * x\n    return y\n    # END SOLUTION\n\nf(2)"
        assert strip_solutions(_nb(code(src))).cells[0].source == "def f(x):\n    ...\n\nf(2)"

    def test_no_prompt_block_is_removed(self):
        src = "# BEGIN SOLUTION NO PROMPT\nhelper = 1\n# END SOLUTION\nanswer = helper  # SOLUTION"
        assert strip_solutions(_nb(code(src))).cells[0].source == "answer = ..."

    @pytest.mark.parametrize(
        "line, expected",
        [
            ("x = 42  # SOLUTION", "x = ..."),
            ('    "by": "2026-03-31",  # SOLUTION', '    "by": ...,'),
            ("    'act': 'adapt'  # SOLUTION", "    'act': ..."),
            ("    return a + b  # SOLUTION", "    return ..."),
            ("print(1)  # SOLUTION", "..."),
        ],
    )
    def test_single_line_solutions(self, line, expected):
        assert strip_solutions(_nb(code(line))).cells[0].source == expected

    def test_tagged_and_hidden_cells(self):
        sol_code, sol_md, hidden, hidden2 = (
            code("x = 1"),
            md("The answer is 42."),
            code("assert x == 1"),
            code("# HIDDEN\n1"),
        )
        sol_code.metadata["tags"] = ["solution", "keep-me"]
        sol_md.metadata["tags"] = ["solution"]
        hidden.metadata["tags"] = ["hidden"]
        out = strip_solutions(_nb(sol_code, sol_md, hidden, hidden2, md("text")))
        assert [c.source for c in out.cells] == ["...", "*Type your answer here, replacing this text.*", "text"]
        assert out.cells[0].metadata["tags"] == ["keep-me"]

    def test_outputs_and_metadata_cleared(self):
        cell = code("1 + 1")
        cell.outputs = [nbformat.v4.new_output("execute_result", data={"text/plain": "2"}, execution_count=1)]
        cell.execution_count = 1
        out = strip_solutions(_nb(cell))
        assert out.cells[0].outputs == [] and out.cells[0].execution_count is None
        assert set(out.metadata) == {"kernelspec", "qitools"}

    @pytest.mark.parametrize(
        "src, message",
        [
            ("# BEGIN SOLUTION\nx = 1", "without '# END SOLUTION'"),
            ("x = 1\n# END SOLUTION", "without a '# BEGIN SOLUTION'"),
            ("# BEGIN SOLUTION\n# BEGIN SOLUTION\n# END SOLUTION", "inside another solution block"),
        ],
    )
    def test_unbalanced_markers(self, src, message):
        with pytest.raises(QIValueError, match=message):
            strip_solutions(_nb(code(src)), "demo.ipynb")

    def test_deterministic_text(self):
        nb = _nb(code("x = 1  # SOLUTION"))
        assert student_text(nb) == student_text(nb) and student_text(nb).endswith("\n")


class TestMakeStudent:
    def test_write_then_up_to_date_then_stale(self, tmp_path):
        src = tmp_path / "source"
        src.mkdir()
        nbformat.write(_nb(code("x = 1  # SOLUTION")), src / "99_demo.ipynb")
        out = tmp_path / "learner"
        assert make_student([src], out) == [out / "99_demo.ipynb"]
        assert stale_copies([src], out) == []
        (out / "99_demo.ipynb").write_text("{}")
        assert stale_copies([src], out) == [f"{out / '99_demo.ipynb'}: differs from what {src / '99_demo.ipynb'} gives"]

    def test_refuses_to_overwrite_the_source(self, tmp_path):
        nbformat.write(_nb(code("x = 1")), tmp_path / "a.ipynb")
        with pytest.raises(QIValueError, match="overwritten by its own learner copy"):
            make_student([tmp_path], tmp_path)

    def test_no_notebooks(self, tmp_path):
        with pytest.raises(QIValueError, match="No source notebooks"):
            make_student([tmp_path], tmp_path / "out")
