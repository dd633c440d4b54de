"""Where a submitted notebook runs: its own process, kept away from the coach's files and processes.

Threat model: a learner sends a notebook; the coach grades it on an ordinary laptop. The notebook
may have been written by someone who has read qitools' source. So:

* **The coach's answers never enter the learner's process.** It starts with a working copy of the
  notebook, the datasets and a copy of the qitools package (which holds no solutions), in an
  empty temporary home folder; no path, environment variable, file or argument leads to the
  coach's folder. The hidden checks and the judges run in the coach's process
  (:mod:`qitools.grading.session`); only data crosses (:mod:`qitools.grading._wire`).
* **On Linux with bubblewrap** (``bwrap``; Debian/Ubuntu package ``bubblewrap``) the learner's
  process runs in a sandbox: no network, a read-only view of the system and of Python (nothing of
  the user's home or of the course folder), a private writable home folder and ``/tmp``, all
  capabilities dropped, its own process namespace, so that every process it starts, detached or
  not, dies when the grading of that notebook ends (or when the coach's process dies).
* **Elsewhere** (macOS, Windows, or Linux where bubblewrap cannot run, as in some containers) it
  runs as the coach's user in its own process group (POSIX) or job object (Windows), killed at the
  end; the notebook could read the coach's files, use the network, and (POSIX) a process it
  detaches from its group could outlive the grading. :func:`isolation` says which, and
  :data:`Isolation.warning` tells the coach.

:class:`Workspace` prepares, once per batch, what every learner process gets (the qitools copy,
its compiled files, the Python environment, the font cache); :class:`LearnerProcess` is one
learner process and the line-by-line JSON channel to it.
"""

from __future__ import annotations

import json
import os
import queue
import shutil
import signal
import site
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ..spc.errors import QIToolsWarning, QIValueError

__all__ = ["Isolation", "isolation", "Workspace", "LearnerProcess", "LearnerGone", "GradingIsolationWarning"]

#: where things are seen inside the bubblewrap sandbox
_HOME, _LIB, _ENV, _USER_SITE = "/learner", "/opt/qitools-lib", "/opt/qitools-env", "/opt/qitools-site"
#: longest line accepted from a learner process (bytes)
MAX_LINE = 64 * 2**20
#: most a notebook may write in the sandbox, in its home folder and in /tmp each (bytes): kept in
#: memory (tmpfs), so a notebook that writes without end fills its own folder, not the coach's disk
PRIVATE_BYTES = 128 * 2**20
_ETC = ("ld.so.cache", "ld.so.conf", "ld.so.conf.d", "localtime", "timezone", "fonts", "passwd", "group",
        "nsswitch.conf", "mime.types", "alternatives", "matplotlibrc", "ssl", "ca-certificates")  # fmt: skip
_SYSTEM_DIRS = ("/bin", "/sbin", "/lib", "/lib32", "/lib64", "/libx32")


class GradingIsolationWarning(QIToolsWarning):
    """Notebooks are graded without a sandbox: the warning says what they could do."""


class LearnerGone(Exception):
    """The learner's process ended, broke the channel, or was stopped (``reason`` says which)."""

    def __init__(self, reason: str):
        super().__init__(reason)
        self.reason = reason


@dataclass(frozen=True)
class Isolation:
    """How learner processes are isolated in this grading run.

    Attributes
    ----------
    kind : {"bubblewrap", "process group", "job object"}
    sandboxed : bool
        True with bubblewrap: no network, no view of the coach's files, every process killed.
    description : str
        One line for the coach ("sandbox: bubblewrap ...").
    warning : str or None
        What a notebook could do without a sandbox, and how to get one.
    """

    kind: str
    sandboxed: bool
    description: str
    warning: str | None = None
    bwrap: str | None = None


_PROBE: dict[str, tuple[bool, str]] = {}


def _probe_bwrap(path: str) -> tuple[bool, str]:
    """Can bubblewrap make a sandbox here (user namespaces may be restricted)? Cached per path."""
    if path not in _PROBE:
        args = [path, "--unshare-all", "--die-with-parent", "--new-session", "--cap-drop", "ALL",
                *_system_binds(), "--proc", "/proc", "--dev", "/dev", "--", "/usr/bin/env", "true"]  # fmt: skip
        try:
            done = subprocess.run(args, capture_output=True, timeout=30, stdin=subprocess.DEVNULL, check=False)
            ok = done.returncode == 0
            why = done.stderr.decode("utf-8", "replace").strip()[:300] or f"exit status {done.returncode}"
        except (OSError, subprocess.TimeoutExpired) as exc:
            ok, why = False, f"{type(exc).__name__}: {exc}"[:300]
        _PROBE[path] = (ok, why)
    return _PROBE[path]


