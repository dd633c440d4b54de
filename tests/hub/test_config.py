"""The hub configurations, checked with JupyterHub's own machinery (no hub runs here).

* The demo hub's ``jupyterhub_config.py`` (written by ``prepare_demo``) and the real-deployment
  ``qitools/hub/deploy/jupyterhub_config.py`` are loaded by traitlets' ``PyFileConfigLoader``, as
  JupyterHub loads them; every section must be a real class (JupyterHub, its authenticators and
  spawners, oauthenticator's ``AzureAdOAuthenticator``, systemdspawner's ``SystemdSpawner``) and
  every key one of its configurable options, and the classes are instantiated with the config so
  that traitlets validates each value (types, JupyterHub's password rules).
* ``qitools/hub/deploy/values.yaml`` is validated against the Zero to JupyterHub chart's own values
  schema (version 4.4.0; the part it uses, copied into ``tests/data/z2jh`` with its provenance), and
  its ``hub.config`` against the real classes as above.
* The demo's checks of names, passwords and ports, and the proxy installer (with a stand-in npm).
"""

from __future__ import annotations

import json
import os
import shlex
import socket
import stat
import sys
from pathlib import Path
from types import SimpleNamespace

import pytest

from qitools import QIToolsError, QIValueError
from qitools.cli import main
from qitools.hub import demo as demo_module
from qitools.hub.demo import START_URL, prepare_demo
from qitools.hub.deploy import FILES, deploy_dir
from qitools.hub.proxy import find_proxy, install_proxy

try:
    import jsonschema
    import jupyterhub  # noqa: F401
    import yaml
except ImportError as exc:  # all in the test extra; CI (QITOOLS_REQUIRE_HUB=1) must not skip
    if os.environ.get("QITOOLS_REQUIRE_HUB") == "1":
        raise
    pytest.skip(f'{exc.name} is not installed: pip install -e ".[test]"', allow_module_level=True)
from jupyterhub.app import JupyterHub  # noqa: E402
from jupyterhub.auth import Authenticator, PAMAuthenticator  # noqa: E402
from jupyterhub.authenticators.shared import SharedPasswordAuthenticator  # noqa: E402
from jupyterhub.proxy import ConfigurableHTTPProxy  # noqa: E402
from jupyterhub.spawner import LocalProcessSpawner, SimpleLocalProcessSpawner, Spawner  # noqa: E402
from traitlets.config import Config, PyFileConfigLoader  # noqa: E402

ROOT = Path(__file__).resolve().parents[2]
DATA = ROOT / "tests" / "data" / "z2jh"
DEPLOY_CONFIG = deploy_dir() / "jupyterhub_config.py"

CLASSES = {
    cls.__name__: cls
    for cls in (JupyterHub, Spawner, LocalProcessSpawner, SimpleLocalProcessSpawner, Authenticator, PAMAuthenticator,
                SharedPasswordAuthenticator, ConfigurableHTTPProxy)  # fmt: skip
}
try:  # in the test extra; without it these would be skipped, so CI installs them
    from oauthenticator.azuread import AzureAdOAuthenticator

    CLASSES["AzureAdOAuthenticator"] = AzureAdOAuthenticator
except ImportError:  # pragma: no cover
    AzureAdOAuthenticator = None
try:
    from systemdspawner import SystemdSpawner

    CLASSES["SystemdSpawner"] = SystemdSpawner
except ImportError:  # pragma: no cover
    SystemdSpawner = None


def need(cls: object, package: str) -> None:
    """Skip (or, in CI, fail) a test of a plug-in that is not installed; the test extra installs it."""
    if cls is None:
        from .hub_support import missing

        missing(f'{package} is not installed: pip install -e ".[test]"')


def load(path: Path) -> Config:
    """Load a config file as JupyterHub does (``jupyterhub -f path``)."""
    return PyFileConfigLoader(path.name, path=str(path.parent)).load_config()


def unknown_options(config: Config) -> list[str]:
    """Sections that are not known classes, and keys that are not configurable options of their class."""
    problems = []
    for section, values in config.items():
        cls = CLASSES.get(section)
        if cls is None:
            problems.append(f"{section}: not a class this test knows")
            continue
        names = set(cls.class_trait_names(config=True))
        problems += [f"{section}.{key}: not an option of {cls.__name__}" for key in values if key not in names]
    return problems


