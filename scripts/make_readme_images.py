"""Make the example charts shown in README.md (docs/images/*.png).

Run from anywhere::

    python scripts/make_readme_images.py            # writes docs/images/readme_*.png
    python scripts/make_readme_images.py --out DIR  # somewhere else

The data are synthetic (no patient data), drawn from a seeded generator so that the pictures only
change when the drawing code does. Each PNG carries the chart's plain-English explanation as its
description (alt text), written by :func:`qitools.plot.save`.
"""

from __future__ import annotations

import argparse
import sys
import warnings
from pathlib import Path

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))  # the checkout's qitools, installed or not

import qitools as qi  # noqa: E402
from qitools.plot import save  # noqa: E402

SEED = 2024
DPI = 100
RC = {"font.family": "DejaVu Sans"}


def falls_u_chart(rng: np.random.Generator) -> qi.ControlChart:
    """Falls per 1,000 bed days on a ward, before and after a falls-prevention bundle."""
    months = pd.date_range("2022-04-01", periods=36, freq="MS")
    bed_days = rng.integers(2700, 3300, months.size)
    rate = np.r_[np.full(20, 7.2), np.full(16, 4.9)]
    falls = rng.poisson(rate * bed_days / 1000)
    falls[7] = 41  # a month with a norovirus outbreak and agency staff
    notes = [None] * months.size
    notes[7] = "norovirus outbreak"
    df = pd.DataFrame(
        {
            "month": months,
            "falls": falls,
            "bed_days": bed_days,
            "phase": ["Before the bundle"] * 20 + ["Falls bundle in place"] * 16,
            "notes": notes,
        }
    )
    return qi.control_chart(
        df, x="month", y="falls", n="bed_days", chart="u", multiply=1000, part="phase", notes="notes"
    )


def four_hour_xmr(rng: np.random.Generator) -> qi.ControlChart:
    """Weekly % of A&E patients seen within 4 hours, Making Data Count rules, target 95%.

    The limits come from the 36 weeks before a new streaming process (``freeze``) and are
    extended, so the weeks after it are judged against the old process.
    """
    weeks = pd.date_range("2023-01-02", periods=52, freq="W-MON")
    pct = np.r_[rng.normal(79, 2.5, 36), rng.normal(86.5, 2.5, 16)].round(1)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return qi.control_chart(
            x=weeks, y=pct, chart="i", rules="mdc", improvement="increase", target=95, freeze=weeks[35]
        )


def triage_run_charts(rng: np.random.Generator) -> qi.ControlChart:
    """Median minutes to triage, by ward, weekly: run charts as small multiples."""
    wards = ["Acute Medical Unit", "Ward 10", "Ward 11", "Ward 12", "Surgical Assessment", "Frailty Unit"]
    weeks = pd.date_range("2024-01-01", periods=26, freq="W-MON")
    rows = []
    for k, ward in enumerate(wards):
        level = rng.uniform(18, 40)
        minutes = rng.normal(level, level * 0.15, weeks.size)
        if k == 1:
            minutes[13:] -= level * 0.4  # Ward 10 changed its triage process half-way
        if k == 4:
            minutes += np.linspace(0, level * 0.8, weeks.size)  # creeping up
        rows.append(pd.DataFrame({"ward": ward, "week": weeks, "minutes": minutes.round(1)}))
    return qi.run_chart(pd.concat(rows), x="week", y="minutes", facet="ward")


def falls_by_cause(rng: np.random.Generator) -> pd.DataFrame:
    """One row per inpatient fall over a year on a ward, with its main cause."""
    causes = ["Toileting unassisted", "Confusion or delirium", "Footwear", "Medication", "Mobilising at night",
              "Bed rails", "Chair transfer", "Wet floor", "Reaching for items", "Lighting"]  # fmt: skip
    p = np.array([30, 22, 12, 8, 7, 6, 5, 4, 3, 3], dtype=float)
    return pd.DataFrame({"cause": rng.choice(causes, size=240, p=p / p.sum())})


