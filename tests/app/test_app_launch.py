"""``qitools app``: the Voilà command line, the notebook and the offline template it writes.

Starting the server and using the page is in ``tests/browser/test_browser_app.py``; here the
pieces are checked without a server.
"""

from __future__ import annotations

import json
import os
import socket
import sys
from pathlib import Path

import pytest

from qitools import cli
from qitools.app import launch

ROOT = Path(__file__).resolve().parents[2]


class TestNotebook:
    def test_committed_notebook_is_the_generated_one(self):
        committed = json.loads((ROOT / "qitools" / "app" / "workshop.ipynb").read_text(encoding="utf-8"))
        assert committed == launch.notebook_json()

    def test_notebook_only_displays_the_page(self):
        nb = launch.notebook_json()
        assert [c["cell_type"] for c in nb["cells"]] == ["code"]
        assert nb["cells"][0]["outputs"] == []
        source = "".join(nb["cells"][0]["source"])
        assert "from qitools.app.ui import WorkshopApp" in source
        assert source.rstrip().endswith("WorkshopApp().show()")
        assert nb["metadata"]["title"] == "qitools: chart your team's data"  # the browser tab's title

    def test_notebook_runs(self):
        pytest.importorskip("ipywidgets")
        namespace: dict = {}
        code = "".join(launch.notebook_json()["cells"][0]["source"])
        exec(code.replace("WorkshopApp().show()", "page = WorkshopApp().show()"), namespace)
        assert "qi-app" in namespace["page"]._dom_classes


class TestPrepare:
    def test_writes_notebook_and_template(self, tmp_path):
        notebook = launch.prepare(tmp_path)
        assert notebook == tmp_path / "workshop.ipynb"
        assert json.loads(notebook.read_text(encoding="utf-8")) == launch.notebook_json()
        template = tmp_path / "voila" / "templates" / "qitools"
        assert json.loads((template / "conf.json").read_text()) == {"base_template": "lab"}
        settings = json.loads((tmp_path / "voila.json").read_text())
        assert settings["Voila"] == {"tornado_settings": {"websocket_max_message_size": 64 * 1024 * 1024}}
        # kernels left without a connection (a closed tab, a plain HTTP request) are stopped
        assert settings["MappingKernelManager"] == {
            "cull_idle_timeout": launch.CULL_IDLE_SECONDS,
            "cull_interval": 60,
            "cull_connected": False,
            "cull_busy": False,
        }
        index = (template / "index.html.j2").read_text()
        assert index.startswith("{%- extends 'lab/index.html.j2' -%}")
        assert "http" not in index and "<link" not in index  # nothing fetched from elsewhere
        assert f"var limit = {launch.MAX_UPLOAD_MB} * 1024 * 1024" in index  # uploads too big are stopped

    def test_token_goes_to_a_private_file_not_the_command_line(self, tmp_path):
        notebook = launch.prepare(tmp_path, token="s3cret-token", cull_idle=8)
        config = tmp_path / "voila.json"
        settings = json.loads(config.read_text())
        assert settings["Voila"]["token"] == "s3cret-token"
        assert settings["MappingKernelManager"]["cull_idle_timeout"] == 8
        assert settings["MappingKernelManager"]["cull_interval"] == 4
        if os.name == "posix":
            assert config.stat().st_mode & 0o777 == 0o600
        command, env = launch.voila_command(notebook, 8123, token="s3cret-token", open_browser=False)
        assert not any("s3cret-token" in part for part in command)

    def test_without_the_packaged_notebook(self, tmp_path, monkeypatch):
        monkeypatch.setattr(launch, "NOTEBOOK", tmp_path / "missing.ipynb")
        notebook = launch.prepare(tmp_path)
        assert json.loads(notebook.read_text(encoding="utf-8")) == launch.notebook_json()

    def test_template_replaces_the_block_that_loads_the_cdn(self):
        """Voilà's own lab template loads Font Awesome from a CDN in ``notebook_css``; ours replaces
        that block. If a Voilà release moves the links, this test says so."""
        pytest.importorskip("voila")
        from jupyter_core.paths import jupyter_path

        found = [Path(p) / "voila" / "templates" / "lab" / "index.html.j2" for p in jupyter_path()]
        found = [p for p in found if p.is_file()]
        assert found, "Voilà's lab template was not found"
        text = found[0].read_text(encoding="utf-8")
        block = text[text.index("{%- block notebook_css -%}") : text.index("{%- endblock notebook_css -%}")]
        outside = text.replace(block, "")
        assert "cdn.jsdelivr.net" in block, "the CDN links moved: check the qitools template in launch.py"
        assert "https://cdn" not in outside


class TestCommand:
    def test_voila_on_localhost(self, tmp_path):
        notebook = launch.prepare(tmp_path)
        command, env = launch.voila_command(notebook, 8123, token="abc", open_browser=False)
        assert command[:4] == [sys.executable, "-m", "voila", str(notebook)]
        assert {"--port=8123", "--Voila.ip=127.0.0.1", "--template=qitools"} <= set(command)
        assert not any("abc" in part for part in command)  # the token is in voila.json only
        assert "--Voila.open_browser=False" in command
        assert f"--Voila.config_file_paths={tmp_path}" in command
        assert "--VoilaConfiguration.show_tracebacks=False" in command
        assert env["JUPYTER_PATH"].split(os.pathsep)[0] == str(tmp_path)

    def test_opens_the_browser_by_default(self, tmp_path):
        command, _ = launch.voila_command(tmp_path / "workshop.ipynb", 8123, token="abc")
        assert "--Voila.open_browser=True" in command

    def test_keeps_an_existing_jupyter_path(self, tmp_path, monkeypatch):
        monkeypatch.setenv("JUPYTER_PATH", "elsewhere")
        _, env = launch.voila_command(tmp_path / "workshop.ipynb", 8123, token="abc")
        assert env["JUPYTER_PATH"] == os.pathsep.join([str(tmp_path), "elsewhere"])

    def test_free_port_is_free(self):
        port = launch.free_port()
        with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
            s.bind(("127.0.0.1", port))


class TestSubcommand:
    def test_registered(self):
        assert cli.SUBCOMMANDS["app"] is launch.add_app_parser

    def test_help(self, capsys):
        with pytest.raises(SystemExit) as info:
            cli.main(["app", "--help"])
        assert info.value.code == 0
        out = capsys.readouterr().out
        assert "--port" in out and "--no-browser" in out and "--cull-idle" in out

    def test_missing_voila_is_a_clear_message(self, monkeypatch, capsys):
        real = launch.importlib.util.find_spec
        monkeypatch.setattr(
            launch.importlib.util, "find_spec", lambda name, *a: None if name == "voila" else real(name, *a)
        )
        assert cli.main(["app", "--no-browser"]) == 2
        err = capsys.readouterr().err
        assert "the workshop app needs voila, which is not installed" in err
        assert 'pip install -e ".[course]"' in err
