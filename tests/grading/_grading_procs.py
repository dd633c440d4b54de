"""Which processes on this machine belong to this test run (several runs may share a machine)."""

from __future__ import annotations

import os
from pathlib import Path


def started_by_another_run(pid: str) -> bool:
    """Is this learner process started by another test run on the same machine (its ancestors include
    another pytest and not this one)? Orphans count as this run's, so a process that escaped is found."""
    me = os.getpid()
    others = False
    while pid not in ("0", "1"):
        try:
            status = Path(f"/proc/{pid}/status").read_text()
            cmdline = Path(f"/proc/{pid}/cmdline").read_bytes()
        except OSError:
            return False
        if int(pid) == me:
            return False
        others = others or b"pytest" in cmdline
        pid = next(line.split()[1] for line in status.splitlines() if line.startswith("PPid:"))
    return others
