"""Files written for users are replaced whole or not at all (qitools/_files.py)."""

from __future__ import annotations

import os
import stat

import pytest

from qitools import QIValueError
from qitools._files import atomic_path, atomic_write_text


def test_a_failed_write_leaves_the_old_file_and_no_temporary_file(tmp_path):
    target = tmp_path / "report.html"
    target.write_text("what the team saved")
    with pytest.raises(RuntimeError):
        with atomic_path(target) as tmp:
            tmp.write_text("half a rep")
            raise RuntimeError("disk full")
    assert target.read_text() == "what the team saved"
    assert [p.name for p in tmp_path.iterdir()] == ["report.html"]


def test_a_write_replaces_the_file_and_keeps_its_permissions(tmp_path):
    target = tmp_path / "cycles.csv"
    target.write_text("old")
    os.chmod(target, 0o640)
    atomic_write_text(target, "a,b\n", encoding="utf-8-sig", newline="")
    assert target.read_bytes() == b"\xef\xbb\xbfa,b\n"
    assert stat.S_IMODE(target.stat().st_mode) == 0o640


def test_a_missing_folder_is_a_clear_error(tmp_path):
    with pytest.raises(QIValueError, match="the folder .* does not exist. Create it first"):
        atomic_write_text(tmp_path / "nope" / "x.json", "{}")
