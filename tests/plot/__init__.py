"""Tests of qitools.plot (a package, so its conftest.py does not clash with another folder's)."""
