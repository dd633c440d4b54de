"""The demo hub: JupyterHub for one trusted room, started by ``qitools hub --demo``.

Built from JupyterHub's own parts, nothing written here serves a page:

- **logins**: JupyterHub's ``SharedPasswordAuthenticator`` (JupyterHub 5.3+). Learners named with
  ``--users`` log in with the shared learner password; the coach (``--coach``) is the hub's admin
  with a separate password of at least 32 characters (generated and printed unless given). No
  other name can log in.
- **servers**: JupyterHub's ``SimpleLocalProcessSpawner``: every learner's JupyterLab runs as the
  user who started the hub, with its own home folder (``<dir>/homes/<name>``) as its root,
  opening on ``notebooks/00_start_here.ipynb``. Each home gets its own copy of the learner course
  (:func:`qitools.course.learner_course`) when the hub starts and whenever its server starts (new
  files only: a learner's saved work is never replaced). Terminals are off.
- **idle servers** are stopped by jupyterhub-idle-culler (a hub service) after ``--idle-timeout``
  seconds without activity (work is on disk; the learner's next visit starts the server again).
- **the proxy** is configurable-http-proxy (see :mod:`qitools.hub.proxy`), started by JupyterHub.

Everything the hub keeps is in one folder (``--dir``, default ``qitools-hub``): ``hub.json`` (the
settings), a three-line ``jupyterhub_config.py`` that calls :func:`configure`, JupyterHub's
database and cookie secret, and ``homes/``. Passwords are passed to JupyterHub in its environment,
never written to disk.

This is a demo for **one trusted room**: the learners are not isolated from each other (their
code runs as one user account and can read every home), anyone with the learner password can log
in as any learner, and the connection is plain HTTP. Real deployments need real authentication
and per-user OS isolation: see :mod:`qitools.hub.deploy`.
"""

from __future__ import annotations

import json
import os
import re
import secrets
import signal
import socket
import subprocess
import sys
import time
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from ..spc.errors import QIToolsError, QIValueError

__all__ = [
    "DemoSettings",
    "prepare_demo",
    "configure",
    "run_demo",
    "DEFAULT_DIR",
    "START_URL",
    "DEMO_WARNING",
    "valid_name",
]

DEFAULT_DIR = "qitools-hub"
SETTINGS_FILE = "hub.json"
CONFIG_FILE = "jupyterhub_config.py"
#: Where JupyterLab opens, relative to the server's root (the learner's home).
START_URL = "/lab/tree/notebooks/00_start_here.ipynb"
_LEARNER_PASSWORD_ENV = "QITOOLS_HUB_LEARNER_PASSWORD"
_COACH_PASSWORD_ENV = "QITOOLS_HUB_COACH_PASSWORD"
#: What JupyterHub's SharedPasswordAuthenticator requires.
_MIN_LEARNER_PASSWORD, _MIN_COACH_PASSWORD = 8, 32
_NAME = re.compile(r"^[a-z][a-z0-9_-]{0,31}$")
_MAX_USERS = 500

DEMO_WARNING = (
    "This demo hub is for ONE TRUSTED ROOM. Every learner's server runs as your own user account, so learners "
    "are not isolated from each other (their code can read every home folder and anything your account can "
    "read); anyone with the learner password can log in as any learner; and the connection is not encrypted. "
    "Real deployments need real authentication (your trust's Microsoft Entra ID) and per-user OS isolation: "
    "see 'Run a workshop' in the README (qitools hub deploy-files --out DIR)."
)

_CONFIG_TEXT = """\
# Written by 'qitools hub --demo'. The settings are in hub.json beside this file; passwords are
# given to JupyterHub in its environment and never written to disk.
from qitools.hub.demo import configure

configure(get_config(), __file__)  # noqa: F821 - get_config is given by JupyterHub's config loader
"""