_SIZED: dict[str, bool] = {}


def _probe_sized_tmpfs(path: str) -> bool:
    """Can this bubblewrap make a tmpfs of a given size (``--size``, bubblewrap 0.7 and later)?"""
    if path not in _SIZED:
        args = [path, "--unshare-all", "--die-with-parent", "--new-session", "--cap-drop", "ALL", *_system_binds(),
                "--size", str(2**20), "--tmpfs", "/tmp", "--proc", "/proc", "--dev", "/dev", "--", "/usr/bin/env",
                "true"]  # fmt: skip
        try:
            done = subprocess.run(args, capture_output=True, timeout=30, stdin=subprocess.DEVNULL, check=False)
            _SIZED[path] = done.returncode == 0
        except (OSError, subprocess.TimeoutExpired):
            _SIZED[path] = False
    return _SIZED[path]


def isolation(mode: str = "auto") -> Isolation:
    """The isolation this computer gives learner processes.

    Parameters
    ----------
    mode : {"auto", "required", "none"}
        "auto": bubblewrap where it works, otherwise a process group / job object (with a
        warning); "required": bubblewrap or a :class:`~qitools.QIValueError`; "none": never the
        sandbox (for comparison and debugging).

    Returns
    -------
    Isolation
    """
    if mode not in ("auto", "required", "none"):
        raise QIValueError(f"sandbox must be 'auto', 'required' or 'none'; got {mode!r}.")
    why = "this is not Linux"
    if sys.platform.startswith("linux") and mode != "none":
        path = shutil.which("bwrap") or ("/usr/bin/bwrap" if os.path.exists("/usr/bin/bwrap") else None)
        if path is None:
            why = "bubblewrap (bwrap) is not installed"
        else:
            ok, detail = _probe_bwrap(path)
            if ok:
                return Isolation(
                    "bubblewrap",
                    True,
                    "sandbox: bubblewrap (no network, read-only view of the system, a private folder per "
                    "notebook, every process it starts stopped at the end)",
                    bwrap=path,
                )
            why = f"bubblewrap cannot make a sandbox here ({detail})"
    elif mode == "none":
        why = "the sandbox was turned off"
    if mode == "required":
        raise QIValueError(
            f"A sandbox is required to grade, but {why}. On Debian or Ubuntu install it with "
            "'sudo apt-get install bubblewrap'; in a container, allow user namespaces."
        )
    kind = "job object" if os.name == "nt" else "process group"
    how = (
        "On Linux, install bubblewrap (Debian/Ubuntu: sudo apt-get install bubblewrap); elsewhere, grade "
        "notebooks from people you do not trust in a virtual machine."
    )
    detached = "" if os.name == "nt" else "; a process it detaches from its group may keep running after grading"
    warning = (
        f"Grading without a sandbox ({why}). Each notebook runs in its own process and temporary folder, "
        f"and its {kind} is stopped at the end, but it runs as you: it could read any file you can read "
        f"(including the hidden checks and solutions), write outside its folder and use the network{detached}. "
        "Its grade is still decided by the hidden checks in this process. " + how
    )
    return Isolation(kind, False, f"no sandbox: {kind} per notebook ({why})", warning)


def _system_binds() -> list[str]:
    out = ["--ro-bind", "/usr", "/usr"]
    for path in _SYSTEM_DIRS:
        if os.path.islink(path):
            out += ["--symlink", os.readlink(path), path]
        elif os.path.isdir(path):
            out += ["--ro-bind", path, path]
    for name in _ETC:
        out += ["--ro-bind-try", f"/etc/{name}", f"/etc/{name}"]
    return out


# ------------------------------------------------------------------------------------------------
# The workspace of a batch
# ------------------------------------------------------------------------------------------------


def _qitools_root() -> Path:
    return Path(__file__).resolve().parents[1]


