"""Kernels of the course's JupyterLab: the learner's errors are short from the first cell run.

:func:`qitools.checks.begin` (the first cell of every exercise) installs the short error display
and the record of cell runs (:mod:`qitools.checks.kernel`). Before it has run in a kernel, nothing
is installed: after a kernel restart, a learner who runs a check cell first got Python's full
``NameError: name 'checks' is not defined`` traceback.

The servers qitools starts for learners (``qitools course``, and each learner's server on the hub,
:mod:`qitools.hub.singleuser`) find Jupyter's usual Python kernel (``python3``, run by this
Python, as Jupyter's default) with one more option, ``--IPKernelApp.extensions=qitools.checks.kernel``,
so that every kernel, at every start and restart, loads
:func:`qitools.checks.kernel.load_ipython_extension` before the learner's first cell. The kernel
spec (ipykernel's own, :func:`ipykernel.kernelspec.get_kernel_dict`, with its logos) is written
into a folder of the Jupyter runtime directory, one per Python, and that folder is put first on
``JUPYTER_PATH`` for the server, so it is found before any other ``python3`` spec. Nothing in the
user's own Jupyter folders changes, and the server imports nothing of qitools (a custom kernel spec
manager would load qitools, numpy and pandas into every learner's server: about 50 MB each).

If the folder cannot be written (or ipykernel is missing) the server starts with Jupyter's usual
kernel. If the extension cannot load in a kernel, IPython logs it and the kernel starts as usual.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import sys
from pathlib import Path

__all__ = ["EXTENSION", "KERNEL_OPTION", "kernels_folder", "with_course_kernels"]

#: the IPython extension every course kernel loads
EXTENSION = "qitools.checks.kernel"
#: the option added to the kernel's command
KERNEL_OPTION = f"--IPKernelApp.extensions={EXTENSION}"
#: Jupyter's name for the Python kernel (jupyter_client.kernelspec.NATIVE_KERNEL_NAME)
KERNEL_NAME = "python3"


def kernels_folder(base: str | os.PathLike[str] | None = None) -> Path | None:
    """Write the course's ``python3`` kernel spec; the folder to put first on ``JUPYTER_PATH`` (None: not possible).

    Parameters
    ----------
    base : str or Path, optional
        Where to make the folder (default: Jupyter's runtime directory).

    Returns
    -------
    Path or None
        ``<base>/qitools-kernels-<id of this Python>``, holding ``kernels/python3/kernel.json``.

    Examples
    --------
    >>> import json, tempfile
    >>> from qitools._course_kernels import kernels_folder, KERNEL_OPTION
    >>> with tempfile.TemporaryDirectory() as tmp:
    ...     folder = kernels_folder(tmp)
    ...     spec = json.loads((folder / "kernels" / "python3" / "kernel.json").read_text())
    >>> spec["argv"][-1] == KERNEL_OPTION, spec["argv"][1:3]
    (True, ['-m', 'ipykernel_launcher'])
    """
    try:
        from ipykernel.kernelspec import RESOURCES, get_kernel_dict
        from jupyter_core.paths import jupyter_runtime_dir

        from ._files import atomic_write_text

        here = hashlib.sha256(sys.executable.encode("utf-8")).hexdigest()[:12]  # one folder per Python
        folder = Path(base if base is not None else jupyter_runtime_dir()) / f"qitools-kernels-{here}"
        spec = folder / "kernels" / KERNEL_NAME
        spec.mkdir(parents=True, exist_ok=True)
        for item in Path(RESOURCES).iterdir():  # the logos JupyterLab shows for the kernel
            if item.is_file() and item.suffix in (".png", ".svg"):
                shutil.copyfile(item, spec / item.name)
        atomic_write_text(spec / "kernel.json", json.dumps(get_kernel_dict(extra_arguments=[KERNEL_OPTION]), indent=1))
    except (ImportError, OSError):
        return None
    return folder


def with_course_kernels(env: dict[str, str], base: str | os.PathLike[str] | None = None) -> dict[str, str]:
    """``env`` with the course kernels' folder first on ``JUPYTER_PATH`` (unchanged if it cannot be written).

    >>> import tempfile
    >>> from qitools._course_kernels import with_course_kernels
    >>> with tempfile.TemporaryDirectory() as tmp:
    ...     env = with_course_kernels({"JUPYTER_PATH": "/mine"}, base=tmp)
    >>> env["JUPYTER_PATH"].split(os.pathsep)[1:]
    ['/mine']
    """
    folder = kernels_folder(base)
    if folder is None:
        return dict(env)
    out = dict(env)
    out["JUPYTER_PATH"] = os.pathsep.join(filter(None, [str(folder), env.get("JUPYTER_PATH", "")]))
    return out
