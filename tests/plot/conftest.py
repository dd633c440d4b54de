"""Fixtures for the plotting tests: the Agg backend, a fixed style and font, and image comparison.

Image tests (``test_plot_images.py``) carry pytest-mpl's ``@pytest.mark.mpl_image_compare`` with
their baseline in ``tests/plot/baseline/`` and return their figure:

* ``pytest --mpl tests/plot`` lets pytest-mpl compare them;
* the ordinary test command has no ``--mpl``, so there the ``image_check`` fixture does the same
  comparison itself (same baseline file, tolerance and ``savefig_kwargs`` as the marker, and
  :func:`matplotlib.testing.compare.compare_images`, the function pytest-mpl uses): a change in a
  chart's appearance fails the normal run and CI;
* after a deliberate change of style, regenerate the baselines with
  ``python -m pytest tests/plot/test_plot_images.py --mpl-generate-path=tests/plot/baseline``
  and look at them before committing.

Every figure is built inside ``image_check.style()``: matplotlib's default style, reset first, and
DejaVu Sans (bundled with matplotlib), so the pictures do not depend on a user's matplotlibrc.
"""

from __future__ import annotations

import contextlib
import shutil
from pathlib import Path

import matplotlib

matplotlib.use("Agg")

import pytest  # noqa: E402

BASELINE_DIR = Path(__file__).parent / "baseline"

#: rcParams on top of matplotlib's defaults for every reference image
REFERENCE_RC = {"font.family": "DejaVu Sans", "svg.hashsalt": "qitools", "figure.dpi": 100}


def _pytest_mpl_active(config: pytest.Config) -> bool:
    def opt(name: str):
        try:
            return config.getoption(name)
        except ValueError:  # pytest-mpl not installed
            return None

    return bool(opt("--mpl") or opt("--mpl-generate-path") or opt("--mpl-generate-hash-library"))


class ImageCheck:
    """Compare a test's figure with its baseline when pytest-mpl is not doing it."""

    def __init__(self, request: pytest.FixtureRequest, tmp_path: Path) -> None:
        self.request = request
        self.tmp_path = tmp_path
        self.marker = request.node.get_closest_marker("mpl_image_compare")

    @staticmethod
    @contextlib.contextmanager
    def style():
        import matplotlib.pyplot as plt

        with plt.style.context("default", after_reset=True), matplotlib.rc_context(REFERENCE_RC):
            yield

    def __call__(self, fig):
        if self.marker is None:
            raise RuntimeError("image_check is for tests marked with @pytest.mark.mpl_image_compare")
        if _pytest_mpl_active(self.request.config):
            return fig  # pytest-mpl saves and compares (or generates) the returned figure
        from matplotlib.testing.compare import compare_images

        kw = self.marker.kwargs
        filename = kw.get("filename") or f"{self.request.node.name}.png"
        baseline = Path(self.request.node.path).parent / kw.get("baseline_dir", "baseline") / filename
        tol = kw.get("tolerance", 2)
        actual = self.tmp_path / filename
        savefig_kwargs = dict(kw.get("savefig_kwargs", {}))
        savefig_kwargs.setdefault("metadata", {"Software": None})
        fig.savefig(actual, **savefig_kwargs)
        if not baseline.exists():
            pytest.fail(
                f"No baseline image {baseline}. Generate it with\n  python -m pytest {self.request.node.path.name} "
                f"--mpl-generate-path={baseline.parent}\nand check it by eye. The new image is {actual}."
            )
        result = compare_images(str(baseline), str(actual), tol=tol, in_decorator=True)
        if result is not None:
            keep = self.tmp_path / "failed"
            keep.mkdir(exist_ok=True)
            shutil.copy(baseline, keep / f"baseline-{filename}")
            pytest.fail(
                f"Chart {filename} differs from its baseline: RMS {result['rms']:.2f} > tolerance {tol}.\n"
                f"  baseline: {baseline}\n  actual:   {result['actual']}\n  diff:     {result.get('diff')}\n"
                "If the change is intended, regenerate the baselines (see tests/plot/conftest.py)."
            )
        return fig


@pytest.fixture
def image_check(request: pytest.FixtureRequest, tmp_path: Path) -> ImageCheck:
    """Build a figure with ``with image_check.style():`` and ``return image_check(fig)``."""
    return ImageCheck(request, tmp_path)


@pytest.fixture
def plt():
    """matplotlib.pyplot on the Agg backend (figures are closed by the suite's autouse fixture)."""
    import matplotlib.pyplot as pyplot

    return pyplot
