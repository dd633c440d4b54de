"""ipywidgets front-ends for notebooks: forms and explorers that only call the layers below.

Nothing here is imported by ``import qitools``; ipywidgets loads when a widget is first made:

- :func:`cycle_form` (:class:`PDSAForm`): add or edit a PDSA cycle, with the checks of
  :mod:`qitools.pdsa.validate` shown next to the fields as they are filled in.
"""

from __future__ import annotations

import importlib
from typing import Any

__all__ = ["cycle_form", "PDSAForm"]

#: public name -> module that defines it (imported on first use, with ipywidgets)
_LAZY = {"cycle_form": "pdsa_form", "PDSAForm": "pdsa_form"}


def __getattr__(name: str) -> Any:
    if name in _LAZY:
        module = importlib.import_module(f".{_LAZY[name]}", __name__)
        return getattr(module, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def __dir__() -> list[str]:
    return sorted([*globals(), *_LAZY])
