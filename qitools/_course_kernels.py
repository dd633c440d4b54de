"""Kernels of the course's JupyterLab: the learner's errors are short from the first cell run.

:func:`qitools.checks.begin` (the first cell of every exercise) installs the short error display
and the record of cell runs (:mod:`qitools.checks.kernel`). Before it has run in a kernel, nothing
is installed: after a kernel restart, a learner who runs a check cell first gets Python's full
``NameError: name 'checks' is not defined`` traceback.

The servers qitools starts for learners (``qitools course``, and each learner's server on the hub,
:mod:`qitools.hub.singleuser`) use :class:`CourseKernelSpecManager` (Jupyter Server's
``ServerApp.kernel_spec_manager_class``). It gives the usual Python kernel (``python3``, run by
the server's own Python, as Jupyter's default) one more option,
``--IPKernelApp.extensions=qitools.checks.kernel``, so that every kernel, at every start and
restart, loads :func:`qitools.checks.kernel.load_ipython_extension` before the learner's first
cell. Other kernels, and a ``python3`` kernel the user registered with a command of their own,
are left as they are. If the extension cannot load (qitools missing from that Python), IPython
logs it and the kernel starts as usual.

The module is imported only by Jupyter Server, from the class name given on its command line.
"""

from __future__ import annotations

from typing import Any

from jupyter_client.kernelspec import NATIVE_KERNEL_NAME, KernelSpecManager

__all__ = ["EXTENSION", "KERNEL_OPTION", "CourseKernelSpecManager", "SERVER_OPTION"]

#: the IPython extension every course kernel loads
EXTENSION = "qitools.checks.kernel"
#: the option added to the kernel's command
KERNEL_OPTION = f"--IPKernelApp.extensions={EXTENSION}"
#: the option that makes a Jupyter server use these kernels
SERVER_OPTION = "--ServerApp.kernel_spec_manager_class=qitools._course_kernels.CourseKernelSpecManager"


def _is_ipykernel(argv: list[str]) -> bool:
    return "-m" in argv and any(a in ("ipykernel_launcher", "ipykernel") for a in argv) and "{connection_file}" in argv


class CourseKernelSpecManager(KernelSpecManager):
    """Jupyter's kernel specs, with the Python kernel loading qitools' learner error display."""

    def get_kernel_spec(self, kernel_name: str) -> Any:
        spec = super().get_kernel_spec(kernel_name)
        argv = list(getattr(spec, "argv", []) or [])
        if kernel_name == NATIVE_KERNEL_NAME and _is_ipykernel(argv) and KERNEL_OPTION not in argv:
            spec.argv = [*argv, KERNEL_OPTION]
        return spec
