# Source of notebooks/10_rare_events.ipynb: edit this file, then run `python scripts/build_notebooks.py 07`.
# ruff: noqa: E402, E501, E703, B905 - notebook idioms: imports where first needed, long markdown lines, ";" hides a plot's return value, plain zip() for readers

# %% [markdown]
# # Module 10: Rare events
#
# | | |
# |---|---|
# | **Level** | 2 (practitioner) |
# | **Time** | about 20 minutes |
# | **Prerequisites** | [Module 8, Choosing the chart](08_choosing_the_chart.ipynb) (the c chart) |
# | **Measure used** | hospital-acquired pressure ulcers, category 2 and above, in a care of older people directorate: the date of each one (example data, `pressure_ulcer_dates`) |
#
# **Learning objectives.** By the end of this module you will be able to:
# - explain why monthly counts of rare events make poor charts;
# - turn event dates into **days between events**;
# - build and read **g** and **t** charts, where **longer gaps mean improvement**.

# %% [markdown]
# ## 1. The trouble with counting rare events
#
# Serious harms are (thankfully) rare: a few pressure ulcers, falls with harm or never events a
# month. When the counts are small, a monthly chart has a **lower limit of zero**, so a month with
# no events cannot be a signal however good it is, and many months are zero anyway. Improvement
# shows only slowly, as a long run of low months. Charting the **time between events** instead
# makes every event a data point and lets a single long gap be a signal (Benneyan, 2001; Provost &
# Murray, 2011).
#
# Run the setup cell.

# %%
# Setup: load the tools this notebook uses.
# %config InlineBackend.figure_formats = ["png"]
import warnings

import matplotlib.pyplot as plt
import pandas as pd
import qitools as qi

plt.rcParams["figure.dpi"] = 80  # small pictures
warnings.formatwarning = lambda msg, cat, *args, **kwargs: f"{cat.__name__}: {msg}\n"  # short warnings

# %% [markdown]
# The data are one row per pressure ulcer: its date, ward, category and site. On 1 April 2022 the
# directorate started an intervention (the SSKIN bundle, "react to red" training and tissue
# viability link nurses on every ward).

# %%
ulcers = qi.datasets.load("pressure_ulcer_dates").sort_values("date")
ulcers.head(3)

# %% [markdown]
# First, the usual monthly count (months with no ulcer must be added as zeros), as a c chart with
# its limits frozen on the year before the intervention:

# %%
months = pd.period_range("2021-04", "2024-03", freq="M")
per_month = ulcers["date"].dt.to_period("M").value_counts().reindex(months, fill_value=0)
monthly = pd.DataFrame({"month": months.to_timestamp(), "ulcers": per_month.to_numpy()})
c = qi.control_chart(monthly, x="month", y="ulcers", chart="c", freeze="2022-03-01")
c.plot(figsize=(8, 3.5), title="Pressure ulcers per month (c chart)");

# %%
# NBVAL_CHECK_OUTPUT
s = c.summary.iloc[0]
print(f"mean {s['cl']:.2f} a month; limits {s['lcl']:.2f} to {s['ucl']:.2f}")
print(f"months with no ulcers: {(monthly['ulcers'] == 0).sum()}; longest run below the mean: {s['longest_run']}")

# %% [markdown]
# The lower limit is 0 (4.08 − 3 × √4.08 is below zero), so the six months with no ulcers are not
# signals on their own. The improvement does show, but only as a long run of low months, which
# needs many months to build up.

# %% [markdown]
# ## 2. Days between events
#
# Sort the dates and subtract each from the next: that is the number of days since the previous
# ulcer. The first ulcer has no previous one, so its gap is missing; we drop it.

# %%
ulcers["days_between"] = ulcers["date"].diff().dt.days
gaps = ulcers.dropna(subset=["days_between"])
gaps[["date", "ward", "days_between"]].head(4)

# %% [markdown]
# If two events happen on the same day, the gap is 0 days: fine for a g chart, but a t chart needs
# gaps above zero (add a time of day, or count same-day events as one). There are none here.

# %% [markdown]
# ## 3. The g chart
#
# The **g chart** plots the number of cases (or days) between events. Its centre line is the
# median gap, and its limits come from the **geometric distribution**, the distribution of waits
# for an event that has the same small chance on every day (Benneyan, 2001). Each point is an
# event, so the x axis is the date of each ulcer, and points are not evenly spaced.
#
# Two settings matter. `freeze=` fixes the limits on the baseline (the last ulcer before April
# 2022). `improvement="increase"`: **up is good** here, because longer gaps mean fewer ulcers.

