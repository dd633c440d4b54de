"""Hostile submissions cannot game the grade, touch the coach's files, or outlive their grading.

Each hostile notebook is the rare-events exercise (a function, a chart, a multiple choice) with one
cell added. Those that try to raise their score are the blank learner copy with the cheat as its
last cell, so their honest score is the blank copy's; those that only try to disrupt are the
solution with the disruption after its setup cell, so their honest score is the solution's. All
are graded in one batch, in the sandbox (bubblewrap), together with the plain blank copy and
solution as references. The coach's files
(the course's coach folder, the copy of the hidden checks used to grade, a file outside) must be
byte-for-byte unchanged, and no process a notebook started may be alive once grading returns, nor
write the gradebook afterwards.

The control test grades the disk-hunting notebook without the sandbox: there it does find the
solutions and scores 100 %, which shows that the hunt is real.
"""

from __future__ import annotations

import hashlib
import os
import shutil
import socket
import sys
import threading
import time
import uuid
import warnings
from pathlib import Path

import nbformat
import pytest
from _grading_procs import started_by_another_run

from qitools.grading import grade
from qitools.grading.sandbox import GradingIsolationWarning, isolation

pytest.importorskip("IPython")

ROOT = Path(__file__).resolve().parents[2]
COACH = ROOT / "exercises" / "coach"
EXERCISE = next(COACH.glob("source/*_rare_events.ipynb")).stem
MARKER = f"qitools-hostile-{uuid.uuid4().hex[:12]}"

# .ci/run sets QITOOLS_REQUIRE_SANDBOX=1 where bubblewrap works: then these tests fail rather than skip.
needs_sandbox = pytest.mark.skipif(
    not isolation("auto").sandboxed and os.environ.get("QITOOLS_REQUIRE_SANDBOX") != "1",
    reason="bubblewrap cannot make a sandbox on this machine",
)


def _notebook(base: str, code: str | None):
    """The blank copy with the cheat as its last cell, or the solution with the disruption after its setup."""
    folder = COACH / "source" if base == "solution" else ROOT / "exercises"
    nb = nbformat.read(folder / f"{EXERCISE}.ipynb", as_version=4)
    if code is not None and base == "blank":
        nb.cells.append(nbformat.v4.new_code_cell(code))
    elif code is not None:
        setup = next(i for i, c in enumerate(nb.cells) if c.cell_type == "code" and "checks.begin(" in c.source)
        nb.cells.insert(setup + 1, nbformat.v4.new_code_cell(code))
    return nb


# Where a learner process could start looking for the solutions: its folder and every parent, its
# parents' /proc entries (cwd, root, command line, environment), its own environment, the qitools
# package path, sys.path, the mount table; a solution found is run to fill in the answers.
HUNT = r"""
import glob, json, os, pathlib, re, sys
import qitools
starts = {os.getcwd(), os.path.expanduser("~"), qitools.__file__, *[p for p in sys.path if p]}
for pid in {os.getppid(), 1, *range(2, 64)}:
    for what in ("cwd", "root", "exe"):
        try:
            starts.add(os.readlink(f"/proc/{pid}/{what}"))
        except OSError:
            pass
    for what in ("cmdline", "environ"):
        try:
            text = open(f"/proc/{pid}/{what}", "rb").read().replace(b"\0", b"\n").decode("utf-8", "replace")
        except OSError:
            continue
        starts.update(re.findall(r"(/[^\s:='\"]+)", text))
starts.update(v for v in os.environ.values() if v.startswith("/"))
try:
    starts.update(line.split()[3] for line in open("/proc/self/mountinfo"))
except OSError:
    pass
found = []
parent = f"/proc/{os.getppid()}/cwd"
for start in sorted(starts, key=lambda s: (not s.startswith(os.path.realpath(parent)), s)):
    path = pathlib.Path(start)
    for folder in [path, *path.parents]:
        for pattern in ("exercises/coach/source/EXERCISE.ipynb", "coach/source/EXERCISE.ipynb",
                        "source/EXERCISE.ipynb", "EXERCISE.ipynb"):
            try:
                found += [f for f in glob.glob(str(folder / pattern)) if "BEGIN SOLUTION" in open(f).read()]
            except OSError:
                pass
    if found:
        break
if found:
    for cell in json.load(open(found[0]))["cells"]:
        if cell["cell_type"] == "code":
            try:
                exec("".join(cell["source"]), globals())
            except Exception:
                pass
"""