@dataclass
class DemoSettings:
    """What the demo hub needs to know, saved as ``hub.json`` in its folder."""

    learners: list[str]
    coach: str | None
    ip: str
    port: int
    hub_port: int
    proxy_api_port: int
    idle_timeout: int
    proxy: str
    python: str
    qitools: str = ""
    homes: str = "homes"
    extra: dict[str, Any] = field(default_factory=dict)

    def to_json(self) -> str:
        return json.dumps(asdict(self), indent=1)

    @classmethod
    def load(cls, folder: str | os.PathLike[str]) -> DemoSettings:
        path = Path(folder) / SETTINGS_FILE
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
            return cls(**{k: data[k] for k in cls.__dataclass_fields__ if k in data})
        except FileNotFoundError:
            raise QIValueError(
                f"{str(Path(folder))!r} is not a workshop hub folder: it has no {SETTINGS_FILE}. Give the folder "
                f"'qitools hub --demo' used (--dir; default {DEFAULT_DIR})."
            ) from None
        except (OSError, ValueError, TypeError, KeyError) as exc:
            raise QIValueError(f"Cannot read {path}: {exc}. It is written by 'qitools hub --demo'.") from None


def valid_name(name: str) -> bool:
    """Whether ``name`` is a usable login name: lower-case letters, digits, ``-`` and ``_``, 1 to 32 long.

    Examples
    --------
    >>> valid_name("alice"), valid_name("sam_patel2"), valid_name("Alice"), valid_name("../bob")
    (True, True, False, False)
    """
    return bool(_NAME.match(name))


def _check_names(learners: list[str], coach: str | None) -> None:
    bad = [n for n in learners + ([coach] if coach else []) if not valid_name(n)]
    if bad:
        raise QIValueError(
            "These login names cannot be used: "
            + ", ".join(repr(n) for n in bad)
            + ". A name is 1 to 32 lower-case letters, digits, '-' or '_', starting with a letter (it also names "
            "the learner's home folder and their folder of submissions). Example: --users alice,bob,sam_patel"
        )
    if not learners:
        raise QIValueError("Give at least one learner: --users alice,bob")
    repeated = sorted({n for n in learners if learners.count(n) > 1})
    if repeated:
        raise QIValueError(f"These learners are listed twice: {', '.join(repeated)}. Give each name once.")
    if coach and coach in learners:
        raise QIValueError(f"{coach!r} is both a learner and the coach. Give the coach a name of their own.")
    if len(learners) > _MAX_USERS:
        raise QIValueError(
            f"{len(learners)} learners is too many for the demo hub on one computer (at most {_MAX_USERS}). For a large "
            "cohort, deploy JupyterHub properly: see 'Run a workshop' in the README."
        )


def _check_passwords(learner_password: str, coach_password: str | None) -> None:
    if len(learner_password) < _MIN_LEARNER_PASSWORD:
        raise QIValueError(
            f"The learner password is {len(learner_password)} characters long; JupyterHub needs at least "
            f"{_MIN_LEARNER_PASSWORD}. Choose a longer one (a few words are easy to read out in a room)."
        )
    if coach_password is not None:
        if len(coach_password) < _MIN_COACH_PASSWORD:
            raise QIValueError(
                f"The coach password is {len(coach_password)} characters long; JupyterHub needs at least "
                f"{_MIN_COACH_PASSWORD} for the admin account. Choose a longer one, or leave --coach-password out "
                "and one is made for you."
            )
        if coach_password == learner_password:
            raise QIValueError("The coach password must differ from the learners' password (the coach is the admin).")


def _free_port(ip: str = "127.0.0.1") -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind((ip, 0))
        return int(s.getsockname()[1])


def _check_port(ip: str, port: int) -> None:
    if not 1 <= port <= 65535:
        raise QIValueError(f"--port must be between 1 and 65535; got {port}.")
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        try:
            s.bind((ip, port))
        except OSError as exc:
            raise QIValueError(
                f"Cannot use port {port} on {ip}: {exc.strerror or exc}. Another program (or another hub) is using "
                "it; choose another with --port, such as 8001."
            ) from None


#: JupyterLab settings for a room with no internet: no news, no update checks (written once per home).
_LAB_SETTINGS = {
    "@jupyterlab/apputils-extension/notification.jupyterlab-settings": {"checkForUpdates": False, "fetchNews": "false"},
}


def _quiet_jupyterlab(home: Path) -> None:
    from .._files import atomic_write_text

    folder = home / ".jupyter" / "lab" / "user-settings"
    for rel, values in _LAB_SETTINGS.items():
        path = folder / rel
        if os.path.lexists(path) or any(p.is_symlink() for p in (home / ".jupyter", folder) if os.path.lexists(p)):
            continue  # the learner's own settings are theirs
        path.parent.mkdir(parents=True, exist_ok=True)
        atomic_write_text(path, json.dumps(values))


