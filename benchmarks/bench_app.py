"""Benchmark the workshop app (``qitools app``) on a 10,000-row upload; target: under 3 s.

Run from the repository root::

    python benchmarks/bench_app.py              # 10,000 rows, 5 repeats (about 1 minute)
    python benchmarks/bench_app.py --rows 2000 --repeat 3
    python benchmarks/bench_app.py --browser    # also the whole upload in Chromium through Voilà

The upload is a messy export as a ward dashboard writes it, 10,000 days long: two title lines, a
two-line header, UK dates as text (``01/04/1997``), counts, bed days with thousands separators
(``"1,444"``), percentages (``"93%"``), a blank line every 500 rows, a totals line and a footnote
(about 300 KB). Rows (wall-clock, ``time.perf_counter``, median of the repeats after one warm-up):

- ``read_measure``: :func:`qitools.read_measure` on the bytes (the library's reading and tidying);
- ``chart``: what the page does once the table is read, :meth:`WorkshopApp.update`: suggestion,
  control chart, PNG (``cc.save``) and HTML report (``qi.chart_report``), download links;
- ``upload``: :meth:`WorkshopApp.load_file`, everything the page does after the file has arrived
  (both rows above plus guessing the columns); **target: under 3 s**;
- ``browser`` (with ``--browser``): in Chromium, from choosing the file in the page's file chooser
  to the chart picture shown, through ``qitools app`` (Voilà); it adds sending the file over the
  websocket and the page drawing the picture.

Exit status: 0 when ``upload`` (and ``browser``, when run) meet the target, 1 when one is missed.
On a busy 2-core machine the figures vary by 10-20 %: look at the load average printed.
"""

from __future__ import annotations

import argparse
import io
import os
import platform
import statistics
import sys
import tempfile
import time
import warnings
from pathlib import Path

import matplotlib

matplotlib.use("Agg")

import numpy as np  # noqa: E402

REPO_ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO_ROOT))

import qitools as qi  # noqa: E402
from qitools.app.ui import WorkshopApp  # noqa: E402

SEED = 2026
TARGET_S = 3.0


def messy_export(rows: int) -> bytes:
    """A dashboard export of ``rows`` days (see the module docstring)."""
    rng = np.random.default_rng(SEED)
    start = np.datetime64("1997-04-01")
    lines = [
        "Falls prevention - daily quality report (all wards),,,",
        "Exported from the Ward Dashboard 03/04/2024 08:15,,,",
        ",Inpatient falls,Beds,",
        "Date,Number,Occupied bed days,Occupancy %",
    ]
    falls = rng.poisson(5, rows)
    beds = rng.integers(1300, 1600, rows)
    occupancy = rng.integers(85, 99, rows)
    for i in range(rows):
        day = (start + np.timedelta64(i, "D")).astype(object)
        lines.append(f'{day:%d/%m/%Y},{falls[i]},"{beds[i]:,}",{occupancy[i]}%')
        if i % 500 == 499:
            lines.append(",,,")
    lines.append(f'Total,{falls.sum()},"{beds.sum():,}",')
    lines.append("Source: Ward Dashboard. The last month is provisional.,,,")
    return ("\n".join(lines) + "\n").encode("utf-8")


def timed(call, repeat: int) -> list[float]:
    call()  # warm-up
    times = []
    for _ in range(repeat):
        t0 = time.perf_counter()
        call()
        times.append(time.perf_counter() - t0)
    return times


def browser_upload(path: Path, repeat: int) -> list[float]:
    """Seconds from choosing ``path`` in the page to the chart shown, in Chromium via ``qitools app``."""
    sys.path.insert(0, str(REPO_ROOT / "tests" / "browser"))
    from browser_support import CHROMIUM_ARGS, Server, chromium_executable, free_port
    from playwright.sync_api import sync_playwright

    executable = chromium_executable()
    if executable is None:
        raise SystemExit("--browser needs Chromium (apt-get install chromium)")
    port = free_port()
    server = Server(
        [sys.executable, "-m", "qitools", "app", "--no-browser", "--port", str(port)],
        cwd=REPO_ROOT,
        env=dict(os.environ),
        name="qitools app",
    )
    times = []
    try:
        url = server.wait_for_line(r"The workshop app is at (\S+)").group(1)
        server.wait_for_line(r"Voil. is running at")
        with sync_playwright() as p:
            chromium = p.chromium.launch(executable_path=executable, headless=True, args=CHROMIUM_ARGS)
            for k in range(repeat + 1):  # the first is a warm-up
                page = chromium.new_page()
                page.goto(url, timeout=60_000)
                page.wait_for_selector(".qi-upload", timeout=60_000)
                with page.expect_file_chooser() as chooser:
                    page.click(".qi-upload")
                t0 = time.perf_counter()
                chooser.value.set_files(str(path))
                page.wait_for_selector("img.qi-chart-image", state="visible", timeout=120_000)
                page.wait_for_function(
                    "() => { const i = document.querySelector('img.qi-chart-image'); return i && i.naturalWidth > 0; }"
                )
                elapsed = time.perf_counter() - t0
                if k:
                    times.append(elapsed)
                page.close()
            chromium.close()
    finally:
        server.stop()
    return times


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--rows", type=int, default=10_000)
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--browser", action="store_true", help="also time the upload in Chromium through Voilà")
    args = parser.parse_args(argv)

    content = messy_export(args.rows)
    name = f"ward_dashboard_{args.rows}_days.csv"
    load = os.getloadavg() if hasattr(os, "getloadavg") else ("?",) * 3
    print(f"machine: {platform.platform()}, {os.cpu_count()} CPUs, load average {load[0]:.2f}")
    print(f"python {platform.python_version()}, qitools {qi.__version__}")
    print(f"upload: {name}, {len(content) / 1024:.0f} KB, {args.rows:,} data rows; {args.repeat} repeats\n")

    def read() -> None:
        buffer = io.BytesIO(content)
        buffer.name = name
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", qi.QIToolsWarning)
            qi.read_measure(buffer)

    app = WorkshopApp()
    app.load_file(name, content)
    if app.error:
        print(f"the page could not chart the upload: {app.error}")
        return 1
    print(
        f"the page: {app.suggestion.chart} chart of {len(app.cc.data):,} points, x={app.x.value!r}, "
        f"y={app.y.value!r}, n={app.n.value!r}\n"
    )
    rows = {
        "read_measure": timed(read, args.repeat),
        "chart": timed(app.update, args.repeat),
        "upload": timed(lambda: app.load_file(name, content), args.repeat),
    }
    if args.browser:
        with tempfile.TemporaryDirectory() as tmp:
            path = Path(tmp) / name
            path.write_bytes(content)
            rows["browser"] = browser_upload(path, args.repeat)

    print(f"{'row':<14}{'median s':>10}{'min s':>9}{'max s':>9}  target")
    failed = False
    for key, times in rows.items():
        target = key in ("upload", "browser")
        med = statistics.median(times)
        verdict = ""
        if target:
            verdict = f"< {TARGET_S:.0f} s: " + ("met" if med < TARGET_S else "MISSED")
            failed |= med >= TARGET_S
        print(f"{key:<14}{med:>10.2f}{min(times):>9.2f}{max(times):>9.2f}  {verdict}")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
