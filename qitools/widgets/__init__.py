"""ipywidgets front-ends for notebooks: forms and explorers that only call the layers below.

Nothing here is imported by ``import qitools``; ipywidgets loads when a widget is first made:

- :func:`cycle_form` (:class:`PDSAForm`): add or edit a PDSA cycle, with the checks of
  :mod:`qitools.pdsa.validate` shown next to the fields as they are filled in.
- :func:`record_form` (:class:`RecordForm`): the aim, a measure and its measurement plan, a
  driver or a change idea; :func:`project_form` (:class:`ProjectForm`): all of them in tabs.
"""

from __future__ import annotations

import importlib
from typing import Any

__all__ = ["cycle_form", "record_form", "project_form", "PDSAForm", "RecordForm", "ProjectForm"]

#: public name -> module that defines it (imported on first use, with ipywidgets)
_LAZY = {name: "pdsa_form" for name in __all__}


def __getattr__(name: str) -> Any:
    if name in _LAZY:
        module = importlib.import_module(f".{_LAZY[name]}", __name__)
        return getattr(module, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def __dir__() -> list[str]:
    return sorted([*globals(), *_LAZY])
