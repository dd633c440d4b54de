"""JupyterHub for the qitools course on one trust server: real logins, one isolated account per learner.

For a programme of up to about 100 learners on one Linux server (8 cores and 32 GB serve about 30
learners working at once; see 'Run a workshop' in the qitools README). JupyterHub is installed
in its own environment with the ``hub`` extra plus this file's two plug-ins::

    sudo python3 -m venv /opt/qitools-hub
    sudo /opt/qitools-hub/bin/pip install "qitools[hub,course]" oauthenticator jupyterhub-systemdspawner
    sudo /opt/qitools-hub/bin/qitools hub install-proxy
    sudo /opt/qitools-hub/bin/jupyterhub -f jupyterhub_config.py   # as a systemd service (see README.md)

What this file sets up, all with JupyterHub's own parts:

- **Logins** (``QITOOLS_HUB_AUTH``): ``entra`` (the default) signs learners in with the trust's
  Microsoft Entra ID (Azure AD) accounts through oauthenticator's ``AzureAdOAuthenticator``; only
  members of the learners' and coaches' Entra groups get in, and coaches are the hub's admins.
  ``pam`` uses the server's own accounts (``PAMAuthenticator``), members of the ``qi-learners``
  and ``qi-coaches`` groups.
- **One isolated account per learner, with limits**: systemdspawner runs each learner's
  JupyterLab as a systemd unit under that learner's own system user (with ``entra``, a user that
  systemd makes for them, ``DynamicUser``, whose home is ``/var/lib/<name>``), with a memory and
  CPU limit, a private /tmp, no devices and no sudo.
- **The course in each home**: the learner's server is started by ``python -m
  qitools.hub.singleuser``, which adds any course file missing from their home (never replacing
  their work) before JupyterLab opens on ``notebooks/00_start_here.ipynb``. No coach material is
  ever copied (see ``qitools.course``).
- **Idle servers** are stopped after ``QITOOLS_HUB_IDLE_TIMEOUT`` seconds (default an hour) by
  jupyterhub-idle-culler.

Settings come from the environment of the hub's systemd service, so this file is used as it is
(``EnvironmentFile=/etc/qitools-hub/env``, readable by root only, because it holds the Entra
client secret). Each ``_required`` setting stops the hub at start with a message if it is missing.

On The Littlest JupyterHub (TLJH), which already runs systemdspawner with one user per learner,
use TLJH's own settings instead of this file's spawner part: ``sudo tljh-config set
limits.memory 2G``, ``sudo tljh-config set limits.cpu 1``, ``sudo tljh-config set
user_environment.default_app jupyterlab``, install qitools into the user environment
(``sudo /opt/tljh/user/bin/pip install "qitools[course]"``), and copy this file to
``/opt/tljh/config/jupyterhub_config.d/qitools.py`` with ``QITOOLS_HUB_ON_TLJH=1`` (it then sets
only the logins, the course start and the start page).

This file is checked by qitools' tests: it loads in JupyterHub's own config loader (traitlets),
and every setting is a real option of the class it configures.
"""

import os
import re
import sys

c = get_config()  # noqa: F821 - given by JupyterHub's config loader


def _required(name):
    value = os.environ.get(name, "").strip()
    if not value:
        raise ValueError(
            f"Set {name} in the hub's environment (see the top of jupyterhub_config.py): the hub cannot start "
            "safely without it."
        )
    return value


def _names(name, default=""):
    return {n.strip() for n in os.environ.get(name, default).split(",") if n.strip()}


AUTH = os.environ.get("QITOOLS_HUB_AUTH", "entra").strip().lower()
ON_TLJH = os.environ.get("QITOOLS_HUB_ON_TLJH") == "1"
HUB_URL = _required("QITOOLS_HUB_URL").rstrip("/")  # https://qi-course.example-trust.nhs.uk
STATE = os.environ.get("QITOOLS_HUB_STATE", "/srv/qitools-hub")  # database, cookie secret
USER_PYTHON = os.environ.get("QITOOLS_USER_PYTHON", sys.executable)  # a Python with qitools[course]
MEM_LIMIT = os.environ.get("QITOOLS_HUB_MEM_LIMIT", "2G")
CPU_LIMIT = float(os.environ.get("QITOOLS_HUB_CPU_LIMIT", "1"))
IDLE_TIMEOUT = int(os.environ.get("QITOOLS_HUB_IDLE_TIMEOUT", "3600"))

if AUTH not in ("entra", "pam"):
    raise ValueError(f"QITOOLS_HUB_AUTH must be 'entra' or 'pam'; got {AUTH!r}.")

