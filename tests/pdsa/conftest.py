"""Fixtures for the PDSA tests: the example project, a fresh store of each kind, a fixed 'today'."""

from __future__ import annotations

import datetime as dt

import pytest

import qitools as qi

#: a fixed "today" for the rule that a cycle cannot be studied before its end date
TODAY = dt.date(2025, 1, 15)


@pytest.fixture
def project() -> qi.pdsa.Project:
    """The synthetic falls project (fresh for each test)."""
    return qi.pdsa.example_project()


@pytest.fixture
def data():
    """Its monthly falls data."""
    return qi.pdsa.example_data()


@pytest.fixture(params=["sqlite", "memory"])
def store(request, tmp_path):
    """An empty store: an SQLite file, or one in memory (same interface, same checks)."""
    s = qi.pdsa.open(tmp_path / "team.pdsa") if request.param == "sqlite" else qi.pdsa.MemoryStore()
    yield s
    s.close()


@pytest.fixture
def today() -> dt.date:
    return TODAY