def _copy_qitools(dest: Path) -> None:
    """A copy of the qitools package with the example datasets in qitools/_data (no caches, and not the
    course's notebooks that a wheel ships for `qitools bundle`: a graded notebook does not need them)."""
    from .. import datasets

    src = _qitools_root()
    skip = shutil.ignore_patterns("__pycache__", "*.pyc", "_data", "_notebooks", "_exercises")
    shutil.copytree(src, dest / "qitools", ignore=skip)
    data = dest / "qitools" / "_data"
    data.mkdir()
    for path in datasets._data_dir().iterdir():
        if path.is_file() and path.suffix in (".csv", ".json", ".xlsx", ".md"):
            shutil.copy(path, data / path.name)


def _under(path: Path, roots: list[Path]) -> bool:
    return any(path == r or r in path.parents for r in roots)


@dataclass
class _PythonLayout:
    python: str  # the interpreter as seen by the learner process
    binds: list[str]  # bwrap arguments
    extra_site: list[str]  # site dirs to add (as seen by the learner process)


class Workspace:
    """What every learner process of a batch gets, made once: a qitools copy and the Python to run it.

    Parameters
    ----------
    isolation : Isolation
    workdir : path, optional
        Where the temporary folders go (default: the system's temporary folder).
    """

    def __init__(self, iso: Isolation, workdir: str | Path | None = None):
        self.isolation = iso
        self.workdir = workdir
        self.root = Path(tempfile.mkdtemp(prefix="qitools-grading-", dir=workdir))
        self.lib = self.root / "lib"
        self.lib.mkdir()
        self.fonts: dict[str, bytes] = {}
        self.live: set[LearnerProcess] = set()
        self._lock = threading.Lock()
        try:
            _copy_qitools(self.lib)
            self._compile()
            self.layout = self._python_layout()
        except BaseException:
            self.close()
            raise

    def _compile(self) -> None:
        import compileall

        ddir = _LIB if self.isolation.sandboxed else None
        compileall.compile_dir(self.lib, ddir=ddir, quiet=2, workers=1)

    def _python_layout(self) -> _PythonLayout:
        prefix, base = Path(sys.prefix).resolve(), Path(sys.base_prefix).resolve()
        exe = Path(sys.executable)
        user_site = Path(site.getusersitepackages()) if site.ENABLE_USER_SITE else None
        standard = [prefix, base]
        extra = []
        for entry in sys.path:
            p = Path(entry).resolve() if entry else None
            if p is None or not p.is_dir() or _under(p, standard) or p.name not in ("site-packages", "dist-packages"):
                continue
            if p not in extra:
                extra.append(p)
        if not self.isolation.sandboxed:
            return _PythonLayout(str(exe), [], [str(p) for p in extra])
        binds: list[str] = []
        if not _under(base, [Path("/usr")]):
            binds += ["--ro-bind", str(base), str(base)]
        venv = prefix != base and (prefix / "pyvenv.cfg").is_file()
        if venv:
            binds += ["--ro-bind", str(prefix), _ENV]
            python = str(exe.resolve())
            for exe_path, prefix_path in ((exe.absolute(), Path(sys.prefix).absolute()), (exe.absolute(), prefix)):
                try:
                    python = str(Path(_ENV) / exe_path.relative_to(prefix_path))
                    break
                except ValueError:
                    continue
        else:
            if not _under(prefix, [Path("/usr"), base]):
                binds += ["--ro-bind", str(prefix), str(prefix)]
            python = str(exe.resolve())
        inside_extra = []
        for i, p in enumerate(extra):
            target = f"{_USER_SITE}{i}" if p != user_site else _USER_SITE
            binds += ["--ro-bind", str(p), target]
            inside_extra.append(target)
        binds += self._masks(prefix, base, venv, dict(zip(extra, inside_extra, strict=True)))
        return _PythonLayout(python, binds, inside_extra)

    def _masks(self, prefix: Path, base: Path, venv: bool, extra: dict[Path, str]) -> list[str]:
        """Hide files of site-packages that point at the qitools source folder (editable installs)."""
        checkout = str(_qitools_root().parent)
        folders: dict[Path, str] = dict(extra)
        for sp in (prefix / "lib").glob("python3*/site-packages") if prefix.is_dir() else []:
            folders[sp] = str(Path(_ENV) / sp.relative_to(prefix)) if venv else str(sp)
        out: list[str] = []
        for folder, inside in folders.items():
            try:
                entries = list(folder.iterdir())
            except OSError:
                continue
            for path in entries:
                name = path.name
                hide = name.startswith("__editable__") or name.endswith(".egg-link")
                if not hide and name.endswith(".pth") and path.is_file():
                    try:
                        hide = checkout in path.read_text(encoding="utf-8", errors="replace")
                    except OSError:
                        hide = False
                if hide and path.is_file():
                    out += ["--ro-bind", os.devnull, f"{inside}/{name}"]
                if name.startswith("qitools-") and name.endswith(".dist-info") and (path / "direct_url.json").is_file():
                    out += ["--ro-bind", os.devnull, f"{inside}/{name}/direct_url.json"]
        return out

    # -- per notebook -------------------------------------------------------------------------

    def new_home(self) -> Path:
        """A fresh private folder for one notebook (with tmp/, and the font cache when known)."""
        home = Path(tempfile.mkdtemp(prefix="qitools-grade-", dir=self.workdir))
        (home / "tmp").mkdir()
        mpl = home / ".matplotlib"
        mpl.mkdir()
        for name, data in self.fonts.items():
            (mpl / name).write_bytes(data)
        return home

    def prepare_fonts(self, timeout: float = 120) -> None:
        """Build matplotlib's font list once (in a learner process), so no notebook spends time on it."""
        home = self.new_home()
        proc = LearnerProcess(self, home, private=False)  # runs no notebook; its font list is kept
        try:
            proc.start(timeout)
        except LearnerGone:
            return  # the notebooks will report it
        finally:
            proc.close()
            for path in (home / ".matplotlib").glob("fontlist-*.json"):
                self.fonts[path.name] = path.read_bytes()
            shutil.rmtree(home, ignore_errors=True)

    def command(
        self, home: Path, info_fd: int | None, copies: list[tuple[int, str]] | None = None
    ) -> tuple[list[str], dict[str, str], bytes]:
        """(argv, environment, bwrap arguments for --args) to start a learner process in ``home``.

        ``copies``: in the sandbox, the home folder and /tmp are private folders in memory of at
        most :data:`PRIVATE_BYTES` each, and ``home``'s files are copied into them from these open
        files (descriptor, or -1 for a folder; path inside: see :meth:`LearnerProcess.start`). None
        binds ``home`` itself (for :meth:`prepare_fonts`, which runs no notebook, and where
        bubblewrap cannot size a private folder).
        """
        inside_home = _HOME if self.isolation.sandboxed else str(home)
        inside_lib = _LIB if self.isolation.sandboxed else str(self.lib)
        tmp = "/tmp" if self.isolation.sandboxed else str(home / "tmp")
        env = {
            "HOME": inside_home,
            "USER": "learner",
            "LOGNAME": "learner",
            "LANG": "C.UTF-8",
            "PATH": os.pathsep.join(["/usr/local/bin", "/usr/bin", "/bin"]),
            "MPLBACKEND": "Agg",
            "MPLCONFIGDIR": f"{inside_home}/.matplotlib",
            "IPYTHONDIR": f"{inside_home}/.ipython",
            "TMPDIR": tmp,
            "OMP_NUM_THREADS": "1",
            "OPENBLAS_NUM_THREADS": "1",
            "MKL_NUM_THREADS": "1",
            "PYTHONIOENCODING": "utf-8",
        }
        if os.name == "nt":  # pragma: no cover - Windows
            for key in ("SYSTEMROOT", "SYSTEMDRIVE", "WINDIR", "PATH", "PATHEXT", "COMSPEC"):
                if key in os.environ:
                    env[key] = os.environ[key]
            env.update(USERPROFILE=inside_home, TEMP=tmp, TMP=tmp)
        boot = (
            "import sys, site; sys.path.insert(0, {lib!r}); [site.addsitedir(d) for d in {extra!r}]; "
            "from qitools.grading._learner import main; sys.exit(main())"
        ).format(lib=inside_lib, extra=self.layout.extra_site)
        python = [self.layout.python, "-I", "-B", "-c", boot]
        if not self.isolation.sandboxed:
            return python, env, b""
        bargs = ["--unshare-all", "--die-with-parent", "--new-session", "--cap-drop", "ALL", "--clearenv"]
        for key, value in env.items():
            bargs += ["--setenv", key, value]
        bargs += _system_binds()
        bargs += self.layout.binds
        bargs += ["--ro-bind", str(self.lib), _LIB]
        if copies is None:
            bargs += ["--bind", str(home), _HOME, "--bind", str(home / "tmp"), "/tmp"]
        else:
            bargs += ["--size", str(PRIVATE_BYTES), "--tmpfs", _HOME, "--size", str(PRIVATE_BYTES), "--tmpfs", "/tmp"]
            for fd, inside in copies:
                bargs += ["--dir", inside] if fd < 0 else ["--file", str(fd), inside]
        bargs += ["--proc", "/proc", "--dev", "/dev", "--chdir", _HOME]
        argv = [self.isolation.bwrap or "bwrap", "--args", "{args_fd}"]
        if info_fd is not None:
            argv += ["--info-fd", str(info_fd)]
        return argv + ["--", *python], {"PATH": os.environ.get("PATH", "/usr/bin:/bin")}, "\0".join(bargs).encode()

    def stop_all(self) -> None:
        """Stop every learner process still running (the coach pressed Ctrl-C)."""
        with self._lock:
            running = list(self.live)
        for proc in running:
            proc.close()

    def close(self) -> None:
        """Stop what is still running and remove the qitools copy."""
        self.stop_all()
        shutil.rmtree(self.root, ignore_errors=True)


