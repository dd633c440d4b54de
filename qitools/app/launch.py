"""``qitools app``: serve the workshop page with Voilà on this computer (localhost).

Voilà runs ``workshop.ipynb`` (which only displays :class:`qitools.app.ui.WorkshopApp`) in a
kernel of this Python and shows its widgets as a web page; the code is never shown. The page
needs no internet: Voilà serves its own scripts, and the template written here drops the one
stylesheet the standard template loads from a CDN (Font Awesome; the widgets bring their own icons).

The notebook and the template are written to a temporary folder at start, so nothing beyond the
Python files needs to be installed as package data (the packaged ``workshop.ipynb`` is used when
present; :func:`notebook_json` gives the same notebook).
"""

from __future__ import annotations

import argparse
import importlib.util
import json
import os
import secrets
import signal
import socket
import subprocess
import sys
import tempfile
from pathlib import Path
from typing import Any

__all__ = ["add_app_parser", "free_port", "notebook_json", "prepare", "voila_command"]

NOTEBOOK = Path(__file__).with_name("workshop.ipynb")
TEMPLATE = "qitools"
#: largest websocket message Voilà accepts (an upload travels in one message); the page itself
#: refuses files over ``qitools.app.ui.MAX_UPLOAD_MB`` with a message, in the browser, before sending
MAX_MESSAGE_MB = 64
#: files larger than this are stopped in the browser with a message (the page reads up to 50 MB)
MAX_UPLOAD_MB = 50
#: a page's kernel (its Python process) is shut down this many seconds after its tab closed or lost
#: its connection (a closed tab also asks Voilà to shut it at once; this catches the rest, such as a
#: plain HTTP request that never connects)
CULL_IDLE_SECONDS = 300

#: the one code cell of workshop.ipynb
NOTEBOOK_SOURCE = """\
# The qitools workshop page, served by `qitools app` (Voilà shows the page, not this code).
# All the logic is in qitools/app/ui.py.
from qitools.app.ui import WorkshopApp

WorkshopApp().show()"""

#: Voilà's "lab" template without the Font Awesome stylesheets it loads from cdn.jsdelivr.net
_INDEX = """\
{%- extends 'lab/index.html.j2' -%}
{% import "spinner.macro.html.j2" as spinner %}
{#- qitools: the lab template's notebook_css block, without the two CDN stylesheets. -#}
{%- block notebook_css -%}
  {% if frontend == "voila" %}
    {{ resources.include_js("static/voila-style.js") }}
  {% endif %}
  {{ spinner.css() }}
  <style>
    .jp-mod-noOutputs.jp-mod-noInput { display: none; }
    .qi-too-big { position: fixed; top: 0; left: 0; right: 0; z-index: 1000; padding: 0.8em 1.2em;
      background: #fdecea; border-bottom: 3px solid #b2182b; color: #5a0d14; font: 15px/1.4 system-ui, sans-serif; }
  </style>
  <script>
  /* qitools: closing the tab shuts its kernel down at once. Voila's page sends a shutdown request
     when it unloads, echoing the _xsrf cookie (the double-submit check: only a page of this origin
     can read it). Voila's page sets no such cookie, so the request was refused (403) and the kernel
     lived on until the idle cull, minutes later. A random one is made here if there is none. */
  if (!/(^|;\\s*)_xsrf=[^;]+/.test(document.cookie)) {
    var bytes = new Uint8Array(16);
    window.crypto.getRandomValues(bytes);
    var hex = Array.prototype.map.call(bytes, function (b) { return ("0" + b.toString(16)).slice(-2); }).join("");
    document.cookie = "_xsrf=" + hex + "; path=/; SameSite=Strict";
  }
  /* qitools: a file over the upload limit is stopped here, with a message, before it is sent (a
     bigger websocket message would be dropped without a word). */
  document.addEventListener("change", function (event) {
    var input = event.target;
    if (!input || input.type !== "file" || !input.files) { return; }
    var limit = __LIMIT_MB__ * 1024 * 1024;
    for (var i = 0; i < input.files.length; i++) {
      var f = input.files[i];
      if (f.size > limit) {
        event.stopImmediatePropagation();
        event.preventDefault();
        input.value = "";
        var box = document.querySelector(".qi-too-big") || document.createElement("div");
        box.className = "qi-too-big";
        box.setAttribute("role", "alert");
        var project = /\\.(pdsa|json)$/i.test(f.name);
        box.textContent = f.name + " is " + (f.size / 1048576).toFixed(0) + " MB; this page reads files up to " +
          __LIMIT_MB__ + " MB. " + (project
            ? "Use qitools chart --pdsa on the command line for a project file this big. "
            : "Export fewer rows or columns (one row per period is enough), or use qitools chart on the " +
              "command line. ") + "(Click this message to close it.)";
        box.onclick = function () { box.remove(); };
        document.body.appendChild(box);
        return;
      }
    }
    var old = document.querySelector(".qi-too-big");
    if (old) { old.remove(); }
  }, true);
  </script>
  {{ super.super() }}
{%- endblock notebook_css -%}
"""