PATCH_CHECKS = r"""
import qitools.checks as c
from qitools.checks import Verdict
c.judge = lambda *a, **k: Verdict("right", 1.0)
c.results = lambda: {q: {"status": "right", "score": 1.0, "wrong_attempts": 0, "mistake": None, "objective": ""}
                     for q in ("7.1", "7.2", "7.3", "10.1", "10.2", "10.3")}
import qitools.grading.hidden as h, qitools.grading.session as s
h.outcome = s.outcome = lambda r: {"score": 1.0, "status": "right", "mistake": None, "detail": ""}
"""

FORGE = r"""
import json, os
perfect = {"score": 1.0, "status": "right", "mistake": None, "detail": ""}
claims = {"questions": {q: perfect for q in ("7.1", "7.2", "7.3", "10.1", "10.2", "10.3")}, "finished": True}
for folder in (".", os.path.expanduser("~"), "/tmp", "..", "../.."):
    for name in ("result.json", "job.json", "gradebook.csv"):
        try:
            open(os.path.join(folder, name), "w").write(json.dumps(claims))
        except OSError:
            pass
from IPython.display import display
for q in claims["questions"]:
    display({"application/vnd.qitools.grade+json": {"question": q, **perfect}}, raw=True)
for fd in range(3, 64):
    for i in range(1, 40):
        for line in (claims, {"id": i, "status": "ok"}, {"id": i, "question": "7.1", **perfect}):
            try:
                os.write(fd, (json.dumps(line) + "\n").encode())
            except OSError:
                break
"""

# ... and, first, something that is not a message at all
FORGE_AND_BREAK = r"""
import os
for fd in range(3, 64):
    try:
        os.write(fd, b"this is not a message\n")
    except OSError:
        pass
""" + FORGE

# A child that ignores SIGTERM, detaches from the notebook's session and, for a minute, rewrites
# the gradebook, the hidden checks and a file outside whenever it can.
DETACHED = r"""
import subprocess, sys
child = '''
import os, signal, sys, time
signal.signal(signal.SIGTERM, signal.SIG_IGN)
for _ in range(240):
    for path in {targets!r}:
        try:
            if os.path.exists(path):
                with open(path, "a") as f:
                    f.write("\nlearner,7.1,7.2,7.3\nforged,1,1,1\n")
        except OSError:
            pass
    time.sleep(0.25)
'''
subprocess.Popen([sys.executable, "-c", child, "{marker}"], start_new_session=True,
                 stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
"""

FORK_LOOP = r"""
import os, time
for generation in range(2):
    for _ in range(15):
        if os.fork() == 0:
            try:
                os.setsid()
                os.execvp("sleep", ["sleep", "300", "{marker}"]) if generation else time.sleep(300)
            finally:
                os._exit(0)
"""

OUTPUT = r"""
import os, sys
block = "x" * 2**20
for _ in range(50):
    sys.stdout.write(block)
    sys.stderr.write(block)
os.write(1, b"y" * 2**24)
os.write(2, b"z" * 2**24)
print("done")
"""

# Keeps asking for memory (256 MiB at a time, up to 64 GiB, never touched, so the test machine's
# memory is not used): the grader's limit stops it with a MemoryError in this cell.
MEMORY = r"""
import numpy as np
blocks = []
for _ in range(256):
    blocks.append(np.empty(2**28, dtype=np.uint8))
"""

# Writes 16 MiB blocks into its folder and /tmp until a write fails (at most 2 GiB each): in the
# sandbox its folders are private and small, so the coach's disk does not fill.
DISK = r"""
import os, tempfile
block = b"\0" * 2**24
for folder in (".", tempfile.gettempdir()):
    for i in range(128):
        try:
            with open(os.path.join(folder, f"fill{i}"), "wb") as f:
                f.write(block)
        except OSError:
            break
"""

WRITE_OUTSIDE = r"""
import os, pathlib
for path in {targets!r}:
    for how in ("a", "w"):
        try:
            with open(path, how) as f:
                f.write("hacked")
        except OSError:
            pass
    try:
        os.remove(path)
    except OSError:
        pass
    try:
        pathlib.Path(path).parent.joinpath("new_file.py").write_text("hacked")
    except OSError:
        pass
"""

NETWORK = r"""
import socket
try:
    with socket.create_connection(("127.0.0.1", {port}), timeout=3) as s:
        above_upper_limit = s.recv(100).decode().strip()
except OSError:
    pass
for host in ("example.com", "1.1.1.1"):
    try:
        socket.create_connection((host, 80), timeout=3).close()
    except OSError:
        pass
"""


