"""Image comparison of reference charts, so that a change in appearance fails the tests.

The baselines in ``tests/plot/baseline/`` were made with pytest-mpl (``--mpl-generate-path``) and
checked by eye; see ``tests/plot/conftest.py`` for how the comparison runs with and without ``--mpl``.
The data are typed in (synthetic; drawn once from a seeded generator) so that the pictures do not
depend on the random-number stream of a numpy version.
"""

from __future__ import annotations

import warnings

import numpy as np
import pandas as pd
import pytest

import qitools as qi

# RMS difference (0-255 levels, over all pixels) allowed. The same matplotlib and FreeType give
# identical pixels (RMS 0); 0.5 leaves room for anti-aliasing noise and still fails on small
# deliberate changes, measured on these charts: limit colour #8C8C8C -> #999999 gave RMS 1.0-1.3,
# the signal marker diamond -> square 1.5-2.8, the centre line 1.5 -> 1.8 pt 1.9-8.3, the data
# colour 2.2-3.3, the value labels 10.5 -> 11 pt 20-24.
TOLERANCE = 0.5

BED_DAYS = [2896, 3275, 2891, 3148, 2984, 3048, 2849, 3368, 2806, 2885, 3357, 3078, 2908, 3159, 3088,
            3124, 3132, 3274, 3246, 3239, 3189, 3016, 3208, 2888, 3003, 3248, 3071, 3384, 3190, 3372]  # fmt: skip
FALLS = [26, 19, 20, 18, 24, 25, 42, 31, 17, 19, 26, 21, 14, 20, 26,
         14, 10, 18, 24, 12, 21, 16, 28, 9, 12, 16, 14, 19, 18, 22]  # fmt: skip
FOUR_HOUR = [79.6, 83.9, 77.3, 84.0, 85.8, 79.3, 78.8, 78.4, 80.5, 91.0, 79.8, 82.6, 74.1, 70.7, 80.6, 79.6,
             84.9, 70.7, 81.7, 73.0, 95.0, 91.0, 84.1, 90.9, 91.6, 88.5, 94.2, 91.9,
             87.7, 86.3, 90.9, 85.6]  # fmt: skip
SCREENED = [48, 34, 50, 46, 26, 56, 55, 38, 41, 63, 27, 60, 73, 88, 37, 81, 86, 64, 57, 88, 41, 65, 40, 40]
PATIENTS = [76, 59, 70, 82, 45, 96, 87, 65, 67, 100, 40, 94, 95, 117, 44, 110, 118, 70, 76, 112, 57, 89, 48, 51]
RUNS = [
    [9.8, 10.7, 7.5, 13.7, 12.0, 10.7, 12.5, 9.3, 12.1, 7.9, 13.2, 12.0, 8.2, 8.3, 11.3, 10.0, 12.3, 10.0, 10.4, 9.9],
    [10.1, 8.5, 7.7, 11.2, 10.6, 6.9, 9.1, 12.1, 10.0, 7.8, 10.6, 8.2, 9.3, 12.5, 6.6, 10.6, 12.9, 10.6, 11.7, 6.2],
    [8.9, 8.4, 7.8, 9.6, 9.6, 11.3, 8.4, 10.0, 8.8, 10.8, 14.7, 13.3, 12.1, 11.9, 14.4, 12.9, 15.4, 13.9, 12.2, 14.4],
    [9.2, 10.9, 11.6, 10.6, 10.9, 10.7, 8.7, 8.6, 9.9, 10.0, 12.4, 7.7, 7.9, 11.4, 9.7, 11.6, 10.3, 8.5, 7.0, 8.3],
    [12.1, 8.4, 11.2, 11.6, 9.2, 13.2, 9.1, 7.4, 10.3, 10.0, 11.1, 6.7, 9.2, 6.2, 11.1, 9.0, 14.1, 10.0, 10.7, 12.0],
    [13.8, 8.7, 11.7, 12.3, 10.9, 9.4, 8.6, 12.3, 9.3, 7.9, 7.5, 12.2, 7.6, 9.4, 8.5, 9.9, 8.6, 10.9, 11.1, 12.0],
]


def _compare(filename: str, **kw):
    return pytest.mark.mpl_image_compare(
        baseline_dir="baseline",
        filename=filename,
        tolerance=TOLERANCE,
        style="default",
        savefig_kwargs={"dpi": 60, "facecolor": "white"},
        **kw,
    )


def falls_chart():
    months = pd.date_range("2022-01-01", periods=30, freq="MS")
    df = pd.DataFrame(
        {
            "month": months,
            "falls": FALLS,
            "bed_days": BED_DAYS,
            "phase": ["Before"] * 16 + ["Falls bundle"] * 14,
            "note": [None] * 9 + ["new beds"] + [None] * 20,
        }
    )
    return qi.control_chart(
        df, x="month", y="falls", n="bed_days", chart="u", multiply=1000, part="phase", notes="note"
    )


@_compare("u_chart_parts_annotations.png")
def test_u_chart_with_parts_notes_and_pdsa_cycles(image_check):
    """u chart: stepped limits, two labelled parts, a point beyond the limits, a note, a PDSA line and span."""
    with image_check.style():
        cc = falls_chart()
        ax = cc.plot(
            figsize=(7, 3.8),
            annotations=[
                {"x": "2023-03-01", "label": "PDSA 1: hourly rounding"},
                {"x": "2023-05-01", "x_end": "2023-08-01", "label": "PDSA 2: sensor mats"},
            ],
            caption="Synthetic data.",
        )
    return image_check(ax.figure)


