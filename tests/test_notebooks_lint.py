"""The reading test: every course notebook is built the way the course promises.

Each teaching notebook in ``notebooks/`` must open with a header (level, time, prerequisites, the
measure used, learning objectives "you will be able to ..."), close with key points and a question
to discuss with a coach, list its sources, keep every cell short (25 lines at most), use only the
public qitools API, and be committed with clean outputs (no errors, no tracebacks, no paths of the
machine it was run on). nbval (pytest's ``--nbval-lax``) runs the notebooks; this test reads them.

It also checks that each notebook matches its readable source in ``scripts/course/`` (the file
``scripts/build_notebooks.py`` builds it from), that the cells whose numbers matter are marked for
nbval and the widget cells are not compared, and that links between notebooks lead somewhere.
"""

from __future__ import annotations

import ast
import importlib.util
import json
import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
NOTEBOOKS = ROOT / "notebooks"
SOURCES = ROOT / "scripts" / "course"
PATHS = sorted(NOTEBOOKS.glob("[0-9][0-9]_*.ipynb"))

MAX_LINES = 25  # per cell, code or markdown
MAX_BYTES = 600_000  # per notebook, outputs included (figures at 100 dpi or more; module 3 has four diagrams)
MIN_DPI = 100  # figures stay sharp on a projector and when zoomed
#: Modules a teaching notebook may import: qitools through its public name only.
ALLOWED_IMPORTS = {"qitools", "pandas", "numpy", "matplotlib.pyplot", "ipywidgets", "warnings", "scipy.stats"}
#: Paths of the machine a notebook was executed on must not end up in its committed outputs.
# (written in pieces so that this file itself does not hold a machine path)
MACHINE_PATH = re.compile(
    "(" + "|".join(["/t" "mp/", "/w" "ork/", "/r" "oot/", "/h" "ome/", "/U" "sers/"])
    + r"|[A-Za-z]:\\\\Users|site-packages|ipykernel_\d+)"
)
MAGIC = re.compile(r"^\s*[%!].*$", re.MULTILINE)


def _load(path: Path) -> dict:
    return json.loads(path.read_text(encoding="utf-8"))


def _source(cell: dict) -> str:
    src = cell["source"]
    return src if isinstance(src, str) else "".join(src)


def _markdown(nb: dict) -> list[str]:
    return [_source(c) for c in nb["cells"] if c["cell_type"] == "markdown"]


def _code(nb: dict) -> list[dict]:
    return [c for c in nb["cells"] if c["cell_type"] == "code"]


def _output_text(cell: dict) -> str:
    parts = []
    for out in cell.get("outputs", []):
        if out.get("output_type") == "stream":
            parts.append(out["text"] if isinstance(out["text"], str) else "".join(out["text"]))
        elif out.get("output_type") == "error":
            parts.append("\n".join(out.get("traceback", [])) + out.get("ename", "") + out.get("evalue", ""))
        else:
            for mime, value in out.get("data", {}).items():
                if mime.startswith("text/") or mime.endswith("json"):
                    parts.append(value if isinstance(value, str) else json.dumps(value))
    return "\n".join(parts)


ids = [p.stem for p in PATHS]


#: The course's modules (issues 17 and 18): the index 00, then modules 01 to 17, one notebook each.
COURSE = {
    0: "00_start_here", 1: "01_why_measure", 2: "02_aims_and_measures", 3: "03_understanding_the_system",
    4: "04_run_charts", 5: "05_run_chart_rules", 6: "06_pdsa_cycles", 7: "07_variation_xmr",
    8: "08_choosing_the_chart", 9: "09_measurement_data", 10: "10_rare_events", 11: "11_baselines_and_limits",
    12: "12_overdispersion", 13: "13_making_data_count", 14: "14_comparing_units", 15: "15_targets_and_gaming",
    16: "16_people_and_spread", 17: "17_your_own_data",
}  # fmt: skip


def test_the_course_is_complete():
    """The index (00) and every module 01-17 are there, one notebook each, with the course's names."""
    assert [p.stem for p in PATHS] == [COURSE[k] for k in range(18)], f"found {[p.stem for p in PATHS]}"


