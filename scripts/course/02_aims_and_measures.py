# Source of notebooks/02_aims_and_measures.ipynb: edit this file, then run `python scripts/build_notebooks.py 02`.
# ruff: noqa: E402, E501, E703, B905 - notebook idioms: imports where first needed, long markdown lines, ";" hides a plot's return value, plain zip() for readers

# %% [markdown]
# # Module 2: Aims and measures
#
# | | |
# |---|---|
# | **Level** | 1 (foundation) |
# | **Time** | about 25 minutes |
# | **Prerequisites** | [Module 1, Why measure?](01_why_measure.ipynb) |
# | **Measure used** | inpatient falls per 1,000 occupied bed days on eight wards (example data, `ward_falls`); sepsis antibiotics within 1 hour as a second example |
#
# **Learning objectives.** By the end of this module you will be able to:
# - write an **aim statement** that says how much, by when and for whom;
# - build a **family of measures**: outcome, process and balancing;
# - write an **operational definition** with a numerator and a denominator;
# - compute a rate such as **falls per 1,000 bed days**, and deal with missing months, zero
#   denominators and wards that should not be mixed.

# %% [markdown]
# ## 1. What are we trying to accomplish? The aim
#
# The first question of the Model for Improvement asks for an **aim**. A useful aim is specific
# enough that everyone can tell whether it was met (Langley et al., *The Improvement Guide*, 2009;
# the IHI Open School teaches the same "how much, by when, for whom"):
#
# | weak aim | why it is weak | stronger aim |
# |---|---|---|
# | "Reduce falls." | no size, no date, no population | "Reduce inpatient falls on Ash and Cedar wards by 30%, from 10.5 to 7.4 per 1,000 occupied bed days, by 31 March 2023." |
# | "Improve sepsis care in ED." | "improve" how? | "By 31 December 2023, 85% of adults who screen positive for sepsis in our emergency department get IV antibiotics within 1 hour of arrival (now 55%)." |
#
# A stretch of 30% or more signals that small tweaks will not do: the system has to change. The
# baseline ("from 10.5") comes from the team's own data, which is why we measure before we change.
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
# | **process** | are we doing the things we believe lead to the outcome? | % of patients with a lying and standing blood pressure within 48 hours | % of screen-positive patients given antibiotics within 1 hour |
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

plt.rcParams["figure.dpi"] = 80  # small pictures
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
# Ash had 106 falls and Oak 33, but Oak also had *more* bed days: Ash's rate (11.1 per 1,000) is
# more than three times Oak's (3.2).

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
# specialties, day and night) before charting. The table in section 4 showed care of older people
# wards falling three times as often as the surgical ward. Added together, the trust's rate mixes
# very different processes and can hide a change on one ward. `facet="ward"` makes one chart per
# ward in one call (module 8 explains the u chart used here):

# %%
cc = qi.control_chart(falls, x="month", y="falls", n="occupied_bed_days", chart="u",
                      multiply=1000, facet="ward")
cc.plot(facet_cols=4, figsize=(10, 4.5), title="Falls per 1,000 occupied bed days, by ward");

# %% [markdown]
# The orange dashed centre lines on Ash and Cedar mark a signal: these are the two wards that
# started the falls bundle in November 2022. The other six wards are stable, so a chart of the
# whole trust would dilute the change.

# %% [markdown]
# ## Key points
#
# - An **aim** says how much, by when and for whom, and starts from a measured baseline.
# - A **family of measures** has an outcome, one or more process measures, and a balancing measure.
# - An **operational definition** fixes the numerator, the denominator, what is in and out, and
#   where the data come from, before collection starts.
# - Compare **rates**, not counts: total events ÷ total exposure (× 1,000). Add up first, then divide.
# - Leave missing months **missing**, never zero; a zero denominator has no rate.
# - **Stratify** by ward or specialty before combining.
#
# **Discuss with your coach:** write the aim and the family of measures for a problem in your own
# service. Which measure would be hardest to define operationally, and why?
#
# **Practise:** [exercises/02_aims_and_measures.ipynb](../exercises/02_aims_and_measures.ipynb) (graded, with hints).
#
# **Next:** [Module 4, Run charts](04_run_charts.ipynb)

# %% [markdown]
# ## Sources
#
# - Langley GJ et al. (2009). *The Improvement Guide*, 2nd ed. Jossey-Bass (aims; the Model for
#   Improvement).
# - Provost LP, Murray SK (2011). *The Health Care Data Guide: Learning from Data for
#   Improvement.* Jossey-Bass (families of measures, ch. 2 operational definitions).
# - World Health Organization (2021). *Falls* fact sheet (definition of a fall).
# - NHS Improvement (2017). *The incidence and costs of inpatient falls in hospitals* (falls per
#   1,000 occupied bed days as the NHS measure).
# - Example data: `ward_falls` (synthetic; see `datasets/README.md`).