def fake_user(name: str = "sam") -> SimpleNamespace:
    return SimpleNamespace(name=name, id=7, url=f"/user/{name}/", escaped_name=name, settings={})


class TestTheCheckerCanFail:
    def test_a_misspelt_option_is_found(self):
        cfg = Config()
        cfg.JupyterHub.bind_url = "http://127.0.0.1:8000"
        cfg.Spawner.defualt_url = "/lab"
        cfg.Nonsense.x = 1
        assert unknown_options(cfg) == ["Spawner.defualt_url: not an option of Spawner", "Nonsense: not a class this test knows"]


# ------------------------------------------------------------------------------------------------
# The demo hub


@pytest.fixture
def demo_folder(tmp_path: Path, monkeypatch) -> Path:
    proxy = tmp_path / "configurable-http-proxy"
    proxy.write_text("#!/bin/sh\n", encoding="utf-8")
    proxy.chmod(0o755)
    monkeypatch.setattr(demo_module, "_is_root", lambda: False)
    folder = tmp_path / "qitools-hub"
    prepare_demo(folder, learners=["alice", "bob"], coach="coach", port=_free(), idle_timeout=1800, proxy=proxy)
    return folder


def _free() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


class TestDemoConfig:
    def test_folder(self, demo_folder: Path):
        assert stat.S_IMODE(demo_folder.stat().st_mode) == 0o700
        for name in ("alice", "bob", "coach"):
            home = demo_folder / "homes" / name
            assert (home / "notebooks" / "00_start_here.ipynb").is_file()
            assert not (home / "exercises" / "coach").exists()
        text = (demo_folder / "jupyterhub_config.py").read_text(encoding="utf-8")
        assert "password" not in json.loads((demo_folder / "hub.json").read_text(encoding="utf-8"))
        assert "configure(get_config(), __file__)" in text and "falls" not in text

    def test_loads_in_jupyterhubs_loader_with_real_options(self, demo_folder: Path, monkeypatch):
        monkeypatch.setenv("QITOOLS_HUB_LEARNER_PASSWORD", "falls-per-1000")
        monkeypatch.setenv("QITOOLS_HUB_COACH_PASSWORD", "c" * 32)
        cfg = load(demo_folder / "jupyterhub_config.py")
        assert "QITOOLS_HUB_LEARNER_PASSWORD" not in os.environ, "passwords must not reach the learners' servers"
        assert unknown_options(cfg) == []
        app = JupyterHub(config=cfg)
        assert app.authenticator_class is SharedPasswordAuthenticator
        assert app.spawner_class is SimpleLocalProcessSpawner
        auth = SharedPasswordAuthenticator(config=cfg)  # JupyterHub's own rules on the passwords
        assert auth.user_password == "falls-per-1000" and auth.admin_password == "c" * 32
        assert auth.allowed_users == {"alice", "bob"} and auth.admin_users == {"coach"}
        spawner = SimpleLocalProcessSpawner(config=cfg, user=fake_user("alice"))
        assert spawner.home_dir == str(demo_folder.resolve() / "homes" / "alice")
        assert spawner.format_string(spawner.notebook_dir) == spawner.home_dir
        assert spawner.default_url == START_URL == "/lab/tree/notebooks/00_start_here.ipynb"
        assert spawner.cmd[1:] == ["-m", "qitools.hub.singleuser"]
        assert "--ServerApp.terminals_enabled=False" in spawner.args

    def test_idle_culler_service(self, demo_folder: Path, monkeypatch):
        monkeypatch.setenv("QITOOLS_HUB_LEARNER_PASSWORD", "falls-per-1000")
        cfg = load(demo_folder / "jupyterhub_config.py")
        (service,) = cfg.JupyterHub.services
        assert service["command"][1:3] == ["-m", "jupyterhub_idle_culler"] and "--timeout=1800" in service["command"]
        (role,) = cfg.JupyterHub.load_roles
        assert role["services"] == [service["name"]]
        assert set(role["scopes"]) == {"list:users", "read:users:activity", "read:servers", "delete:servers"}

    @pytest.mark.parametrize(
        "learners, coach, match",
        [
            (["Alice"], "coach", "cannot be used: 'Alice'"),
            (["alice", "../bob"], "coach", "cannot be used: '../bob'"),
            (["alice", "alice"], "coach", "listed twice: alice"),
            (["alice"], "alice", "both a learner and the coach"),
            ([], "coach", "at least one learner"),
        ],
    )
    def test_bad_names(self, tmp_path, learners, coach, match):
        with pytest.raises(QIValueError, match=match):
            prepare_demo(tmp_path / "h", learners=learners, coach=coach, port=_free(), proxy=sys.executable)
        assert not (tmp_path / "h").exists()

    def test_port_in_use(self, tmp_path):
        with socket.socket() as s:
            s.bind(("127.0.0.1", 0))
            s.listen()
            port = s.getsockname()[1]
            with pytest.raises(QIValueError, match=f"Cannot use port {port}.*--port"):
                prepare_demo(tmp_path / "h", learners=["alice"], coach=None, port=port, proxy=sys.executable)

    def test_root_needs_allow_root(self, tmp_path, monkeypatch):
        monkeypatch.setattr(demo_module, "_is_root", lambda: True)
        with pytest.raises(QIValueError, match="as root.*--allow-root"):
            prepare_demo(tmp_path / "h", learners=["alice"], coach=None, port=_free(), proxy=sys.executable)

    def test_no_proxy(self, tmp_path, monkeypatch):
        monkeypatch.setattr(demo_module, "_is_root", lambda: False)
        monkeypatch.setenv("QITOOLS_HUB_PROXY", str(tmp_path / "nothing-here"))
        with pytest.raises(QIToolsError, match="configurable-http-proxy is not installed.*install-proxy"):
            prepare_demo(tmp_path / "h", learners=["alice"], coach=None, port=_free())

    def test_not_a_hub_folder(self, tmp_path, monkeypatch):
        monkeypatch.setattr(demo_module, "_is_root", lambda: False)
        (tmp_path / "h").mkdir()
        (tmp_path / "h" / "thesis.docx").write_text("x", encoding="utf-8")
        with pytest.raises(QIValueError, match="not a workshop hub folder"):
            prepare_demo(tmp_path / "h", learners=["alice"], coach=None, port=_free(), proxy=sys.executable)

    @pytest.mark.parametrize(
        "learner, coach, match",
        [("short", None, "at least 8"), ("falls-per-1000", "too-short", "at least 32"),
         ("x" * 32, "x" * 32, "must differ")],
    )  # fmt: skip
    def test_passwords(self, tmp_path, learner, coach, match):
        with pytest.raises(QIValueError, match=match):
            demo_module.run_demo(tmp_path / "h", learners=["alice"], coach="coach", learner_password=learner,
                                 coach_password=coach, port=_free())  # fmt: skip
        assert not (tmp_path / "h").exists()

    def test_command_without_demo_explains(self, capsys):
        assert main(["hub"]) == 2
        err = capsys.readouterr().err
        assert "--demo" in err and "deploy-files" in err