def notebook_json() -> dict[str, Any]:
    """The workshop notebook (nbformat 4): one code cell that displays the page, no outputs.

    Returns
    -------
    dict
        The notebook as JSON data; ``workshop.ipynb`` beside this module is this, written out.

    Examples
    --------
    >>> from qitools.app.launch import notebook_json
    >>> notebook_json()["cells"][0]["source"][-1]
    'WorkshopApp().show()'
    """
    return {
        "cells": [
            {
                "cell_type": "code",
                "execution_count": None,
                "id": "workshop-page",
                "metadata": {},
                "outputs": [],
                "source": NOTEBOOK_SOURCE.splitlines(keepends=True),
            }
        ],
        "metadata": {
            "kernelspec": {"display_name": "Python 3 (ipykernel)", "language": "python", "name": "python3"},
            "language_info": {"name": "python"},
            "title": "qitools: chart your team's data",
            "voila": {"theme": "light"},
        },
        "nbformat": 4,
        "nbformat_minor": 5,
    }


def free_port(host: str = "127.0.0.1") -> int:
    """A TCP port that is free on ``host`` now (the system picks it).

    Parameters
    ----------
    host : str, default "127.0.0.1"
        The address to bind.

    Returns
    -------
    int
        The port number.

    Examples
    --------
    >>> from qitools.app.launch import free_port
    >>> 1024 <= free_port() <= 65535
    True
    """
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind((host, 0))
        return int(s.getsockname()[1])