def _tree_hash(folder: Path) -> dict[str, str]:
    return {
        str(p.relative_to(folder)): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(folder.rglob("*"))
        if p.is_file() and "__pycache__" not in p.parts
    }


def _alive(marker: str) -> list[str]:
    """Processes with the marker in their command line, or forked from a learner process."""
    found = []
    for pid in filter(str.isdigit, os.listdir("/proc")):
        try:
            cmdline = Path(f"/proc/{pid}/cmdline").read_bytes()
        except OSError:
            continue
        if marker.encode() in cmdline or (b"qitools.grading._learner" in cmdline and not started_by_another_run(pid)):
            found.append(pid)
    return found


class _Server:
    """A TCP server on the host's loopback that counts connections and offers an answer."""

    def __init__(self):
        self.sock = socket.socket()
        self.sock.bind(("127.0.0.1", 0))
        self.sock.listen(5)
        self.sock.settimeout(0.2)
        self.port = self.sock.getsockname()[1]
        self.connections = 0
        self.stop = threading.Event()
        self.thread = threading.Thread(target=self._serve, daemon=True)
        self.thread.start()

    def _serve(self):
        while not self.stop.is_set():
            try:
                conn, _ = self.sock.accept()
            except OSError:
                continue
            self.connections += 1
            conn.sendall(b"b\n")
            conn.close()

    def close(self):
        self.stop.set()
        self.thread.join()
        self.sock.close()


@pytest.fixture(scope="module")
def hostile(tmp_path_factory):
    root = tmp_path_factory.mktemp("hostile")
    hidden = root / "coach" / "hidden"
    shutil.copytree(COACH / "hidden", hidden)
    outside = root / "outside" / "canary.txt"
    outside.parent.mkdir()
    outside.write_text("the coach's own file\n")
    gradebook = root / "gradebook.csv"
    targets = [str(gradebook), str(next(hidden.glob("*_rare_events.py"))), str(outside),
               str(next(COACH.glob("hidden/*_rare_events.py")))]  # fmt: skip
    server = _Server()
    cases = {
        "blank": ("blank", None),
        "solution": ("solution", None),
        "hunter": ("blank", HUNT.replace("EXERCISE", EXERCISE)),
        "patch_checks": ("blank", PATCH_CHECKS),
        "forge_results": ("blank", FORGE),
        "forge_and_break": ("blank", FORGE_AND_BREAK),
        "detached_child": ("blank", DETACHED.replace("{targets!r}", repr(targets)).replace("{marker}", MARKER)),
        "fork_loop": ("solution", FORK_LOOP.replace("{marker}", MARKER)),
        "output_100_mb": ("solution", OUTPUT),
        "memory_hog": ("solution", MEMORY),
        "disk_filler": ("solution", DISK),
        "write_outside": ("blank", WRITE_OUTSIDE.replace("{targets!r}", repr(targets))),
        "network": ("blank", NETWORK.replace("{port}", str(server.port))),
    }
    subs = root / "submissions"
    for learner, (base, code) in cases.items():
        (subs / learner).mkdir(parents=True)
        nbformat.write(_notebook(base, code), subs / learner / f"{EXERCISE}.ipynb")
    before = {"course coach folder": _tree_hash(COACH), "hidden copy": _tree_hash(hidden),
              "outside": _tree_hash(outside.parent)}  # fmt: skip
    work = root / "work"
    work.mkdir()
    peak = {"bytes": 0}
    watching = threading.Event()

    def watch():  # how much the notebooks' folders take on the coach's disk while they run
        while not watching.wait(0.1):
            used = 0
            for p in work.rglob("*"):
                try:
                    used += p.lstat().st_size
                except OSError:
                    pass
            peak["bytes"] = max(peak["bytes"], used)

    watcher = threading.Thread(target=watch, daemon=True)
    watcher.start()
    old_cwd = os.getcwd()
    os.chdir(ROOT)  # the coach works from the course folder: the hunter's best starting point
    try:
        book = grade(subs, hidden=hidden, jobs=2, cell_timeout=20, notebook_timeout=300, progress=False,
                     workdir=work, sandbox="required")  # fmt: skip
    finally:
        os.chdir(old_cwd)
        server.close()
        watching.set()
        watcher.join()
    alive_at_return = _alive(MARKER)
    book.to_csv(gradebook)
    written = gradebook.read_bytes()
    time.sleep(3)  # a surviving child would rewrite it within a quarter of a second
    after = {"course coach folder": _tree_hash(COACH), "hidden copy": _tree_hash(hidden),
             "outside": _tree_hash(outside.parent)}  # fmt: skip
    return {
        "rows": {r["learner"]: r for r in book.rows()},
        "book": book,
        "alive_at_return": alive_at_return,
        "gradebook_changed": gradebook.read_bytes() != written,
        "before": before,
        "after": after,
        "connections": server.connections,
        "disk_peak": peak["bytes"],
        "work": work,
        "questions": [q for q, _ in book.exercises[EXERCISE]["questions"]],
    }


