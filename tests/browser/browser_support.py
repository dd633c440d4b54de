"""Helpers of the browser tests (imported by their conftest.py and test modules).

Constants (Chromium flags, bounded waits), the server process wrapper, the README course command
and the JupyterLab handle used by the fixtures in ``conftest.py``.
"""

from __future__ import annotations

import json
import os
import re
import shlex
import shutil
import signal
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[2]
README = ROOT / "README.md"
NOTEBOOKS = ROOT / "notebooks"

#: Flags for Chromium on a machine with no network and possibly as root (see .ci/run).
CHROMIUM_ARGS = [
    "--no-sandbox",  # needed as root (CI containers); harmless otherwise
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-quic",
    "--no-first-run",
]
#: Bounded waits (milliseconds): long enough for a slow 2-core CI machine, short enough to fail fast.
SERVER_START_S = 90
# Upper bounds, generous so that a busy machine (other work on the cores, a slow CI runner) does not
# fail a test that would pass given time; they cost nothing when the page answers quickly.
PAGE_LOAD_MS = 120_000
KERNEL_MS = 120_000
RUN_ALL_MS = 300_000
STEP_MS = 90_000


def chromium_executable() -> str | None:
    """Debian's Chromium (or ``QITOOLS_CHROMIUM``), or None when it is not installed."""
    wanted = os.environ.get("QITOOLS_CHROMIUM")
    if wanted:
        return wanted if Path(wanted).is_file() else None
    for name in ("chromium", "chromium-browser"):
        found = shutil.which(name)
        if found:
            return found
    return "/usr/bin/chromium" if Path("/usr/bin/chromium").is_file() else None


@dataclass
class PageLog:
    """What a page did besides rendering: requests off this computer, and uncaught script errors."""

    external: list[str] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)


def is_local(url: str) -> bool:
    return url.startswith(("http://127.0.0.1", "ws://127.0.0.1", "http://localhost", "data:", "blob:", "about:"))


@contextmanager
def new_page(browser: Any, artifacts: Path, name: str) -> Iterator[Any]:
    """A page in a fresh browser context; raises if it reached outside this computer.

    A screenshot of the page as it was left is saved as ``<name>-end.png``.
    """
    context = browser.new_context(viewport={"width": 1400, "height": 1000}, accept_downloads=True)
    context.set_default_timeout(STEP_MS)
    pg = context.new_page()
    log = PageLog()
    pg.on("request", lambda r: None if is_local(r.url) else log.external.append(r.url))
    pg.on("pageerror", lambda e: log.errors.append(str(e)))
    pg.qi_log = log  # type: ignore[attr-defined]
    try:
        yield pg
    finally:
        try:
            safe = re.sub(r"[^\w.-]+", "_", name)
            pg.screenshot(path=str(artifacts / f"{safe}-end.png"), full_page=True)
        except Exception:  # a crashed page must not hide the test's own failure
            pass
        context.close()
    assert not log.external, (
        "the page tried to fetch from outside this computer (no network at run time; serve it locally):\n"
        + "\n".join(log.external)
    )


def assert_no_script_errors(pg: Any) -> None:
    """No uncaught JavaScript error happened in the page (a broken front end, a widget that failed)."""
    errors = pg.qi_log.errors
    assert not errors, "uncaught script errors in the page:\n" + "\n".join(errors)


def screenshot(pg: Any, artifacts: Path, name: str) -> Path:
    """Save a full-page screenshot as ``name``.png in the artefacts folder and return its path."""
    path = artifacts / f"{name}.png"
    pg.screenshot(path=str(path), full_page=True)
    return path


def free_port() -> int:
    import socket

    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


