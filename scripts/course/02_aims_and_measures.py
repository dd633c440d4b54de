# Source of notebooks/02_aims_and_measures.ipynb: edit this file, then run `python scripts/build_notebooks.py 02`.
# ruff: noqa: E402, E501, E703, B905 - notebook idioms: imports where first needed, long markdown lines, ";" hides a plot's return value, plain zip() for readers

# %% [markdown]
# # Module 2: Aims and measures
#
# | | |
# |---|---|
# | **Level** | 1 (foundation) |
# | **Time** | about 45 minutes, and about 35 minutes for the [exercise](../exercises/02_aims_and_measures.ipynb) |
# | **Prerequisites** | [Module 1, Why measure?](01_why_measure.ipynb) |
# | **Measure used** | inpatient falls per 1,000 occupied bed days on eight wards (example data, `ward_falls`); sepsis antibiotics within 1 hour as a second example |
#
# **Learning objectives.** By the end of this module you will be able to:
# - write an **aim statement** that says how much, by when and for whom;
# - build a **family of measures**: outcome, process and balancing;
# - write an **operational definition** with a numerator and a denominator;
# - compute a rate such as **falls per 1,000 bed days**, and deal with missing months and zero
#   denominators;
# - **stratify**: chart wards separately before adding them together;
# - write a **measurement plan**, and say when a **sample** (20 notes a month, say) is enough and
#   what it does to the chart.

# %% [markdown]
# ## 1. What are we trying to accomplish? The aim
#
# The first question of the Model for Improvement asks for an **aim**. A useful aim is specific
# enough that everyone can tell whether it was met (Langley et al., *The Improvement Guide*, 2009;
# the IHI Open School teaches the same "how much, by when, for whom"):
#
# | weak aim | why it is weak | stronger aim |
# |---|---|---|
# | "Reduce falls." | no size, no date, no population | "Reduce inpatient falls on Ash ward by 30%, from 11.1 to 7.8 per 1,000 occupied bed days, by 31 March 2023." |
# | "Improve sepsis care in ED." | "improve" how? | "By 31 December 2023, 85% of adults who screen positive for sepsis in our emergency department get IV antibiotics within 1 hour of arrival (now 55%)." |
#
# A stretch of 30% or more signals that small tweaks will not do: the system has to change. The
# baseline ("from 11.1") comes from the team's own data (section 4 computes it), which is why we
# measure before we change. Module 4 draws this aim as a goal line on Ash's run chart.
#
# **Try it:** rewrite "Make discharges earlier" as an aim with how much, by when and for whom.

# %% [markdown]
# ## 2. How will we know that a change is an improvement? A family of measures
#
# One measure is rarely enough. *The Health Care Data Guide* (Provost & Murray, 2011) and the
# IHI recommend a small **family of measures**:
#
# | kind | what it tells you | falls example | sepsis example |
# |---|---|---|---|
# | **outcome** | is the patient better off? (the aim) | falls per 1,000 occupied bed days | sepsis mortality |
# | **process** | are we doing the things we believe lead to the outcome? | % of patients with a lying and standing blood pressure within 24 hours of admission | % of screen-positive patients given antibiotics within 1 hour |
# | **balancing** | are we causing a problem somewhere else? | pressure ulcers (patients moving less); use of bed rails | *C. difficile* infections, broad-spectrum antibiotic use |
#
# Process measures move first and tell the team whether a change is really being done; outcome
# measures move later and tell everyone whether it mattered; balancing measures stop you solving
# one problem by creating another.
#
# **Try it:** classify these measures for a project to reduce waits for a CT scan: (a) median
# hours from request to scan; (b) % of requests vetted within 30 minutes; (c) number of scans
# repeated because of poor quality.
#
# <details><summary><b>Answers</b></summary>(a) outcome; (b) process; (c) balancing: rushing may
# lower quality.</details>

# %% [markdown]
# ## 3. Operational definitions
#
# An **operational definition** says exactly what to count and how, so that two people counting
# the same ward get the same number (Provost & Murray, 2011, ch. 2). For the falls rate:
#
# | part | definition |
# |---|---|
# | what counts as a fall | "an event which results in a person coming to rest inadvertently on the ground or floor or other lower level" (World Health Organization definition), reported on the incident system |
# | **numerator** (the top of the fraction) | inpatient falls on the ward in the calendar month, including falls without harm and repeat falls of the same patient |
# | **denominator** (the bottom) | **occupied bed days**: the number of beds occupied at midnight, added up over every day of the month |
# | included / excluded | inpatients only; visitors and staff excluded |
# | source and timing | incident system and patient administration system, extracted on the 5th working day |
#
# Change the definition part-way through and the chart will show a "shift" that is only a change
# in counting. Write the definition down before you collect the data.

