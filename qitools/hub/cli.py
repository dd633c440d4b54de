"""The ``qitools hub`` command: the demo hub, collect, return feedback, install the proxy, deployment files."""

from __future__ import annotations

import argparse
import os
import secrets
import shutil
import sys
from pathlib import Path

from ..spc.errors import QIValueError

__all__ = ["add_hub_parser"]

_PASSWORD_ENV = "QITOOLS_HUB_PASSWORD"
_WORDS = ("chart", "median", "signal", "run", "trend", "shift", "limit", "cycle", "plan", "study", "act", "data")


def _names(value: str | None) -> list[str]:
    return [n.strip() for n in (value or "").split(",") if n.strip()]


def _hub_dir(args: argparse.Namespace) -> str:
    from .demo import DEFAULT_DIR

    return getattr(args, "dir", None) or DEFAULT_DIR


def _demo(args: argparse.Namespace) -> int:
    from .demo import run_demo

    if not args.demo:
        print(
            "qitools hub runs a demo hub for one trusted room with --demo, for example:\n"
            "  qitools hub --demo --users alice,bob --coach coach --password 'three word phrase' --port 8000\n"
            "For a real deployment (your trust's logins, one isolated account per learner), see 'Run a workshop' in "
            "the README and: qitools hub deploy-files --out hub-deploy/\n"
            "Other commands: qitools hub collect | return-feedback | install-proxy | deploy-files (--help for each).",
            file=sys.stderr,
        )
        return 2
    password = args.password or os.environ.get(_PASSWORD_ENV)
    if not password:
        password = "-".join(secrets.choice(_WORDS) for _ in range(3)) + f"-{secrets.randbelow(100):02d}"
        print(f"Learner password (made for you; read it out in the room): {password}")
    return run_demo(
        _hub_dir(args),
        learners=_names(args.users),
        coach=args.coach,
        learner_password=password,
        coach_password=args.coach_password or os.environ.get("QITOOLS_HUB_COACH_PASSWORD"),
        ip=args.ip,
        port=args.port,
        idle_timeout=args.idle_timeout,
        allow_root=args.allow_root,
    )


def _collect(args: argparse.Namespace) -> int:
    from .workshop import collect

    done = collect(
        args.out, hub_dir=_hub_dir(args), homes=args.homes, learners=_names(args.users) or None, everything=args.all
    )
    n = sum(len(v) for v in done.files.values())
    print(f"Collected {n} notebook{'s' if n != 1 else ''} from {len(done.files)} learner(s) into {done.out}{os.sep}")
    for name, files in done.files.items():
        print(f"  {name}: {', '.join(p.name for p in files)}")
    if done.nothing:
        print(f"Nothing saved yet by: {', '.join(done.nothing)}")
    for line in done.skipped:
        print(f"  skipped {line}")
    if done.files:
        print(f"Grade them with: qitools grade {done.out} --out gradebook.csv")
    return 0


def _return_feedback(args: argparse.Namespace) -> int:
    from .workshop import return_feedback

    done = return_feedback(args.gradebook, hub_dir=_hub_dir(args), homes=args.homes, learners=_names(args.users) or None)
    print(f"Feedback returned to {len(done.written)} learner(s); each finds it in their feedback/ folder.")
    for name, page in done.written.items():
        print(f"  {name}: {page}")
    for line in done.skipped:
        print(f"  not returned: {line}")
    return 0


def _install_proxy(args: argparse.Namespace) -> int:
    from .proxy import find_proxy, install_proxy

    existing = find_proxy()
    if existing and not args.force:
        print(f"configurable-http-proxy is already installed: {existing}")
        return 0
    program = install_proxy()
    print(f"configurable-http-proxy installed: {program}\nThe hub can now run without a network connection.")
    return 0


def _deploy_files(args: argparse.Namespace) -> int:
    from .deploy import FILES, deploy_dir

    out = Path(args.out)
    if out.exists() and any(out.iterdir()):
        raise QIValueError(f"{str(out)!r} already has files in it. Give a new folder for the deployment files.")
    out.mkdir(parents=True, exist_ok=True)
    for name in FILES:
        shutil.copyfile(deploy_dir() / name, out / name)
        print(f"wrote {out / name}")
    print("Read README.md there first: it says what to fill in and how to check each file.")
    return 0


