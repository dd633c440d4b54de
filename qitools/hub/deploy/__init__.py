"""Configurations for real deployments of the course on JupyterHub (copied by ``qitools hub deploy-files``).

- ``jupyterhub_config.py``: JupyterHub on one trust server: Microsoft Entra ID (or PAM) logins,
  one isolated system user per learner with memory/CPU limits (systemdspawner), the course put into
  each home at every start, idle servers stopped. Also a drop-in for The Littlest JupyterHub.
- ``values.yaml``: Zero to JupyterHub on Kubernetes (Helm chart 4.4.0) for hundreds of learners,
  the course put into each learner's volume by an init container.
- ``Dockerfile``: the learners' image for Kubernetes.
- ``README.md``: how to use each one, what to fill in, how they were checked.

The files are data: they are read, not imported (``jupyterhub_config.py`` only makes sense inside
JupyterHub's config loader).
"""

from __future__ import annotations

from pathlib import Path

__all__ = ["FILES", "deploy_dir"]

#: The deployment files, in the order a reader should open them.
FILES = ("README.md", "jupyterhub_config.py", "values.yaml", "Dockerfile")


def deploy_dir() -> Path:
    """The folder holding the deployment files (inside the installed package)."""
    return Path(__file__).resolve().parent
