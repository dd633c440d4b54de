"""Helpers of the hub tests: the demo hub as a process, a learner's HTTP session, the process table."""

from __future__ import annotations

import json
import os
import re
import shlex
import signal
import socket
import subprocess
import sys
import threading
import time
from pathlib import Path
from typing import Any

import pytest

ROOT = Path(__file__).resolve().parents[2]
HUB_START_S = 120
SPAWN_S = 240


def missing(reason: str, env: str = "QITOOLS_REQUIRE_HUB") -> None:
    """Skip, or fail when CI requires these tests to run (``env=1``)."""
    if os.environ.get(env) == "1":
        pytest.fail(f"{reason} ({env}=1: these tests must run here)", pytrace=False)
    pytest.skip(reason)


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


class ProcessWatch:
    """Every process started under one process (children, grandchildren ...), remembered as they appear.

    A process is identified by its pid and start time, so a reused pid is not mistaken for it.
    """

    def __init__(self, pid: int) -> None:
        import psutil

        self.root = psutil.Process(pid)
        self.seen: dict[tuple[int, float], Any] = {}
        self.commands: list[str] = []  # the command line of every process seen
        self.snapshot()

    def snapshot(self) -> list[Any]:
        import psutil

        try:
            found = [self.root, *self.root.children(recursive=True)]
        except psutil.NoSuchProcess:
            found = []
        for p in found:
            try:
                key = (p.pid, p.create_time())
                if key not in self.seen:
                    self.seen[key] = p
                    self.commands.append(" ".join(p.cmdline()))
            except psutil.NoSuchProcess:
                pass
        return found

    def alive(self) -> list[str]:
        import psutil

        out = []
        for p in self.seen.values():
            try:
                if p.is_running() and p.status() != psutil.STATUS_ZOMBIE:
                    out.append(f"{p.pid} {' '.join(p.cmdline())[:160]}")
            except psutil.NoSuchProcess:
                pass
        return out


def processes_using(folder: Path) -> list[str]:
    """Processes whose working folder or command line is inside ``folder`` (the hub's folder)."""
    import psutil

    folder = folder.resolve()
    found = []
    for p in psutil.process_iter(["pid", "cmdline", "cwd"]):
        try:
            cwd = p.info.get("cwd") or ""
            cmd = " ".join(p.info.get("cmdline") or [])
        except psutil.Error:
            continue
        if (cwd and Path(cwd).is_relative_to(folder)) or str(folder) in cmd:
            if p.pid != os.getpid():
                found.append(f"{p.pid} cwd={cwd} {cmd[:160]}")
    return found


class DemoHub:
    """``qitools hub --demo ...`` started as a user would, in its own folder, stopped with SIGTERM (Ctrl-C)."""

    def __init__(self, folder: Path, learners: list[str], coach: str, password: str, idle_timeout: int = 3600):
        self.folder = folder
        self.learners = learners
        self.coach = coach
        self.password = password
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.lines: list[str] = []
        command = [
            sys.executable, "-m", "qitools", "hub", "--demo",
            "--users", ",".join(learners), "--coach", coach, "--password", password,
            "--port", str(self.port), "--dir", str(folder), "--idle-timeout", str(idle_timeout),
        ]  # fmt: skip
        if hasattr(os, "geteuid") and os.geteuid() == 0:
            command.append("--allow-root")  # CI containers run as root
        env = dict(os.environ)
        env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(ROOT), os.environ.get("PYTHONPATH")]))
        for name in ("JUPYTER_CONFIG_DIR", "JUPYTER_PATH", "JUPYTER_RUNTIME_DIR", "IPYTHONDIR", "MPLBACKEND"):
            env.pop(name, None)
        self.command = command
        self.process = subprocess.Popen(
            command, cwd=folder.parent, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
            bufsize=1,
        )  # fmt: skip
        self._reader = threading.Thread(target=self._read, daemon=True)
        self._reader.start()
        self.watch = ProcessWatch(self.process.pid)

    def _read(self) -> None:
        assert self.process.stdout is not None
        for line in self.process.stdout:
            self.lines.append(line.rstrip("\n"))

    def output(self, last: int = 60) -> str:
        return "\n".join(self.lines[-last:])

    def wait_for_line(self, pattern: str, timeout: float = HUB_START_S) -> re.Match[str]:
        regex = re.compile(pattern)
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            for line in list(self.lines):
                m = regex.search(line)
                if m:
                    return m
            if self.process.poll() is not None:
                self._reader.join(timeout=2)
                raise AssertionError(
                    f"the hub stopped (exit status {self.process.returncode}) before printing {pattern!r}. "
                    f"Command: {shlex.join(self.command)}\n{self.output()}"
                )
            self.watch.snapshot()
            time.sleep(0.2)
        raise AssertionError(f"the hub did not print {pattern!r} within {timeout:.0f} s:\n{self.output()}")

    def stop(self, how: int = signal.SIGTERM) -> None:
        """Ctrl-C as a coach would (SIGTERM here; SIGHUP: the terminal window closed): the hub stops the
        proxy, the servers and their kernels."""
        self.watch.snapshot()
        if self.process.poll() is None:
            self.process.send_signal(how)
            try:
                self.process.wait(timeout=120)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(timeout=10)
        self._reader.join(timeout=5)

    def kill_leftovers(self) -> None:
        """Last resort after a failed test, so that one failure does not leave servers running."""
        for p in self.watch.seen.values():
            try:
                if p.is_running():
                    p.kill()
            except Exception:
                pass