FALLS_FISHBONE = {
    "People": ["Agency staff new to the ward", {"Handover": ["No falls checklist", "Rushed at 8 pm"]},
               "Low staffing at night", "Patients reluctant to ask for help", "Skill mix", "Relatives not involved"],
    "Methods": ["Risk assessment not repeated after a fall", "No hourly rounding",
                {"Toileting plans": ["Not written", "Not followed at night"]}, "Bed rails policy unclear",
                "Medication review late", "Lying and standing BP not measured"],
    "Equipment": ["Bed alarms broken or missing", "Call bell out of reach", "Walking aids not to hand",
                  "Low-low beds in short supply", {"Footwear": ["Slippers without grip"]}, "Chairs too low"],
    "Environment": ["Poor lighting at night", "Cluttered bays", "Side rooms far from the nurses' station",
                    "Wet floors after cleaning", "Toilets far from the beds", "Noise disturbs sleep"],
    "Patients": ["Delirium and dementia", "Postural hypotension", "Night sedation", "Continence urgency",
                 "Previous falls", "Poor eyesight"],
    "Measurement": ["Falls under-reported", "Harm graded late", "No run chart on the ward",
                    "Data a month old at the meeting", {"Bed days": ["From a different system"]},
                    "No denominator for wards"],
}  # fmt: skip

ED_STEPS = [
    "Patient arrives at ED",
    {"step": "Wait to be booked in", "kind": "delay", "wait": "10 to 20 minutes"},
    "Booked in at reception",
    "Triage by nurse",
    {"step": "Needs resuscitation?", "kind": "decision", "yes": "Seen by ED doctor"},
    {"step": "Wait for a doctor", "kind": "delay", "wait": "2 to 4 hours in majors"},
    "Seen by ED doctor",
    "Blood tests and X-ray",
    {"step": "Results complete?", "kind": "decision", "no": "Blood tests and X-ray"},
    "Treatment plan agreed",
    "Bed or transport arranged",
    "Leaves the department",
]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=ROOT / "docs" / "images", help="folder for the PNG files")
    args = parser.parse_args(argv)
    args.out.mkdir(parents=True, exist_ok=True)
    written = []
    with plt.style.context("default", after_reset=True), matplotlib.rc_context(RC):
        cc = falls_u_chart(np.random.default_rng([SEED, 1]))
        ax = cc.plot(
            annotations=[
                {"x": "2023-09-01", "label": "PDSA 1: hourly rounding"},
                {"x": "2024-01-01", "x_end": "2024-03-01", "label": "PDSA 2: sensor mats"},
            ],
            caption="Synthetic data for illustration. Limits recomputed for each part.",
        )
        written.append(save(ax, args.out / "readme_u_chart_falls.png", dpi=DPI))
        cc = four_hour_xmr(np.random.default_rng([SEED, 2, 1]))
        ax = cc.plot(
            percent=True,
            title="A&E patients seen within 4 hours",
            caption="Synthetic data. Limits from the 36 weeks before the new streaming process.",
        )
        written.append(save(ax, args.out / "readme_mdc_xmr_four_hours.png", dpi=DPI))
        cc = triage_run_charts(np.random.default_rng([SEED, 3]))
        fig = cc.plot(sharey=False, title="Median minutes to triage, by ward", caption="Synthetic data.")
        written.append(save(fig, args.out / "readme_run_chart_facets.png", dpi=DPI))
        ax = qi.pareto_chart(falls_by_cause(np.random.default_rng([SEED, 4])), category="cause",
                             title="Inpatient falls by main cause, one year")  # fmt: skip
        written.append(save(ax, args.out / "readme_pareto_falls.png", dpi=DPI))
        ax = qi.cause_effect_diagram("Inpatient falls on Ward 7", FALLS_FISHBONE, title="Why do patients fall?")
        written.append(save(ax, args.out / "readme_fishbone_falls.png", dpi=DPI))
        ax = qi.process_map(ED_STEPS, title="Emergency department: from arrival to leaving")
        written.append(save(ax, args.out / "readme_process_map_ed.png", dpi=DPI))
        plt.close("all")
    for path in written:
        print(f"{path.relative_to(ROOT) if path.is_relative_to(ROOT) else path}  {path.stat().st_size / 1024:.0f} kB")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
