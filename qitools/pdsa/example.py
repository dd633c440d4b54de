"""A small, synthetic PDSA project for examples and tests: fewer falls on two older people's wards.

Nothing here is real patient data. The monthly falls are fixed numbers (drawn once from a
Poisson model: about 8 falls per 1000 bed days for 19 months, about 5.4 from month 20, when the
falls bundle was rolled out on both wards); the cycles test bay tagging, falls sensor mats and
intentional rounding between months 14 and 20, growing from one patient or one bay to whole wards.
"""

from __future__ import annotations

import pandas as pd

from .model import Aim, ChangeIdea, Driver, Measure, PDSACycle, Project

__all__ = ["example_project", "example_data"]

_FALLS = [22, 26, 31, 24, 28, 33, 28, 24, 22, 18, 21, 15, 15, 33, 19, 29, 23, 30, 20, 26,
          16, 17, 12, 8, 15, 12, 16, 20, 15, 16]  # fmt: skip
_BED_DAYS = [3248, 3220, 3103, 3055, 3008, 3108, 2940, 2998, 3067, 2930, 3031, 3082, 3223, 3085, 3205,
             2925, 2903, 2908, 3155, 3137, 2937, 2905, 2974, 3124, 3242, 2995, 3004, 3062, 3049, 3075]  # fmt: skip


def example_data() -> pd.DataFrame:
    """Monthly falls and bed days on Wards 7 and 8 (synthetic), January 2023 to June 2025.

    Returns
    -------
    pandas.DataFrame
        30 rows: ``month`` (first day of the month, a Timestamp), ``falls`` (count), ``bed_days``.

    Examples
    --------
    >>> from qitools.pdsa import example_data
    >>> example_data().head(2)
           month  falls  bed_days
    0 2023-01-01     22      3248
    1 2023-02-01     26      3220
    """
    return pd.DataFrame(
        {
            "month": pd.date_range("2023-01-01", periods=len(_FALLS), freq="MS"),
            "falls": _FALLS,
            "bed_days": _BED_DAYS,
        }
    )


def example_project() -> Project:
    """A falls project with its aim, measures, driver diagram and ten PDSA cycles (synthetic).

    Returns
    -------
    Project
        ``ward-falls``: measures ``M1`` (outcome, falls per 1000 bed days, charted from
        :func:`example_data`), ``M2`` (process), ``M3`` (balancing); primary drivers ``P1``, ``P2``,
        secondary drivers ``S1``-``S4``; change ideas ``CI1`` bay tagging, ``CI2`` falls sensor mats,
        ``CI3`` intentional rounding, ``CI4`` risk assessment on admission; ramps ``R1``-``R3``;
        cycles ``C1``-``C10`` (one abandoned ramp, one cycle still planned).

    Examples
    --------
    >>> import qitools as qi
    >>> p = qi.pdsa.example_project()
    >>> for r in p.ramp_table().itertuples():
    ...     print(f"{r.ramp} {r.title}: {r.cycles} | {r.decisions}")
    R1 Bay tagging: C1 → C2 → C5 → C7 → C10 | adapt → adopt → adopt → adopt → –
    R2 Falls sensor mats: C3 → C4 | adapt → abandon
    R3 Intentional rounding: C6 → C8 → C9 | adapt → adopt → adopt
    """
    p = Project(
        title="Fewer falls on Wards 7 and 8",
        id="ward-falls",
        team="Ward 7 and 8 falls group: ward managers, falls lead nurse, physiotherapist, matron",
        description="Synthetic example for the qitools course (no real patient data).",
        created="2023-11-20",
        aim=Aim(
            what="Reduce inpatient falls",
            how_much="by 30%, from 8 to 5.6 falls per 1000 bed days",
            by_when="2024-12-31",
            for_whom="patients on Wards 7 and 8 (older people's medicine)",
            measure="M1",
            baseline=8.0,
            target=5.6,
        ),
    )
    p.add(Measure("Falls per 1000 bed days", kind="outcome", id="M1", x="month", y="falls", n="bed_days",
                  chart="u", multiply=1000, improvement="decrease", unit="falls per 1000 bed days",
                  definition="All inpatient falls (with or without harm) reported on the incident system for "
                             "Wards 7 and 8, by month of the fall, divided by the wards' occupied bed days from the "
                             "bed management system, times 1000."))  # fmt: skip
    p.add(Measure("Hourly rounding charts complete (%)", kind="process", id="M2",
                  definition="Each week, 10 randomly chosen patients' rounding charts on each ward: the percentage "
                             "with every hour between 08:00 and 22:00 signed."))  # fmt: skip
    p.add(Measure("Patients woken at night (%)", kind="balancing", id="M3",
                  definition="Monthly patient survey question 'Were you woken at night by staff when you did not "
                             "need to be?': percentage answering yes."))  # fmt: skip
    p.add(Driver("Patients at high risk are watched closely", id="P1"))
    p.add(Driver("Patients' needs are met before they try to get up alone", id="P2"))
    p.add(Driver("A member of staff is always in each bay", level="secondary", parent="P1", id="S1"))
    p.add(Driver("Staff know at once when a high-risk patient gets up", level="secondary", parent="P1", id="S2"))
    p.add(Driver("Regular checks of toileting, pain, position and reach", level="secondary", parent="P2", id="S3"))
    p.add(Driver("Falls risk is assessed on admission", level="secondary", parent="P2", id="S4"))
    p.add(
        ChangeIdea(
            "Bay tagging",
            drivers=["S1"],
            id="CI1",
            description="A member of staff is 'tagged' to each bay and hands over before leaving it.",
        )
    )
    p.add(ChangeIdea("Falls sensor mats", drivers=["S2"], id="CI2"))
    p.add(
        ChangeIdea(
            "Intentional rounding",
            drivers=["S3", "S1"],
            id="CI3",
            description="Hourly checks by day, two-hourly at night: toileting, pain, position, possessions.",
        )
    )
    p.add(ChangeIdea("Falls risk assessment within 6 hours of admission", drivers=["S4"], id="CI4"))
    for cycle in _CYCLES:
        p.add(cycle)
    return p