@_compare("mdc_xmr_icons_target.png")
def test_making_data_count_xmr_with_icons_target_and_two_sigma(image_check):
    """XmR chart with the Making Data Count rules: coloured points, icons, target, 2-sigma lines, percent."""
    with image_check.style(), warnings.catch_warnings():
        warnings.simplefilter("ignore")
        cc = qi.control_chart(
            x=pd.date_range("2023-01-02", periods=32, freq="W-MON"),
            y=FOUR_HOUR,
            chart="i",
            rules="mdc",
            improvement="increase",
            target=85,
        )
        ax = cc.plot(figsize=(7, 3.8), two_sigma=True, percent=True, title="A&E: seen within 4 hours")
    return image_check(ax.figure)


@_compare("run_chart_facets.png")
def test_faceted_run_chart_small_multiples(image_check):
    """Six run charts as small multiples, own y scales; one facet has a runs signal (dashed centre line)."""
    with image_check.style():
        df = pd.DataFrame(
            {
                "ward": np.repeat([f"Ward {c}" for c in "ABCDEF"], 20),
                "week": np.tile(pd.date_range("2024-01-01", periods=20, freq="W-MON"), 6),
                "minutes": np.concatenate(RUNS),
            }
        )
        fig = qi.run_chart(df, x="week", y="minutes", facet="ward").plot(sharey=False, facet_cols=3)
    return image_check(fig)


@_compare("p_chart_freeze_exclude.png")
def test_p_chart_with_baseline_excluded_point_and_runs_signal(image_check):
    """p chart: limits varying with n, frozen baseline, an excluded (hollow) point, runs signal after the baseline."""
    with image_check.style(), warnings.catch_warnings():
        warnings.simplefilter("ignore")
        cc = qi.control_chart(
            x=pd.date_range("2023-01-01", periods=24, freq="MS"),
            y=SCREENED,
            n=PATIENTS,
            chart="p",
            freeze="2023-12-01",
            exclude=["2023-05-01"],
        )
        ax = cc.plot(figsize=(7, 3.8), percent=True, title="Patients screened for sepsis", subtitle="")
    return image_check(ax.figure)


# -- understanding the system: Pareto chart, fishbone, process map ------------------------------------
FALL_CAUSES = ["Toileting unassisted", "Confusion or delirium", "Footwear", "Medication", "Mobilising at night",
               "Bed rails", "Chair transfer", "Wet floor", "Other mechanical", "Reaching for items"]  # fmt: skip
FALL_COUNTS = [71, 53, 28, 22, 19, 16, 11, 8, 7, 5]

FISHBONE = {
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


# two endings ("Moves to the ward" goes to the end) and a loop back from an ordinary step ("next")
ED_TWO_ENDINGS = [
    "Patient arrives in ED",
    "Assessed by ED doctor",
    {"step": "Needs a ward bed?", "kind": "decision", "no": "Discharge letter written"},
    {"step": "Waiting for a ward bed", "kind": "delay", "wait": "4 to 12 hours"},
    {"step": "Moves to the ward", "next": "end"},
    "Discharge letter written",
    {"step": "Pharmacy makes up medicines", "kind": "delay", "wait": "1 to 2 hours"},
    {"step": "Medicines correct?", "kind": "decision", "yes": "Goes home"},
    {"step": "Pharmacist corrects the prescription", "next": "Pharmacy makes up medicines"},
    "Goes home",
]


@_compare("pareto_chart_other.png")
def test_pareto_chart_with_vital_few_and_other(image_check):
    """Pareto chart: bars descending, cumulative line to 100 %, 80 % cut, vital few dark, the tail in 'Other'."""
    with image_check.style():
        df = pd.DataFrame({"cause": FALL_CAUSES, "falls": FALL_COUNTS})
        ax = qi.pareto_chart(df, category="cause", count="falls", top=7, figsize=(8, 4.8))
    return image_check(ax.figure)


@_compare("fishbone_6x6.png")
def test_fishbone_six_categories_six_causes(image_check):
    """Fishbone: 6 categories x 6 causes with sub-causes; every cause legible, nothing overlapping."""
    with image_check.style():
        ax = qi.cause_effect_diagram("Inpatient falls on Ward 7", FISHBONE, title="Why do patients fall?")
    return image_check(ax.figure)


@_compare("process_map_12_steps.png")
def test_process_map_decisions_and_delays(image_check):
    """Process map: 12 steps in 3 rows, a forward jump and a loop back (blue), two delays with their waits."""
    with image_check.style():
        ax = qi.process_map(ED_STEPS, title="Emergency department: arrival to leaving")
    return image_check(ax.figure)


@_compare("process_map_two_endings.png")
def test_process_map_two_endings_and_a_loop_back(image_check):
    """Process map with "next": a second ending (blue arrow to End, none on to the next step) and a loop back
    from an ordinary step through the left gutter; the decisions' branches as before."""
    with image_check.style():
        with warnings.catch_warnings():
            warnings.simplefilter("error")
            ax = qi.process_map(ED_TWO_ENDINGS, title="Emergency department: admitted or sent home")
    return image_check(ax.figure)
