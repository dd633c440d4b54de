"""The workshop app's kernels and token, as the computer sees them while a team uses the page.

``qitools app`` starts one Python kernel per page load. A workshop leaves the app running for hours,
with people opening and closing tabs (and link checkers or refreshes making plain HTTP requests):
every kernel must end when its page is gone, or memory runs out. The access token keeps other users
of the same computer out, so it must not be readable from any process's command line
(``/proc/<pid>/cmdline`` is world-readable on Linux).
"""

from __future__ import annotations

import os
import sys
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from .browser_support import PAGE_LOAD_MS, ROOT, Server, free_port, new_page

pytestmark = pytest.mark.skipif(not Path("/proc/self/stat").exists(), reason="reads the process table in /proc")

#: idle seconds before the app culls a kernel with no open page (the default is 300; short here)
CULL_S = 4
#: how long a kernel may outlive its page in this test: the cull time, the cull interval and a wide
#: margin for a busy machine (the assertion is that kernels end, not how fast)
GONE_WITHIN_S = 120


def _children() -> dict[int, list[int]]:
    """Parent pid -> child pids, from /proc."""
    tree: dict[int, list[int]] = {}
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            stat = Path("/proc", entry, "stat").read_text()
        except OSError:  # the process ended while we looked
            continue
        ppid = int(stat.rsplit(")", 1)[1].split()[1])
        tree.setdefault(ppid, []).append(int(entry))
    return tree


def _cmdline(pid: int) -> str:
    try:
        return Path("/proc", str(pid), "cmdline").read_bytes().replace(b"\0", b" ").decode("utf-8", "replace")
    except OSError:
        return ""


def kernels_of(pid: int) -> list[int]:
    """The ipykernel processes started (directly or not) by process ``pid``."""
    tree, found, todo = _children(), [], [pid]
    while todo:
        for child in tree.get(todo.pop(), []):
            todo.append(child)
            if "ipykernel" in _cmdline(child):
                found.append(child)
    return found


def wait_for_kernels(pid: int, count: int, what: str) -> None:
    deadline = time.monotonic() + GONE_WITHIN_S
    while time.monotonic() < deadline:
        if len(kernels_of(pid)) == count:
            return
        time.sleep(0.5)
    raise AssertionError(f"{what}: expected {count} kernel(s) of the app, found {len(kernels_of(pid))}")


class App:
    def __init__(self, server: Server, url: str) -> None:
        self.server, self.url = server, url
        self.token = url.split("token=", 1)[1]


def _start(tmp_path_factory: pytest.TempPathFactory, *options: str) -> Iterator[App]:
    pytest.importorskip("voila")
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(ROOT), os.environ.get("PYTHONPATH")]))
    env["JUPYTER_CONFIG_DIR"] = str(tmp_path_factory.mktemp("voila-config"))
    env["IPYTHONDIR"] = str(tmp_path_factory.mktemp("voila-ipython"))
    command = [sys.executable, "-m", "qitools", "app", "--no-browser", "--port", str(free_port()), *options]
    server = Server(command, cwd=ROOT, env=env, name="qitools app")
    try:
        url = server.wait_for_line(r"The workshop app is at (\S+)").group(1)
        server.wait_for_line(r"Voil. is running at")
        yield App(server, url)
    finally:
        server.stop()
    assert kernels_of(server.process.pid) == [], "kernels outlived the app"


@pytest.fixture(scope="module")
def app(tmp_path_factory: pytest.TempPathFactory) -> Iterator[App]:
    """``qitools app --no-browser`` with a short idle-kernel cull, as a coach could start it."""
    yield from _start(tmp_path_factory, "--cull-idle", str(CULL_S))


@pytest.fixture(scope="module")
def app_default(tmp_path_factory: pytest.TempPathFactory) -> Iterator[App]:
    """``qitools app --no-browser`` as the README starts it (idle kernels culled after 300 s)."""
    yield from _start(tmp_path_factory)


def test_the_token_is_on_no_command_line(app: App) -> None:
    assert len(app.token) >= 16
    holders = [pid for pid in map(int, filter(str.isdigit, os.listdir("/proc"))) if app.token in _cmdline(pid)]
    assert holders == [], f"the access token can be read from the command line of processes {holders}"


def test_a_page_without_the_token_is_refused(app: App) -> None:
    """Without the token the app answers with its login page, and starts no kernel."""
    before = len(kernels_of(app.server.process.pid))
    for url in (app.url.split("?", 1)[0], app.url.split("token=", 1)[0] + "token=not-the-token"):
        with urllib.request.urlopen(url, timeout=120) as response:
            page = response.read().decode("utf-8", "replace")
            assert "/login" in response.url and "qi-upload" not in page, f"{url} was served without the token"
    assert len(kernels_of(app.server.process.pid)) <= before


def test_closing_the_tab_shuts_its_kernel(app_default: App, browser: Any, artifacts: Path) -> None:
    """A tab closed as a person closes it says goodbye, and its kernel stops at once (not after 300 s)."""
    pid = app_default.server.process.pid
    wait_for_kernels(pid, 0, "before the page was opened")
    with new_page(browser, artifacts, "app_lifecycle_close") as page:
        page.goto(app_default.url, timeout=PAGE_LOAD_MS)
        page.wait_for_selector(".qi-upload", timeout=PAGE_LOAD_MS)
        assert len(kernels_of(pid)) == 1, "the open page should have its own kernel"
        page.close(run_before_unload=True)
        wait_for_kernels(pid, 0, "after the tab was closed")


def test_a_tab_that_vanishes_leaves_no_kernel(app: App, browser: Any, artifacts: Path) -> None:
    """A browser that crashes or a laptop that sleeps says no goodbye: the idle kernel is culled."""
    wait_for_kernels(app.server.process.pid, 0, "before the page was opened")
    with new_page(browser, artifacts, "app_lifecycle_vanish") as page:
        page.goto(app.url, timeout=PAGE_LOAD_MS)
        page.wait_for_selector(".qi-upload", timeout=PAGE_LOAD_MS)
        assert len(kernels_of(app.server.process.pid)) == 1, "the open page should have its own kernel"
    # the context closes without running the page's beforeunload handlers
    wait_for_kernels(app.server.process.pid, 0, "after the browser context went away")


def test_plain_requests_leave_no_kernel(app: App) -> None:
    """A refresh, a link preview or a script fetching the page: each starts a kernel nobody connects to."""
    for _ in range(3):
        with urllib.request.urlopen(app.url, timeout=120) as response:
            assert response.status == 200
            response.read()
    wait_for_kernels(app.server.process.pid, 0, "after three plain HTTP requests")
