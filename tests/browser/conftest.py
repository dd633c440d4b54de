"""Browser tests: JupyterLab and the workshop app, driven in Debian's Chromium by Playwright.

Notebook tests (nbval) run headless kernels and never see the page a person sees. These tests
start the real servers once per session, open them in a real (headless) Chromium and check what
is on the screen: cells ran without errors, charts are drawn, widgets render and respond, links
open, the app takes an upload and offers its downloads.

- Chromium is Debian's ``chromium`` package (``/usr/bin/chromium``; another binary with
  ``QITOOLS_CHROMIUM``). Playwright drives it through ``executable_path``: no browser is
  downloaded. Without Chromium, Playwright, JupyterLab or Voilà the tests are skipped with the
  reason, unless ``QITOOLS_REQUIRE_BROWSER=1`` (set by ``.ci/run``), which turns the skip into a
  failure so that CI cannot pass without running them.
- Screenshots and downloads go to ``QITOOLS_BROWSER_ARTIFACTS`` (a folder) or to a temporary
  folder; the path is printed at the end of the run.
- Nothing may be fetched from outside this computer: every request the page makes to a host other
  than 127.0.0.1 fails the test (JupyterLab and Voilà serve their own scripts and styles).
"""

from __future__ import annotations

import importlib.util
import json
import os
import secrets
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from .browser_support import (
    CHROMIUM_ARGS,
    ROOT,
    JupyterLab,
    Server,
    WorkshopServer,
    chromium_executable,
    free_port,
    full_clone,
    new_page,
    readme_course_command,
)

_ARTIFACTS_KEY = pytest.StashKey[Path]()


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line(
        "markers", "browser: drives a real Chromium against JupyterLab or the workshop app; -m 'not browser' skips"
    )


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    here = Path(__file__).parent
    for item in items:
        if here in Path(str(item.fspath)).parents:
            item.add_marker(pytest.mark.browser)


def pytest_terminal_summary(terminalreporter: Any, config: pytest.Config) -> None:
    folder = config.stash.get(_ARTIFACTS_KEY, None)
    if folder is not None:
        terminalreporter.write_line(f"browser test screenshots and downloads: {folder}")


def _missing(reason: str) -> None:
    """Skip, or fail when CI requires the browser tests to run."""
    if os.environ.get("QITOOLS_REQUIRE_BROWSER") == "1":
        pytest.fail(f"{reason} (QITOOLS_REQUIRE_BROWSER=1: the browser tests must run here)", pytrace=False)
    pytest.skip(reason)


# ------------------------------------------------------------------------------------------------
# Chromium and pages