@pytest.mark.parametrize("path", PATHS, ids=ids)
class TestHeader:
    """The first cell: title, level, time, prerequisites, the measure, learning objectives."""

    def test_fields(self, path):
        first = _load(path)["cells"][0]
        assert first["cell_type"] == "markdown", "the first cell must be the header (markdown)"
        text = _source(first)
        assert text.startswith("# "), "the header starts with the notebook's title (# ...)"
        for field in ("**Level**", "**Time**", "**Prerequisites**", "**Measure"):
            assert field in text, f"the header has no {field} row"
        assert re.search(r"\*\*Level\*\* \| [123] \(", text), "the level is 1, 2 or 3 with its name"
        assert re.search(r"\*\*Time\*\* \| about \d+ minutes", text), "the time is 'about NN minutes'"

    def test_objectives(self, path):
        text = _source(_load(path)["cells"][0])
        assert "you will be able to" in text.lower(), "objectives are written 'you will be able to ...'"
        objectives = re.findall(r"^- .+", text.split("will be able to", 1)[1], re.MULTILINE)
        assert len(objectives) >= 2, "list at least two learning objectives as bullet points"


@pytest.mark.parametrize("path", PATHS, ids=ids)
class TestEnding:
    """Key points, a question for the coach, and the sources the facts come from."""

    def test_key_points_and_coach_question(self, path):
        cells = _markdown(_load(path))
        key = [c for c in cells if c.startswith("## Key points")]
        assert len(key) == 1, "one '## Key points' cell"
        assert len(re.findall(r"^- ", key[0], re.MULTILINE)) >= 3, "at least three key points"
        assert "**Discuss with your coach:**" in key[0], "the key points end with a question for the coach"
        assert key[0].rstrip().count("?") >= 1, "the coach prompt asks a question"

    def test_sources(self, path):
        cells = _markdown(_load(path))
        sources = [c for c in cells if c.startswith("## Sources")]
        assert sources, "a '## Sources' cell lists where the facts come from"
        assert re.search(r"\(\d{4}\)", sources[0]), "sources are cited with their year"


@pytest.mark.parametrize("path", PATHS, ids=ids)
class TestCells:
    """Short cells, each explained, using only the public API."""

    def test_no_long_cells(self, path):
        for i, cell in enumerate(_load(path)["cells"]):
            n = len(_source(cell).splitlines())
            assert n <= MAX_LINES, f"cell {i} ({cell['cell_type']}) has {n} lines; split it (at most {MAX_LINES})"

    def test_code_is_explained(self, path):
        """No more than two code cells in a row: a sentence of text says what the code does."""
        run = 0
        for i, cell in enumerate(_load(path)["cells"]):
            run = run + 1 if cell["cell_type"] == "code" else 0
            assert run <= 2, f"cells {i - 2} to {i} are code with no text between them"

    def test_public_api_only(self, path):
        for i, cell in enumerate(_code(_load(path))):
            src = _source(cell)
            assert "qitools.spc" not in src and "from qitools" not in src, f"code cell {i}: use `import qitools as qi`"
            assert not re.search(r"\bqi(\.\w+)*\._\w", src), f"code cell {i}: a private name (qi...._x) is used"
            tree = ast.parse(MAGIC.sub("", src))
            for node in ast.walk(tree):
                names = []
                if isinstance(node, ast.Import):
                    names = [a.name for a in node.names]
                    if any(a.name == "qitools" and a.asname != "qi" for a in node.names):
                        pytest.fail(f"code cell {i}: import qitools as qi")
                elif isinstance(node, ast.ImportFrom):
                    names = [node.module or ""]
                for name in names:
                    assert name in ALLOWED_IMPORTS, (
                        f"code cell {i} imports {name!r}; allowed: {sorted(ALLOWED_IMPORTS)}"
                    )

    def test_setup_cell_sets_a_readable_resolution(self, path):
        code = "\n".join(_source(c) for c in _code(_load(path)))
        if "qi." not in code:
            return
        assert '%config InlineBackend.figure_formats = ["png"]' in code, "PNG figures (nbval does not compare them)"
        dpi = re.findall(r'plt\.rcParams\["figure\.dpi"\] = (\d+)', code)
        assert dpi and all(int(d) >= MIN_DPI for d in dpi), (
            f'set plt.rcParams["figure.dpi"] = {MIN_DPI} (or more) in the setup cell: charts must survive projection and zoom'
        )