# ------------------------------------------------------------------------------------------------
# A real deployment: one trust server

ENTRA = {
    "QITOOLS_HUB_URL": "https://qi-course.example-trust.nhs.uk",
    "QITOOLS_ENTRA_TENANT_ID": "00000000-0000-0000-0000-000000000001",
    "QITOOLS_ENTRA_CLIENT_ID": "00000000-0000-0000-0000-000000000002",
    "QITOOLS_ENTRA_CLIENT_SECRET": "not-a-real-secret",
    "QITOOLS_ENTRA_LEARNER_GROUPS": "learners-group-id",
    "QITOOLS_ENTRA_COACH_GROUPS": "coaches-group-id",
}


@pytest.fixture
def clean_env(monkeypatch):
    for name in list(os.environ):
        if name.startswith(("QITOOLS_HUB_", "QITOOLS_ENTRA_", "QITOOLS_PAM_", "QITOOLS_USER_")):
            monkeypatch.delenv(name)
    return monkeypatch


class TestTrustServerConfig:
    def test_entra_id_and_systemd_limits(self, clean_env):
        need(AzureAdOAuthenticator, "oauthenticator")
        need(SystemdSpawner, "jupyterhub-systemdspawner")
        for k, v in ENTRA.items():
            clean_env.setenv(k, v)
        cfg = load(DEPLOY_CONFIG)
        assert unknown_options(cfg) == []
        app = JupyterHub(config=cfg)
        assert app.authenticator_class is AzureAdOAuthenticator and app.spawner_class is SystemdSpawner
        auth = AzureAdOAuthenticator(config=cfg)
        assert auth.tenant_id == ENTRA["QITOOLS_ENTRA_TENANT_ID"]
        assert auth.oauth_callback_url == "https://qi-course.example-trust.nhs.uk/hub/oauth_callback"
        assert auth.allowed_groups == {"learners-group-id"} and auth.admin_groups == {"coaches-group-id"}
        assert auth.manage_groups
        assert auth.username_claim({"preferred_username": "Sam.Patel@Example-Trust.nhs.uk"}) == "sam-patel"
        spawner = SystemdSpawner(config=cfg, user=fake_user("sam-patel"), hub=None)
        assert spawner.mem_limit == 2 * 1024**3 and spawner.cpu_limit == 1.0
        assert spawner.dynamic_users and spawner.isolate_tmp and spawner.isolate_devices and spawner.disable_user_sudo
        assert spawner.cmd[1:] == ["-m", "qitools.hub.singleuser"] and spawner.default_url == START_URL
        assert any("jupyterhub_idle_culler" in s["command"] for s in cfg.JupyterHub.services)

    def test_pam_with_limits_from_the_environment(self, clean_env):
        need(SystemdSpawner, "jupyterhub-systemdspawner")
        clean_env.setenv("QITOOLS_HUB_URL", "https://qi.example.nhs.uk")
        clean_env.setenv("QITOOLS_HUB_AUTH", "pam")
        clean_env.setenv("QITOOLS_HUB_MEM_LIMIT", "3G")
        clean_env.setenv("QITOOLS_HUB_CPU_LIMIT", "0.5")
        cfg = load(DEPLOY_CONFIG)
        assert unknown_options(cfg) == []
        app = JupyterHub(config=cfg)
        assert app.authenticator_class is PAMAuthenticator
        auth = PAMAuthenticator(config=cfg)
        assert auth.allowed_groups == {"qi-learners"} and auth.admin_groups == {"qi-coaches"}
        spawner = SystemdSpawner(config=cfg, user=fake_user(), hub=None)
        assert spawner.mem_limit == 3 * 1024**3 and spawner.cpu_limit == 0.5 and not spawner.dynamic_users

    def test_tljh_drop_in_sets_only_logins_and_the_course(self, clean_env):
        need(AzureAdOAuthenticator, "oauthenticator")
        for k, v in ENTRA.items():
            clean_env.setenv(k, v)
        clean_env.setenv("QITOOLS_HUB_ON_TLJH", "1")
        cfg = load(DEPLOY_CONFIG)
        assert unknown_options(cfg) == []
        assert "spawner_class" not in cfg.JupyterHub and "SystemdSpawner" not in cfg
        assert cfg.Spawner.default_url == START_URL and cfg.Spawner.cmd[1:] == ["-m", "qitools.hub.singleuser"]

    def test_a_missing_setting_stops_it_with_its_name(self, clean_env):
        clean_env.setenv("QITOOLS_HUB_URL", "https://qi.example.nhs.uk")
        with pytest.raises(ValueError, match="QITOOLS_ENTRA_TENANT_ID"):
            load(DEPLOY_CONFIG)
        clean_env.setenv("QITOOLS_HUB_AUTH", "ldap")
        with pytest.raises(ValueError, match="'entra' or 'pam'"):
            load(DEPLOY_CONFIG)