# ------------------------------------------------------------------------------------------------
# One learner process
# ------------------------------------------------------------------------------------------------

_EOF = object()


class LearnerProcess:
    """One learner process (in its sandbox) and the JSON-lines channel to it.

    Nothing the process sends is trusted: lines are bounded, must be JSON objects, and are only
    ever read as the learner's answers.
    """

    def __init__(self, workspace: Workspace, home: Path, private: bool = True):
        self.workspace = workspace
        self.home = home
        #: in the sandbox, the notebook writes into private folders in memory, not into ``home``
        iso = workspace.isolation
        self.private = private and iso.sandboxed and _probe_sized_tmpfs(iso.bwrap or "bwrap")
        self.proc: subprocess.Popen | None = None
        self.inner_pid: int | None = None
        self._lines: queue.Queue = queue.Queue(maxsize=10_000)
        self._stderr = bytearray()
        self._job: Any = None
        self.warmup = 0.0

    # -- start and stop -----------------------------------------------------------------------

    def start(self, timeout: float) -> float:
        """Start the process; wait until it has loaded qitools. Returns the seconds that took."""
        sandboxed = self.workspace.isolation.sandboxed
        fds: list[int] = []
        info_r = info_w = args_r = None
        copies: list[tuple[int, str]] | None = None
        if sandboxed:
            info_r, info_w = os.pipe()
            args_r, args_w = os.pipe()
            if self.private:  # the grader's own files for the home folder (no links: it made them)
                copies = []
                for path in sorted(self.home.rglob("*")):
                    rel = path.relative_to(self.home).as_posix()
                    if rel != "tmp":
                        inside = f"{_HOME}/{rel}"
                        copies.append((-1, inside) if path.is_dir() else (os.open(path, os.O_RDONLY), inside))
        argv, env, bargs = self.workspace.command(self.home, info_w, copies)
        if sandboxed:
            assert args_r is not None and info_w is not None
            argv = [a.replace("{args_fd}", str(args_r)) for a in argv]
            fds = [args_r, info_w, *(fd for fd, _ in copies or [] if fd >= 0)]
            writer = threading.Thread(target=_write_all, args=(args_w, bargs), daemon=True)
            writer.start()
        started = time.monotonic()
        kwargs: dict[str, Any] = {}
        if os.name == "posix":
            kwargs["start_new_session"] = True
        else:  # pragma: no cover - Windows
            kwargs["creationflags"] = subprocess.CREATE_NEW_PROCESS_GROUP
        try:
            self.proc = subprocess.Popen(
                argv,
                stdin=subprocess.PIPE,
                stdout=subprocess.PIPE,
                stderr=subprocess.PIPE,
                cwd=str(self.home),
                env=env,
                pass_fds=fds,
                **kwargs,
            )
        except OSError as exc:
            raise LearnerGone(f"could not start Python for this notebook: {exc}") from None
        finally:
            for fd in fds:
                os.close(fd)
        with self.workspace._lock:
            self.workspace.live.add(self)
        if os.name == "nt":  # pragma: no cover - Windows
            self._job = _job_object(self.proc)
        if info_r is not None:
            threading.Thread(target=self._read_info, args=(info_r,), daemon=True).start()
        threading.Thread(target=self._read_lines, daemon=True).start()
        threading.Thread(target=self._read_stderr, daemon=True).start()
        try:
            message = self.receive(started + timeout)
        except LearnerGone:
            message = None
            time.sleep(0.2)  # let the last lines of its error output arrive
        if message is None or "ready" not in message:
            detail = (message or {}).get("fatal") if isinstance(message, dict) else None
            tail = self._stderr.decode("utf-8", "replace").strip().splitlines()[-3:]
            why = str(detail) if detail else " | ".join(tail) or "no reply"
            raise LearnerGone(f"could not start Python for this notebook: {why}")
        self.warmup = time.monotonic() - started
        return self.warmup

    def _read_info(self, fd: int) -> None:
        data = b""
        try:
            while len(data) < 65536:
                chunk = os.read(fd, 4096)
                if not chunk:
                    break
                data += chunk
                try:
                    self.inner_pid = int(json.loads(data)["child-pid"])
                    break
                except (ValueError, KeyError, TypeError):
                    continue
        except OSError:
            pass
        finally:
            os.close(fd)

    def _read_lines(self) -> None:
        assert self.proc is not None and self.proc.stdout is not None
        out = self.proc.stdout
        try:
            while True:
                line = out.readline(MAX_LINE)
                if not line:
                    break
                if not line.endswith(b"\n"):
                    self._lines.put({"__broken__": "a message too long"})
                    break
                try:
                    message = json.loads(line)
                except (ValueError, RecursionError):
                    message = {"__broken__": "a message that is not JSON"}
                self._lines.put(message if isinstance(message, dict) else {"__broken__": "not an object"})
        except (OSError, ValueError):
            pass
        self._lines.put(_EOF)

    def _read_stderr(self) -> None:
        assert self.proc is not None and self.proc.stderr is not None
        try:
            while chunk := self.proc.stderr.read(4096):
                if len(self._stderr) < 8192:
                    self._stderr += chunk
        except (OSError, ValueError):
            pass

    def close(self) -> None:
        """Stop the process and every process it started; wait until they are gone."""
        proc = self.proc
        if proc is None:
            return
        with self.workspace._lock:
            self.workspace.live.discard(self)
        try:
            if proc.poll() is None and proc.stdin is not None:
                proc.stdin.write(b'{"op": "bye"}\n')
                proc.stdin.flush()
        except (OSError, ValueError):
            pass
        self._kill()
        for stream in (proc.stdin, proc.stdout, proc.stderr):
            try:
                if stream is not None:
                    stream.close()
            except OSError:
                pass

    def _kill(self) -> None:
        proc = self.proc
        assert proc is not None
        if os.name == "posix":
            try:
                os.killpg(proc.pid, signal.SIGKILL)
            except (ProcessLookupError, PermissionError):
                pass
        else:  # pragma: no cover - Windows
            _end_job(self._job)
        try:
            proc.kill()
        except OSError:
            pass
        try:
            proc.wait(timeout=30)
        except subprocess.TimeoutExpired:  # pragma: no cover
            pass
        if self.inner_pid is not None:  # the sandbox's first process: every process of its namespace dies with it
            deadline = time.monotonic() + 10
            while not _ended(self.inner_pid) and time.monotonic() < deadline:
                try:
                    os.kill(self.inner_pid, signal.SIGKILL)
                except (ProcessLookupError, PermissionError):
                    pass
                time.sleep(0.02)

    # -- messages -----------------------------------------------------------------------------

    def send(self, message: dict[str, Any]) -> None:
        """Send one request (raises LearnerGone if the process has closed its side)."""
        assert self.proc is not None and self.proc.stdin is not None
        try:
            self.proc.stdin.write(json.dumps(message, allow_nan=True).encode("utf-8") + b"\n")
            self.proc.stdin.flush()
        except (OSError, ValueError):
            raise LearnerGone("died") from None

    def receive(self, deadline: float) -> dict[str, Any] | None:
        """The next message, or None when ``deadline`` (time.monotonic) passes first.

        Raises LearnerGone("died") when the process has ended, LearnerGone("broken") when it sent
        something that is not a message.
        """
        while True:
            left = deadline - time.monotonic()
            if left <= 0:
                return None
            try:
                message = self._lines.get(timeout=min(left, 0.25))
            except queue.Empty:
                continue
            if message is _EOF:
                try:
                    self._lines.put_nowait(_EOF)
                except queue.Full:  # pragma: no cover
                    pass
                raise LearnerGone("died")
            if "__broken__" in message:
                raise LearnerGone("broken")
            return message


