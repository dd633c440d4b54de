"""Memory of the demo hub: JupyterHub, its proxy, the idle culler and each learner's JupyterLab.

Starts ``qitools hub --demo`` with two learners (and a coach), logs both learners in through the
hub's login page, waits until their servers are idle, and reports each process's resident set
size (RSS: memory it holds, counting shared libraries in full) and proportional set size (PSS:
shared pages divided among the processes sharing them, so PSS adds up to what the processes
really cost together). With ``--kernels``, each learner then opens a notebook kernel that loads
qitools and draws a chart (what a learner working through a module holds), and a second table is
printed. Every process the hub started is stopped at the end.

    python benchmarks/bench_hub_memory.py              # two idle learners
    python benchmarks/bench_hub_memory.py --kernels    # and then one kernel each
    python benchmarks/bench_hub_memory.py --learners 4 --json hub-memory.json

Needs the hub extra (JupyterHub, psutil), requests, and configurable-http-proxy
(``qitools hub install-proxy``). PSS is read from /proc (Linux); elsewhere only RSS is shown.
Exit status 0 when the hub started, both learners' servers ran and everything stopped; 1 otherwise.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
PASSWORD = "falls-per-1000"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def role(cmdline: list[str]) -> str:
    text = " ".join(cmdline)
    if "jupyterhub_idle_culler" in text:
        return "idle culler"
    if "configurable-http-proxy" in text:
        return "proxy (configurable-http-proxy)"
    if "jupyterhub.singleuser" in text or "qitools.hub.singleuser" in text:
        return "learner's JupyterLab"
    if "ipykernel" in text:
        return "notebook kernel"
    if "-m jupyterhub" in text:
        return "hub (JupyterHub)"
    if "qitools hub" in text or text.endswith("--allow-root") or "-m qitools" in text:
        return "qitools hub (launcher)"
    return "other: " + text[:60]


def measure(root_pid: int) -> list[dict]:
    import psutil

    rows = []
    top = psutil.Process(root_pid)
    for p in [top, *top.children(recursive=True)]:
        try:
            info = p.memory_full_info() if hasattr(p, "memory_full_info") else p.memory_info()
            rows.append({
                "pid": p.pid, "role": role(p.cmdline()), "rss_mb": info.rss / 2**20,
                "pss_mb": getattr(info, "pss", float("nan")) / 2**20,
            })  # fmt: skip
        except psutil.Error:
            pass
    return rows


def table(rows: list[dict], title: str) -> str:
    lines = [title, f"{'process':34} {'RSS MB':>8} {'PSS MB':>8}"]
    for r in sorted(rows, key=lambda r: r["role"]):
        lines.append(f"{r['role']:34} {r['rss_mb']:8.0f} {r['pss_mb']:8.0f}")
    hub_side = [r for r in rows if r["role"] != "qitools hub (launcher)"]
    lines.append(f"{'total (without the launcher)':34} {sum(r['rss_mb'] for r in hub_side):8.0f} "
                 f"{sum(r['pss_mb'] for r in hub_side):8.0f}")  # fmt: skip
    return "\n".join(lines)


def log_in(url: str, name: str) -> object:
    import requests

    s = requests.Session()
    page = s.get(f"{url}/hub/login", timeout=60).text
    xsrf = re.search(r'name="_xsrf" value="([^"]+)"', page).group(1)
    s.post(f"{url}/hub/login", data={"username": name, "password": PASSWORD, "_xsrf": xsrf}, timeout=240)
    deadline = time.monotonic() + 240
    lab = f"{url}/user/{name}/lab"
    while time.monotonic() < deadline:
        r = s.get(lab, timeout=60)
        if r.status_code == 200 and r.url.startswith(lab):
            return s
        time.sleep(1)
    raise RuntimeError(f"{name}'s server did not start")


def run_kernel(url: str, name: str, session: object) -> None:
    """Start a kernel on the learner's server and have it load qitools and draw a chart."""
    import requests  # noqa: F401
    from jupyter_client.asynchronous.client import AsyncKernelClient  # noqa: F401

    xsrf = session.cookies.get("_xsrf", path=f"/user/{name}/") or session.cookies.get("_xsrf")
    r = session.post(f"{url}/user/{name}/api/kernels", json={"name": "python3"}, headers={"X-XSRFToken": xsrf},
                     timeout=60)  # fmt: skip
    r.raise_for_status()
    kernel = r.json()["id"]
    import websocket  # websocket-client, a dependency of jupyter_server

    cookie = "; ".join(f"{c.name}={c.value}" for c in session.cookies)
    ws = websocket.create_connection(f"ws{url[4:]}/user/{name}/api/kernels/{kernel}/channels", cookie=cookie,
                                     header=[f"X-XSRFToken: {xsrf}"], timeout=120)  # fmt: skip
    code = ("import qitools as qi, matplotlib\nmatplotlib.use('Agg')\n"
            "cc = qi.control_chart(qi.datasets.load('ward_falls'), x='month', y='falls', n='occupied_bed_days', chart='u', "
            "multiply=1000, facet='ward')\ncc.plot()\n")  # fmt: skip
    msg_id = f"bench-{name}"
    ws.send(json.dumps({
        "header": {"msg_id": msg_id, "msg_type": "execute_request", "username": name, "session": msg_id,
                   "version": "5.3", "date": ""},
        "parent_header": {}, "metadata": {}, "channel": "shell",
        "content": {"code": code, "silent": False, "store_history": False, "user_expressions": {},
                    "allow_stdin": False, "stop_on_error": True},
    }))  # fmt: skip
    deadline = time.monotonic() + 180
    while time.monotonic() < deadline:
        reply = json.loads(ws.recv())
        if reply.get("msg_type") == "execute_reply" and reply["parent_header"].get("msg_id") == msg_id:
            if reply["content"]["status"] != "ok":
                raise RuntimeError(f"{name}'s kernel: {reply['content'].get('ename')}: {reply['content'].get('evalue')}")
            break
    ws.close()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--learners", type=int, default=2)
    parser.add_argument("--idle", type=float, default=20, help="seconds to wait for the servers to settle")
    parser.add_argument("--kernels", action="store_true", help="then one kernel per learner, with qitools loaded")
    parser.add_argument("--json", help="also write the measurements to this file")
    args = parser.parse_args(argv)
    try:
        import psutil  # noqa: F401
        import requests  # noqa: F401
    except ImportError as exc:
        print(f"needs the hub extra and requests: {exc}", file=sys.stderr)
        return 1
    learners = [f"learner{i + 1}" for i in range(args.learners)]
    port = free_port()
    url = f"http://127.0.0.1:{port}"
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(ROOT), os.environ.get("PYTHONPATH")]))
    result: dict = {"learners": args.learners}
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp) / "qitools-hub"
        command = [sys.executable, "-m", "qitools", "hub", "--demo", "--users", ",".join(learners), "--coach", "coach",
                   "--password", PASSWORD, "--port", str(port), "--dir", str(folder)]  # fmt: skip
        if hasattr(os, "geteuid") and os.geteuid() == 0:
            command.append("--allow-root")
        hub = subprocess.Popen(command, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
        lines: list[str] = []
        threading.Thread(target=lambda: [lines.append(x) for x in hub.stdout], daemon=True).start()
        seen: dict = {}
        ok = False
        try:
            deadline = time.monotonic() + 120
            while not any("JupyterHub is now running" in x for x in lines):
                if hub.poll() is not None or time.monotonic() > deadline:
                    print("".join(lines[-40:]), file=sys.stderr)
                    return 1
                time.sleep(0.2)
            sessions: dict = {}
            threads = [threading.Thread(target=lambda n=n: sessions.__setitem__(n, log_in(url, n))) for n in learners]
            for t in threads:
                t.start()
            for t in threads:
                t.join()
            if len(sessions) != len(learners):
                print("not every learner's server started", file=sys.stderr)
                return 1
            time.sleep(args.idle)
            rows = measure(hub.pid)
            seen.update({r["pid"]: r for r in rows})
            result["idle"] = rows
            print(table(rows, f"Demo hub, {args.learners} idle learners (servers started, no kernels):"))
            if args.kernels:
                for name, s in sessions.items():
                    run_kernel(url, name, s)
                time.sleep(args.idle / 2)
                rows = measure(hub.pid)
                result["kernels"] = rows
                print()
                print(table(rows, f"Demo hub, {args.learners} learners each with a kernel that drew a qitools chart:"))
            ok = True
        finally:
            import psutil

            procs = []
            try:
                procs = psutil.Process(hub.pid).children(recursive=True)
            except psutil.Error:
                pass
            hub.send_signal(signal.SIGTERM)
            try:
                hub.wait(timeout=120)
            except subprocess.TimeoutExpired:
                hub.kill()
            left = [p for p in procs if p.is_running() and p.status() != psutil.STATUS_ZOMBIE]
            for p in left:
                p.kill()
            if left:
                print(f"{len(left)} processes had to be killed after the hub stopped", file=sys.stderr)
                ok = False
    print(f"\n{os.cpu_count()} CPUs; load average {os.getloadavg()[0]:.1f}" if hasattr(os, "getloadavg") else "")
    if args.json:
        Path(args.json).write_text(json.dumps(result, indent=1), encoding="utf-8")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