# ------------------------------------------------------------------------------------------------
# A real deployment: Zero to JupyterHub on Kubernetes

def values() -> dict:
    return yaml.safe_load((deploy_dir() / "values.yaml").read_text(encoding="utf-8"))


def schema() -> dict:
    return yaml.safe_load((DATA / "values.schema.subset-4.4.0.yaml").read_text(encoding="utf-8"))


class TestHelmValues:
    def test_valid_against_the_charts_schema(self):
        jsonschema.Draft7Validator.check_schema(schema())
        errors = sorted(jsonschema.Draft7Validator(schema()).iter_errors(values()), key=str)
        assert not errors, "\n".join(f"{'.'.join(map(str, e.path))}: {e.message}" for e in errors)

    @pytest.mark.parametrize(
        "path, value",
        [
            (("singleuser", "memmory"), {"limit": "2G"}),  # a typo
            (("singleuser", "cpu", "limit"), "1 core"),  # a wrong type
            (("cull", "timeout"), "an hour"),
            (("proxy", "https", "type"), "acme"),  # not one of the chart's choices
            (("hub", "config", "azuread"), {}),  # a config section must be a class name
            (("ingres",), {"enabled": True}),
        ],
    )
    def test_the_schema_catches_mistakes(self, path, value):
        data = values()
        node = data
        for key in path[:-1]:
            node = node.setdefault(key, {})
        node[path[-1]] = value
        assert list(jsonschema.Draft7Validator(schema()).iter_errors(data)), f"{path} = {value!r} was accepted"

    def test_hub_config_is_real_options(self):
        need(AzureAdOAuthenticator, "oauthenticator")
        cfg = Config(values()["hub"]["config"])
        assert unknown_options(cfg) == []
        auth = AzureAdOAuthenticator(config=cfg)
        assert auth.manage_groups and auth.allowed_groups and auth.admin_groups
        assert JupyterHub(config=cfg).authenticator_class is AzureAdOAuthenticator

    def test_the_course_goes_into_each_home(self):
        """The init container mounts the chart's home volume and runs a real qitools command on it."""
        from qitools.cli import SUBCOMMANDS

        defaults = yaml.safe_load((DATA / "values.defaults-4.4.0.yaml").read_text(encoding="utf-8"))["singleuser"]
        single = values()["singleuser"]
        (init,) = single["initContainers"]
        (mount,) = init["volumeMounts"]
        assert mount["name"] == defaults["storage"]["dynamic"]["volumeNameTemplate"]
        assert init["image"] == f"{single['image']['name']}:{single['image']['tag']}"
        assert init["securityContext"]["runAsUser"] == defaults["uid"]
        command = init["command"]
        assert command[0] == "qitools"
        import argparse

        parser = argparse.ArgumentParser()
        sub = parser.add_subparsers()
        SUBCOMMANDS["bundle"](sub)
        args = parser.parse_args(command[1:])
        assert args.add_missing and args.out == mount["mountPath"]
        assert single["defaultUrl"] == START_URL

    def test_dockerfile_installs_the_course_extra(self):
        text = (deploy_dir() / "Dockerfile").read_text(encoding="utf-8")
        assert '"qitools[course]"' in text and "jupyterhub==5.5.*" in text
        assert "qitools bundle" in text

    def test_dockerfile_kernels_load_the_check_extension(self, tmp_path):
        """The IPython config the Dockerfile writes makes a real kernel load qitools.checks.kernel (here
        read from IPYTHONDIR's profile, the same file name IPython reads from sys.prefix/etc/ipython)."""
        import re
        import sys

        from qitools._course_kernels import EXTENSION

        text = (deploy_dir() / "Dockerfile").read_text(encoding="utf-8")
        (line,) = re.findall(r"printf '(c\.IPKernelApp\.extensions = .*?)\\n' > \"\$prefix/etc/ipython/ipython_kernel_config\.py\"", text)
        profile = tmp_path / "ipython" / "profile_default"
        profile.mkdir(parents=True)
        (profile / "ipython_kernel_config.py").write_text(line + "\n", encoding="utf-8")
        jupyter_client = pytest.importorskip("jupyter_client")
        km = jupyter_client.KernelManager(kernel_name="python3")
        km.kernel_spec.argv = [sys.executable, "-m", "ipykernel_launcher", "-f", "{connection_file}"]  # no course spec
        km.start_kernel(env={**os.environ, "IPYTHONDIR": str(tmp_path / "ipython")})
        try:
            kc = km.client()
            kc.start_channels()
            kc.wait_for_ready(timeout=120)
            out = []
            kc.execute_interactive(
                f"import sys; print({EXTENSION!r} in sys.modules)",
                output_hook=lambda m: out.append(m["content"].get("text", "")) if m["msg_type"] == "stream" else None,
                timeout=120,
            )
            assert "".join(out).strip() == "True"
        finally:
            km.shutdown_kernel(now=True)


