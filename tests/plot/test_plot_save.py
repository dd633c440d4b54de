"""Saving charts (``cc.save()``, :func:`qitools.plot.save`): alt text, atomic writes, stable SVG."""

from __future__ import annotations

import os
import re

import pytest
from PIL import Image

import qitools as qi
from qitools.plot import save

Y = [3, 5, 4, 6, 5, 4, 6, 5, 3, 4, 8, 9, 8, 9, 10, 9, 8, 9, 10, 11]


@pytest.fixture
def rc():
    return qi.run_chart(y=Y)


class TestSave:
    def test_png_carries_the_explanation_as_description(self, rc, tmp_path):
        out = rc.save(tmp_path / "chart.png")
        assert out == tmp_path / "chart.png"
        info = Image.open(out).text
        assert info["Description"] == str(rc.explain())
        assert info["Title"] == "Run chart (median centre line)"
        assert "Software" not in info  # no version stamp: the same chart gives the same file

    def test_svg_has_title_and_desc_for_screen_readers(self, rc, tmp_path):
        out = rc.save(tmp_path / "chart.svg")
        text = out.read_text(encoding="utf-8")
        root = re.search(r"<svg\b[^>]*>", text).group(0)
        assert 'role="img"' in root and 'aria-labelledby="qi-title qi-desc"' in root
        assert '<title id="qi-title">Run chart (median centre line)</title>' in text
        desc = re.search(r'<desc id="qi-desc">(.*?)</desc>', text, re.S).group(1)
        assert desc.startswith("This run chart") and "too few crossings" in desc
        assert text.count("<title") == 1
        assert "<dc:date>" not in text

    def test_svg_is_deterministic(self, rc, tmp_path):
        a = rc.save(tmp_path / "a.svg").read_bytes()
        b = rc.save(tmp_path / "b.svg").read_bytes()
        assert a == b

    def test_alt_text_and_title_can_be_given(self, rc, tmp_path):
        ax = rc.plot()
        out = save(ax, tmp_path / "c.png", alt_text="Falls fell after the bundle.", title="Falls")
        info = Image.open(out).text
        assert info["Description"] == "Falls fell after the bundle." and info["Title"] == "Falls"

    def test_a_figure_of_facets_is_described_by_the_overview(self, tmp_path, rng):
        import numpy as np
        import pandas as pd

        df = pd.DataFrame({"ward": np.repeat(["A", "B"], 12), "y": rng.normal(10, 2, 24)})
        cc = qi.control_chart(df, y="y", chart="i", facet="ward")
        out = save(cc.plot(), tmp_path / "f.png")
        assert Image.open(out).text["Description"] == str(cc.explain())

    def test_one_facet_is_described_by_its_own_reading(self, tmp_path, rng):
        import numpy as np
        import pandas as pd

        df = pd.DataFrame({"ward": np.repeat(["A", "B"], 12), "y": rng.normal(10, 2, 24)})
        cc = qi.control_chart(df, y="y", chart="i", facet="ward")
        out = cc.save(tmp_path / "b.png", facet="B")
        assert Image.open(out).text["Description"] == str(cc.explain(facet="B"))

    def test_an_existing_file_survives_a_failed_save(self, rc, tmp_path, monkeypatch):
        target = tmp_path / "chart.png"
        target.write_bytes(b"the user's chart")
        ax = rc.plot()

        def broken(*args, **kwargs):
            raise RuntimeError("disk full")

        monkeypatch.setattr(ax.figure, "savefig", broken)
        with pytest.raises(RuntimeError, match="disk full"):
            save(ax, target)
        assert target.read_bytes() == b"the user's chart"
        assert [p.name for p in tmp_path.iterdir()] == ["chart.png"]  # no temporary file left behind

    def test_replaces_an_existing_file_keeping_its_permissions(self, rc, tmp_path):
        target = tmp_path / "chart.png"
        target.write_bytes(b"old")
        os.chmod(target, 0o644)
        rc.save(target)
        assert target.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
        assert target.stat().st_mode & 0o777 == 0o644

    def test_a_new_file_is_readable_by_others_as_usual(self, rc, tmp_path):
        out = rc.save(tmp_path / "new.png")
        umask = os.umask(0)
        os.umask(umask)
        assert out.stat().st_mode & 0o777 == 0o666 & ~umask

    def test_cc_save_closes_its_figure(self, rc, tmp_path, plt):
        before = len(plt.get_fignums())
        rc.save(tmp_path / "x.png")
        assert len(plt.get_fignums()) == before

    def test_unknown_format(self, rc, tmp_path):
        with pytest.raises(qi.QIValueError, match=r"must end in \.png .* or \.svg"):
            rc.save(tmp_path / "chart.jpg")

    def test_missing_folder(self, rc, tmp_path):
        with pytest.raises(qi.QIValueError, match="does not exist. Create it first"):
            rc.save(tmp_path / "no" / "chart.png")

    def test_not_a_figure(self, tmp_path):
        with pytest.raises(qi.QITypeError, match="needs a matplotlib Figure or Axes"):
            save("chart", tmp_path / "c.png")