def add_hub_parser(sub: argparse._SubParsersAction) -> None:
    """Add ``qitools hub`` and its subcommands."""
    p = sub.add_parser(
        "hub",
        help="run the course on JupyterHub: a demo hub for one room; collect work; return feedback",
        description="Run the course on JupyterHub. With --demo: a hub for ONE TRUSTED ROOM on this computer "
        "(every learner's server runs as your own user account). Subcommands collect learners' work, return "
        "their feedback, install the proxy JupyterHub needs, and copy the files for real deployments.",
    )
    p.add_argument("--demo", action="store_true", help="start the demo hub (one trusted room; see the warning it prints)")
    p.add_argument("--users", help="learners' login names, comma-separated: alice,bob,sam_patel")
    p.add_argument("--coach", help="the coach's login name (the hub's admin)")
    p.add_argument("--password", help=f"the learners' shared password (8+ characters; or set {_PASSWORD_ENV})")
    p.add_argument("--coach-password", help="the coach's password (32+ characters; made for you if left out)")
    p.add_argument("--port", type=int, default=8000, help="port of the hub (default 8000)")
    p.add_argument(
        "--ip", default="127.0.0.1", help="address to listen on: 127.0.0.1 this computer only (default), 0.0.0.0 the room"
    )
    p.add_argument("--dir", help="the hub's folder: settings, database, learners' homes (default qitools-hub)")
    p.add_argument("--idle-timeout", type=int, default=3600, help="stop a learner's idle server after this many seconds")
    p.add_argument("--allow-root", action="store_true", help="allow running as root (a throwaway container only)")
    p.set_defaults(func=_demo)
    hub_sub = p.add_subparsers(dest="hub_command", metavar="SUBCOMMAND")

    def with_homes(q: argparse.ArgumentParser) -> None:
        q.add_argument("--dir", default=argparse.SUPPRESS, help="the demo hub's folder (default qitools-hub)")
        q.add_argument("--homes", help="instead of a demo hub: the learners' homes, such as '~jupyter-{name}' or '/var/lib/{name}'")
        q.add_argument("--users", default=argparse.SUPPRESS, help="only these learners (comma-separated)")

    q = hub_sub.add_parser(
        "collect",
        help="copy each learner's saved exercise notebooks into OUT/<learner>/ for qitools grade",
        description="Copy each learner's saved exercise notebooks (exercises/*.ipynb they changed) into one "
        "sub-folder per learner, as 'qitools grade' expects. Links are not followed; nothing in the homes changes.",
    )
    q.add_argument("--out", required=True, help="a new folder for the submissions, such as submissions/")
    q.add_argument("--all", action="store_true", help="also the exercises a learner never saved")
    with_homes(q)
    q.set_defaults(func=_collect)

    q = hub_sub.add_parser(
        "return-feedback",
        help="put each learner's marks and notes from a gradebook into their home (feedback/)",
        description="Write a page of marks and notes for each learner in the gradebook into their own home "
        "(feedback/feedback-<date>.md); the other learners do not get it (on the demo hub their code could still "
        "read it: the demo does not isolate learners).",
    )
    q.add_argument("--gradebook", required=True, help="the gradebook CSV written by qitools grade")
    with_homes(q)
    q.set_defaults(func=_return_feedback)

    q = hub_sub.add_parser(
        "install-proxy",
        help="install configurable-http-proxy (Node.js, from npm) into this environment, once",
        description="JupyterHub needs configurable-http-proxy, a small Node.js program from npm. This installs it "
        "into this Python environment (needs npm and a network connection once; the hub then runs offline).",
    )
    q.add_argument("--force", action="store_true", help="install even if one is found")
    q.set_defaults(func=_install_proxy)

    q = hub_sub.add_parser(
        "deploy-files",
        help="copy the files for a real deployment (one trust server; Kubernetes) into a folder",
        description="Copy jupyterhub_config.py (one trust server: Entra ID or PAM logins, systemdspawner limits), "
        "values.yaml (Zero to JupyterHub on Kubernetes), a Dockerfile for the learners' image and a README.",
    )
    q.add_argument("--out", required=True, help="a new folder")
    q.set_defaults(func=_deploy_files)
