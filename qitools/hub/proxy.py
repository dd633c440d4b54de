"""configurable-http-proxy, the proxy JupyterHub puts in front of the hub and the learners' servers.

It is a Node.js program from npm, not a Python package, so pip cannot install it.
``qitools hub install-proxy`` runs ``npm install`` once into a folder of this Python environment
(``<environment>/share/qitools/hub-proxy``); after that the hub runs offline. :func:`find_proxy`
looks, in order, at ``QITOOLS_HUB_PROXY`` (a path to the program), that folder, and the ``PATH``
(Debian's ``node-configurable-http-proxy`` package, conda-forge's ``configurable-http-proxy``).
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

from ..spc.errors import QIToolsError

__all__ = ["PROXY_ENV", "proxy_dir", "find_proxy", "install_proxy", "npm_package"]

#: Environment variable naming a configurable-http-proxy program to use.
PROXY_ENV = "QITOOLS_HUB_PROXY"

_PROGRAM = "configurable-http-proxy"

_HOW_TO_INSTALL = (
    "Install it once with 'qitools hub install-proxy' (needs Node.js and npm: https://nodejs.org, or "
    "'sudo apt-get install nodejs npm' on Debian/Ubuntu), or install Debian's package "
    "('sudo apt-get install node-configurable-http-proxy') or conda-forge's "
    "('conda install -c conda-forge configurable-http-proxy'), or point QITOOLS_HUB_PROXY at the program."
)


def proxy_dir() -> Path:
    """The folder ``qitools hub install-proxy`` installs into: inside this Python environment."""
    return Path(sys.prefix) / "share" / "qitools" / "hub-proxy"


def _installed() -> Path:
    name = _PROGRAM + (".cmd" if os.name == "nt" else "")
    return proxy_dir() / "node_modules" / ".bin" / name


def find_proxy() -> Path | None:
    """The configurable-http-proxy program to use, or None when there is none."""
    given = os.environ.get(PROXY_ENV)
    if given:
        path = Path(given)
        return path if path.is_file() and os.access(path, os.X_OK) else None
    if _installed().is_file():
        return _installed()
    found = shutil.which(_PROGRAM)
    return Path(found) if found else None


def npm_package(node_version: str | None) -> str:
    """The npm package to install for a Node.js version (``v20.11.1``), the newest whose dependencies run on it.

    configurable-http-proxy 5.3 needs Node.js 22 (its ``commander`` 15), 5.2 needs Node.js 20, and
    4.6 runs on Node.js 10 and newer (Debian 12 has Node.js 18).

    Examples
    --------
    >>> npm_package("v22.3.0"), npm_package("v20.11.1"), npm_package("v18.19.0"), npm_package(None)
    ('configurable-http-proxy@5', 'configurable-http-proxy@5.2', 'configurable-http-proxy@4.6', 'configurable-http-proxy@4.6')
    """
    match = re.match(r"v?(\d+)\.", node_version or "")
    major = int(match.group(1)) if match else 0
    if major >= 22:
        return f"{_PROGRAM}@5"
    return f"{_PROGRAM}@5.2" if major >= 20 else f"{_PROGRAM}@4.6"


def install_proxy(*, npm: str | None = None, quiet: bool = False) -> Path:
    """Install configurable-http-proxy from npm into this environment (once; the hub then runs offline).

    Parameters
    ----------
    npm : str, optional
        The npm program (default: ``npm`` on the ``PATH``).
    quiet : bool, default False
        Do not show npm's output.

    Returns
    -------
    Path
        The installed program.

    Raises
    ------
    QIToolsError
        npm or Node.js is missing, or npm failed (no network, no registry).
    """
    npm = npm or shutil.which("npm")
    node = shutil.which("node") or shutil.which("nodejs")
    if not npm or not node:
        raise QIToolsError(
            f"Cannot install {_PROGRAM}: {'npm' if not npm else 'Node.js'} is not installed. JupyterHub needs this "
            f"small Node.js program in front of the hub. " + _HOW_TO_INSTALL
        )
    version = subprocess.run([node, "--version"], capture_output=True, text=True, timeout=60, check=False).stdout
    package = npm_package(version.strip())
    folder = proxy_dir()
    folder.mkdir(parents=True, exist_ok=True)
    command = [npm, "install", "--prefix", str(folder), "--no-audit", "--no-fund", "--omit=dev", package]
    done = subprocess.run(command, capture_output=quiet, text=True, timeout=900, check=False)
    program = _installed()
    if done.returncode != 0 or not program.is_file():
        detail = (done.stderr or "").strip().splitlines()[-3:] if quiet else []
        raise QIToolsError(
            f"npm could not install {package} (exit status {done.returncode}"
            + (": " + " / ".join(detail) if detail else "")
            + "). Check the network connection to the npm registry (or its proxy settings) and try again. "
            + _HOW_TO_INSTALL
        )
    return program