_CYCLES = [
    PDSACycle(
        id="C1",
        change_idea="CI1",
        measure="M1",
        objective="Can night staff keep one bay tagged for a week?",
        questions=["Is the bay ever left without staff?", "What stops staff staying in the bay?"],
        predictions=["The bay is left without staff fewer than 3 times a night", "No unwitnessed falls in the bay"],
        who="Night staff nurse and HCA on Ward 7",
        what="Tag bay 2; hand over the tag before leaving",
        when="Nights, 5-11 February",
        where="Ward 7, bay 2",
        data_to_collect="Tally of times the bay was left without staff; falls in the bay",
        scale="1 bay, nights",
        scale_n=6,
        plan_date="2024-01-29",
        start_date="2024-02-05",
        end_date="2024-02-11",
        what_happened="Tagging kept on 6 of 7 nights; one night two staff were off sick.",
        observations="Staff handed over the tag by saying 'bay 2 is yours' at the door.",
        problems="At the 02:00 drug round the nurse had to leave the bay.",
        study_date="2024-02-13",
        results="Bay left 1-2 times a night (prediction held); no falls in the bay.",
        learning="The drug round is the weak point: the HCA must hold the tag then.",
        prediction_held="yes",
        act="adapt",
        act_date="2024-02-13",
        act_notes="Give the tag to the HCA during drug rounds; try it by day too.",
    ),  # fmt: skip
    PDSACycle(
        id="C2",
        change_idea="CI1",
        previous="C1",
        measure="M1",
        objective="Does bay tagging work by day, with the HCA holding the tag during drug rounds?",
        predictions=["The bay is left without staff fewer than 5 times a day"],
        who="Day and night teams, Ward 7",
        what="Tag bay 2 around the clock",
        where="Ward 7, bay 2",
        scale="1 bay, all day",
        scale_n=6,
        plan_date="2024-02-26",
        start_date="2024-03-04",
        end_date="2024-03-17",
        what_happened="Tagging kept every day; visiting hours were busy.",
        study_date="2024-03-19",
        results="Bay left 2-6 times a day (prediction partly held); no falls in the bay.",
        learning="A tag board by the bay entrance helps at visiting times.",
        prediction_held="partly",
        act="adopt",
        act_date="2024-03-19",
        act_notes="Spread to all bays on Ward 7 with a tag board.",
    ),  # fmt: skip
    PDSACycle(
        id="C3",
        change_idea="CI2",
        measure="M1",
        objective="Do sensor mats alert staff in time when a high-risk patient gets up?",
        predictions=["Staff reach the patient within 1 minute of every alarm"],
        scale="1 patient",
        scale_n=1,
        plan_date="2024-03-06",
        start_date="2024-03-11",
        end_date="2024-03-15",
        what_happened="Mat used for one patient for 5 days.",
        problems="9 false alarms when the patient shifted in bed.",
        study_date="2024-03-18",
        results="Staff arrived within 1 minute for 12 of 14 alarms.",
        learning="Too many false alarms: needs a delay setting.",
        prediction_held="partly",
        act="adapt",
        act_date="2024-03-18",
        act_notes="Try the mats with a 5-second delay on three patients.",
    ),  # fmt: skip
    PDSACycle(
        id="C4",
        change_idea="CI2",
        previous="C3",
        measure="M1",
        objective="Do mats with a 5-second delay cut false alarms without missing patients getting up?",
        predictions=["Fewer than 2 false alarms per patient per day", "No patient gets up without an alarm"],
        scale="3 patients",
        scale_n=3,
        plan_date="2024-04-02",
        start_date="2024-04-08",
        end_date="2024-04-21",
        what_happened="Three patients for two weeks.",
        problems="Alarms ignored by day 10 (alarm fatigue).",
        study_date="2024-04-23",
        results="4 false alarms per patient per day; one patient got up unseen.",
        learning="Mats add noise on this ward; bay tagging already covers these patients.",
        prediction_held="no",
        act="abandon",
        act_date="2024-04-23",
        act_notes="Stop the mats; put the effort into rounding.",
    ),  # fmt: skip
    PDSACycle(
        id="C5",
        change_idea="CI1",
        previous="C2",
        measure="M1",
        objective="Can every bay on Ward 7 be tagged with tag boards?",
        predictions=["Each bay left without staff fewer than 5 times a day", "Falls on Ward 7 fall this month"],
        scale="Ward 7 (all bays)",
        scale_n=28,
        plan_date="2024-04-29",
        start_date="2024-05-06",
        end_date="2024-06-02",
        what_happened="All five bays tagged for four weeks.",
        study_date="2024-06-04",
        results="Bays left 1-4 times a day; 6 falls on Ward 7 in May against 11 in April.",
        learning="Works across the ward; needs an extra HCA on nights when the ward is full.",
        prediction_held="yes",
        act="adopt",
        act_date="2024-06-04",
        act_notes="Take it to Ward 8.",
    ),  # fmt: skip
    PDSACycle(
        id="C6",
        change_idea="CI3",
        measure="M2",
        objective="Can hourly rounding be done and recorded in one bay?",
        predictions=["At least 12 of 14 hourly checks a day are signed"],
        scale="1 bay",
        scale_n=6,
        plan_date="2024-04-10",
        start_date="2024-04-15",
        end_date="2024-04-21",
        what_happened="Rounding chart at each bed; checks by the bay's HCA.",
        study_date="2024-04-23",
        results="10 of 14 checks signed on average (prediction not met).",
        learning="The chart is too long; a tick box per check would be quicker.",
        prediction_held="no",
        act="adapt",
        act_date="2024-04-23",
        act_notes="Shorter chart; test on the whole ward.",
    ),  # fmt: skip
    PDSACycle(
        id="C7",
        change_idea="CI1",
        previous="C5",
        measure="M1",
        objective="Does bay tagging carry over to Ward 8?",
        predictions=["Ward 8 bays left without staff fewer than 5 times a day"],
        scale="Wards 7 and 8",
        scale_n=56,
        plan_date="2024-06-20",
        start_date="2024-07-01",
        end_date="2024-07-28",
        what_happened="Tagging on both wards.",
        study_date="2024-07-30",
        results="Ward 8 bays left 2-5 times a day.",
        learning="Same pattern as Ward 7.",
        prediction_held="yes",
        act="adopt",
        act_date="2024-07-30",
        act_notes="Part of the falls bundle on both wards from August.",
    ),  # fmt: skip
    PDSACycle(
        id="C8",
        change_idea="CI3",
        previous="C6",
        measure="M2",
        objective="Does the shorter rounding chart work across Ward 7?",
        predictions=["At least 12 of 14 hourly checks a day are signed"],
        scale="Ward 7",
        scale_n=28,
        plan_date="2024-05-07",
        start_date="2024-05-13",
        end_date="2024-06-09",
        what_happened="Shorter chart on all 28 beds.",
        study_date="2024-06-11",
        results="13 of 14 checks signed on average.",
        learning="Patients liked being asked about pain.",
        prediction_held="yes",
        act="adopt",
        act_date="2024-06-11",
        act_notes="Take it to Ward 8.",
    ),  # fmt: skip
    PDSACycle(
        id="C9",
        change_idea="CI3",
        previous="C8",
        measure="M2",
        objective="Does rounding hold up on both wards?",
        predictions=["At least 12 of 14 hourly checks a day are signed on each ward"],
        scale="Wards 7 and 8",
        scale_n=56,
        plan_date="2024-07-01",
        start_date="2024-07-08",
        end_date="2024-07-31",
        what_happened="Both wards.",
        study_date="2024-08-02",
        results="12-13 of 14 checks signed.",
        learning="Night rounding two-hourly avoids waking patients.",
        prediction_held="yes",
        act="adopt",
        act_date="2024-08-02",
        act_notes="Part of the falls bundle from August.",
    ),  # fmt: skip
    PDSACycle(
        id="C10",
        change_idea="CI1",
        previous="C7",
        measure="M1",
        objective="Is bay tagging still kept up three months after the bundle started?",
        predictions=["Bays left without staff fewer than 5 times a day on both wards"],
        scale="Wards 7 and 8",
        scale_n=56,
        plan_date="2024-10-21",
        start_date="2024-11-04",
    ),  # fmt: skip
]