# %%
g = qi.control_chart(gaps, x="date", y="days_between", chart="g", freeze="2022-03-31",
                     improvement="increase")
g.plot(figsize=(8, 3.5), title="Days between pressure ulcers (g chart)",
       annotations=[{"x": "2022-04-01", "label": "SSKIN bundle"}]);

# %%
# NBVAL_CHECK_OUTPUT
s = g.summary.iloc[0]
print(f"baseline: median gap {s['cl']:.1f} days, mean {s['mean']:.1f}; upper limit {s['ucl']:.1f} days")
above = g.data[g.data["sigma_signal"]]
print("gaps above the upper limit:", ", ".join(f"{d:%d %b %Y} ({y:.0f} days)" for d, y in zip(above["x"], above["y"])))

# %% [markdown]
# Before April 2022 ulcers came about every week. Five months after the bundle started, a gap of
# 57 days was longer than the baseline process could produce by chance: a signal of improvement,
# from a single event. More long gaps followed, and a long run above the centre line at the end.
#
# Notice also the short gaps after April 2022 (1, 2, 3 days). Waits between rare events are very
# skewed: even when the average gap has tripled, some ulcers will still come close together. Do not
# react to a single short gap.

# %% [markdown]
# ## 4. The t chart
#
# The **t chart** treats the gaps as measured *times* (they can be fractions of a day). Times between
# events are skewed, so it transforms them (to the power 1/3.6, which makes them roughly
# symmetrical), computes I-chart limits, and transforms back (Provost & Murray, 2011, ch. 7).

# %%
# NBVAL_CHECK_OUTPUT
t = qi.control_chart(gaps, x="date", y="days_between", chart="t", freeze="2022-03-31",
                     improvement="increase")
s = t.summary.iloc[0]
above = t.data[t.data["sigma_signal"]]
print(f"t chart: centre {s['cl']:.1f} days, upper limit {s['ucl']:.1f} days")
print("gaps above the upper limit:", ", ".join(f"{d:%d %b %Y}" for d in above["x"]))

# %% [markdown]
# The t chart's upper limit is higher here (59 days), so only the three longest gaps are above it.
# Both charts agree that the process improved. The g chart is the usual choice when you count
# days (or patients, or operations) between events; the t chart when you have exact times.

# %% [markdown]
# ## 5. The gap that is still open
#
# The last ulcer in the data was on 21 March 2024. If none has happened since, the current gap is
# still growing. On 31 March 2024 it is 10 days; if it passes the g chart's upper limit of 31 days
# before the next ulcer, that is already a signal: you do not have to wait for the next event.
# Many teams show "days since the last pressure ulcer" on the ward for this reason.

# %%
# NBVAL_CHECK_OUTPUT
open_gap = (pd.Timestamp("2024-03-31") - ulcers["date"].max()).days
print(f"days since the last ulcer on 31 March 2024: {open_gap}")

# %% [markdown]
# ## Key points
#
# - Monthly counts of rare events have many zeros and a lower limit of 0: improvement shows late,
#   and only as a run.
# - Chart the **days (or cases) between events**: each event becomes a point, and one long gap can
#   signal.
# - The **g chart** (geometric, centre line the median) and the **t chart** (transformed times) are
#   built for this. **Longer gaps are better**: set `improvement="increase"`.
# - Short gaps still happen after a real improvement; the current open gap counts too.
#
# **Discuss with your coach:** which harms in your service are rare enough that a monthly count is
# mostly zeros? How would "days between" change the conversation at your safety huddle?
#
# **Practise:** [exercises/10_rare_events.ipynb](../exercises/10_rare_events.ipynb) (graded, with hints).
#
# **Next:** [Module 11, Chart savvy](11_baselines_and_limits.ipynb)

# %% [markdown]
# ## Sources
#
# - Benneyan JC (2001). Number-between g-type statistical quality control charts for monitoring
#   adverse events. *Health Care Manag Sci* 4:305–318.
# - Provost LP, Murray SK (2011). *The Health Care Data Guide.* Jossey-Bass (ch. 7, charts for rare
#   events: g and t charts).
# - NHS Improvement (2018). *Pressure ulcers: revised definition and measurement* (category 2 and
#   above, hospital-acquired).
# - Example data: `pressure_ulcer_dates` (synthetic; see `datasets/README.md`).
