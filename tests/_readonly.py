"""Run the ``qitools`` command with a folder read-only (tests of stores and outputs in read-only folders)."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]


def read_only_runner(folder: Path, *command: str, timeout: float = 300):
    """A function that runs ``qitools *command *argv`` with ``folder`` read-only: by permissions, or (as
    root, who ignores them) in a bubblewrap sandbox where the folder is a read-only mount. Skips the
    test where neither is possible."""
    if os.geteuid() != 0:

        def run(*argv: str) -> subprocess.CompletedProcess:
            os.chmod(folder, 0o555)
            try:
                return subprocess.run([sys.executable, "-m", "qitools", *command, *argv], cwd=ROOT,
                                      capture_output=True, text=True, timeout=timeout)  # fmt: skip
            finally:
                os.chmod(folder, 0o755)

        return run
    bwrap = shutil.which("bwrap")
    if bwrap is None:
        pytest.skip("running as root without bubblewrap (bwrap): cannot make a folder read-only")
    base = [bwrap, "--bind", "/", "/", "--ro-bind", str(folder), str(folder), "--dev", "/dev", "--proc", "/proc"]
    probe = subprocess.run([*base, "touch", str(folder / "probe")], capture_output=True, text=True)
    if probe.returncode == 0 or "Read-only file system" not in probe.stderr:
        pytest.skip(f"bubblewrap cannot make a read-only mount here: {probe.stderr.strip()}")

    def run(*argv: str) -> subprocess.CompletedProcess:
        return subprocess.run([*base, sys.executable, "-m", "qitools", *command, *argv], cwd=ROOT,
                              capture_output=True, text=True, timeout=timeout)  # fmt: skip

    return run
