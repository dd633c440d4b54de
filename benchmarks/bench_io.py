"""Benchmark reading teams' exports: ``qi.read_measure`` against ``pandas.read_csv`` on the same file.

Run from the repository root::

    python benchmarks/bench_io.py               # 200,000-row messy CSV, 3 repeats (about 30 s)
    python benchmarks/bench_io.py --rows 5000 --repeat 1   # smoke run (what the tests do)

Rows (wall-clock, ``time.perf_counter``, median of the repeats after one warm-up; the baseline is
measured in the same run, on the same file):

- ``messy_csv``: a ward dashboard's export of ``--rows`` ward-days (100 wards, one row per ward per
  day): two title lines, a two-line header, UK dates as text (``01/04/2019``), ward names, counts
  with ``n/a`` cells, bed days with thousands separators (``"1,444"``), percentages (``"93%"``), a
  blank line every 500 rows, a totals line and a footnote.
  Baseline: ``pandas.read_csv(path)`` (pandas' C parser, default options: it reads the cells, it
  does not clean them). **Target: read_measure within 20x of the baseline.**
- ``numeric_csv``: two plain numeric columns (``day,value``), the same number of rows. Same target.
- ``messy_xlsx``: the messy export as an Excel workbook (smaller: ``--rows`` / 4), against
  ``pandas.read_excel(path, engine="calamine")``. Reported, no target.
- ``bombs``: files built to exhaust memory (an .xlsx with cells at XFD2 and A1048576; an .xlsx whose
  shared strings expand to 1 GB; a 50 MB CSV on one line; an .ods whose repeated rows make a billion
  cells; an .xls with cells at A1 and IV65536): each is read in a fresh Python process and
  must be refused with a qitools error; the time to refuse and the process's peak memory (VmHWM on
  Linux, ru_maxrss elsewhere) are printed. **Target: refused within 5 s and 500 MB.**

Exit status: 0 when every target is met, 1 when one is missed (the script is a report: a busy
machine can miss a ratio; look at the load average printed).
"""

from __future__ import annotations

import argparse
import io
import json
import os
import platform
import statistics
import subprocess
import sys
import tempfile
import time
import warnings
import zipfile
from pathlib import Path

import numpy as np
import pandas as pd

REPO_ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO_ROOT))

import qitools as qi  # noqa: E402

SEED = 2026
TARGET_RATIO = 20.0
BOMB_SECONDS = 5.0
BOMB_MB = 500.0