class TestDeployFiles:
    def test_command_copies_them(self, tmp_path, capsys):
        assert main(["hub", "deploy-files", "--out", str(tmp_path / "d")]) == 0
        assert sorted(p.name for p in (tmp_path / "d").iterdir()) == sorted(FILES)
        for name in FILES:
            assert (tmp_path / "d" / name).read_bytes() == (deploy_dir() / name).read_bytes()
        assert main(["hub", "deploy-files", "--out", str(tmp_path / "d")]) == 2


# ------------------------------------------------------------------------------------------------
# The proxy installer (a stand-in npm: no network)


def _stand_in(folder: Path, name: str, body: str) -> Path:
    path = folder / name
    path.write_text("#!/bin/sh\n" + body, encoding="utf-8")
    path.chmod(0o755)
    return path


@pytest.mark.skipif(os.name == "nt", reason="shell stand-ins")
class TestInstallProxy:
    def test_installs_into_this_environment(self, tmp_path, monkeypatch):
        bin_dir = tmp_path / "bin"
        bin_dir.mkdir()
        log = tmp_path / "npm.log"
        _stand_in(bin_dir, "node", "echo v18.19.0\n")
        npm = _stand_in(bin_dir, "npm", f'echo "$@" > {shlex.quote(str(log))}\n'
                        'prefix=$3; mkdir -p "$prefix/node_modules/.bin"; '
                        'printf "#!/bin/sh\\n" > "$prefix/node_modules/.bin/configurable-http-proxy"; '
                        'chmod +x "$prefix/node_modules/.bin/configurable-http-proxy"\n')  # fmt: skip
        monkeypatch.setenv("PATH", os.pathsep.join([str(bin_dir), os.environ.get("PATH", "")]))
        monkeypatch.setattr(sys, "prefix", str(tmp_path / "venv"))
        monkeypatch.delenv("QITOOLS_HUB_PROXY", raising=False)
        program = install_proxy(npm=str(npm), quiet=True)
        assert program == tmp_path / "venv" / "share" / "qitools" / "hub-proxy" / "node_modules" / ".bin" / "configurable-http-proxy"
        assert log.read_text(encoding="utf-8").split()[-1] == "configurable-http-proxy@4.6"  # Node 18
        assert find_proxy() == program

    def test_npm_failing_is_a_clear_error(self, tmp_path, monkeypatch):
        bin_dir = tmp_path / "bin"
        bin_dir.mkdir()
        _stand_in(bin_dir, "node", "echo v20.1.0\n")
        npm = _stand_in(bin_dir, "npm", "echo 'network unreachable' >&2; exit 1\n")
        monkeypatch.setenv("PATH", os.pathsep.join([str(bin_dir), os.environ.get("PATH", "")]))
        monkeypatch.setattr(sys, "prefix", str(tmp_path / "venv"))
        with pytest.raises(QIToolsError, match="could not install configurable-http-proxy@5.2.*network unreachable"):
            install_proxy(npm=str(npm), quiet=True)

    def test_no_npm(self, tmp_path, monkeypatch):
        monkeypatch.setenv("PATH", str(tmp_path))
        with pytest.raises(QIToolsError, match="npm is not installed.*apt-get install node-configurable-http-proxy"):
            install_proxy()

    def test_env_var_wins(self, tmp_path, monkeypatch):
        program = _stand_in(tmp_path, "chp", "")
        monkeypatch.setenv("QITOOLS_HUB_PROXY", str(program))
        assert find_proxy() == program
        monkeypatch.setenv("QITOOLS_HUB_PROXY", str(tmp_path / "missing"))
        assert find_proxy() is None


# ------------------------------------------------------------------------------------------------
# The documented commands


def documented_commands() -> list[str]:
    """Every ``qitools hub`` / ``qitools bundle`` command in the README and the deployment page."""
    found = []
    for page in (ROOT / "README.md", deploy_dir() / "README.md"):
        inside = False
        for line in page.read_text(encoding="utf-8").splitlines():
            if line.strip().startswith("```"):
                inside = not inside
                continue
            text = line.split(" #")[0].strip()
            for prefix in (".venv/bin/qitools ", "sudo /opt/qitools-hub/bin/qitools ", "qitools "):
                if inside and text.startswith(prefix) and text[len(prefix):].startswith(("hub", "bundle")):
                    found.append(text[len(prefix):])
    return found


def test_documented_commands_are_real():
    from qitools.cli import build_parser

    commands = documented_commands()
    assert len(commands) >= 8, commands
    for command in commands:
        args = build_parser().parse_args(shlex.split(command))  # SystemExit on an unknown option
        assert args.func is not None, command