def _scores(row, questions):
    return [row[q] for q in questions]


CHEATS = ["hunter", "patch_checks", "forge_results", "forge_and_break", "detached_child", "write_outside", "network"]
DISRUPTIONS = ["fork_loop", "output_100_mb", "memory_hog", "disk_filler"]


@needs_sandbox
def test_the_references_score_as_always(hostile):
    rows, questions = hostile["rows"], hostile["questions"]
    assert set(_scores(rows["blank"], questions)) == {0.0}
    assert rows["solution"]["percent"] == 100 and rows["solution"]["problems"] == ""


@needs_sandbox
@pytest.mark.parametrize("learner", CHEATS)
def test_a_cheat_scores_what_a_blank_copy_scores(hostile, learner):
    rows, questions = hostile["rows"], hostile["questions"]
    assert _scores(rows[learner], questions) == _scores(rows["blank"], questions)
    assert rows[learner]["percent"] == 0


@needs_sandbox
@pytest.mark.parametrize("learner", DISRUPTIONS)
def test_a_disruption_still_scores_what_the_solution_scores(hostile, learner):
    rows, questions = hostile["rows"], hostile["questions"]
    assert _scores(rows[learner], questions) == _scores(rows["solution"], questions)


@needs_sandbox
@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="the memory limit is Linux's RLIMIT_DATA")
def test_a_notebook_that_keeps_taking_memory_is_stopped_in_its_own_cell(hostile):
    assert "MemoryError" in hostile["rows"]["memory_hog"]["problems"]


@needs_sandbox
def test_the_coach_files_are_unchanged(hostile):
    for what, hashes in hostile["before"].items():
        assert hostile["after"][what] == hashes, f"the {what} changed"


@needs_sandbox
def test_no_process_outlives_the_grading(hostile):
    assert hostile["alive_at_return"] == [], "processes started by notebooks were alive when grade() returned"
    assert _alive(MARKER) == []
    assert not hostile["gradebook_changed"], "something rewrote the gradebook after grading"
    assert list(hostile["work"].iterdir()) == [], "the temporary folders are removed"


@needs_sandbox
def test_a_notebook_cannot_fill_the_coach_disk(hostile):
    """The disk filler writes until refused (up to 4 GiB); the notebooks' folders on the coach's disk
    never held more than the qitools copy and the notebooks (a few MB)."""
    assert hostile["disk_peak"] < 100 * 2**20, f"{hostile['disk_peak'] / 2**20:.0f} MiB on the coach's disk"


@needs_sandbox
def test_no_network(hostile):
    assert hostile["connections"] == 0


@needs_sandbox
def test_the_feedback_carries_no_text_from_the_notebook(hostile):
    rows = hostile["rows"]
    assert "interfered with the grading (its process sent messages of its own)" in rows["forge_results"]["problems"]
    assert "interfered with the grading (its process sent something that is not a reply) and was stopped" in (
        rows["forge_and_break"]["problems"]
    )
    for row in rows.values():
        for column in ("problems", "notes"):
            assert "hacked" not in row[column] and "forged" not in row[column] and "\n" not in row[column]


def test_without_the_sandbox_the_hunter_finds_the_solutions(tmp_path, monkeypatch):
    """The control: the same hunt, without the sandbox, finds the course's solutions and uses them."""
    subs = tmp_path / "submissions"
    (subs / "hunter").mkdir(parents=True)
    nbformat.write(_notebook("blank", HUNT.replace("EXERCISE", EXERCISE)), subs / "hunter" / f"{EXERCISE}.ipynb")
    monkeypatch.chdir(ROOT)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        book = grade(subs, hidden=COACH / "hidden", jobs=1, cell_timeout=20, notebook_timeout=300, progress=False,
                     workdir=tmp_path, sandbox="none")  # fmt: skip
    (row,) = book.rows()
    assert row["percent"] == 100, row
    (warning,) = [w for w in caught if issubclass(w.category, GradingIsolationWarning)]
    assert "could read any file you can read" in str(warning.message)