def messy_csv(rows: int) -> bytes:
    """A dashboard export of ``rows`` ward-days (see the module docstring); built with numpy, not a loop."""
    rng = np.random.default_rng(SEED)
    wards = np.array([f"Ward {k:03d}" for k in range(100)], dtype=object)
    days = pd.date_range("2019-04-01", periods=-(-rows // len(wards)), freq="D").strftime("%d/%m/%Y")
    date = np.repeat(days.to_numpy(dtype=object), len(wards))[:rows]
    ward = np.tile(wards, len(days))[:rows]
    falls = rng.poisson(0.4, rows).astype(str).astype(object)
    falls[rng.random(rows) < 0.01] = "n/a"
    beds = pd.Series(rng.integers(900, 1600, rows)).map("{:,}".format).to_numpy(dtype=object)
    occupancy = (pd.Series(rng.integers(85, 99, rows)).astype(str) + "%").to_numpy(dtype=object)
    body = pd.Series(date + "," + ward + "," + falls + ',"' + beds + '",' + occupancy)
    blank = np.arange(rows) % 500 == 499
    body = body.where(~blank, body + "\n,,,,")
    lines = [
        "Falls prevention - daily quality report (all wards),,,,",
        "Exported from the Ward Dashboard 03/04/2024 08:15,,,,",
        ",,Inpatient falls,Beds,",
        "Date,Ward,Number,Occupied bed days,Occupancy %",
        *body.tolist(),
        'Total,,12345,"1,234,567",',
        "Source: Ward Dashboard. The last month is provisional.,,,,",
    ]
    return ("\n".join(lines) + "\n").encode("utf-8")


def numeric_csv(rows: int) -> bytes:
    rng = np.random.default_rng(SEED)
    frame = pd.DataFrame({"day": np.arange(1, rows + 1), "value": rng.normal(50, 5, rows).round(2)})
    return frame.to_csv(index=False).encode("utf-8")


def messy_xlsx(rows: int, path: Path) -> None:
    rng = np.random.default_rng(SEED)
    frame = pd.DataFrame(
        {
            "Month": pd.date_range("1990-04-01", periods=rows, freq="D").strftime("%d/%m/%Y"),
            "Falls": rng.poisson(5, rows).astype(object),
            "Occupied bed days": rng.integers(1300, 1600, rows),
        }
    )
    frame.loc[frame.index % 97 == 5, "Falls"] = "n/a"
    top = pd.DataFrame([["Falls report", None, None], ["Month", "Falls", "Occupied bed days"]])
    body = pd.concat([top, pd.DataFrame(frame.to_numpy())], ignore_index=True)
    body.to_excel(path, header=False, index=False)


def timed(call, repeat: int) -> list[float]:
    call()  # warm-up
    times = []
    for _ in range(repeat):
        t0 = time.perf_counter()
        call()
        times.append(time.perf_counter() - t0)
    return times


def read_quietly(path: Path) -> pd.DataFrame:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", qi.QIToolsWarning)
        return qi.read_measure(path)


# ------------------------------------------------------------------------------------------------
# bombs


def _xlsx(sheet_xml: bytes, shared: bytes | None = None) -> bytes:
    """A minimal .xlsx with one sheet (and shared strings when given), deflated."""
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as z:
        z.writestr(
            "[Content_Types].xml",
            '<?xml version="1.0"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
            '<Default Extension="xml" ContentType="application/xml"/>'
            '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
            '<Override PartName="/xl/workbook.xml" '
            'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>'
            '<Override PartName="/xl/worksheets/sheet1.xml" '
            'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>'
            "</Types>",
        )
        z.writestr(
            "_rels/.rels",
            '<?xml version="1.0"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
            '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/'
            'officeDocument" Target="xl/workbook.xml"/></Relationships>',
        )
        z.writestr(
            "xl/workbook.xml",
            '<?xml version="1.0"?><workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" '
            'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"><sheets>'
            '<sheet name="Data" sheetId="1" r:id="rId1"/></sheets></workbook>',
        )
        z.writestr(
            "xl/_rels/workbook.xml.rels",
            '<?xml version="1.0"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
            '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/'
            'worksheet" Target="worksheets/sheet1.xml"/></Relationships>',
        )
        z.writestr("xl/worksheets/sheet1.xml", sheet_xml)
        if shared is not None:
            z.writestr("xl/sharedStrings.xml", shared)
    return buf.getvalue()


_SHEET_HEAD = b'<?xml version="1.0"?><worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'


def sparse_xlsx() -> bytes:
    """Two cells, at XFD2 and A1048576: pandas pads the used range to 17 billion cells."""
    return _xlsx(
        _SHEET_HEAD + b"<sheetData>"
        b'<row r="1"><c r="A1" t="inlineStr"><is><t>Month</t></is></c></row>'
        b'<row r="2"><c r="XFD2"><v>1</v></c></row>'
        b'<row r="1048576"><c r="A1048576"><v>2</v></c></row>'
        b"</sheetData></worksheet>"
    )


def shared_strings_xlsx(megabytes: int = 1024) -> bytes:
    """Shared strings that expand to ``megabytes`` MB (one huge string), a tiny sheet."""
    head = b'<?xml version="1.0"?><sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><si><t>'
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as z:
        pass
    sheet = _SHEET_HEAD + b'<sheetData><row r="1"><c r="A1" t="s"><v>0</v></c></row></sheetData></worksheet>'
    base = _xlsx(sheet)
    # add the shared strings member, streamed so that the generator itself stays small
    out = io.BytesIO(base)
    with zipfile.ZipFile(out, "a", zipfile.ZIP_DEFLATED, compresslevel=9) as z:
        with z.open("xl/sharedStrings.xml", "w", force_zip64=True) as fh:
            fh.write(head)
            block = b"A" * (1 << 20)
            for _ in range(megabytes):
                fh.write(block)
            fh.write(b"</t></si></sst>")
    return out.getvalue()


def ods(rows_xml: str, sheet: str = "Sheet1") -> bytes:
    """An OpenDocument spreadsheet with one table of the given rows (table:table-row elements)."""
    content = (
        '<?xml version="1.0" encoding="UTF-8"?><office:document-content '
        'xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" '
        'xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0" '
        'xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0" office:version="1.2">'
        f'<office:body><office:spreadsheet><table:table table:name="{sheet}">{rows_xml}</table:table>'
        "</office:spreadsheet></office:body></office:document-content>"
    )
    manifest = (
        '<?xml version="1.0" encoding="UTF-8"?><manifest:manifest '
        'xmlns:manifest="urn:oasis:names:tc:opendocument:xmlns:manifest:1.0" manifest:version="1.2">'
        '<manifest:file-entry manifest:full-path="/" manifest:media-type="application/vnd.oasis.opendocument.spreadsheet"/>'
        '<manifest:file-entry manifest:full-path="content.xml" manifest:media-type="text/xml"/></manifest:manifest>'
    )
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as z:
        z.writestr(zipfile.ZipInfo("mimetype"), "application/vnd.oasis.opendocument.spreadsheet")
        z.writestr("META-INF/manifest.xml", manifest, compress_type=zipfile.ZIP_DEFLATED)
        z.writestr("content.xml", content, compress_type=zipfile.ZIP_DEFLATED)
    return buf.getvalue()


def repeated_ods() -> bytes:
    """One filled row repeated 1,048,575 times across 1,024 columns: a billion cells once expanded."""
    return ods(
        '<table:table-row><table:table-cell office:value-type="string"><text:p>Month</text:p></table:table-cell>'
        '</table:table-row><table:table-row table:number-rows-repeated="1048575"><table:table-cell '
        'table:number-columns-repeated="1024" office:value-type="float" office:value="1"><text:p>1</text:p>'
        "</table:table-cell></table:table-row>"
    )


#: an old-style Excel sheet with cells at A1 and IV65536 (built by tests/data/exports/make_xls.py)
SPARSE_XLS = REPO_ROOT / "tests" / "data" / "exports" / "sparse.xls"


def one_line_csv(megabytes: int = 50) -> bytes:
    return b"Month," + b"1," * (megabytes * 1024 * 1024 // 2) + b"\n"


_CHILD = """
import resource, sys, time, warnings
t0 = time.perf_counter()
import qitools as qi
try:
    qi.read_measure(sys.argv[1])
    outcome = "read (NOT refused)"
except qi.QIToolsError as exc:
    outcome = "refused: " + str(exc)[:160]
except BaseException as exc:
    outcome = "FAILED: " + type(exc).__name__
seconds = time.perf_counter() - t0
# VmHWM: this process's peak resident memory (ru_maxrss would include the parent's, kept across exec)
status = open("/proc/self/status").read() if sys.platform.startswith("linux") else ""
hwm = [line.split()[1] for line in status.splitlines() if line.startswith("VmHWM:")]
peak = int(hwm[0]) / 1024 if hwm else resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
print(json.dumps({"seconds": seconds, "peak_mb": peak, "outcome": outcome}))
""".replace("import resource", "import json, resource")


def bomb(path: Path) -> dict:
    proc = subprocess.run(
        [sys.executable, "-c", _CHILD, str(path)], capture_output=True, text=True, timeout=300, cwd=REPO_ROOT
    )
    try:
        return json.loads(proc.stdout.strip().splitlines()[-1])
    except (IndexError, json.JSONDecodeError):
        return {"seconds": float("nan"), "peak_mb": float("nan"), "outcome": "CRASHED: " + proc.stderr[-300:]}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--rows", type=int, default=200_000)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--no-bombs", action="store_true", help="skip the bomb files")
    args = parser.parse_args(argv)

    load = os.getloadavg() if hasattr(os, "getloadavg") else ("?",) * 3
    print(f"machine: {platform.platform()}, {os.cpu_count()} CPUs, load average {load[0]:.2f}")
    print(f"python {platform.python_version()}, pandas {pd.__version__}, qitools {qi.__version__}")
    failed = False
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        messy = folder / f"ward_dashboard_{args.rows}_days.csv"
        messy.write_bytes(messy_csv(args.rows))
        numeric = folder / f"numeric_{args.rows}.csv"
        numeric.write_bytes(numeric_csv(args.rows))
        xlsx = folder / f"ward_dashboard_{args.rows // 4}_days.xlsx"
        messy_xlsx(max(args.rows // 4, 10), xlsx)
        df = read_quietly(messy)
        print(f"messy CSV: {messy.stat().st_size / 1024 / 1024:.1f} MB, read as {len(df):,} rows x {df.shape[1]} columns")
        print(f"{args.repeat} repeats, median seconds\n")
        print(f"{'row':<14}{'qitools s':>11}{'baseline s':>12}{'ratio':>8}  target")
        cases = [
            ("messy_csv", messy, lambda p: pd.read_csv(p), TARGET_RATIO),
            ("numeric_csv", numeric, lambda p: pd.read_csv(p), TARGET_RATIO),
            ("messy_xlsx", xlsx, lambda p: pd.read_excel(p, engine="calamine"), None),
        ]
        for key, path, baseline, target in cases:
            ours = statistics.median(timed(lambda: read_quietly(path), args.repeat))
            with warnings.catch_warnings():  # pandas' own DtypeWarning on the messy file is not news
                warnings.simplefilter("ignore", pd.errors.DtypeWarning)
                base = statistics.median(timed(lambda: baseline(path), args.repeat))
            ratio = ours / base
            verdict = ""
            if target is not None:
                verdict = f"< {target:.0f}x: " + ("met" if ratio < target else "MISSED")
                failed |= ratio >= target
            print(f"{key:<14}{ours:>11.3f}{base:>12.3f}{ratio:>7.1f}x  {verdict}")
        if not args.no_bombs:
            print(f"\nbomb files (each in a fresh process; target: refused within {BOMB_SECONDS:.0f} s and "
                  f"{BOMB_MB:.0f} MB peak)")
            bombs = {
                "sparse_XFD2_A1048576.xlsx": sparse_xlsx(),
                "shared_strings_1GB.xlsx": shared_strings_xlsx(),
                "one_line_50MB.csv": one_line_csv(),
                "repeated_rows.ods": repeated_ods(),
            }
            if SPARSE_XLS.is_file():
                bombs["sparse_A1_IV65536.xls"] = SPARSE_XLS.read_bytes()
            for name, content in bombs.items():
                path = folder / name
                path.write_bytes(content)
                r = bomb(path)
                ok = r["outcome"].startswith("refused") and r["seconds"] < BOMB_SECONDS and r["peak_mb"] < BOMB_MB
                failed |= not ok
                print(
                    f"{name:<28}{len(content) / 1024:>9,.0f} KB{r['seconds']:>7.2f} s{r['peak_mb']:>7.0f} MB  "
                    f"{'met' if ok else 'MISSED'}: {r['outcome'][:110]}"
                )
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
