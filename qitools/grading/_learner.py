"""The learner's side of grading: runs one submitted notebook's cells, answers the coach's requests.

Started by :mod:`qitools.grading.session` in the learner's own process (inside the sandbox where
there is one), with a copy of qitools and nothing of the coach's: no hidden checks, no solutions,
no paths to them. It talks to the coach's process over its standard input and output, one JSON
message per line, and keeps them to itself: the notebook's code sees ``/dev/null`` as its standard
input, output and error, so nothing it prints reaches the coach.

The coach asks, the learner's side answers:

* ``{"op": "run", "source": ..., "limit": s}``: run one cell (IPython, as in Jupyter); the reply
  says ``ok``, ``error`` (the error's class name and message) or ``timeout`` (interrupted after
  ``limit`` seconds);
* ``{"op": "values", "names": [...]}``: the values of these variables, as data (:mod:`._wire`);
* ``{"op": "call", "calls": [{"name", "args"}, ...], "limit": s}``: call the learner's functions on
  the coach's arguments, one reply line per call: the result as data, the error's class name, or
  ``timeout`` (a function that timed out once is not called again);
* ``{"op": "public"}``: the notebook's own check results (``qitools.checks.results()``).

Nothing here decides a mark: the coach's process does, with the judges of :mod:`qitools.checks`.
Whatever this process (or a notebook that tampers with it) answers is only ever the learner's
answer.
"""

from __future__ import annotations

import json
import os
import signal
import sys
import threading
import time
from typing import Any

__all__ = ["main"]

#: largest file a notebook may write (bytes)
MAX_FILE_SIZE = 512 * 2**20
#: most memory a learner process may take for its data (bytes; Linux's RLIMIT_DATA): an exercise
#: needs about 200 MB, and a notebook that keeps allocating gets a MemoryError in its own cell
#: instead of pushing the coach's computer into swap
MAX_MEMORY = 2 * 2**30
#: longest message line read from the coach (bytes)
MAX_REQUEST = 64 * 2**20


class _Timeout(KeyboardInterrupt):
    """Raised in the notebook's code when its time is up."""


class _Alarm:
    """Interrupt the main thread after ``limit`` seconds (again every half second if it is caught)."""

    def __init__(self) -> None:
        self.armed = False
        self.fired = False
        self._timer: threading.Timer | None = None
        if hasattr(signal, "setitimer"):
            signal.signal(signal.SIGALRM, self._on_signal)

    def _on_signal(self, signum: int, frame: Any) -> None:
        if self.armed:
            self.fired = True
            raise _Timeout

    def _on_timer(self) -> None:  # pragma: no cover - Windows
        if self.armed:
            self.fired = True
            import _thread

            _thread.interrupt_main()

    def start(self, limit: float) -> None:
        self.fired = False
        self.armed = True
        if hasattr(signal, "setitimer"):
            signal.signal(signal.SIGALRM, self._on_signal)  # the notebook may have replaced it
            signal.setitimer(signal.ITIMER_REAL, max(limit, 0.01), 0.5)
        else:  # pragma: no cover - Windows
            self._timer = threading.Timer(limit, self._on_timer)
            self._timer.daemon = True
            self._timer.start()

    def stop(self) -> None:
        self.armed = False
        if hasattr(signal, "setitimer"):
            signal.setitimer(signal.ITIMER_REAL, 0, 0)
        elif self._timer is not None:  # pragma: no cover - Windows
            self._timer.cancel()


