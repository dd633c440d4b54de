"""Two processes writing at once, and a writer killed again and again in the middle of writing.

Each writer is a separate Python process (``subprocess`` with ``sys.executable``) running
``pdsa_writer.py``, which prints ``committed <kind> <id>`` after every change that returned.
The file must then pass ``PRAGMA integrity_check``, hold every committed change, and hold no
half-written one (every project copy complete). Bounded loops; the whole module takes a few
seconds.
"""

from __future__ import annotations

import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import numpy as np

import qitools as qi

WRITER = Path(__file__).with_name("pdsa_writer.py")
ROOT = Path(__file__).resolve().parents[2]


def start(*args: str) -> subprocess.Popen:
    return subprocess.Popen(
        [sys.executable, str(WRITER), *args], cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True
    )


def wait_ready(proc: subprocess.Popen) -> None:
    line = proc.stdout.readline()
    assert line.strip() == "ready", f"writer did not start: {line!r} {proc.stderr.read() if proc.poll() else ''}"


def committed(lines: list[str]) -> dict[str, set[str]]:
    out: dict[str, set[str]] = {"cycle": set(), "project": set()}
    for line in lines:
        parts = line.split()
        if len(parts) == 3 and parts[0] == "committed":
            out[parts[1]].add(parts[2])
    return out


def check_file(path: Path) -> None:
    conn = sqlite3.connect(path)
    try:
        assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        assert conn.execute("PRAGMA foreign_key_check").fetchall() == []
    finally:
        conn.close()


class TestTwoWriters:
    def test_both_succeed_and_nothing_is_lost(self, tmp_path):
        path, go = tmp_path / "team.pdsa", tmp_path / "go"
        with qi.pdsa.open(path) as store:
            store.add_project(qi.pdsa.example_project())
        n = 25
        procs = [start(str(path), "add", str(n), str(go)) for _ in range(2)]
        for p in procs:
            wait_ready(p)
        go.touch()  # both start writing at the same moment
        outs = [p.communicate(timeout=60) for p in procs]
        for p, (_, err) in zip(procs, outs, strict=True):
            assert p.returncode == 0, err
        ids = [committed(out.splitlines())["cycle"] for out, _ in outs]
        assert len(ids[0]) == len(ids[1]) == n and not ids[0] & ids[1]
        check_file(path)
        with qi.pdsa.open(path) as store:
            p = store.load()
        assert {c.id for c in p.cycles} >= ids[0] | ids[1]
        assert len(p.cycles) == 10 + 2 * n
        writers = {c.objective.split()[1] for c in p.cycles if c.objective.startswith("writer")}
        assert len(writers) == 2


class TestKilledWriter:
    def test_file_stays_consistent_and_keeps_every_committed_change(self, tmp_path):
        rng = np.random.default_rng(7)
        path = tmp_path / "team.pdsa"
        with qi.pdsa.open(path) as store:
            store.add_project(qi.pdsa.example_project())
        all_committed: dict[str, set[str]] = {"cycle": set(), "project": set()}
        kills = mid_write = 0
        for _ in range(6):
            proc = start(str(path), "crash", "400")
            wait_ready(proc)
            time.sleep(float(rng.uniform(0.05, 0.4)))
            proc.kill()
            out, _ = proc.communicate(timeout=30)
            kills += proc.returncode != 0
            lines = out.splitlines()
            mid_write += bool(lines) and lines[-1].startswith("writing")
            got = committed(lines)
            for kind in all_committed:
                all_committed[kind] |= got[kind]
            check_file(path)
            with qi.pdsa.open(path) as store:
                ids = set(store.project_ids())
                assert all_committed["project"] <= ids
                assert all_committed["cycle"] <= {c.id for c in store.load("ward-falls").cycles}
                for pid in ids - {"ward-falls"}:  # no half-written project: each copy is whole
                    copy = store.load(pid)
                    assert (len(copy.cycles), len(copy.drivers), len(copy.ramps)) == (10, 6, 3)
        assert kills >= 5, "the writer finished before it could be killed: make it write more"
        assert all_committed["project"], "nothing was committed: the writer was killed too early"
        assert mid_write >= 3, f"only {mid_write} of 6 kills came in the middle of a change"