# %% [markdown]
# ## 4. Computing a rate
#
# Run the setup cell first (it loads the tools and keeps pictures small and warnings short).

# %%
# Setup: load the tools this notebook uses.
# %config InlineBackend.figure_formats = ["png"]
import warnings

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
import qitools as qi

plt.rcParams["figure.dpi"] = 100  # sharp enough to project and zoom
warnings.formatwarning = lambda msg, cat, *args, **kwargs: f"{cat.__name__}: {msg}\n"  # short warnings

# %% [markdown]
# The example data have one row per ward per month: the count of falls and the occupied bed days.

# %%
falls = qi.datasets.load("ward_falls")
falls[["month", "ward", "specialty", "falls", "occupied_bed_days"]].head(4)

# %% [markdown]
# Why not just compare counts? Because wards differ in size and in how full they are: 10 falls
# in 800 bed days is a different story from 10 falls in 400. A **rate** divides by the
# denominator; "per 1,000" makes the numbers easy to read. Here is each ward's first year
# (April 2021 to March 2022), with totals first and then the rate:

# %%
# NBVAL_CHECK_OUTPUT
year1 = falls[falls["month"] < "2022-04-01"]
by_ward = year1.groupby("ward")[["falls", "occupied_bed_days"]].sum()
by_ward["per_1000"] = 1000 * by_ward["falls"] / by_ward["occupied_bed_days"]
print(by_ward.round(1).to_string())

# %% [markdown]
# Ash had 106 falls and Oak 33, but Oak also had *more* bed days: Ash's rate (11.1 per 1,000, the
# baseline of the aim in section 1) is more than three times Oak's (3.2).

# %% [markdown]
# ### Add up first, then divide
#
# To combine months (or wards), divide the **total** falls by the **total** bed days. Do not average
# the monthly rates: a month with few bed days would count as much as a full one. A small example:
# a ward half-closed for refurbishment in one month.

# %%
# NBVAL_CHECK_OUTPUT
two_months = pd.DataFrame({"falls": [2, 8], "bed_days": [100, 800]})
rates = 1000 * two_months["falls"] / two_months["bed_days"]
print(f"average of the two monthly rates: {rates.mean():.1f} per 1,000  (misleading)")
pooled = 1000 * two_months["falls"].sum() / two_months["bed_days"].sum()
print(f"total falls / total bed days:     {pooled:.1f} per 1,000")

# %% [markdown]
# qitools always adds up first: give it the count as `y` and the denominator as `n`, and
# `multiply=1000` for "per 1,000".

# %% [markdown]
# ## 5. Missing months and zero denominators
#
# Real data have holes. Suppose June 2021's return for Ash was never made. Leave it **missing**
# (`NaN`, "not a number"), not zero: zero falls would be good news that did not happen. qitools
# keeps a missing month as a gap and leaves it out of the rules.

# %%
# NBVAL_CHECK_OUTPUT
ash = falls[falls["ward"] == "Ash"].copy()
ash.loc[ash["month"] == "2021-06-01", ["falls", "occupied_bed_days"]] = np.nan
rc = qi.run_chart(ash, x="month", y="falls", n="occupied_bed_days", multiply=1000)
print(f"months: {rc.summary.loc[0, 'n_obs']}, with a value: {rc.data['y'].notna().sum()}")

# %% [markdown]
# A **zero denominator** is different: a month with no bed days has no rate at all (dividing by
# zero is undefined). qitools refuses it, says which row, and how to fix it. (`try`/`except`
# catches the error so that we can print its message.)

# %%
ash.loc[ash["month"] == "2021-07-01", "occupied_bed_days"] = 0
try:
    qi.run_chart(ash, x="month", y="falls", n="occupied_bed_days", multiply=1000)
except qi.QIValueError as error:
    print(error)

# %% [markdown]
# ## 6. Stratify: do not mix different wards
#
# **Stratifying** means splitting the data into groups that may behave differently (wards,
# specialties, day and night, weekday and weekend) before charting. The table in section 4 showed
# care of older people wards falling three times as often as the surgical ward. Here first is the
# trust's rate, all eight wards added together, as a run chart (module 4 explains run charts; a
# dashed orange median would mean a signal):

# %%
trust = falls.groupby("month", as_index=False)[["falls", "occupied_bed_days"]].sum()
whole = qi.run_chart(trust, x="month", y="falls", n="occupied_bed_days", multiply=1000)
whole.plot(figsize=(8, 3.2), title="All eight wards: falls per 1,000 occupied bed days");