def _is_root() -> bool:
    return hasattr(os, "geteuid") and os.geteuid() == 0


def _require_jupyterhub() -> str:
    try:
        import jupyterhub
    except ImportError:
        raise QIToolsError(
            'JupyterHub is not installed. Install the hub extra: pip install -e ".[hub]" (in the qitools folder) '
            'or pip install "qitools[hub]".'
        ) from None
    version = jupyterhub.__version__
    major, minor = (int(x) for x in re.findall(r"\d+", version)[:2])
    if (major, minor) < (5, 3):
        raise QIToolsError(
            f"JupyterHub {version} is too old: the demo needs 5.3 or newer (its shared-password login). "
            'Upgrade with pip install -U "qitools[hub]".'
        )
    return version


def prepare_demo(
    folder: str | os.PathLike[str],
    *,
    learners: list[str],
    coach: str | None,
    ip: str = "127.0.0.1",
    port: int = 8000,
    idle_timeout: int = 3600,
    proxy: str | os.PathLike[str] | None = None,
    allow_root: bool = False,
) -> DemoSettings:
    """Make the hub's folder: settings, the config file JupyterHub loads, a course copy in every home.

    Parameters
    ----------
    folder : str or Path
        The hub's folder (created if needed, private to you). Homes are ``folder/homes/<name>``.
    learners : list of str
        Learners' login names.
    coach : str or None
        The coach's login name (the hub's admin), or None.
    ip, port : str, int
        Where the hub listens (``127.0.0.1``: this computer only; ``0.0.0.0``: the room's network).
    idle_timeout : int
        Seconds without activity after which a learner's server is stopped.
    proxy : path, optional
        The configurable-http-proxy program (default :func:`qitools.hub.proxy.find_proxy`).
    allow_root : bool, default False
        Allow starting the hub as root (every learner's code then runs as root): for a throwaway
        container only.

    Returns
    -------
    DemoSettings

    Raises
    ------
    QIValueError
        Bad names, port in use, idle timeout too short.
    QIToolsError
        JupyterHub or configurable-http-proxy is missing.
    """
    from .. import __version__
    from ..course import learner_course
    from .proxy import _HOW_TO_INSTALL, find_proxy

    learners = list(learners)
    _check_names(learners, coach)
    if idle_timeout < 10:
        raise QIValueError(f"--idle-timeout must be at least 10 seconds; got {idle_timeout}.")
    _check_port(ip, port)
    if _is_root() and not allow_root:
        raise QIValueError(
            "You are running this as root (the administrator account), so every learner's code would run as root on "
            "this computer. Start the demo hub as an ordinary user. (In a throwaway container, add --allow-root.)"
        )
    _require_jupyterhub()
    program = Path(proxy) if proxy else find_proxy()
    if program is None or not program.is_file():
        raise QIToolsError("configurable-http-proxy is not installed, and JupyterHub needs it. " + _HOW_TO_INSTALL)

    root = Path(folder).absolute()
    existing = root / SETTINGS_FILE
    if root.exists() and any(root.iterdir()) and not existing.is_file():
        raise QIValueError(
            f"The folder {str(root)!r} has files in it but is not a workshop hub folder. Give a new folder with --dir."
        )
    root.mkdir(parents=True, exist_ok=True)
    os.chmod(root, 0o700)  # JupyterHub's database and cookie secret are in it
    homes = root / "homes"
    homes.mkdir(exist_ok=True)
    for name in learners + ([coach] if coach else []):
        learner_course(homes / name, add_missing=True)
        _quiet_jupyterlab(homes / name)

    settings = DemoSettings(
        learners=learners,
        coach=coach,
        ip=ip,
        port=port,
        hub_port=_free_port(),
        proxy_api_port=_free_port(),
        idle_timeout=int(idle_timeout),
        proxy=str(program.absolute()),
        python=sys.executable,
        qitools=__version__,
        extra={"allow_root": bool(allow_root and _is_root())},
    )
    from .._files import atomic_write_text

    atomic_write_text(root / SETTINGS_FILE, settings.to_json())
    atomic_write_text(root / CONFIG_FILE, _CONFIG_TEXT)
    return settings