@pytest.fixture(scope="session")
def artifacts(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Folder for screenshots and downloads (``QITOOLS_BROWSER_ARTIFACTS`` or a temporary one)."""
    given = os.environ.get("QITOOLS_BROWSER_ARTIFACTS")
    folder = Path(given) if given else tmp_path_factory.mktemp("browser-artifacts")
    folder.mkdir(parents=True, exist_ok=True)
    request.config.stash[_ARTIFACTS_KEY] = folder.resolve()
    return folder


@pytest.fixture(scope="session")
def browser(artifacts: Path) -> Iterator[Any]:
    """One headless Chromium for the session (Playwright; Debian's binary, nothing downloaded)."""
    if importlib.util.find_spec("playwright") is None:
        _missing('Playwright is not installed: pip install -e ".[test]"')
    executable = chromium_executable()
    if executable is None:
        _missing("Chromium is not installed (Debian/Ubuntu: sudo apt-get install chromium); .ci/run installs it")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        # Playwright gives every launch a fresh, empty --user-data-dir of its own.
        chromium = p.chromium.launch(executable_path=executable, headless=True, args=CHROMIUM_ARGS)
        try:
            yield chromium
        finally:
            chromium.close()


@pytest.fixture
def page(browser: Any, artifacts: Path, request: pytest.FixtureRequest) -> Iterator[Any]:
    """A new page for one test (see :func:`new_page`)."""
    with new_page(browser, artifacts, request.node.name) as pg:
        yield pg


# ------------------------------------------------------------------------------------------------
# Servers


#: JupyterLab settings for the tests: no autosave (the course files are copies anyway), no news or
#: update checks (no network), and closing a notebook shuts its kernel down.
LAB_SETTINGS = {
    "@jupyterlab/docmanager-extension/plugin.jupyterlab-settings": {"autosave": False},
    "@jupyterlab/apputils-extension/notification.jupyterlab-settings": {
        "checkForUpdates": False,
        "fetchNews": "false",
    },
    "@jupyterlab/notebook-extension/tracker.jupyterlab-settings": {"kernelShutdown": True},
}


@pytest.fixture(scope="session")
def jupyterlab(browser: Any, tmp_path_factory: pytest.TempPathFactory) -> Iterator[JupyterLab]:
    """JupyterLab started with the README's course command, in a full clone of the repository.

    The clone (``git clone`` of this repository, with the working tree's uncommitted changes on
    top: see :func:`full_clone`) is what a learner has after downloading the course, and cells that
    run change it, not the committed notebooks. The command is the README's (``qitools course``),
    run in the clone with the clone's qitools (``PYTHONPATH``). Jupyter's configuration, settings,
    runtime and workspace folders are temporary, so a user's own settings do not change what the
    test sees.
    """
    if importlib.util.find_spec("jupyterlab") is None:
        _missing('JupyterLab is not installed: pip install -e ".[test]"')
    base = tmp_path_factory.mktemp("jupyterlab")
    course = full_clone(base / "qitools")
    settings = base / "settings"
    for rel, values in LAB_SETTINGS.items():
        (settings / rel).parent.mkdir(parents=True, exist_ok=True)
        (settings / rel).write_text(json.dumps(values), encoding="utf-8")
    env = dict(os.environ)
    env.update(
        {
            "JUPYTER_CONFIG_DIR": str(base / "config"),
            "JUPYTER_RUNTIME_DIR": str(base / "runtime"),
            "JUPYTERLAB_SETTINGS_DIR": str(settings),
            "JUPYTERLAB_WORKSPACES_DIR": str(base / "workspaces"),
            "PYTHONPATH": os.pathsep.join(filter(None, [str(course), os.environ.get("PYTHONPATH")])),
        }
    )
    env["IPYTHONDIR"] = str(base / "ipython")  # no IPython startup files or profiles of the user
    for name in ("JUPYTER_PATH", "MPLBACKEND", "QITOOLS_FULL_ERRORS"):  # the kernel picks its own backend
        env.pop(name, None)
    port, token = free_port(), secrets.token_hex(16)
    command = readme_course_command() + [
        "--no-browser",
        f"--port={port}",
        "--ServerApp.ip=127.0.0.1",
        "--ServerApp.port_retries=0",
        f"--IdentityProvider.token={token}",
        "--expose-app-in-browser",  # window.jupyterapp: the notebook model, to read outputs exactly
        "--LabApp.news_url=None",
        "--LabApp.check_for_updates_class=jupyterlab.NeverCheckForUpdate",
        "--LabApp.extension_manager=readonly",
    ]
    if hasattr(os, "geteuid") and os.geteuid() == 0:
        command.append("--allow-root")
    server = Server(command, cwd=course, env=env, name="JupyterLab")
    lab = JupyterLab(url=f"http://127.0.0.1:{port}", token=token, root=course, server=server)
    try:
        server.wait_for_line(r"Jupyter Server .* is running at|http://127\.0\.0\.1:\d+/lab")
        yield lab
    finally:
        try:
            lab.shut_down_kernels()
        except Exception:
            pass
        server.stop()


@pytest.fixture(scope="session")
def workshop_app(browser: Any, tmp_path_factory: pytest.TempPathFactory) -> Iterator[WorkshopServer]:
    """``qitools app --no-browser`` on a free port, as the README starts it."""
    if importlib.util.find_spec("voila") is None:
        _missing('Voilà is not installed: pip install -e ".[test]"')
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(ROOT), os.environ.get("PYTHONPATH")]))
    env["JUPYTER_CONFIG_DIR"] = str(tmp_path_factory.mktemp("voila-config"))
    env["IPYTHONDIR"] = str(tmp_path_factory.mktemp("voila-ipython"))
    port = free_port()
    command = [sys.executable, "-m", "qitools", "app", "--no-browser", "--port", str(port)]
    server = Server(command, cwd=ROOT, env=env, name="qitools app")
    try:
        url = server.wait_for_line(r"The workshop app is at (\S+)").group(1)
        server.wait_for_line(r"Voil. is running at")
        yield WorkshopServer(url=url, server=server)
    finally:
        server.stop()
