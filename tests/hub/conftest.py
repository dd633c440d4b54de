"""Tests of the course on JupyterHub (qitools.hub): the demo hub, collect and feedback, real deployments.

The acceptance tests (``test_hub_demo.py``, marker ``hub``) start the demo hub on localhost. They need
JupyterHub (the test extra installs it) and configurable-http-proxy, a Node.js program: when none is
found they install it with ``qitools hub install-proxy`` (npm), and when that is impossible (no npm,
no network) they are skipped with the reason, unless ``QITOOLS_REQUIRE_HUB=1`` (set by ``.ci/run``),
which turns the skip into a failure so that CI cannot pass without running them. The Chromium part
follows the browser tests' rule (``QITOOLS_REQUIRE_BROWSER``).
"""

from __future__ import annotations

from pathlib import Path

import pytest

from .hub_support import missing


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line(
        "markers", "hub: starts the demo JupyterHub on localhost (a minute or two); -m 'not hub' skips"
    )


@pytest.fixture(scope="session")
def proxy_program() -> Path:
    """configurable-http-proxy: found, or installed once with 'qitools hub install-proxy'."""
    from qitools import QIToolsError
    from qitools.hub.proxy import find_proxy, install_proxy

    found = find_proxy()
    if found is None:
        try:
            found = install_proxy(quiet=True)
        except QIToolsError as exc:
            missing(f"configurable-http-proxy is not installed and could not be installed: {exc}")
    return found
