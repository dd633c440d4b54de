"""The SPC engine: numbers only (numpy and pandas), never matplotlib, ipywidgets or IPython."""

from __future__ import annotations

__all__: list[str] = []