# %% [markdown]
# **Chart description:** run chart of the trust's falls per 1,000 occupied bed days, April 2021 to
# March 2024: the points wander between about 3.5 and 8.7 around a median of 6.3, with no signal
# (the median is a solid black line).
#
# No signal: the trust's figure gives no sign that anything changed. Now the same data **one chart
# per ward** (`facet="ward"`), in one call:

# %%
by_ward = qi.run_chart(falls, x="month", y="falls", n="occupied_bed_days", multiply=1000, facet="ward")
by_ward.plot(facet_cols=4, figsize=(10, 4.4), title="Falls per 1,000 occupied bed days, by ward");

# %% [markdown]
# **Chart description:** eight small run charts, one per ward. Ash and Cedar have dashed orange
# medians (a signal): their points drop from late 2022. The other six wards have solid black medians
# and no signal.
#
# Which wards signal?

# %%
# NBVAL_CHECK_OUTPUT
print("whole trust:", "signal" if whole.summary.loc[0, "runs_signal"] else "no signal")
print("wards with a signal:", ", ".join(by_ward.summary.loc[by_ward.summary["runs_signal"], "facet"]))

# %% [markdown]
# Ash and Cedar are the two wards that started the falls bundle in November 2022; their falls
# dropped by about 40%. Added to six unchanged wards, that real improvement is **diluted** until the
# trust's chart shows nothing. Chart the level where the change was made, and stratify by anything
# that might behave differently. (Module 3 uses stratification to find *where* a problem is.)

# %% [markdown]
# ## 7. A measurement plan, and sampling
#
# Before collecting anything, write a **measurement plan**: for each measure, who collects what,
# from where, when, how many, and what to do when data are missing. The falls project on Ash and
# Cedar had three measures. Its process measure was lying and standing blood pressure (a check for a
# cause of falls):
#
# | part of the plan | lying and standing blood pressure (process measure) |
# |---|---|
# | operational definition | of the patients audited (denominator), those with a lying and standing blood pressure in the notes within 24 hours of admission (numerator) |
# | data source | the electronic observations record |
# | who collects | the ward's practice educator |
# | when and how often | in the first week of each month, for the previous month's admissions |
# | sampling plan | **20 patients a month**: on each ward, the first 10 patients admitted after the 1st of the month |
# | what counts as missing | notes that cannot be opened: take the next patient on the list, and say so; a month not audited: leave it blank, never 0 |
#
# Auditing every patient's notes takes hours; 20 takes one. Is 20 enough?

# %% [markdown]
# A team recording its project with `qi.pdsa` (module 6) keeps the plan with each measure, and the
# project's report prints it. The falls project's process measure:

# %%
project = qi.pdsa.load_json(qi.datasets.path("pdsa_falls_project", "json"))
plan = project.measure("M2")
print(f"{plan.name}\n  sampling: {plan.sampling}\n  missing:  {plan.missing}")

# %% [markdown]
# ### What a sample of 20 does to the chart
#
# A percentage from 20 patients jumps around by chance: 5 of 20 is 25%, 8 of 20 is 40%. A **p
# chart** (module 8 explains it) draws limits around the percentage: the range chance alone gives,
# which is wider when there are fewer patients. Here is the audit, with limits from the 13 months
# before the project's first tests (`freeze=`). Suppose too that in August 2021 only 8 sets of notes
# could be found (the plan says: chart what was audited, with its own number):

# %%
audit = qi.datasets.load("pdsa_falls_project")[["month", "lsbp_audited", "lsbp_recorded"]].copy()
audit.loc[audit["month"] == "2021-08-01", ["lsbp_audited", "lsbp_recorded"]] = [8, 2]
lsbp = qi.control_chart(audit, x="month", y="lsbp_recorded", n="lsbp_audited", chart="p",
                        multiply=100, freeze="2022-04-01")
lsbp.plot(figsize=(8, 3.5), percent=True, title="Lying and standing BP recorded, 20 patients a month",
          y_label="% of audited patients");

# %% [markdown]
# **Chart description:** p chart of the percentage of audited patients with a lying and standing
# blood pressure, April 2021 to March 2024. Before the project the points lie between about 10% and
# 40%, inside limits from 0% to about 55%; in August 2021 (8 patients) the upper limit steps out to
# about 72%. From mid-2022 the points rise to 70–95%, far above the upper limit, and are marked as
# signals (orange diamonds).
#
# The numbers behind it:

# %%
# NBVAL_CHECK_OUTPUT
d = lsbp.data.set_index("x")
print(f"baseline: {d['cl'].iloc[0]:.1f}%; limits with 20 patients: {d['lcl'].iloc[0]:.1f}% to {d['ucl'].iloc[0]:.1f}%")
print(f"August 2021, 8 patients: limits {d.loc['2021-08-01', 'lcl']:.1f}% to {d.loc['2021-08-01', 'ucl']:.1f}%")
print(f"months above the upper limit: {(d['y'] > d['ucl']).sum()}")

# %% [markdown]
# Limits this wide (0% to 55%) mean that no single month of a 20-patient audit tells you much. But
# the change the team made was big: from about 25% to nearly 90% of patients. Against that, 20 a
# month is plenty: 21 months are far above the upper limit. **How wide are the limits for other
# sample sizes?** Half the width of p-chart limits is 3 × √(p × (1 − p) / n) (Montgomery 2019,
# ch. 7), in percentage points:

# %%
# NBVAL_CHECK_OUTPUT
sizes = pd.DataFrame(index=pd.Index([10, 20, 50, 80, 100, 200], name="patients a month"))
for level in [0.25, 0.50, 0.85]:
    sizes[f"at {level:.0%}"] = 100 * 3 * np.sqrt(level * (1 - level) / sizes.index)
print(sizes.round(1).to_string())

# %% [markdown]
# The limits narrow with the **square root** of the sample: 4 times as many patients (80 instead of
# 20) halve their width; twice as many narrow them by only about 30%.
#
# **When is a sample of 20 a month enough?** (Provost & Murray, 2011, ch. 2: data for improvement
# should be "just enough".)
#
# - When the change you hope for is **large** compared with the limits: 25% to 85%, yes; 80% to 85%,
#   no (the limits at 85% are ±24 points).
# - When you will read the **chart over many months**, with the run-chart rules, rather than judge
#   one month against another: a long run of months a little higher (module 5 says how long)
#   shows a change that no single month can.
# - When the sample is taken **the same way every month**, by a rule written in the plan (the first
#   10 admissions after the 1st on each ward; or every 5th patient on the list from a random start),
#   not the 20 easiest notes to find or the patients the auditor remembers: those give a **biased**
#   sample that no amount of charting can correct.
#
# **Try it:** in the cell above, add 400 to the list of sample sizes. How much narrower are the
# limits than with 100 patients?

# %% [markdown]
# ## Key points
#
# - An **aim** says how much, by when and for whom, and starts from a measured baseline.
# - A **family of measures** has an outcome, one or more process measures, and a balancing measure.
# - An **operational definition** fixes the numerator, the denominator, what is in and out, and
#   where the data come from, before collection starts.
# - Compare **rates**, not counts: total events ÷ total exposure (× 1,000). Add up first, then divide.
# - Leave missing months **missing**, never zero; a zero denominator has no rate.
# - **Stratify** by ward or specialty before combining: a real change on two wards can vanish in
#   the trust's total.
# - A **measurement plan** says who collects what, from where, when, how many, and what counts as
#   missing. A **sample** of 20 a month is enough to see a large change over many months, if it is
#   taken the same way every month; its p-chart limits are wide (they narrow with √n).
#
# **Discuss with your coach:** write the aim and the family of measures for a problem in your own
# service. Which measure would be hardest to define operationally, and why?
#
# **Practise:** [exercises/02_aims_and_measures.ipynb](../exercises/02_aims_and_measures.ipynb) (graded, with hints).
#
# **Next:** [Module 3, Understanding the system](03_understanding_the_system.ipynb)

# %% [markdown]
# ## Sources
#
# - Langley GJ et al. (2009). *The Improvement Guide*, 2nd ed. Jossey-Bass (aims; the Model for
#   Improvement).
# - Provost LP, Murray SK (2011). *The Health Care Data Guide: Learning from Data for
#   Improvement.* Jossey-Bass (families of measures; ch. 2, operational definitions, measurement
#   plans and sampling).
# - Montgomery DC (2019). *Introduction to Statistical Quality Control*, 8th ed. Wiley (ch. 7, the
#   p chart and its limits).
# - Royal College of Physicians (2017). *Measurement of lying and standing blood pressure: a brief
#   guide for clinical staff* (the falls project's process measure).
# - World Health Organization (2021). *Falls* fact sheet (definition of a fall).
# - NHS Improvement (2017). *The incidence and costs of inpatient falls in hospitals* (falls per
#   1,000 occupied bed days as the NHS measure).
# - Example data: `ward_falls` and `pdsa_falls_project` (synthetic; see `datasets/README.md`).