def configure(c: Any, config_file: str | os.PathLike[str]) -> None:
    """Configure JupyterHub for the demo (called by the hub folder's ``jupyterhub_config.py``).

    Parameters
    ----------
    c : traitlets.config.Config
        JupyterHub's configuration object (``get_config()``).
    config_file : path
        The config file; the settings are read from ``hub.json`` beside it.
    """
    root = Path(config_file).resolve().parent
    s = DemoSettings.load(root)
    homes = root / s.homes
    python = s.python or sys.executable

    c.JupyterHub.bind_url = f"http://{s.ip}:{s.port}"
    c.JupyterHub.hub_bind_url = f"http://127.0.0.1:{s.hub_port}"
    c.ConfigurableHTTPProxy.api_url = f"http://127.0.0.1:{s.proxy_api_port}"
    c.ConfigurableHTTPProxy.command = [s.proxy]
    c.ConfigurableHTTPProxy.pid_file = str(root / "proxy.pid")
    c.JupyterHub.pid_file = str(root / "jupyterhub.pid")
    c.JupyterHub.db_url = "sqlite:///" + str(root / "jupyterhub.sqlite")
    c.JupyterHub.cookie_secret_file = str(root / "jupyterhub_cookie_secret")
    c.JupyterHub.cleanup_servers = True
    c.JupyterHub.cleanup_proxy = True

    # Logins: JupyterHub's shared-password authenticator; only the named learners and the coach.
    c.JupyterHub.authenticator_class = "shared-password"
    c.SharedPasswordAuthenticator.user_password = os.environ.pop(_LEARNER_PASSWORD_ENV, None)
    coach_password = os.environ.pop(_COACH_PASSWORD_ENV, None)
    c.Authenticator.allowed_users = set(s.learners)
    if s.coach:
        c.Authenticator.admin_users = {s.coach}
        c.SharedPasswordAuthenticator.admin_password = coach_password
    c.JupyterHub.template_vars = {
        "announcement_login": "qitools workshop &mdash; a demo hub for one trusted room. Log in with the name and "
        "password your coach gave you."
    }

    # One home folder per learner; every server runs as the user who started the hub (see DEMO_WARNING).
    c.JupyterHub.spawner_class = "jupyterhub.spawner.SimpleLocalProcessSpawner"
    c.SimpleLocalProcessSpawner.home_dir_template = str(homes / "{username}")
    c.Spawner.notebook_dir = str(homes / "{username}")
    c.Spawner.cmd = [python, "-m", "qitools.hub.singleuser"]
    c.Spawner.default_url = START_URL
    c.Spawner.args = [
        "--ServerApp.terminals_enabled=False",
        "--ServerApp.jpserver_extensions=jupyter_lsp=False",  # no language servers: less memory, quicker start
        "--LabApp.news_url=None",
        "--LabApp.check_for_updates_class=jupyterlab.NeverCheckForUpdate",
    ]
    if s.extra.get("allow_root"):
        c.Spawner.args.append("--ServerApp.allow_root=True")
    c.Spawner.start_timeout = 180
    c.Spawner.http_timeout = 180

    # Idle servers are stopped by jupyterhub-idle-culler, a hub service with just the rights it needs.
    every = max(5, min(300, s.idle_timeout // 3))
    c.JupyterHub.services = [
        {
            "name": "idle-culler",
            "command": [python, "-m", "jupyterhub_idle_culler", f"--timeout={s.idle_timeout}", f"--cull-every={every}"],
        }
    ]
    c.JupyterHub.load_roles = [
        {
            "name": "idle-culler",
            "scopes": ["list:users", "read:users:activity", "read:servers", "delete:servers"],
            "services": ["idle-culler"],
        }
    ]
    # Activity reaches the hub often enough for the culler to judge short timeouts fairly.
    c.JupyterHub.last_activity_interval = max(5, min(300, s.idle_timeout // 3))


def _banner(s: DemoSettings, root: Path, learner_password: str, coach_password: str | None, generated: bool) -> str:
    host = "localhost" if s.ip in ("127.0.0.1", "localhost") else (socket.gethostname() if s.ip == "0.0.0.0" else s.ip)
    lines = [
        f"qitools workshop hub (demo) starting at http://{host}:{s.port}/",
        f"  learners ({len(s.learners)}): {', '.join(s.learners)}; they log in with the learner password you gave",
    ]
    if s.coach:
        shown = coach_password if generated else "the one you gave"
        lines.append(f"  coach (hub admin): {s.coach}; password: {shown}")
    lines += [
        f"  each learner has their own home folder with their own copy of the course: {root / s.homes}{os.sep}<name>",
        f"  JupyterLab opens on notebooks/00_start_here.ipynb; idle servers stop after {s.idle_timeout // 60} min "
        f"({s.idle_timeout} s), their work stays on disk",
        f"  collect work: qitools hub collect --dir {root} --out submissions/",
        "",
        "WARNING: " + DEMO_WARNING,
        "",
        "Stop the hub with Ctrl-C.",
    ]
    return "\n".join(lines)


def _say(text: str) -> None:
    """Print, unless the terminal has gone (closed window): stopping the hub must not fail on that."""
    try:
        print(text, flush=True)
    except (OSError, ValueError):
        pass


def _descendants(pid: int) -> list[Any]:
    try:
        import psutil

        return psutil.Process(pid).children(recursive=True)
    except Exception:  # psutil missing or the process gone: nothing more to clean up
        return []


def run_demo(
    folder: str | os.PathLike[str],
    *,
    learners: list[str],
    coach: str | None,
    learner_password: str,
    coach_password: str | None = None,
    ip: str = "127.0.0.1",
    port: int = 8000,
    idle_timeout: int = 3600,
    allow_root: bool = False,
) -> int:
    """Start the demo hub and wait until it is stopped (Ctrl-C or SIGTERM); returns JupyterHub's exit status.

    Every process the hub started (the proxy, the learners' servers and kernels, the culler) is
    stopped when it stops.
    """
    _check_passwords(learner_password, coach_password)
    generated = coach is not None and coach_password is None
    if generated:
        coach_password = secrets.token_urlsafe(24)  # 32 characters
    settings = prepare_demo(
        folder, learners=learners, coach=coach, ip=ip, port=port, idle_timeout=idle_timeout, allow_root=allow_root
    )
    root = Path(folder).absolute()
    env = dict(os.environ)
    env[_LEARNER_PASSWORD_ENV] = learner_password
    if coach:
        env[_COACH_PASSWORD_ENV] = coach_password or ""
    env["PATH"] = os.pathsep.join([str(Path(settings.proxy).parent), str(Path(sys.executable).parent), env.get("PATH", "")])
    print(_banner(settings, root, learner_password, coach_password, generated), flush=True)
    hub = subprocess.Popen(
        [sys.executable, "-m", "jupyterhub", "-f", str(root / CONFIG_FILE)],
        cwd=root,
        env=env,
        start_new_session=True,  # Ctrl-C reaches this process, which stops the hub in order
    )
    stopping = False

    def _stop(signum: int, frame: Any) -> None:
        raise KeyboardInterrupt

    # Ctrl-C, SIGTERM, and SIGHUP (the coach closed the terminal window: the hub, in a session of its
    # own, would otherwise go on running with the learners' servers and hold the port)
    stop_on = [signal.SIGTERM] + ([signal.SIGHUP] if hasattr(signal, "SIGHUP") else [])
    previous = {sig: signal.signal(sig, _stop) for sig in stop_on}
    children: list[Any] = []
    try:
        while hub.poll() is None:
            try:
                time.sleep(1)
                children = _descendants(hub.pid) or children
            except KeyboardInterrupt:
                stopping = True
                break
    finally:
        for sig in stop_on:
            signal.signal(sig, signal.SIG_IGN if sig != signal.SIGTERM else previous[sig])  # one stop at a time
        children = _descendants(hub.pid) or children
        if hub.poll() is None:
            _say("\nStopping the hub and every learner's server ...")
            hub.send_signal(signal.SIGTERM)
            try:
                hub.wait(timeout=60)
            except subprocess.TimeoutExpired:
                hub.kill()
                hub.wait(timeout=10)
        for child in children:  # anything JupyterHub did not stop itself
            try:
                if child.is_running():
                    child.terminate()
            except Exception:
                pass
        for child in children:
            try:
                child.wait(timeout=10)
            except Exception:
                try:
                    child.kill()
                except Exception:
                    pass
    if stopping:
        _say("The hub has stopped. The learners' work is in their home folders.")
        return 0
    return hub.returncode or 0
