"""Run the course on JupyterHub: a demo hub for one room, collecting and returning work, real deployments.

* ``qitools hub --demo --users alice,bob --coach coach --password PASS --port 8000`` starts
  JupyterHub (:mod:`qitools.hub.demo`) with a shared learner password, one home folder per
  learner holding their own copy of the learner course (:func:`qitools.course.learner_course`),
  JupyterLab opening on ``notebooks/00_start_here.ipynb``, and idle servers stopped by
  jupyterhub-idle-culler. It is for one trusted room: every learner's server runs as the coach's
  own user account.
* ``qitools hub collect --out submissions/`` copies each learner's saved exercise notebooks into
  one sub-folder per learner, as ``qitools grade`` expects; ``qitools hub return-feedback
  --gradebook gradebook.csv`` puts each learner's marks and notes into their home
  (:mod:`qitools.hub.workshop`).
* ``qitools hub deploy-files --out DIR`` copies the configurations for real deployments
  (:mod:`qitools.hub.deploy`): a ``jupyterhub_config.py`` for one trust server (Microsoft Entra ID
  or PAM logins, one isolated system user and memory/CPU limits per learner with systemdspawner)
  and a Helm values file for Zero to JupyterHub on Kubernetes.
* ``qitools hub install-proxy`` installs configurable-http-proxy from npm (:mod:`qitools.hub.proxy`).

Nothing here imports JupyterHub until a hub is configured; the ``hub`` extra installs it
(``pip install "qitools[hub]"``).
"""

from __future__ import annotations

from .proxy import find_proxy, install_proxy
from .workshop import collect, learners_of, return_feedback

__all__ = ["find_proxy", "install_proxy", "collect", "return_feedback", "learners_of"]