class Learner:
    """One person's browser session with the hub, over HTTP: the hub's login form, then their server's API."""

    def __init__(self, hub: DemoHub, name: str, password: str) -> None:
        import requests

        self.hub, self.name, self.password = hub, name, password
        self.http = requests.Session()

    def login_form(self) -> str:
        r = self.http.get(f"{self.hub.url}/hub/login", timeout=60)
        r.raise_for_status()
        return r.text

    def log_in(self) -> Any:
        """Fill in the hub's own login page and submit it, as a browser does (with its _xsrf field)."""
        page = self.login_form()
        xsrf = re.search(r'name="_xsrf" value="([^"]+)"', page)
        assert xsrf, "the login page has no _xsrf field"
        return self.http.post(
            f"{self.hub.url}/hub/login",
            data={"username": self.name, "password": self.password, "_xsrf": xsrf.group(1)},
            timeout=SPAWN_S,
        )

    def wait_for_server(self, timeout: float = SPAWN_S) -> None:
        """Until the learner's JupyterLab answers its API through the proxy (the hub's OAuth done)."""
        deadline = time.monotonic() + timeout
        last = ""
        lab = f"{self.hub.url}/user/{self.name}/lab"
        while time.monotonic() < deadline:
            self.hub.watch.snapshot()
            # a page (not the API) takes the browser through the hub's OAuth to the server: cookies, _xsrf
            r = self.http.get(lab, timeout=60)
            if r.status_code == 200 and r.url.startswith(lab):
                status = self.http.get(f"{self.hub.url}/user/{self.name}/api/status", timeout=60)
                if status.status_code == 200:
                    self.hub.watch.snapshot()
                    return
                r = status
            last = f"{r.status_code} {r.url}"
            time.sleep(1)
        raise AssertionError(f"{self.name}'s server did not answer within {timeout:.0f} s (last: {last})\n"
                             f"{self.hub.output()}")  # fmt: skip

    def _xsrf(self) -> str:
        for cookie in self.http.cookies:
            if cookie.name == "_xsrf" and cookie.path.startswith(f"/user/{self.name}"):
                return str(cookie.value)
        for cookie in self.http.cookies:
            if cookie.name == "_xsrf":
                return str(cookie.value)
        return ""

    def api(self, path: str, method: str = "GET", body: Any = None, owner: str | None = None) -> Any:
        """A request to a server's REST API (``owner``'s server; by default the learner's own)."""
        url = f"{self.hub.url}/user/{owner or self.name}/api/{path.lstrip('/')}"
        headers = {"X-XSRFToken": self._xsrf()}
        return self.http.request(method, url, json=body, headers=headers, timeout=60)

    def listing(self, path: str = "") -> list[str]:
        r = self.api(f"contents/{path}")
        assert r.status_code == 200, f"{self.name}: GET contents/{path}: {r.status_code} {r.text[:300]}"
        return sorted(item["name"] for item in r.json()["content"])

    def save_notebook(self, path: str, notebook: dict[str, Any]) -> None:
        r = self.api(f"contents/{path}", "PUT", {"type": "notebook", "format": "json", "content": notebook})
        assert r.status_code in (200, 201), f"{self.name}: saving {path}: {r.status_code} {r.text[:300]}"

    def save_text(self, path: str, text: str) -> None:
        r = self.api(f"contents/{path}", "PUT", {"type": "file", "format": "text", "content": text})
        assert r.status_code in (200, 201), f"{self.name}: saving {path}: {r.status_code} {r.text[:300]}"

    def read_notebook(self, path: str) -> dict[str, Any]:
        r = self.api(f"contents/{path}")
        assert r.status_code == 200, f"{self.name}: reading {path}: {r.status_code}"
        return r.json()["content"]

    def read_text(self, path: str) -> str:
        r = self.api(f"contents/{path}?type=file&format=text")
        assert r.status_code == 200, f"{self.name}: reading {path}: {r.status_code}"
        return str(r.json()["content"])


def run_qitools(*args: str, cwd: Path, timeout: float = 600) -> subprocess.CompletedProcess[str]:
    """The ``qitools`` command as a coach types it (this interpreter's ``-m qitools``)."""
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(ROOT), os.environ.get("PYTHONPATH")]))
    return subprocess.run(
        [sys.executable, "-m", "qitools", *args], cwd=cwd, env=env, capture_output=True, text=True, timeout=timeout
    )


def notebook_json(path: Path) -> dict[str, Any]:
    return json.loads(path.read_text(encoding="utf-8"))