class Server:
    """A server process started by a fixture; its output is collected for failure messages."""

    def __init__(self, command: list[str], cwd: Path, env: dict[str, str], name: str) -> None:
        self.name = name
        self.command = command
        self.lines: list[str] = []
        self.process = subprocess.Popen(
            command,
            cwd=cwd,
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
            bufsize=1,
        )
        self._reader = threading.Thread(target=self._read, daemon=True)
        self._reader.start()

    def _read(self) -> None:
        assert self.process.stdout is not None
        for line in self.process.stdout:
            self.lines.append(line.rstrip("\n"))

    def output(self, last: int = 40) -> str:
        return "\n".join(self.lines[-last:])

    def wait_for_line(self, pattern: str, timeout: float = SERVER_START_S) -> re.Match[str]:
        deadline = time.monotonic() + timeout
        regex = re.compile(pattern)
        while time.monotonic() < deadline:
            exited = self.process.poll() is not None
            if exited:
                self._reader.join(timeout=2)  # read what it printed before it stopped
            for line in list(self.lines):
                m = regex.search(line)
                if m:
                    return m
            if exited:
                raise AssertionError(
                    f"{self.name} stopped (exit status {self.process.returncode}) before it was ready. "
                    f"Command: {shlex.join(self.command)}\nIts output:\n{self.output()}"
                )
            time.sleep(0.1)
        raise AssertionError(
            f"{self.name} did not print {pattern!r} within {timeout:.0f} s. Command: {shlex.join(self.command)}\n"
            f"Its output:\n{self.output()}"
        )

    def stop(self) -> None:
        """SIGTERM (Ctrl-C on Windows), then kill after 20 s: servers shut their kernels down on exit."""
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGINT if os.name == "nt" else signal.SIGTERM)
            try:
                self.process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(timeout=10)
        self._reader.join(timeout=5)


def readme_course_command() -> list[str]:
    """The README's course command, from its last ``&&`` part: ``.venv/bin/qitools course``.

    The ``.venv/bin/qitools`` of the README is replaced by this interpreter's ``-m qitools`` (the
    tests run in the environment the README's commands make); the arguments are the README's.
    """
    text = README.read_text(encoding="utf-8")
    lines = [
        line.strip()
        for line in text.splitlines()
        if line.strip().startswith("python3 -m venv .venv") and "qitools course" in line
    ]
    assert len(lines) == 1, f"expected one course command (python3 -m venv ... qitools course) in README.md: {lines}"
    last = shlex.split(lines[0].split("&&")[-1])
    assert Path(last[0]).name == "qitools" and last[1] == "course", f"unexpected course command: {lines[0]}"
    return [sys.executable, "-m", "qitools", *last[1:]]


def full_clone(dest: Path) -> Path:
    """A full clone of this repository in ``dest``, with the working tree's changes on top.

    ``git clone`` copies everything committed (what a learner gets from the repository); the files
    changed, added or deleted in this working tree but not yet committed are then copied (or
    deleted) too, so the test sees the tree under test, whole, never only part of it. Without git
    (a source archive) the whole tree is copied, leaving out only what .gitignore would.
    """
    git = shutil.which("git")
    if git and (ROOT / ".git").exists():
        subprocess.run([git, "clone", "--quiet", "--no-hardlinks", str(ROOT), str(dest)], check=True)

        def listed(*flags: str) -> list[str]:
            out = subprocess.run([git, "ls-files", "-z", *flags], cwd=ROOT, capture_output=True, check=True).stdout
            return [p for p in out.decode("utf-8").split("\0") if p]

        deleted = set(listed("--deleted"))
        for rel in listed("--modified", "--others", "--exclude-standard"):
            if rel in deleted:
                continue
            target = dest / rel
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(ROOT / rel, target)
        for rel in deleted:
            (dest / rel).unlink(missing_ok=True)
    else:
        shutil.copytree(ROOT, dest, ignore=shutil.ignore_patterns(
            ".git", ".venv", "__pycache__", "*.egg-info", ".pytest_cache", ".hypothesis", ".ipynb_checkpoints",
            "build", "dist"))  # fmt: skip
    return dest


@dataclass
class JupyterLab:
    url: str
    token: str
    root: Path
    server: Server

    def api(self, path: str, method: str = "GET") -> Any:
        request = urllib.request.Request(
            f"{self.url}{path}", method=method, headers={"Authorization": f"token {self.token}"}
        )
        with urllib.request.urlopen(request, timeout=30) as response:
            body = response.read()
        return json.loads(body) if body else None

    def shut_down_kernels(self) -> None:
        """End every notebook session, so that each test starts with fresh kernels."""
        for session in self.api("/api/sessions"):
            try:
                self.api(f"/api/sessions/{session['id']}", method="DELETE")
            except urllib.error.HTTPError:
                pass

    def notebook_url(self, path: str) -> str:
        """The address of a notebook, by its path in the course folder (``notebooks/00_start_here.ipynb``)."""
        # ?reset: a fresh workspace, so tabs of an earlier test are not reopened
        return f"{self.url}/lab/tree/{path}?reset&token={self.token}"


@dataclass
class WorkshopServer:
    url: str
    server: Server
