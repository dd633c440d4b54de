"""Benchmark the plotting layer against the speed targets of its issue.

Run from the repository root::

    python benchmarks/bench_plot.py             # full run (about 30 s on 2 cores)
    python benchmarks/bench_plot.py --quick     # smoke run: 3 repeats, 20 facets
    python benchmarks/bench_plot.py --repeat 31 # more repeats for the 60-point rows (default 15)

Rows (wall-clock, ``time.perf_counter``, median of the repeats after one warm-up, in this run):

- ``bare_60``: a bare matplotlib line plot of 60 monthly points (``plt.subplots`` + ``ax.plot`` of the
  same x and y), saved to PNG in memory;
- ``chart_60``: the same 60 points as a qitools u chart (``cc.plot()``: data line and points, stepped
  limits, centre line, signal marks and labels, value labels, title and subtitle), saved to PNG with
  the same figure size (8 x 4.5 in) and dpi (100); target: at most 1.5x ``bare_60``;
- ``facets_100``: 100 facets x 24 months of I charts with the Making Data Count rules and icons as
  small multiples (``cc.plot()``), saved to PNG at 100 dpi; target: under 5 s.

The two 60-point rows are timed alternately (bare, chart, bare, chart ...) so that a burst of load
on a shared machine hits both, and each is reported as wall-clock and CPU time (``process_time``);
the 1.5x target is judged on CPU time, which other processes on a shared machine do not inflate.
Exit status: 0 when the targets are met, 1 when one is missed (on a
busy 2-core machine a ratio near 1.5 can flip between runs: look at the load average printed).
"""

from __future__ import annotations

import argparse
import io
import os
import platform
import statistics
import sys
import time
import warnings
from pathlib import Path

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402

REPO_ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO_ROOT))

import qitools as qi  # noqa: E402

SEED = 2026
FIGSIZE = (8.0, 4.5)
DPI = 100
TARGET_RATIO = 1.5
TARGET_FACETS_S = 5.0


def sixty_points() -> qi.ControlChart:
    rng = np.random.default_rng(SEED)
    months = pd.date_range("2020-01-01", periods=60, freq="MS")
    bed_days = rng.integers(2800, 3400, 60)
    falls = rng.poisson(np.r_[np.full(36, 7.0), np.full(24, 5.0)] * bed_days / 1000)
    falls[10] += 25
    df = pd.DataFrame({"month": months, "falls": falls, "bed_days": bed_days})
    return qi.control_chart(df, x="month", y="falls", n="bed_days", chart="u", multiply=1000)


def hundred_facets(n_facets: int = 100) -> qi.ControlChart:
    rng = np.random.default_rng(SEED)
    n = 24
    df = pd.DataFrame(
        {
            "ward": np.repeat([f"Ward {i:03d}" for i in range(n_facets)], n),
            "month": np.tile(pd.date_range("2022-01-01", periods=n, freq="MS"), n_facets),
            "y": rng.normal(np.repeat(rng.uniform(50, 90, n_facets), n), 3.0),
        }
    )
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return qi.control_chart(
            df, x="month", y="y", chart="i", facet="ward", rules="mdc", improvement="increase", target=80
        )


def png(fig) -> int:
    buf = io.BytesIO()
    fig.savefig(buf, format="png", dpi=DPI)
    plt.close(fig)
    return buf.tell()


def bare_60(cc: qi.ControlChart) -> int:
    x, y = cc.data["x"], cc.data["y"].to_numpy()
    fig, ax = plt.subplots(figsize=FIGSIZE)
    ax.plot(x, y)
    return png(fig)


def chart_60(cc: qi.ControlChart) -> int:
    ax = cc.plot(figsize=FIGSIZE)
    return png(ax.figure)


def facets(cc: qi.ControlChart) -> int:
    return png(cc.plot())


def timed(fn, arg) -> tuple[float, float]:
    """(wall-clock, CPU) seconds of one call."""
    t0, c0 = time.perf_counter(), time.process_time()
    fn(arg)
    return time.perf_counter() - t0, time.process_time() - c0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Time qitools charts against a bare matplotlib plot.")
    parser.add_argument("--quick", action="store_true", help="3 repeats, 20 facets (a smoke run)")
    parser.add_argument("--repeat", type=int, default=15, help="repeats of the 60-point rows (default 15)")
    args = parser.parse_args(argv)
    repeat = 3 if args.quick else max(args.repeat, 1)
    n_facets = 20 if args.quick else 100

    load = os.getloadavg() if hasattr(os, "getloadavg") else (float("nan"),) * 3
    print(
        f"machine: {platform.platform()}, python {platform.python_version()}, matplotlib {matplotlib.__version__}, "
        f"{os.cpu_count()} cpus, load {load[0]:.2f} {load[1]:.2f} {load[2]:.2f}"
    )
    cc60 = sixty_points()
    bare_60(cc60), chart_60(cc60)  # warm up: fonts, caches, lazy imports
    bare, chart = [], []
    for _ in range(repeat):
        bare.append(timed(bare_60, cc60))
        chart.append(timed(chart_60, cc60))
    wall_bare, cpu_bare = (statistics.median(t[k] for t in bare) for k in (0, 1))
    wall_chart, cpu_chart = (statistics.median(t[k] for t in chart) for k in (0, 1))
    ratio_wall, ratio_cpu = wall_chart / wall_bare, cpu_chart / cpu_bare

    ccf = hundred_facets(n_facets)
    facets(hundred_facets(4))  # warm up
    runs = [timed(facets, ccf) for _ in range(1 if args.quick else 3)]
    wall_facets, cpu_facets = (statistics.median(t[k] for t in runs) for k in (0, 1))

    # the ratio target is judged on CPU time (the other processes of a shared machine do not count)
    ok_ratio = ratio_cpu <= TARGET_RATIO
    ok_facets = wall_facets < TARGET_FACETS_S
    rows = [
        ("bare_60", "bare matplotlib line plot, 60 points -> PNG", wall_bare * 1000, cpu_bare * 1000, "ms", ""),
        (
            "chart_60",
            "qitools u chart, 60 points -> PNG",
            wall_chart * 1000,
            cpu_chart * 1000,
            "ms",
            f"{ratio_cpu:.2f}x bare CPU, {ratio_wall:.2f}x wall (target <= {TARGET_RATIO}x) "
            + ("OK" if ok_ratio else "MISSED"),
        ),
        (
            f"facets_{n_facets}",
            f"{n_facets} facets x 24 months, MDC icons -> PNG",
            wall_facets,
            cpu_facets,
            "s",
            f"target < {TARGET_FACETS_S:g} s wall {'OK' if ok_facets else 'MISSED'}"
            if n_facets == 100
            else "(quick run: 100 facets in the full run)",
        ),
    ]
    print(f"{'row':<11} {'workload':<46} {'wall':>10} {'CPU':>10}  result")
    for key, what, wall, cpu, unit, result in rows:
        fmt = ".1f" if unit == "ms" else ".2f"
        print(f"{key:<11} {what:<46} {wall:>7{fmt}} {unit:<2} {cpu:>7{fmt}} {unit:<2} {result}")
    print(f"({repeat} repeats of the 60-point rows, figure {FIGSIZE[0]:g} x {FIGSIZE[1]:g} in at {DPI} dpi)")
    return 0 if ok_ratio and (ok_facets or n_facets != 100) else 1


if __name__ == "__main__":
    raise SystemExit(main())