@pytest.mark.parametrize("path", PATHS, ids=ids)
class TestOutputs:
    """Committed with outputs, run top to bottom, nothing volatile or private in them."""

    def test_executed_in_order(self, path):
        counts = [c.get("execution_count") for c in _code(_load(path))]
        assert all(isinstance(n, int) for n in counts), (
            "commit the notebook executed (python scripts/build_notebooks.py)"
        )
        assert counts == list(range(1, len(counts) + 1)), "run it top to bottom in a fresh kernel"

    def test_no_errors_or_machine_paths(self, path):
        for i, cell in enumerate(_code(_load(path))):
            assert not any(o.get("output_type") == "error" for o in cell.get("outputs", [])), f"code cell {i} failed"
            text = _output_text(cell)
            assert "Traceback" not in text, f"code cell {i} shows a traceback"
            assert not MACHINE_PATH.search(text), f"code cell {i} shows a machine path: {MACHINE_PATH.search(text)[0]}"

    def test_numbers_are_checked_by_nbval(self, path):
        cells = _code(_load(path))
        checked = [c for c in cells if _source(c).startswith("# NBVAL_CHECK_OUTPUT")]
        assert checked, "at least one cell's numbers are compared by nbval (# NBVAL_CHECK_OUTPUT)"
        for c in checked:
            assert c.get("outputs"), "a checked cell must have a committed output to compare"
            assert all(o["output_type"] == "stream" for o in c["outputs"]), "checked cells print their numbers"

    def test_widget_cells_are_not_compared(self, path):
        for i, cell in enumerate(_code(_load(path))):
            src = _source(cell)
            if "interact" in src:
                assert src.startswith("# NBVAL_IGNORE_OUTPUT"), f"code cell {i} has a widget: # NBVAL_IGNORE_OUTPUT"

    def test_size(self, path):
        size = path.stat().st_size
        assert size < MAX_BYTES, f"{path.name} is {size / 1000:.0f} kB; keep figures small (< {MAX_BYTES // 1000} kB)"


@pytest.mark.parametrize("path", PATHS, ids=ids)
def test_links_lead_somewhere(path):
    """Relative links to other notebooks (modules, exercises) and pages (the glossary) point at files that exist."""
    for text in _markdown(_load(path)):
        for target in re.findall(r"\]\(([^)#:]+\.(?:ipynb|md))(?:#[^)]*)?\)", text):
            assert (path.parent / target).resolve().exists(), f"{path.name} links to a missing file {target}"


def test_index_lists_every_module():
    index = "\n".join(_markdown(_load(NOTEBOOKS / "00_start_here.ipynb")))
    for path in PATHS[1:]:
        assert f"]({path.name})" in index, f"00_start_here.ipynb does not link to {path.name}"


def _builder():
    spec = importlib.util.spec_from_file_location("build_notebooks", ROOT / "scripts" / "build_notebooks.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.mark.parametrize("path", PATHS, ids=ids)
def test_notebook_matches_its_source(path):
    """The committed notebook is the build of scripts/course/<name>.py (edit the source, then rebuild)."""
    source = SOURCES / (path.stem + ".py")
    assert source.exists(), f"{path.name} has no source {source.relative_to(ROOT)}"
    built = [(kind, body) for kind, body in _builder().parse(source.read_text(encoding="utf-8"))]
    committed = [(c["cell_type"], _source(c)) for c in _load(path)["cells"]]
    assert committed == built, (
        f"{path.name} differs from its source: run python scripts/build_notebooks.py {path.stem[:2]}"
    )


GLOSSARY = NOTEBOOKS / "glossary.ipynb"


def test_glossary_matches_its_source_and_its_links_work():
    """notebooks/glossary.ipynb (text only) is the build of scripts/course/glossary.py; its links resolve."""
    source = SOURCES / "glossary.py"
    built = _builder().parse(source.read_text(encoding="utf-8"))
    nb = _load(GLOSSARY)
    assert [(c["cell_type"], _source(c)) for c in nb["cells"]] == built, (
        "glossary.ipynb differs from its source: run python scripts/build_notebooks.py glossary"
    )
    assert all(c["cell_type"] == "markdown" for c in nb["cells"])
    text = "\n".join(_markdown(nb))
    for target in re.findall(r"\]\(([^)#:]+\.ipynb)(?:#[^)]*)?\)", text):
        assert (NOTEBOOKS / target).exists(), f"glossary.ipynb links to a missing notebook {target}"
    terms = [t for t in re.findall(r"^- \*\*(.+?)\*\*", text, re.MULTILINE) if not t[0].isdigit()]
    assert len(terms) >= 60
    assert terms == sorted(terms, key=str.lower), "keep the glossary in alphabetical order"


class TestBuilder:
    """The percent-format parser of scripts/build_notebooks.py."""

    def test_cells_and_magics(self):
        text = (
            "# a comment before the first cell is ignored\n"
            "# %% [markdown]\n# # Title\n#\n# Some *text*.\n\n"
            "# %%\n# %config InlineBackend.figure_formats = ['png']\nx = 1  # a comment stays\n\n"
            "# %%\n\n"
        )
        assert _builder().parse(text) == [
            ("markdown", "# Title\n\nSome *text*."),
            ("code", "%config InlineBackend.figure_formats = ['png']\nx = 1  # a comment stays"),
        ]

    def test_uncommented_markdown_is_refused(self):
        with pytest.raises(ValueError, match="must start with '# '"):
            _builder().parse("# %% [markdown]\nnot a comment\n")
