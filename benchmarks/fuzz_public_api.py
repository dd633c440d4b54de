"""Fuzz the public functions with thousands of generated inputs: nothing but qitools' own errors (issue 22).

Run from the repository root (needs the test extra: Hypothesis)::

    python benchmarks/fuzz_public_api.py                    # 5,000 inputs, seed 0 (a few minutes)
    python benchmarks/fuzz_public_api.py --inputs 500       # a quick run
    python benchmarks/fuzz_public_api.py --seed 7           # other inputs (each seed is reproducible)
    python benchmarks/fuzz_public_api.py --only control_chart funnel_plot

The inputs are made by the strategies of ``tests/_fuzz.py`` (the same as
``tests/test_fuzz_public_api.py``): DataFrames with every pandas dtype and every messy cell, and
odd arguments, shared among the public functions as ``WEIGHTS`` says. Each input is one call of a
public function and what a user does next with its result (explain, show, draw one in six to
pixels, put one in thirty in a report); every call must return a result that passes the invariants
or raise a ``qitools.QIToolsError`` whose message names the argument, column or rows, and give no
warning that is not qitools' own.

The table gives, per function, the inputs, the calls made, how many calls raised a qitools error,
the qitools warnings given, and the time. Exit status: 0 when every input kept the contract; 1 when
one broke it (the input, shrunk by Hypothesis to a small example, is printed with the error).
"""

from __future__ import annotations

import argparse
import sys
import time
import warnings
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO_ROOT))
sys.path.insert(0, str(REPO_ROOT / "tests"))

import matplotlib  # noqa: E402

matplotlib.use("Agg")

from hypothesis import HealthCheck, given, seed, settings  # noqa: E402
from hypothesis import strategies as st  # noqa: E402

import _fuzz as F  # noqa: E402


def _split(total: int, names: list[str]) -> dict[str, int]:
    weight = sum(F.WEIGHTS[n] for n in names)
    return {n: max(1, round(total * F.WEIGHTS[n] / weight)) for n in names}


def _run(function: str, inputs: int, run_seed: int) -> tuple[int, float, str | None]:
    done = [0]

    @seed(run_seed)
    @settings(
        max_examples=inputs,
        database=None,
        deadline=None,
        derandomize=False,
        print_blob=True,
        suppress_health_check=list(HealthCheck),
    )
    @given(case=F.CALLS[function](), data=st.data())
    def fuzz(case: F.Case, data: st.DataObject) -> None:
        draw = data.draw(st.integers(0, 5), label="draw the result") == 0
        report = draw and data.draw(st.integers(0, 4), label="and write a report") == 0
        shuffle = data.draw(st.integers(0, 2**16), label="shuffle seed")
        done[0] += 1  # an input generated in full (not one Hypothesis abandoned while making it)
        F.run_case(case, draw=draw, report=report, seed=shuffle)

    start = time.perf_counter()
    try:
        fuzz()
    except F.ContractBroken as exc:
        return done[0], time.perf_counter() - start, str(exc)
    return done[0], time.perf_counter() - start, None


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--inputs", type=int, default=5000, help="generated inputs in all (default 5000)")
    parser.add_argument("--seed", type=int, default=0, help="Hypothesis seed (default 0)")
    parser.add_argument("--only", nargs="+", choices=sorted(F.WEIGHTS), help="fuzz only these functions")
    args = parser.parse_args(argv)
    names = args.only or list(F.WEIGHTS)
    share = _split(args.inputs, names)
    warnings.simplefilter("ignore")  # each call's warnings are recorded and checked by check_call

    print(f"Fuzzing {sum(share.values()):,} inputs across {len(names)} public functions (seed {args.seed})")
    print(f"{'function':<24}{'inputs':>8}{'calls':>9}{'qitools errors':>16}{'warnings':>10}{'seconds':>9}")
    total_inputs, total_time, broken = 0, 0.0, []
    totals = {"calls": 0, "qitools errors": 0, "qitools warnings": 0}
    for name in names:
        F.STATS.clear()
        n, seconds, failure = _run(name, share[name], args.seed)
        total_inputs += n
        total_time += seconds
        for key in totals:
            totals[key] += F.STATS[key]
        print(
            f"{name:<24}{n:>8,}{F.STATS['calls']:>9,}{F.STATS['qitools errors']:>16,}"
            f"{F.STATS['qitools warnings']:>10,}{seconds:>9.1f}" + ("   BROKEN" if failure else "")
        )
        if failure:
            broken.append((name, failure))
    print(
        f"{'all':<24}{total_inputs:>8,}{totals['calls']:>9,}{totals['qitools errors']:>16,}"
        f"{totals['qitools warnings']:>10,}{total_time:>9.1f}"
    )
    for name, failure in broken:
        print(f"\n{name}: the contract was broken:\n{failure}")
    if broken:
        return 1
    print(f"\n{total_inputs:,} inputs: every call returned a result that passed the checks or raised a qitools error.")
    return 0


if __name__ == "__main__":
    sys.exit(main())