class _Runner:
    def __init__(self, requests: Any, replies: Any):
        self.requests = requests
        self.replies = replies
        self.alarm = _Alarm()
        self.shell: Any = None
        self.looping: set[str] = set()

    # -- messages -----------------------------------------------------------------------------

    def send(self, message: dict[str, Any]) -> None:
        try:
            line = json.dumps(message, allow_nan=True)
        except (TypeError, ValueError):
            line = json.dumps({"id": message.get("id"), "broken": True})
        self.replies.write(line.encode("utf-8") + b"\n")
        self.replies.flush()

    def guarded(self, limit: float, fn: Any, *args: Any) -> tuple[str, Any]:
        """("ok", result), ("error", exception) or ("timeout", None): fn under the time limit."""
        try:
            self.alarm.start(limit)
            try:
                result = fn(*args)
            finally:
                self.alarm.stop()
        except _Timeout:
            return "timeout", None
        except KeyboardInterrupt:
            return ("timeout", None) if self.alarm.fired else ("error", KeyboardInterrupt())
        except BaseException as exc:  # noqa: BLE001 - the learner's code may raise anything
            if self.alarm.fired:
                return "timeout", None
            return "error", exc
        if self.alarm.fired:
            return "timeout", None
        return "ok", result

    # -- requests -----------------------------------------------------------------------------

    def run(self, req: dict[str, Any]) -> None:
        source = str(req.get("source", ""))
        status, result = self.guarded(float(req.get("limit", 60)), self.shell.run_cell, source)
        reply: dict[str, Any] = {"id": req.get("id"), "status": status}
        if status == "ok":
            error = result.error_before_exec or result.error_in_exec
            if isinstance(error, _Timeout) or (isinstance(error, KeyboardInterrupt) and self.alarm.fired):
                reply["status"] = "timeout"
            elif error is not None:
                reply.update(status="error", ename=type(error).__name__, evalue=str(error)[:500])
        elif status == "error":
            reply.update(ename=type(result).__name__, evalue=str(result)[:500])
        self.send(reply)

    def values(self, req: dict[str, Any]) -> None:
        from qitools.grading._wire import TooBig

        namespace = self.shell.user_ns
        out: dict[str, Any] = {}
        for name in req.get("names", []):
            name = str(name)
            if name.startswith("_") or name not in namespace:
                out[name] = {"__qitools__": "missing"}
                continue
            status, data = self.guarded(float(req.get("limit", 60)), _encode_answer, namespace[name])
            if status == "ok":
                out[name] = data
            elif status == "timeout":
                out[name] = {"__qitools__": "object", "type": "timeout"}
            else:
                out[name] = {"__qitools__": "object", "type": "too_big" if isinstance(data, TooBig) else "object"}
        self.send({"id": req.get("id"), "values": out})

    def names(self, req: dict[str, Any]) -> None:
        hidden = set(getattr(self.shell, "user_ns_hidden", {}))
        names = [n for n in self.shell.user_ns if not n.startswith("_") and n not in hidden]
        self.send({"id": req.get("id"), "names": names[:10_000]})

    def call(self, req: dict[str, Any]) -> None:
        from qitools.grading._wire import TooBig, decode

        limit = float(req.get("limit", 60))
        for index, spec in enumerate(req.get("calls", [])):
            name = str(spec.get("name", ""))
            reply: dict[str, Any] = {"id": req.get("id"), "index": index}
            fn = self.shell.user_ns.get(name)
            if name in self.looping:
                reply["timeout"] = True
            elif not callable(fn):
                reply["error"] = "TypeError"
            else:
                args = [decode(a) for a in spec.get("args", [])]
                kwargs = {str(k): decode(v) for k, v in dict(spec.get("kwargs", {})).items()}
                status, result = self.guarded(limit, _call_and_encode, fn, args, kwargs)
                if status == "ok":
                    reply["value"] = result
                elif status == "timeout":
                    self.looping.add(name)
                    reply["timeout"] = True
                elif isinstance(result, TooBig):
                    reply["value"] = {"__qitools__": "object", "type": "too_big"}
                else:
                    reply.update(error=type(result).__name__, evalue=str(result)[:300])
            self.send(reply)
        self.send({"id": req.get("id"), "done": True})

    def public(self, req: dict[str, Any]) -> None:
        def results() -> Any:
            from qitools import checks

            return checks.results()

        status, result = self.guarded(float(req.get("limit", 60)), results)
        self.send({"id": req.get("id"), "public": result if status == "ok" and isinstance(result, dict) else {}})

    def loop(self) -> None:
        handlers = {"run": self.run, "values": self.values, "names": self.names, "call": self.call,
                    "public": self.public}  # fmt: skip
        while True:
            line = self.requests.readline(MAX_REQUEST)
            if not line:
                return
            try:
                req = json.loads(line)
            except ValueError:
                return
            if req.get("op") == "bye":
                return
            handler = handlers.get(req.get("op"))
            if handler is None:
                self.send({"id": req.get("id"), "unknown": True})
                continue
            try:
                handler(req)
            except BaseException:  # noqa: BLE001 - a broken request or tampered state: say so, go on
                self.send({"id": req.get("id"), "broken": True})


def _call_and_encode(fn: Any, args: list[Any], kwargs: dict[str, Any]) -> Any:
    from qitools.grading._wire import encode

    return encode(fn(*args, **kwargs))


def _encode_answer(value: Any) -> Any:
    from qitools.grading._wire import encode

    return encode(value, function_ok=True)


def _limit_resources() -> None:
    """File size, memory and core dumps, for this process and every process it starts."""
    try:
        import resource
    except ImportError:  # pragma: no cover - Windows
        return
    limits = [(resource.RLIMIT_FSIZE, MAX_FILE_SIZE), (resource.RLIMIT_CORE, 0)]
    if sys.platform.startswith("linux"):  # elsewhere RLIMIT_DATA is not enforced for mapped memory
        limits.append((resource.RLIMIT_DATA, MAX_MEMORY))
    for which, value in limits:
        try:
            soft, hard = resource.getrlimit(which)
            if hard != resource.RLIM_INFINITY:
                value = min(value, hard)
            if soft == resource.RLIM_INFINITY or soft > value:
                resource.setrlimit(which, (value, value))
        except (ValueError, OSError):  # pragma: no cover
            pass


def _private_channel() -> tuple[Any, Any]:
    """The coach's requests and our replies on private descriptors; 0, 1, 2 become /dev/null."""
    requests = os.fdopen(os.dup(0), "rb")
    replies = os.fdopen(os.dup(1), "wb")
    null = os.open(os.devnull, os.O_RDWR)
    for fd in (0, 1, 2):
        os.dup2(null, fd)
    os.close(null)
    return requests, replies


def main() -> int:
    """Start the shell, load qitools, say ready, then answer the coach until it says bye."""
    started = time.monotonic()
    requests, replies = _private_channel()
    runner = _Runner(requests, replies)
    try:
        from IPython.core.interactiveshell import InteractiveShell
        from traitlets.config import Config

        config = Config()
        config.HistoryManager.enabled = False
        config.InteractiveShell.colors = "nocolor"
        config.InteractiveShell.xmode = "Minimal"
        runner.shell = InteractiveShell.instance(config=config)
        import matplotlib  # noqa: F401 - loaded once here, so that a cell's time limit is for its own work

        import matplotlib.pyplot  # noqa: F401
        import numpy  # noqa: F401
        import pandas  # noqa: F401

        import qitools  # noqa: F401
        from qitools import checks

        checks.reset()
    except BaseException as exc:  # noqa: BLE001
        runner.send({"fatal": f"{type(exc).__name__}: {exc}"[:500]})
        return 1
    _limit_resources()
    runner.send({"ready": True, "seconds": round(time.monotonic() - started, 3)})
    runner.loop()
    return 0


if __name__ == "__main__":  # pragma: no cover - started by the session
    sys.exit(main())