def _ended(pid: int) -> bool:
    """True when the process is gone or a zombie (a pid namespace's first process is a zombie only
    once every other process of its namespace has exited)."""
    try:
        with open(f"/proc/{pid}/stat", "rb") as f:
            state = f.read().rsplit(b")", 1)[1].split()[0]
    except (OSError, IndexError):
        return True
    return state in (b"Z", b"X")


def _write_all(fd: int, data: bytes) -> None:
    try:
        with os.fdopen(fd, "wb") as f:
            f.write(data)
    except OSError:
        pass


# ------------------------------------------------------------------------------------------------
# Windows job objects (every process the notebook starts is in the job, ended with it)
# ------------------------------------------------------------------------------------------------


def _job_object(proc: subprocess.Popen) -> Any:  # pragma: no cover - Windows only
    import ctypes
    from ctypes import wintypes

    kernel32 = ctypes.WinDLL("kernel32", use_last_error=True)

    class IoCounters(ctypes.Structure):
        _fields_ = [(n, ctypes.c_ulonglong) for n in ("r", "w", "o", "rb", "wb", "ob")]

    class BasicLimits(ctypes.Structure):
        _fields_ = [
            ("PerProcessUserTimeLimit", ctypes.c_int64),
            ("PerJobUserTimeLimit", ctypes.c_int64),
            ("LimitFlags", wintypes.DWORD),
            ("MinimumWorkingSetSize", ctypes.c_size_t),
            ("MaximumWorkingSetSize", ctypes.c_size_t),
            ("ActiveProcessLimit", wintypes.DWORD),
            ("Affinity", ctypes.c_size_t),
            ("PriorityClass", wintypes.DWORD),
            ("SchedulingClass", wintypes.DWORD),
        ]

    class ExtendedLimits(ctypes.Structure):
        _fields_ = [
            ("BasicLimitInformation", BasicLimits),
            ("IoInfo", IoCounters),
            ("ProcessMemoryLimit", ctypes.c_size_t),
            ("JobMemoryLimit", ctypes.c_size_t),
            ("PeakProcessMemoryUsed", ctypes.c_size_t),
            ("PeakJobMemoryUsed", ctypes.c_size_t),
        ]

    kernel32.CreateJobObjectW.restype = wintypes.HANDLE
    kernel32.CreateJobObjectW.argtypes = [ctypes.c_void_p, wintypes.LPCWSTR]
    kernel32.SetInformationJobObject.argtypes = [wintypes.HANDLE, ctypes.c_int, ctypes.c_void_p, wintypes.DWORD]
    kernel32.AssignProcessToJobObject.argtypes = [wintypes.HANDLE, wintypes.HANDLE]
    job = kernel32.CreateJobObjectW(None, None)
    if not job:
        return None
    limits = ExtendedLimits()
    limits.BasicLimitInformation.LimitFlags = 0x2000  # JOB_OBJECT_LIMIT_KILL_ON_JOB_CLOSE
    kernel32.SetInformationJobObject(job, 9, ctypes.byref(limits), ctypes.sizeof(limits))
    kernel32.AssignProcessToJobObject(job, wintypes.HANDLE(int(proc._handle)))  # type: ignore[attr-defined]
    return (kernel32, job)


def _end_job(job: Any) -> None:  # pragma: no cover - Windows only
    if job is None:
        return
    kernel32, handle = job
    from ctypes import wintypes

    kernel32.TerminateJobObject.argtypes = [wintypes.HANDLE, wintypes.UINT]
    kernel32.CloseHandle.argtypes = [wintypes.HANDLE]
    kernel32.TerminateJobObject(handle, 1)
    kernel32.CloseHandle(handle)