def prepare(folder: Path, token: str | None = None, cull_idle: int = CULL_IDLE_SECONDS) -> Path:
    """Write the notebook, Voilà's settings and its template into ``folder``; return the notebook.

    The template goes to ``folder/voila/templates/qitools``, found by Voilà when ``folder`` is on
    ``JUPYTER_PATH``, and the settings to ``folder/voila.json`` (both arranged by
    :func:`voila_command`).

    Parameters
    ----------
    folder : pathlib.Path
        An existing folder (``qitools app`` uses a temporary one, removed when it stops).

    Returns
    -------
    pathlib.Path
        ``folder/workshop.ipynb``.

    Examples
    --------
    >>> import tempfile
    >>> from pathlib import Path
    >>> from qitools.app.launch import prepare
    >>> with tempfile.TemporaryDirectory() as tmp:
    ...     notebook = prepare(Path(tmp))
    ...     sorted(p.relative_to(tmp).as_posix() for p in Path(tmp).rglob("*") if p.is_file())
    ['voila.json', 'voila/templates/qitools/conf.json', 'voila/templates/qitools/index.html.j2', 'workshop.ipynb']
    """
    folder = Path(folder)
    notebook = folder / "workshop.ipynb"
    if NOTEBOOK.is_file():
        notebook.write_bytes(NOTEBOOK.read_bytes())
    else:  # installed without package data: the same notebook, from the source above
        notebook.write_text(json.dumps(notebook_json(), indent=1) + "\n", encoding="utf-8")
    # Voilà's own configuration (replacing any user configuration): uploads up to MAX_MESSAGE_MB
    # (tornado's websocket limit is 10 MB by default, and a bigger upload would silently fail); idle
    # kernels without a connection culled (a tab closed without saying so, a plain HTTP request);
    # and the access token, here rather than on the command line, where any user of the computer
    # could read it (/proc/<pid>/cmdline). The file is readable by this user only.
    settings: dict[str, Any] = {
        "Voila": {"tornado_settings": {"websocket_max_message_size": MAX_MESSAGE_MB * 1024 * 1024}},
        "MappingKernelManager": {
            "cull_idle_timeout": int(cull_idle),
            "cull_interval": max(1, min(60, int(cull_idle) // 2)),
            "cull_connected": False,
            "cull_busy": False,
        },
    }
    if token is not None:
        settings["Voila"]["token"] = token
    config = folder / "voila.json"
    fd = os.open(config, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w", encoding="utf-8") as fh:
        fh.write(json.dumps(settings, indent=1) + "\n")
    os.chmod(config, 0o600)
    template = folder / "voila" / "templates" / TEMPLATE
    template.mkdir(parents=True, exist_ok=True)
    (template / "conf.json").write_text(json.dumps({"base_template": "lab"}) + "\n", encoding="utf-8")
    (template / "index.html.j2").write_text(_INDEX.replace("__LIMIT_MB__", str(MAX_UPLOAD_MB)), encoding="utf-8")
    return notebook


def voila_command(
    notebook: Path, port: int, *, token: str | None = None, open_browser: bool = True
) -> tuple[list[str], dict[str, str]]:
    """The command line and environment that serve ``notebook`` with Voilà on 127.0.0.1:``port``.

    The folder written by :func:`prepare` (the notebook's folder) is put first on ``JUPYTER_PATH``
    (for the template) and is Voilà's only configuration folder (for ``voila.json``). Tracebacks
    are not shown in the page (the page shows its own messages).

    Parameters
    ----------
    notebook : pathlib.Path
        The notebook written by :func:`prepare`.
    port : int
        The port on 127.0.0.1.
    token : str, optional
        Not used on the command line (any user of the computer can read a process's command
        line): :func:`prepare` writes it into ``voila.json``, readable by this user only. Kept for
        callers of earlier versions.
    open_browser : bool, default True
        Let Voilà open the page in the default browser.

    Returns
    -------
    command : list of str
        ``python -m voila ...`` with this Python.
    env : dict
        The environment to run it in.

    Examples
    --------
    >>> from pathlib import Path
    >>> from qitools.app.launch import voila_command
    >>> command, env = voila_command(Path("app") / "workshop.ipynb", 8866, open_browser=False)
    >>> command[2], Path(command[3]).name, "--Voila.ip=127.0.0.1" in command
    ('voila', 'workshop.ipynb', True)
    >>> any("token" in part for part in command)
    False
    """
    folder = Path(notebook).parent
    env = dict(os.environ)
    env["JUPYTER_PATH"] = os.pathsep.join([str(folder), *filter(None, [os.environ.get("JUPYTER_PATH")])])
    env.setdefault("MPLBACKEND", "Agg")
    command = [
        sys.executable,
        "-m",
        "voila",
        str(notebook),
        f"--port={port}",
        "--Voila.ip=127.0.0.1",
        f"--template={TEMPLATE}",
        f"--Voila.config_file_paths={folder}",
        "--theme=light",
        "--VoilaConfiguration.show_tracebacks=False",
        "--Voila.open_browser=" + ("True" if open_browser else "False"),
    ]
    return command, env


def _app(args: argparse.Namespace) -> int:
    missing = [m for m in ("voila", "ipywidgets") if importlib.util.find_spec(m) is None]
    if missing:
        print(
            f"qitools: the workshop app needs {' and '.join(missing)}, which is not installed. Install the course "
            f'tools with: pip install -e ".[course]" (in this folder), then run qitools app again.',
            file=sys.stderr,
        )
        return 2
    port = args.port or free_port()
    token = secrets.token_urlsafe(16)
    with tempfile.TemporaryDirectory(prefix="qitools-app-") as tmp:
        notebook = prepare(Path(tmp), token=token, cull_idle=args.cull_idle)
        command, env = voila_command(notebook, port, open_browser=not args.no_browser)
        print(f"The workshop app is at http://127.0.0.1:{port}/?token={token}", flush=True)
        print("Press Ctrl-C to stop it.", flush=True)
        process = subprocess.Popen(command, env=env)
        previous = _on_sigterm_raise_keyboard_interrupt()
        try:
            return process.wait()
        except KeyboardInterrupt:  # Ctrl-C, or SIGTERM: stop Voilà, which shuts its kernels down
            process.terminate()
            try:
                process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()
            return 0
        finally:
            if previous is not None:
                signal.signal(signal.SIGTERM, previous)


def _on_sigterm_raise_keyboard_interrupt() -> Any:
    """Treat SIGTERM like Ctrl-C, so that stopping ``qitools app`` also stops Voilà and its kernels."""

    def handler(signum: int, frame: Any) -> None:
        raise KeyboardInterrupt

    try:
        return signal.signal(signal.SIGTERM, handler)
    except (ValueError, AttributeError, OSError):  # not the main thread, or no SIGTERM on this system
        return None


def add_app_parser(sub: argparse._SubParsersAction) -> None:
    """Add ``qitools app`` to the ``qitools`` command."""
    p = sub.add_parser(
        "app",
        help="open the workshop page: upload an export, get its chart explained (Voilà, in your browser)",
        description="Serve the workshop page on this computer with Voilà and open it in your browser. A team "
        "uploads a CSV or Excel export (or picks an example), chooses columns, and gets the suggested chart, its "
        "plain-English reading and a report to download.",
    )
    p.add_argument("--port", type=int, default=None, help="port on 127.0.0.1 (default: a free one)")
    p.add_argument("--no-browser", action="store_true", help="do not open a browser; just print the address")
    p.add_argument(
        "--cull-idle",
        type=int,
        default=CULL_IDLE_SECONDS,
        metavar="SECONDS",
        help=f"stop a page's Python process this long after its tab closed or lost its connection "
        f"(default {CULL_IDLE_SECONDS})",
    )
    p.set_defaults(func=_app)