# ------------------------------------------------------------------------------------------------
# Where the hub listens and keeps its state

if not ON_TLJH:
    cert, key = os.environ.get("QITOOLS_HUB_SSL_CERT"), os.environ.get("QITOOLS_HUB_SSL_KEY")
    if cert and key:  # JupyterHub serves HTTPS itself
        c.JupyterHub.bind_url = "https://:443"
        c.JupyterHub.ssl_cert = cert
        c.JupyterHub.ssl_key = key
    else:  # behind the trust's reverse proxy, which does HTTPS
        c.JupyterHub.bind_url = "http://127.0.0.1:8000"
    c.JupyterHub.db_url = f"sqlite:///{STATE}/jupyterhub.sqlite"
    c.JupyterHub.cookie_secret_file = f"{STATE}/jupyterhub_cookie_secret"
    c.ConfigurableHTTPProxy.pid_file = f"{STATE}/jupyterhub-proxy.pid"

# ------------------------------------------------------------------------------------------------
# Logins


def entra_username(userinfo):
    """Hub name from the Entra sign-in name: sam.patel@trust.nhs.uk -> sam-patel (safe for systemd units)."""
    local = str(userinfo.get("preferred_username") or userinfo.get("upn") or "").split("@")[0].lower()
    return re.sub(r"[^a-z0-9]+", "-", local).strip("-")


if AUTH == "entra":
    c.JupyterHub.authenticator_class = "azuread"
    c.AzureAdOAuthenticator.tenant_id = _required("QITOOLS_ENTRA_TENANT_ID")
    c.AzureAdOAuthenticator.client_id = _required("QITOOLS_ENTRA_CLIENT_ID")
    c.AzureAdOAuthenticator.client_secret = _required("QITOOLS_ENTRA_CLIENT_SECRET")
    c.AzureAdOAuthenticator.oauth_callback_url = f"{HUB_URL}/hub/oauth_callback"
    c.AzureAdOAuthenticator.login_service = "your NHS account"
    c.AzureAdOAuthenticator.username_claim = entra_username
    # Entra sends the ids of the user's groups in the token ("groups" claim of the app registration).
    c.AzureAdOAuthenticator.manage_groups = True
    c.AzureAdOAuthenticator.auth_state_groups_key = "user.groups"
    c.AzureAdOAuthenticator.allowed_groups = _names("QITOOLS_ENTRA_LEARNER_GROUPS") or {
        _required("QITOOLS_ENTRA_LEARNER_GROUPS")
    }
    c.AzureAdOAuthenticator.admin_groups = _names("QITOOLS_ENTRA_COACH_GROUPS")
else:
    c.JupyterHub.authenticator_class = "pam"
    c.PAMAuthenticator.allowed_groups = _names("QITOOLS_PAM_LEARNER_GROUPS", "qi-learners")
    c.PAMAuthenticator.admin_groups = _names("QITOOLS_PAM_COACH_GROUPS", "qi-coaches")
    c.PAMAuthenticator.open_sessions = False

# ------------------------------------------------------------------------------------------------
# One isolated system user per learner, with limits (systemdspawner)

if not ON_TLJH:
    c.JupyterHub.spawner_class = "systemdspawner"
    c.SystemdSpawner.mem_limit = MEM_LIMIT
    c.SystemdSpawner.cpu_limit = CPU_LIMIT
    c.SystemdSpawner.isolate_tmp = True
    c.SystemdSpawner.isolate_devices = True
    c.SystemdSpawner.disable_user_sudo = True
    # Entra users have no account on the server: systemd makes one per learner (home /var/lib/<name>).
    c.SystemdSpawner.dynamic_users = AUTH == "entra"
    c.SystemdSpawner.unit_name_template = "qitools-{USERNAME}"
    c.Spawner.cmd = [USER_PYTHON, "-m", "qitools.hub.singleuser"]
    c.Spawner.start_timeout = 120
    c.Spawner.http_timeout = 120
    c.JupyterHub.services = [
        {
            "name": "idle-culler",
            "command": [sys.executable, "-m", "jupyterhub_idle_culler", f"--timeout={IDLE_TIMEOUT}"],
        }
    ]
    c.JupyterHub.load_roles = [
        {
            "name": "idle-culler",
            "scopes": ["list:users", "read:users:activity", "read:servers", "delete:servers"],
            "services": ["idle-culler"],
        }
    ]
else:
    c.Spawner.cmd = [USER_PYTHON, "-m", "qitools.hub.singleuser"]

# Every learner starts on the course index, in JupyterLab.
c.Spawner.default_url = "/lab/tree/notebooks/00_start_here.ipynb"
